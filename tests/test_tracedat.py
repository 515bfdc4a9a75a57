"""The native trace.dat reader on real files of this machine (fixtures/tracedat, README there).

The reference is trace-cmd itself: `trace-cmd report -t` text through the text importer must give
the same rows, value for value (when trace-cmd is installed), and `report -l` the same flags.
Damaged copies of the real files (truncated, bits flipped in page headers and data) must either be
refused with one line or import what is intact and say how much was not.
"""

from __future__ import annotations

import json
import lzma
import random
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import tmigr_trace
from tmigr_trace.errors import TmigrError
from tmigr_trace.importers import import_file, import_text_blocks
from tmigr_trace.importers.tracedat import report_text_blocks
from tmigr_trace.importers.tracedat_file import decompress, read_tracedat
from tmigr_trace.limits import ROW_BOUNDS
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.store import TraceWriter

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "tracedat"
FILES = {"v6": "host-6.18.v6.dat.xz", "v7": "host-6.18.v7.dat.xz", "v7-zstd": "host-6.18.v7-zstd.dat"}
RELEASE = (FIX / "release").read_text().strip()
N_EVENTS = 20_705  # tmigr events in host-6.18.*: `trace-cmd report` of the file counts the same
needs_trace_cmd = pytest.mark.skipif(shutil.which("trace-cmd") is None, reason="trace-cmd is not installed")


def _plain(name: str, tmp_path: Path) -> Path:
    """The fixture as trace-cmd reads it (the .xz ones decompressed)."""
    src = FIX / name
    if src.suffix != ".xz":
        return src
    out = tmp_path / src.stem
    out.write_bytes(lzma.decompress(src.read_bytes()))
    return out


def _native(src: Path, tmp_path: Path, name: str = "native.parquet"):
    _, meta, rows = import_file(src, tmp_path / name)
    return tmigr_trace.load(tmp_path / name), meta, rows


def _report(src: Path, tmp_path: Path):
    meta = TraceMeta(source_format="text")
    out = tmp_path / "report.parquet"
    with TraceWriter(out) as w:
        import_text_blocks(report_text_blocks(src), w, meta)
        w.close(meta)
    return tmigr_trace.load(out), meta


def _rows(trace, drop=()) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in drop} for r in trace.table.to_pylist()]


@needs_trace_cmd
@pytest.mark.parametrize("version", sorted(FILES))
def test_rows_equal_trace_cmd_report(version: str, tmp_path: Path):
    src = _plain(FILES[version], tmp_path)
    native, meta, rows = _native(src, tmp_path)
    ref, ref_meta = _report(src, tmp_path)
    assert rows == ref.num_events == N_EVENTS
    # every column but irq_flags (the report prints no flags column: compared with `report -l` below)
    assert _rows(native, {"irq_flags"}) == _rows(ref, {"irq_flags"})
    assert meta.lost_events == ref_meta.lost_events
    assert meta.unknown_events == ref_meta.unknown_events
    assert ref_meta.malformed_lines == 0
    lat = subprocess.run(["trace-cmd", "report", "-l", "-t", "-i", str(src)], capture_output=True, text=True,
                         check=True).stdout
    # "NAME:  comm-pid  <cpu><flags>  secs.ns: event: ..." (latency format, comm cut to 8 chars)
    flags = re.findall(r"^\S+:\s+.*?-\d+\s+\d+(\S{4,5})\s+\d+\.\d+: tmigr_", lat, re.M)
    # libtraceevent prints 'N' for TRACE_FLAG_NEED_RESCHED whatever the lazy/preempt bits; the
    # store keeps the kernel's own rendering (trace_print_lat_fmt(): n N b B l L p, 6.13+)
    ours = [f[0] + ("N" if f[1] in "nNbB" else ".") + f[2:] for f in native.table.column("irq_flags").to_pylist()]
    assert flags == ours


def test_versions_and_compression_give_the_same_rows(tmp_path: Path):
    tables = {v: _rows(_native(FIX / f, tmp_path, f"{v}.parquet")[0]) for v, f in FILES.items()}
    assert tables["v6"] == tables["v7"] == tables["v7-zstd"]
    assert len(tables["v6"]) == N_EVENTS


