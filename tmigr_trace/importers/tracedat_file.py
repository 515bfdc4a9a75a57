"""The structure of trace-cmd's ``trace.dat``, file versions 6 and 7, read without trace-cmd.

What a reader needs from the file, located as trace-cmd's own reader does
(``lib/trace-cmd/trace-input.c``: ``read_headers_v6``, ``read_headers``, ``handle_options``,
``handle_buffer_option``, ``read_cpu_data``) and as the format is specified in trace-cmd's
``Documentation/trace-cmd/trace-cmd.dat.v6.5.txt`` and ``trace-cmd.dat.v7.5.txt``:

* the header: magic ``17 08 44 "tracing"``, the version string, endianness, the user-space long
  size and the page size; v7 adds the compression algorithm (``name\\0version\\0``) and the
  offset of the first options section;
* the ring buffer's own description (``events/header_page``, ``header_event``), the ftrace and
  event ``format`` files, the saved command lines;
* the options: ``UNAME`` (kernel release), ``TRACECLOCK``, ``CPUCOUNT``, ``CPUSTAT``, trace-cmd's
  ``VERSION`` and one ``BUFFER`` per ring buffer (the top one is named ``""``, ``-B NAME``
  instances by their name; v7 gives each its clock, page size and per-CPU data);
* where each CPU's pages are. v6 stores the metadata in one fixed sequence and the top buffer's
  CPU table after ``flyrecord\\0``; v7 stores sections anywhere, found through options, each with
  a 16-byte header (id, flags, string id, size) and, if flag 1 is set, compressed
  (``<u32 compressed size><u32 size><data>``). Compressed CPU data is a sequence of chunks
  (``<u32 count>``, then per chunk ``<u32 compressed size><u32 size><data>``).

Compression is zstd (the ``zstandard`` package) or zlib (the standard library), as trace-cmd's
``trace-compress-zstd.c`` and ``trace-compress-zlib.c`` write it. Every read is bounds-checked: a
truncated or corrupt structure raises :class:`CorruptTraceDat` naming what was being read.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Iterator

import zstandard

MAGIC = b"\x17\x08\x44tracing"

# Option ids, lib/trace-cmd/include/private/trace-cmd-private.h (enum TRACECMD_OPTION_*).
OPT_DONE, OPT_DATE, OPT_CPUSTAT, OPT_BUFFER, OPT_TRACECLOCK, OPT_UNAME = 0, 1, 2, 3, 4, 5
OPT_OFFSET, OPT_CPUCOUNT, OPT_VERSION, OPT_TSC2NSEC = 7, 8, 9, 14
OPT_HEADER_INFO, OPT_FTRACE_EVENTS, OPT_EVENT_FORMATS = 16, 17, 18
OPT_KALLSYMS, OPT_PRINTK, OPT_CMDLINES, OPT_BUFFER_TEXT = 19, 20, 21, 22
SEC_FL_COMPRESS = 1
MAX_OPTION_SECTIONS = 1024  # a DONE option chain longer than this is a loop in a corrupt file


class CorruptTraceDat(ValueError):
    """The file's structure is truncated or inconsistent (message: what and where)."""


@dataclass
class CpuData:
    """One CPU's ring-buffer pages in the file: ``size`` bytes at ``offset`` (compressed or not)."""

    cpu: int
    offset: int
    size: int


@dataclass
class BufferInfo:
    """One ring buffer (tracefs instance) stored in the file."""

    name: str  # "" = the top-level buffer
    clock: str | None
    page_size: int
    cpus: list[CpuData]
    # v6: where the buffer's "flyrecord" tag and CPU table are; v7: its BUFFER section
    section_offset: int = 0
    compressed: bool = False
    latency: bool = False  # BUFFER_TEXT: the text of a latency tracer, no pages


@dataclass
class TraceDat:
    """What the importer uses of a trace.dat, with the options kept as found."""

    version: int
    long_size: int
    page_size: int
    compression: str | None = None  # "zstd", "zlib" or None
    compression_version: str | None = None
    header_page: str = ""
    header_event: str = ""
    formats: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (system, format text)
    cmdlines: dict[int, str] = field(default_factory=dict)
    uname: str | None = None
    trace_clock: str | None = None  # the TRACECLOCK option's selected clock
    cpu_count: int | None = None
    tracecmd_version: str | None = None
    cpustats: list[str] = field(default_factory=list)
    buffers: list[BufferInfo] = field(default_factory=list)
    time_options: dict[str, str] = field(default_factory=dict)  # DATE/OFFSET/TSC2NSEC (not applied)

    @property
    def kernel_release(self) -> str | None:
        """``uname()`` as trace-cmd writes it: sysname nodename release version machine."""
        parts = (self.uname or "").split()
        return parts[2] if len(parts) >= 3 else None


