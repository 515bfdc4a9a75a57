"""A model of kernel/time/timer_migration.c that returns what the kernel would trace.

The mechanism (read this beside the kernel's own header comment):

* Every CPU belongs to one level-0 group; groups hold at most 8 children and are chained to one
  root. A group's lock-free state is ``{active, migrator, seq}``: ``active`` = children that are
  busy, ``migrator`` = the one child responsible for the group's idle children, or TMIGR_NONE.
* **Activation** (`tmigr_cpu_activate` -> `tmigr_active_up`) sets the CPU's bit bottom-up and
  becomes migrator of every group it reaches with no migrator; the first group that already had
  one absorbs the bit and the walk ends.
* **Deactivation** (`tmigr_cpu_deactivate` -> `tmigr_inactive_up`) clears the bit bottom-up; where
  the CPU was migrator the role goes to the lowest remaining active bit, or NONE and the walk goes
  on. At every level `tmigr_update_events` queues the child's first event (the idle CPU's first
  global timer, or an idle child group's first event tagged with its leaf CPU) in the group.
  If the walk reaches a root left without migrator, the root's first event comes back to the CPU
  as its ``wakeup`` ("idle migrator").
* **Remote expiry**: active migrators check, on their tick, the groups where they are migrator (or
  where there is none) and expire due events of idle CPUs (`tmigr_handle_remote`), then re-queue
  the remote CPU's next event (`tmigr_handle_remote_cpu` walk with ``remote=True``).
* **Setup** (`tmigr_setup_groups`) creates groups bottom-up as CPUs are first prepared; when a new
  root appears, the old root is linked under it and, if active, its activity propagated.

Each kernel function is a method of `Hierarchy` with the kernel's name. Public entry points take
the CPU the kernel would run on and return the list of traced records they emit, in order. A record
is ``(event_name, {column: value})`` with the column names of `tmigr_trace.schema` (``target_cpu``,
``group_next_expiry``, ...) plus ``cpu``, the CPU that records it; pointer columns (``group``,
``parent``, ``child``) hold `TmigrGroup` objects or None. The kernel's return value of the last
entry point (a wakeup, a bool) is in `Hierarchy.ret`.

The model is sequential: a real kernel interleaves walks of different CPUs lock-free. The `seq`
counter protects against the reordering that this allows; `tmigr_cpu_deactivate_steps` runs a
deactivation one cmpxchg at a time so a test can interleave another CPU between its reads and
its update (the patch-review example of the kernel's header comment).
"""

from __future__ import annotations

from typing import Any, Callable, Final, Iterable, Iterator, Mapping

from .profiles import FAULTS, Profile, get_profile
from .structs import (KTIME_MAX, LOWEST_BIT, NUMA_NO_NODE, TMIGR_CHILDREN_PER_GROUP, TMIGR_NONE,
                      TmigrCpu, TmigrEvent, TmigrGroup, TmigrTree)
from .topology import Topology

__all__ = ["Hierarchy", "ModelError", "Record", "order_base_2", "hierarchy_levels"]

Record = tuple  # (event name, dict of schema column -> value)

_EMPTY: Final[list] = []


class ModelError(Exception):
    """A call the kernel could not have made (unknown CPU, CPU not prepared, ...)."""


def order_base_2(n: int) -> int:
    """Kernel order_base_2(): ceil(log2(n)), 0 for n <= 1."""
    return 0 if n <= 1 else (n - 1).bit_length()


