"""Export a stored trace (and optionally its replay divergences) as a Perfetto trace (.pftrace).

The output is a stream of TrackEvent packets built with the ``perfetto`` package's trace builder
(``perfetto.trace_builder.proto_builder.TraceProtoBuilder``, one builder per chunk of packets, the
serialized chunks concatenated: a valid ``Trace`` message), so it opens in ui.perfetto.dev
without a trace processor binary. See docs/perfetto.md for the tracks.

Two streaming passes over the Parquet file keep memory bounded by the hierarchy, not by the trace
length: pass 1 reads the pointer columns and learns the tree (which CPUs sit below which group,
so groups can be named ``GRP<lvl>:<idx>`` as in the kernel's comments); pass 2 emits the events.
Timestamps are written exactly as stored (ns of the trace's clock) into Perfetto's default
timeline; nothing is shifted or rebased.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable

import pyarrow as pa

from .cpulist import format_cpulist
from .errors import TmigrError
from .schema import KTIME_MAX
from .store import check_output_path

# Imported lazily in _builder(): the generated protos need protobuf >= 6.31.1.
_pb = None

DEFAULT_BATCH = 65536
CHUNK_PACKETS = 2048
SEQ_ID = 1  # one trusted packet sequence for every packet we write

# Fixed track uuids for the top-level tracks; the others are allocated from _UUID_BASE upwards.
UUID_CPUS = 1
UUID_HIERARCHY = 2
UUID_SETUP = 3
UUID_DIVERGENCES = 4
_UUID_BASE = 100

SETUP_EVENTS = ("tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent")
GROUP_STATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
OFFLINE_EVENTS = ("tmigr_cpu_offline", "tmigr_cpu_unavailable")
ONLINE_EVENTS = ("tmigr_cpu_online", "tmigr_cpu_available")
CPU_INSTANT_EVENTS = ("tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle", "tmigr_handle_remote_cpu",
                      "tmigr_handle_remote")

# Columns per pass (event fields come from schema.EVENTS through _EVENT_FIELDS below).
_SCAN_COLUMNS = ["ts", "cpu", "event", "group", "parent", "child", "target_cpu", "lvl", "numa_node",
                 "family", "group_lvl"]
_MASK_FIELDS = frozenset(("childmask", "active", "migrator", "groupmask", "child_active", "group_active",
                          "flags"))
_PTR_FIELDS = frozenset(("group", "parent", "child", "timer", "function"))


def _event_fields() -> dict[str, tuple[str, ...]]:
    from .schema import EVENTS

    return {e.name: e.columns for e in EVENTS}


def _emit_columns() -> list[str]:
    from .schema import COLUMNS, EVENTS

    used = {c for e in EVENTS for c in e.columns} | {"ts", "cpu", "event"}
    return [c.name for c in COLUMNS if c.name in used]


@dataclass
class GroupInfo:
    ptr: int
    lvl: int | None = None
    node: int | None = None
    node_label: str = "node"   # "family" on the June-2026 series
    parents: set[int] = field(default_factory=set)
    cpus: set[int] = field(default_factory=set)
    first: int = 0            # order of first appearance (tie-break for the index)
    idx: int = 0
    uuid: int = 0

    @property
    def short(self) -> str:
        return f"GRP{self.lvl if self.lvl is not None else '?'}:{self.idx}"


@dataclass
class ExportStats:
    """What an export wrote."""

    path: Path
    events: int = 0
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
    divergences: int | None = None
    model_profile: str | None = None
    skipped_no_pointer: int = 0  # group events without a group pointer ((____ptrval____))
    notes: list[str] = field(default_factory=list)


def _intern(table: dict[str, int], interned: Any, name: str) -> int:
    """Interning id of `name`; its first use adds the (iid, name) entry to this packet."""
    iid = table.get(name)
    if iid is None:
        iid = table[name] = len(table) + 1
        entry = interned.add()
        entry.iid, entry.name = iid, name
    return iid


# ---------------------------------------------------------------------------------------------
# Pass 1: the tree.


class _Tree:
    def __init__(self) -> None:
        self.groups: dict[int, GroupInfo] = {}
        self.cpu_parent: dict[int, set[int]] = {}
        self.cpus: set[int] = set()
        self.first_ts: int | None = None
        self.events = 0
        self.has_other = False

    def group(self, ptr: int) -> GroupInfo:
        g = self.groups.get(ptr)
        if g is None:
            g = self.groups[ptr] = GroupInfo(ptr, first=len(self.groups))
        return g

    def feed(self, batch: pa.RecordBatch) -> None:
        c = {name: batch.column(name).to_pylist() for name in _SCAN_COLUMNS}
        n = batch.num_rows
        ts_col = batch.column("ts")
        if ts_col.null_count:
            raise TmigrError(f"trace has {ts_col.null_count} events without a timestamp")
        if n and self.first_ts is None:
            self.first_ts = c["ts"][0]
        self.events += n
        for name in ("group", "parent", "child"):
            # NULL pointers (the root's parent, update_events' child at the CPU level) are 0.
            col = c[name]
            if 0 in col:
                c[name] = [None if v == 0 else v for v in col]
        for i in range(n):
            ev = c["event"][i]
            if c["ts"][i] < 0:
                raise TmigrError(f"event {self.events - n + i} has a negative timestamp ({c['ts'][i]})")
            if c["cpu"][i] is not None:
                self.cpus.add(c["cpu"][i])
            if ev is None or not ev.startswith("tmigr_"):
                continue
            grp, parent = c["group"][i], c["parent"][i]
            node = c["numa_node"][i]
            label = "node"
            if node is None and c["family"][i] is not None:
                node, label = c["family"][i], "family"
            if ev in GROUP_STATE_EVENTS or ev == "tmigr_group_set":
                if grp is not None:
                    g = self.group(grp)
                    g.lvl = c["lvl"][i] if c["lvl"][i] is not None else g.lvl
                    if node is not None:
                        g.node, g.node_label = node, label
                    if parent is not None:
                        g.parents.add(parent)
                        self.group(parent)
            elif ev == "tmigr_update_events":
                if grp is not None:
                    g = self.group(grp)
                    if c["group_lvl"][i] is not None:
                        g.lvl = c["group_lvl"][i]
                    if c["child"][i] is not None:
                        self.group(c["child"][i]).parents.add(grp)
            elif ev == "tmigr_connect_child_parent":
                if parent is not None:
                    p = self.group(parent)
                    p.lvl = c["lvl"][i] if c["lvl"][i] is not None else p.lvl
                    if node is not None:
                        p.node, p.node_label = node, label
                    if c["child"][i] is not None:
                        ch = self.group(c["child"][i])
                        ch.parents.add(parent)
                        if ch.lvl is None and p.lvl is not None:
                            ch.lvl = p.lvl - 1
            elif ev == "tmigr_connect_cpu_parent" or ev in ("tmigr_cpu_idle", "tmigr_cpu_active",
                                                           "tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle",
                                                           "tmigr_handle_remote_cpu") + ONLINE_EVENTS + OFFLINE_EVENTS:
                tc = c["target_cpu"][i]
                if parent is not None and tc is not None:
                    self.cpu_parent.setdefault(tc, set()).add(parent)
                    p = self.group(parent)
                    if ev == "tmigr_connect_cpu_parent":
                        if c["lvl"][i] is not None:
                            p.lvl = c["lvl"][i]
                        if node is not None:
                            p.node, p.node_label = node, label
                    elif p.lvl is None:
                        p.lvl = 0

    def finish(self) -> None:
        """CPUs below each group, then the index of each group within its level."""
        for cpu, parents in self.cpu_parent.items():
            todo, seen = list(parents), set()
            while todo:
                ptr = todo.pop()
                if ptr in seen:
                    continue
                seen.add(ptr)
                g = self.groups[ptr]
                g.cpus.add(cpu)
                todo.extend(g.parents)
        levels: dict[int | None, list[GroupInfo]] = {}
        for g in self.groups.values():
            levels.setdefault(g.lvl, []).append(g)
        for gs in levels.values():
            gs.sort(key=lambda g: (min(g.cpus) if g.cpus else 1 << 30, g.first))
            for i, g in enumerate(gs):
                g.idx = i


# ---------------------------------------------------------------------------------------------
# Pass 2: packets.


class _Writer:
    """Packets through the perfetto trace builder, flushed in chunks to a binary file."""

    def __init__(self, f: BinaryIO, chunk: int = CHUNK_PACKETS):
        global _pb
        try:
            from perfetto.protos.perfetto.trace import perfetto_trace_pb2
            from perfetto.trace_builder.proto_builder import TraceProtoBuilder
        except Exception as exc:  # pragma: no cover - depends on the installation
            raise TmigrError(f"the perfetto trace builder is not usable here ({type(exc).__name__}: {exc}); "
                             "needs the 'perfetto' package and protobuf >= 6.31.1") from None
        _pb = perfetto_trace_pb2
        self._Builder = TraceProtoBuilder
        self.f = f
        self.chunk = chunk
        self.builder = TraceProtoBuilder()
        self.pending = 0
        self.packets = 0
        self.names: dict[str, int] = {}
        self.ann_names: dict[str, int] = {}
        self._first = True
        self.TE = _pb.TrackEvent

    def _packet(self):
        pkt = self.builder.add_packet()
        pkt.trusted_packet_sequence_id = SEQ_ID
        if self._first:
            pkt.sequence_flags = _pb.TracePacket.SEQ_INCREMENTAL_STATE_CLEARED
            self._first = False
        self.pending += 1
        self.packets += 1
        return pkt

    def flush(self, force: bool = False) -> None:
        if self.pending and (force or self.pending >= self.chunk):
            self.f.write(self.builder.serialize())
            self.builder = self._Builder()
            self.pending = 0

    def track(self, uuid: int, name: str, parent: int | None = None, *, description: str = "",
              rank: int | None = None, explicit_children: bool = False, counter_unit: str | None = None) -> None:
        pkt = self._packet()
        td = pkt.track_descriptor
        td.uuid = uuid
        td.name = name
        if parent is not None:
            td.parent_uuid = parent
        if description:
            td.description = description
        if rank is not None:
            td.sibling_order_rank = rank
        if explicit_children:
            td.child_ordering = _pb.TrackDescriptor.EXPLICIT
        if counter_unit is not None:
            td.counter.SetInParent()
            if counter_unit == "ns":
                td.counter.unit = _pb.CounterDescriptor.UNIT_TIME_NS
            elif counter_unit:
                td.counter.unit_name = counter_unit
        self.flush()

    def _event(self, ts: int, track: int, typ: int, name: str | None, ann: dict[str, Any] | None):
        pkt = self._packet()
        pkt.timestamp = ts
        pkt.sequence_flags = _pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE
        te = pkt.track_event
        te.type = typ
        te.track_uuid = track
        if name is not None:
            te.name_iid = _intern(self.names, pkt.interned_data.event_names, name)
        if ann:
            for key, value in ann.items():
                if value is None:
                    continue
                da = te.debug_annotations.add()
                da.name_iid = _intern(self.ann_names, pkt.interned_data.debug_annotation_names, key)
                _set_value(da, value)
        return pkt

    def instant(self, ts: int, track: int, name: str, ann: dict[str, Any] | None = None) -> None:
        self._event(ts, track, self.TE.TYPE_INSTANT, name, ann)
        self.flush()

    def begin(self, ts: int, track: int, name: str, ann: dict[str, Any] | None = None) -> None:
        self._event(ts, track, self.TE.TYPE_SLICE_BEGIN, name, ann)
        self.flush()

    def end(self, ts: int, track: int, ann: dict[str, Any] | None = None) -> None:
        self._event(ts, track, self.TE.TYPE_SLICE_END, None, ann)
        self.flush()

    def counter(self, ts: int, track: int, value: int) -> None:
        pkt = self._packet()
        pkt.timestamp = ts
        pkt.sequence_flags = _pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE
        te = pkt.track_event
        te.type = self.TE.TYPE_COUNTER
        te.track_uuid = track
        te.counter_value = value
        self.flush()


class Hex(int):
    """A mask: written as the kernel prints it (hex string)."""


class Ptr(int):
    """A pointer: written as a pointer annotation (the UI shows hex)."""


def _set_value(da, value: Any) -> None:
    t = type(value)
    if t is int:
        if value > (1 << 63) - 1:
            da.uint_value = value
        else:
            da.int_value = value
    elif t is str:
        da.string_value = value
    elif isinstance(value, Hex):
        da.string_value = f"{int(value):#x}"
    elif isinstance(value, Ptr):
        da.pointer_value = int(value)
    elif isinstance(value, bool):
        da.bool_value = value
    elif isinstance(value, int):
        if value > (1 << 63) - 1:
            da.uint_value = value
        else:
            da.int_value = value
    elif isinstance(value, float):
        da.double_value = value
    elif isinstance(value, str):
        da.string_value = value
    elif isinstance(value, dict):
        for k, v in value.items():
            e = da.dict_entries.add()
            e.name = str(k)
            _set_value(e, v if v is not None else "null")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _set_value(da.array_values.add(), v if v is not None else "null")
    else:
        da.string_value = str(value)


def _field_spec(names: Iterable[str]) -> tuple[tuple[str, str, type | None], ...]:
    """(column, annotation name, wrapper) for an event's fields, in schema order."""
    out = []
    for n in names:
        wrap = Hex if n in _MASK_FIELDS else Ptr if n in _PTR_FIELDS else None
        out.append((n, "cpu" if n == "target_cpu" else n, wrap))  # the tracepoint's own name for it
    return tuple(out)


