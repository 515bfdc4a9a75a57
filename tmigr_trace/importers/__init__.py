"""Importers: turn a trace in any supported format into the Parquet store.

Formats are detected from content, never from the file name: ftrace text (``trace``,
``trace_pipe``, ``trace-cmd report``), trace-cmd's binary ``trace.dat`` (read natively,
:mod:`.tracedat`), and the capture tarball / directory of the shell collector and the kernel lab.
Compressed inputs (.gz, .xz, .zst) are read directly.
"""

from __future__ import annotations

import gzip
import itertools
import lzma
import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import numpy as np
import zstandard

from .. import limits
from ..errors import TmigrError
from ..metadata import TraceMeta
from ..store import TraceWriter, check_output_path

FORMATS = ("text", "tracedat", "capture", "perfetto")
BLOCK = 4 << 20  # bytes read at a time: bounds memory (a few blocks are in flight)

_GZIP, _XZ, _ZSTD = b"\x1f\x8b", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"
_TRACEDAT = b"\x17\x08\x44tracing"
_PARQUET = b"PAR1"


@dataclass
class Source:
    """An input file: how it is compressed and what it contains."""

    path: Path
    compression: str | None
    format: str


def _open_raw(path: Path, compression: str | None) -> BinaryIO:
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "zstd":
        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True, closefd=True)
    return open(path, "rb")


def _compression_of(head: bytes) -> str | None:
    for magic, name in ((_GZIP, "gzip"), (_XZ, "xz"), (_ZSTD, "zstd")):
        if head.startswith(magic):
            return name
    return None


_CORRUPT = (EOFError, OSError, lzma.LZMAError, zstandard.ZstdError, zlib.error)


def detect(path: str | os.PathLike, forced: str | None = None) -> Source:
    """Identify an input: missing, empty, compressed, and which format (unless forced)."""
    p = Path(path)
    limits.require_regular_file(p)  # a FIFO or device is refused before anything opens it
    if p.is_dir():
        if forced not in (None, "capture"):
            raise TmigrError(f"{p}: is a directory (only a capture directory can be imported)")
        if not (p / "per_cpu").is_dir() and not any(p.glob("*/per_cpu")):
            raise TmigrError(f"{p}: directory is not a capture (no per_cpu/ inside)")
        return Source(p, None, "capture")
    if not p.exists():
        raise TmigrError(f"{p}: no such file")
    with open(p, "rb") as f:  # tracefs files report size 0: look at the content instead
        head = f.read(512)
    if not head:
        raise TmigrError(f"{p}: empty file")
    compression = _compression_of(head)
    if compression:
        try:
            with _open_raw(p, compression) as f:
                head = f.read(512)
        except _CORRUPT as exc:
            raise TmigrError(f"{p}: corrupt {compression} data ({exc})") from None
        if not head:
            raise TmigrError(f"{p}: empty file (after {compression} decompression)")
    if forced:
        if forced not in FORMATS:
            raise TmigrError(f"unknown format {forced!r} (choose from {', '.join(FORMATS)})")
        return Source(p, compression, forced)
    if head.startswith(_PARQUET):
        raise TmigrError(f"{p}: is already a Parquet file (use `tmigr-trace info`)")
    if head.startswith(_TRACEDAT):
        return Source(p, compression, "tracedat")
    if len(head) >= 262 and head[257:262] == b"ustar":
        return Source(p, compression, "capture")
    from .perfetto import looks_like_perfetto

    if looks_like_perfetto(head):
        return Source(p, compression, "perfetto")
    if b"\x00" in head:
        raise TmigrError(f"{p}: not a trace (binary data of an unknown format)")
    return Source(p, compression, "text")


def _read_blocks(src: Source) -> Iterator[bytes]:
    limit = limits.max_decompressed(src.path.stat().st_size) if src.compression else None
    total = 0
    try:
        with _open_raw(src.path, src.compression) as f:
            while True:
                block = f.read(BLOCK)
                if not block:
                    return
                total += len(block)
                if limit is not None and total > limit:
                    raise TmigrError(f"{src.path}: decompresses to more than {limit} bytes (a compression bomb? "
                                     f"raise the limit with TMIGR_TRACE_MAX_DECOMPRESSED=BYTES)")
                yield block
    except _CORRUPT as exc:
        what = f"{src.compression} data" if src.compression else "file"
        raise TmigrError(f"{src.path}: truncated or corrupt {what} ({exc})") from None


def import_text_blocks(blocks: Iterator[bytes], writer: TraceWriter, meta: TraceMeta,
                       progress: Callable[[int], None] | None = None) -> None:
    """Parse a stream of text blocks into the writer (shared by import and `capture --text`)."""
    from .text_dialects import ExcerptTextParser, standard_stats, text_parser_for

    blocks = iter(blocks)
    first = next(blocks, b"")
    header = text_header(first)
    if header is not None:
        meta.extra["text_header"] = header
    if stamps_are_counts(first):
        meta.extra["ts_counts"] = True
    parser = text_parser_for(first, meta)  # the C fast path unless the text is an excerpt/dump
    for block in bounded_lines(itertools.chain([first] if first else [], blocks), meta):
        table = parser.feed(block)
        if table is not None:
            writer.write(table)
        if progress:
            progress(len(block))
    table = parser.finish()
    if table is not None:
        writer.write(table)
    if not isinstance(parser, ExcerptTextParser):
        meta.extra["text_dialect"] = standard_stats(parser)