def hierarchy_levels(ncpus: int, nnodes: int) -> tuple[int, int]:
    """(tmigr_hierarchy_levels, tmigr_crossnode_level) as computed by tmigr_init()."""
    cpus_per_node = -(-ncpus // max(nnodes, 1))
    cpulvl = -(-order_base_2(cpus_per_node) // 3)      # 3 = ilog2(TMIGR_CHILDREN_PER_GROUP)
    nodelvl = -(-order_base_2(max(nnodes, 1)) // 3)
    return cpulvl + nodelvl, cpulvl


class _Walk:
    """`struct tmigr_walk`."""

    __slots__ = ("nextexp", "firstexp", "evt", "childmask", "remote", "now", "check", "cpu",
                 "next_global", "loops", "seen", "top_read")

    def __init__(self, nextexp: int = KTIME_MAX, evt: TmigrEvent | None = None, childmask: int = 0,
                 remote: bool = False) -> None:
        self.nextexp = nextexp
        self.firstexp = KTIME_MAX
        self.evt = evt
        self.childmask = childmask
        self.remote = remote
        self.now = 0
        self.check = False
        self.cpu = 0
        self.next_global: Any = None
        self.loops = 0
        self.seen: dict | None = None     # (cpu, expiry) -> times handled; remote walks only
        # firstexp was read from the top level's queue (check_toplvl of an idle hierarchy): only
        # then does the walk's result depend on what the queues hold.
        self.top_read = False


class Hierarchy:
    """The timer migration hierarchy of one machine under one kernel profile.

    ``Hierarchy(topology, profile="6.18.y-numa", faults=None, boot=True)``: `faults` None takes the
    profile's era faults (`Profile.default_faults`), otherwise exactly the given names (see
    `profiles.FAULTS`). With ``boot=True`` the CPUs online at boot are brought up as the kernel
    does (`boot()`); pass False to drive `tmigr_cpu_prepare`/`tmigr_cpu_online` yourself or to
    rebuild the tree from observed setup events (`resync_group_set` & co).

    ``trace=False`` skips building records (entry points return an empty list): for replays that
    only need the state.
    """

    def __init__(self, topology: Topology | int, profile: Profile | str = "6.18.y-numa",
                 faults: Iterable[str] | None = None, *, boot: bool = True, trace: bool | str = True,
                 seq_counter: bool = True, livelock_limit: int = 8) -> None:
        if isinstance(topology, int):
            topology = Topology.simple(topology)
        self.topology = topology
        self.profile = get_profile(profile)
        self.faults = frozenset(self.profile.default_faults if faults is None else faults)
        self.trace = trace
        self.seq_counter = seq_counter      # False: cmpxchg compares (active, migrator) only
        self.livelock_limit = livelock_limit
        self.ret: Any = None                # the kernel return value of the last entry point
        self.warnings: list[str] = []       # WARN_ON()s the kernel would have printed
        self.livelock: tuple[int, int] | None = None
        self.handoff_target: int | None = None
        # Old-root links (the parent link of a group that existed before the prepare) held back
        # until `connect_deferred(child)`: a replay applies each at its own
        # tmigr_connect_child_parent, because other CPUs' walks run between the start of the
        # prepare and that link. None: linked at once (a plain model run).
        self.deferred_links: dict[TmigrGroup, Callable[[], None]] | None = None
        self._out: list = []
        self._cur = topology.boot_cpu       # CPU executing the current entry point

        p = self.profile
        # Effective setup strategy: a fault can bring back the code a fix replaced.
        setup = p.setup
        if setup == "numa_root" and "imbalanced_numa" in self.faults:
            setup = "prereserve"
        if "unpublished_groupmask" in self.faults and setup != "connect_order":
            setup = "connect_order"
        self.setup_strategy = setup
        self._inactive_trace_after = p.inactive_trace_after_update
        self.node_key = p.node_field
        self.exclude_isolated = False       # static key tmigr_exclude_isolated (late init)

        # Families: NUMA nodes, or capacities (June-2026 on asymmetric systems).
        caps = topology.capacities()
        self._family_of: dict[int, int] = {}
        if p.family_by_capacity and len(caps) > 1:
            for c in topology.possible:
                self._family_of[c] = topology.capacity_of_cpu[c]
            counts: dict[int, int] = {}
            for c in topology.possible:
                counts[self._family_of[c]] = counts.get(self._family_of[c], 0) + 1
            cpus_per_family = max(counts.values())
            nfam = len(counts)
            levels, cross = hierarchy_levels(cpus_per_family * nfam, nfam)
            cpulvl = -(-order_base_2(cpus_per_family) // 3)
            levels, cross = cpulvl + (-(-order_base_2(nfam) // 3)), cpulvl
        else:
            for c in topology.possible:
                self._family_of[c] = topology.node_of_cpu[c]
            levels, cross = hierarchy_levels(topology.ncpus, topology.nnodes)

        # Trees: one, or one per capacity (7.2-era tip, disabled under nohz_full: d4f198c1).
        self.trees: dict[int, TmigrTree] = {}
        self.per_capacity = p.per_capacity and len(caps) > 1 and not topology.nohz_full
        if self.per_capacity:
            for cap in caps:
                members = [c for c in topology.possible if topology.capacity_of_cpu[c] == cap]
                nn = len({topology.node_of_cpu[c] for c in members})
                # (unverified) levels sized per capacity from that capacity's possible CPUs/nodes.
                lv, cr = hierarchy_levels(len(members), nn)
                self.trees[cap] = TmigrTree(max(lv, 1), cr, cap, f"cap{cap}")
        else:
            self.trees[0] = TmigrTree(levels, cross, max(caps) if caps else 0, "")
        self.levels = levels
        self.crossnode_level = cross

        self.cpus: dict[int, TmigrCpu] = {}
        for c in topology.possible:
            tmc = TmigrCpu(c, self._family_of[c], topology.capacity_of_cpu[c])
            tmc.tree = self.trees[topology.capacity_of_cpu[c]] if self.per_capacity else self.trees[0]
            self.cpus[c] = tmc
        self.groups: list[TmigrGroup] = []          # creation order
        self.group_by_id: dict[str, TmigrGroup] = {}
        self.cpu_online: set[int] = set()           # the kernel's cpu_online_mask
        self.available_mask: set[int] = set()       # tmigr_available_cpumask (6.19+)
        # Nothing to do if running on UP (tmigr_init returns before anything is set up).
        self.initialised = topology.ncpus > 1
        self.boot_records: list = []
        if boot:
            self.boot_records = self.boot()

    # Fault flags and trace switches are read on every level of every walk: plain booleans.
    @property
    def faults(self) -> frozenset:
        return self._faults

    @faults.setter
    def faults(self, value: Iterable[str]) -> None:
        value = frozenset(value)
        unknown = value - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}; known: {sorted(FAULTS)}")
        self._faults = value
        self._f_early_return = "early_return_always" in value
        self._f_no_evtcpu_refresh = "no_evtcpu_refresh" in value
        self._f_no_stale_wakeup_reset = "no_stale_wakeup_reset" in value
        self._f_remote_self_skip = "remote_self_skip" in value

    @property
    def trace(self) -> bool | str:
        """True: every record; False: none (state only); ``"updates"``: only the
        ``tmigr_update_events`` of the walks, each as the tuple ``(group, nextevt,
        group_next_expiry, child_evt_expiry, child_evtcpu)`` (what the replay engine compares;
        no other record is built)."""
        return self._trace

    @trace.setter
    def trace(self, value: bool | str) -> None:
        if value not in (True, False, "updates"):
            raise ValueError(f"trace must be True, False or 'updates', not {value!r}")
        self._trace = value
        self._rec = value is True           # full records
        self._rec_upd = bool(value)         # update records (full or compact)

    # ------------------------------------------------------------------------------------------
    # Tracing helpers. Every record carries `cpu`, the CPU whose ring buffer would record it.
    # ------------------------------------------------------------------------------------------
    def _begin(self, cpu: int) -> list:
        self._cur = cpu
        out: list = [] if self._rec_upd else _EMPTY
        self._out = out
        return out

    def _tp_cpu(self, name: str, tmc: TmigrCpu) -> None:
        if self._rec:
            self._out.append((name, {"cpu": self._cur, "target_cpu": tmc.cpu, "parent": tmc.tmgroup,
                                     "wakeup": tmc.wakeup}))

    def _tp_cpu_idle(self, name: str, tmc: TmigrCpu, nextevt: int) -> None:
        if self._rec:
            self._out.append((name, {"cpu": self._cur, "target_cpu": tmc.cpu, "parent": tmc.tmgroup,
                                     "nextevt": nextevt, "wakeup": tmc.wakeup}))

    def _tp_group_state(self, name: str, group: TmigrGroup, childmask: int) -> None:
        if self._rec:
            self._out.append((name, {"cpu": self._cur, "group": group, "parent": group.parent,
                                     "lvl": group.level, self.node_key: group.numa_node,
                                     "childmask": childmask, "active": group.active,
                                     "migrator": group.migrator}))

    def _tp_update_events(self, child: TmigrGroup | None, group: TmigrGroup, child_active: int,
                          group_active: int, nextexp: int) -> None:
        if self._rec:
            self._out.append(("tmigr_update_events", {
                "cpu": self._cur, "child": child, "group": group, "nextevt": nextexp,
                "group_next_expiry": group.next_expiry,
                "child_evt_expiry": child.groupevt.expires if child is not None else 0,
                "group_lvl": group.level,
                "child_evtcpu": child.groupevt.cpu if child is not None else 0,
                "child_active": child_active, "group_active": group_active}))
        elif self._rec_upd:
            if child is None:
                self._out.append((group, nextexp, group.next_expiry, 0, 0))
            else:
                evt = child.groupevt
                self._out.append((group, nextexp, group.next_expiry, evt.expires, evt.cpu))

    def _warn(self, msg: str) -> None:
        self.warnings.append(msg)

    def _tmc(self, cpu: int) -> TmigrCpu:
        try:
            return self.cpus[cpu]
        except KeyError:
            raise ModelError(f"CPU {cpu} is not a possible CPU of this topology") from None

    # ------------------------------------------------------------------------------------------
    # Timer queue (timerqueue_* and the group event helpers)
    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _timerqueue_add(group: TmigrGroup, evt: TmigrEvent) -> bool:
        """Insert after every event with expires <= evt.expires; True if it became the first."""
        q = group.events
        exp = evt.expires
        i = len(q)
        while i and q[i - 1].expires > exp:
            i -= 1
        q.insert(i, evt)
        evt.queued_in = group
        group.adds += 1
        return i == 0

    @staticmethod
    def _timerqueue_del(group: TmigrGroup, evt: TmigrEvent) -> bool:
        """Remove; True if the queue is not empty afterwards (the kernel's return value)."""
        group.events.remove(evt)
        evt.queued_in = None
        return bool(group.events)

    @staticmethod
    def tmigr_next_groupevt(group: TmigrGroup) -> TmigrEvent | None:
        """First non-ignored event; prunes ignored ones from the head and recomputes next_expiry
        (the only place next_expiry is recomputed; elsewhere it is written opportunistically)."""
        group.next_expiry = KTIME_MAX
        group.lookups += 1
        q = group.events
        while q:
            evt = q[0]
            if not evt.ignore:
                group.next_expiry = evt.expires
                return evt
            # Remove ignored events: the group lock is held anyway.
            del q[0]
            evt.queued_in = None
        return None

    def tmigr_next_expired_groupevt(self, group: TmigrGroup, now: int) -> TmigrEvent | None:
        evt = self.tmigr_next_groupevt(group)
        if evt is None or now < evt.expires:
            return None
        # The event is ready to expire: remove it and update the next group event.
        self._timerqueue_del(group, evt)
        self.tmigr_next_groupevt(group)
        return evt

    def tmigr_next_groupevt_expires(self, group: TmigrGroup) -> int:
        evt = self.tmigr_next_groupevt(group)
        return KTIME_MAX if evt is None else evt.expires

    # ------------------------------------------------------------------------------------------
    # Walks
    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _walk_groups(up: Callable[[TmigrGroup, TmigrGroup | None, _Walk], bool], data: _Walk,
                     tmc: TmigrCpu) -> None:
        """__walk_groups(): call `up` per level from the CPU's group until it returns True."""
        child = None
        group = tmc.tmgroup
        while group is not None:
            if up(group, child, data):
                break
            child = group
            group = group.parent
            data.childmask = child.groupmask

    def _walk_groups_from(self, up: Callable, data: _Walk, child: TmigrGroup, group: TmigrGroup | None) -> None:
        while group is not None:
            if up(group, child, data):
                break
            child = group
            group = group.parent
            data.childmask = child.groupmask

    @staticmethod
    def tmigr_check_migrator(group: TmigrGroup, childmask: int) -> bool:
        """True when `childmask` is the group's migrator or the group has none."""
        m = group.migrator
        return m == childmask or m == TMIGR_NONE

    # ------------------------------------------------------------------------------------------
    # Activation
    # ------------------------------------------------------------------------------------------
    def tmigr_active_up(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        childmask = data.childmask
        walk_done = True
        if group.migrator == TMIGR_NONE:
            group.migrator = childmask
            # Changes need to be propagated: the group was idle, its parent must learn it is not.
            walk_done = False
        group.active |= childmask
        group.seq = (group.seq + 1) & 0xFFFF
        if self._rec:
            self._tp_group_state("tmigr_group_set_cpu_active", group, childmask)
        # The group is active again: its event, maybe still queued in the parent, is now the
        # business of this group's migrator (lock-free; the idle path sets it under the lock).
        group.groupevt.ignore = True
        return walk_done

    def __tmigr_cpu_activate(self, tmc: TmigrCpu) -> None:
        if self._rec:
            self._tp_cpu("tmigr_cpu_active", tmc)
        tmc.cpuevt.ignore = True
        tmc.wakeup = KTIME_MAX
        data = _Walk(childmask=tmc.groupmask)
        self._walk_groups(self.tmigr_active_up, data, tmc)

    def tmigr_cpu_activate(self, cpu: int) -> list:
        """timer_clear_idle(): the CPU leaves idle. Returns the records."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        self.ret = None
        if tmc.tmgroup is None or not tmc.available:
            return out
        if not tmc.idle:
            self._warn(f"tmigr_cpu_activate: CPU{cpu} not idle")
            return out
        tmc.idle = False
        self.__tmigr_cpu_activate(tmc)
        return out

    # ------------------------------------------------------------------------------------------
    # Event propagation
    # ------------------------------------------------------------------------------------------
    def tmigr_update_events(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        """Queue the child's first event in `group`; the only place group events are written.

        Returns walk_done. The top-level check hands the root's first event back in
        data.firstexp when the root has no migrator (the hierarchy is idle)."""
        remote = data.remote
        walk_done = False
        evt: TmigrEvent | None
        if child is not None:
            child_active = child.active
            group_active = group.active
            group_migrator = group.migrator
            if child_active:
                # An active child's migrator takes care of its events: nothing to propagate.
                return True
            first_childevt = self.tmigr_next_groupevt(child)
            nextexp = child.next_expiry
            evt = child.groupevt
            # Racy with a concurrent activation; the ignore flag just mirrors "no event".
            ignore = nextexp == KTIME_MAX
            evt.ignore = ignore
        else:
            nextexp = data.nextexp
            first_childevt = evt = data.evt
            assert evt is not None
            ignore = evt.ignore
            # Fast return: the parent level prunes the ignored event anyway. Not for a
            # single-level tree (the root must compute its first event) and not after a remote
            # expiry (queued events of idle groups must move up). Bug #1 lacked the parent test.
            if ignore and not remote and (group.parent is not None or self._f_early_return):
                return True
            child_active = 0
            group_active = group.active
            group_migrator = group.migrator

        queue = True
        if evt.queued_in is group:
            if evt.expires == nextexp and not ignore:
                # Same expiry: keep the queue position but make sure a new CPU with the same
                # expiry is not missed (bug #6 kept the old leaf CPU). goto check_toplvl.
                if not self._f_no_evtcpu_refresh:
                    evt.cpu = first_childevt.cpu
                queue = False
            elif not self._timerqueue_del(group, evt):
                group.next_expiry = KTIME_MAX
            # A removal that leaves events behind does not refresh next_expiry: it may now be
            # stale (too early) until the next tmigr_next_groupevt().

        if not queue:
            pass
        elif ignore:
            # No event to queue. After a remote expiry an idle group must still be walked so
            # that its other queued events reach the level where a migrator sees them.
            if not remote or group_active:
                walk_done = True
        else:
            evt.expires = nextexp
            evt.cpu = first_childevt.cpu
            if self._timerqueue_add(group, evt):
                group.next_expiry = nextexp

        # check_toplvl:
        if group.parent is None and group_migrator == TMIGR_NONE:
            walk_done = True
            # A remote walk computes the root's first event in tmigr_handle_remote_up itself.
            if remote:
                return walk_done
            # The hierarchy is idle: someone must wake up for its first event.
            data.firstexp = self.tmigr_next_groupevt_expires(group)
            data.top_read = True
        if self._rec_upd:
            self._tp_update_events(child, group, child_active, group_active, nextexp)
        return walk_done

    def tmigr_new_timer_up(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        return self.tmigr_update_events(group, child, data)

    def tmigr_new_timer(self, tmc: TmigrCpu, nextexp: int) -> int:
        # Someone is expiring our timers right now and will re-queue our next event.
        if tmc.remote:
            return KTIME_MAX
        if self._rec:
            self._tp_cpu("tmigr_cpu_new_timer", tmc)
        tmc.cpuevt.ignore = False
        data = _Walk(nextexp, tmc.cpuevt, tmc.groupmask, False)
        self._walk_groups(self.tmigr_new_timer_up, data, tmc)
        # If there is a new first global event of an idle hierarchy, make sure it is handled.
        return data.firstexp

    def tmigr_cpu_new_timer(self, cpu: int, nextexp: int) -> list:
        """A tick-stopped CPU re-evaluates its next global timer. `ret` = its new wakeup."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        if tmc.tmgroup is None or not tmc.available:
            self.ret = nextexp
            return out
        ret = tmc.wakeup
        if nextexp != KTIME_MAX:
            if nextexp != tmc.cpuevt.expires or tmc.cpuevt.ignore:
                ret = self.tmigr_new_timer(tmc, nextexp)
                # Make sure the re-evaluation of timers in the idle path will not miss an event.
                tmc.wakeup = ret
        if self._rec:
            self._tp_cpu_idle("tmigr_cpu_new_timer_idle", tmc, nextexp)
        self.ret = ret
        return out

    # ------------------------------------------------------------------------------------------
    # Deactivation
    # ------------------------------------------------------------------------------------------
    def tmigr_inactive_up(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        walk_done = self.inactive_up_cmpxchg(group, child, data)
        data.remote = False
        self.tmigr_update_events(group, child, data)
        if self._rec and self._inactive_trace_after:
            self._tp_group_state("tmigr_group_set_cpu_inactive", group, data.childmask)
        return walk_done

    def inactive_up_cmpxchg(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        """tmigr_inactive_up up to its tmigr_update_events (the state change and, unless the
        profile traces it after the update, its tracepoint). Returns walk_done."""
        childmask = data.childmask
        # The child state is read with the group state: a child group re-activated meanwhile
        # keeps its bit (the "no-op inactive" event), see the seq race in the header comment.
        child_active = child.active if child is not None else 0
        walk_done = True
        active = group.active
        if not child_active:
            active &= ~childmask
        migrator = group.migrator
        if migrator == childmask and not child_active:
            # Find a new migrator for the group: the lowest remaining active child.
            migrator = LOWEST_BIT[active]
            if migrator == TMIGR_NONE:
                walk_done = False      # the group went idle: its parent must learn it
        group.active = active
        group.migrator = migrator
        group.seq = (group.seq + 1) & 0xFFFF
        if migrator != TMIGR_NONE and not active:
            self._warn(f"{group.id}: migrator {migrator:#x} without active children")
        if self._rec and not self._inactive_trace_after:
            self._tp_group_state("tmigr_group_set_cpu_inactive", group, childmask)
        return walk_done

    def __tmigr_cpu_deactivate(self, tmc: TmigrCpu, nextexp: int) -> int:
        # KTIME_MAX: no global timer, the local timer comes first, or the CPU goes offline.
        if nextexp != KTIME_MAX:
            tmc.cpuevt.ignore = False
        data = _Walk(nextexp, tmc.cpuevt, tmc.groupmask, False)
        self._walk_groups(self.tmigr_inactive_up, data, tmc)
        return data.firstexp

    def tmigr_cpu_deactivate(self, cpu: int, nextexp: int) -> list:
        """The tick-stop path: the CPU goes idle with first global timer `nextexp`.
        `ret` (and the traced ``tmigr_cpu_idle.wakeup``) = the wakeup the CPU gets back."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        if tmc.tmgroup is None or not tmc.available:
            self.ret = nextexp
            return out
        ret = self.__tmigr_cpu_deactivate(tmc, nextexp)
        tmc.idle = True
        tmc.wakeup = ret
        if self._rec:
            self._tp_cpu_idle("tmigr_cpu_idle", tmc, nextexp)
        self.ret = ret
        return out

    def tmigr_cpu_deactivate_steps(self, cpu: int, nextexp: int) -> Iterator[tuple[str, TmigrGroup]]:
        """The deactivation walk one lock-free step at a time, for interleaving tests.

        Yields ``("read", group)`` after the group and child states were snapshotted and
        ``("done", group)`` after the cmpxchg and event update of that level; records accumulate
        in `step_records`. Between the two, other CPUs may run; the cmpxchg then fails if the
        group changed (with ``seq_counter``, any update; without, only a change of
        active/migrator) and is retried with fresh reads, as in the kernel."""
        tmc = self._tmc(cpu)
        self.step_records: list = []
        if tmc.tmgroup is None or not tmc.available:
            return
        if nextexp != KTIME_MAX:
            tmc.cpuevt.ignore = False
        data = _Walk(nextexp, tmc.cpuevt, tmc.groupmask, False)
        child: TmigrGroup | None = None
        group: TmigrGroup | None = tmc.tmgroup
        while group is not None:
            childmask = data.childmask
            snap = (group.active, group.migrator, group.seq)
            child_active = child.active if child is not None else 0
            yield ("read", group)
            while True:
                cur = (group.active, group.migrator, group.seq)
                same = cur == snap if self.seq_counter else cur[:2] == snap[:2]
                if same:
                    break
                # cmpxchg failed: full barrier, re-read group and child state, retry.
                snap = cur
                child_active = child.active if child is not None else 0
            active, migrator = snap[0], snap[1]
            walk_done = True
            if not child_active:
                active &= ~childmask
            if migrator == childmask and not child_active:
                migrator = LOWEST_BIT[active]
                if migrator == TMIGR_NONE:
                    walk_done = False
            out = self._begin(cpu)
            group.active, group.migrator = active, migrator
            group.seq = (snap[2] + 1) & 0xFFFF
            self._tp_group_state("tmigr_group_set_cpu_inactive", group, childmask)
            data.remote = False
            self.tmigr_update_events(group, child, data)
            self.step_records.extend(out)
            yield ("done", group)
            if walk_done:
                break
            child = group
            group = group.parent
            data.childmask = child.groupmask
        out = self._begin(cpu)
        tmc.idle = True
        tmc.wakeup = data.firstexp
        self._tp_cpu_idle("tmigr_cpu_idle", tmc, nextexp)
        self.step_records.extend(out)
        self.ret = data.firstexp

    # ------------------------------------------------------------------------------------------
    # Remote expiry
    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _next_global(spec: Any, cpu: int) -> int:
        if spec is None:
            return KTIME_MAX
        if isinstance(spec, int):
            return spec
        if isinstance(spec, Mapping):
            return spec.get(cpu, KTIME_MAX)
        return spec(cpu)

    def tmigr_requires_handle_remote(self, cpu: int, now: int) -> bool:
        """The tick's lock-free check (no tracepoint): raise TIMER_SOFTIRQ for remote expiry?"""
        tmc = self._tmc(cpu)
        self.ret = False
        if tmc.tmgroup is None or not tmc.available:
            return False
        if tmc.idle:
            self.ret = now >= tmc.wakeup
            return self.ret
        childmask = tmc.groupmask
        group: TmigrGroup | None = tmc.tmgroup
        while group is not None:
            m = group.migrator
            if m != childmask and m != TMIGR_NONE:
                return False
            if now >= group.next_expiry:
                self.ret = True
                return True
            childmask = group.groupmask
            group = group.parent
        return False

    def tmigr_handle_remote(self, cpu: int, now: int, next_global: Any = None) -> list:
        """TIMER_SOFTIRQ on `cpu` at jiffies-time `now` (get_jiffies_update()).

        `next_global` gives, for a CPU whose timers were just expired remotely, its next global
        timer (``tevt.global`` after expiry): None = KTIME_MAX, an int, a {cpu: expiry} mapping
        or a callable(cpu). Take it from the trace (the following ``tmigr_update_events`` with
        ``child=NULL``). `ret` = the CPU's new wakeup (or None if it bailed out)."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        self.ret = None
        self.livelock = None
        if tmc.tmgroup is None or not tmc.available:
            return out
        if not self.tmigr_check_migrator(tmc.tmgroup, tmc.groupmask):
            # An overtaken idle migrator still walks once to drop its stale wakeup (bug #3).
            if tmc.wakeup == KTIME_MAX or self._f_no_stale_wakeup_reset:
                return out
        data = _Walk(childmask=tmc.groupmask)
        data.now = now
        data.cpu = cpu
        data.next_global = next_global
        self._walk_groups(self.tmigr_handle_remote_up, data, tmc)
        tmc.wakeup = data.firstexp
        self.ret = data.firstexp
        return out

    def tmigr_handle_remote_up(self, group: TmigrGroup, child: TmigrGroup | None, data: _Walk) -> bool:
        childmask = data.childmask
        now = data.now
        if self._rec:
            self._out.append(("tmigr_handle_remote", {"cpu": self._cur, "group": group, "lvl": group.level}))
        while True:
            # Only the migrator (or anyone, if there is none) handles the group.
            if not self.tmigr_check_migrator(group, childmask):
                return True
            evt = self.tmigr_next_expired_groupevt(group, now)
            if evt is None:
                break
            data.loops += 1
            if data.loops > self.livelock_limit * 8 or self._livelocked(data, evt):
                self.livelock = (evt.cpu, evt.expires)
                self._warn(f"livelock in tmigr_handle_remote_up: CPU{evt.cpu} expiry {evt.expires}")
                return True
            self.tmigr_handle_remote_cpu(evt.cpu, now, data.next_global)
        # The first event left to handle (next_expiry was refreshed by the lookup above).
        data.firstexp = group.next_expiry
        return False

    def _livelocked(self, data: _Walk, evt: TmigrEvent) -> bool:
        """The same (cpu, expiry) handled again and again in one softirq: bug #19's livelock."""
        key = (evt.cpu, evt.expires)
        seen = data.seen
        if seen is None:
            seen = data.seen = {}
        n = seen.get(key, 0) + 1
        seen[key] = n
        return n > self.livelock_limit

    def tmigr_handle_remote_cpu(self, cpu: int, now: int, next_global: Any = None) -> None:
        """Expire the global timers of idle CPU `cpu` on behalf of it (runs on self._cur)."""
        data = self.handle_remote_cpu_begin(cpu, now, next_global)
        if data is not None:
            # The walk is done even without a new timer: the idle groups above must see the
            # remaining events (header comment: "Required event and timerqueue update after a
            # remote expiry").
            self._walk_groups(self.tmigr_new_timer_up, data, self.cpus[cpu])
        self.cpus[cpu].remote = False

    def handle_remote_cpu_begin(self, cpu: int, now: int, next_global: Any = None) -> _Walk | None:
        """tmigr_handle_remote_cpu up to its update walk: returns the walk (`remote` set, start
        at the CPU's group with tmigr_update_events per level), or None when there is none.
        The caller ends with ``cpus[cpu].remote = False`` (a replay steps the walk per level)."""
        tmc = self._tmc(cpu)
        # Offline: its timers were migrated. remote: someone else is on it. ignore: it woke up.
        # now < expires: its event moved later; whoever moved it takes care.
        if (not tmc.available or tmc.remote or tmc.cpuevt.ignore or now < tmc.cpuevt.expires):
            return None
        if self._rec:
            self._tp_cpu("tmigr_handle_remote_cpu", tmc)
        tmc.remote = True
        tmc.wakeup = KTIME_MAX
        if cpu == self._cur and self._f_remote_self_skip and next_global is None:
            # Bug #19: timer_expire_remote() is skipped for the local CPU, so the next global
            # timer is whatever its own wheel still holds. Normally the local softirq expired the
            # wheel just before (run_timer_softirq runs BASE_GLOBAL first) and the caller tells
            # what is left (`next_global`, from the trace): no difference to the fixed kernel.
            # Without that information the due timer is still queued (jiffies moved on after
            # the local run): it is requeued with the same expiry and the walk loops.
            nextexp = tmc.cpuevt.expires
        else:
            nextexp = self._next_global(next_global, cpu)
        # Gone offline or woken up meanwhile: it (or the offline walk) updated the hierarchy.
        if tmc.available and tmc.idle:
            return _Walk(nextexp, tmc.cpuevt, tmc.groupmask, True)
        return None

    def tmigr_quick_check(self, cpu: int, nextevt: int) -> int:
        """Sleep-length forecast (no tracepoint): min(nextevt, next_expiry on the path) if this
        CPU is alone and migrator all the way up, else KTIME_MAX."""
        tmc = self._tmc(cpu)
        if tmc.tmgroup is None or not tmc.available or tmc.idle:
            return nextevt
        g: TmigrGroup | None = tmc.tmgroup
        assert g is not None
        if not (self.tmigr_check_migrator(g, tmc.groupmask) and bin(g.active).count("1") <= 1):
            return KTIME_MAX
        while g is not None:
            if bin(g.active).count("1") > 1:
                return KTIME_MAX
            nextevt = min(nextevt, g.next_expiry)
            g = g.parent
        return nextevt

    # ------------------------------------------------------------------------------------------
    # Hotplug, availability, isolation
    # ------------------------------------------------------------------------------------------
    def _online_name(self, on: bool) -> str:
        if self.profile.available_naming:
            return "tmigr_cpu_available" if on else "tmigr_cpu_unavailable"
        return "tmigr_cpu_online" if on else "tmigr_cpu_offline"

    def tmigr_is_isolated(self, cpu: int) -> bool:
        """Domain-isolated but not nohz_full (6.19+, after late init enabled the static key)."""
        if not (self.profile.isolation and self.exclude_isolated):
            return False
        t = self.topology
        return cpu in t.isolated and cpu not in t.nohz_full

    def tmigr_cpu_online(self, cpu: int, idle: bool = False) -> list:
        """The CPUHP_AP_TMIGR_ONLINE callback on `cpu` (``tmigr_set_cpu_available`` on 6.19+).
        `idle` = timer_base_is_idle() at that moment (normally False). On 6.9/6.10 this also
        builds the CPU's branch on first online."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        if not self.initialised:
            return out
        self.cpu_online.add(cpu)
        if self.profile.setup_on_target and tmc.tmgroup is None:
            # v6.9/6.10: the branch is built in the online callback, on the incoming CPU.
            out = self.tmigr_cpu_prepare(cpu, on_cpu=cpu)
        if self.profile.isolation and self.tmigr_is_isolated(cpu):
            return out
        return self.__tmigr_set_cpu_available(cpu, idle, out)

    def tmigr_set_cpu_available(self, cpu: int, idle: bool = False) -> list:
        return self.tmigr_cpu_online(cpu, idle)

    def __tmigr_set_cpu_available(self, cpu: int, idle: bool, out: list) -> list:
        tmc = self.cpus[cpu]
        self._cur = cpu
        self._out = out
        if tmc.tmgroup is None:
            self._warn(f"CPU{cpu} online without tmgroup")
            return out
        self.available_mask.add(cpu)
        if tmc.available:
            if not self.profile.available_naming:
                self._warn(f"CPU{cpu} already online")
            return out
        self._tp_cpu(self._online_name(True), tmc)
        tmc.idle = idle
        if not idle:
            self.__tmigr_cpu_activate(tmc)
        tmc.available = True
        return out

    def tmigr_cpu_offline(self, cpu: int) -> list:
        """Teardown of the online state on `cpu` (``tmigr_clear_cpu_available`` on 6.19+).

        If it was the last active CPU with events pending, a CPU is woken to become migrator
        (work_on_cpu): `handoff_target` names it and its activation records follow."""
        out = self._clear_cpu_available(cpu)
        self.cpu_online.discard(cpu)
        return out

    def _clear_cpu_available(self, cpu: int) -> list:
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        self.handoff_target = None
        self.ret = None
        self.available_mask.discard(cpu)
        if tmc.tmgroup is None or not tmc.available:
            return out
        tmc.available = False
        tmc.wakeup = KTIME_MAX
        # The CPU handles its own timers on the way out: nothing to queue (KTIME_MAX).
        firstexp = self.__tmigr_cpu_deactivate(tmc, KTIME_MAX)
        self._tp_cpu(self._online_name(False), tmc)
        self.ret = firstexp
        if firstexp != KTIME_MAX:
            # It was the last active CPU and events are pending: wake a CPU to be migrator.
            target = self._handoff_target(cpu)
            self.handoff_target = target
            if target is not None:
                t = self.cpus[target]
                if t.idle and t.available:
                    out.extend(self.tmigr_cpu_activate(target))
                    self._out = out
            self.ret = firstexp
        return out

    def tmigr_clear_cpu_available(self, cpu: int) -> list:
        return self.tmigr_cpu_offline(cpu)

    def _handoff_target(self, cpu: int) -> int | None:
        how = self.profile.handoff
        if how == "online_but_self":
            cands = sorted(c for c in self.cpu_online if c != cpu)
        elif how == "same_tree":
            tree = self.cpus[cpu].tree
            cands = sorted(c for c in self.available_mask if self.cpus[c].tree is tree)
        else:
            cands = sorted(self.available_mask)
        return cands[0] if cands else None

    def tmigr_isolated_exclude_cpumask(self, exclude: Iterable[int]) -> list:
        """cpuset's new isolated set (6.19+): unisolate online CPUs not in it, then isolate the
        available ones in it that are kernel-noise housekeepers (not nohz_full), sparing the tick
        CPU under nohz_full. Records of all CPUs involved, in order."""
        out_all: list = []
        if not self.profile.isolation:
            return out_all
        ex = set(exclude)
        for c in sorted(self.cpu_online - ex - self.available_mask):
            o = self._begin(c)
            out_all.extend(self.__tmigr_set_cpu_available(c, False, o))
        t = self.topology
        iso = sorted((ex & self.available_mask) - set(t.nohz_full))
        if t.nohz_full:
            for c in iso:
                if c == t.boot_cpu:        # !tick_nohz_cpu_hotpluggable(): the timekeeper
                    iso.remove(c)
                    break
        for c in iso:
            out_all.extend(self._clear_cpu_available(c))
        return out_all

    def tmigr_init_isolation(self) -> list:
        """late_initcall (6.19+): enable the static key, exclude possible - HK_TYPE_DOMAIN."""
        if not self.profile.isolation:
            return []
        self.exclude_isolated = True
        if not self.topology.isolated:
            return []
        return self.tmigr_isolated_exclude_cpumask(self.topology.isolated)

    # ------------------------------------------------------------------------------------------
    # Setup (construction)
    # ------------------------------------------------------------------------------------------
    def tmigr_cpu_prepare(self, cpu: int, on_cpu: int | None = None) -> list:
        """The CPUHP_TMIGR_PREPARE callback for `cpu`, run on `on_cpu` (the control CPU; default:
        the lowest available CPU, or `cpu` itself at early boot). First online only."""
        tmc = self._tmc(cpu)
        if on_cpu is None:
            on_cpu = min(self.available_mask) if self.available_mask else cpu
        out = self._begin(on_cpu)
        if not self.initialised or tmc.tmgroup is not None:
            return out
        tmc.cpuevt.expires = KTIME_MAX
        tmc.cpuevt.ignore = True
        tmc.remote = False
        tmc.wakeup = KTIME_MAX
        self.tmigr_add_cpu(cpu)
        if tmc.groupmask == 0:
            self._warn(f"CPU{cpu}: groupmask 0 after setup (-EINVAL)")
        return out

    def prepare_cpu(self, cpu: int) -> list:
        return self.tmigr_cpu_prepare(cpu)

    def tmigr_add_cpu(self, cpu: int) -> None:
        tmc = self.cpus[cpu]
        tree = tmc.tree
        node = tmc.node
        if self.setup_strategy != "numa_root":
            self.tmigr_setup_groups(cpu, node)
            return
        old_root = tree.root
        self.tmigr_setup_groups(cpu, node, None, False)
        if old_root is None or old_root is tree.root:
            return
        # The root changed: connect the old one below the new one.
        p = self.profile
        if not p.old_root_via_available_cpu:
            if self._cur == cpu and self.available_mask:
                self._warn("prepare of a new root done by the target CPU")
            self.tmigr_setup_groups(-1, old_root.numa_node, old_root, True)
            return
        # June-2026: the old root can only be activated from a CPU that is available in the
        # hierarchy; at early boot (all prepares before any online) nobody is: link only (still
        # into the reserved slot 0: the pass is keyed on `start`, see _setup_groups_numa).
        if self._cur in self.available_mask:
            self.tmigr_setup_groups(-1, old_root.numa_node, old_root, True)
        elif self.available_mask:
            saved = self._cur
            self._cur = min(self.available_mask)       # work_on_cpu(cpumask_first(available))
            self.tmigr_setup_groups(-1, old_root.numa_node, old_root, True)
            self._cur = saved
        else:
            self.tmigr_setup_groups(-1, old_root.numa_node, old_root, False)

    def tmigr_get_group(self, tree: TmigrTree, node: int, lvl: int) -> TmigrGroup:
        """Reuse the newest group of the level with room (and the same node below the
        cross-node level) or create one. CPUs are packed in prepare order; SMT is ignored."""
        cross = tree.crossnode_level
        for tmp in reversed(tree.level_list[lvl]):
            if lvl < cross and tmp.numa_node != node:
                continue
            if tmp.num_children >= TMIGR_CHILDREN_PER_GROUP:
                continue
            return tmp
        return self._tmigr_init_group(tree, lvl, node)

    def _tmigr_init_group(self, tree: TmigrTree, lvl: int, node: int) -> TmigrGroup:
        n = len(tree.level_list[lvl])
        prefix = f"{tree.name}/" if tree.name and len(self.trees) > 1 else ""
        g = TmigrGroup(f"{prefix}GRP{lvl}:{n}", len(self.groups), lvl,
                       node if lvl < tree.crossnode_level else NUMA_NO_NODE, tree)
        g.capacity = tree.capacity
        if self.setup_strategy == "prereserve" and n == 0:
            # A new top level prepares its groupmask in advance (b729cc1ec21a) so that a walker
            # never sees a published parent with an unset mask; slot 0 is the old root's.
            g.groupmask = 1
            if lvl > 0:
                g.num_children = 1
        tree.level_list[lvl].append(g)
        self.groups.append(g)
        self.group_by_id[g.id] = g
        if self._rec:
            self._out.append(("tmigr_group_set", {"cpu": self._cur, "group": g, "lvl": lvl,
                                                  self.node_key: g.numa_node}))
        return g

    def _tp_connect(self, event: str, child_key: str, child: Any, parent: TmigrGroup, mask: int) -> None:
        """trace_tmigr_connect_child_parent / _cpu_parent: lvl, node and num_children are the parent's."""
        if self._rec:
            d = {"cpu": self._cur, child_key: child, "parent": parent, "lvl": parent.level,
                 self.node_key: parent.numa_node, "num_children": parent.num_children, "groupmask": mask}
            if self.profile.capacity_field:
                d["capacity"] = parent.capacity
            self._out.append((event, d))

    def _tp_connect_child(self, child: TmigrGroup, parent: TmigrGroup) -> None:
        self._tp_connect("tmigr_connect_child_parent", "child", child, parent, child.groupmask)

    def _connect_cpu(self, tmc: TmigrCpu, group: TmigrGroup) -> None:
        tmc.tmgroup = group
        tmc.groupmask = 1 << group.num_children
        group.num_children += 1
        group.cpus.append(tmc.cpu)
        self._tp_connect("tmigr_connect_cpu_parent", "target_cpu", tmc.cpu, group, tmc.groupmask)

    def _link(self, child: TmigrGroup, parent: TmigrGroup) -> None:
        child.parent = parent
        parent.children.append(child)

    def tmigr_setup_groups(self, cpu: int, node: int, start: TmigrGroup | None = None,
                           activate: bool = False) -> None:
        """Build the branch of `cpu` (or, numa_root second pass, of the old root `start`)."""
        if self.setup_strategy == "numa_root":
            self._setup_groups_numa(cpu, node, start, activate)
        else:
            self._setup_groups_legacy(cpu, node)

    def _setup_groups_legacy(self, cpu: int, node: int) -> None:
        """v6.9 .. v6.18 mainline: one pass; the old root is linked when the new top is created."""
        tmc = self.cpus[cpu]
        tree = tmc.tree
        levels = tree.levels
        lists = tree.level_list
        prereserve = self.setup_strategy == "prereserve"
        simple_stop = self.profile.name not in ("6.9", "6.11", "6.13")
        stack: list[TmigrGroup] = []
        i = 0
        while True:
            group = self.tmigr_get_group(tree, node, i)
            top = i
            stack.append(group)
            i += 1
            # Only as many levels as the CPUs prepared so far need: stop at a level holding a
            # single group (the current top) or at a group already linked.
            if group.parent is not None or i == levels:
                break
            if simple_stop:
                if len(lists[i - 1]) == 1:      # 6.14 (dcf6230555dc)
                    break
            elif not lists[i] and len(lists[i - 1]) == 1:
                break
        while i > 0:
            i -= 1
            group = stack[i]
            if i == 0:
                self._connect_cpu(tmc, group)
                continue
            child = stack[i - 1]
            # Will be activated at online time.
            self._connect_child_parent_legacy(child, group, False)
            if top != i:
                continue
            # A new top level: the old root below it must be linked (and made active in it).
            want = 2 if prereserve and "root_test_off_by_one" not in self.faults else 1
            if group.num_children == want and len(lists[top]) == 1:
                for old in reversed(lists[top - 1]):
                    if old.parent is not None or (self.deferred_links and old in self.deferred_links):
                        continue
                    if self.deferred_links is not None:
                        self.deferred_links[old] = (lambda o=old, g=group:
                                                    self._connect_child_parent_legacy(o, g, True))
                        continue
                    self._connect_child_parent_legacy(old, group, True)

    def _connect_child_parent_legacy(self, child: TmigrGroup, parent: TmigrGroup, activate: bool) -> None:
        prereserve = self.setup_strategy == "prereserve"
        if not (prereserve and activate):
            # Adding the child for the CPU going up (or, before 6.13, the old root too).
            child.groupmask = 1 << parent.num_children
            parent.num_children += 1
        elif child.groupmask != 1 or parent.num_children != 2:
            self._warn(f"old root {child.id} mask {child.groupmask:#x} / {parent.id} "
                       f"num_children {parent.num_children}")
        self._link(child, parent)
        self._tp_connect_child(child, parent)
        if not activate:
            return
        policy = self.profile.old_root_activation
        if policy == "if_migrator" and child.migrator == TMIGR_NONE:
            return          # v6.9: only an old root with a migrator is propagated (racy)
        if policy == "if_active" and not child.active:
            return
        if "unpublished_groupmask" in self.faults:
            # Bug #11: a CPU activating through the old root saw the new parent but read the old
            # root's groupmask before it was written: it activates mask 0 in the new root.
            self.tmigr_active_up(parent, child, _Walk(childmask=0))
        # Active children must be active in the new parent too: one level (the new root).
        self.tmigr_active_up(parent, child, _Walk(childmask=child.groupmask))

    def _tmigr_init_root(self, tree: TmigrTree, group: TmigrGroup, root_up: bool) -> bool:
        """`root_up`: this is the old-root pass (`activate` before the June-2026 RFC, see
        `_setup_groups_numa`); no new top level may appear then."""
        if group.parent is None and group is not tree.root:
            # A new top level prepares its groupmask in advance.
            group.groupmask = 1
            if root_up:
                self._warn(f"tmigr_init_root({group.id}) on the old-root pass")
            return True
        return False

    def _setup_groups_numa(self, cpu: int, node: int, start: TmigrGroup | None, activate: bool) -> None:
        """v6.19 (and stable backports): explicit tmigr_root; a CPU of another node than the
        root builds its node's chain up to the cross-node level; a second pass (`start` = old
        root) links the old root through groups of its own node."""
        if start is not None:
            tree = start.tree
        else:
            tree = self.cpus[cpu].tree
        levels = tree.levels
        lists = tree.level_list
        cross = tree.crossnode_level
        stack: list[TmigrGroup | None] = [None] * levels
        start_lvl = 0
        if start is not None:
            stack[start.level] = start
            start_lvl = start.level + 1
        root_mismatch = tree.root is not None and tree.root.numa_node != node
        # The flag of tmigr_init_root() and tmigr_connect_child_parent(): "this is the old-root
        # pass, slot 0 of the new root is the old root's". 6.19 (and its backports) pass
        # `activate`, which is true exactly on that pass. The June-2026 RFC ("[PATCH 2/6]
        # timers/migration: Defer initialization after capacity topology is setup", Weisbecker,
        # 25 Jun 2026) renames the flag `root_up` and passes `start` instead, because its
        # old-root pass may run without activation (no CPU available yet: all prepares precede
        # every online): the old root still takes the reserved BIT(0) and num_children stays 2.
        # The same patch brought the connect through an available CPU, hence the switch.
        root_up = (start is not None) if self.profile.old_root_via_available_cpu else activate
        top = 0
        i = start_lvl
        group: TmigrGroup | None
        while i < levels:
            group = self.tmigr_get_group(tree, node, i)
            top = i
            stack[i] = group
            if group.parent is not None:
                break
            if (not root_mismatch or i >= cross) and len(lists[i]) == 1:
                break
            i += 1
        if i >= levels:
            self._warn("tmigr_setup_groups: no single root (-EINVAL)")
            return
        while i >= start_lvl:
            group = stack[i]
            assert group is not None
            if i == 0:
                tmc = self.cpus[cpu]
                self._connect_cpu(tmc, group)
                self._tmigr_init_root(tree, group, root_up)
            elif i == start_lvl and self.deferred_links is not None:
                # The old root's own link (and its activation) happens at connect_deferred().
                self.deferred_links[start] = (lambda t=tree, s=start, g=group, r=root_up, a=activate:
                                              self._connect_old_root_numa(t, s, g, r, a))
                start = None
            else:
                self._connect_child_parent_numa(tree, stack[i - 1], group, root_up)
            i -= 1
        if start is not None:
            self._old_root_linked(start, activate)
        # Root update.
        if len(lists[top]) == 1:
            g = lists[top][0]
            if g.parent is not None:
                self._warn(f"root {g.id} has a parent")
            if tree.root is not None and tree.root.level > top:
                self._warn("new root below the old one")
            tree.root = g

    def _connect_old_root_numa(self, tree: TmigrTree, start: TmigrGroup, parent: TmigrGroup,
                               root_up: bool, activate: bool) -> None:
        self._connect_child_parent_numa(tree, start, parent, root_up)
        self._old_root_linked(start, activate)

    def _old_root_linked(self, start: TmigrGroup, activate: bool) -> None:
        """End of the second tmigr_setup_groups pass: the old root's active state into the new
        levels."""
        if activate:
            # The old root is active (the preparing CPU is) or being activated by a CPU that
            # will see the new links; 7.1 propagates only an observed active state.
            if start.parent is None:
                self._warn("old root without parent after connection")
            policy = self.profile.old_root_activation
            if policy != "if_active" or start.active:
                if not start.active:
                    self._warn(f"old root {start.id} not active when propagated")
                data = _Walk(childmask=start.groupmask)
                self._walk_groups_from(self.tmigr_active_up, data, start, start.parent)
        elif start.active:
            # June-2026 without an available CPU: WARN_ON_ONCE(old root active), no walk.
            self._warn(f"old root {start.id} active but linked without activation")

    def connect_deferred(self, child: TmigrGroup, cpu: int) -> list:
        """Apply the held-back link of `child` (see `deferred_links`), recorded on `cpu`."""
        out = self._begin(cpu)
        fn = self.deferred_links.pop(child, None) if self.deferred_links else None
        if fn is not None:
            fn()
        return out

    def _connect_child_parent_numa(self, tree: TmigrTree, child: TmigrGroup, parent: TmigrGroup,
                                   root_up: bool) -> None:
        """`root_up`: old-root pass (`activate` in 6.19, `start` in June-2026)."""
        if self._tmigr_init_root(tree, parent, root_up):
            # The previous top level prepared its groupmask already: account it as child 0.
            parent.num_children = 1
        if parent.parent is None and root_up:
            # The old root (or a group between it and the new root) takes reserved slot 0.
            if parent.num_children != 2:
                self._warn(f"{parent.id}: num_children {parent.num_children} != 2 on old-root link")
            child.groupmask = 1
        else:
            child.groupmask = 1 << parent.num_children
            parent.num_children += 1
        self._link(child, parent)
        self._tp_connect_child(child, parent)

    # ------------------------------------------------------------------------------------------
    # Boot
    # ------------------------------------------------------------------------------------------
    def boot(self, parallel_bringup: bool = False) -> list:
        """Bring up the topology's boot CPUs as the profile's kernel does; returns the records.

        * 6.11+ (early_initcall): the boot CPU prepares and onlines itself, then each secondary
          is prepared by the boot CPU and onlined on itself (with `parallel_bringup`, as x86
          since 6.5, all prepares come first). 6.19+ then excludes isolated CPUs at late init.
        * 6.9/6.10 (late_initcall): each online CPU builds its branch in its own online callback.
        * June-2026 (late_initcall): all prepares (on the boot CPU), then all onlines.
        """
        out_all: list = []
        if not self.initialised:
            return out_all
        p = self.profile
        order = self.topology.boot_order()
        boot = self.topology.boot_cpu
        if p.setup_on_target:
            for c in sorted(order):
                out_all.extend(self.tmigr_cpu_online(c))
        elif p.prepares_before_onlines:
            for c in sorted(order):
                self.cpu_online.add(c)
                out_all.extend(self.tmigr_cpu_prepare(c, on_cpu=boot))
            for c in sorted(order):
                out_all.extend(self.tmigr_cpu_online(c))
        else:
            first, rest = order[:1], order[1:]
            for c in first:
                out_all.extend(self.tmigr_cpu_prepare(c, on_cpu=c))
                out_all.extend(self.tmigr_cpu_online(c))
            if parallel_bringup:
                for c in rest:
                    out_all.extend(self.tmigr_cpu_prepare(c, on_cpu=boot))
                for c in rest:
                    out_all.extend(self.tmigr_cpu_online(c))
            else:
                for c in rest:
                    out_all.extend(self.tmigr_cpu_prepare(c, on_cpu=boot))
                    out_all.extend(self.tmigr_cpu_online(c))
        if p.isolation:
            out_all.extend(self.tmigr_init_isolation())
        return out_all

    def online_cpu(self, cpu: int, on_cpu: int | None = None, idle: bool = False) -> list:
        """Late onlining (sysfs): prepare on the control CPU `on_cpu`, then online on `cpu`."""
        out: list = []
        if not self.profile.setup_on_target:
            out.extend(self.tmigr_cpu_prepare(cpu, on_cpu=on_cpu))
        out.extend(self.tmigr_cpu_online(cpu, idle=idle))
        return out

    def offline_cpu(self, cpu: int) -> list:
        return self.tmigr_cpu_offline(cpu)

    # ------------------------------------------------------------------------------------------
    # Resync (anchoring a replay that starts mid-stream) and construction from observed events
    # ------------------------------------------------------------------------------------------
    def group(self, gid: str | TmigrGroup) -> TmigrGroup:
        return gid if isinstance(gid, TmigrGroup) else self.group_by_id[gid]

    def resync_group_state(self, group: str | TmigrGroup, active: int, migrator: int,
                           seq: int | None = None) -> None:
        """Set a group's (active, migrator) from an observed group_set_cpu_* event. When the
        group becomes active its groupevt is ignored, as tmigr_active_up does."""
        g = self.group(group)
        g.active = active & 0xFF
        g.migrator = migrator & 0xFF
        if seq is not None:
            g.seq = seq & 0xFFFF
        if g.active:
            g.groupevt.ignore = True

    def children_activated(self, group: TmigrGroup, bits: int) -> None:
        """A state of `group` shows children's bits (`bits`) whose activation the trace lacks:
        each stored its event's ignore flag before its step on `group` (tmigr_active_up():
        ``group->groupevt.ignore = true`` before the walk goes up; __tmigr_cpu_activate():
        ``tmc->cpuevt.ignore = true`` before the walk), so lookups of `group` skip those events."""
        if not bits:
            return
        if group.level == 0:
            for tmc in self.cpus.values():
                if tmc.tmgroup is group and tmc.groupmask & bits:
                    tmc.cpuevt.ignore = True
            return
        for child in self.groups:
            if child.parent is group and child.groupmask & bits:
                child.groupevt.ignore = True

    def resync_cpu(self, cpu: int, *, idle: bool | None = None, wakeup: int | None = None,
                   available: bool | None = None, remote: bool | None = None) -> None:
        """Set a CPU's flags from observation (e.g. ``tmigr_cpu_idle`` -> idle=True, wakeup).
        Making a CPU active also ignores its cpuevt, as activation does."""
        tmc = self._tmc(cpu)
        if idle is not None:
            tmc.idle = idle
            if not idle:
                tmc.cpuevt.ignore = True
        if wakeup is not None:
            tmc.wakeup = wakeup
        if available is not None:
            tmc.available = available
            (self.available_mask.add if available else self.available_mask.discard)(cpu)
            if available:
                self.cpu_online.add(cpu)
        if remote is not None:
            tmc.remote = remote

    def resync_cpu_event(self, cpu: int, expires: int, ignore: bool = False, queued: bool = True) -> None:
        """Put CPU `cpu`'s cpuevt at `expires` in its level-0 queue (or take it out)."""
        tmc = self._tmc(cpu)
        self._place_event(tmc.cpuevt, tmc.tmgroup, expires, tmc.cpu, ignore, queued)

    def resync_group_event(self, child: str | TmigrGroup, expires: int, cpu: int, ignore: bool = False,
                           queued: bool = True) -> None:
        """Put group `child`'s groupevt at `expires` (leaf `cpu`) in its parent's queue."""
        g = self.group(child)
        self._place_event(g.groupevt, g.parent, expires, cpu, ignore, queued)

    def _place_event(self, evt: TmigrEvent, group: TmigrGroup | None, expires: int, cpu: int,
                     ignore: bool, queued: bool) -> None:
        if queued and group is not None and evt.queued_in is group and evt.expires == expires:
            # already there: it keeps its place among equal expiries (timerqueue order)
            evt.cpu = cpu
            evt.ignore = ignore
            return
        if evt.queued_in is not None:
            self._timerqueue_del(evt.queued_in, evt)
        evt.expires = expires
        evt.cpu = cpu
        evt.ignore = ignore
        if queued and group is not None and expires != KTIME_MAX:
            self._timerqueue_add(group, evt)

    def resync_next_expiry(self, group: str | TmigrGroup, next_expiry: int) -> None:
        self.group(group).next_expiry = next_expiry

    def resync_update_events(self, group: str | TmigrGroup, child: str | TmigrGroup | None,
                             cpu: int | None, nextevt: int, group_next_expiry: int,
                             child_evt_expiry: int | None = None, child_evtcpu: int | None = None) -> None:
        """Apply an observed ``tmigr_update_events``: the child's event (the CPU's cpuevt when
        `child` is None, then `cpu` names the CPU the walk ran for) is queued at `nextevt` (taken
        out if KTIME_MAX), a child group's next_expiry is `nextevt`, and the group's next_expiry
        is set to the traced value (which may be stale-early, as the kernel's)."""
        g = self.group(group)
        if child is None:
            if cpu is None:
                raise ModelError("resync_update_events at level 0 needs the CPU")
            tmc = self._tmc(cpu)
            self._place_event(tmc.cpuevt, g, nextevt, cpu, nextevt == KTIME_MAX, nextevt != KTIME_MAX)
        else:
            c = self.group(child)
            leaf = child_evtcpu if child_evtcpu is not None else c.groupevt.cpu
            self._place_event(c.groupevt, g, nextevt, leaf, nextevt == KTIME_MAX, nextevt != KTIME_MAX)
            if child_evt_expiry is not None and nextevt == KTIME_MAX:
                c.groupevt.expires = child_evt_expiry   # the leftover value the kernel prints
            # nextevt is child->next_expiry as the walk's look-up left it (tmigr_update_events():
            # tmigr_next_groupevt(child); nextexp = child->next_expiry), e.g. an event its owner's
            # activation ignored only after that look-up, still first there
            c.next_expiry = nextevt
        g.next_expiry = group_next_expiry

    # Construction from observed setup events (the engine maps trace pointers to these groups).
    def resync_group_set(self, lvl: int, node: int, tree: int = 0) -> TmigrGroup:
        """Create a group as an observed ``tmigr_group_set`` did (no mask pre-setting: the
        following connect events carry the masks)."""
        t = self.trees[tree] if tree in self.trees else next(iter(self.trees.values()))
        n = len(t.level_list[lvl])
        prefix = f"{t.name}/" if t.name and len(self.trees) > 1 else ""
        g = TmigrGroup(f"{prefix}GRP{lvl}:{n}", len(self.groups), lvl, node, t)
        t.level_list[lvl].append(g)
        self.groups.append(g)
        self.group_by_id[g.id] = g
        return g

    def resync_connect_child_parent(self, child: str | TmigrGroup, parent: str | TmigrGroup,
                                    groupmask: int, num_children: int) -> None:
        c, p = self.group(child), self.group(parent)
        c.groupmask = groupmask
        if c.parent is not p:
            self._link(c, p)
        p.num_children = num_children
        self._update_root(p.tree)

    def resync_connect_cpu_parent(self, cpu: int, parent: str | TmigrGroup, groupmask: int,
                                  num_children: int) -> None:
        tmc = self._tmc(cpu)
        p = self.group(parent)
        tmc.tmgroup = p
        tmc.groupmask = groupmask
        if cpu not in p.cpus:
            p.cpus.append(cpu)
        p.num_children = num_children
        self._update_root(p.tree)

    def _update_root(self, tree: TmigrTree) -> None:
        for lvl in range(tree.levels - 1, -1, -1):
            tops = [g for g in tree.level_list[lvl] if g.parent is None]
            if tops:
                tree.root = tops[0] if len(tops) == 1 else tree.root
                return

    # ------------------------------------------------------------------------------------------
    # Per-level steps for the replay engine (docs/model-api-requests.md R3/R4/R5/R7). Each level
    # is its own cmpxchg/lock in the kernel, so cross-CPU interleaving happens per level: the
    # engine keeps one walk per CPU and applies levels at the positions of observed events.
    # ------------------------------------------------------------------------------------------
    @staticmethod
    def active_up_state(active: int, migrator: int, childmask: int) -> tuple[int, int]:
        """Pure tmigr_active_up decision: (active, migrator) after the update."""
        return active | childmask, (childmask if migrator == TMIGR_NONE else migrator)

    @staticmethod
    def inactive_up_state(active: int, migrator: int, childmask: int, child_active: int = 0) -> tuple[int, int]:
        """Pure tmigr_inactive_up decision (lowest remaining bit takes over)."""
        if child_active:
            return active, migrator
        active &= ~childmask
        if migrator == childmask:
            migrator = LOWEST_BIT[active]
        return active, migrator

    def new_walk(self, cpu: int, nextexp: int = KTIME_MAX, remote: bool = False) -> _Walk:
        """A `struct tmigr_walk` for `cpu`'s own walk (evt = its cpuevt, childmask = its mask)."""
        tmc = self._tmc(cpu)
        w = _Walk(nextexp, tmc.cpuevt, tmc.groupmask, remote)
        w.cpu = cpu
        return w

    def _step(self, fn: Callable, group: TmigrGroup, child: TmigrGroup | None, w: _Walk) -> tuple[list, bool]:
        out = self._begin(w.cpu)
        done = fn(group, child, w)
        return out, done

    def step_active_up(self, group: TmigrGroup, child: TmigrGroup | None, w: _Walk) -> tuple[list, bool]:
        return self._step(self.tmigr_active_up, group, child, w)

    def step_inactive_up(self, group: TmigrGroup, child: TmigrGroup | None, w: _Walk) -> tuple[list, bool]:
        return self._step(self.tmigr_inactive_up, group, child, w)

    def step_update_events(self, group: TmigrGroup, child: TmigrGroup | None, w: _Walk) -> tuple[list, bool]:
        return self._step(self.tmigr_update_events, group, child, w)

    def step_handle_remote_up(self, group: TmigrGroup, child: TmigrGroup | None, w: _Walk) -> tuple[list, bool]:
        return self._step(self.tmigr_handle_remote_up, group, child, w)

    @staticmethod
    def next_level(group: TmigrGroup, w: _Walk) -> TmigrGroup | None:
        """Advance a walk one level (what __walk_groups does between callbacks)."""
        w.childmask = group.groupmask
        return group.parent

    def cpu_activate_begin(self, cpu: int) -> list:
        """Prologue of tmigr_cpu_activate: idle=False, trace cpu_active, ignore cpuevt, reset
        wakeup. Follow with step_active_up per level (walk from new_walk(cpu))."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        tmc.idle = False
        self._tp_cpu("tmigr_cpu_active", tmc)
        tmc.cpuevt.ignore = True
        tmc.wakeup = KTIME_MAX
        return out

    def cpu_deactivate_begin(self, cpu: int, nextexp: int) -> _Walk:
        """Prologue of __tmigr_cpu_deactivate: the walk; un-ignore cpuevt if a timer is given."""
        tmc = self._tmc(cpu)
        if nextexp != KTIME_MAX:
            tmc.cpuevt.ignore = False
        return self.new_walk(cpu, nextexp)

    def cpu_deactivate_end(self, cpu: int, w: _Walk) -> list:
        """Epilogue: idle=True, wakeup = firstexp, trace tmigr_cpu_idle."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        tmc.idle = True
        tmc.wakeup = w.firstexp
        self._tp_cpu_idle("tmigr_cpu_idle", tmc, w.nextexp)
        self.ret = w.firstexp
        return out

    def new_timer_begin(self, cpu: int, nextexp: int) -> tuple[list, _Walk | None]:
        """Prologue of tmigr_cpu_new_timer: returns (records, walk) - walk None when no walk
        happens (unchanged expiry, KTIME_MAX, or the CPU is being handled remotely)."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        if nextexp == KTIME_MAX or (nextexp == tmc.cpuevt.expires and not tmc.cpuevt.ignore):
            return out, None
        if tmc.remote:
            return out, None
        self._tp_cpu("tmigr_cpu_new_timer", tmc)
        tmc.cpuevt.ignore = False
        return out, self.new_walk(cpu, nextexp)

    def new_timer_end(self, cpu: int, nextexp: int, w: _Walk | None) -> list:
        """Epilogue: wakeup = walk's firstexp (if a walk ran), trace tmigr_cpu_new_timer_idle."""
        out = self._begin(cpu)
        tmc = self._tmc(cpu)
        if w is not None:
            tmc.wakeup = w.firstexp
        elif nextexp != KTIME_MAX and tmc.remote and (nextexp != tmc.cpuevt.expires or tmc.cpuevt.ignore):
            tmc.wakeup = KTIME_MAX         # tmigr_new_timer returned KTIME_MAX without a walk
        self._tp_cpu_idle("tmigr_cpu_new_timer_idle", tmc, nextexp)
        self.ret = tmc.wakeup
        return out

    def remote_may_handle(self, group: TmigrGroup, childmask: int) -> bool:
        return self.tmigr_check_migrator(group, childmask)

    def remote_first_due(self, group: TmigrGroup, now: int) -> TmigrEvent | None:
        """tmigr_next_expired_groupevt: dequeue and return the first due event, or None."""
        return self.tmigr_next_expired_groupevt(group, now)

    def handle_remote_cpu(self, on_cpu: int, target: int, now: int, next_global: Any = None) -> list:
        """tmigr_handle_remote_cpu(target) executed by `on_cpu`; returns its records."""
        out = self._begin(on_cpu)
        self.tmigr_handle_remote_cpu(target, now, next_global)
        return out

    # R3/R5 names.
    def anchor_group(self, gid: str | TmigrGroup, active: int | None = None, migrator: int | None = None) -> None:
        g = self.group(gid)
        self.resync_group_state(g, g.active if active is None else active,
                                g.migrator if migrator is None else migrator)

    def anchor_group_expiry(self, gid: str | TmigrGroup, next_expiry: int) -> None:
        self.resync_next_expiry(gid, next_expiry)

    def anchor_group_event(self, gid: str | TmigrGroup, expires: int, cpu: int, ignore: bool | None = None) -> None:
        """Set group `gid`'s groupevt (queued in its parent unless ignored/KTIME_MAX)."""
        ign = (expires == KTIME_MAX) if ignore is None else ignore
        self.resync_group_event(gid, expires, cpu, ign, not ign)

    def anchor_cpu(self, cpu: int, idle: bool | None = None, wakeup: int | None = None,
                   nextexp: int | None = None, online: bool | None = None) -> None:
        self.resync_cpu(cpu, idle=idle, wakeup=wakeup, available=online)
        if nextexp is not None:
            self.resync_cpu_event(cpu, nextexp, nextexp == KTIME_MAX, nextexp != KTIME_MAX)

    def group_state(self, gid: str | TmigrGroup) -> tuple[int, int]:
        g = self.group(gid)
        return g.active, g.migrator

    def leaf_cpus(self, gid: str | TmigrGroup) -> frozenset[int]:
        """CPUs below a group (for matching trace pointers onto model groups)."""
        g = self.group(gid)
        out: set[int] = set(g.cpus)
        stack = list(g.children)
        while stack:
            c = stack.pop()
            out.update(c.cpus)
            stack.extend(c.children)
        return frozenset(out)

    def path_state(self, cpu: int) -> list[dict[str, Any]]:
        """Per-level dicts from the CPU's group to the root, for --explain."""
        return [{"gid": g.id, "lvl": g.level, "active": g.active, "migrator": g.migrator,
                 "next_expiry": g.next_expiry, "groupmask": g.groupmask,
                 "events": [(e.expires, e.cpu, e.ignore) for e in g.events[:4]]}
                for g in self.path_to_root(cpu)]

    # ------------------------------------------------------------------------------------------
    # Inspection
    # ------------------------------------------------------------------------------------------
    @property
    def root(self) -> TmigrGroup | None:
        """The root of the (first) tree: the topmost group without parent."""
        tree = next(iter(self.trees.values()))
        if tree.root is not None and tree.root.parent is None:
            return tree.root
        for lvl in range(tree.levels - 1, -1, -1):
            tops = [g for g in tree.level_list[lvl] if g.parent is None]
            if tops:
                return tops[-1]
        return None

    def roots(self) -> list[TmigrGroup]:
        """Every group without a parent that has children or CPUs (more than one = bug #12)."""
        return [g for g in self.groups if g.parent is None and (g.num_children or g.cpus)]

    def path_to_root(self, cpu: int) -> list[TmigrGroup]:
        g = self._tmc(cpu).tmgroup
        path: list[TmigrGroup] = []
        while g is not None:
            path.append(g)
            g = g.parent
        return path

    def describe_path(self, cpu: int) -> str:
        """One line per level from the CPU to the root: what a divergence report prints."""
        tmc = self._tmc(cpu)
        lines = [tmc.state_str()]
        lines += ["  " + g.state_str() for g in self.path_to_root(cpu)]
        return "\n".join(lines)

    def shape(self) -> dict[str, Any]:
        """The tree as plain data: groups in creation order and CPU attachments. Comparable
        with `tmigr_trace.replay.model.shape_from_setup_events` of a real capture."""
        return {
            "groups": [(g.id, g.level, g.numa_node, g.parent.id if g.parent else None,
                        g.groupmask if g.parent else None, g.num_children) for g in self.groups],
            "cpus": {c: (t.tmgroup.id, t.groupmask) for c, t in sorted(self.cpus.items())
                     if t.tmgroup is not None},
        }

    def dump(self) -> dict[str, Any]:
        """Full state as plain data (JSON-able)."""
        def evt(e: TmigrEvent) -> dict[str, Any]:
            return {"expires": e.expires, "cpu": e.cpu, "ignore": e.ignore,
                    "queued_in": e.queued_in.id if e.queued_in else None}
        return {
            "profile": self.profile.name, "faults": sorted(self.faults),
            "levels": self.levels, "crossnode_level": self.crossnode_level,
            "root": self.root.id if self.root else None,
            "groups": {g.id: {"level": g.level, "node": g.numa_node,
                              "parent": g.parent.id if g.parent else None,
                              "groupmask": g.groupmask, "num_children": g.num_children,
                              "active": g.active, "migrator": g.migrator, "seq": g.seq,
                              "next_expiry": g.next_expiry,
                              "events": [evt(e) for e in g.events], "groupevt": evt(g.groupevt)}
                       for g in self.groups},
            "cpus": {c: {"group": t.tmgroup.id if t.tmgroup else None, "groupmask": t.groupmask,
                         "available": t.available, "idle": t.idle, "remote": t.remote,
                         "wakeup": t.wakeup, "cpuevt": evt(t.cpuevt)}
                     for c, t in sorted(self.cpus.items())},
        }

    def check_invariants(self) -> list[str]:
        """Soft invariants: migrator set implies active; active implies migrator is an active bit."""
        bad: list[str] = []
        for g in self.groups:
            if g.migrator != TMIGR_NONE and not g.active:
                bad.append(f"{g.id}: migrator {g.migrator:#x} with no active child")
            if g.active and (g.migrator == TMIGR_NONE or not (g.migrator & g.active)):
                bad.append(f"{g.id}: active {g.active:#x} but migrator {g.migrator:#x}")
        return bad

    def __repr__(self) -> str:
        return (f"<Hierarchy {self.profile.name} {len(self.cpus)} CPUs {len(self.groups)} groups "
                f"root={self.root}>")
