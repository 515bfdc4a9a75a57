"""Hierarchy identification: which model group is each group the trace talks about.

The trace names groups by pointer (raw, per-boot hashed, or unavailable = null); the model names
them ``GRP<lvl>:<n>``. A first columnar pass over the trace (:func:`scan`) collects every relation
the events prove (reference §7.4):

* CPU events (``parent=``) give each CPU's level-0 group;
* group-state events give group -> parent, level and node, and -- in a CPU's own walk -- the mask
  of the child it came from (level 0: the CPU's mask);
* ``tmigr_update_events`` gives child -> group edges, ``tmigr_handle_remote`` group levels;
* setup events (when the capture started at boot) give the whole tree with masks and slot counts.

:func:`identify` then maps each trace group onto the model group that is the level-``lvl``
ancestor of the CPUs below it, and checks what the trace proves against the model's own
construction (one ``setup`` check per proven fact). Without pointers, the engine resolves a
group from (CPU on whose behalf the event is, level) through the model's tree instead.

The engine gets a plain ``ptr -> model group`` dict; this module is the only one that looks at the
trace as a whole, and it does so through columns (pyarrow), never row by row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tmigr_trace.cpulist import format_cpulist
from tmigr_trace.schema import KTIME_MAX, TMIGR_EVENTS

L0_PRINTS_KEPT = 500_000   # a bound on memory: far more rows than a grouping needs to show
UNKNOWN_PTR = 1  # stands for a null (unavailable) pointer once columns are filled; never a real address

_CPU_EVENTS = ("tmigr_cpu_active", "tmigr_cpu_idle", "tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle",
               "tmigr_cpu_online", "tmigr_cpu_offline", "tmigr_cpu_available", "tmigr_cpu_unavailable",
               "tmigr_handle_remote_cpu")
_STATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
_SCAN_COLUMNS = ["event", "ts", "cpu", "active", "group", "parent", "child", "target_cpu", "lvl", "numa_node", "family",
                 "capacity", "childmask", "groupmask", "num_children", "group_lvl", "nextevt"]


def node_column(batch: pa.RecordBatch | pa.Table) -> pa.Array | pa.ChunkedArray:
    """The group's node as the trace gives it: ``numa=`` or, in the June-2026 series, ``family=``
    (the same slot of the same events: patch 4/6 renames the field). One column for both."""
    node = batch.column("numa_node")
    if "family" in batch.schema.names:
        fam = batch.column("family")
        if fam.null_count < len(fam):
            node = pc.coalesce(node, fam)
    return node


@dataclass
class TraceGroup:
    ptr: int
    lvl: int | None = None
    node: int | None = None
    parent: int | None = None        # pointer, 0 = NULL (root at that time)
    mask: int | None = None          # groupmask in the parent
    num_children: int | None = None  # from setup events (the parent's counter, as last printed)
    cpus: set[int] = field(default_factory=set)
    children: set[int] = field(default_factory=set)


@dataclass
class TraceTree:
    """Everything the trace proves about the tree, keyed by pointer."""

    groups: dict[int, TraceGroup] = field(default_factory=dict)
    cpu_group: dict[int, int] = field(default_factory=dict)
    cpu_mask: dict[int, int] = field(default_factory=dict)
    cpus_seen: set[int] = field(default_factory=set)
    # CPUs whose own activation/deactivation walks appear in the trace. The others are "silent":
    # their bits change in group states without an event of theirs (idle-path events not
    # recorded, e.g. a vCPU whose idle entry is not traceable), so the engine treats their bits
    # and queued events as unobservable.
    walk_cpus: set[int] = field(default_factory=set)
    prepared_cpus: list[int] = field(default_factory=list)   # connect_cpu_parent targets, in order
    prepare_ts: dict[int, int] = field(default_factory=dict)  # their connect_cpu_parent stamps
    first_ts: dict[int, int] = field(default_factory=dict)    # each CPU's first row (it is up then)
    # Level-0 active masks printed: group pointer -> OR of them; without pointers, per printing CPU
    # (its own level-0 group's)
    l0_active_shown: dict[int, int] = field(default_factory=dict)
    cpu_l0_active_shown: dict[int, int] = field(default_factory=dict)
    # (printing CPU, bit) -> first stamp of a level-0 state it printed with that bit active: the
    # CPU holding that bit in its group was up by then (an overwritten head hides its own rows)
    cpu_l0_bit_first: dict[tuple[int, int], int] = field(default_factory=dict)
    # CPU -> last stamp of a walk of its level-0 group that shows the group had no parent
    # (`_top_level0`): it was the only group then, and every CPU of another group was prepared
    # later (`evidence._lone_group` decides whether the proof holds)
    l0_top_ts: dict[int, int] = field(default_factory=dict)
    remote_targets: set[int] = field(default_factory=set)    # tmigr_handle_remote_cpu targets
    online_targets: set[int] = field(default_factory=set)    # tmigr_cpu_online/available targets
    cpu_node: dict[int, int] = field(default_factory=dict)   # from a CPU's own level-0 walk (numa=)
    cpu_capacity: dict[int, int] = field(default_factory=dict)  # 7.2-era connect_cpu_parent capacity=
    cpu_walk_masks: dict[int, dict[int, int]] = field(default_factory=dict)  # pointerless: lvl -> childmask
    # Pointerless: the first L0_PRINTS_KEPT level-0 state rows as (stamp, CPU, printed active mask,
    # True for an activation): whose bits follow whose walks shows which CPUs share a group
    l0_prints: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    has_setup: bool = False
    setup_rows: int = 0
    # The trace holds the hierarchy's first prepare (an empty hierarchy: every CPU prepared later)
    first_prepare_traced: bool = False
    pointers: str = "none"           # "pointers" when group pointers are known, else "none"
    conflicts: list[str] = field(default_factory=list)

    def group(self, ptr: int) -> TraceGroup:
        g = self.groups.get(ptr)
        if g is None:
            g = self.groups[ptr] = TraceGroup(ptr)
        return g


def _bits(mask: int) -> Iterator[int]:
    """The set bits of a state's active mask, each as a mask."""
    while mask:
        low = mask & -mask
        yield low
        mask ^= low