class _Cursor:
    """Bounds-checked little-endian reads from a buffer."""

    def __init__(self, data: bytes | memoryview, pos: int = 0, what: str = "file"):
        self.data = data
        self.pos = pos
        self.what = what

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise CorruptTraceDat(f"truncated {what} at offset {self.pos} of the {self.what}")
        out = bytes(self.data[self.pos: self.pos + n])
        self.pos += n
        return out

    def _number(self, fmt: str, n: int, what: str) -> int:
        if self.pos + n > len(self.data):
            raise CorruptTraceDat(f"truncated {what} at offset {self.pos} of the {self.what}")
        value = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += n
        return value

    def u16(self, what: str) -> int:
        return self._number("<H", 2, what)

    def u32(self, what: str) -> int:
        return self._number("<I", 4, what)

    def u64(self, what: str) -> int:
        return self._number("<Q", 8, what)

    def cstr(self, what: str, limit: int = 4096) -> str:
        end = bytes(self.data[self.pos: self.pos + limit]).find(b"\0")
        if end < 0:
            raise CorruptTraceDat(f"unterminated {what} at offset {self.pos} of the {self.what}")
        s = self.take(end + 1, what)[:-1]
        return s.decode("utf-8", "replace")


def decompress(algo: str | None, blob, size: int, what: str, dctx=None) -> bytes:
    """One compressed block (section or chunk) of a v7 file; its size must be the stated one."""
    try:
        if algo == "zstd":
            out = (dctx or zstandard.ZstdDecompressor()).decompress(blob, max_output_size=max(size, 1))
        elif algo == "zlib":
            out = zlib.decompress(blob)
        else:
            raise CorruptTraceDat(f"{what} is compressed with an unknown algorithm {algo!r}")
    except (zstandard.ZstdError, zlib.error) as exc:
        raise CorruptTraceDat(f"corrupt compressed {what} ({exc})") from None
    if len(out) != size:
        raise CorruptTraceDat(f"compressed {what} gives {len(out)} bytes, header says {size}")
    return out


def _compressed_block(cur: _Cursor, algo: str | None, what: str) -> _Cursor:
    zsize = cur.u32(f"{what} compression header")
    size = cur.u32(f"{what} compression header")
    return _Cursor(decompress(algo, cur.take(zsize, what), size, what), 0, what)


_NAME_RE = re.compile(rb"^name:\s*(\S+)", re.M)
_ID_RE = re.compile(rb"^ID:\s*(\d+)", re.M)
_HEAD_RE = re.compile(rb"name:[ \t]*\S+[ \t]*\nID:[ \t]*(\d+)[ \t]*\n")  # how tracefs writes them


def _add_format(dat: TraceDat, system: str, text: bytes) -> None:
    head = _HEAD_RE.match(text)  # a file holds thousands: the usual first two lines, one match
    if head:
        eid = head
    else:
        eid = _ID_RE.search(text)
        if not _NAME_RE.search(text) or not eid:
            raise CorruptTraceDat(f"event format of system {system!r} without name:/ID: lines")
    dat.formats[int(eid.group(1))] = (system, text.decode("utf-8", "replace"))


def _sized_blocks(cur: _Cursor, count: int, size_what: str, what: str) -> Iterator[bytes]:
    """``count`` blocks of ``<u64 size><size bytes>`` (the format files), in one tight loop with
    the same bounds checks and messages as :meth:`_Cursor.take`."""
    data, pos, end = cur.data, cur.pos, len(cur.data)
    unpack = struct.Struct("<Q").unpack_from
    for _ in range(count):
        if pos + 8 > end:
            cur.pos = pos
            raise CorruptTraceDat(f"truncated {size_what} at offset {pos} of the {cur.what}")
        size = unpack(data, pos)[0]
        pos += 8
        if pos + size > end:
            cur.pos = pos
            raise CorruptTraceDat(f"truncated {what} at offset {pos} of the {cur.what}")
        block = bytes(data[pos: pos + size])
        pos += size
        cur.pos = pos
        yield block


# -- the metadata blocks, common to both versions --------------------------------------------

def _read_header_info(cur: _Cursor, dat: TraceDat) -> None:
    if cur.take(12, "header_page tag") != b"header_page\0":
        raise CorruptTraceDat(f"no header_page at offset {cur.pos - 12}")
    dat.header_page = cur.take(cur.u64("header_page size"), "header_page").decode("utf-8", "replace")
    if cur.take(13, "header_event tag") != b"header_event\0":
        raise CorruptTraceDat(f"no header_event at offset {cur.pos - 13}")
    dat.header_event = cur.take(cur.u64("header_event size"), "header_event").decode("utf-8", "replace")


