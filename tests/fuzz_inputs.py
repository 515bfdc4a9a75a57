"""Fuzzing every input path: real seeds from fixtures/, damage made with hypothesis, one oracle.

Shared by tests/test_fuzz_inputs.py (a small derandomized sample in every test run) and
benchmarks/fuzz.py (>= 10,000 cases). A case is one damaged input run through the importer
(``import_file``, the code behind ``tmigr-trace import``) or the Parquet reader (``load``, the
``info`` summary, the range check and a full read). Only two outcomes are allowed:

* ``imported``: the valid part is imported and what was not is counted (malformed lines, other
  events, lost events, ``damaged``), and the result reads back;
* ``refused``: a :class:`TmigrError` (the CLI prints it as one line, exit 2).

Anything else is a failure: ``traceback`` (another exception), ``hang`` (over the per-case time
limit), or ``silent`` (a silent partial import: fewer events than the undamaged lines of a text
input hold, or than the undamaged capture, with no counter set; a Parquet file whose damaged
content reads back as other values).
"""

from __future__ import annotations

import gzip
import io
import lzma
import signal
import tarfile
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import zstandard
from hypothesis import strategies as st

from tmigr_trace.errors import TmigrError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEXT_LINES = 400  # seed size: enough for every event type, small enough for thousands of cases
TRACEDAT = FIXTURES / "tracedat" / "host-6.18.v7-zstd.dat"  # 234 KB, 20,705 events (fixtures/tracedat/README.md)
# 3,786 events each (fixtures/perfetto/README.md): GenericFtraceEvent, and the v50+ denser encoding
PERFETTO = {"generic.perfetto-trace": FIXTURES / "perfetto" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.generic.perfetto-trace.gz",
            "denser.perfetto-trace": FIXTURES / "perfetto" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.denser.perfetto-trace"}


def _text_seed(name: str) -> bytes:
    with gzip.open(FIXTURES / "host-6.18" / name, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    return b"".join(lines[:TEXT_LINES])


def _parquet_seed() -> bytes:
    from tmigr_trace.importers import import_file

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "seed.txt"
        src.write_bytes(_text_seed("trace.txt.gz"))
        import_file(src, Path(d) / "seed.parquet")
        return (Path(d) / "seed.parquet").read_bytes()


@dataclass
class Seed:
    name: str
    kind: str  # text | gz | xz | zst | tar | targz | tracedat | perfetto | parquet
    data: bytes
    plain: bytes | None = None  # the text of a text/compressed seed (the oracle's reference)
    events: int = 0  # events of the undamaged capture (the oracle's reference for tarballs)


def seeds() -> list[Seed]:
    """Real inputs, one per format: text (irq-info, no irq-info, trace-cmd report), its .gz/.xz/.zst,
    a capture tarball (plain and gzip'd), a trace-cmd trace.dat (v7, zstd: the native reader and
    its page checks), Perfetto traces in both generic-event encodings and a Parquet file made by
    the importer."""
    text = _text_seed("trace.txt.gz")
    out = [Seed("trace.txt", "text", text, text),
           Seed("trace-noirq.txt", "text", _text_seed("trace-noirq.txt.gz"), _text_seed("trace-noirq.txt.gz")),
           Seed("report.txt", "text", _text_seed("report.txt.gz"), _text_seed("report.txt.gz")),
           Seed("trace.txt.gz", "gz", gzip.compress(text), text),
           Seed("trace.txt.xz", "xz", lzma.compress(text), text),
           Seed("trace.txt.zst", "zst", zstandard.ZstdCompressor().compress(text), text)]
    cap = FIXTURES / "live-6.18" / "capture-2cpu.tar.gz"
    n = _events(cap)
    out += [Seed("capture.tar", "tar", gzip.decompress(cap.read_bytes()), events=n),
            Seed("capture.tar.gz", "targz", cap.read_bytes(), events=n),
            Seed("trace.dat", "tracedat", TRACEDAT.read_bytes(), events=_events(TRACEDAT))]
    for name, path in PERFETTO.items():  # uncompressed: the damage reaches the protobuf decoding
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        out.append(Seed(name, "perfetto", data, events=_events(path)))
    out.append(Seed("trace.parquet", "parquet", _parquet_seed()))
    return out


def _events(capture: Path) -> int:
    from tmigr_trace.importers import import_file

    with tempfile.TemporaryDirectory() as d:
        return import_file(capture, Path(d) / "ref.parquet")[2]


# -- damage ---------------------------------------------------------------------------------------

def truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


def flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for pos, mask in flips:
        if b:
            b[pos % len(b)] ^= mask or 1
    return bytes(b)


_FIELD_VALUES = [b"-1", b"2000000000", b"99999999999999999999999", b"0x", b"", b"(nil)", b"(____ptrval____)",
                 b"18446744073709551616", b"-9223372036854775809", b"ffffffffffffffff"]


def line_edit(text: bytes, op: str, i: int, j: int, k: int) -> bytes:
    """One edit of whole lines: delete, duplicate, swap, a garbage line, a field value replaced,
    a CPU column replaced, a very long line, a line cut in two."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i %= len(lines)
    j %= len(lines)
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(j, lines[i])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "garbage":
        lines.insert(i, bytes((k * 7 + n) % 256 for n in range(k % 300)) + b"\n")
    elif op == "field":
        parts = lines[i].split(b"=")
        if len(parts) > 1:
            p = 1 + j % (len(parts) - 1)
            rest = parts[p].split(b" ", 1)
            parts[p] = _FIELD_VALUES[k % len(_FIELD_VALUES)] + (b" " + rest[1] if len(rest) > 1 else b"\n")
            lines[i] = b"=".join(parts)
    elif op == "cpu":
        a, b = lines[i].find(b"["), lines[i].find(b"]")
        if 0 <= a < b:
            lines[i] = lines[i][: a + 1] + _FIELD_VALUES[k % len(_FIELD_VALUES)] + lines[i][b:]
    elif op == "long":
        lines.insert(i, b"x" * (70_000 + k) + b"\n")
    elif op == "split":
        cut = j % max(1, len(lines[i]))
        lines[i: i + 1] = [lines[i][:cut] + b"\n", lines[i][cut:]]
    return b"".join(lines)


LINE_OPS = ("delete", "duplicate", "swap", "garbage", "field", "cpu", "long", "split")


def hostile_member(tar: bytes, op: str, k: int) -> bytes:
    """Append (or substitute) a hostile member to a capture tarball: links out of the tree,
    devices, FIFOs, absolute and '..' paths, a member whose size field lies, a duplicate raw."""
    src = tarfile.open(fileobj=io.BytesIO(tar))
    members = src.getmembers()
    top = members[0].name.split("/")[0]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as out:
        for m in members:
            out.addfile(m, src.extractfile(m) if m.isreg() else None)
        ti = tarfile.TarInfo(f"{top}/per_cpu/cpu{k % 3}/raw" if op in ("symlink", "duplicate") else f"{top}/x{k}")
        if op == "symlink":
            ti.type, ti.linkname = tarfile.SYMTYPE, "/dev/zero"
        elif op == "hardlink":
            ti.type, ti.linkname = tarfile.LNKTYPE, "/etc/passwd"
        elif op == "device":
            ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 5
        elif op == "fifo":
            ti.type = tarfile.FIFOTYPE
        elif op == "absolute":
            ti.name = f"/tmp/tmigr-fuzz-escape-{k}"
        elif op == "dotdot":
            ti.name = f"{top}/../../tmigr-fuzz-escape-{k}"
        if op in ("absolute", "dotdot", "duplicate"):
            data = bytes(range(256)) * (1 + k % 64)
            ti.size = len(data)
            out.addfile(ti, io.BytesIO(data))
        else:
            out.addfile(ti)
    raw = buf.getvalue()
    if op == "lying-size":  # the size field of the last raw member says 8 GiB
        t = tarfile.open(fileobj=io.BytesIO(raw))
        last = [m for m in t.getmembers() if m.name.endswith("/raw")][-1]
        b = bytearray(raw)
        b[last.offset + 124: last.offset + 136] = b"77777777777\0"
        raw = bytes(b)
    return raw


TAR_OPS = ("symlink", "hardlink", "device", "fifo", "absolute", "dotdot", "duplicate", "lying-size")


@st.composite
def damaged(draw, seed: Seed) -> tuple[str, bytes]:
    """One damaged variant of a seed: (what was done, bytes)."""
    ops = ["truncate", "flip"]
    if seed.plain is not None:
        ops += ["lines", "lines"]
    if seed.kind in ("tar", "targz"):
        ops += ["member", "member"]
    op = draw(st.sampled_from(ops))
    data = seed.data
    if op == "truncate":
        at = draw(st.integers(0, len(data)))
        return f"truncate {at}", truncate(data, at)
    if op == "flip":
        n = draw(st.integers(1, 8))
        flips = draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), min_size=n, max_size=n))
        return f"flip {flips}", flip(data, flips)
    if op == "lines":
        edits = draw(st.lists(st.tuples(st.sampled_from(LINE_OPS), st.integers(0, 1 << 16), st.integers(0, 1 << 16),
                                        st.integers(0, 1 << 10)), min_size=1, max_size=4))
        text = seed.plain
        for e in edits:
            text = line_edit(text, *e)
        return f"lines {edits}", recompress(seed.kind, text)
    mop, k = draw(st.sampled_from(TAR_OPS)), draw(st.integers(0, 1000))
    tar = gzip.decompress(data) if seed.kind == "targz" else data
    out = hostile_member(tar, mop, k)
    return f"member {mop} {k}", gzip.compress(out, 1) if seed.kind == "targz" else out


def recompress(kind: str, text: bytes) -> bytes:
    if kind == "gz":
        return gzip.compress(text, 1)
    if kind == "xz":
        return lzma.compress(text, preset=0)
    if kind == "zst":
        return zstandard.ZstdCompressor(level=1).compress(text)
    return text


# -- the oracle -----------------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str  # imported | refused | traceback | hang | silent
    detail: str = ""
    events: int = 0
    counted: dict = field(default_factory=dict)


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def _counted(meta) -> dict:
    c = {"malformed_lines": meta.malformed_lines, "unknown_events": sum(meta.unknown_events.values()),
         "lost": meta.lost_total, "lost_unknown_cpus": len(meta.lost_unknown_cpus), **meta.damaged}
    return {k: v for k, v in c.items() if v}


def _event_lines(text: bytes, reference: bytes) -> int:
    """Lines of ``text`` that are, whole and unchanged, tmigr event lines of the undamaged ``reference``."""
    ref = {ln for ln in reference.splitlines() if b": tmigr_" in ln}
    return sum(1 for ln in text.splitlines() if ln in ref)


def run_case(seed: Seed, data: bytes, workdir: Path, timeout_s: float = 60.0,
             reference_table=None) -> Outcome:
    """Run one damaged input through its reader and classify the outcome (see module docstring)."""
    from tmigr_trace.importers import import_file
    from tmigr_trace.info import summarize
    from tmigr_trace.trace import load

    src = workdir / ("input.parquet" if seed.kind == "parquet" else "input")
    out = workdir / "out.parquet"
    out.unlink(missing_ok=True)
    src.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        if seed.kind == "parquet":
            trace = load(src)
        else:
            import_file(src, out)
            trace = load(out)
        summary = summarize(trace)
        trace.check_values()
        table = trace.table
        counted = _counted(trace.meta)
    except TmigrError as exc:
        return Outcome("refused", str(exc).splitlines()[0] if str(exc) else "")
    except _Timeout:
        return Outcome("hang", f"over {timeout_s:g} s")
    except Exception:
        return Outcome("traceback", traceback.format_exc(limit=-3))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    res = Outcome("imported", events=summary.events, counted=counted)
    if seed.plain is not None and not counted:
        text = _decompressed(seed.kind, data)
        if text is not None:
            expect = _event_lines(text, seed.plain)
            if summary.events < expect:
                return Outcome("silent", f"{summary.events} events, {expect} undamaged event lines, nothing counted",
                               summary.events, counted)
    if seed.events and not counted and summary.events < seed.events:
        return Outcome("silent", f"{summary.events} of {seed.events} events, nothing counted", summary.events, counted)
    if seed.kind == "parquet" and reference_table is not None and not table.equals(reference_table):
        return Outcome("silent", "damaged Parquet read back as other values", summary.events, counted)
    return res


def _decompressed(kind: str, data: bytes) -> bytes | None:
    try:
        if kind == "gz":
            return gzip.decompress(data)
        if kind == "xz":
            return lzma.decompress(data)
        if kind == "zst":
            return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    except Exception:
        return None
    return data