def _expiry_counter(v: int) -> int:
    """next_expiry as a counter value: KTIME_MAX (nothing queued) is shown as 0."""
    return 0 if v == KTIME_MAX else v


class _Emitter:
    def __init__(self, w: _Writer, tree: _Tree, stats: ExportStats):
        self.w = w
        self.tree = tree
        self.stats = stats
        self.spec = {ev: _field_spec(cols) for ev, cols in _event_fields().items()}
        self.next_uuid = _UUID_BASE
        self.cpu_track: dict[int, int] = {}
        self.cpu_other: dict[int, int] = {}
        self.idle_open: dict[int, int] = {}     # cpu -> ts of the open idle slice
        self.offline_open: dict[int, int] = {}
        self.gtrack: dict[int, dict[str, int]] = {}

    def uuid(self) -> int:
        self.next_uuid += 1
        return self.next_uuid

    def tracks(self, meta, with_divergences: bool, profile: str | None) -> None:
        w, t = self.w, self.tree
        about = (f"kernel {meta.kernel_release or 'unknown'}, trace clock {meta.clock or 'unknown'} "
                 f"(timestamps as stored, ns), source {meta.source_format or '?'} ({meta.origin}), "
                 f"pointers {meta.pointer_mode}")
        w.track(UUID_CPUS, "tmigr CPUs", description="per recording CPU: idle (tmigr_cpu_idle -> "
                "tmigr_cpu_active), offline, and the CPU's tmigr events; " + about, explicit_children=True, rank=1)
        for cpu in sorted(t.cpus):
            u = self.cpu_track[cpu] = self.uuid()
            w.track(u, f"CPU {cpu}", UUID_CPUS, rank=cpu)
        groups = sorted(t.groups.values(), key=lambda g: (-(g.lvl if g.lvl is not None else -1), g.idx))
        w.track(UUID_HIERARCHY, "tmigr hierarchy", description="one entry per struct tmigr_group seen in the "
                "trace, top level first: active mask and migrator (tmigr_group_set_cpu_*), next_expiry "
                "(tmigr_update_events); " + about, explicit_children=True, rank=2)
        for rank, g in enumerate(groups):
            g.uuid = self.uuid()
            node = f" {g.node_label} {g.node}" if g.node is not None else ""
            cpus = f" CPUs {format_cpulist(g.cpus)}" if g.cpus else ""
            parents = ", ".join(f"{p:#x}" for p in sorted(g.parents)) or "none seen"
            w.track(g.uuid, f"{g.short}{node}{cpus} @{g.ptr:x}", UUID_HIERARCHY, rank=rank,
                    explicit_children=True,
                    description=f"struct tmigr_group {g.ptr:#x}: level {g.lvl}, {g.node_label} {g.node}, "
                                f"parent {parents}, CPUs below {format_cpulist(g.cpus) or 'unknown'}")
            tr = self.gtrack[g.ptr] = {}
            for r, (key, name, unit) in enumerate((("active", "active", ""), ("migrator", "migrator", ""),
                                                   ("next_expiry", "next_expiry", "ns"))):
                tr[key] = self.uuid()
                w.track(tr[key], f"{g.short} {name}", g.uuid, rank=r, counter_unit=unit)
            tr["events"] = self.uuid()
            w.track(tr["events"], f"{g.short} events", g.uuid, rank=3)
        w.track(UUID_SETUP, "setup", description="hierarchy setup tracepoints: tmigr_group_set, "
                "tmigr_connect_child_parent, tmigr_connect_cpu_parent", rank=3)
        if with_divergences:
            w.track(UUID_DIVERGENCES, "divergences", description=f"kernel vs model (tmigr-trace replay, "
                    f"profile {profile}): one instant per divergence", rank=0)
        self.stats.tracks = w.packets
        self.stats.cpus = len(t.cpus)
        self.stats.groups = len(groups)

    def other_track(self, cpu: int) -> int:
        u = self.cpu_other.get(cpu)
        if u is None:
            u = self.cpu_other[cpu] = self.uuid()
            self.w.track(u, f"CPU {cpu} other events", self.cpu_track[cpu], rank=0)
            self.stats.tracks += 1
        return u

    def feed(self, batch: pa.RecordBatch) -> None:
        cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        evs, tss, cpus = cols["event"], cols["ts"], cols["cpu"]
        w, st, spec = self.w, self.stats, self.spec
        st.events += batch.num_rows

        def fields(ev: str, i: int) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for col, name, wrap in spec.get(ev, ()):
                v = cols[col][i]
                if v is not None:
                    out[name] = wrap(v) if wrap is not None else v
            return out

        for i in range(batch.num_rows):
            ev, ts, cpu = evs[i], tss[i], cpus[i]
            if ev is None or cpu is None:
                continue
            ctrack = self.cpu_track[cpu]
            if ev == "tmigr_cpu_idle":
                ann = fields(ev, i)
                if cpu in self.idle_open or cpu in self.offline_open:
                    w.instant(ts, ctrack, ev, ann)  # already idle (lost events): keep the open slice
                    st.instants += 1
                else:
                    w.begin(ts, ctrack, "idle", ann)
                    self.idle_open[cpu] = ts
            elif ev == "tmigr_cpu_active":
                if cpu in self.idle_open:
                    del self.idle_open[cpu]
                    w.end(ts, ctrack, {"wakeup at active": cols["wakeup"][i]})
                    st.idle_slices += 1
                else:
                    w.instant(ts, ctrack, ev, fields(ev, i))
                    st.instants += 1
            elif ev in OFFLINE_EVENTS:
                if cpu in self.idle_open or cpu in self.offline_open:
                    w.instant(ts, ctrack, ev, fields(ev, i))
                    st.instants += 1
                else:
                    w.begin(ts, ctrack, "offline", {"event": ev, **fields(ev, i)})
                    self.offline_open[cpu] = ts
            elif ev in ONLINE_EVENTS:
                if cpu in self.offline_open:
                    del self.offline_open[cpu]
                    w.end(ts, ctrack, {"online event": ev})
                    st.offline_slices += 1
                else:
                    w.instant(ts, ctrack, ev, fields(ev, i))
                    st.instants += 1
            elif ev in CPU_INSTANT_EVENTS:
                w.instant(ts, ctrack, ev, fields(ev, i))
                st.instants += 1
            elif ev in GROUP_STATE_EVENTS or ev == "tmigr_update_events":
                g = cols["group"][i]
                tr = self.gtrack.get(g) if g is not None else None
                if tr is None:
                    st.skipped_no_pointer += 1
                    continue
                if ev == "tmigr_update_events":
                    if cols["group_next_expiry"][i] is not None:
                        w.counter(ts, tr["next_expiry"], _expiry_counter(cols["group_next_expiry"][i]))
                        st.counters += 1
                else:
                    for key in ("active", "migrator"):
                        if cols[key][i] is not None:
                            w.counter(ts, tr[key], cols[key][i])
                            st.counters += 1
                w.instant(ts, tr["events"], ev, {"by CPU": cpu, **fields(ev, i)})
                st.instants += 1
            elif ev in SETUP_EVENTS:
                ann = {"by CPU": cpu, **fields(ev, i)}
                for key in ("group", "parent", "child"):
                    gi = self.tree.groups.get(cols[key][i]) if cols[key][i] else None
                    if gi is not None:
                        ann[f"{key} name"] = gi.short
                w.instant(ts, UUID_SETUP, ev, ann)
                st.setup_events += 1
            else:
                # Context events (power:cpu_idle, timer:*) and anything newer than this exporter.
                w.instant(ts, self.other_track(cpu), ev, fields(ev, i))
                st.instants += 1

    def finish(self) -> None:
        # Idle/offline slices still open at the end stay open: Perfetto shows them as "did not end".
        self.stats.open_idle = len(self.idle_open)
        if self.idle_open:
            self.stats.notes.append(f"{len(self.idle_open)} CPUs still idle at the end of the trace "
                                    f"(CPUs {format_cpulist(self.idle_open)}): their idle slices do not end")

    def divergences(self, res, first_ts: int) -> None:
        for n, d in enumerate(res.divergences):
            dd = d.to_dict()
            ts = d.ts if d.index >= 0 else first_ts
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
                "model path": dd["path"] or None,
            }
            self.w.instant(ts, UUID_DIVERGENCES, f"{d.kind}: {d.what}", ann)