def test_metadata_release_clock_cpus(tmp_path: Path):
    trace, meta, _ = _native(FIX / FILES["v7-zstd"], tmp_path)
    assert meta.kernel_release == RELEASE
    assert meta.clock == "local"
    assert meta.source_format == "tracedat" and meta.pointer_mode == "raw"
    x = meta.extra["tracedat"]
    assert (x["file_version"], x["compression"], x["cpu_count"], x["page_size"]) == (7, "zstd", 2, 4096)
    assert [b["name"] for b in x["buffers"] if b["events"]] == [x["buffers"][-1]["name"]]
    assert x["buffers"][-1]["name"].startswith("tmigr-dat-")
    assert set(meta.formats) >= {"tmigr_cpu_idle", "tmigr_update_events", "tmigr_group_set_cpu_inactive"}
    assert meta.damaged == {} and meta.damaged_cpus == [] and meta.lost_events == {}
    out = subprocess.run([sys.executable, "-m", "tmigr_trace", "info", str(tmp_path / "native.parquet"), "--json"],
                         capture_output=True, text=True, check=True)
    info = json.loads(out.stdout)
    assert (info["kernel"], info["clock"], info["source_format"]) == (RELEASE, "local", "tracedat")
    assert info["damaged"] == {} and info["damaged_cpus"] == [] and info["events"] == trace.num_events


def test_other_event_types_leave_no_sequence_gap(tmp_path: Path):
    """sched_switch records between the tmigr ones: counted by name, and seq stays contiguous."""
    trace, meta, rows = _native(FIX / "host-6.18-sched.v7-zstd.dat", tmp_path)
    assert meta.unknown_events.get("sched_switch", 0) > 1000
    df = trace.df
    for _, g in df.groupby("cpu"):
        assert g["seq"].tolist() == list(range(len(g)))


