"""The machine the hierarchy is built for: possible CPUs, their node, capacity, bring-up order.

The kernel sizes the hierarchy from the *possible* CPUs and nodes (``tmigr_init``) and packs CPUs
into groups in the order in which they are first prepared, so a topology is not just a CPU count:
the bring-up order and which CPUs are online at boot decide the group numbering and the masks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from tmigr_trace.cpulist import parse_cpulist as _parse_cpulist_text

__all__ = ["Topology", "parse_cpulist"]


def parse_cpulist(value: Any) -> list[int]:
    """Accept "0-3,8", [0, 1, "2-3"], a dict's keys, an int count or None; return sorted CPU ids."""
    if value is None:
        return []
    if isinstance(value, bool):
        raise ValueError(f"not a CPU list: {value!r}")
    if isinstance(value, int):
        return list(range(value))
    if isinstance(value, Mapping):
        return sorted(int(k) for k in value)
    if isinstance(value, str):
        return _parse_cpulist_text(value)
    out: list[int] = []
    for item in value:
        out.extend(parse_cpulist(item) if isinstance(item, str) else [int(item)])
    return sorted(set(out))


@dataclass
class Topology:
    """CPUs with node and capacity; `order` is the bring-up (first prepare) order.

    * ``possible``: every possible CPU (sizes the hierarchy, ``num_possible_cpus()``).
    * ``node_of_cpu``: NUMA node per CPU (default 0). ``nodes`` = possible nodes (default: the
      distinct values of ``node_of_cpu``; a machine can have possible nodes without CPUs).
    * ``online``: CPUs brought up at boot (default: all possible). Others come later with
      ``Hierarchy.prepare_cpu``/``online_cpu``.
    * ``order``: boot bring-up order (default ascending CPU id; CPU ``boot_cpu`` first).
    * ``isolated``: domain-isolated CPUs (``isolcpus=domain``/cpuset), excluded from the
      hierarchy by 6.19+ kernels unless they are also ``nohz_full``.
    * ``capacity_of_cpu``: CPU capacity (default 1024), used by the 7.2 per-capacity trees and the
      June-2026 "family" grouping.
    """

    possible: list[int]
    node_of_cpu: dict[int, int] = field(default_factory=dict)
    online: list[int] | None = None
    order: list[int] | None = None
    isolated: frozenset[int] = frozenset()
    nohz_full: frozenset[int] = frozenset()
    capacity_of_cpu: dict[int, int] = field(default_factory=dict)
    nodes: list[int] | None = None
    boot_cpu: int | None = None

    def __post_init__(self) -> None:
        self.possible = sorted(set(int(c) for c in self.possible))
        if not self.possible:
            raise ValueError("topology without possible CPUs")
        self.node_of_cpu = {c: int(self.node_of_cpu.get(c, 0)) for c in self.possible}
        self.capacity_of_cpu = {c: int(self.capacity_of_cpu.get(c, 1024)) for c in self.possible}
        if self.online is None:
            self.online = list(self.possible)
        self.online = [c for c in self.possible if c in set(self.online)]
        if self.boot_cpu is None:
            self.boot_cpu = self.online[0] if self.online else self.possible[0]
        if self.order is None:
            rest = [c for c in self.possible if c != self.boot_cpu]
            self.order = [self.boot_cpu] + rest
        else:
            seen = list(dict.fromkeys(int(c) for c in self.order))
            self.order = seen + [c for c in self.possible if c not in seen]
        if self.nodes is None:
            self.nodes = sorted(set(self.node_of_cpu.values()))
        self.isolated = frozenset(int(c) for c in self.isolated)
        self.nohz_full = frozenset(int(c) for c in self.nohz_full)

    # -- constructors -----------------------------------------------------------------------------
    @classmethod
    def simple(cls, ncpus: int, nodes: int = 1, *, online: Iterable[int] | None = None,
               capacities: Mapping[int, int] | None = None, **kw: Any) -> "Topology":
        """`ncpus` CPUs split into `nodes` equal consecutive blocks (CPU i on node i // per_node)."""
        per = -(-ncpus // nodes)
        return cls(possible=list(range(ncpus)),
                   node_of_cpu={c: c // per for c in range(ncpus)},
                   online=None if online is None else list(online),
                   capacity_of_cpu=dict(capacities or {}),
                   nodes=list(range(nodes)), **kw)

    @classmethod
    def from_metadata(cls, topo: Mapping[str, Any]) -> "Topology":
        """Build from the ``topology`` dict a capture stores (liberal about key names/shapes).

        Understood keys: ``possible`` (list / cpulist string / count), ``node_of_cpu`` ({cpu: node},
        keys may be strings) or ``nodes`` as {node: cpulist}, ``online``, ``isolated``,
        ``nohz_full``, ``capacity_of_cpu`` (or ``capacity``), ``order``/``bringup_order``,
        ``boot_cpu``, ``possible_nodes``.
        """
        possible = parse_cpulist(topo.get("possible") or topo.get("possible_cpus")
                                 or topo.get("cpus") or topo.get("present") or topo.get("online"))
        node_of: dict[int, int] = {}
        raw = topo.get("node_of_cpu") or topo.get("cpu_node") or {}
        if isinstance(raw, Mapping):
            node_of = {int(k): int(v) for k, v in raw.items()}
        elif isinstance(raw, (list, tuple)):
            node_of = {i: int(v) for i, v in enumerate(raw)}
        nodes_val = topo.get("nodes")
        possible_nodes = None
        if isinstance(nodes_val, Mapping):
            for n, cl in nodes_val.items():
                for c in parse_cpulist(cl):
                    node_of.setdefault(c, int(n))
            possible_nodes = sorted(int(n) for n in nodes_val)
        elif isinstance(nodes_val, (list, tuple)) and all(isinstance(n, int) for n in nodes_val):
            possible_nodes = sorted(nodes_val)
        elif isinstance(nodes_val, int) and not node_of:
            possible_nodes = list(range(nodes_val))
        if topo.get("possible_nodes") is not None:
            possible_nodes = parse_cpulist(topo["possible_nodes"])
        if not possible:
            possible = sorted(node_of)
        cap_raw = topo.get("capacity_of_cpu") or topo.get("capacity") or {}
        caps = {int(k): int(v) for k, v in cap_raw.items()} if isinstance(cap_raw, Mapping) else {}
        online = topo.get("online")
        order = topo.get("order") or topo.get("bringup_order")
        if possible_nodes is not None and node_of:
            possible_nodes = sorted(set(possible_nodes) | set(node_of.values()))
        return cls(possible=possible, node_of_cpu=node_of,
                   online=None if online is None else parse_cpulist(online),
                   order=None if order is None else parse_cpulist(order) if isinstance(order, str)
                   else [int(c) for c in order],
                   isolated=frozenset(parse_cpulist(topo.get("isolated"))),
                   nohz_full=frozenset(parse_cpulist(topo.get("nohz_full"))),
                   capacity_of_cpu=caps, nodes=possible_nodes,
                   boot_cpu=topo.get("boot_cpu"))

    # -- derived ----------------------------------------------------------------------------------
    @property
    def ncpus(self) -> int:
        return len(self.possible)

    @property
    def nnodes(self) -> int:
        return len(self.nodes or [0])

    def capacities(self) -> list[int]:
        return sorted(set(self.capacity_of_cpu.values()))

    def boot_order(self) -> list[int]:
        """The CPUs brought up at boot, in bring-up order."""
        on = set(self.online or ())
        return [c for c in (self.order or ()) if c in on]

    def to_dict(self) -> dict[str, Any]:
        return {"possible": list(self.possible), "node_of_cpu": dict(self.node_of_cpu),
                "online": list(self.online or ()), "order": list(self.order or ()),
                "isolated": sorted(self.isolated), "nohz_full": sorted(self.nohz_full),
                "capacity_of_cpu": dict(self.capacity_of_cpu), "nodes": list(self.nodes or ()),
                "boot_cpu": self.boot_cpu}