def _read_ftrace_formats(cur: _Cursor, dat: TraceDat) -> None:
    for text in _sized_blocks(cur, cur.u32("ftrace format count"), "ftrace format size", "ftrace format"):
        _add_format(dat, "ftrace", text)


def _read_event_formats(cur: _Cursor, dat: TraceDat) -> None:
    for _ in range(cur.u32("event system count")):
        system = cur.cstr("event system name")
        count = cur.u32(f"{system} event count")
        for text in _sized_blocks(cur, count, f"{system} format size", f"{system} event format"):
            _add_format(dat, system, text)


_CMDLINE_RE = re.compile(r"^[ \t]*([0-9]+) ([^\r\n]*?)[ \t]*\r?$", re.M)


def _read_cmdlines(cur: _Cursor, dat: TraceDat) -> None:
    """``PID COMM`` lines (one regex pass: a file holds thousands; later lines win)."""
    text = cur.take(cur.u64("saved cmdlines size"), "saved cmdlines").decode("utf-8", "replace")
    dat.cmdlines.update({int(pid): comm for pid, comm in _CMDLINE_RE.findall(text) if comm})


def _skip_sized(cur: _Cursor, width: int, what: str) -> None:
    size = cur.u32(f"{what} size") if width == 4 else cur.u64(f"{what} size")
    cur.take(size, what)


def _selected_clock(text: str) -> str | None:
    m = re.search(r"\[(\S+)\]", text)
    return m.group(1) if m else (text.split() or [None])[0]


def _cstring(data: bytes) -> str:
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


# -- options -----------------------------------------------------------------------------------

def _read_options(cur: _Cursor, dat: TraceDat, sections: dict[int, int] | None) -> int:
    """Options until DONE (v7: returns the next options section's offset, 0 = none) or id 0 (v6)."""
    while True:
        opt = cur.u16("option id")
        if sections is None and opt == OPT_DONE:
            return 0
        size = cur.u32("option size")
        data = cur.take(size, f"option {opt}")
        if opt == OPT_DONE:
            if size < 8:
                raise CorruptTraceDat("DONE option shorter than 8 bytes")
            return struct.unpack_from("<Q", data)[0]
        if opt == OPT_UNAME:
            dat.uname = _cstring(data)
        elif opt == OPT_TRACECLOCK:
            dat.trace_clock = _selected_clock(_cstring(data))
        elif opt == OPT_CPUCOUNT and size >= 4:
            dat.cpu_count = struct.unpack_from("<I", data)[0]
        elif opt == OPT_VERSION:
            dat.tracecmd_version = _cstring(data)
        elif opt == OPT_CPUSTAT:
            dat.cpustats.append(_cstring(data))
        elif opt in (OPT_DATE, OPT_OFFSET, OPT_TSC2NSEC):
            dat.time_options[{OPT_DATE: "date", OPT_OFFSET: "offset", OPT_TSC2NSEC: "tsc2nsec"}[opt]] = (
                _cstring(data) if opt != OPT_TSC2NSEC else data.hex())
        elif opt in (OPT_BUFFER, OPT_BUFFER_TEXT):
            dat.buffers.append(_buffer_option(opt, data, dat))
        elif sections is not None and OPT_HEADER_INFO <= opt <= OPT_CMDLINES and size >= 8:
            sections[opt] = struct.unpack_from("<Q", data)[0]


def _buffer_option(opt: int, data: bytes, dat: TraceDat) -> BufferInfo:
    """A BUFFER option (v6: offset and name; v7: also clock, page size and the CPU table)."""
    cur = _Cursor(data, 0, "BUFFER option")
    offset = cur.u64("buffer offset")
    name = cur.cstr("buffer name")
    buf = BufferInfo(name, None, dat.page_size, [], section_offset=offset)
    if dat.version < 7:
        return buf  # the CPU table is at `offset`, read by _read_v6
    buf.clock = cur.cstr("buffer clock")
    if opt == OPT_BUFFER_TEXT:
        buf.latency = True
        return buf
    buf.page_size = cur.u32("buffer page size")
    for _ in range(cur.u32("buffer CPU count")):
        buf.cpus.append(CpuData(cur.u32("CPU id"), cur.u64("CPU data offset"), cur.u64("CPU data size")))
    return buf


