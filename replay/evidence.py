"""The machine a trace was recorded on, as the trace itself proves it (issue #10).

A text trace from someone else's box carries no topology and no bring-up order, and metadata can be
wrong. Before the model is built, this module derives from the scanned tree
(:class:`~tmigr_trace.replay.identify.TraceTree`) everything the events prove:

* **nodes**: every group's node (``numa=``/``family=`` of ``tmigr_group_set``, the connect and the
  group-state events) and every CPU's level-0 group (``parent=`` of every CPU event) give each
  CPU's node; CPUs the trace never shows get the node their id has in the layout the seen CPUs
  follow (consecutive blocks, or interleaved), said as such;
* **possible CPUs** (they size the hierarchy, ``tmigr_init()``): every CPU id seen, raised if the
  trace's cross-node level needs more;
* **prepare order**: the kernel hands out ``BIT(num_children++)`` in the order CPUs are first
  prepared (``tmigr_setup_groups()``), so a mask is evidence of order. CPUs prepared before the
  capture are ordered group by group (groups in the order their masks in the parent prove, CPUs by
  their own mask); never-seen CPUs fill the gaps a group's masks leave (isolated or silent CPUs hold
  slots too). Where the masks admit more than one reading (the v6.9-v6.12 root growth gives the new
  branch 0x1 and the old root 0x2, later kernels the reverse), each reading is built with the
  profile's own construction and the one that reproduces the proven masks is taken.

Metadata (sysfs topology, a recorded bring-up order) is a cross-check: where it contradicts the
trace, the trace wins and :attr:`Evidence.contradictions` says so.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from tmigr_trace.cpulist import format_cpulist

from .identify import Identification, TraceGroup, TraceTree, identify
from .model import Hierarchy, Topology
from .model.hierarchy import hierarchy_levels
from .model.structs import TMIGR_CHILDREN_PER_GROUP

MAX_READINGS = 64   # mask readings tried (2 per parent that has both 0x1 and 0x2 children)


@dataclass
class Evidence:
    """What the model is built from, and how each part was derived."""

    topology: Topology
    pre_order: list[int]                 # CPUs prepared before the capture, in prepare order
    pre_online: list[int]                # of those, the ones that were up (not mere slot holders)
    slot_holders: list[int]              # never-seen CPUs placed in the mask gaps they must fill
    unseen_prepares: list[int]           # prepared during the capture, their setup rows lost (see below)
    model: Hierarchy                     # the profile's own construction in that order (reference)
    ident: Identification                # trace groups -> model groups, setup checks vs `model`
    facts: dict[str, Any] = field(default_factory=dict)
    contradictions: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    # (stamp, CPU) of each of those: up by then (`_up_by`), so prepared before that row
    unseen_up_by: list[tuple[int, int]] = field(default_factory=list)
    # the last stamp at which a walk showed a level-0 group as the only one (`_lone_group`), -1
    alone_until: int = -1

    def summary(self) -> dict[str, Any]:
        return {**self.facts, "contradictions": list(self.contradictions),
                "unresolved": list(self.unresolved)}


def derive(tree: TraceTree, meta_topology: Mapping[str, Any] | None, profile: Any,
           faults: Any = None, online_cpus: int = 0) -> Evidence:
    """Topology and prepare order from the trace's evidence, checked against `meta_topology`.
    `online_cpus`: how many CPUs were online when the trace was printed (the ftrace header's
    ``#P:``, num_online_cpus()): at least that many CPUs exist, traced or not (an isolated or
    idle CPU), and may hold mask slots; the model counts them as CPUs 0 up to that number (ids
    are usually contiguous; a lower bound of the machine, not its exact id set)."""
    meta = _meta(meta_topology)
    unusable = bool(meta_topology) and meta is None
    seen = set(tree.cpus_seen) | set(tree.cpu_group) | set(tree.prepared_cpus)
    if not seen and meta is None:
        raise ValueError("trace has no topology metadata and no CPU events to infer it from")
    facts: dict[str, Any] = {}
    contradictions: list[str] = []
    unresolved: list[str] = []
    if unusable:
        unresolved.append("the metadata's topology is unusable (no possible CPUs or malformed): "
                          "not used as a cross-check")

    node_of = _proven_nodes(tree)
    nodes = sorted({n for n in node_of.values()} | {g.node for g in tree.groups.values()
                                                    if g.node is not None and g.node >= 0})
    if meta is not None:
        for c, n in sorted(node_of.items()):
            m = meta.node_of_cpu.get(c)
            if m is not None and m != n and c in meta.possible:
                contradictions.append(f"CPU{c}: metadata says node {m}, the trace proves node {n}")
        if any(c not in meta.possible for c in seen):
            contradictions.append("metadata lists possible CPUs "
                                  f"{format_cpulist(meta.possible)}, the trace shows CPUs "
                                  f"{format_cpulist(sorted(c for c in seen if c not in meta.possible))}")
    if not nodes:
        nodes = sorted(set(meta.node_of_cpu.values())) if meta is not None else [0]
    ncpus = max(max(seen, default=0) + 1, len(meta.possible) if meta is not None else 0)
    if online_cpus > ncpus:
        facts["online_cpus_from_header"] = online_cpus
        ncpus = online_cpus
    if meta is not None and meta.possible and max(meta.possible) + 1 > ncpus:
        ncpus = max(meta.possible) + 1
    # tmigr_init() does nothing on a one-CPU machine: any tmigr event proves a second CPU.
    ncpus = max(ncpus, 2)
    nodes, note = _unseen_nodes(tree, ncpus, nodes)
    if note:
        facts["nodes_raised"] = note
    ncpus, note = _fit_levels(tree, ncpus, len(nodes))
    if note:
        facts["possible_cpus_raised"] = note
    possible = list(range(ncpus))

    layout, fill = _layout(node_of, possible, nodes)
    node_src = {c: "trace" for c in node_of}
    for c in possible:
        if c in node_of:
            continue
        if meta is not None and c in meta.node_of_cpu and meta.node_of_cpu[c] in nodes:
            node_of[c], node_src[c] = meta.node_of_cpu[c], "metadata"
        else:
            node_of[c], node_src[c] = fill(c), layout
    caps = {c: v for c, v in tree.cpu_capacity.items() if v}
    if meta is not None:
        for c, v in meta.capacity_of_cpu.items():
            caps.setdefault(c, v)
    facts.update({
        "possible_cpus": format_cpulist(possible), "nodes": nodes,
        "node_of_cpu_from_trace": format_cpulist(sorted(c for c, s in node_src.items() if s == "trace")),
        "node_layout": layout if any(s == layout for s in node_src.values()) else None,
    })

    if tree.pointers != "pointers" and tree.cpu_walk_masks:
        # (the tree is shared by every profile tried: rebuilt once, the same each time)
        if not any(p >= SYNTHETIC_PTR for p in tree.groups):
            _pointerless_groups(tree, node_of, hierarchy_levels(ncpus, len(nodes))[1])
        unresolved.append("no group pointers ((____ptrval____)): level-0 groups rebuilt from each "
                          "CPU's node and the masks of its own walks; parents above them not resolved")
    rank = _group_rank(tree)
    faults_in = profile.default_faults if faults is None else faults
    lone = _lone_group(tree, single_tree=not profile.per_capacity and "root_test_off_by_one" not in faults_in)
    unseen_prep = _unseen_prepares(tree, rank, lone)
    if tree.first_prepare_traced:
        # Nothing was prepared before the capture: a CPU the trace shows without its prepare
        # was prepared in it, on a CPU whose buffer lost the rows (full with `nooverwrite`, or
        # overwritten)
        unseen_prep |= {c for c in tree.first_ts if c not in set(tree.prepared_cpus) and c in node_of}
    up_by = {c: _up_by(tree, c) for c in unseen_prep}
    in_trace = _prepare_sequence(tree, [c for c in tree.prepared_cpus if c in node_of], up_by, rank)
    pre_seen = [c for c in sorted(seen) if c not in set(in_trace)]
    readings = _readings(tree, pre_seen, node_of, online_cpus)
    if any(p >= SYNTHETIC_PTR for p in tree.groups):
        readings += _bringup_readings(tree, pre_seen)
    if meta is not None and meta.order:
        mo = [c for c in meta.order if c in set(pre_seen)]
        readings.insert(0, ("metadata", mo + [c for c in pre_seen if c not in set(mo)], []))
    # Without pointers, readings that reproduce every proven mask may still group a node's CPUs
    # differently (CPUs that never walked above level 0): the printed states decide between them
    disagree = _comember_disagreements(tree, node_of) if tree.l0_prints is not None else None
    best: tuple[tuple[int, float], str, list[int], list[int], Hierarchy, Identification, TraceTree] | None = None
    for name, order, holders in readings:
        topo = Topology(possible=possible, node_of_cpu=node_of, online=[c for c in order if c not in holders],
                        order=order + in_trace, capacity_of_cpu=caps, nodes=nodes,
                        boot_cpu=order[0] if order else (in_trace[0] if in_trace else possible[0]))
        h = build(topo, profile, faults, order, holders, in_trace)
        as_built = _pointerless_as_built(tree, h)
        ident = identify(as_built, h.cpus)
        score = (sum(not c.ok for c in ident.checks),
                 _grouping_disagreements(as_built, disagree) if disagree else 0.0)
        if best is None or score < best[0]:
            best = (score, name, order, holders, h, ident, as_built)
        if score[0] == 0 and not disagree:
            break
    assert best is not None
    (bad, _), name, order, holders, h, ident, as_built = best
    if as_built is not tree:
        # (the groups the chosen reading makes are the ones the replay names rows by)
        tree.groups, tree.cpu_group = as_built.groups, as_built.cpu_group
    if readings and readings[0][0] == "metadata" and name != "metadata":
        contradictions.append("the recorded bring-up order does not reproduce the trace's masks; "
                              f"the order the masks prove is used ({name})")
    if bad:
        unresolved.append(f"no prepare order tried ({len(readings)} readings of the masks) "
                          f"reproduces every proven mask: {bad} setup facts differ")
    facts["prepare_order"] = {"before_capture": order, "in_trace": in_trace, "from": name}
    if unseen_prep:
        facts["prepare_order"]["unseen_in_trace"] = sorted(unseen_prep)
    if holders:
        facts["slot_holders"] = format_cpulist(holders)
    topo = h.topology
    return Evidence(topology=topo, pre_order=order, pre_online=[c for c in order if c not in set(holders)],
                    slot_holders=holders, unseen_prepares=sorted(unseen_prep),
                    unseen_up_by=sorted((t, c) for c, t in up_by.items()), model=h, ident=ident,
                    alone_until=lone[1] if lone is not None else -1,
                    facts=facts, contradictions=contradictions, unresolved=unresolved)


def build(topo: Topology, profile: Any, faults: Any, order: list[int], holders: list[int],
          in_trace: list[int]) -> Hierarchy:
    """The profile's own construction: `order` prepared (and, unless a slot holder, onlined) as at
    boot, then the CPUs the trace prepares, in the trace's order."""
    h = Hierarchy(topo, profile, faults=faults, boot=False, trace=False)
    start_of_setup(h, order, holders)
    for c in in_trace:
        h.online_cpu(c, on_cpu=order[0] if order else None)
    return h


