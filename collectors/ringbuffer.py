"""Decoder of the ftrace ring buffer's binary pages (``per_cpu/cpuN/trace_pipe_raw``).

One read of ``trace_pipe_raw`` returns one sub-buffer page, laid out as ``struct
buffer_data_page`` (kernel/trace/ring_buffer.c; described at runtime by ``events/header_page``):

* ``u64 time_stamp``: the absolute time of the page's first record;
* ``local_t commit``: length of the data in bytes; bit 31 ``RB_MISSED_EVENTS`` says events were
  lost before this page, bit 30 ``RB_MISSED_STORED`` that their number (an ``unsigned long``) is
  stored right after the data;
* ``data[]``: records, 4-byte aligned, each starting with a 32-bit header
  ``type_len:5 | time_delta:27``:

  ===========  ==========================================================================
  type_len     record
  ===========  ==========================================================================
  1..28        event, payload ``type_len * 4`` bytes at ``array[0]``
  0            event, ``array[0]`` = payload length + 4, payload at ``array[1]``
  29 PADDING   ``time_delta == 0``: the rest of the page is unused; else a discarded event
               of ``array[0] + 4`` bytes whose delta still counts (as libtraceevent does)
  30 EXTEND    ``delta = array[0] << 27 | time_delta`` (for deltas >= 2**27 ns)
  31 STAMP     absolute time ``array[0] << 27 | time_delta`` (59 bits; the 5 MSBs come from
               the running time, ``rb_fix_abs_ts``)
  ===========  ==========================================================================

Each event's time is the page time plus the deltas of all records before it on that page.

Two implementations of the page walk give the same records: the C extension ``_ringbuffer``
(``collectors/_ringbuffer.c``, built by ``pip install`` when a compiler is there; one pass over the
pages with the GIL released, copying each record's first bytes into fixed-width slots) and the
pure-Python reference :func:`walk_pages`, where all pages of a chunk are walked in lockstep with
numpy (one step decodes the next record of every page). The reference is used when the extension
is not built (``Decoder(fast=False)`` forces it; tests compare both). Either way each event type is
then decoded at once with a structured dtype built from its ``format`` file. Event payloads are ``struct trace_entry``
(``common_type``, ``common_flags``, ``common_preempt_count``, ``common_pid``) plus the fields at
the offsets the format file gives. Little-endian hosts only (x86-64, arm64, riscv64).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from tmigr_trace.arrow_np import from_numpy, numpy_dtype
from tmigr_trace.arrow_np import strings as to_strings
from tmigr_trace.schema import COLUMN_BY_NAME, column_for_key

try:
    from . import _ringbuffer
except ImportError:  # pragma: no cover - built by `pip install`; the reference walk is used
    _ringbuffer = None

AVAILABLE = _ringbuffer is not None

RB_MISSED_EVENTS = 1 << 31
RB_MISSED_STORED = 1 << 30
TS_SHIFT = 27
TS_MSB = 0xF8 << 56
TYPE_PADDING, TYPE_TIME_EXTEND, TYPE_TIME_STAMP = 29, 30, 31

# ---------------------------------------------------------------------------------------------
# format files


@dataclass(frozen=True)
class FieldFormat:
    name: str
    ctype: str
    offset: int
    size: int
    signed: bool


@dataclass
class EventFormat:
    """One tracepoint's binary layout, parsed from its tracefs ``format`` file."""

    system: str
    name: str
    id: int
    fields: list[FieldFormat]
    text: str = ""

    @property
    def size(self) -> int:
        return max((f.offset + f.size for f in self.fields), default=8)


_FIELD = re.compile(r"field:(?P<decl>[^;]*);\s*offset:(?P<off>\d+);\s*size:(?P<size>\d+);\s*signed:(?P<signed>-?\d+);")


def parse_format(text: str, system: str = "") -> EventFormat:
    """Parse a tracefs ``events/<system>/<event>/format`` file."""
    name = re.search(r"^name:\s*(\S+)", text, re.M)
    eid = re.search(r"^ID:\s*(\d+)", text, re.M)
    if not name or not eid:
        raise ValueError("not a tracefs format file (no name:/ID: line)")
    fields = []
    for m in _FIELD.finditer(text):
        decl = m.group("decl").strip()
        fname = re.sub(r"\[.*\]$", "", decl.split()[-1]).lstrip("*")
        fields.append(FieldFormat(fname, decl, int(m.group("off")), int(m.group("size")), m.group("signed") == "1"))
    return EventFormat(system, name.group(1), int(eid.group(1)), fields, text)