def _cpu_table(cur: _Cursor, count: int) -> list[CpuData]:
    return [CpuData(cpu, cur.u64("CPU data offset"), cur.u64("CPU data size")) for cpu in range(count)]


# -- version 6 ---------------------------------------------------------------------------------

def _read_v6(cur: _Cursor, dat: TraceDat) -> None:
    _read_header_info(cur, dat)
    _read_ftrace_formats(cur, dat)
    _read_event_formats(cur, dat)
    _skip_sized(cur, 4, "kallsyms")
    _skip_sized(cur, 4, "printk formats")
    _read_cmdlines(cur, dat)
    cpus = cur.u32("CPU count")
    kind = cur.take(10, "data type tag")
    if kind.startswith(b"options"):
        _read_options(cur, dat, None)
        kind = cur.take(10, "data type tag")
    count = dat.cpu_count or cpus  # a CPUCOUNT option overrides the header (trace-input.c)
    named = list(dat.buffers)
    if kind.startswith(b"flyrecord"):
        top = BufferInfo("", dat.trace_clock, dat.page_size, _cpu_table(cur, count))
        dat.buffers = [top] + named
    elif kind.startswith(b"latency"):
        dat.buffers = [BufferInfo("", dat.trace_clock, dat.page_size, [], latency=True)] + named
    else:
        raise CorruptTraceDat(f"unknown data type {kind!r} at offset {cur.pos - 10}")
    for buf in named:  # BUFFER options point at their own "flyrecord" tag and CPU table
        sub = _Cursor(cur.data, buf.section_offset, "file")
        tag = sub.take(10, f"buffer {buf.name!r} data type tag")
        if tag.startswith(b"options"):
            raise CorruptTraceDat(f"buffer {buf.name!r}: options inside a buffer are not supported")
        if not tag.startswith(b"flyrecord"):
            buf.latency, buf.cpus = True, []
            continue
        buf.clock = dat.trace_clock
        buf.cpus = _cpu_table(sub, count)


# -- version 7 ---------------------------------------------------------------------------------

def _section(data, offset: int, want: int, dat: TraceDat, what: str) -> tuple[_Cursor, int]:
    """Seek to a section, check its id; returns a cursor over its (decompressed) content and flags."""
    cur = _Cursor(data, offset, "file")
    sid = cur.u16(f"{what} section header")
    flags = cur.u16(f"{what} section header")
    cur.u32(f"{what} section header")
    size = cur.u64(f"{what} section header")
    if sid != want:
        raise CorruptTraceDat(f"{what} section at offset {offset} has id {sid}, expected {want}")
    if flags & SEC_FL_COMPRESS and want != OPT_BUFFER:
        return _compressed_block(cur, dat.compression, f"{what} section"), flags
    if want != OPT_BUFFER and cur.pos + size > len(data):
        raise CorruptTraceDat(f"truncated {what} section at offset {offset}")
    return cur, flags


def _read_v7(cur: _Cursor, dat: TraceDat) -> None:
    algo = cur.cstr("compression name")
    dat.compression_version = cur.cstr("compression version")
    dat.compression = None if algo == "none" else algo
    nxt = cur.u64("options offset")
    sections: dict[int, int] = {}
    seen = set()
    while nxt:
        if nxt in seen or len(seen) > MAX_OPTION_SECTIONS:
            raise CorruptTraceDat(f"options sections loop at offset {nxt}")
        seen.add(nxt)
        sub, _ = _section(cur.data, nxt, OPT_DONE, dat, "options")
        nxt = _read_options(sub, dat, sections)
    readers = {OPT_HEADER_INFO: ("header info", _read_header_info),
               OPT_FTRACE_EVENTS: ("ftrace formats", _read_ftrace_formats),
               OPT_EVENT_FORMATS: ("event formats", _read_event_formats),
               OPT_CMDLINES: ("saved cmdlines", _read_cmdlines)}
    for sid, (what, reader) in readers.items():
        if sid not in sections:
            if sid in (OPT_HEADER_INFO, OPT_EVENT_FORMATS):
                raise CorruptTraceDat(f"no {what} section")
            continue
        sub, _ = _section(cur.data, sections[sid], sid, dat, what)
        reader(sub, dat)
    for buf in dat.buffers:
        if buf.latency or not buf.cpus:
            continue
        _, flags = _section(cur.data, buf.section_offset, OPT_BUFFER, dat, f"buffer {buf.name!r}")
        buf.compressed = bool(flags & SEC_FL_COMPRESS)
    if not dat.trace_clock:
        top = [b for b in dat.buffers if b.name == ""]
        dat.trace_clock = top[0].clock if top else None