# ---------------------------------------------------------------------------------------------


def export_perfetto(trace: Any, out: str | os.PathLike, *, replay: bool = False, model: str | None = None,
                    force: bool = False, batch_rows: int = DEFAULT_BATCH,
                    chunk_packets: int = CHUNK_PACKETS) -> ExportStats:
    """Write `trace` (a :class:`tmigr_trace.Trace` or a path) as a Perfetto trace at `out`.

    ``replay=True`` also replays the trace (``model`` = profile, default automatic) and adds a
    "divergences" track. The file appears under its name only when complete; an existing file is
    an error unless ``force``.
    """
    from .trace import Trace, load

    if model is not None and not replay:
        raise TmigrError("--model only applies with --replay")
    if batch_rows < 1:
        raise TmigrError("batch_rows must be >= 1")
    tr = trace if isinstance(trace, Trace) else load(trace)
    out_path = check_output_path(out, force)
    if out_path.exists() and out_path.resolve() == Path(tr.path).resolve():
        raise TmigrError(f"{out_path}: output would overwrite the input")
    if tr.num_events == 0:
        raise TmigrError(f"{tr.path}: trace has no events")

    tree = _Tree()
    for batch in tr.iter_batches(batch_rows, columns=_SCAN_COLUMNS):
        tree.feed(batch)
    tree.finish()

    res = None
    if replay:
        from .replay.api import replay as run_replay

        res = run_replay(tr, model=model)

    stats = ExportStats(path=out_path)
    from .cleanup import atomic_output

    with atomic_output(out_path) as tmp:
        with open(tmp, "wb") as f:
            w = _Writer(f, chunk_packets)
            em = _Emitter(w, tree, stats)
            em.tracks(tr.meta, res is not None, res.model_profile if res is not None else None)
            for batch in tr.iter_batches(batch_rows, columns=_emit_columns()):
                em.feed(batch)
            em.finish()
            if res is not None:
                em.divergences(res, tree.first_ts or 0)
                stats.divergences = len(res.divergences)
                stats.model_profile = res.model_profile
            w.flush(force=True)
            stats.packets = w.packets
    if stats.skipped_no_pointer:
        stats.notes.append(f"{stats.skipped_no_pointer} group events without a group pointer "
                           "((____ptrval____)) are not on any group track")
    return stats


__all__ = ["export_perfetto", "ExportStats"]