def _mutate(raw: bytes, rng: random.Random, dat) -> tuple[str, bytes]:
    buf = next(b for b in dat.buffers if any(c.size for c in b.cpus))
    cpu = rng.choice([c for c in buf.cpus if c.size])
    page = cpu.offset + rng.randrange(cpu.size // 4096) * 4096
    b = bytearray(raw)
    kind = rng.choice(["page time", "page commit", "page data", "truncated"])
    if kind == "page time":
        b[page + rng.randrange(8)] ^= 1 << rng.randrange(8)
    elif kind == "page commit":
        b[page + 8 + rng.randrange(4)] ^= 1 << rng.randrange(8)
    elif kind == "page data":
        b[page + 16 + rng.randrange(4080)] ^= 1 << rng.randrange(8)
    else:
        del b[page + rng.randrange(4096):]
    return kind, bytes(b)


@pytest.mark.parametrize("version", ["v6", "v7-zstd"])
def test_damage_is_counted_or_refused_never_silent(version: str, tmp_path: Path):
    """Seeded damage of the real file: each copy is refused (one line), or imports with its damage
    in the metadata, or imports every event (a flipped field value has no redundancy to check)."""
    src = _plain(FILES[version], tmp_path)
    raw = src.read_bytes()
    dat = read_tracedat(raw)
    whole = {tuple(r.values()) for r in _rows(_native(src, tmp_path, "whole.parquet")[0], {"comm", "seq"})}
    rng = random.Random(14)
    outcomes: dict[str, set[str]] = {}
    for i in range(24):
        kind, data = _mutate(raw, rng, dat) if version == "v6" else _mutate_compressed(raw, rng)
        bad = tmp_path / f"bad{i}.dat"
        bad.write_bytes(data)
        try:
            trace, meta, rows = _native(bad, tmp_path, f"bad{i}.parquet")
        except TmigrError as exc:
            assert "\n" not in str(exc)
            outcomes.setdefault(kind, set()).add("refused")
            continue
        if meta.damaged:
            # the one damage counter: pages and bytes lost name their CPU (the replay resyncs it);
            # rows with impossible values (tmigr_trace/limits.py ROW_BOUNDS) have no trustworthy CPU
            assert meta.damaged_cpus or set(meta.damaged) <= set(ROW_BOUNDS), meta.damaged
            kept = {tuple(r.values()) for r in _rows(trace, {"comm", "seq"})}
            # what was imported is what the intact file holds, but for values no check can see
            # (e.g. a page's start moved by a flipped low bit: at most one page of records)
            assert len(kept - whole) <= 255, kind
            outcomes.setdefault(kind, set()).add("damage counted")
        else:
            assert rows == len(whole), f"{kind}: {rows} of {len(whole)} events imported and no damage reported"
            outcomes.setdefault(kind, set()).add("complete")
    # the sweep exercised the damage paths, not only harmless flips
    assert any("damage counted" in v for v in outcomes.values())


def _mutate_compressed(raw: bytes, rng: random.Random) -> tuple[str, bytes]:
    dat = read_tracedat(raw)
    buf = next(b for b in dat.buffers if any(c.size for c in b.cpus))
    cpu = rng.choice([c for c in buf.cpus if c.size])
    b = bytearray(raw)
    if rng.random() < 0.2:
        del b[cpu.offset + rng.randrange(cpu.size):]
        return "truncated", bytes(b)
    b[cpu.offset + 12 + rng.randrange(cpu.size - 12)] ^= 1 << rng.randrange(8)
    return "compressed data", bytes(b)


def test_damaged_page_header_shows_in_info(tmp_path: Path):
    """A flipped commit bit in the first page of CPU 0: that page is skipped and `info` says so."""
    src = _plain(FILES["v6"], tmp_path)
    raw = bytearray(src.read_bytes())
    dat = read_tracedat(bytes(raw))
    buf = next(b for b in dat.buffers if any(c.size for c in b.cpus))
    first = next(c for c in buf.cpus if c.size)
    raw[first.offset + 8 + 1] ^= 0x40  # commit length + 16384: past the end of the page
    bad = tmp_path / "bad.dat"
    bad.write_bytes(bytes(raw))
    out = tmp_path / "bad.parquet"
    p = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(bad), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0 and "DAMAGED: " in p.stderr and "corrupt_pages 1" in p.stderr
    info = json.loads(subprocess.run([sys.executable, "-m", "tmigr_trace", "info", str(out), "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    lost = info["damaged"]["corrupt_page_events"]
    assert info["damaged"] == {"corrupt_pages": 1, "corrupt_page_events": lost} and lost > 0
    assert info["damaged_cpus"] == [first.cpu]
    assert "bad commit word" in info["damage_examples"][0]
    whole = _native(src, tmp_path, "whole.parquet")[2]
    assert info["events"] == whole - lost
    text = subprocess.run([sys.executable, "-m", "tmigr_trace", "info", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(rf"^DAMAGED +corrupt_page_events {lost}, corrupt_pages 1 \(CPU {first.cpu}\)$",
                     text, re.M), text


def test_old_files_damage_key_reads_as_the_one_counter(tmp_path: Path):
    """Files written before the counters were merged carry the reader's per-CPU ``damage`` key
    beside ``damaged``: both are read into the one counter, and the replay resyncs that CPU."""
    import pyarrow.parquet as pq

    from tmigr_trace.replay.api import replay
    from tmigr_trace.schema import METADATA_KEY

    src = _plain(FILES["v6"], tmp_path)
    raw = bytearray(src.read_bytes())
    first = next(c for b in read_tracedat(bytes(raw)).buffers for c in b.cpus if c.size)
    raw[first.offset + 8 + 1] ^= 0x40  # hand-made damage: CPU 0's first commit word past the page
    (tmp_path / "bad.dat").write_bytes(bytes(raw))
    _, meta, _ = _native(tmp_path / "bad.dat", tmp_path, "new.parquet")
    # the same file as the reader wrote it before the merge (its JSON keys, no digest)
    pf = pq.ParquetFile(tmp_path / "new.parquet")
    old = json.loads(pf.metadata.metadata[METADATA_KEY])
    lost = old["damaged"].pop("corrupt_page_events")
    del old["damaged"]["corrupt_pages"], old["damaged_cpus"]
    old["damage"] = {str(first.cpu): {"pages": 1, "records": lost, "missing_bytes": 0}}
    old["damaged"]["lvl"] = 2  # and the shared counter's own kinds
    pq.write_table(pf.read().replace_schema_metadata({METADATA_KEY: json.dumps(old).encode()}),
                   tmp_path / "old.parquet")
    trace = tmigr_trace.load(tmp_path / "old.parquet")
    assert trace.meta.damaged == {"corrupt_pages": 1, "corrupt_page_events": lost, "lvl": 2}
    assert trace.meta.damaged_cpus == [first.cpu] == meta.damaged_cpus
    assert "damage" not in trace.meta.extra.get("_unknown_keys", {})
    res = replay(trace)
    # one resync for the damage, one where CPU 1's stream ends (read earlier by trace-cmd extract)
    assert res.lost_event_cpus == [first.cpu] and res.resyncs["lost_events"] == 2
    assert any("the streams of CPUs 1 end while the others go on" in n for n in res.notes)


def test_old_damage_key_of_another_shape_is_refused(tmp_path: Path):
    """A ``damage`` key no reader wrote (hand-made): refused as damaged metadata, in one line."""
    import pyarrow.parquet as pq

    from tmigr_trace.schema import METADATA_KEY

    _native(FIX / FILES["v7-zstd"], tmp_path, "good.parquet")
    pf = pq.ParquetFile(tmp_path / "good.parquet")
    for i, bad in enumerate([[1, 2], {"0": {"pages": "many"}}, {"x": {"pages": 1}}, {"0": 5}]):
        doc = json.loads(pf.metadata.metadata[METADATA_KEY])
        doc["damage"] = bad
        pq.write_table(pf.read().replace_schema_metadata({METADATA_KEY: json.dumps(doc).encode()}),
                       tmp_path / f"bad{i}.parquet")
        with pytest.raises(TmigrError, match="damaged tmigr_trace metadata"):
            tmigr_trace.load(tmp_path / f"bad{i}.parquet")


def test_truncated_file_imports_what_is_there(tmp_path: Path):
    src = _plain(FILES["v6"], tmp_path)
    raw = src.read_bytes()
    cut = tmp_path / "cut.dat"
    cut.write_bytes(raw[: len(raw) - 10_000])  # into the last CPU's pages
    trace, meta, rows = _native(cut, tmp_path)
    last = max(c.cpu for b in read_tracedat(raw).buffers for c in b.cpus if c.size)
    assert meta.damaged["missing_bytes"] == 10_000 and meta.damaged["corrupt_pages"] == 1  # the page cut in two
    assert meta.damaged_cpus == [last]
    assert 0 < rows < N_EVENTS
    assert "file ends 10000 bytes before the end" in " ".join(meta.damage_examples)


@pytest.mark.parametrize("where", ["magic", "formats", "options"])
def test_damaged_structure_is_refused_in_one_line(where: str, tmp_path: Path):
    raw = bytearray(_plain(FILES["v7"], tmp_path).read_bytes())
    if where == "magic":
        raw[3] ^= 0xFF
    elif where == "formats":
        i = raw.find(b"name: tmigr_cpu_idle")
        j = raw.rfind(b"\nID: ", 0, i)
        raw[j + 1: j + 3] = b"XX"  # the format loses its ID line
    else:
        del raw[len(raw) - 200:]  # the last options section (the BUFFER options) cut
    bad = tmp_path / "bad.dat"
    bad.write_bytes(bytes(raw))
    p = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(bad), "-o", str(tmp_path / "o.parquet")],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_zlib_blocks_decompress_like_trace_cmd():
    """Hand-made (this trace-cmd build has only zstd): a zlib block as trace-compress-zlib.c writes
    it (compress2(), read back with uncompress()), and a wrong stated size is an error."""
    page = bytes(range(256)) * 16
    assert decompress("zlib", zlib.compress(page, 9), len(page), "chunk") == page
    with pytest.raises(ValueError):
        decompress("zlib", zlib.compress(page), len(page) + 1, "chunk")
    with pytest.raises(ValueError):
        decompress("zlib", b"\x78\x9c garbage", 10, "chunk")


def test_lost_events_flagged_like_trace_cmd(tmp_path: Path):
    """An 8 KiB per-CPU buffer overwritten while sched_switch ran: the first page of each CPU has
    RB_MISSED_EVENTS set (sign-extended into the 64-bit commit word, 0xffffffff80000ff0: that is
    not damage). No count is stored: the CPU is listed as losing an unknown number, seq skips one."""
    src = FIX / "host-6.18-lost.v7-zstd.dat"
    trace, meta, rows = _native(src, tmp_path)
    assert meta.damaged == {} and meta.lost_events == {}
    assert meta.lost_unknown_cpus == [0, 1]
    assert trace.df["seq"].min() == 1
    if shutil.which("trace-cmd"):
        report = subprocess.run(["trace-cmd", "report", "-i", str(src)], capture_output=True, text=True,
                                check=True).stdout
        assert sorted(int(c) for c in re.findall(r"CPU:(\d+) \[EVENTS DROPPED\]", report)) == [0, 1]


def test_progress_on_a_terminal_follows_the_pages(tmp_path):
    """On a terminal the import's bar advances with the ring-buffer data read (it stayed at 0 %
    before) and ends at the file's size; piped, nothing is drawn."""
    from test_cli_conventions import run_in_pty

    src = FIX / "host-6.18.v7-zstd.dat"
    status, screen = run_in_pty("import", src, "-o", tmp_path / "a.parquet")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert status == 0 and "20705 events (tracedat" in plain, plain
    assert "importing host-6.18.v7-zstd.dat" in plain, plain
    shown = [float(x) for x in re.findall(r" ([\d.]+)/233\.8 kB", plain)]
    assert shown and max(shown) > 0, plain
    piped = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(src), "-o", str(tmp_path / "b.parquet")],
                           capture_output=True, text=True)
    assert piped.returncode == 0 and "importing" not in piped.stderr and "\x1b[" not in piped.stderr, piped.stderr


def test_import_command_loads_no_pandas_compute_pydantic_or_rich(tmp_path):
    """`tmigr-trace import trace.dat` (piped) imports none of the heavy modules it does not need:
    pandas (0.3-0.8 s), pyarrow.compute, pydantic (typer's option coercion), rich, and for the
    plain command line not even typer or click (docs/tracedat.md, Speed). Read from
    `python -X importtime`, not timed."""
    src = FIX / "host-6.18.v7-zstd.dat"
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "tmigr_trace", "import", str(src), "-o",
                        str(tmp_path / "a.parquet")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert {"pyarrow.parquet", "numpy", "tmigr_trace.importers.tracedat"} <= loaded
    heavy = {"pandas", "pyarrow.compute", "pydantic", "rich", "rich.console", "numpy.ma", "typer", "click"}
    assert not loaded & heavy, sorted(loaded & heavy)
    assert "20705 events (tracedat" in r.stderr


def test_a_cpu_read_earlier_than_the_others_is_not_a_divergence(tmp_path):
    """host-6.18.v7-zstd.dat was extracted while tracing went on: CPU 1's buffer was read 4 s
    before CPU 0's, and its stream ends inside a deactivation walk (its tmigr_update_events, no
    tmigr_cpu_idle). Replayed as if CPU 1 had stopped, CPU 0's checks diverged 697 times; from its
    last row CPU 1 is a silent CPU and the capture replays clean, with its checks."""
    import tmigr_trace

    trace, _, _ = _native(FIX / "host-6.18.v7-zstd.dat", tmp_path)
    res = tmigr_trace.replay(trace)
    assert res.diverged == 0, [d.to_dict() for d in res.divergences[:3]]
    assert res.checked > 25_000 and res.by_kind["group_state"].agreed > 5_000
    assert any("the streams of CPUs 1 end while the others go on" in n for n in res.notes), res.notes