def read_tracedat(data: bytes | memoryview) -> TraceDat:
    """Parse the header, metadata and options of a whole trace.dat held in ``data``."""
    cur = _Cursor(data)
    if cur.take(len(MAGIC), "magic") != MAGIC:
        raise CorruptTraceDat("not a trace.dat (bad magic)")
    version_text = cur.cstr("version", limit=16)
    if not version_text.isdigit():
        raise CorruptTraceDat(f"bad file version {version_text!r}")
    version = int(version_text)
    if version not in (6, 7):
        raise CorruptTraceDat(f"file version {version} is not supported (6 and 7 are)")
    endian = cur.take(1, "endianness")[0]
    if endian != 0:
        raise CorruptTraceDat("big-endian trace.dat files are not supported")
    long_size = cur.take(1, "long size")[0]
    if long_size not in (4, 8):
        raise CorruptTraceDat(f"bad long size {long_size}")
    page_size = cur.u32("page size")
    if page_size < 64 or page_size & (page_size - 1):
        raise CorruptTraceDat(f"bad page size {page_size}")
    dat = TraceDat(version, long_size, page_size)
    if version == 6:
        _read_v6(cur, dat)
    else:
        _read_v7(cur, dat)
    return dat


# -- per-CPU data --------------------------------------------------------------------------------

@dataclass
class Chunk:
    """A run of a CPU's page bytes, or the damage met where it should have been."""

    data: bytes | memoryview
    missing_bytes: int = 0  # bytes of pages the file should hold here but does not
    problem: str | None = None
    file_bytes: int = 0     # bytes of the file this chunk was read from (progress)


def iter_cpu_chunks(data, dat: TraceDat, buf: BufferInfo, cpu: CpuData, chunk_bytes: int):
    """Yield one CPU's page bytes in runs of about ``chunk_bytes`` (whole pages when intact).

    Damage is yielded, not raised: a CPU table that points past the end of the file (truncated
    file) gives the bytes that are there and a ``missing_bytes`` count; a compressed chunk that
    does not decompress is reported with its stated size and skipped.
    """
    if cpu.size == 0:
        return
    end = cpu.offset + cpu.size
    if not buf.compressed:
        avail = max(0, min(end, len(data)) - cpu.offset)
        pos = cpu.offset
        view = memoryview(data)  # slices of it are not copies (a slice of an mmap is)
        while pos < cpu.offset + avail:
            n = min(chunk_bytes, cpu.offset + avail - pos)
            yield Chunk(view[pos: pos + n], file_bytes=n)
            pos += n
        if avail < cpu.size:
            missing = cpu.size - avail
            yield Chunk(b"", missing, f"file ends {missing} bytes before the end of CPU {cpu.cpu}'s data")
        return
    # trace-cmd compresses a few pages per chunk: join them into runs of about chunk_bytes
    run: list[bytes] = []
    held = read = 0
    for chunk in _compressed_chunks(data, dat, cpu):
        read += chunk.file_bytes
        if chunk.problem:
            if run:
                yield Chunk(b"".join(run), file_bytes=read)
                run, held, read = [], 0, 0
            yield chunk
            continue
        run.append(bytes(chunk.data))
        held += len(chunk.data)
        if held >= chunk_bytes:
            yield Chunk(b"".join(run), file_bytes=read)
            run, held, read = [], 0, 0
    if run:
        yield Chunk(b"".join(run), file_bytes=read)


def _compressed_chunks(data, dat: TraceDat, cpu: CpuData):
    """Each compressed chunk of one CPU, decompressed (or the damage in its place)."""
    cur = _Cursor(data, cpu.offset, "file")
    try:
        count = cur.u32(f"CPU {cpu.cpu} chunk count")
    except CorruptTraceDat as exc:
        yield Chunk(b"", 0, str(exc))
        return
    dctx = zstandard.ZstdDecompressor() if dat.compression == "zstd" else None
    for i in range(count):
        what = f"CPU {cpu.cpu} chunk {i}"
        try:
            zsize, size = cur.u32(f"{what} header"), cur.u32(f"{what} header")
        except CorruptTraceDat as exc:
            yield Chunk(b"", 0, f"{exc} ({count - i} of {count} chunks unread)")
            return
        if cur.pos + zsize > len(data):
            yield Chunk(b"", size, f"{what}: truncated ({count - i} of {count} chunks unread)")
            return
        blob = data[cur.pos: cur.pos + zsize]
        cur.pos += zsize
        try:
            yield Chunk(decompress(dat.compression, blob, size, what, dctx), file_bytes=8 + zsize)
        except CorruptTraceDat as exc:
            yield Chunk(b"", size, str(exc))
