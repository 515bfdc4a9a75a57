"""Import trace-cmd's ``trace.dat`` natively (file versions 6 and 7, compressed or not).

The file's structure comes from :mod:`.tracedat_file`; each CPU's ring-buffer pages go through
the damage checks of :mod:`.page_checks` and then the same decoder and time-ordered merge as a
live capture or a capture tarball (``tmigr_trace.collectors.pipeline``). No trace-cmd binary is
needed.

The rows are the ones ``trace-cmd report -t`` text gives through the text importer (same
events in the same order, same times, fields, pids and comms: trace-cmd's own rule for a pid
without a saved command line, ``<...>``, is kept), with three differences, each because the file
holds more than the text shows: ``irq_flags`` is filled from ``common_flags`` and
``common_preempt_count`` (the report prints no flags column); ``seq`` jumps over the events a
page reports lost, as it does for every binary source (the text only has the marker line); and
a timer callback (``function``) is its address, where the report prints a symbol.

Metadata: the kernel release (``UNAME`` option), the clock (the buffer's, else ``TRACECLOCK``),
the CPU count, the tracepoint formats, losses per CPU from the pages' RB_MISSED flags (what the
report prints as ``CPU:N [LOST M EVENTS]``), every buffer of the file, and the damage found
(``TraceMeta.damaged``: corrupt pages, the events on them, missing bytes; ``damaged_cpus``). A file whose structure (header, formats, options) is damaged is refused;
damaged pages are skipped and counted.
"""

from __future__ import annotations

import mmap
import re
import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import TmigrError
from ..metadata import TraceMeta
from ..schema import EVENT_BY_NAME
from ..store import TraceWriter
from .page_checks import CpuDamage, PageChecker, PayloadSizes
from .tracedat_file import BufferInfo, CorruptTraceDat, TraceDat, iter_cpu_chunks, read_tracedat

if TYPE_CHECKING:
    from . import Source

CHUNK_PAGES = 256  # pages per CPU per round, as for capture tarballs (importers/capture_dir.py)
UNKNOWN_COMM = "<...>"
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)  # Linux
_NAME = re.compile(r"^name:\s*(\S+)", re.M)  # libtraceevent's name for a pid without a saved command line