def _unique(table: pa.Table, mask: pa.ChunkedArray | pa.Array, cols: list[str]) -> list[dict]:
    """The distinct `cols` tuples of the rows in `mask` (selected before filtering: filtering
    only the columns asked for is most of a scan's saving)."""
    t = table.select(cols).filter(mask)
    if t.num_rows == 0:
        return []
    return t.group_by(cols, use_threads=False).aggregate([]).to_pylist()


def event_mask(ev: pa.Array, names: Iterable[str]) -> pa.Array:
    """Rows whose event is one of `names`. Works on the dictionary indices: comparing strings
    per row is the slow part of a scan."""
    names = tuple(names)
    if pa.types.is_dictionary(ev.type):
        d = ev.dictionary.to_pylist()
        idx = [k for k, n in enumerate(d) if n in names]
        return pc.is_in(ev.indices, value_set=pa.array(idx, type=ev.indices.type))
    return pc.is_in(ev, value_set=pa.array(list(names)))


def _rows_of(ev: pa.Array, *names: str) -> np.ndarray:
    """`event_mask` as a numpy bool array (nulls: False)."""
    return np.asarray(event_mask(ev, names).fill_null(False))


def _top_level0(t: pa.Table, ev: pa.Array | pa.ChunkedArray, out: dict[int, int]) -> None:
    """`TraceTree.l0_top_ts` from one batch. tmigr_active_up() goes on to the parent when the
    group had no migrator before its step, tmigr_inactive_up() when its step left the group
    without one (walk_done false). So the group had no parent when a CPU's walk ends there: a level-0 activation row whose active
    mask is its own childmask (the group was idle) whose CPU's next tmigr row is no level-1 row,
    or a level-0 deactivation row that leaves the group idle whose CPU reaches its
    tmigr_cpu_idle / tmigr_cpu_offline row within its next two rows without a level-1 row. And
    tmigr_update_events() returns untraced from a deactivation's level-0 update of an ignored
    event (`nextevt` KTIME_MAX) when the group has a parent (`ignore && !remote &&
    group->parent`): such a row, right after the CPU's level-0 deactivation row, has none."""
    rows = np.flatnonzero(_rows_of(ev, *TMIGR_EVENTS))
    if rows.size < 2:
        return
    act = _rows_of(ev, "tmigr_group_set_cpu_active")[rows]
    deact = _rows_of(ev, "tmigr_group_set_cpu_inactive")[rows]
    end = _rows_of(ev, "tmigr_cpu_idle", "tmigr_cpu_offline")[rows]
    cpu = np.asarray(t.column("cpu").fill_null(-1))[rows]
    lvl = np.asarray(t.column("lvl").fill_null(-1))[rows]
    glvl = np.asarray(t.column("group_lvl").fill_null(-1))[rows]
    up = (lvl >= 1) | (glvl >= 1)           # a row of a level above 0
    active = np.asarray(t.column("active").fill_null(0)).astype(np.int64)[rows]
    mask = np.asarray(t.column("childmask").fill_null(0)).astype(np.int64)[rows]
    from_idle = act & (lvl == 0) & (active > 0) & (active == mask)
    to_idle = deact & (lvl == 0) & (active == 0)
    if not (from_idle.any() or to_idle.any()):
        return
    order = np.argsort(cpu, kind="stable")
    nxt = np.full(rows.size + 1, -1, dtype=np.int64)     # (index rows.size: "none", -1 there too)
    same = cpu[order[1:]] == cpu[order[:-1]]
    nxt[order[:-1][same]] = order[1:][same]
    n1 = nxt[:-1]
    n2 = nxt[n1]
    ok1, ok2 = n1 >= 0, n2 >= 0
    top = from_idle & ok1 & ~up[n1]
    top |= to_idle & ok1 & ~up[n1] & (end[n1] | (ok2 & ~up[n2] & end[n2]))
    upd = _rows_of(ev, "tmigr_update_events")[rows]
    nextevt = np.asarray(t.column("nextevt").fill_null(0))[rows]
    ignored = np.flatnonzero(upd & (glvl == 0) & (nextevt == KTIME_MAX))
    if ignored.size:
        prv = np.full(rows.size, -1, dtype=np.int64)
        prv[n1[ok1]] = np.flatnonzero(ok1)
        p = prv[ignored]
        ignored = ignored[(p >= 0) & deact[np.maximum(p, 0)] & (lvl[np.maximum(p, 0)] == 0)]
        top[ignored] = True
    ts = np.asarray(t.column("ts"))[rows]
    for k in np.flatnonzero(top):
        c = int(cpu[k])
        if c >= 0 and int(ts[k]) > out.get(c, -1):
            out[c] = int(ts[k])


