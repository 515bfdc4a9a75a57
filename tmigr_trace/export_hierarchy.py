"""Pass 1 of the Perfetto export: the tmigr_group tree learned from the trace's own pointers.

Which CPUs sit below which group (CPU events' ``parent``, ``tmigr_connect_*``, group-state
``parent``, ``tmigr_update_events`` child -> group), each group's level and node, and its index
within its level ordered by the lowest CPU below it: the ``GRP<lvl>:<idx>`` numbering of the
diagrams in kernel/time/timer_migration.c. Reads only the pointer columns, batch by batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .errors import TmigrError

SETUP_EVENTS = ("tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent")
GROUP_STATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
OFFLINE_EVENTS = ("tmigr_cpu_offline", "tmigr_cpu_unavailable")
ONLINE_EVENTS = ("tmigr_cpu_online", "tmigr_cpu_available")
CPU_INSTANT_EVENTS = ("tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle", "tmigr_handle_remote_cpu",
                      "tmigr_handle_remote")
CPU_PARENT_EVENTS = ("tmigr_connect_cpu_parent", "tmigr_cpu_idle", "tmigr_cpu_active", "tmigr_cpu_new_timer",
                      "tmigr_cpu_new_timer_idle", "tmigr_handle_remote_cpu") + ONLINE_EVENTS + OFFLINE_EVENTS
SCAN_COLUMNS = ["ts", "cpu", "event", "group", "parent", "child", "target_cpu", "lvl", "numa_node",
                 "family", "group_lvl"]



def is_context_event(name: str) -> bool:
    """Not a timer_migration tracepoint (power:cpu_idle, timer:*): shown on "CPU n other events"."""
    return not name.startswith("tmigr_")


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


class Tree:
    """The groups and CPUs a trace shows, from the distinct pointer tuples of each batch."""

    def __init__(self) -> None:
        self.groups: dict[int, GroupInfo] = {}
        self.cpu_parent: dict[int, set[int]] = {}
        self.cpus: set[int] = set()
        self.other_cpus: set[int] = set()
        self.first_ts: int | None = None
        self.events = 0

    def group(self, ptr: int) -> GroupInfo:
        g = self.groups.get(ptr)
        if g is None:
            g = self.groups[ptr] = GroupInfo(ptr, first=len(self.groups))
        return g

    def feed(self, batch: pa.RecordBatch) -> None:
        n = batch.num_rows
        ts_col = batch.column("ts")
        if ts_col.null_count:
            raise TmigrError(f"trace has {ts_col.null_count} events without a timestamp")
        if n and self.first_ts is None:
            self.first_ts = ts_col[0].as_py()
        if n and pc.min(ts_col).as_py() < 0:
            i = int(np.argmax(ts_col.to_numpy() < 0))
            raise TmigrError(f"event {self.events + i} has a negative timestamp ({ts_col[i].as_py()})")
        self.events += n
        cpu = batch.column("cpu")
        self.cpus.update(x for x in pc.unique(cpu).to_pylist() if x is not None)
        ev = batch.column("event")
        if not pa.types.is_dictionary(ev.type):
            ev = pc.dictionary_encode(ev)
        names = ev.dictionary.to_pylist()
        other = [i for i, nm in enumerate(names) if nm is not None and is_context_event(nm)]
        if other:
            mask = pc.is_in(ev.indices, pa.array(other, ev.indices.type))
            self.other_cpus.update(x for x in pc.unique(pc.filter(cpu, mask)).to_pylist() if x is not None)
        # The distinct pointer tuples, in order of first appearance: a few per group and CPU.
        cols = [c for c in SCAN_COLUMNS if c not in ("ts", "cpu")]
        t = pa.table({c: batch.column(c) for c in cols})
        t = t.append_column("_row", pa.array(np.arange(n, dtype=np.int64)))
        keys = [c for c in cols]
        first = t.group_by(keys, use_threads=False).aggregate([("_row", "min")])
        first = first.sort_by("_row_min")
        for r in first.to_pylist():
            self._learn(r)

    def _learn(self, c: dict) -> None:
        ev = c["event"]
        if ev is None or not ev.startswith("tmigr_"):
            return
        grp = c["group"] or None
        parent = c["parent"] or None   # NULL pointers (the root's parent) are 0
        child = c["child"] or None
        node = c["numa_node"]
        label = "node"
        if node is None and c["family"] is not None:
            node, label = c["family"], "family"
        if ev in GROUP_STATE_EVENTS or ev == "tmigr_group_set":
            if grp is not None:
                g = self.group(grp)
                g.lvl = c["lvl"] if c["lvl"] is not None else g.lvl
                if node is not None:
                    g.node, g.node_label = node, label
                if parent is not None:
                    g.parents.add(parent)
                    self.group(parent)
        elif ev == "tmigr_update_events":
            if grp is not None:
                g = self.group(grp)
                if c["group_lvl"] is not None:
                    g.lvl = c["group_lvl"]
                if child is not None:
                    self.group(child).parents.add(grp)
        elif ev == "tmigr_connect_child_parent":
            if parent is not None:
                p = self.group(parent)
                p.lvl = c["lvl"] if c["lvl"] is not None else p.lvl
                if node is not None:
                    p.node, p.node_label = node, label
                if child is not None:
                    ch = self.group(child)
                    ch.parents.add(parent)
                    if ch.lvl is None and p.lvl is not None:
                        ch.lvl = p.lvl - 1
        elif ev in CPU_PARENT_EVENTS:
            tc = c["target_cpu"]
            if parent is not None and tc is not None:
                self.cpu_parent.setdefault(tc, set()).add(parent)
                p = self.group(parent)
                if ev == "tmigr_connect_cpu_parent":
                    if c["lvl"] is not None:
                        p.lvl = c["lvl"]
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

    def ordered_groups(self) -> list[GroupInfo]:
        """Top level first; within a level by node (NUMA_NO_NODE -1 first, unknown last), then index."""
        return sorted(self.groups.values(), key=lambda g: (-(g.lvl if g.lvl is not None else -1),
                                                           g.node if g.node is not None else 1 << 30, g.idx))