# The header of a tracefs `trace` file (print_event_info() in kernel/trace/trace.c).
_ENTRIES_RE = re.compile(rb"^# entries-in-buffer/entries-written: (\d+)/(\d+)\s+#P:(\d+)\s*$", re.M)


def text_header(first: bytes) -> dict | None:
    """``entries-in-buffer/entries-written`` and ``#P`` of the one header at the start of a
    `trace` file, None if there is none or more than one (files pasted together)."""
    found = _ENTRIES_RE.findall(first[:65536])
    if len(found) != 1:
        return None
    a, b, p = (int(x) for x in found[0])
    return {"entries_in_buffer": a, "entries_written": b, "cpus": p}


# The stamp of a standard event line ("comm-pid [cpu] flags stamp: event:"), irq-info or not.
_STAMP_RE = re.compile(rb"^[^#\n]*?\[\d+\]\s+(?:\S+\s+)?(\d+)(\.\d+)?: \w+:", re.M)


def stamps_are_counts(first: bytes) -> bool:
    """The first event line's stamp has no decimal point: the trace clock counts something else
    than nanoseconds (print_trace_fmt() in kernel/trace/trace_output.c prints ``%llu`` for a
    clock whose ``in_ns`` is 0: counter, uptime, x86-tsc, ...)."""
    m = _STAMP_RE.search(first[:65536])
    return m is not None and m.group(2) is None


def bounded_lines(blocks: Iterator[bytes], meta: TraceMeta, max_line: int = limits.MAX_LINE_BYTES) -> Iterator[bytes]:
    """Blocks of whole lines; a line longer than ``max_line`` is dropped and counted
    (``damaged["lines_too_long"]``), so a file without newlines costs bounded memory and time."""
    tail = b""
    skipping = False
    for block in blocks:
        if skipping:
            nl = block.find(b"\n")
            if nl < 0:
                continue
            block, skipping = block[nl + 1:], False
        data = tail + block if tail else block
        cut = data.rfind(b"\n")
        if cut < 0:
            tail = data
        else:
            body, tail = data[: cut + 1], data[cut + 1:]
            yield _drop_long_lines(body, meta, max_line)
        if len(tail) > max_line:
            meta.add_damaged("lines_too_long")
            tail, skipping = b"", True
    if tail:
        yield tail


def _drop_long_lines(body: bytes, meta: TraceMeta, max_line: int) -> bytes:
    """``body`` (whole lines) without the lines longer than ``max_line`` (vectorised check)."""
    if len(body) <= max_line:
        return body
    nl = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
    lengths = np.diff(np.r_[-1, nl]) - 1
    if not (lengths > max_line).any():
        return body
    lines = body.split(b"\n")
    keep = [ln for ln in lines if len(ln) <= max_line]
    meta.add_damaged("lines_too_long", len(lines) - len(keep))
    return b"\n".join(keep)


def import_file(src_path: str | os.PathLike, out: str | os.PathLike, *, force: bool = False,
                fmt: str | None = None, kernel: str | None = None,
                progress: Callable[[int], None] | None = None) -> tuple[Path, TraceMeta, int]:
    """Import one trace file into a new Parquet file; returns (path, metadata, events).

    `progress(n)` is told the bytes read as they go: of the file for text, trace.dat and Perfetto
    (after decompression of a .gz/.xz/.zst), of the per-CPU ring-buffer data for a capture."""
    src = detect(src_path, fmt)
    out_path = check_output_path(out, force)
    if out_path.exists() and out_path.resolve() == src.path.resolve():
        raise TmigrError(f"{out_path}: output would overwrite the input")
    meta = TraceMeta(source_path=str(src.path), source_format=src.format, kernel_release=kernel)
    with TraceWriter(out_path, force=force) as writer:
        if src.format == "capture":
            import tarfile

            from .capture_dir import import_capture

            try:
                import_capture(src.path, writer, meta, progress)
            except TmigrError:
                raise
            except (ValueError, KeyError, IndexError, OSError, EOFError, OverflowError, MemoryError, zlib.error,
                    lzma.LZMAError, tarfile.TarError, struct.error) as exc:
                raise TmigrError(f"{src.path}: not a valid capture ({type(exc).__name__}: {exc})") from None
        elif src.format == "tracedat":
            from .tracedat import import_tracedat

            import_tracedat(src, writer, meta, progress)
        elif src.format == "perfetto":
            from .perfetto import import_perfetto

            try:
                with _open_raw(src.path, src.compression) as f:
                    import_perfetto(f, str(src.path), writer, meta, progress)
            except _CORRUPT as exc:
                raise TmigrError(f"{src.path}: truncated or corrupt {src.compression or 'file'} ({exc})") from None
        else:
            import_text_blocks(_read_blocks(src), writer, meta, progress)
        if writer.rows == 0:
            if writer.row_check.total:
                what = ", ".join(f"{k} {v}" for k, v in sorted(writer.row_check.counts.items()))
                raise TmigrError(f"{src.path}: no valid events (values out of range: {what})")
            raise TmigrError(_no_events_message(src, meta))
        if kernel:
            meta.kernel_release = kernel
        path = writer.close(meta)
    return path, meta, writer.rows


def _no_events_message(src: Source, meta: TraceMeta) -> str:
    if meta.malformed_lines and not meta.unknown_events:
        return f"{src.path}: not a trace (no ftrace event lines; first: {meta.malformed_examples[0][:60]!r})"
    if meta.unknown_events:
        names = ", ".join(sorted(meta.unknown_events)[:3])
        return f"{src.path}: no timer_migration events (only {names})"
    return f"{src.path}: no events in this trace"
