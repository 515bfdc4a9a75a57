"""The model's plain structures: `struct tmigr_event`, `struct tmigr_group`, `struct tmigr_cpu`.

Field names follow kernel/time/timer_migration.h. The lock-free ``union tmigr_state`` is kept as
three ints on the group (``active``, ``migrator``, ``seq``) because every transition reads them
separately; `TmigrGroup.state` gives the packed 32-bit word for comparison with BPF captures.
Timer queues are Python lists kept in ``expires`` order with insertion order among equal keys (as
the kernel's timerqueue, an rbtree that puts a new equal key after the existing ones). Groups have
at most 8 children, so a linear insert beats any tree.
"""

from __future__ import annotations

from typing import Any, Final

# Final: constants a compiled build (mypyc) inlines instead of looking them up per use.
KTIME_MAX: Final = (1 << 63) - 1
TMIGR_NONE: Final = 0xFF
TMIGR_CHILDREN_PER_GROUP: Final = 8
BIT_CNT: Final = 8
NUMA_NO_NODE: Final = -1

# Lowest set bit of an 8-bit `active` byte as a one-hot mask, TMIGR_NONE if none
# (find_first_bit + BIT()). Precomputed: the hand-over rule is on the hot path.
LOWEST_BIT: Final[tuple[int, ...]] = tuple((a & -a) if a else TMIGR_NONE for a in range(256))

__all__ = ["KTIME_MAX", "TMIGR_NONE", "TMIGR_CHILDREN_PER_GROUP", "BIT_CNT", "NUMA_NO_NODE",
           "LOWEST_BIT", "TmigrEvent", "TmigrGroup", "TmigrCpu", "TmigrTree", "fmt_exp"]


def fmt_exp(v: int) -> str:
    return "MAX" if v == KTIME_MAX else str(v)


class TmigrEvent:
    """`struct tmigr_event`: a CPU's ``cpuevt`` or a group's ``groupevt``.

    ``queued_in`` is the group whose ``events`` queue holds it (``timerqueue_node_queued``), or
    None. ``owner`` is the TmigrCpu or TmigrGroup it belongs to (for dumps only).
    """

    __slots__ = ("expires", "cpu", "ignore", "queued_in", "owner")

    def __init__(self, cpu: int, owner: Any) -> None:
        self.expires = KTIME_MAX
        self.cpu = cpu
        self.ignore = True
        self.queued_in: TmigrGroup | None = None
        self.owner = owner

    def __repr__(self) -> str:
        q = self.queued_in.id if self.queued_in is not None else "-"
        return (f"<evt {getattr(self.owner, 'id', self.owner)} exp={fmt_exp(self.expires)} "
                f"cpu={self.cpu} ign={int(self.ignore)} in={q}>")


class TmigrGroup:
    """`struct tmigr_group`. ``id`` is ``GRP{level}:{n}`` with n = creation order on that level
    (the numbering of the kernel's header comment); ``index`` is the global creation order."""

    __slots__ = ("id", "index", "level", "numa_node", "parent", "groupmask", "num_children",
                 "active", "migrator", "seq", "events", "next_expiry", "groupevt", "tree",
                 "capacity", "children", "cpus", "lookups", "adds")

    def __init__(self, gid: str, index: int, level: int, node: int, tree: "TmigrTree | None" = None) -> None:
        self.id = gid
        self.index = index
        self.level = level
        self.numa_node = node          # `family` in the June-2026 series
        self.parent: TmigrGroup | None = None
        self.groupmask = 0             # bit in the parent (childmask before v6.11)
        self.num_children = 0
        self.active = 0                # union tmigr_state
        self.migrator = TMIGR_NONE
        self.seq = 0
        self.events: list[TmigrEvent] = []
        self.next_expiry = KTIME_MAX
        self.groupevt = TmigrEvent(0, self)
        self.tree = tree
        self.capacity = 0
        self.children: list[TmigrGroup] = []   # model bookkeeping (dumps), not in the kernel
        self.cpus: list[int] = []              # level 0: CPUs connected here, in connection order
        self.lookups = 0                       # next_expiry recomputations (replay bookkeeping)
        self.adds = 0                          # timerqueue_add calls (replay bookkeeping)

    @property
    def state(self) -> int:
        """The packed ``union tmigr_state`` word: active | migrator << 8 | seq << 16."""
        return self.active | (self.migrator << 8) | (self.seq << 16)

    def state_str(self) -> str:
        q = ",".join(f"{fmt_exp(e.expires)}@{e.cpu}{'i' if e.ignore else ''}" for e in self.events)
        return (f"{self.id} lvl={self.level} node={self.numa_node} mask={self.groupmask:#x} "
                f"parent={self.parent.id if self.parent else '-'} active={self.active:#04x} "
                f"migrator={self.migrator:#04x} seq={self.seq} next_expiry={fmt_exp(self.next_expiry)} "
                f"queue=[{q}] groupevt={fmt_exp(self.groupevt.expires)}@{self.groupevt.cpu}"
                f"{'i' if self.groupevt.ignore else ''}{'' if self.groupevt.queued_in else ' (unqueued)'}")

    def __repr__(self) -> str:
        return self.id


class TmigrCpu:
    """`struct tmigr_cpu`. ``available`` is the kernel's ``online`` (<= 6.18.x) / ``available``."""

    __slots__ = ("cpu", "available", "idle", "remote", "tmgroup", "groupmask", "wakeup", "cpuevt",
                 "node", "capacity", "tree")

    def __init__(self, cpu: int, node: int = 0, capacity: int = 1024) -> None:
        self.cpu = cpu
        self.available = False
        self.idle = False
        self.remote = False
        self.tmgroup: TmigrGroup | None = None
        self.groupmask = 0
        self.wakeup = KTIME_MAX
        self.cpuevt = TmigrEvent(cpu, self)
        self.node = node
        self.capacity = capacity
        self.tree: TmigrTree | None = None

    @property
    def online(self) -> bool:
        return self.available

    @property
    def id(self) -> str:
        return f"CPU{self.cpu}"

    def state_str(self) -> str:
        e = self.cpuevt
        return (f"CPU{self.cpu} group={self.tmgroup.id if self.tmgroup else '-'} "
                f"mask={self.groupmask:#x} available={int(self.available)} idle={int(self.idle)} "
                f"remote={int(self.remote)} wakeup={fmt_exp(self.wakeup)} cpuevt={fmt_exp(e.expires)}"
                f"{'i' if e.ignore else ''}{'' if e.queued_in else ' (unqueued)'}")

    def __repr__(self) -> str:
        return f"CPU{self.cpu}"


class TmigrTree:
    """One hierarchy: ``tmigr_level_list[]``, ``tmigr_root`` and the level numbers. Kernels up to
    7.1 and the June-2026 series have one; the 7.2-era tip has one per CPU capacity
    (``struct tmigr_hierarchy``)."""

    __slots__ = ("levels", "crossnode_level", "level_list", "root", "capacity", "name")

    def __init__(self, levels: int, crossnode_level: int, capacity: int = 0, name: str = "") -> None:
        self.levels = levels
        self.crossnode_level = crossnode_level
        # Oldest first; the kernel's list_add puts new groups at the head, so kernel list order
        # (newest first) is reversed(level_list[lvl]).
        self.level_list: list[list[TmigrGroup]] = [[] for _ in range(levels)]
        self.root: TmigrGroup | None = None
        self.capacity = capacity
        self.name = name