def _keep_l0_prints(t: pa.Table, ev: pa.Array, l0: pa.Array, out: list[tuple[np.ndarray, ...]],
                    room: int) -> int:
    """Append up to `room` pointerless level-0 state rows of one batch to `out` (see
    `TraceTree.l0_prints`); returns how many."""
    rows = np.asarray(pc.and_(l0, pc.is_null(t.column("group"))).fill_null(False))
    if not rows.any():
        return 0
    idx = np.nonzero(rows)[0][:room]
    act = _rows_of(ev, "tmigr_group_set_cpu_active")[idx]
    cols = [np.asarray(t.column(c).cast(pa.int64()).fill_null(-1))[idx] for c in ("ts", "cpu", "active")]
    out.append((cols[0], cols[1], cols[2], act))
    return len(idx)


def scan(batches: Iterable[pa.RecordBatch]) -> TraceTree:
    """Collect the tree relations from streamed batches (columns: see ``SCAN_COLUMNS``)."""
    tree = TraceTree()
    node_votes: dict[int, Counter] = {}     # group -> the nodes its rows print, counted
    cpu_rows: list[dict] = []
    state_rows: list[dict] = []
    upd_rows: list[dict] = []
    setup_rows: list[dict] = []
    setup_names = ("tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent")
    prints: list[tuple[np.ndarray, ...]] = []
    kept = 0

    for batch in batches:
        t = pa.Table.from_batches([batch])
        t = t.set_column(t.schema.get_field_index("numa_node"), "numa_node", node_column(t))
        ev = batch.column("event")
        tree.cpus_seen.update(pc.unique(t.column("cpu")).to_pylist())
        for r in t.select(["cpu", "ts"]).group_by("cpu", use_threads=False).aggregate([("ts", "min")]).to_pylist():
            if r["cpu"] is not None and r["cpu"] not in tree.first_ts:
                tree.first_ts[r["cpu"]] = r["ts_min"]
        cpu_rows += _unique(t, event_mask(ev, _CPU_EVENTS), ["target_cpu", "parent"])
        state_rows += _unique(t, event_mask(ev, _STATE_EVENTS),
                              ["cpu", "group", "parent", "lvl", "numa_node", "childmask"])
        upd_rows += _unique(t, event_mask(ev, ("tmigr_update_events",)), ["child", "group", "group_lvl"])
        l0 = pc.and_(event_mask(ev, _STATE_EVENTS), pc.equal(t.column("lvl"), 0))
        for r in t.select(["cpu", "group", "active", "ts"]).filter(l0).group_by(
                ["cpu", "group", "active"], use_threads=False).aggregate([("ts", "min")]).to_pylist():
            a = r["active"]
            if a is not None:
                if r["group"]:
                    tree.l0_active_shown[r["group"]] = tree.l0_active_shown.get(r["group"], 0) | a
                if r["cpu"] is not None:
                    tree.cpu_l0_active_shown[r["cpu"]] = tree.cpu_l0_active_shown.get(r["cpu"], 0) | a
                    for b in _bits(a):
                        k = (r["cpu"], b)
                        if r["ts_min"] < tree.cpu_l0_bit_first.get(k, r["ts_min"] + 1):
                            tree.cpu_l0_bit_first[k] = r["ts_min"]
        if kept < L0_PRINTS_KEPT:
            kept += _keep_l0_prints(t, ev, l0, prints, L0_PRINTS_KEPT - kept)
        _top_level0(t, ev, tree.l0_top_ts)
        for r in _unique(t, event_mask(ev, ("tmigr_handle_remote_cpu",)), ["target_cpu"]):
            if r["target_cpu"] is not None:
                tree.remote_targets.add(r["target_cpu"])
        for r in _unique(t, event_mask(ev, ("tmigr_cpu_online", "tmigr_cpu_available")), ["target_cpu"]):
            if r["target_cpu"] is not None:
                tree.online_targets.add(r["target_cpu"])
        st = t.filter(event_mask(ev, setup_names))
        if st.num_rows:
            tree.has_setup = True
            tree.setup_rows += st.num_rows
            st = st.set_column(0, "event", st.column("event").cast(pa.string()))
            setup_rows += st.select(["event", "ts", "group", "child", "parent", "target_cpu", "lvl", "numa_node",
                                     "capacity", "num_children", "groupmask"]).to_pylist()
    if prints:
        tree.l0_prints = tuple(np.concatenate([p[k] for p in prints]) for k in range(4))  # type: ignore[assignment]
    known_ptr = False
    for r in cpu_rows:
        c, p = r["target_cpu"], r["parent"]
        if c is None:
            continue
        tree.cpus_seen.add(c)
        if p:
            known_ptr = True
            old = tree.cpu_group.setdefault(c, p)
            if old != p:
                tree.conflicts.append(f"CPU{c} reported in two level-0 groups {old:#x} and {p:#x}")
            tree.group(p).lvl = 0
    for r in state_rows:
        g = r["group"]
        if not g:
            continue
        known_ptr = True
        tg = tree.group(g)
        tg.lvl = r["lvl"]
        node_votes.setdefault(g, Counter())[r["numa_node"]] += 1
        if r["parent"] is not None:
            if r["parent"]:
                tg.parent = r["parent"]  # a root may later get a parent: keep the non-NULL one
                tree.group(r["parent"]).children.add(g)
            elif tg.parent is None:
                tg.parent = 0
    for r in upd_rows:
        ch, g = r["child"], r["group"]
        if g:
            known_ptr = True
            tree.group(g).lvl = r["group_lvl"]
            if ch:
                tree.group(ch).parent = g
                tree.group(g).children.add(ch)
    for r in setup_rows:
        if r["event"] == "tmigr_group_set" and r["group"]:
            tg = tree.group(r["group"])
            tg.lvl = r["lvl"]
            node_votes.setdefault(r["group"], Counter())[r["numa_node"]] += 1
        elif r["event"] == "tmigr_connect_child_parent" and r["child"] and r["parent"]:
            tg = tree.group(r["child"])
            tg.parent, tg.mask = r["parent"], r["groupmask"]
            pg = tree.group(r["parent"])
            pg.lvl, pg.num_children = r["lvl"], r["num_children"]
            node_votes.setdefault(r["parent"], Counter())[r["numa_node"]] += 1
            pg.children.add(r["child"])
            if tg.lvl is None and r["lvl"] is not None:
                tg.lvl = r["lvl"] - 1
        elif r["event"] == "tmigr_connect_cpu_parent":
            # The CPU's prepare is in the trace whether or not its group's address printed
            # (`(____ptrval____)` before the pointer-hashing key is ready).
            c = r["target_cpu"]
            if c not in tree.prepared_cpus:
                tree.prepared_cpus.append(c)
                tree.prepare_ts[c] = r["ts"]
            own = tree.cpu_group.get(c)
            if r["parent"] and own is not None and own != r["parent"]:
                # The CPU's own rows print its tmc->tmgroup, set once by its first prepare, at
                # every idle entry and exit (tmigr_cpugroup): a prepare row that prints another
                # group is the row the replay reports, not every later one (nor its mask).
                continue
            if r["capacity"] is not None:
                tree.cpu_capacity[c] = r["capacity"]
            tree.cpu_mask[c] = r["groupmask"]
            if r["parent"]:
                tree.cpu_group[c] = r["parent"]
                pg = tree.group(r["parent"])
                pg.lvl, pg.num_children = 0, r["num_children"]
                node_votes.setdefault(r["parent"], Counter())[r["numa_node"]] += 1
    tree.first_prepare_traced = _first_prepare(setup_rows)
    # A group's node never changes after tmigr_init_group(): every row that prints it prints the
    # same value, so the value most rows print is the group's (a row that disagrees is the one
    # the replay reports, not every other row).
    for g, votes in node_votes.items():
        votes.pop(None, None)
        if votes:
            tree.groups[g].node = votes.most_common(1)[0][0]
    tree.pointers = "pointers" if known_ptr else "none"
    # Leaf CPUs of every group: climb from each CPU's level-0 group.
    for c, g in tree.cpu_group.items():
        seen = 0
        while g and g in tree.groups and seen < 16:
            tree.groups[g].cpus.add(c)
            g = tree.groups[g].parent
            seen += 1
    # Masks proven by a CPU's own walk: level-0 childmask = the CPU's mask; level-L childmask =
    # the mask of the CPU's level-(L-1) ancestor.
    for r in state_rows:
        c, g, lvl, m = r["cpu"], r["group"], r["lvl"], r["childmask"]
        if lvl == 0 and c is not None and r["numa_node"] is not None and r["numa_node"] >= 0 \
                and (g is None or tree.cpu_group.get(c) == g):
            tree.cpu_node.setdefault(c, r["numa_node"])   # the CPU's own level-0 group's node
        if g is None and lvl == 0 and c is not None:
            tree.walk_cpus.add(c)   # pointerless: a level-0 state event on a CPU is its own walk
        if g is None and c is not None and lvl is not None and m:
            # Pointerless: the childmask of a CPU's own walk at each level (its mask at level 0,
            # its level-0 group's mask at level 1, ...); `evidence` rebuilds groups from them.
            tree.cpu_walk_masks.setdefault(c, {}).setdefault(lvl, m)
        if not g or c is None or m is None:
            continue
        anc = _ancestors(tree, c)
        if lvl is None or lvl >= len(anc) or anc[lvl] != g:
            continue  # not the CPU's own walk (setup activation by a control CPU)
        if lvl == 0:
            tree.walk_cpus.add(c)
            tree.cpu_mask.setdefault(c, m)
        else:
            child = tree.groups[anc[lvl - 1]]
            if child.mask is None:
                child.mask = m
    # num_children as last printed, raised to what later masks prove: tmigr_setup_groups() gives
    # a child BIT(num_children++), so a child holding bit b proves at least b + 1 children (a
    # prepare whose rows were lost came after the last print).
    for c, ptr in tree.cpu_group.items():
        g, m = tree.groups.get(ptr), tree.cpu_mask.get(c)
        if g is not None and g.num_children is not None and m:
            g.num_children = max(g.num_children, m.bit_length())
    return tree