@dataclass(frozen=True)
class PageLayout:
    """``events/header_page``: where the page time stamp, commit and data are."""

    ts_offset: int = 0
    commit_offset: int = 8
    commit_size: int = 8
    data_offset: int = 16
    data_size: int = 4080

    @property
    def page_size(self) -> int:
        return self.data_offset + self.data_size

    @classmethod
    def parse(cls, text: str) -> "PageLayout":
        f = {m.group("decl").split()[-1]: (int(m.group("off")), int(m.group("size"))) for m in _FIELD.finditer(text)}
        if "timestamp" not in f or "commit" not in f or "data" not in f:
            raise ValueError("not an events/header_page file")
        return cls(f["timestamp"][0], f["commit"][0], f["commit"][1], f["data"][0], f["data"][1])


def check_header_event(text: str) -> None:
    """The decoder hard-codes the compressed entry header; refuse a kernel that differs."""
    want = {"padding": 29, "time_extend": 30, "time_stamp": 31}
    for key, val in want.items():
        m = re.search(rf"{key}\s*:\s*type == (\d+)", text)
        if m and int(m.group(1)) != val:
            raise ValueError(f"unsupported ring buffer header_event ({key} == {m.group(1)})")


# ---------------------------------------------------------------------------------------------
# irq flags, rendered as the latency format prints them (kernel/trace/trace_output.c)

_IRQS_OFF, _RESCHED_LAZY, _NEED_RESCHED, _HARDIRQ, _SOFTIRQ, _PREEMPT_RESCHED, _NMI, _BH_OFF = (
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80)
_RESCHED_CHARS = {
    _NEED_RESCHED | _RESCHED_LAZY | _PREEMPT_RESCHED: "B", _NEED_RESCHED | _PREEMPT_RESCHED: "N",
    _RESCHED_LAZY | _PREEMPT_RESCHED: "L", _NEED_RESCHED | _RESCHED_LAZY: "b", _NEED_RESCHED: "n",
    _PREEMPT_RESCHED: "p", _RESCHED_LAZY: "l",
}


def lat_flags(flags: int, preempt: int) -> str:
    """``common_flags`` + ``common_preempt_count`` -> e.g. ``'d..4.'`` (6.13+ lazy-resched era)."""
    irqs = ("D" if flags & _IRQS_OFF and flags & _BH_OFF else "d" if flags & _IRQS_OFF
            else "b" if flags & _BH_OFF else ".")
    resched = _RESCHED_CHARS.get(flags & (_NEED_RESCHED | _RESCHED_LAZY | _PREEMPT_RESCHED), ".")
    nmi, hard, soft = flags & _NMI, flags & _HARDIRQ, flags & _SOFTIRQ
    hs = ("Z" if nmi and hard else "z" if nmi else "H" if hard and soft else "h" if hard
          else "s" if soft else ".")
    pc = f"{preempt & 0xF:x}" if preempt & 0xF else "."
    md = f"{preempt >> 4:x}" if preempt & 0xF0 else "."
    return irqs + resched + hs + pc + md


# ---------------------------------------------------------------------------------------------
# page walk


@dataclass
class PageStats:
    pages: int = 0
    events: int = 0
    missed_pages: int = 0       # pages flagged RB_MISSED_EVENTS
    missed_counted: int = 0     # sum of the stored missed counts
    missed_uncounted: int = 0   # flagged pages without a stored count
    unknown_ids: dict[int, int] = field(default_factory=dict)
    bad_pages: int = 0


@dataclass
class Records:
    """Event records of known types (:meth:`Decoder.walk_records`): time, CPU, seq, and the
    payload slots (``q``: qword j of every record in row j), in one CPU's order or merged."""

    ts: np.ndarray   # int64
    cpu: np.ndarray  # int32
    seq: np.ndarray  # int64
    q: np.ndarray    # (width / 8, n) uint64
    ordered: bool | None = None  # ts never goes back (None: not checked yet); kept by slices

    def __len__(self) -> int:
        return self.ts.size

    def select(self, rows: np.ndarray | slice) -> "Records":
        return Records(self.ts[rows], self.cpu[rows], self.seq[rows], self.q[:, rows],
                       self.ordered if isinstance(rows, slice) and self.ordered else None)

    @staticmethod
    def merge(parts: list["Records"]) -> "Records":
        """One batch of several, in time order: a stable sort on time of the parts given in
        (CPU, chunk) order is the store's (ts, cpu, seq) order."""
        if len(parts) == 1:
            one = parts[0]
            ts = one.ts
        else:
            one = Records(np.concatenate([p.ts for p in parts]), np.concatenate([p.cpu for p in parts]),
                          np.concatenate([p.seq for p in parts]), np.concatenate([p.q for p in parts], axis=1))
            ts = one.ts
        if ts.size < 2 or bool((ts[1:] >= ts[:-1]).all()):
            return one
        order = np.argsort(ts, kind="stable")
        # np.take along the rows: half the time of one.q[:, order] (numpy's 2-D fancy indexing)
        return Records(ts[order], one.cpu[order], one.seq[order], np.take(one.q, order, axis=1))


