"""Export a stored trace (and optionally its replay divergences) as a Perfetto trace (.pftrace).

The file is a ``Trace`` message: a stream of TrackEvent packets on one trusted sequence, opened in
ui.perfetto.dev without a trace processor binary. See docs/perfetto.md for the tracks.

* The track descriptors, the interning packet and the divergences are built with the ``perfetto``
  package's trace builder (``TraceProtoBuilder``, :mod:`tmigr_trace.export_builder`); pass 1 (the
  group tree) is :mod:`tmigr_trace.export_hierarchy`.
* The events (millions) are encoded columnar: each Parquet batch becomes numpy columns, and the
  TracePackets of the whole batch are written at once in protobuf's wire format
  (:mod:`tmigr_trace.pbcolumns`) with the field numbers of the perfetto package's generated
  protos; a test decodes the result with those protos. The only per-event Python is the idle /
  offline state machine over the CPUs' state events.

Two streaming passes over the Parquet file keep memory bounded by the hierarchy and one batch:
pass 1 learns the tree from the distinct pointer tuples of each batch (which CPUs sit below which
group, so groups are named ``GRP<lvl>:<idx>`` as in the kernel's comments); pass 2 emits. The
timestamps are written exactly as stored (ns of the trace's clock); nothing is rebased.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import pbcolumns as pbc
from .cpulist import format_cpulist
from .errors import TmigrError
from .schema import COLUMN_BY_NAME, EVENTS, KTIME_MAX
from .export_builder import CHUNK_PACKETS, SEQ_ID, Writer as _Writer
from .export_hierarchy import (CPU_INSTANT_EVENTS, GROUP_STATE_EVENTS, OFFLINE_EVENTS, ONLINE_EVENTS,
                               SCAN_COLUMNS as _SCAN_COLUMNS, SETUP_EVENTS, Tree as _Tree)
from .store import check_output_path

DEFAULT_BATCH = 65536

# Fixed track uuids for the top-level tracks; the others are allocated from _UUID_BASE upwards.
UUID_CPUS = 1
UUID_HIERARCHY = 2
UUID_SETUP = 3
UUID_DIVERGENCES = 4
_UUID_BASE = 100

REMOTE_EXPIRY_NAME = "timers expired by the migrator"  # flow end on the CPU whose timers were expired

_MASK_FIELDS = frozenset(("childmask", "active", "migrator", "groupmask", "child_active", "group_active",
                          "flags"))
_PTR_FIELDS = frozenset(("group", "parent", "child", "timer", "function"))
# Event categories (what a row becomes).
C_IDLE, C_ACTIVE, C_OFFLINE, C_ONLINE, C_CPU, C_GROUP, C_UPDATE, C_SETUP, C_OTHER = range(9)
# Row kinds decided in pass 2.
K_SKIP, K_BEGIN_IDLE, K_END_IDLE, K_BEGIN_OFF, K_END_OFF, K_CPU, K_GROUP, K_SETUP, K_OTHER = range(9)
_WITH_FIELDS = (K_BEGIN_IDLE, K_BEGIN_OFF, K_CPU, K_GROUP, K_SETUP, K_OTHER)

FIELD_COLUMNS = [c.name for c in COLUMN_BY_NAME.values()
                 if c.kind is not None and any(c.name in e.columns for e in EVENTS)]


def _category(name: str) -> int:
    if name == "tmigr_cpu_idle":
        return C_IDLE
    if name == "tmigr_cpu_active":
        return C_ACTIVE
    if name in OFFLINE_EVENTS:
        return C_OFFLINE
    if name in ONLINE_EVENTS:
        return C_ONLINE
    if name in CPU_INSTANT_EVENTS:
        return C_CPU
    if name in GROUP_STATE_EVENTS:
        return C_GROUP
    if name == "tmigr_update_events":
        return C_UPDATE
    if name in SETUP_EVENTS:
        return C_SETUP
    return C_OTHER


def _ann_name(column: str) -> str:
    return "cpu" if column == "target_cpu" else column  # the tracepoint's own name for it


@dataclass
class ExportStats:
    """What an export wrote."""

    path: Path
    events: int = 0             # rows read
    exported: int = 0           # rows written as packets (after --from/--to/--cpus)
    packets: int = 0
    tracks: int = 0
    cpus: int = 0
    groups: int = 0
    idle_slices: int = 0
    open_idle: int = 0          # idle slices without a tmigr_cpu_active before the end
    offline_slices: int = 0
    counters: int = 0
    instants: int = 0
    setup_events: int = 0
    flows: int = 0              # migrator -> remote CPU flows
    divergences: int | None = None
    divergence_flows: int = 0
    model_profile: str | None = None
    skipped_no_pointer: int = 0  # group events without a group pointer ((____ptrval____))
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    """What to export: a half-open time window [start, end) in stored ns and a set of CPUs.

    A bound may also be given as text (:func:`parse_time`: ns as stored, or ``1.5s`` after the
    trace's first event); export_perfetto resolves it once it knows the first event."""

    start: int | str | None = None
    end: int | str | None = None
    cpus: frozenset[int] | None = None


# ---------------------------------------------------------------------------------------------
# Pass 2: the events, columnar.


@dataclass
class _Cols:
    """One batch as numpy: values (nulls filled with 0) and validity per column."""

    row: np.ndarray                  # global row number in stored order
    ts: np.ndarray
    cpu: np.ndarray
    code: np.ndarray                 # index into _Emitter.names
    kind: np.ndarray
    vals: dict[str, np.ndarray]
    valid: dict[str, np.ndarray]

    def take(self, idx: np.ndarray) -> "_Cols":
        return _Cols(self.row[idx], self.ts[idx], self.cpu[idx], self.code[idx], self.kind[idx],
                     {k: v[idx] for k, v in self.vals.items()}, {k: v[idx] for k, v in self.valid.items()})

    @staticmethod
    def cat(parts: list["_Cols"]) -> "_Cols":
        return _Cols(*(np.concatenate([getattr(p, a) for p in parts]) for a in ("row", "ts", "cpu", "code", "kind")),
                     {k: np.concatenate([p.vals[k] for p in parts]) for k in parts[0].vals},
                     {k: np.concatenate([p.valid[k] for p in parts]) for k in parts[0].valid})


class _Lazy:
    """The rows `idx` of a batch, each column taken when first used."""

    def __init__(self, c: _Cols, idx: np.ndarray):
        self._c, self._idx = c, idx
        self.row, self.ts, self.cpu = c.row[idx], c.ts[idx], c.cpu[idx]
        self.vals = _LazyDict(c.vals, idx)
        self.valid = _LazyDict(c.valid, idx)


class _LazyDict(dict):
    def __init__(self, src: dict[str, np.ndarray], idx: np.ndarray):
        super().__init__()
        self._src, self._idx = src, idx

    def __missing__(self, key: str) -> np.ndarray:
        v = self[key] = self._src[key][self._idx]
        return v


def _numpy(col: pa.Array, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Values (zero-copy where possible; nulls hold whatever the buffer has) and validity."""
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    n, off = len(col), col.offset
    bufs = col.buffers()
    width = col.type.bit_width // 8
    vals = np.frombuffer(bufs[1], dtype=np.dtype(f"{'u' if pa.types.is_unsigned_integer(col.type) else 'i'}{width}"),
                         count=n, offset=off * width).astype(dtype, copy=False)
    if col.null_count == 0 or bufs[0] is None:
        return vals, np.ones(n, bool)
    bits = np.unpackbits(np.frombuffer(bufs[0], np.uint8), bitorder="little")[off:off + n].astype(bool)
    return vals, bits


class _Emitter:
    def __init__(self, w: _Writer, tree: _Tree, stats: ExportStats, window: Window,
                 flow_rows: np.ndarray | None):
        self.w, self.tree, self.stats, self.win = w, tree, stats, window
        self.pb = w.pb
        self.names: list[str] = []
        self.code_of: dict[str, int] = {}
        self.cat: list[int] = []
        self.uses: list[np.ndarray] = []
        for e in EVENTS:
            self._code(e.name)
        self.next_uuid = _UUID_BASE
        self.cpu_track: dict[int, int] = {}
        self.cpu_other: dict[int, int] = {}
        self.group_uuids: dict[int, dict[str, int]] = {}
        self.idle_open: dict[int, int] = {}      # cpu -> global row of the open idle slice's begin
        self.offline_open: dict[int, int] = {}
        self.saved_begins: dict[int, _Cols] = {}  # row -> begin before --from, kept while open
        self.flow_rows = flow_rows               # rows a divergence is about (sorted), or None
        self.rows_done = 0
        self.linked_rows: set[int] = set()       # rows given a flow to their divergence
        self._count = 0                          # packets encoded, not yet written
        self._rowbuf = pbc.RowBuffer()
        self._hex_tables: dict[str, pbc.Table] = {}
        self.reached_window = window.start is None
        self._init_wire()

    def _code(self, name: str) -> int:
        c = self.code_of.get(name)
        if c is None:
            c = self.code_of[name] = len(self.names)
            self.names.append(name)
            self.cat.append(_category(name))
            ev = next((e for e in EVENTS if e.name == name), None)
            self.uses.append(np.array([ev is not None and col in ev.columns for col in FIELD_COLUMNS]))
        return c

    def uuid(self) -> int:
        self.next_uuid += 1
        return self.next_uuid

    # -- descriptors ---------------------------------------------------------------------------
    def tracks(self, meta, with_divergences: bool, profile: str | None) -> None:
        w, t, win = self.w, self.tree, self.win
        about = (f"kernel {meta.kernel_release or 'unknown'}, trace clock {meta.clock or 'unknown'} "
                 f"(timestamps as stored, ns), source {meta.source_format or '?'} ({meta.origin}), "
                 f"pointers {meta.pointer_mode}")
        if win.start is not None or win.end is not None or win.cpus is not None:
            about += (f"; exported window [{win.start if win.start is not None else 'start'}, "
                      f"{win.end if win.end is not None else 'end'}) ns"
                      + (f", CPUs {format_cpulist(win.cpus)}" if win.cpus is not None else ""))
        w.intern(["idle", "offline", REMOTE_EXPIRY_NAME] + self.names,
                 ["event", "by CPU", "wakeup at active", "online event", "group name", "parent name",
                  "child name"] + [_ann_name(c) for c in FIELD_COLUMNS])
        w.track(UUID_CPUS, "tmigr CPUs", description="per recording CPU: idle (tmigr_cpu_idle -> "
                "tmigr_cpu_active), offline, and the CPU's tmigr events; flows from the migrator's "
                "tmigr_handle_remote_cpu to the CPU whose timers it expired; " + about,
                explicit_children=True, rank=1)
        for cpu in sorted(t.cpus):
            if win.cpus is not None and cpu not in win.cpus:
                continue
            u = self.cpu_track[cpu] = self.uuid()
            w.track(u, f"CPU {cpu}", UUID_CPUS, rank=cpu)
            if cpu in t.other_cpus:
                o = self.cpu_other[cpu] = self.uuid()
                w.track(o, f"CPU {cpu} other events", u, rank=0)
        groups = [g for g in t.ordered_groups()
                  if win.cpus is None or not g.cpus or g.cpus & win.cpus]
        w.track(UUID_HIERARCHY, "tmigr hierarchy", description="one entry per struct tmigr_group seen in the "
                "trace, ordered by level (top first) and node: active mask and migrator (tmigr_group_set_cpu_*), "
                "next_expiry (tmigr_update_events); " + about, explicit_children=True, rank=2)
        for rank, g in enumerate(groups):
            g.uuid = self.uuid()
            node = f" {g.node_label} {g.node}" if g.node is not None else ""
            cpus = f" CPUs {format_cpulist(g.cpus)}" if g.cpus else ""
            parents = ", ".join(f"{p:#x}" for p in sorted(g.parents)) or "none seen"
            w.track(g.uuid, f"{g.short}{node}{cpus} @{g.ptr:x}", UUID_HIERARCHY, rank=rank,
                    explicit_children=True,
                    description=f"struct tmigr_group {g.ptr:#x}: level {g.lvl}, {g.node_label} {g.node}, "
                                f"parent {parents}, CPUs below {format_cpulist(g.cpus) or 'unknown'}")
            tr = self.group_uuids[g.ptr] = {}
            for r, (key, unit) in enumerate((("active", ""), ("migrator", ""), ("next_expiry", "ns"))):
                tr[key] = self.uuid()
                w.track(tr[key], f"{g.short} {key}", g.uuid, rank=r, counter_unit=unit)
            tr["events"] = self.uuid()
            w.track(tr["events"], f"{g.short} events", g.uuid, rank=3)
        w.track(UUID_SETUP, "setup", description="hierarchy setup tracepoints: tmigr_group_set, "
                "tmigr_connect_child_parent, tmigr_connect_cpu_parent", rank=3)
        if with_divergences:
            w.track(UUID_DIVERGENCES, "divergences", description=f"kernel vs model (tmigr-trace replay, "
                    f"profile {profile}): one instant per divergence, with a flow from the kernel event "
                    "it is about", rank=0)
        self.stats.tracks = w.packets - 1
        self.stats.cpus = len(self.cpu_track)
        self.stats.groups = len(groups)
        # Lookups for the columnar side.
        ncpu = max(t.cpus) + 1 if t.cpus else 1
        self.cpu_uuid = np.zeros(ncpu, np.int64)
        self.other_uuid = np.zeros(ncpu, np.int64)
        for c, u in self.cpu_track.items():
            self.cpu_uuid[c] = u
        for c, u in self.cpu_other.items():
            self.other_uuid[c] = u
        self.group_ptrs = np.array(sorted(self.group_uuids), np.uint64)
        self.group_cols = {k: np.array([self.group_uuids[p][k] for p in sorted(self.group_uuids)], np.int64)
                           for k in ("active", "migrator", "next_expiry", "events")}
        self.group_short = {g.ptr: g.short for g in t.groups.values()}

    # -- wire constants ----------------------------------------------------------------------------
    def _init_wire(self) -> None:
        pb = self.pb
        P, T, D = pb.TracePacket.DESCRIPTOR, pb.TrackEvent.DESCRIPTOR, pb.DebugAnnotation.DESCRIPTOR
        self.f_ts = P.fields_by_name["timestamp"].number
        self.f_te = P.fields_by_name["track_event"].number
        seq = pbc.tag(P.fields_by_name["trusted_packet_sequence_id"].number, pbc.VARINT) + pbc.varint_bytes(SEQ_ID)
        flags = pbc.tag(P.fields_by_name["sequence_flags"].number, pbc.VARINT) + \
            pbc.varint_bytes(pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE)
        self.pkt_const = seq + flags
        self.f_type = T.fields_by_name["type"].number
        self.f_track = T.fields_by_name["track_uuid"].number
        self.f_name = T.fields_by_name["name_iid"].number
        self.f_counter = T.fields_by_name["counter_value"].number
        self.f_ann = T.fields_by_name["debug_annotations"].number
        self.f_flow = T.fields_by_name["flow_ids"].number
        self.f_tflow = T.fields_by_name["terminating_flow_ids"].number
        self.d_name = D.fields_by_name["name_iid"].number
        self.d_int = D.fields_by_name["int_value"].number
        self.d_ptr = D.fields_by_name["pointer_value"].number
        TE = pb.TrackEvent
        self.types = (TE.TYPE_INSTANT, TE.TYPE_SLICE_BEGIN, TE.TYPE_SLICE_END, TE.TYPE_COUNTER)

    def _ann_varint(self, name: str, value_field: int, values: np.ndarray, present: np.ndarray) -> list[pbc.Frag]:
        """DebugAnnotation{name_iid, <value_field>: value} as a TrackEvent.debug_annotations field
        (the annotation is at most 1 + 3 + 1 + 10 bytes: its length is one byte)."""
        head = pbc.tag(self.d_name, pbc.VARINT) + pbc.varint_bytes(self.w.ann_names[name]) + \
            pbc.tag(value_field, pbc.VARINT)
        body = pbc.varints(values, present)
        return [pbc.prefixed(pbc.tag(self.f_ann, pbc.LEN) + b"\0" + head, 1, len(head) + body.lens, present), body]

    def _ann_bytes(self, name: str, text: str) -> bytes:
        b = self.pb.DebugAnnotation(name_iid=self.w.ann_names[name], string_value=text).SerializeToString()
        return pbc.tag(self.f_ann, pbc.LEN) + pbc.varint_bytes(len(b)) + b

    def _hex(self, name: str, v: np.ndarray, present: np.ndarray) -> pbc.Frag:
        """A mask as the kernel prints it ("0x3"): a table lookup for values below 256."""
        top = int(v[present].max()) if present.any() else 0
        if top < 256:
            table = self._hex_tables.get(name)
            if table is None:
                table = self._hex_tables[name] = pbc.Table([self._ann_bytes(name, f"{x:#x}") for x in range(256)])
            return pbc.table(table, np.where(present, v, 0).astype(np.int64), present)
        uniq, inv = np.unique(v, return_inverse=True)
        return pbc.table([self._ann_bytes(name, f"{int(x):#x}") for x in uniq], inv.reshape(-1), present)

    def _ann_string(self, name: str, strings: list[str], codes: np.ndarray, present: np.ndarray) -> list[pbc.Frag]:
        return [pbc.table([self._ann_bytes(name, t) for t in strings], codes, present)]

    def _packet(self, ts: np.ndarray, typ: int, track: np.ndarray, te_parts: list[pbc.Frag],
                present: np.ndarray | None = None) -> list[pbc.Frag]:
        """A Trace.packet field per row: TracePacket{timestamp, seq id, flags, track_event{type,
        track, parts}}; the parts must be absent where `present` is False."""
        n = ts.size
        te = pbc.length_delimited(self.f_te, [pbc.const(pbc.tag(self.f_type, pbc.VARINT) + pbc.varint_bytes(typ),
                                                        n, present)]
                                  + pbc.varint_field(self.f_track, track, present) + te_parts, present)
        return pbc.length_delimited(1, pbc.varint_field(self.f_ts, ts, present)
                                    + [pbc.const(self.pkt_const, n, present)] + te, present)

    # -- per batch -------------------------------------------------------------------------------
    def _columns(self, batch: pa.RecordBatch) -> _Cols:
        n = batch.num_rows
        ev = batch.column("event")
        if not pa.types.is_dictionary(ev.type):
            ev = pc.dictionary_encode(ev)
        dict_codes = np.array([self._code(x) if x is not None else -1 for x in ev.dictionary.to_pylist()] + [-1],
                              np.int64)
        idx = ev.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        code = dict_codes[idx]
        missing = [nm for nm in self.names if nm not in self.w.names]
        if missing:  # an event name newer than this exporter: interned before its first use
            self.w.intern(missing, [])
        ts = batch.column("ts").to_numpy(zero_copy_only=False).astype(np.int64)
        cpu_v, cpu_ok = _numpy(batch.column("cpu"), np.int64)
        code = np.where(cpu_ok, code, -1)
        vals, valid = {}, {}
        for col in FIELD_COLUMNS:
            t = COLUMN_BY_NAME[col].type
            dtype = np.uint64 if pa.types.is_unsigned_integer(t) else np.int64
            vals[col], valid[col] = _numpy(batch.column(col), dtype)
        row = np.arange(self.rows_done, self.rows_done + n, dtype=np.int64)
        self.rows_done += n
        return _Cols(row, ts, cpu_v, code, np.zeros(n, np.int8), vals, valid)

    def _states(self, c: _Cols, cats: np.ndarray, selected: np.ndarray) -> None:
        """Idle/offline slices: the per-CPU state machine over the CPUs' state events.

        A CPU is in none, idle or offline (at most one slice open). Without offline/online events
        the state after an event is the event's own (idle -> idle, active -> none), so whether an
        event begins, ends or is an instant only depends on the CPU's previous state event: that
        is vectorized. CPUs with offline/online events in the batch (or offline when it starts)
        go through the loop."""
        pos = np.flatnonzero(selected & (cats <= C_ONLINE) & (c.code >= 0))
        if not pos.size:
            return
        kinds = c.kind
        cpu = c.cpu[pos]
        order = np.argsort(cpu, kind="stable")
        pos, cpu = pos[order], cpu[order]
        cat = cats[pos]
        starts = np.flatnonzero(np.r_[True, cpu[1:] != cpu[:-1]])
        ends = np.r_[starts[1:], pos.size]
        slow = np.zeros(pos.size, bool)
        fast_seg = []
        for a, b in zip(starts.tolist(), ends.tolist()):
            cp = int(cpu[a])
            if cp in self.offline_open or ((cat[a:b] == C_OFFLINE) | (cat[a:b] == C_ONLINE)).any():
                slow[a:b] = True
            else:
                fast_seg.append((a, b, cp))
        if fast_seg:
            fast = ~slow
            p, ct = pos[fast], cat[fast]
            idle = ct == C_IDLE
            first = np.zeros(p.size, bool)
            prev_idle = np.r_[False, idle[:-1]]
            prev_row = np.r_[-1, c.row[p[:-1]]]
            k0 = 0
            for a, b, cp in fast_seg:  # the first event of each CPU continues the previous batch
                first[k0] = True
                open_row = self.idle_open.get(cp)
                prev_idle[k0] = open_row is not None
                prev_row[k0] = open_row if open_row is not None else -1
                k0 += b - a
            kinds[p] = np.where(idle, np.where(prev_idle, K_CPU, K_BEGIN_IDLE),
                                np.where(prev_idle, K_END_IDLE, K_CPU))
            # The begin of each idle slice: the first idle of a run of idles.
            begin = np.where(idle & ~prev_idle, c.row[p], -1)
            begin = np.where(first & idle & prev_idle, prev_row, begin)
            at = np.maximum.accumulate(np.where(begin >= 0, np.arange(p.size), -1))  # within the CPU's run
            run_begin = np.where(at >= 0, begin[np.maximum(at, 0)], -1)
            k0 = 0
            for a, b, cp in fast_seg:
                last = k0 + (b - a) - 1
                if idle[last]:
                    self.idle_open[cp] = int(run_begin[last])
                else:
                    self.idle_open.pop(cp, None)
                k0 += b - a
        if slow.any():
            self._states_loop(c, pos[slow], cat[slow], kinds)

    def _states_loop(self, c: _Cols, pos: np.ndarray, cats: np.ndarray, kinds: np.ndarray) -> None:
        """The state machine one event at a time (CPUs going offline/online in this batch)."""
        idle_open, off_open = self.idle_open, self.offline_open
        out = []
        for row, cat, cpu in zip(c.row[pos].tolist(), cats.tolist(), c.cpu[pos].tolist()):
            if cat == C_IDLE:
                if cpu in idle_open or cpu in off_open:
                    k = K_CPU   # already idle (lost events): an instant, the open slice stays
                else:
                    k = K_BEGIN_IDLE
                    idle_open[cpu] = row
            elif cat == C_ACTIVE:
                k = K_CPU if idle_open.pop(cpu, None) is None else K_END_IDLE
            elif cat == C_OFFLINE:
                if cpu in idle_open or cpu in off_open:
                    k = K_CPU
                else:
                    k = K_BEGIN_OFF
                    off_open[cpu] = row
            else:
                k = K_CPU if off_open.pop(cpu, None) is None else K_END_OFF
            out.append(k)
        kinds[pos] = out

    def feed(self, batch: pa.RecordBatch) -> None:
        c = self._columns(batch)
        self.stats.events += c.ts.size
        if not self.reached_window:
            over = np.flatnonzero(c.ts >= self.win.start)
            if not over.size:
                self._feed(c)
                self._save_open(c)
                return
            # The stream reaches --from: the slices open here begin before the window; their
            # begins are written here, before the window's first event (the UI shows the slice).
            x = int(over[0])
            before = c.take(np.arange(x))
            self._feed(before)
            self._begins_open_at_start(before)
            self.reached_window = True
            c = c.take(np.arange(x, c.ts.size))
        self._feed(c)

    def _feed(self, c: _Cols) -> None:
        n = c.ts.size
        if not n:
            return
        cats = np.array(self.cat + [C_OTHER], np.int8)[c.code]
        win = self.win
        if win.cpus is not None:
            selected = np.isin(c.cpu, np.fromiter(win.cpus, np.int64))
        else:
            selected = np.ones(n, bool)
        selected &= c.code >= 0
        self._states(c, cats, selected)
        k = c.kind
        k[selected & (cats == C_CPU)] = K_CPU
        k[selected & (cats == C_OTHER)] = K_OTHER
        k[(cats == C_GROUP) | (cats == C_UPDATE)] = K_GROUP
        k[(cats == C_SETUP) & (c.code >= 0)] = K_SETUP
        emit = k != K_SKIP
        if win.start is not None:
            emit &= c.ts >= win.start
        if win.end is not None:
            emit &= c.ts < win.end
        if emit.any():
            self._emit(c.take(np.flatnonzero(emit)))

    def _save_open(self, c: _Cols) -> None:
        """Before the window: keep the rows of the open slices' begins (one per CPU at most)."""
        open_rows = set(self.idle_open.values()) | set(self.offline_open.values())
        self.saved_begins = {r: v for r, v in self.saved_begins.items() if r in open_rows}
        row0 = int(c.row[0]) if c.row.size else 0
        for r in open_rows:
            if r not in self.saved_begins and row0 <= r < row0 + c.row.size:
                self.saved_begins[r] = c.take(np.array([r - row0]))

    def _begins_open_at_start(self, before: _Cols) -> None:
        self._save_open(before)
        rows = sorted(set(self.idle_open.values()) | set(self.offline_open.values()))
        if rows and (self.win.end is None or self.win.start < self.win.end):
            self._emit(_Cols.cat([self.saved_begins[r] for r in rows]))
        self.saved_begins = {}

    # -- encoding --------------------------------------------------------------------------------
    def _emit(self, c: _Cols) -> None:
        """Encode the rows to emit: one partition per (event, kind), each a padded byte matrix
        whose row holds all the packets of that event (group counters, the event, a flow's end),
        stacked back into stored order and compacted once."""
        st = self.stats
        k = c.kind.astype(np.int64)
        # Group events go to their group's tracks (none for unknown, hidden or null pointers).
        isg = k == K_GROUP
        gi = np.zeros(k.size, np.int64)
        grp_ok = np.zeros(k.size, bool)
        if isg.any() and self.group_ptrs.size:
            gptr = c.vals["group"].astype(np.uint64)
            gi = np.clip(np.searchsorted(self.group_ptrs, gptr), 0, self.group_ptrs.size - 1)
            grp_ok = isg & c.valid["group"] & (self.group_ptrs[gi] == gptr)
        st.skipped_no_pointer += int(np.count_nonzero(isg & (~c.valid["group"] | (c.vals["group"] == 0))))
        keep = np.flatnonzero(~isg | grp_ok)
        if keep.size != k.size:
            c, k, gi = c.take(keep), k[keep], gi[keep]
        n = k.size
        if not n:
            return
        st.exported += n
        st.idle_slices += int(np.count_nonzero(k == K_END_IDLE))
        st.offline_slices += int(np.count_nonzero(k == K_END_OFF))
        st.setup_events += int(np.count_nonzero(k == K_SETUP))
        st.instants += int(np.count_nonzero((k == K_CPU) | (k == K_OTHER) | (k == K_GROUP)))
        part_key = c.code.astype(np.int64) * 16 + k
        order = np.argsort(part_key, kind="stable")
        bounds = np.flatnonzero(np.r_[True, part_key[order][1:] != part_key[order][:-1], True])
        frags = []
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            idx = order[a:b]
            frags.append(pbc.concat(self._partition(_Lazy(c, idx), int(k[idx[0]]), int(c.code[idx[0]]), gi[idx])))
        rows_of = [order[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
        allp = pbc.interleave(frags, rows_of, n, self._rowbuf)  # back to stored order
        self.w.write_packets(allp, self._count)
        self._count = 0

    def _partition(self, c: _Cols, kind: int, code: int, gi: np.ndarray) -> list[pbc.Frag]:
        """The packets of rows of one event and kind, in the order they are written."""
        st = self.stats
        n = c.ts.size
        TI, TB, TE_, TC = self.types
        ev = self.names[code] if code >= 0 else None
        cat = self.cat[code]
        out: list[pbc.Frag] = []
        cpu = np.clip(c.cpu, 0, self.cpu_uuid.size - 1)
        if kind == K_GROUP:  # counters first (the group's state after this event)
            for key in (("active", "migrator") if cat == C_GROUP else ("group_next_expiry",)):
                m = c.valid[key]
                if not m.any():
                    continue
                v = c.vals[key].astype(np.int64)
                if key == "group_next_expiry":
                    v = np.where(v == KTIME_MAX, 0, v)
                    track = self.group_cols["next_expiry"][gi]
                else:
                    track = self.group_cols[key][gi]
                out += self._packet(c.ts, TC, track, pbc.varint_field(self.f_counter, v, m), m)
                st.counters += int(np.count_nonzero(m))
                self._count += int(np.count_nonzero(m))
        if kind in (K_BEGIN_IDLE, K_END_IDLE, K_BEGIN_OFF, K_END_OFF, K_CPU):
            track = self.cpu_uuid[cpu]
        elif kind == K_OTHER:
            track = self.other_uuid[cpu]
        elif kind == K_GROUP:
            track = self.group_cols["events"][gi]
        else:
            track = np.full(n, UUID_SETUP)
        typ = TB if kind in (K_BEGIN_IDLE, K_BEGIN_OFF) else TE_ if kind in (K_END_IDLE, K_END_OFF) else TI
        parts: list[pbc.Frag] = []
        if typ != TE_:
            name = "idle" if kind == K_BEGIN_IDLE else "offline" if kind == K_BEGIN_OFF else ev
            parts += [pbc.const(pbc.tag(self.f_name, pbc.VARINT) + pbc.varint_bytes(self.w.names[name]), n)]
        if kind == K_BEGIN_OFF:
            parts.append(pbc.const(self._ann_bytes("event", ev), n))
        if kind in (K_GROUP, K_SETUP):
            parts += self._ann_varint("by CPU", self.d_int, c.cpu, np.ones(n, bool))
        if kind in _WITH_FIELDS:
            for col in FIELD_COLUMNS:
                if not self.uses[code][FIELD_COLUMNS.index(col)]:
                    continue
                present = c.valid[col]
                if not present.any():
                    continue
                v = c.vals[col]
                ann = _ann_name(col)
                if col in _MASK_FIELDS:
                    parts.append(self._hex(ann, v, present))
                else:
                    parts += self._ann_varint(ann, self.d_ptr if col in _PTR_FIELDS else self.d_int, v, present)
        if kind == K_END_IDLE and c.valid["wakeup"].any():
            parts += self._ann_varint("wakeup at active", self.d_int, c.vals["wakeup"], c.valid["wakeup"])
        if kind == K_END_OFF:
            parts.append(pbc.const(self._ann_bytes("online event", ev), n))
        if kind == K_SETUP:
            shorts = sorted(set(self.group_short.values()))
            sidx = {sh: i for i, sh in enumerate(shorts)}
            for key in ("group", "parent", "child"):
                codes = np.array([sidx.get(self.group_short.get(int(p)), -1) for p in c.vals[key].tolist()],
                                 np.int64)
                parts += self._ann_string(f"{key} name", shorts, codes, c.valid[key] & (codes >= 0))
        # Flows: the migrator's tmigr_handle_remote_cpu -> the CPU whose timers it expired, and the
        # kernel event a divergence is about -> that divergence.
        remote = None
        if kind == K_CPU and ev == "tmigr_handle_remote_cpu":
            tcpu = c.vals["target_cpu"]
            tc = np.clip(tcpu, 0, self.cpu_uuid.size - 1)
            remote = c.valid["target_cpu"] & (tcpu >= 0) & (tcpu < self.cpu_uuid.size) & (self.cpu_uuid[tc] != 0)
            if remote.any():
                parts += pbc.fixed64_field(self.f_flow, c.row * 2 + 1, remote)
            else:
                remote = None
        if self.flow_rows is not None and self.flow_rows.size:
            at = np.clip(np.searchsorted(self.flow_rows, c.row), 0, self.flow_rows.size - 1)
            div = self.flow_rows[at] == c.row
            if div.any():
                parts += pbc.fixed64_field(self.f_flow, c.row * 2 + 2, div)
                self.linked_rows.update(c.row[div].tolist())
        out += self._packet(c.ts, typ, track, parts)
        self._count += n
        if remote is not None:
            dest = pbc.varint_field(self.f_name, np.full(n, self.w.names[REMOTE_EXPIRY_NAME]), remote)
            dest += self._ann_varint("by CPU", self.d_int, c.cpu, remote)
            dest += pbc.fixed64_field(self.f_tflow, c.row * 2 + 1, remote)
            out += self._packet(c.ts, TI, self.cpu_uuid[tc], dest, remote)
            st.flows += int(np.count_nonzero(remote))
            self._count += int(np.count_nonzero(remote))
        return out


    def finish(self) -> None:
        # Idle/offline slices still open at the end stay open: Perfetto shows them as "did not end".
        self.stats.open_idle = len(self.idle_open)
        if self.idle_open:
            self.stats.notes.append(f"{len(self.idle_open)} CPUs still idle at the end of the trace "
                                    f"(CPUs {format_cpulist(self.idle_open)}): their idle slices do not end")

    def divergences(self, res, first_ts: int, linked: set[int]) -> None:
        win = self.win
        for n, d in enumerate(res.divergences):
            dd = d.to_dict()
            ts = d.ts if d.index >= 0 else first_ts
            if (win.start is not None and ts < win.start) or (win.end is not None and ts >= win.end):
                continue
            if win.cpus is not None and d.index >= 0 and d.cpu not in win.cpus:
                continue
            ann = {
                "divergence": n,
                "kind": d.kind,
                "what": d.what,
                "expected": dd["expected"],
                "observed": dd["observed"],
                "classification": d.classification,
                "event": d.event,
                "cpu": d.cpu,
                "step": d.index if d.index >= 0 else "none (hierarchy identification, placed at the first event)",
                "note": d.note or None,
                "same value at steps": d.rows or None,
                "model path": dd["path"] or None,
            }
            flows = [d.index * 2 + 2] if d.index >= 0 and d.index in linked else []
            self.w.instant(ts, UUID_DIVERGENCES, f"{d.kind}: {d.what}", ann, terminating_flows=flows)
            if flows:
                linked.discard(d.index)  # one flow per kernel event, to its first divergence
                self.stats.divergence_flows += 1


# ---------------------------------------------------------------------------------------------


def export_perfetto(trace: Any, out: str | os.PathLike, *, replay: bool = False, model: str | None = None,
                    force: bool = False, batch_rows: int = DEFAULT_BATCH,
                    chunk_packets: int = CHUNK_PACKETS, window: Window | None = None,
                    progress: Callable[[str, int, int | None], None] | None = None) -> ExportStats:
    """Write `trace` (a :class:`tmigr_trace.Trace` or a path) as a Perfetto trace at `out`.

    ``replay=True`` also replays the trace (``model`` = profile, default automatic) and adds a
    "divergences" track. ``window`` limits the export to a time window and a set of CPUs.
    ``progress(phase, rows_done, rows_total)`` is called after each batch of each phase ("scan":
    pass 1, "replay": rows_total None, "write": pass 2). The file appears under its
    name only when complete; an existing file is an error unless ``force``.
    """
    from .trace import Trace, load

    if model is not None and not replay:
        raise TmigrError("--model only applies with --replay")
    if batch_rows < 1:
        raise TmigrError("batch_rows must be >= 1")
    win = window or Window()
    for bound in (win.start, win.end):
        if isinstance(bound, str):
            parse_time(bound, 0)  # bad text is refused before any work
    tr = trace if isinstance(trace, Trace) else load(trace)
    out_path = check_output_path(out, force)
    if out_path.exists() and out_path.resolve() == Path(tr.path).resolve():
        raise TmigrError(f"{out_path}: output would overwrite the input")
    if tr.num_events == 0:
        raise TmigrError(f"{tr.path}: trace has no events")

    total = tr.num_events
    tree = _Tree()
    for batch in tr.iter_batches(batch_rows, columns=_SCAN_COLUMNS):
        tree.feed(batch)
        if progress is not None:
            progress("scan", tree.events, total)
    tree.finish()
    win = Window(*(parse_time(b, tree.first_ts) if isinstance(b, str) else b for b in (win.start, win.end)),
                 win.cpus)
    if win.start is not None and win.end is not None and win.end <= win.start:
        raise TmigrError(f"empty time window: --to ({win.end}) is not after --from ({win.start})")
    if win.cpus is not None and not (win.cpus & tree.cpus):
        raise TmigrError(f"--cpus {format_cpulist(win.cpus)}: the trace has events of CPUs "
                         f"{format_cpulist(tree.cpus)} only")

    res = None
    flow_rows = None
    if replay:
        from .replay.api import replay as run_replay

        if progress is not None:
            progress("replay", 0, None)
        res = run_replay(tr, model=model)
        flow_rows = np.unique(np.array([d.index for d in res.divergences if d.index >= 0], np.int64))

    stats = ExportStats(path=out_path)
    columns = ["ts", "cpu", "event"] + FIELD_COLUMNS
    from .cleanup import atomic_output

    with atomic_output(out_path) as tmp:
        with open(tmp, "wb") as f:
            w = _Writer(f, chunk_packets)
            em = _Emitter(w, tree, stats, win, flow_rows)
            em.tracks(tr.meta, res is not None, res.model_profile if res is not None else None)
            for batch in tr.iter_batches(batch_rows, columns=columns):
                em.feed(batch)
                if progress is not None:
                    progress("write", em.rows_done, total)
            em.finish()
            if res is not None:
                em.divergences(res, tree.first_ts or 0, em.linked_rows)
                stats.divergences = len(res.divergences)
                stats.model_profile = res.model_profile
            w.flush(force=True)
            stats.packets = w.packets
    if stats.skipped_no_pointer:
        stats.notes.append(f"{stats.skipped_no_pointer} group events without a group pointer "
                           "((____ptrval____)) are not on any group track")
    return stats


def parse_time(text: str, first_ts: int | None = None) -> int:
    """A --from/--to bound: plain digits = absolute ns as stored; with a unit (s, ms, us, ns) =
    an offset from the trace's first event (``+`` optional)."""
    import re

    m = re.fullmatch(r"\s*\+?(\d+(?:\.\d+)?)\s*(s|ms|us|ns)?\s*", text)
    if not m:
        raise TmigrError(f"bad time {text!r} (examples: 1234567890 = ns as stored, 1.5s, 200ms, 10us "
                         "= from the first event)")
    num, unit = m.group(1), m.group(2)
    if unit is None:
        if "." in num:
            raise TmigrError(f"bad time {text!r}: a plain number is ns as stored (no fraction); "
                             "add a unit (s, ms, us) for an offset from the first event")
        return int(num)
    from decimal import Decimal

    scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    return int(first_ts or 0) + int(Decimal(num) * scale)


__all__ = ["export_perfetto", "ExportStats", "Window", "parse_time"]