def start_of_setup(h: Hierarchy, order: list[int], holders: list[int]) -> None:
    """Bring `order` up in `h` as the kernel brought those CPUs up before the capture. A slot
    holder took its slot without being seen: at prepare, or on v6.9/v6.10 (setup in the online
    callback, on the CPU itself) at a first online the trace does not show."""
    hold = set(holders)
    for c in order:
        if not h.profile.setup_on_target:
            h.tmigr_cpu_prepare(c, on_cpu=order[0])
        elif c in hold:
            h.tmigr_cpu_prepare(c, on_cpu=c)
        if c not in hold:
            h.tmigr_cpu_online(c)


SYNTHETIC_PTR = 1 << 64   # above any real or hashed pointer: names a group rebuilt without pointers


def _pointerless_groups(tree: TraceTree, node_of: dict[int, int], crossnode_level: int) -> None:
    """Without pointers, a level-0 group is named by what its CPUs' own walks show: their node
    and the masks of their groups on the levels below the cross-node level (a CPU's mask is its
    level-0 childmask). Enough to order the prepares; `identify` still goes by CPU and level."""
    keys: dict[tuple, int] = {}
    slots: dict[tuple, set[int]] = {}       # key -> the level-0 masks its CPUs take
    # Two CPUs of one level-0 group share every ancestor, so their walks show the same mask at
    # every level above 0 (a group's mask in its parent never changes): a mask that differs at
    # any level, below the cross-node level or above it, proves different groups.
    upper = range(1, max([crossnode_level, 1] + [lv + 1 for m in tree.cpu_walk_masks.values() for lv in m]))
    cpus = [(c, m) for c, m in sorted(tree.cpu_walk_masks.items()) if 0 in m and c in node_of]
    # CPUs whose walks showed every level first; one that never walked that high joins a group
    # of its node whose shown masks and free level-0 slot fit: of several, the one with the
    # lowest slot above that is not full (a reading, not a proof: tmigr_get_group() fills a
    # node's newest group, so only the last-created one has room at prepare time; the masks the
    # walks show decide between readings through `identify`) (else a group of its own)
    cpus.sort(key=lambda cm: any(cm[1].get(lv) is None for lv in upper))
    for c, masks in cpus:
        key = (node_of[c],) + tuple(masks.get(lv) for lv in upper)
        if None in key[1:]:
            # (a key not fully shown is no proof either: two CPUs with one level-0 mask, or a
            # ninth CPU, are in different groups, as in a node of more than 8 CPUs whose first
            # group's CPUs never walked above level 0)
            fits = [k for k in keys if k[0] == key[0] and masks[0] not in slots[k]
                    and len(slots[k]) < TMIGR_CHILDREN_PER_GROUP
                    and all(a is None or a == b for a, b in zip(key[1:len(k)], k[1:]))]
            if fits:
                key = min(fits, key=lambda k: tuple(x if x is not None else 0 for x in k[1:]))
            elif key in keys:
                key = key + (len(keys),)
        ptr = keys.setdefault(key, SYNTHETIC_PTR + len(keys))
        slots.setdefault(key, set()).add(masks[0])
        g = tree.group(ptr)
        g.lvl, g.node = 0, node_of[c]
        if masks.get(1) is not None:
            g.mask = masks[1]             # (a CPU whose walks never went up does not unset it)
        g.cpus.add(c)
        tree.cpu_group.setdefault(c, ptr)
        tree.cpu_mask.setdefault(c, masks[0])