def _first_prepare(setup_rows: list[dict]) -> bool:
    """The trace's first prepare is the hierarchy's first: its CPU gets mask 1 of a level-0 group
    it created, and nothing above. tmigr_setup_groups() goes up while the level below holds more
    than one group, and links each new group to a parent (tmigr_connect_child_parent) before the
    CPU (tmigr_connect_cpu_parent): only the prepare into an empty hierarchy traces a
    tmigr_group_set of level 0 and then the CPU's connect with num_children 1, nothing between."""
    created = False
    for r in setup_rows:
        ev = r["event"]
        if ev == "tmigr_group_set":
            if r["lvl"] != 0:
                return False
            created = True
        elif ev == "tmigr_connect_child_parent":
            return False
        elif ev == "tmigr_connect_cpu_parent":
            return created and r["num_children"] == 1 and r["groupmask"] == 1 and (r["lvl"] in (0, None))
    return False


def _ancestors(tree: TraceTree, cpu: int) -> list[int]:
    out = []
    g = tree.cpu_group.get(cpu)
    while g and len(out) < 16:
        out.append(g)
        tg = tree.groups.get(g)
        g = tg.parent if tg else None
    return out


@dataclass
class SetupCheck:
    what: str
    expected: Any
    observed: Any

    @property
    def ok(self) -> bool:
        return self.expected == self.observed