def walk_pages(buf: bytes | memoryview | np.ndarray, layout: PageLayout):
    """Find every event record in a run of whole pages.

    Returns ``(page_idx, payload_off, payload_len, ts, missed)`` where ``payload_off`` is the
    byte offset of the payload in ``buf``, ``ts`` the uint64 time of each event and ``missed``
    per page: -1 = no loss flagged, -2 = loss flagged without count, else the stored count.
    """
    P = layout.page_size
    raw = np.frombuffer(buf, dtype=np.uint8)
    n = raw.size // P
    raw = raw[: n * P]
    pages = raw.reshape(n, P)
    ts0 = pages[:, layout.ts_offset: layout.ts_offset + 8].copy().view("<u8").ravel()
    commit = pages[:, layout.commit_offset: layout.commit_offset + layout.commit_size].copy()
    commit = commit.view("<u8" if layout.commit_size == 8 else "<u4").ravel().astype(np.uint64)
    flags = commit & np.uint64(RB_MISSED_EVENTS | RB_MISSED_STORED)
    length = (commit & np.uint64(0xFFFFF)).astype(np.int64)
    damaged = length > layout.data_size  # and below: a record running past the commit
    length = np.minimum(length, layout.data_size)
    missed = np.full(n, -1, dtype=np.int64)
    has_missed = (flags & np.uint64(RB_MISSED_EVENTS)) != 0
    missed[has_missed] = -2
    stored = np.nonzero((flags & np.uint64(RB_MISSED_STORED)) != 0)[0]
    for p in stored:
        o = layout.data_offset + int(length[p])
        if o + 8 <= P:
            missed[p] = int(pages[p, o: o + 8].view("<u8")[0])

    D = layout.data_size - layout.data_size % 4
    words = pages[:, layout.data_offset: layout.data_offset + D].view("<u4")  # (n, D/4), no copy
    nwords = words.shape[1]
    end = length // 4
    # lockstep walk over the pages that still have records
    rows = np.nonzero(end > 0)[0]
    pos = np.zeros(rows.size, dtype=np.int64)
    ts = ts0[rows].copy()
    endr = end[rows]
    out_page, out_off, out_len, out_ts = [], [], [], []
    while rows.size:
        w = words[rows, pos]
        tl = (w & 31).astype(np.int64)
        delta = (w >> 5).astype(np.uint64)
        a0 = words[rows, np.minimum(pos + 1, nwords - 1)].astype(np.uint64)
        is_small = (tl >= 1) & (tl <= 28)
        is_big = tl == 0
        is_pad = tl == TYPE_PADDING
        is_ext = tl == TYPE_TIME_EXTEND
        is_abs = tl == TYPE_TIME_STAMP
        # time
        ts = ts + np.where(is_ext, (a0 << np.uint64(TS_SHIFT)) + delta, np.where(is_abs, np.uint64(0), delta))
        if is_abs.any():
            absv = (a0[is_abs] << np.uint64(TS_SHIFT)) | delta[is_abs]
            prev = ts[is_abs]
            msb = prev & np.uint64(TS_MSB)
            fixed = absv | msb
            fixed = np.where((msb != 0) & (fixed < prev), fixed + np.uint64(1 << 59), fixed)
            ts[is_abs] = fixed
        # sizes in words
        size = np.where(is_small, tl + 1, 0)
        size = np.where(is_big, 1 + (a0.astype(np.int64) + 3) // 4, size)
        size = np.where(is_pad, 1 + (a0.astype(np.int64) + 3) // 4, size)
        size = np.where(is_ext | is_abs, 2, size)
        done_pad = is_pad & (delta == 0)
        past = ~done_pad & (pos + size > endr)
        if past.any():
            damaged[rows[past]] = True
        ev = (is_small | is_big) & ~past
        if ev.any():
            r = rows[ev]
            off = np.where(is_big[ev], pos[ev] + 2, pos[ev] + 1)
            plen = np.where(is_big[ev], a0[ev].astype(np.int64) - 4, tl[ev] * 4)
            out_page.append(r)
            out_off.append(r * P + layout.data_offset + off * 4)
            out_len.append(plen)
            out_ts.append(ts[ev])
        done = done_pad | past | (size <= 0)
        pos = pos + size
        keep = ~done & (pos < endr)
        if not keep.all():
            rows, pos, ts, endr = rows[keep], pos[keep], ts[keep], endr[keep]
    if out_page:
        page_idx = np.concatenate(out_page)
        off = np.concatenate(out_off)
        plen = np.concatenate(out_len)
        ets = np.concatenate(out_ts)
        # back to page order, record order within a page (the walk emits step by step)
        order = np.argsort(off, kind="stable")
        page_idx, off, plen, ets = page_idx[order], off[order], plen[order], ets[order]
    else:
        page_idx = off = plen = np.zeros(0, dtype=np.int64)
        ets = np.zeros(0, dtype=np.uint64)
    missed[damaged] = -3
    return page_idx, off, plen, ets, missed, raw


# ---------------------------------------------------------------------------------------------
# event decode


@dataclass
class RecordIndex:
    """The event records of a run of pages (:meth:`Decoder.index_records`), in page order."""

    page: np.ndarray    # page index of each record
    offset: np.ndarray  # byte offset of its payload in the buffer
    length: np.ndarray  # payload bytes
    ts: np.ndarray      # uint64 time
    type: np.ndarray    # uint16 common_type (the payload's first two bytes)


_ONE_QWORD = bytes([1]) * (1 << 16)  # index_records: only the first payload qword of each record


class _EventPlan:
    """How to pull one event type's columns out of its payloads."""

    def __init__(self, fmt: EventFormat, dict_index: int):
        self.fmt = fmt
        self.dict_index = dict_index
        self.size = fmt.size
        self.cols: list[tuple[str, int, np.dtype, np.dtype]] = []
        for f in fmt.fields:
            if f.name.startswith("common_") or f.size not in (1, 2, 4, 8) or "[" in f.ctype or "__data_loc" in f.ctype:
                continue
            col = column_for_key(fmt.name, f.name)
            if col is None:
                continue
            src = np.dtype(f"<{'i' if f.signed else 'u'}{f.size}")
            dst = numpy_dtype(COLUMN_BY_NAME[col].type)
            self.cols.append((col, f.offset, src, dst))


def _header_dtype() -> np.dtype:
    """``struct trace_entry``: the first qword of a payload."""
    return np.dtype({"names": ["type", "fpc", "pid"], "formats": ["<u2", "<u2", "<i4"], "offsets": [0, 2, 4],
                     "itemsize": 8})


class Decoder:
    """Decodes pages of one trace (one set of format files) into store-schema column arrays."""

    def __init__(self, formats: dict[str, str] | list[EventFormat], layout: PageLayout | None = None,
                 fast: bool | None = None):
        fmts = [parse_format(t) if isinstance(t, str) else t for t in
                (formats.values() if isinstance(formats, dict) else formats)]
        self.layout = layout or PageLayout()
        self.names: list[str] = []
        self.plans: dict[int, _EventPlan] = {}
        for f in fmts:
            if f.name in self.names:
                idx = self.names.index(f.name)
            else:
                idx = len(self.names)
                self.names.append(f.name)
            self.plans[f.id] = _EventPlan(f, idx)
        self.dictionary = to_strings(self.names)
        if fast and not AVAILABLE:
            raise RuntimeError("the C page walk (tmigr_trace.collectors._ringbuffer) is not built")
        self.fast = AVAILABLE if fast is None else bool(fast)
        # payload slot width of the fast path: up to the end of the last decoded field of any event
        self.width = max([8] + [-(-(foff + src.itemsize) // 8) * 8 for p in self.plans.values()
                                for _, foff, src, _ in p.cols])
        self._known = np.zeros(1 << 16, dtype=bool)
        self._known[[t for t in self.plans if 0 <= t < 1 << 16]] = True
        self._hdr_dtype = _header_dtype()
        self._scratch = np.empty(0, dtype=np.uint8)
        self._index_scratch = np.empty(0, dtype=np.uint8)
        self._flag_lut = np.full(1 << 16, -1, dtype=np.int16)
        self._flag_strings: list[str] = []
        self._flag_dict = to_strings([])
        # qwords of the payload slot the C walk must fill per common_type (header only if unknown)
        qw = np.ones(1 << 16, dtype=np.uint8)
        for t, p in self.plans.items():
            if 0 <= t < 1 << 16:
                qw[t] = max(1, -(-max([8] + [foff + src.itemsize for _, foff, src, _ in p.cols]) // 8))
        self._qwords = qw.tobytes()
        self._ev_code = np.zeros(1 << 16, dtype=np.int16)
        for t, p in self.plans.items():
            if 0 <= t < 1 << 16:
                self._ev_code[t] = p.dict_index
        # column -> [(qword row, dtype with the field as "v", destination dtype, event codes)], one
        # entry per distinct (offset, source type) among the events that have the column
        groups: dict[str, dict[tuple, set[int]]] = {}
        dsts: dict[str, np.dtype] = {}
        for t, p in self.plans.items():
            for col, foff, src, dst in p.cols:
                groups.setdefault(col, {}).setdefault((foff, src.str), set()).add(p.dict_index)
                dsts[col] = dst
        self._col_groups = {col: [(foff // 8, np.dtype({"names": ["v"], "formats": [src], "offsets": [foff % 8], "itemsize": 8}),
                                   dsts[col], tuple(sorted(codes))) for (foff, src), codes in g.items()]
                            for col, g in groups.items()}
        self._gather = self._gather_spec()
        straddles = any(foff % 8 + src.itemsize > 8 for p in self.plans.values() for _, foff, src, _ in p.cols)
        shared = len(self.names) < len(self.plans)  # one name, two ids: the fast path keys by name
        if straddles or shared or self.width > 4096:  # (packed layouts do not fit the qword slots): use the reference
            self.fast = False

    def _gather_spec(self):
        """The field table of the C merge-and-extract (``_ringbuffer.gather``): per event code, the
        (column, qword row, byte in the qword, size, signed, destination size) of its fields. None
        when a field is not an integer that fits one qword, or an event sets a column twice (then
        :meth:`columns` does the work)."""
        if _ringbuffer is None or not hasattr(_ringbuffer, "gather"):
            return None
        names = list(self._col_groups)
        entries: dict[int, list[tuple[int, ...]]] = {}
        for ci, col in enumerate(names):
            for qrow, dtype, dst, codes in self._col_groups[col]:
                src, off = dtype.fields["v"]
                if src.kind not in "iu" or dst.kind not in "iu" or off + src.itemsize > 8:
                    return None
                for code in codes:
                    entries.setdefault(code, []).append((ci, qrow, off, src.itemsize, int(src.kind == "i"), dst.itemsize))
        if any(len({e[0] for e in v}) != len(v) for v in entries.values()):
            return None
        spec, start = [], [0]
        for code in range(len(self.names)):
            spec.extend(entries.get(code, []))
            start.append(len(spec))
        return (names, [np.dtype(self._col_groups[c][0][2]) for c in names],
                np.array(spec, dtype=np.int32).reshape(-1, 6), np.array(start, dtype=np.int32))

    def merged_columns(self, parts: list["Records"]) -> tuple[dict[str, object], int]:
        """:meth:`Records.merge` then :meth:`columns`, in one pass of the C extension when it is
        there: the merged payload slots are never built (each field is read once, from its run).
        Returns the columns and the number of rows."""
        parts = [p for p in parts if len(p)]
        if self._gather is None or not parts or any(p.q.strides[1] != 8 for p in parts):
            merged = Records.merge(parts)
            return self.columns(merged), len(merged)
        names, dsts, spec, start = self._gather
        ts = np.concatenate([p.ts for p in parts]) if len(parts) > 1 else parts[0].ts
        m = ts.size
        if m < 2 or bool((ts[1:] >= ts[:-1]).all()):
            order = np.arange(m, dtype=np.int64)
            cpu = np.concatenate([p.cpu for p in parts]) if len(parts) > 1 else parts[0].cpu
            seq = np.concatenate([p.seq for p in parts]) if len(parts) > 1 else parts[0].seq
        else:  # a stable sort of the runs given in (CPU, chunk) order: the store's (ts, cpu, seq)
            order = np.argsort(ts, kind="stable")
            ts = ts[order]
            cpu = np.concatenate([p.cpu for p in parts])[order]
            seq = np.concatenate([p.seq for p in parts])[order]
        starts = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=starts[1:])
        hdr = np.empty(m, dtype=np.uint64)
        vals = tuple(np.empty(m, dtype=d) for d in dsts)
        valid = tuple(np.zeros((m + 7) // 8, dtype=np.uint8) for _ in dsts)  # Arrow validity bitmaps
        counts = _ringbuffer.gather(tuple(p.q for p in parts), order, starts, self._ev_code, spec, start, hdr,
                                    vals, valid)
        cols, _ = self._header_columns(ts, cpu, seq, hdr.view(self._hdr_dtype))
        for col, v, ok, n in zip(names, vals, valid, counts):
            if n:  # a column no event of this batch has stays absent (all null)
                bitmap = None if n == m else pa.py_buffer(ok)
                cols[col] = pa.Array.from_buffers(COLUMN_BY_NAME[col].type, m, [bitmap, pa.py_buffer(v)], null_count=m - n)
        return cols, m

    def index_records(self, buf) -> "RecordIndex":
        """Every event record of whole pages, whatever its type: where it is, its length, time
        and ``common_type`` (the same walk as :meth:`decode`, for callers that check pages before
        decoding them, e.g. the trace.dat importer's damage checks). Valid until the next call."""
        L = self.layout
        if self.fast:
            args = (buf, L.page_size, L.ts_offset, L.commit_offset, L.commit_size, L.data_offset, L.data_size, 8,
                    _ONE_QWORD)
            # one reused buffer (no fresh memory per chunk): offset and ts are views of it, valid
            # until the next call (the page checks use them at once)
            out = self._index_scratch
            n, needed = _ringbuffer.walk(*args, out)
            if needed > out.size:
                out = self._index_scratch = np.empty(max(needed, out.size * 3 // 2), dtype=np.uint8)
                _ringbuffer.walk(*args, out)
            npages = memoryview(buf).nbytes // L.page_size
            o = npages * 8
            return RecordIndex(page=out[o + n * 16: o + n * 20].view(np.int32).astype(np.int64),
                               offset=out[o + n * 8: o + n * 16].view(np.int64),
                               length=out[o + n * 20: o + n * 24].view(np.int32).astype(np.int64),
                               ts=out[o: o + n * 8].view(np.uint64),
                               type=(out[o + n * 24: o + n * 32].view("<u8") & np.uint64(0xFFFF)).astype(np.uint16))
        page_idx, off, plen, ts, _, raw = walk_pages(buf, L)
        lo = raw[np.minimum(off, raw.size - 1)].astype(np.uint16)
        hi = raw[np.minimum(off + 1, raw.size - 1)].astype(np.uint16)
        return RecordIndex(page=page_idx.astype(np.int64), offset=off.astype(np.int64), length=plen.astype(np.int64),
                           ts=ts, type=lo | (hi << np.uint16(8)))

    def _flag_codes_cached(self, key: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        """Like :meth:`_flag_codes`, against one dictionary that grows over the Decoder's life."""
        codes = self._flag_lut[key]
        if codes.size and codes.min() < 0:
            for k in np.flatnonzero(np.bincount(key[codes < 0], minlength=1 << 16)):  # u16: no np.unique
                self._flag_lut[k] = len(self._flag_strings)
                self._flag_strings.append(lat_flags(int(k) & 0xFF, int(k) >> 8))
            self._flag_dict = to_strings(self._flag_strings)
            codes = self._flag_lut[key]
        return codes, self._flag_dict

    def _flag_codes(self, key: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        # key < 2**16 (flags | preempt_count << 8): a table instead of a sort
        present = np.zeros(1 << 16, dtype=bool)
        present[key] = True
        uniq = np.flatnonzero(present)
        lut = np.zeros(1 << 16, dtype=np.int16)
        lut[uniq] = np.arange(uniq.size, dtype=np.int16)
        strings = [lat_flags(int(k) & 0xFF, int(k) >> 8) for k in uniq]
        return lut[key], to_strings(strings)

    def decode(self, buf, cpu: int, seq_start: int, stats: PageStats | None = None) -> tuple[dict, int, int]:
        """Decode whole pages of CPU ``cpu``.

        Returns ``(columns, n_events, next_seq)``; ``columns`` maps store column names to arrays.
        ``seq`` numbers the decoded events (records of event types without a format here are
        skipped without a gap); lost events flagged in a page advance it by their count before
        that page's events, so a gap in ``seq`` marks where the stream lost events.
        """
        if self.fast:
            return self._decode_fast(buf, cpu, seq_start, stats)
        return self._decode_reference(buf, cpu, seq_start, stats)

    @staticmethod
    def _page_stats(missed: np.ndarray, stats: PageStats | None) -> np.ndarray:
        """Counts the flagged pages; returns the cumulative lost events up to each page."""
        if stats is not None:
            stats.pages += missed.size
            bad = int((missed == -3).sum())
            stats.bad_pages += bad
            stats.missed_pages += int((missed != -1).sum()) - bad
            stats.missed_counted += int(missed[missed >= 0].sum())
            stats.missed_uncounted += int((missed == -2).sum())
        # seq: event rank + lost events flagged up to and including its page
        # a damaged page lost an unknown number of events, like a flagged page without a count
        gap = np.where(missed >= 0, missed, np.where(missed <= -2, 1, 0))
        return np.cumsum(gap)

    def _decode_fast(self, buf, cpu: int, seq_start: int, stats: PageStats | None) -> tuple[dict, int, int]:
        """C page walk, then one strided gather per column over the fixed-width payload slots."""
        rec, next_seq = self.walk_records(buf, cpu, seq_start, stats)
        return self.columns(rec), rec.ts.size, next_seq

    def walk_records(self, buf, cpu: int, seq_start: int, stats: PageStats | None = None
                     ) -> tuple["Records", int]:
        """The event records of known types in whole pages of CPU ``cpu`` (fast path only), before
        their fields are pulled out: time, seq and the payload slots. Records of several CPUs can
        be merged (:meth:`Records.merge`) and their columns extracted once (:meth:`columns`),
        which moves ~9 qwords per record instead of every store column."""
        L = self.layout
        args = (buf, L.page_size, L.ts_offset, L.commit_offset, L.commit_size, L.data_offset, L.data_size, self.width,
                self._qwords)
        n, needed = _ringbuffer.walk(*args, self._scratch)
        if needed > len(self._scratch):
            # the outputs go to one buffer (kept by the records it gives, else reused)
            self._scratch = np.empty(max(needed, len(self._scratch) * 3 // 2), dtype=np.uint8)
            n, needed = _ringbuffer.walk(*args, self._scratch)
        npages = memoryview(buf).nbytes // L.page_size
        o = npages * 8
        missed = self._scratch[:o].view(np.int64)
        ts = self._scratch[o: o + n * 8].view(np.uint64)
        page_idx = self._scratch[o + n * 16: o + n * 20].view(np.int32)
        plen = self._scratch[o + n * 20: o + n * 24].view(np.int32)
        payload = self._scratch[o + n * 24: o + n * (24 + self.width)]
        # payload: width/8 rows of n qwords (qword j of every record); fields never straddle a qword
        q = payload.view("<u8").reshape(self.width // 8, n)
        etype = q[0].view(self._hdr_dtype)["type"]
        gap_cum = self._page_stats(missed, stats)
        known = self._known[etype] & (plen >= 8)
        m = int(np.count_nonzero(known))
        next_seq = int(seq_start + m + (gap_cum[-1] if npages else 0))
        if stats is not None:
            stats.events += m
            if m < n:
                counts = np.bincount(etype[~known], minlength=1 << 16)  # u16 ids: no np.unique
                for t in np.flatnonzero(counts):
                    stats.unknown_ids[int(t)] = stats.unknown_ids.get(int(t), 0) + int(counts[t])
        # seq counts the decoded events only: a record of another event type leaves no gap
        if m == n:
            seq = seq_start + np.arange(n, dtype=np.int64)
            if npages and n and gap_cum[-1]:
                seq += gap_cum[page_idx]
            # the records keep this walk's buffer (views, no copy of the payload slots); the next
            # walk gets a fresh one
            self._scratch = np.empty(len(self._scratch), dtype=np.uint8)
            return Records(ts.view(np.int64), np.full(n, cpu, dtype=np.int32), seq, q), next_seq
        sel = np.flatnonzero(known)
        seq = seq_start + np.arange(m, dtype=np.int64)
        if npages and n and gap_cum[-1]:
            seq += gap_cum[page_idx[sel]]
        return Records(ts[sel].astype(np.int64), np.full(m, cpu, dtype=np.int32), seq, q[:, sel]), next_seq

    def _header_columns(self, ts: np.ndarray, cpu: np.ndarray, seq: np.ndarray,
                        hdr: np.ndarray) -> tuple[dict[str, object], np.ndarray]:
        """The columns every record has, from its common header (pid, flags and preempt count,
        type); also the event code per row."""
        cols: dict[str, object] = {"ts": ts, "cpu": cpu, "seq": seq, "pid": hdr["pid"].copy()}
        codes, fdict = self._flag_codes_cached(hdr["fpc"])  # common_flags | common_preempt_count << 8
        cols["irq_flags"] = pa.DictionaryArray.from_arrays(from_numpy(codes, pa.int16()), fdict)
        code = self._ev_code[hdr["type"]]
        cols["event"] = pa.DictionaryArray.from_arrays(from_numpy(code, pa.int16()), self.dictionary)
        return cols, code

    def columns(self, rec: "Records") -> dict[str, object]:
        """Store columns of records from :meth:`walk_records` (one CPU's, or merged)."""
        q = rec.q
        m = rec.ts.size
        cols, code = self._header_columns(rec.ts, rec.cpu, rec.seq, q[0].view(self._hdr_dtype))
        # per column: a strided view of the payload slots at the field's offset (one per distinct
        # offset/type among the events that have the column), valid where the event has it
        # rows of each present event code, and of each set of codes (columns share sets)
        present = np.flatnonzero(np.bincount(code, minlength=len(self.names)))
        by_code = {int(k): code == k for k in present}
        masks: dict[tuple, np.ndarray | None] = {}
        fields: dict[tuple, np.ndarray] = {}
        for col, groups in self._col_groups.items():
            vals = valid = None
            for qrow, dtype, dst, codes in groups:
                h = masks.get(codes, False)
                if h is False:
                    hs = [by_code[k] for k in codes if k in by_code]
                    h = masks[codes] = None if not hs else hs[0] if len(hs) == 1 else np.logical_or.reduce(hs)
                if h is None:
                    continue
                fk = (qrow, dtype, dst)
                v = fields.get(fk)
                if v is None:
                    v = fields[fk] = q[qrow].view(dtype)["v"].astype(dst)
                if vals is None:
                    # shared with other columns unless this column merges several layouts
                    vals, valid = (v.copy() if len(groups) > 1 else v), h.copy()
                else:
                    np.copyto(vals, v, where=h)
                    valid |= h
            if vals is None:
                continue
            cols[col] = from_numpy(vals, COLUMN_BY_NAME[col].type, valid)
        return cols

    def _decode_reference(self, buf, cpu: int, seq_start: int, stats: PageStats | None) -> tuple[dict, int, int]:
        """The pure-Python (numpy) reference: lockstep walk, per-type byte-matrix gathers."""
        page_idx, off, plen, ts, missed, raw = walk_pages(buf, self.layout)
        npages = missed.size
        gap_cum = self._page_stats(missed, stats)
        n = off.size
        # common header (struct trace_entry)
        ok = plen >= 8
        idx8 = off[:, None] + np.arange(8)
        hdr = raw[np.minimum(idx8, raw.size - 1)].copy()
        etype = hdr[:, 0:2].copy().view("<u2").ravel()
        cflags = hdr[:, 2]
        cpc = hdr[:, 3]
        pid = hdr[:, 4:8].copy().view("<i4").ravel()
        known = ok & np.isin(etype, np.fromiter(self.plans, dtype=np.uint16, count=len(self.plans)))
        seq_all = seq_start + np.cumsum(known, dtype=np.int64) - 1 + (gap_cum[page_idx] if n else 0)
        next_seq = int(seq_start + int(known.sum()) + (gap_cum[-1] if npages else 0))
        if stats is not None:
            stats.events += int(known.sum())
            for t, c in zip(*np.unique(etype[~known], return_counts=True)):
                stats.unknown_ids[int(t)] = stats.unknown_ids.get(int(t), 0) + int(c)
        sel = np.nonzero(known)[0]
        m = sel.size
        cols: dict[str, object] = {}
        cols["ts"] = ts[sel].astype(np.int64)
        cols["cpu"] = np.full(m, cpu, dtype=np.int32)
        cols["seq"] = seq_all[sel]
        cols["pid"] = pid[sel]
        codes, fdict = self._flag_codes((cflags[sel].astype(np.int32) | (cpc[sel].astype(np.int32) << 8)))
        cols["irq_flags"] = pa.DictionaryArray.from_arrays(from_numpy(codes, pa.int16()), fdict)
        ev_codes = np.zeros(m, dtype=np.int16)
        field_arrays: dict[str, np.ndarray] = {}
        field_valid: dict[str, np.ndarray] = {}
        et = etype[sel]
        for tid in np.unique(et):
            plan = self.plans[int(tid)]
            rows = np.nonzero(et == tid)[0]
            ev_codes[rows] = plan.dict_index
            if not plan.cols:
                continue
            S = plan.size
            o = off[sel[rows]]
            # gather the payloads of this event type into an (k, S) byte matrix
            mat = raw[np.minimum(o[:, None] + np.arange(S), raw.size - 1)]
            for col, foff, src, dst in plan.cols:
                vals = mat[:, foff: foff + src.itemsize].copy().view(src).ravel().astype(dst, copy=False)
                if col not in field_arrays:
                    field_arrays[col] = np.zeros(m, dtype=dst)
                    field_valid[col] = np.zeros(m, dtype=bool)
                field_arrays[col][rows] = vals
                field_valid[col][rows] = True
        cols["event"] = pa.DictionaryArray.from_arrays(from_numpy(ev_codes, pa.int16()), self.dictionary)
        for col, arr in field_arrays.items():
            valid = field_valid[col]
            cols[col] = from_numpy(arr, COLUMN_BY_NAME[col].type, valid)
        return cols, m, next_seq