# -- nodes ----------------------------------------------------------------------------------------
def _proven_nodes(tree: TraceTree) -> dict[int, int]:
    """CPU -> node from its level-0 group (pointers) or from its own level-0 walk (no pointers)."""
    out: dict[int, int] = {}
    for c, ptr in tree.cpu_group.items():
        g = tree.groups.get(ptr)
        if g is not None and g.node is not None and g.node >= 0:
            out[c] = g.node
    for c, n in tree.cpu_node.items():
        out.setdefault(c, n)
    return out


def _layout(node_of: dict[int, int], possible: list[int], nodes: list[int]):
    """The rule the seen CPUs' nodes follow, to place CPUs the trace never shows."""
    nn = max(len(nodes), 1)
    per = -(-len(possible) // nn)
    if all(nodes[min(c // per, nn - 1)] == n for c, n in node_of.items()):
        return "blocks", lambda c: nodes[min(c // per, nn - 1)]
    if all(nodes[c % nn] == n for c, n in node_of.items()):
        return "interleaved", lambda c: nodes[c % nn]
    known = sorted(node_of)

    def nearest(c: int) -> int:
        below = [k for k in known if k < c]
        return node_of[below[-1]] if below else node_of[known[0]] if known else nodes[0]
    return "nearest seen CPU", nearest


def _crossnode_level(tree: TraceTree) -> int | None:
    """The lowest level whose groups the trace shows NUMA_NO_NODE (tmigr_init_group(): groups at
    and above tmigr_crossnode_level), or None."""
    return min((g.lvl for g in tree.groups.values()
                if g.lvl is not None and g.node is not None and g.node < 0), default=None)


def _unseen_nodes(tree: TraceTree, ncpus: int, nodes: list[int]) -> tuple[list[int], str | None]:
    """A NUMA_NO_NODE group (tmigr_init_group(): level >= tmigr_crossnode_level) exists only with
    two or more possible nodes: if the trace shows CPUs of one node only (the others isolated or
    never traced), add the fewest node ids whose tmigr_init() cross-node level is that group's."""
    cross = _crossnode_level(tree)
    if cross is None or len(nodes) >= 2:
        return nodes, None
    n = 2
    while n < 64 and hierarchy_levels(ncpus, n)[1] != cross:
        n += 1
    if n == 64:
        n = 2
    extra = [k for k in range(n + len(nodes)) if k not in nodes][:n - len(nodes)]
    return sorted(nodes + extra), (f"nodes {nodes} -> {sorted(nodes + extra)}: a level-{cross} group "
                                   "is NUMA_NO_NODE, which needs another node")


def _fit_levels(tree: TraceTree, ncpus: int, nnodes: int) -> tuple[int, str | None]:
    """Raise the possible-CPU count when the trace's cross-node level (lowest level whose groups
    are NUMA_NO_NODE) proves more CPUs per node than the seen ones (``tmigr_init()``)."""
    if nnodes < 2:
        return ncpus, None
    cross = _crossnode_level(tree)
    if cross is None or hierarchy_levels(ncpus, nnodes)[1] >= cross:
        return ncpus, None
    n = ncpus
    while hierarchy_levels(n, nnodes)[1] < cross and n < 1 << 16:
        n += nnodes
    return n, (f"{ncpus} -> {n}: the cross-node level {cross} needs more than "
               f"{ncpus // nnodes} CPUs per node")


# -- prepare order --------------------------------------------------------------------------------
def _group_rank(tree: TraceTree) -> dict[int, tuple[int, int]]:
    """Level-0 group -> (node, rank among its node's level-0 groups in creation order), where the
    trace shows it. tmigr_get_group() reuses a node's group with room and creates one only when
    none has, and groups are never freed: a node's groups fill one after another, so only the
    newest can have fewer than 8 children. A group showing 8 CPUs came before one showing fewer;
    two full ones by their slots in the parent (BIT(num_children++)), when both are shown."""
    by_node: dict[int, list[TraceGroup]] = {}
    for g in tree.groups.values():
        if g.lvl == 0 and g.node is not None and g.node >= 0 and g.cpus:
            by_node.setdefault(g.node, []).append(g)
    rank: dict[int, tuple[int, int]] = {}
    for n, gs in by_node.items():
        full = [g for g in gs if len(g.cpus) >= TMIGR_CHILDREN_PER_GROUP]
        rest = [g for g in gs if len(g.cpus) < TMIGR_CHILDREN_PER_GROUP]
        if len(rest) > 1 or (len(full) > 1 and any(g.mask is None for g in full)):
            continue                    # (more than one not full, or full ones not ordered)
        full.sort(key=lambda g: g.mask or 0)
        for k, g in enumerate(full + rest):
            rank[g.ptr] = (n, k)
    return rank


def _lone_group(tree: TraceTree, single_tree: bool) -> tuple[int, int] | None:
    """(the level-0 group a walk showed as the only one, the last stamp it did), or None: the
    proof (`TraceTree.l0_top_ts`) holds in a kernel with one tree whose old root always gets a
    parent (not the 7.2-era trees per capacity, nor v6.13's unconnected old root), from one group
    only, and no CPU of another group shows before it (else a line was lost, not a parent)."""
    if not single_tree or not tree.l0_top_ts or len({v for v in tree.cpu_capacity.values() if v}) > 1:
        return None
    alone = {tree.cpu_group[c] for c in tree.l0_top_ts if c in tree.cpu_group}
    if len(alone) != 1:
        return None
    g = alone.pop()
    until = max(tree.l0_top_ts.values())
    if any(tree.cpu_group.get(c) not in (g, None) and t < until for c, t in tree.first_ts.items()):
        return None
    return g, until


def _unseen_prepares(tree: TraceTree, rank: dict[int, tuple[int, int]],
                     lone: tuple[int, int] | None = None) -> set[int]:
    """CPUs prepared during the capture whose setup rows are not in it (recorded on a CPU whose
    buffer lost them, e.g. overwritten at boot). tmigr_setup_groups() hands out a CPU's mask as
    BIT(group->num_children++), so a CPU holding a higher mask in a level-0 group than a CPU the
    trace prepares there was prepared after it: in the capture. So was a CPU of a group of the
    same node created after that one (`rank`: `_group_rank`)."""
    out: set[int] = set()
    prepared = set(tree.prepared_cpus)
    for c, ptr in tree.cpu_group.items():
        m = tree.cpu_mask.get(c)
        if c in prepared or not m or c not in tree.first_ts:
            continue
        if lone is not None and ptr != lone[0]:
            out.add(c)                  # (of another group than the only one, at some moment)
            continue
        if any(tree.cpu_group.get(p) == ptr and 0 < (tree.cpu_mask.get(p) or 0) < m for p in prepared):
            out.add(c)
            continue
        rc = rank.get(ptr)
        if rc is not None and any(_newer(rc, rank[g]) for g in (tree.cpu_group.get(p) for p in prepared)
                                  if g in rank):
            out.add(c)
    return out


def _prepare_sequence(tree: TraceTree, traced: list[int], up_by: dict[int, int],
                      rank: dict[int, tuple[int, int]]) -> list[int]:
    """The CPUs prepared in the capture, in the order they were: a traced prepare at its
    connect row, an unseen one (`up_by`: CPU -> when it was up at the latest, `_up_by`) before
    that (CPU hotplug is serialized by cpu_hotplug_lock: the CPUHP_TMIGR_PREPARE callback of a
    CPU runs after the previous CPU's bring-up and before its own online callback,
    CPUHP_AP_TMIGR_ONLINE, prints on it). `rank`: `_group_rank`."""
    if not up_by:
        return traced
    stamp = {c: (tree.prepare_ts.get(c, 0), 0) for c in traced}
    stamp.update({c: (t, -1) for c, t in up_by.items()})
    seq = sorted(stamp, key=lambda c: (stamp[c], c))
    # Within one level-0 group the masks say more than stamps: tmigr_setup_groups() hands out
    # BIT(num_children++), so of a group's prepares in the capture (an unseen one placed by its
    # first row, a traced one whose rows outlived an earlier one's) the lower mask came first.
    # They keep the places the stamps gave the group, in mask order.
    by_group: dict[int, list[int]] = {}
    for k, c in enumerate(seq):
        if tree.cpu_mask.get(c) and c in tree.cpu_group:
            by_group.setdefault(tree.cpu_group[c], []).append(k)
    for places in by_group.values():
        cpus = sorted((seq[k] for k in places), key=lambda c: tree.cpu_mask[c])
        for k, c in zip(places, cpus):
            seq[k] = c
    # ... and a node's groups fill one after another (`_group_rank`): a CPU of an older group
    # came before every CPU of a newer one, wherever the stamps put it (an unseen prepare's first
    # row can lie long after its bring-up). Stable: each CPU moves up only past newer groups' CPUs.
    key = {c: rank.get(tree.cpu_group.get(c, -1)) for c in seq}
    out: list[int] = []
    for c in seq:
        rc = key[c]
        k = len(out)
        if rc is not None:
            k = next((j for j, o in enumerate(out) if _newer(key[o], rc)), k)
        out.insert(k, c)
    return out


def _up_by(tree: TraceTree, c: int) -> int:
    """When CPU c was up at the latest: its first row, or the first level-0 state a CPU of its
    group printed with c's bit active (its own rows may have gone with an overwritten head)."""
    t = tree.first_ts[c]
    g, m = tree.cpu_group.get(c), tree.cpu_mask.get(c)
    if g is None or not m:
        return t
    for p, gp in tree.cpu_group.items():
        if gp == g and p != c:
            t = min(t, tree.cpu_l0_bit_first.get((p, m), t))
    return t


def _newer(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    """Group rank `a` is a newer group of b's node (`_group_rank`)."""
    return a is not None and a[0] == b[0] and a[1] > b[1]


def _readings(tree: TraceTree, pre: list[int], node_of: dict[int, int], online: int = 0
              ) -> list[tuple[str, list[int], list[int]]]:
    """Candidate prepare orders of the CPUs prepared before the capture: group by group, the
    children of each group ranked by their mask (and, per parent holding 0x1 and 0x2, the other
    way round), each group's CPUs by their mask; never-seen CPUs fill the gaps. Online CPUs
    of a node the trace shows no CPU of (all isolated, or never traced) were prepared too, after
    the nodes shown (their groups hold the slots the shown ones leave); the online ones are taken
    as 0 .. #P:-1 (`online`), which a hotplugged machine may break: a candidate reading, checked
    against the masks like the others."""
    pre_set = set(pre)
    groups = tree.groups
    roots = [p for p, g in groups.items() if not g.parent and g.lvl is not None]
    nkey = _node_slots(tree, node_of)

    def root_key(p: int) -> tuple:
        # (rebuilt level-0 groups, without pointers, are roots: by their node's slots above them,
        # then their own slot in the parent)
        g = groups[p]
        first = min(g.cpus, default=1 << 30)
        if p < SYNTHETIC_PTR:
            return (-(g.lvl or 0), (), 0, first)
        return (-(g.lvl or 0), nkey.get(g.node, (1 << 30,)), g.mask or 1 << 30, first)

    roots.sort(key=root_key)
    swappable = sorted(p for p, g in groups.items()
                       if {1, 2} <= {groups[ch].mask for ch in g.children if ch in groups})
    variants = list(itertools.islice(itertools.product((False, True), repeat=len(swappable)),
                                     MAX_READINGS))
    unseen_by_node: dict[int, list[int]] = {}
    maskless_by_node: dict[int, list[int]] = {}   # seen (other events), level-0 group not shown
    for c, n in sorted(node_of.items()):
        if c not in pre_set and c not in tree.cpus_seen and c not in tree.cpu_group \
                and c not in tree.prepared_cpus:
            unseen_by_node.setdefault(n, []).append(c)
        elif c in pre_set and c not in tree.cpu_group:
            maskless_by_node.setdefault(n, []).append(c)
    # nodes the trace shows a CPU of (traced, in a group, or prepared in the trace)
    shown = {node_of[c] for c in set(tree.cpus_seen) | set(tree.cpu_group) | set(tree.prepared_cpus) | pre_set
             if c in node_of}
    out = []
    for v in variants:
        swapped = {p for p, s in zip(swappable, v) if s}
        spare = {n: list(cs) for n, cs in unseen_by_node.items()}
        maskless = {n: list(cs) for n, cs in maskless_by_node.items()}
        order: list[int] = []
        holders: list[int] = []
        visited: set[int] = set()

        def rank(ch: int, parent: int) -> tuple[int, int]:
            m = groups[ch].mask
            if parent in swapped and m in (1, 2):
                m = 3 - m
            return (m if m else 1 << 30, min(groups[ch].cpus, default=1 << 30))

        def visit(p: int) -> None:
            if p in visited:
                return
            visited.add(p)
            g = groups[p]
            if g.lvl == 0:
                # tmigr_get_group() makes a new level-0 group for a node only when the node's
                # others are full: one with a later sibling of its node holds 8 CPUs
                pg = groups.get(g.parent) if g.parent else None
                full = pg is not None and any(
                    q != p and q in groups and groups[q].lvl == 0 and groups[q].node == g.node
                    and rank(q, g.parent) > rank(p, g.parent) for q in pg.children)
                _level0(tree, p, pre_set, spare, maskless, order, holders, full)
                return
            kids = [c for c in g.children if c in groups]
            # a child whose mask the trace does not show takes the lowest slot its siblings'
            # shown masks leave free (they were connected in slot order)
            taken = {rank(c, p)[0] for c in kids if groups[c].mask}
            free = (1 << b for b in range(64) if (1 << b) not in taken)
            slot = {c: next(free) for c in sorted((c for c in kids if not groups[c].mask),
                                                   key=lambda c: min(groups[c].cpus, default=1 << 30))}
            for ch in sorted(kids, key=lambda c: (slot[c], 0) if c in slot else rank(c, p)):
                visit(ch)

        for r in roots:
            visit(r)
        for p in sorted(groups, key=lambda p: min(groups[p].cpus, default=1 << 30)):
            if groups[p].lvl == 0:
                visit(p)
        order += [c for c in pre if c not in set(order)]
        for n, cs in sorted(spare.items()):
            if n not in shown:
                for c in cs:
                    if c < online:
                        order.append(c)
                        holders.append(c)
        name = "masks" + ("" if not swapped else f" (new branch 0x1 under {len(swapped)} parent(s))")
        out.append((name, order, holders))
    return out


def _node_slots(tree: TraceTree, node_of: dict[int, int]) -> dict[int, tuple[int, ...]]:
    """Without pointers: each node's slots in the levels above it, from the top down, as its CPUs'
    walks show them (the one mask they all show at a level; unknown: last). A node's groups there
    were connected with BIT(num_children++), so a node whose group holds a lower slot came up
    first (a non-zero node brought up before a lower-numbered one)."""
    masks: dict[int, dict[int, set[int]]] = {}
    for c, m in tree.cpu_walk_masks.items():
        if c in node_of:
            for lv, v in m.items():
                if lv > 0:
                    masks.setdefault(node_of[c], {}).setdefault(lv, set()).add(v)
    top = max((lv for per in masks.values() for lv in per), default=0)
    out: dict[int, tuple[int, ...]] = {}
    for n, per in masks.items():
        out[n] = tuple(next(iter(per[lv])) if len(per.get(lv, ())) == 1 else 1 << 30
                       for lv in range(top, 0, -1))
    return out


def _pointerless_as_built(tree: TraceTree, h: Hierarchy) -> TraceTree:
    """`tree`, or, without pointers, a copy whose rebuilt level-0 groups follow model `h`: which
    of a node's level-0 groups a CPU whose walks never showed its group's slot in the parent
    belongs to is a reading (`_pointerless_groups`), not a fact, so the candidate order decides
    it; what the walks did show (each CPU's level-0 mask, its group's slot) is still checked.
    Kept as is where the CPUs of one model group showed different slots."""
    if not any(p >= SYNTHETIC_PTR for p in tree.groups) or not tree.cpu_walk_masks:
        return tree
    by_model: dict[Any, list[int]] = {}
    for c in tree.cpu_group:
        tmc = h.cpus.get(c)
        if tmc is None or tmc.tmgroup is None:
            return tree
        by_model.setdefault(tmc.tmgroup, []).append(c)
    slots: dict[Any, int | None] = {}
    for mg, cs in by_model.items():
        shown = {tree.cpu_walk_masks.get(c, {}).get(1) for c in cs} - {None}
        if len(shown) > 1:
            return tree
        slots[mg] = shown.pop() if shown else None
    out = copy.copy(tree)
    out.groups = {p: g for p, g in tree.groups.items() if p < SYNTHETIC_PTR}
    out.cpu_group = {}
    for k, (mg, cs) in enumerate(sorted(by_model.items(), key=lambda kv: min(kv[1]))):
        g = out.group(SYNTHETIC_PTR + k)
        g.lvl, g.node, g.mask = 0, mg.numa_node, slots[mg]
        g.cpus = set(cs)
        for c in cs:
            out.cpu_group[c] = g.ptr
    return out


def _comember_disagreements(tree: TraceTree, node_of: dict[int, int]) -> dict[tuple[int, int], tuple[int, int]]:
    """Pointerless: for CPUs c and m of one node, (how many, of how many compared) level-0 states
    c printed show m's level-0 bit other than m's own last walk left it (set after its
    activation, clear after its deactivation). A group's state holds its members' bits, so when
    c and m share a group only the races of two walks in flight count; a CPU of the node's other
    group that holds the same bit is another CPU, whose bit follows its own walks, not m's."""
    assert tree.l0_prints is not None
    ts, cpu, active, act = tree.l0_prints
    rows = {int(c): np.nonzero(cpu == c)[0] for c in np.unique(cpu) if c >= 0}
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for m, mrows in rows.items():
        bit = tree.cpu_walk_masks.get(m, {}).get(0)
        if not bit:
            continue
        mts, mact = ts[mrows], act[mrows]
        for c, crows in rows.items():
            if c == m or node_of.get(c) != node_of.get(m):
                continue
            last = np.searchsorted(mts, ts[crows], side="left") - 1   # m's last row before c's
            known = (last >= 0) & (active[crows] >= 0)     # (rows without a printed active mask: left out)
            shown = (active[crows][known] & bit) != 0
            out[(c, m)] = (int(np.count_nonzero(shown != mact[last[known]])), int(np.count_nonzero(known)))
    return out


def _grouping_disagreements(tree: TraceTree, disagree: dict[tuple[int, int], tuple[int, int]]) -> float:
    """The fraction of the compared prints that disagree (`_comember_disagreements`), over the
    pairs of CPUs `tree` groups together: a rate, so that readings pairing CPUs that print
    often and ones that print little compare fairly."""
    members: dict[int, list[int]] = {}
    for c, p in tree.cpu_group.items():
        members.setdefault(p, []).append(c)
    bad = seen = 0
    for cs in members.values():
        for c in cs:
            for m in cs:
                if c != m:
                    d, n = disagree.get((c, m), (0, 0))
                    bad += d
                    seen += n
    return bad / seen if seen else 0.0


def _bringup_readings(tree: TraceTree, pre: list[int]) -> list[tuple[str, list[int], list[int]]]:
    """Without pointers the level-0 groups of a node with more than 8 CPUs, and the order of the
    groups in their parent, are not all shown; the kernel's own bring-up orders are candidate
    readings too, checked against the masks like the others: the groups ranked by the slot
    their walks show in the parent; every CPU in ascending order; and the SMT-aware parallel
    bring-up (cpuhp_bringup_cpus_parallel(): the primary threads first, 0, 2, 4, ..., then
    their siblings, where siblings are numbered next to each other as on QEMU and many
    firmwares)."""
    out: list[tuple[str, list[int], list[int]]] = []
    groups = [g for g in tree.groups.values() if g.lvl == 0 and g.cpus]
    if groups:
        ranked = sorted(groups, key=lambda g: (g.mask if g.mask else 1 << 30, min(g.cpus)))
        pre_set = set(pre)
        order = [c for g in ranked for c in sorted(g.cpus & pre_set,
                                                      key=lambda c: (tree.cpu_mask.get(c) or 1 << 30, c))]
        placed = set(order)
        order += [c for c in pre if c not in placed]
        out.append(("masks (groups by their slot in the parent)", order, []))
    asc = sorted(pre)
    out.append(("ascending bring-up", asc, []))
    out.append(("SMT-aware bring-up (primary threads first)",
                [c for c in asc if c % 2 == 0] + [c for c in asc if c % 2], []))
    return out


def _level0(tree: TraceTree, ptr: int, pre: set[int], spare: dict[int, list[int]],
            maskless: dict[int, list[int]], order: list[int], holders: list[int], full: bool = False) -> None:
    """A level-0 group's pre-capture CPUs by mask; a gap below the highest mask is a slot held by a
    CPU of the group's node whose tmigr events the trace does not show: one seen in other events
    (it is up), else one never seen (a slot holder: prepared, isolated or never active while
    traced). `full`: the node has a later level-0 group, so this one's 8 slots are all taken."""
    members = [c for c, p in tree.cpu_group.items() if p == ptr]
    by_bit = {tree.cpu_mask[c].bit_length() - 1: c for c in members if tree.cpu_mask.get(c)}
    top = TMIGR_CHILDREN_PER_GROUP - 1 if full else max(by_bit, default=-1)
    node = tree.groups[ptr].node
    for bit in range(top + 1):
        c = by_bit.get(bit)
        if c is None:
            key = node if node is not None else -1
            seen = maskless.get(key) or []
            pool = spare.get(key) or []
            if seen:
                order.append(seen.pop(0))
            elif pool:
                c = pool.pop(0)
                holders.append(c)
                order.append(c)
            continue
        if c in pre:
            order.append(c)
    order += sorted(c for c in members if c in pre and c not in set(order))


def _meta(meta_topology: Mapping[str, Any] | None) -> Topology | None:
    if not meta_topology:
        return None
    try:
        t = Topology.from_metadata(meta_topology)
    except (ValueError, TypeError):
        return None
    return t if t.possible else None