@contextmanager
def _mapped(src: "Source") -> Iterator[memoryview | mmap.mmap]:
    """The whole file, memory-mapped (a .gz/.xz/.zst trace.dat is decompressed to a temporary file)."""
    if src.compression is None:
        with open(src.path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                raise TmigrError(f"{src.path}: empty file")
            # MAP_POPULATE: the pages are read in one go, not one page fault per 4 KiB as they are decoded
            m = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | _POPULATE, prot=mmap.PROT_READ)
            try:
                yield m
            finally:
                _close(m)
        return
    from . import _CORRUPT, _open_raw

    with tempfile.TemporaryFile(prefix="tmigr-tracedat-") as tmp:
        try:
            with _open_raw(src.path, src.compression) as f:
                shutil.copyfileobj(f, tmp, 4 << 20)
        except _CORRUPT as exc:
            raise TmigrError(f"{src.path}: truncated or corrupt {src.compression} data ({exc})") from None
        tmp.flush()
        m = mmap.mmap(tmp.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield m
        finally:
            _close(m)


def _close(m: mmap.mmap) -> None:
    """Unmap now, or, while a view of a chunk is still referenced (an exception's traceback holds
    one), when the last view goes: the error being raised is the one to report."""
    try:
        m.close()
    except BufferError:
        pass


def _schema_formats(dat: TraceDat) -> dict[str, str]:
    """The formats of the events the store knows (timer_migration:*, and the context events)."""
    from tmigr_trace.collectors.ringbuffer import parse_format

    out = {}
    for eid, (system, text) in sorted(dat.formats.items()):
        m = _NAME.search(text)
        ev = EVENT_BY_NAME.get(m.group(1)) if m else None
        if ev is not None and ev.system == system:
            fmt = parse_format(text, system)
            _check_format(fmt)
            out[fmt.name] = text
    return out


def _check_format(fmt) -> None:
    """A format file whose fields overlap or have impossible sizes is damaged: refuse it."""
    end = 0
    for f in sorted(fmt.fields, key=lambda f: f.offset):
        if f.offset < end or f.size <= 0 or f.size > 4096:
            raise CorruptTraceDat(f"event format {fmt.system}:{fmt.name}: field {f.name} overlaps or has size {f.size}")
        end = f.offset + f.size


def import_tracedat(src: "Source", writer: TraceWriter, meta: TraceMeta,
                    progress: Callable[[int], None] | None = None) -> None:
    """Decode a trace.dat into ``writer``; losses, damage and the file's options go into ``meta``.
    ``progress(n)``: bytes of the file read (of its decompressed copy for .gz/.xz/.zst), the
    ring-buffer data as it is decoded."""
    from tmigr_trace.collectors.pipeline import PageStreams
    from tmigr_trace.collectors.ringbuffer import PageLayout, check_header_event

    with _mapped(src) as data:
        try:
            dat = read_tracedat(data)
            formats = _schema_formats(dat)
            layout = PageLayout.parse(dat.header_page)
            check_header_event(dat.header_event)
        except (CorruptTraceDat, ValueError) as exc:
            raise TmigrError(f"{src.path}: corrupt trace.dat: {exc}") from None
        if not any(EVENT_BY_NAME[n].system == "timer_migration" for n in formats):
            raise TmigrError(f"{src.path}: no timer_migration event formats in this trace.dat "
                             f"(recorded on a kernel before v6.9?)")
        buffers = [b for b in dat.buffers if not b.latency and any(c.size for c in b.cpus)]
        if not buffers:
            raise TmigrError(f"{src.path}: no ring-buffer data in this trace.dat")
        if progress:   # the headers, options and other sections are read: the rest is ring-buffer data
            progress(max(0, len(data) - sum(c.size for b in buffers for c in b.cpus)))
        sizes = PayloadSizes(dat.formats)
        damage: dict[int, CpuDamage] = {}
        used: list[str] = []
        summary = []
        clock = dat.trace_clock
        for buf in buffers:
            if buf.page_size != layout.page_size:
                raise TmigrError(f"{src.path}: buffer {buf.name!r} has {buf.page_size}-byte pages, "
                                 f"header_page describes {layout.page_size}")
            streams = PageStreams(formats, layout)
            streams.comms.update(dat.cmdlines)
            streams.unknown_comm = UNKNOWN_COMM
            _read_buffer(data, dat, buf, streams, writer, sizes, damage, progress)
            summary.append({"name": buf.name, "clock": buf.clock, "cpus": [c.cpu for c in buf.cpus if c.size],
                            "compressed": buf.compressed, "events": streams.events})
            if streams.events:
                used.append(buf.name)
                if len(used) > 1:
                    names = ", ".join(repr(n) if n else "top" for n in used)
                    raise TmigrError(f"{src.path}: timer_migration events in several buffers ({names}): "
                                     f"split it first (trace-cmd split -B NAME)")
                streams.finish_meta(meta, None)
                clock = buf.clock or dat.trace_clock
        _fill_meta(meta, dat, formats, summary, damage, clock)


def _read_buffer(data, dat: TraceDat, buf: BufferInfo, streams, writer: TraceWriter, sizes,
                 damage: dict[int, CpuDamage], progress: Callable[[int], None] | None = None) -> None:
    """Round-robin over the CPUs; a row is written once every CPU still reading has passed it."""
    P = streams.layout.page_size
    live = {}
    stored = {c.cpu: c.size for c in buf.cpus}
    for c in buf.cpus:
        if c.size:
            dmg = damage.setdefault(c.cpu, CpuDamage())
            live[c.cpu] = (iter_cpu_chunks(data, dat, buf, c, CHUNK_PAGES * P),
                           PageChecker(c.cpu, streams.decoder, streams.layout, sizes, dmg), dmg)
    while live:
        for cpu, (chunks, checker, dmg) in list(live.items()):
            chunk = next(chunks, None)
            if chunk is None:
                _feed(streams, cpu, checker.feed(b"", final=True))
                del live[cpu]
                if progress and buf.compressed:   # decompressed sizes are not file bytes: the CPU's whole
                    progress(stored[cpu])         # stored size, once read
                continue
            if progress and not buf.compressed:
                progress(len(chunk.data))
            if chunk.problem:
                dmg.missing_bytes += chunk.missing_bytes
                dmg.note("missing data", f"CPU {cpu}: {chunk.problem}")
                # the pages before the hole first, then a gap in seq (how many events: unknown)
                _feed(streams, cpu, checker.feed(b"", final=True))
                streams.seq[cpu] = streams.seq.get(cpu, 0) + 1
            body = chunk.data
            tail = len(body) % P
            if tail:  # a page cut by the end of the file: not decoded
                dmg.pages += 1
                dmg.note("page cut", f"CPU {cpu}: last page cut after {tail} of {P} bytes")
                body = body[: len(body) - tail]
            if len(body):
                _feed(streams, cpu, checker.feed(body))
        streams.write_ready(writer, live)
    t = streams.emit(None)
    if t is not None:
        writer.write(t)


def _feed(streams, cpu: int, runs) -> None:
    """Decode runs of intact pages; the events of the damaged pages between them leave a seq gap."""
    for pages, skipped in runs:
        if len(pages):
            streams.feed(cpu, pages)
        if skipped:
            streams.seq[cpu] = streams.seq.get(cpu, 0) + skipped


def _fill_meta(meta: TraceMeta, dat: TraceDat, formats: dict[str, str], buffers: list[dict],
               damage: dict[int, CpuDamage], clock: str | None) -> None:
    def name(key: str) -> str:
        eid = int(key[2:]) if key.startswith("id") and key[2:].isdigit() else -1
        m = _NAME.search(dat.formats[eid][1]) if eid in dat.formats else None
        return m.group(1) if m else key

    meta.unknown_events = {name(k): v for k, v in meta.unknown_events.items()}
    meta.formats = formats
    meta.kernel_release = meta.kernel_release or dat.kernel_release
    meta.clock = clock
    meta.pointer_mode = "raw"  # binary pages hold the pointers as the kernel stored them
    meta.source_format = "tracedat"
    for cpu, d in sorted(damage.items()):
        if d.any:
            meta.add_damaged("corrupt_pages", d.pages, cpu)
            meta.add_damaged("corrupt_page_events", d.records, cpu)
            meta.add_damaged("missing_bytes", d.missing_bytes, cpu)
            meta.damage_examples.extend(d.examples[: max(0, 5 - len(meta.damage_examples))])
    meta.extra["tracedat"] = {
        "file_version": dat.version, "compression": dat.compression, "page_size": dat.page_size,
        "long_size": dat.long_size, "uname": dat.uname, "cpu_count": dat.cpu_count,
        "trace_clock_option": dat.trace_clock, "trace_cmd_version": dat.tracecmd_version,
        "buffers": buffers, "time_options_not_applied": dat.time_options,
        "damage_reasons": {k: v for d in damage.values() for k, v in d.reasons.items()},
    }


def report_text_blocks(path: str | os.PathLike, block: int = 4 << 20) -> Iterator[bytes]:
    """``trace-cmd report -t`` of a file, as text blocks (the reference the native reader is
    compared with in tests and benchmarks/import_tracedat.py)."""
    import subprocess  # only here: not on the import path (~2 ms of start-up)

    exe = shutil.which("trace-cmd")
    if exe is None:
        raise TmigrError("trace-cmd is not installed")
    proc = subprocess.Popen([exe, "report", "-t", "-i", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    while True:
        chunk = proc.stdout.read(block)
        if not chunk:
            break
        yield chunk
    if proc.wait() != 0:
        raise TmigrError(f"{path}: trace-cmd report failed (exit status {proc.returncode})")