@dataclass
class Identification:
    """ptr -> model group, plus the checks of what the trace proves against the model's tree."""

    by_ptr: dict[int, Any] = field(default_factory=dict)
    checks: list[SetupCheck] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)
    mode: str = "none"   # "pointers" | "cpu+level"
    has_setup: bool = False

    def summary(self) -> dict:
        return {"mode": self.mode, "groups_matched": len(self.by_ptr), "unmatched": len(self.unmatched),
                "setup_events": self.has_setup,
                "shape_checks": len(self.checks), "shape_mismatches": sum(not c.ok for c in self.checks)}


def identify(tree: TraceTree, model_cpus: dict[int, Any]) -> Identification:
    """Map trace groups onto the model's groups (`model_cpus`: cpu -> model TmigrCpu with tmgroup)."""
    ident = Identification(mode="pointers" if tree.pointers == "pointers" else "cpu+level",
                           has_setup=tree.has_setup)

    def model_anc(cpu: int, lvl: int):
        mc = model_cpus.get(cpu)
        g = mc.tmgroup if mc is not None else None
        while g is not None and g.level < lvl:
            g = g.parent
        return g if g is not None and g.level == lvl else None

    for c, ptr in sorted(tree.cpu_group.items()):
        mc = model_cpus.get(c)
        if mc is None:
            ident.checks.append(SetupCheck(f"CPU{c} exists in the model topology", True, False))
            continue
        if c in tree.cpu_mask:
            ident.checks.append(SetupCheck(f"CPU{c} groupmask", mc.groupmask, tree.cpu_mask[c]))
    # Groups by leaf CPUs, lowest level first so parents can be checked.
    for ptr, tg in sorted(tree.groups.items(), key=lambda kv: (kv[1].lvl if kv[1].lvl is not None else 99)):
        if tg.lvl is None or not tg.cpus:
            ident.unmatched.append(ptr)
            continue
        cands = {model_anc(c, tg.lvl) for c in tg.cpus}
        cands.discard(None)
        if len(cands) != 1:
            ident.unmatched.append(ptr)
            ident.checks.append(SetupCheck(
                f"group {ptr:#x} (lvl {tg.lvl}, CPUs {format_cpulist(tg.cpus)}) is one model group",
                1, len(cands)))
            continue
        mg = cands.pop()
        if mg in ident.by_ptr.values():
            ident.checks.append(SetupCheck(f"model group {mg.id} matched by one pointer only", True, False))
        ident.by_ptr[ptr] = mg
        model_cpus_below = {c for c, m in model_cpus.items() if model_anc(c, tg.lvl) is mg}
        seen_below = {c for c in model_cpus_below if c in tree.cpu_group}
        ident.checks.append(SetupCheck(f"{mg.id} CPUs seen below it", format_cpulist(seen_below), format_cpulist(tg.cpus)))
        if tg.node is not None:
            ident.checks.append(SetupCheck(f"{mg.id} node", mg.numa_node, tg.node))
        if tg.mask is not None:
            ident.checks.append(SetupCheck(f"{mg.id} groupmask", mg.groupmask, tg.mask))
        if tg.num_children is not None:
            ident.checks.append(SetupCheck(f"{mg.id} num_children", mg.num_children, tg.num_children))
    for ptr, tg in tree.groups.items():
        mg = ident.by_ptr.get(ptr)
        if mg is None or tg.parent is None:
            continue
        want = mg.parent.id if mg.parent is not None else None
        got = ident.by_ptr[tg.parent].id if tg.parent in ident.by_ptr else (None if tg.parent == 0 else f"{tg.parent:#x}")
        ident.checks.append(SetupCheck(f"{mg.id} parent", want, got))
    for msg in tree.conflicts:
        ident.checks.append(SetupCheck(msg, "consistent", "conflict"))
    return ident


SCAN_COLUMNS = _SCAN_COLUMNS


def adopt(tree: TraceTree, ident: Identification, model_cpus: dict[int, Any],
          groups_by_id: dict[str, Any] | None = None) -> list[str]:
    """Make the model use the masks the trace proves (the kernel's bring-up order decides them,
    and a capture may not say what it was). Setup checks keep the model's own construction;
    the replay then runs on the kernel's masks. Returns what was changed."""
    changed = []
    for c, m in sorted(tree.cpu_mask.items()):
        tmc = model_cpus.get(c)
        if tmc is not None and tmc.tmgroup is not None and m and tmc.groupmask != m:
            changed.append(f"CPU{c} mask {tmc.groupmask:#x} -> {m:#x}")
            tmc.groupmask = m
    for ptr, tg in tree.groups.items():
        mg = ident.by_ptr.get(ptr)
        if mg is not None and groups_by_id is not None:
            mg = groups_by_id.get(mg.id)
        if mg is not None and tg.mask and mg.parent is not None and mg.groupmask != tg.mask:
            changed.append(f"{mg.id} mask {mg.groupmask:#x} -> {tg.mask:#x}")
            mg.groupmask = tg.mask
    return changed
