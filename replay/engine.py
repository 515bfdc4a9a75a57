"""The replay engine: walk a captured trace through the model, decision by decision.

How a trace meets the model
---------------------------
Per-CPU program order is exact; cross-CPU order is only as good as the timestamps (reference §7).
The kernel's walks are sequences of per-level atomic steps (one cmpxchg or one group lock per
level), so the engine applies them **level by level, at the position of each observed event**,
through the model's own per-level functions (`tmigr_active_up`, `tmigr_inactive_up`,
`tmigr_update_events`, the steps of `tmigr_handle_remote_up`), and compares what the model would
trace with what the kernel traced:

* ``group_state``: `tmigr_group_set_cpu_{active,inactive}` active mask and migrator;
* ``walk_levels``: which levels a walk reached (and whether a new-timer walk happened at all);
* ``expiry``: `tmigr_update_events` group next_expiry, child event expiry and CPU, and whether the
  update was traced at all;
* ``wakeup``: the wakeup handed back to an idle CPU (`tmigr_cpu_idle`, `tmigr_cpu_new_timer_idle`)
  and the deadlines the kernel reports later (`tmigr_cpu_active`, `tmigr_cpu_new_timer`);
* ``remote``: `tmigr_handle_remote` permission, due events handled, the right CPU expired;
* ``setup``/``hotplug``: tree shape (from identification) and online/offline hand-offs.

Anchoring
---------
A capture starts in an unknown state. A group's state is *known* from its first group-state event
on (the events report the state after each change); a group's queue is known once the event of
every child has been observed (a CPU's through its deactivation / new timer / activation, a child
group's through a `tmigr_update_events` naming it or its activation). Until then the model is
resynced to what the trace shows and the checks that depend on it count as warm-up.

Concurrency
-----------
When a group-state event is not a valid step from the model's state of that group, the engine
looks ahead (``window_ns``) for a group-state event of another CPU on the same group such that
the swapped order makes both valid steps; such pairs are accepted and counted as ``reordered``.
The same search serves a step that is valid but ends the walk while the kernel went on to the
parent, and the lock-free migrator read of `tmigr_handle_remote`. Lock-protected work follows
the order of its tracepoints: a deactivation level's `tmigr_update_events` is applied at the
CPU's next row, a remote expiry's update walk one level per traced update, and the old root's
link under a new root at its own `tmigr_connect_child_parent` (not when the prepare starts).

Divergences
-----------
Each disagreement records the step index, time, CPU, kind, expected vs observed and the model's
path to the root at that moment. Then the model is resynced to the observed value, so one
disagreement does not cascade. A per-CPU sequence gap (lost events) resyncs that CPU.

The engine is pure: it gets column batches (plain lists) and a model, and fills a ReplayResult.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Callable, Final, Iterator

import numpy as np

from .model import Hierarchy, KTIME_MAX, TMIGR_NONE
from .model.hierarchy import _Walk
from .model.structs import LOWEST_BIT, TmigrEvent, TmigrGroup
from .result import KINDS, MODEL_DISAGREES, Divergence, ReplayResult

UNKNOWN_PTR: Final = 1
NA: Final = -1
# Reasons a check is not decidable (counted per kind and reason: ReplayResult.undecidable_reasons).
R_QUEUE: Final = "queue not known since lost lines or a resync"
R_CPU: Final = "CPU or group state not known since lost lines or a resync"
R_SILENT: Final = "a silent CPU's untraced state change"
R_EXPIRY_STALE: Final = "next_expiry possibly stale (untraced lookup or ignore store)"
R_LOST_HANDLER: Final = "a CPU not traced then (lost rows, or its stream not begun) may have expired it remotely"
R_HEAD: Final = "events of a CPU whose stream began late (its buffer's head overwritten)"
R_REQUEUE: Final = "a requeue without a tracepoint (a remote expiry, or an event's untraced old expiry)"
R_RACE: Final = "a walk ended where another CPU's activation made the child active"
R_TAKEN: Final = "another CPU walking the group may have taken the due event first"
R_UNSEEN_WALK: Final = "a deactivation walk the trace does not show"
R_TIE: Final = "another CPU's update of the group within the clock's resolution (lock order not in the trace)"
R_NOT_RECORDED: Final = "the event type was perhaps not recorded yet (enabling registers one type after another)"

# Event codes.
E_GROUP_SET: Final = 0
E_CONN_CHILD: Final = 1
E_CONN_CPU: Final = 2
E_SET_ACTIVE: Final = 3
E_SET_INACTIVE: Final = 4
E_NEW_TIMER: Final = 5
E_CPU_ACTIVE: Final = 6
E_ONLINE: Final = 7
E_OFFLINE: Final = 8
E_HR_CPU: Final = 9
E_CPU_IDLE: Final = 10
E_NT_IDLE: Final = 11
E_UPDATE: Final = 12
E_HR: Final = 13
E_OTHER: Final = 14
EVENT_CODE = {
    "tmigr_group_set": E_GROUP_SET, "tmigr_connect_child_parent": E_CONN_CHILD,
    "tmigr_connect_cpu_parent": E_CONN_CPU, "tmigr_group_set_cpu_active": E_SET_ACTIVE,
    "tmigr_group_set_cpu_inactive": E_SET_INACTIVE, "tmigr_cpu_new_timer": E_NEW_TIMER,
    "tmigr_cpu_active": E_CPU_ACTIVE, "tmigr_cpu_online": E_ONLINE, "tmigr_cpu_available": E_ONLINE,
    "tmigr_cpu_offline": E_OFFLINE, "tmigr_cpu_unavailable": E_OFFLINE,
    "tmigr_handle_remote_cpu": E_HR_CPU, "tmigr_cpu_idle": E_CPU_IDLE,
    "tmigr_cpu_new_timer_idle": E_NT_IDLE, "tmigr_update_events": E_UPDATE,
    "tmigr_handle_remote": E_HR,
}
EVENT_NAME = {v: k for k, v in EVENT_CODE.items()}
EVENT_NAME[E_ONLINE] = "tmigr_cpu_online"
EVENT_NAME[E_OFFLINE] = "tmigr_cpu_offline"
EVENT_NAME[E_OTHER] = "other"

# Columns the engine reads (filled: pointers null -> UNKNOWN_PTR, ints null -> -1).
PTR_COLUMNS = ("group", "parent", "child")
INT_COLUMNS = ("ts", "cpu", "seq", "target_cpu", "lvl", "numa_node", "childmask", "active", "migrator", "wakeup",
               "nextevt", "group_next_expiry", "child_evt_expiry", "group_lvl", "child_evtcpu",
               "groupmask", "num_children", "group_active")
ENGINE_COLUMNS = ("event",) + PTR_COLUMNS + INT_COLUMNS

# Check kinds as list indices for the hot counters (Engine._agr/_und/_wrm, folded into the
# result's KindCount by Engine.finish()).
K_GROUP_STATE: Final = 0
K_WALK: Final = 1
K_EXPIRY: Final = 2
K_WAKEUP: Final = 3
K_REMOTE: Final = 4
K_SETUP: Final = 5
K_HOTPLUG: Final = 6
KIND_NAMES = tuple(KINDS)
assert KIND_NAMES[:7] == ("group_state", "walk_levels", "expiry", "wakeup", "remote", "setup", "hotplug")

# Per-CPU operation in flight.
OP_NONE: Final = 0
OP_ACT: Final = 1
OP_DEACT: Final = 2
OP_NT: Final = 3
OP_REMOTE: Final = 4
OP_SETUP: Final = 5

LOOKAHEAD_ROWS: Final = 512
# Two CPUs' trace clocks may differ by this much (the `local` clock is per CPU): an order that
# rests on two CPUs' stamps alone holds only when they are further apart (benchmarks/clock_skew.py).
CLOCK_SLACK_NS: Final = 5000
NO_FLOOR: Final = 1 << 62       # `evt_since` of a CPU whose event changed unseen (lost rows)
# program_order.missing_lines flags: lines of the row's CPU are missing right before / after it.
GAP_BEFORE: Final = 1
GAP_AFTER: Final = 2


def same_cpu_links(cpu: Any) -> tuple[np.ndarray, np.ndarray]:
    """(nxt, prv): for each row the next / previous row of the same CPU in this buffer (n / -1
    if none). A stable radix sort by CPU puts each CPU's rows in stored order."""
    cpu = np.asarray(cpu, dtype=np.int64)
    n = cpu.size
    order = np.argsort(cpu.astype(np.int32), kind="stable")
    sc = cpu[order]
    same = sc[1:] == sc[:-1]
    nxt = np.full(n, n, dtype=np.int64)
    nxt[order[:-1][same]] = order[1:][same]
    prv = np.full(n + 1, -1, dtype=np.int64)
    prv[nxt] = np.arange(n, dtype=np.int64)
    return nxt, prv[:n]


def _left_by_removal(g: TmigrGroup, child: TmigrGroup, printed: int) -> bool:
    """`printed` is a next_expiry g can have after a removal of `child`'s event that queued
    nothing: KTIME_MAX when no other event is queued (timerqueue_del() of the last), else no
    later than the first other one (the removal leaves next_expiry as it was)."""
    others = [e.expires for e in g.events if e.owner is not child]
    return printed == KTIME_MAX if not others else printed <= min(others)


def _first_expiry(g: TmigrGroup) -> int:
    """The expiry of g's first event that is not ignored (what tmigr_next_groupevt() returns,
    without pruning); KTIME_MAX if none."""
    return next((e.expires for e in g.events if not e.ignore), KTIME_MAX)


def _tmigr_links(code: np.ndarray, cpu: np.ndarray, nxt: np.ndarray) -> np.ndarray:
    """`nxt` with a tmigr row's link skipping its CPU's other rows (`--with-context` events:
    timer_*, cpu_idle, sched_*): the engine's "this CPU's next event" means its next step of the
    hierarchy (its seq continuity still uses every row)."""
    tm = np.flatnonzero(code != E_OTHER)
    if tm.size == code.size:
        return nxt
    sub, _ = same_cpu_links(cpu[tm])
    out = nxt.copy()
    out[tm] = np.append(tm, code.size)[sub]
    return out


def _tmigr_prev(code: np.ndarray, cpu: np.ndarray, prv: np.ndarray) -> np.ndarray:
    """`prv` with a tmigr row's link skipping its CPU's other rows, as `_tmigr_links` does for
    the next row: an event of another subsystem is no step of the hierarchy (a remote expiry's
    timer_expire_entry lies inside tmigr_handle_remote_cpu(), between its tracepoint and the
    requeue), so it bounds no untraced step."""
    tm = np.flatnonzero(code != E_OTHER)
    if tm.size == code.size:
        return prv
    _, sub = same_cpu_links(cpu[tm])
    out = prv.copy()
    out[tm] = np.where(sub >= 0, tm[np.maximum(sub, 0)], -1)
    return out


def op_walks_up(op: int) -> bool:
    """Operations whose update walk goes up through the groups of the CPU's own path (a new
    timer, a deactivation level); a remote update walk goes up a remote CPU's path."""
    return op == OP_NT or op == OP_DEACT


def active_up_pure(active: int, migrator: int, childmask: int) -> tuple[int, int, bool]:
    """tmigr_active_up on a state word: (active', migrator', walk_done)."""
    if migrator == TMIGR_NONE:
        return active | childmask, childmask, False
    return active | childmask, migrator, True


def inactive_up_pure(active: int, migrator: int, childmask: int, child_active: int) -> tuple[int, int, bool]:
    """tmigr_inactive_up on a state word: (active', migrator', walk_done)."""
    done = True
    if not child_active:
        active &= ~childmask
    if migrator == childmask and not child_active:
        migrator = LOWEST_BIT[active]
        if migrator == TMIGR_NONE:
            done = False
    return active, migrator, done


class _Rows:
    """One buffer of trace rows as plain int lists, one per column (`ENGINE_COLUMNS`, filled:
    pointers null -> UNKNOWN_PTR, ints null -> -1), plus ``code`` (event codes) and the
    same-CPU link ``nxt``. Typed attributes rather than a dict of columns: the hot handlers
    read a few cells per event. ``seq`` and the backward link stay numpy (`Engine._seq_a`,
    `Engine._prv_a`): only the rare paths read them, and a list of large ints costs a Python
    object per row."""

    __slots__ = tuple(c for c in ENGINE_COLUMNS[1:] if c != "seq") + ("code", "nxt")

    def __init__(self, cols: dict[str, list[int]]) -> None:
        self.group: list[int] = cols["group"]
        self.parent: list[int] = cols["parent"]
        self.child: list[int] = cols["child"]
        self.ts: list[int] = cols["ts"]
        self.cpu: list[int] = cols["cpu"]
        self.target_cpu: list[int] = cols["target_cpu"]
        self.lvl: list[int] = cols["lvl"]
        self.numa_node: list[int] = cols["numa_node"]
        self.childmask: list[int] = cols["childmask"]
        self.active: list[int] = cols["active"]
        self.migrator: list[int] = cols["migrator"]
        self.wakeup: list[int] = cols["wakeup"]
        self.nextevt: list[int] = cols["nextevt"]
        self.group_next_expiry: list[int] = cols["group_next_expiry"]
        self.child_evt_expiry: list[int] = cols["child_evt_expiry"]
        self.group_lvl: list[int] = cols["group_lvl"]
        self.child_evtcpu: list[int] = cols["child_evtcpu"]
        self.groupmask: list[int] = cols["groupmask"]
        self.num_children: list[int] = cols["num_children"]
        self.group_active: list[int] = cols["group_active"]
        self.code: list[int] = cols["code"]
        self.nxt: list[int] = cols["nxt"]


class _Ctx:
    """What one CPU is in the middle of."""

    __slots__ = ("op", "next", "child", "walk", "decidable", "optional", "exp_upd", "now",
                 "due", "level", "stopped", "remote_target", "saw_cpu_event", "nt_old",
                 "last_seq", "handoff", "lparent", "fx_group", "now_lb", "wobj", "rwalk", "pend",
                 "wakeup_unsure", "entry_nexp", "entry_group", "requeue_untraced", "rw_ts", "due_exp", "entry_prev",
                 "nexp_known", "first_known", "nexp_row", "top_known", "level_row", "requeue_solve",
                 "entry_reordered",
                 "alt_first", "due_first", "top_state_seen", "printed_firstexp", "target_row", "alt_untraced",
                 "alt_stop", "due_gone", "level_state", "entry_events", "target_idx", "mid_firsts")

    def __init__(self) -> None:
        self.op = OP_NONE
        self.next: TmigrGroup | None = None
        self.child: TmigrGroup | None = None
        self.walk: _Walk | None = None
        self.wobj = _Walk()                       # this CPU's walk, reused (see new_walk)
        self.decidable = True
        self.optional = False
        self.exp_upd: list = []
        self.now = 0
        self.due: Any = None
        self.level: TmigrGroup | None = None
        self.stopped = False
        self.remote_target = -1
        self.target_row = -1                      # step of the tmigr_handle_remote_cpu naming it
        self.target_idx = -1                      # its stream index (replay order, as `head_start`)
        self.saw_cpu_event = False
        self.nt_old: Any = None
        self.last_seq = -1
        self.handoff: Any = None
        self.lparent: TmigrGroup | None = None   # parent of `level` when the walk was there
        self.fx_group: TmigrGroup | None = None  # whose next_expiry the remote walk returns
        self.now_lb = 0                           # proven lower bound of this walk's `now`
        self.rwalk: tuple | None = None           # update walk in flight (remote, new timer): (walk, group, child)
        self.pend: tuple | None = None            # a deactivation level's update: (group, child, child's active at the cmpxchg)
        self.entry_nexp = KTIME_MAX               # remote walk: next_expiry right after a level's lookup
        self.entry_group: TmigrGroup | None = None
        # remote walk: the first events queued at its last lookup, (event, expiry): those the
        # lookup dequeued leave the queue unless another walk requeued them since
        self.entry_events: list = []
        self.rw_ts = 0                            # remote update walk: stamp of its last row
        self.due_exp = KTIME_MAX                  # remote walk: the due event's expiry when found
        # remote walk: an update of the level showed its lookup dequeued the due event before it
        # (`_update_in_either_order`, "dequeue"): not a lookup that may have left it queued
        self.due_gone = False
        self.entry_prev = -1                      # remote walk: entry_nexp of the lookup before (-1: none)
        # remote walk at a level, its look-up there not traced: the level's first expiry after
        # each other CPU's step on it since the walk's row there or its own last step
        # (`_note_mid_firsts`)
        self.mid_firsts: list[int] = []
        self.requeue_untraced = False             # remote walk: a target requeued without a tracepoint
        self.level_row = -1                       # remote walk: stream index of the current level's row
        self.level_state: tuple | None = None     # remote walk: (active, migrator) of that level at its row
        # remote walk: its entry check passed only with another CPU's step moved before the read
        # (the read may as well have come after it: the walk then stopped at that level)
        self.entry_reordered = False
        # remote walk: (target, first known expiry of its level-0 queue) of its one untraced
        # requeue; () after a second one (`Engine._solve_requeue`)
        self.requeue_solve: tuple | None = None
        self.top_state_seen = False               # the walk's top-level update printed the state it read
        # deactivation / new-timer walk: (row, firstexp) its rows print: a top-level update's
        # group_next_expiry with no active child (check_toplvl), KTIME_MAX for one with an active
        # child or a deactivation that ended below the top (None: no such row)
        self.printed_firstexp: tuple | None = None
        # remote walk stopped by the migrator check: the wakeup its lookup would give had the
        # check come after another CPU's state step traced since (`Engine._recheck_stopped`)
        self.alt_first: int | None = None
        # the first expiry a lookup of this walk saw if it came before another CPU's untraced
        # remote-walk step on that group (`untraced_step`)
        self.alt_untraced: tuple | None = None
        # the walk's firstexp had its migrator check at a level failed (an activation in flight
        # there: `_activation_in_flight`), -1 if none
        self.alt_stop = -1
        # remote walk: (group, expiry) of the first event its lookup took as due at the last
        # group where one was
        self.due_first: tuple | None = None
        self.nexp_known = False                   # deactivation: the CPU's next event is traced
        self.nexp_row = -1                        # the walk's other step printing its nextexp
        # deactivation reaching an idle root: the first event of the root's queue among the events
        # whose value the trace proves, when the walk looked the root up (KTIME_MAX: none)
        self.first_known = KTIME_MAX
        # deactivation: whether the root's queue was known when the walk looked it up (None:
        # not looked up yet); the wakeup is decided by what was known then, not later
        self.top_known: bool | None = None
        # The wakeup the last remote walk left rests on an untraced choice (was an event due for
        # the untraced `now`; did its CPU activate before or after the walk looked at it?).
        self.wakeup_unsure = False

    def new_walk(self, nextexp: int, evt: Any, childmask: int) -> _Walk:
        """A fresh `struct tmigr_walk` for this CPU's next walk. One object per CPU is reused: a
        CPU has one walk in flight, and the previous one was closed before (`Engine._close`)."""
        w = self.wobj
        w.nextexp = nextexp
        w.firstexp = KTIME_MAX
        w.evt = evt
        w.childmask = childmask
        w.remote = False
        self.top_state_seen = False
        self.printed_firstexp = None
        self.walk = w
        return w


WALK_FIELDS: Final = ("nextexp", "firstexp", "evt", "childmask", "remote", "now", "check", "cpu",
                      "next_global", "loops", "seen")


def _snapshot_groups(g: TmigrGroup, child: TmigrGroup | None, w: Any, more: list) -> tuple:
    """What one level of a walk (tmigr_update_events, with the deactivation's state change) may
    change: the groups' state, queues and next_expiry, the events in them, the walk."""
    groups = [g] if child is None else [g, child]
    evts: dict[int, Any] = {}
    for grp in groups:
        for e in grp.events:
            evts[id(e)] = e
    if w.evt is not None:
        evts[id(w.evt)] = w.evt
    if child is not None:
        evts[id(child.groupevt)] = child.groupevt
    for e in more:
        evts[id(e)] = e
    return ([(grp, list(grp.events), grp.next_expiry, grp.lookups, grp.active, grp.migrator, grp.seq)
             for grp in groups],
            [(e, e.expires, e.ignore, e.queued_in, e.cpu) for e in evts.values()],
            (w, [getattr(w, k) for k in WALK_FIELDS]))


def _record_of(out: list, n0: int, g: TmigrGroup) -> tuple[int, int] | None:
    """(nextevt, group_next_expiry) of g's tmigr_update_events among the records from n0 on."""
    for rec in out[n0:]:
        if rec[0] is g:
            return rec[1], rec[2]
    return None


def _restore_groups(snap: tuple) -> None:
    for grp, events, nexp, lookups, active, migrator, seq in snap[0]:
        grp.events = events[:]
        grp.next_expiry = nexp
        grp.lookups = lookups
        grp.active, grp.migrator, grp.seq = active, migrator, seq
    for e, expires, ignore, queued_in, cpu in snap[1]:
        e.expires, e.ignore, e.queued_in, e.cpu = expires, ignore, queued_in, cpu
    w, values = snap[2]
    for k, v in zip(WALK_FIELDS, values):
        setattr(w, k, v)


class Engine:
    """Replays column batches through a model `Hierarchy` and fills a `ReplayResult`.

    ``by_ptr``: trace pointer -> model group (from `identify`). ``tick_ns``/``phase_ns``: the
    jiffies grid (``now`` of remote handling is the grid point at or before the timestamp).
    ``window_ns``: how far apart two events of different CPUs may be and still be swapped.
    ``lost_cpus``: CPUs whose stream is known to have lost events (their first event resyncs).
    """

    def __init__(self, h: Hierarchy, by_ptr: dict[int, str], result: ReplayResult, *,
                 window_ns: int = 50_000, tick_ns: int = 4_000_000, phase_ns: int = 0,
                 lost_cpus: tuple[int, ...] = (), silent_cpus: tuple[int, ...] = (),
                 path_depth: int = 8, clock_offset_ns: int = 0, tie_ns: int = 1000,
                 seq_marks_loss: tuple[int, ...] | None = None,
                 stream_ends: dict[int, int] | None = None, open_ends: dict[int, int] | None = None,
                 traced_spans: dict[int, tuple[int, int]] | None = None,
                 head_lost: tuple[int, ...] = (), unseen_prepares: tuple[int, ...] = (),
                 quiet_cpus: tuple[int, ...] = (),
                 unseen_up_by: tuple[tuple[int, int], ...] = (), now_unbounded: bool = False,
                 online_traced: tuple[int, ...] = (), alone_until: int = -1) -> None:
        self.h = h
        # the last stamp at which a walk showed a level-0 group as the only one (no parent)
        self.alone_until = alone_until
        # CPUs whose tmigr_cpu_online / tmigr_cpu_available rows the trace holds
        self.online_traced: set[int] = set(online_traced)
        # The stamps are no time (a `counter` clock counts events): `now` scaled from them bounds
        # nothing from above, so an event not due by it may have been due (only the proven
        # jiffies, `now_lb`, count)
        self.now_unbounded = now_unbounded
        # CPUs prepared during the capture whose setup rows were lost (evidence._unseen_prepares):
        # prepared at their first row.
        self.unseen_prep: set[int] = set(unseen_prepares)
        # ... or at the first row proving them up before that (a level-0 state of their group with
        # their bit active, evidence._up_by), (stamp, cpu) ascending
        self.unseen_due: list[tuple[int, int]] = [r for r in unseen_up_by if r[1] in self.unseen_prep]
        # CPU -> stream index of its first row, where an overwritten head cut its stream
        self.head_start: dict[int, int] = {}
        # CPU -> stream index of its last row, for CPUs whose stream was cut inside a walk
        self.stream_ends: dict[int, int] = dict(stream_ends or {})
        # CPUs whose last row opens a section their next tracepoint always closes, while the
        # trace goes on, and whose buffer did not fill (api: fewer rows than a full one holds)
        self.open_ends: dict[int, int] = dict(open_ends or {})
        # Event code -> (first, last) stamp of its rows in the whole trace: the type was being
        # recorded in between (api.stream_ends gathers them).
        self.traced_spans: dict[int, tuple[int, int]] = dict(traced_spans or {})
        # Event code -> the stamp by which that type was being recorded for sure. Enabling the
        # system's events (`events/timer_migration/enable`, set_event) registers them one after
        # another, in the reverse order of include/trace/events/timer_migration.h (the order of
        # the E_* codes): a type is on once its own first row, or that of any type registered
        # after it (a lower code), is printed. A trace enabled at boot has all of them from the
        # first rows on; one enabled while the machine runs starts with some types missing.
        self.recorded_from: dict[int, int] = {}
        first = 1 << 62
        for code in range(E_HR + 1):
            span = self.traced_spans.get(code)
            if span is not None and span[0] < first:
                first = span[0]
            self.recorded_from[code] = first
        self._cpu_a: Any = None                      # the current buffer's cpu column (`_first_row`)
        self._seq_ok_a: Any = None                   # ... and its rows that follow their CPU's previous one
        self._nxt_any: Any = None                    # ... and each row's next row of its CPU, of any kind
        # CPUs whose sequence numbers have a gap wherever events were lost (a binary ring buffer's
        # pages count what they missed): a line the program order requires and a sequence without
        # a gap is a line the kernel did not trace. None: no CPU (text loses lines unannounced).
        self.seq_marks_loss: set[int] = set(seq_marks_loss) if seq_marks_loss is not None else set()
        self.ptr_ids = dict(by_ptr)        # trace pointer -> model group id
        self.by_ptr: dict[int, TmigrGroup] = {}
        self.res = result
        self.window = window_ns
        self.tick = max(int(tick_ns), 1)
        self.phase = int(phase_ns) % self.tick
        # Trace timestamp + clock_off = CLOCK_MONOTONIC, the base of expiries and `now` (clock.py).
        self.clock_off = int(clock_offset_ns)
        # Stamps of two CPUs closer than this do not order them (text: microseconds; a clock
        # that is not coherent across CPUs, such as `local`: the reordering window).
        self.tie_ns = int(tie_ns)
        self.lost_cpus = set(lost_cpus)
        self.ctx: dict[int, _Ctx] = {c: _Ctx() for c in h.cpus}
        # Setup (tmigr_cpu_prepare) runs in task context on the control CPU, with softirqs on: a
        # remote-handling softirq can run between its tracepoints. Its records live apart.
        self.sctx: dict[int, _Ctx] = {c: _Ctx() for c in h.cpus}
        self.kc = result.by_kind
        self.group_known: set[TmigrGroup] = set()
        # Queue knowledge: for each group, the children whose event is not known yet.
        self.qunk: dict[TmigrGroup, set] = {}
        # ... and why the latest of them became unknown (the not-decidable reason it gives)
        self.qunk_why: dict[TmigrGroup, str] = {}
        # A lower bound on the expiry of every event queued in a group, from its traced
        # next_expiry (tmigr_update_events keeps next_expiry <= each queued event: set when an add
        # is leftmost, left stale-early by a removal, refreshed by tmigr_next_groupevt). It holds
        # for the events of unknown children until the next add (``TmigrGroup.adds``) or until a
        # child becomes unknown: (bound, adds).
        self.qlb: dict[TmigrGroup, tuple[int, int]] = {}
        # CPUs whose queued event's expiry the trace has not shown since it became unknown.
        self.value_unk: set[int] = set()
        # CPUs whose oldest events the ring buffer overwrote: silent until their first row.
        self.head_lost = set(head_lost) - set(silent_cpus)
        self.silent = set(silent_cpus) | self.head_lost
        # Groups whose group event (expiry, CPU) is still the one queued before the capture: a
        # group's update row prints it (child_evt_expiry, child_evtcpu) and anchors it.
        self.gevt_unknown: set[TmigrGroup] = set(h.groups)
        # Silent CPUs whose bits the trace shows clear throughout (api._quiet_cpus): their events
        # are a silent CPU's, their state bits are known (clear), not `silent_mask` bits.
        self.quiet: set[int] = set(quiet_cpus) - self.head_lost
        self.silent_mask: dict[TmigrGroup, int] = {}
        self.cut: set[int] = set()          # CPUs silent from their stream's early end on
        self.silent_below: dict[TmigrGroup, bool] = {}
        self.ever_known: set[TmigrGroup] = set()
        self.anc: dict[int, list[TmigrGroup]] = {}
        self._lossy_below: dict[TmigrGroup, bool] = {}     # a CPU below lost events (cache)
        self.unseen_below: set[TmigrGroup] = set()          # groups with a head-lost CPU below
        self._refresh_tree()
        self.cpu_known: set[int] = set()
        self.handoffs: set[int] = set()
        # CPUs the trace shows unavailable (traced offline, or prepared in the trace) until their
        # tmigr_cpu_online/available: tmigr_cpu_activate() returns untraced for them.
        self.proven_off: set[int] = set()
        self.act_row: dict[int, int] = {}       # CPU -> stream index of its last tmigr_cpu_active
        self.act_at: dict[int, tuple[int, int]] = {}   # CPU -> (step, ts) of that row
        # CPU -> (group, event) a walk dequeued as due though only the timestamp's grid made it
        # due, while another CPU's expiry of that CPU may have been running (`_missed_due`)
        self.maybe_dequeued: dict[int, tuple] = {}
        # group -> (event, expiry): the due event a remote walk whose migrator re-check raced
        # with an activation may have dequeued untraced (`_raced_dequeue`)
        self.raced_due: dict[TmigrGroup, tuple[TmigrEvent, int, int]] = {}
        # idle root -> (cpu, its first expiry before, stream index of that CPU's last row, the
        # root's timerqueue_add count after the step) of the latest
        # untraced step of a remote walk on it (`_walk_step`): another CPU's lookup before that
        # CPU's next row may have come first (`_before_untraced_step`)
        self.untraced_step: dict[TmigrGroup, tuple[int, int, int, int]] = {}
        # remote target -> stream index of the tmigr_handle_remote_cpu whose walk is in flight
        self.rwalk_at: dict[int, int] = {}
        # CPU -> stream index of its last row that may have changed its queued event (`_floor`)
        self.evt_since: dict[int, int] = {}
        # CPU -> (expiry, step) of the row that printed its queued event's current expiry (its
        # level-0 update, or a tmigr_cpu_new_timer_idle without a walk): a check that the event
        # contradicts names that row (`_below_known`)
        self.evt_proof: dict[int, tuple[int, int]] = {}
        # level-0 group -> (stream index, nextevt) of the last remote requeue on it whose target's
        # tmigr_handle_remote_cpu row the trace lacks (that type not recorded yet): which CPU's
        # event it requeued, that CPU's next row tells (`_unnamed_requeue_of`)
        self.unnamed_requeue: dict[TmigrGroup, tuple[int, int]] = {}
        # group -> step of the last row that printed its state word (group-state events print
        # the whole word): a step whose read contradicts it names that row too
        self.state_row: dict[TmigrGroup, int] = {}
        # group -> (the active mask a row last printed for it, its look-up count then): a silent
        # child's activation after that print may have come before a look-up since
        self.active_print: dict[TmigrGroup, tuple[int, int]] = {}
        # child group -> (its event's expiry, the equal-expiry events ahead of it in its parent's
        # queue) before a deactivation level's update step (`_keep_place`)
        self.evt_place: dict[TmigrGroup, tuple[int, list]] = {}
        # group -> (child, its event queued there?, its expiry, the group's next_expiry) before an
        # untraced step that may have read that child active instead (`_untraced_alt_fits`)
        self.untraced_alt: dict[TmigrGroup, tuple[TmigrGroup, bool, int, int, int]] = {}
        self.tmgroup_told: set[tuple[int, TmigrGroup]] = set()   # (`_check_tmgroup`)
        # level-0 group -> the next_expiry its updates printed: (stream indexes, values), values
        # decreasing, so the first entry at or after an index is the largest printed since then
        self.nexp_prints: dict[TmigrGroup, tuple[list[int], list[int]]] = {}
        # child group pointer -> the child_evt_expiry its latest update printed: the expiry its
        # groupevt keeps when an update drops it unqueued (`_dropped_with_old_expiry`)
        self.child_evt_printed: dict[int, int] = {}
        self.printed_differs: set[TmigrGroup] = set()   # groups whose printed lvl/numa differ
        self.reorder_done: dict[int, tuple[int, int, bool]] = {}
        # Last group-state event applied per group: (cpu, ts, pre_a, pre_m, code, childmask,
        # obs_a, obs_m, walk_done), for swaps with an event that was already applied.
        self.last_ev: dict[TmigrGroup, tuple] = {}
        # A proven lower bound of jiffies (`now` of remote handling is not traced): every event
        # the kernel expired remotely was due, so now >= its expiry; jiffies never go back.
        self.jiffies_lb = 0
        self.jlb_ts: list[int] = []      # when jiffies_lb rose (trace time), for bisection
        self.jlb_val: list[int] = []
        # (kind, reason) -> count of checks that were not decidable (folded into the result).
        self.und_reasons: dict[tuple[str, str], int] = {}
        # target cpu -> (ts, handler cpu, row, the wakeup it overwrote) of its last
        # tmigr_handle_remote_cpu (_remote_busy, _wakeup_read_early).
        self.remote_handled: dict[int, tuple[int, int, int, int]] = {}
        # group -> (handler cpu, its tmigr_handle_remote row, events its lookup pruned, the
        # next_expiry before, the first pruned event whose ignore store may still have been in
        # flight or -1): a remote walk's lookup of the group (`_update_in_either_order`).
        self.lookup_at: dict[TmigrGroup, tuple[int, int, list, int, int]] = {}
        # group -> the CPU whose remote walk last found a due event there (`_Ctx.due`).
        self.due_at: dict[TmigrGroup, int] = {}
        # group -> the CPU whose remote walk last traced tmigr_handle_remote_cpu from it: its next
        # lookup there (`goto again`, untraced) lies anywhere before its next row (`_again_walker`)
        self.again_at: dict[TmigrGroup, int] = {}
        # CPU -> the level its remote walk is at, its look-up there untraced (`_note_mid_firsts`)
        self.walk_level: dict[int, TmigrGroup] = {}
        # group -> (CPU, events) its last remote expiry's look-up after the dequeue pruned
        self.hrc_pruned: dict[TmigrGroup, tuple[int, list]] = {}
        self.due_walkers: dict[TmigrGroup, list[int]] = {}   # earlier CPUs of `due_at`, latest last
        # Stamp of the latest traced remote walk at each group (tmigr_handle_remote), or of lost
        # rows of a CPU below it: only such a walk dequeues a due event (`_below_known`).
        self.last_hr: dict[TmigrGroup, int] = {}
        # target cpu -> handler cpu of a remote update walk still in flight (`_Ctx.rwalk`).
        self.rwalk_of: dict[int, int] = {}
        # cpu -> (its wakeup, [(another admissible wakeup, group to look up or None)]) of its last
        # remote walk (_wakeup_is).
        # (... and the stream index of the walk's last row: its last lookup lies between that row
        # and the CPU's next one)
        self.wakeup_late: dict[int, tuple[int, list, int]] = {}
        # tmc->wakeup as this CPU's rows last showed it (`_wakeup_seen`), kept even where the
        # model does not know the CPU's event: every store to it is traced or follows a traced
        # tmigr_handle_remote of its own.
        # (value, the step that printed it, or -1 for a store after a tracepoint)
        self.wake_last: dict[int, tuple[int, int]] = {}
        # target CPU -> (handler, group): a remote expiry that found the target active; the
        # handler looks at the group again after the target's tmigr_cpu_active row
        self.again_after: dict[int, tuple] = {}
        # handler cpu -> (row of its walk's end, group, target, first known expiry there) of a
        # remote walk whose target was requeued without a tracepoint (`_solve_requeue`).
        self.wake_solve: dict[int, tuple[int, TmigrGroup, int, int]] = {}
        # group -> CPUs whose remote walk stopped there at the migrator check (`_recheck_stopped`)
        self.stopped_at: dict[TmigrGroup, set[int]] = {}
        # group -> its timerqueue_add count when its `lookup_at` record was made
        self.lookup_adds: dict[TmigrGroup, int] = {}
        # look-ups kept as stopped at an event whose ignore store came after them (restore_early):
        # their record in lookup_at; a later update may show they came after that update instead
        self.lookup_deferred: dict[TmigrGroup, tuple[int, int, list, int, int]] = {}
        # Groups whose queue became known again while their next_expiry may still be a stale
        # value left by an event the trace did not show (next_expiry is only recomputed by a
        # lookup, reference §3.10): group -> its lookup count at that moment.
        self.nexp_taint: dict[TmigrGroup, int] = {}
        self.index = 0
        self._orig: list[int] | None = None    # printed positions of this buffer's rows (tie_order)
        self.warm_rows = 0
        self._warm_last = -1            # stream index of the last row counted as warm-up
        self._rows = _Rows({k: [] for k in ENGINE_COLUMNS[1:] + ("code", "nxt")})
        self._codes: list[int] = []
        self._n = 0
        self._nxt: list[int] = []       # next row of the same CPU in the buffer (n: none)
        self._prv_a = np.empty(0, dtype=np.int64)   # previous row of the same CPU in the buffer (-1: none)
        self._seq_a = np.empty(0, dtype=np.int64)   # per-CPU sequence numbers
        self._ts: list[int] = []
        # Hot counters per kind (K_*): agreed, undecidable (both also count as checked) and
        # warm-up; folded into result.by_kind by finish().
        self._agr = [0] * len(KIND_NAMES)
        self._und = [0] * len(KIND_NAMES)
        self._wrm = [0] * len(KIND_NAMES)
        # The model records only what is compared: tmigr_update_events as compact tuples
        # (group, nextevt, group_next_expiry, child_evt_expiry, child_evtcpu). Setup replays
        # switch to full records for their duration (_on_setup).
        h.trace = "updates"

    def _refresh_tree(self) -> None:
        """(Re)derive the per-group bookkeeping after the tree changed (setup replayed)."""
        h = self.h
        self.qlb.clear()
        self._lossy_below.clear()
        self.by_ptr = {p: h.group_by_id[i] for p, i in self.ptr_ids.items() if i in h.group_by_id}
        self.anc = {c: h.path_to_root(c) if t.tmgroup else [] for c, t in h.cpus.items()}
        for g in h.groups:
            self.qunk.setdefault(g, set(g.cpus) | set(g.children))
        # Silent CPUs: their walks are not in the trace. Their bits (and, above, the bits of
        # groups with only silent CPUs) are unobservable (`silent_mask`), and every group with a
        # silent CPU below may hold events the model cannot know (`silent_below`): there an
        # observed expiry earlier than the model's is not decidable, a later one still is.
        for g in sorted(h.groups, key=lambda x: x.level):
            if g in self.silent_mask:
                self._silent_joined(g)
                continue
            if g.level == 0:
                cpus = [h.cpus[c] for c in g.cpus]
                self.silent_mask[g] = sum(t.groupmask for t in cpus if t.cpu in self.silent and t.cpu not in self.quiet)
                self.silent_below[g] = any(t.cpu in self.silent for t in cpus)
                self.qunk[g] = {c for c in g.cpus if c not in self.silent}
            else:
                # A child with a CPU whose head was overwritten below may also change unseen (that
                # CPU's activation or deactivation goes up through it before its first row).
                # Its event here then is not known either, whatever the trace shows of it, until
                # every such CPU below has started (`unseen_below`).
                # (and so does a child with a CPU whose stream was cut, `_stream_ended`)
                unseen = self.head_lost | self.cut
                part = [ch for ch in g.children if unseen and not unseen.isdisjoint(h.leaf_cpus(ch))]
                self.unseen_below.update(part)
                self.silent_mask[g] = sum(ch.groupmask for ch in g.children if _all_silent(ch, self.silent - self.quiet) or ch in part)
                self.silent_below[g] = any(self.silent_below.get(ch, False) for ch in g.children)
                self.qunk[g] = {ch for ch in g.children if not _all_silent(ch, self.silent)}
            if not self.qunk[g]:
                self.ever_known.add(g)

    def _silent_joined(self, g: TmigrGroup) -> None:
        """A prepare in the trace added a CPU to the existing group g: a CPU not traced yet (its
        stream's head overwritten) is silent there as everywhere, and above it so is the child
        that holds it."""
        h = self.h
        if g.level == 0:
            for c in g.cpus:
                if c in self.silent:
                    self.silent_mask[g] |= h.cpus[c].groupmask if c not in self.quiet else 0
                    self.silent_below[g] = True
                    self.qunk[g].discard(c)
            return
        unseen = self.head_lost | self.cut
        for ch in g.children:
            if unseen and not unseen.isdisjoint(h.leaf_cpus(ch)) and not (self.silent_mask[g] & ch.groupmask):
                self.unseen_below.add(ch)
                self.silent_mask[g] |= ch.groupmask
                self.silent_below[g] = True

    # ------------------------------------------------------------------------------------------
    # Bookkeeping helpers
    # ------------------------------------------------------------------------------------------
    def _step(self, i: int) -> int:
        """Row i's step index (its row number in stored order)."""
        return self.index + (i if self._orig is None else self._orig[i])

    def _check(self, kind: str, ok: bool | None, i: int, what: str, expected: Any, observed: Any,
               *, cpu: int | None = None, warm: bool = False, note: str = "", rows: tuple = ()) -> bool:
        """Count one check. ok None = undecidable. warm = skipped because not anchored yet.
        `rows`: steps (`_step`) that print the value this row contradicts."""
        k = self.kc[kind]
        if warm:
            k.warmup += 1
            self._warm_row(i)
            return True
        k.checked += 1
        if ok:
            k.agreed += 1
            return True
        if ok is None:
            k.undecidable += 1
            key = (kind, note or "state not known")
            self.und_reasons[key] = self.und_reasons.get(key, 0) + 1
            return True
        k.diverged += 1
        c = self._rows
        row_cpu = c.cpu[i]
        path_cpu = cpu if cpu is not None else row_cpu
        self.res.divergences.append(Divergence(
            index=self._step(i), ts=c.ts[i], cpu=row_cpu,
            event=EVENT_NAME[self._codes[i]],
            kind=kind, what=what, expected=expected, observed=observed,
            classification=MODEL_DISAGREES,
            # Paths (the bulky part) for the first ones only: memory must not grow with a trace
            # that diverges everywhere.
            path=self._path(path_cpu) if len(self.res.divergences) < 1000 else [], note=note,
            rows=list(rows)))
        self.res.resyncs["divergence"] += 1
        return False

    def _printed_floor(self, g: TmigrGroup, idx: int, value: int) -> None:
        """Keep g's printed next_expiry for `_floor` (a decreasing stack: a later print as high
        as an earlier one makes the earlier one redundant)."""
        rec = self.nexp_prints.get(g)
        if rec is None:
            rec = self.nexp_prints[g] = ([], [])
        steps, values = rec
        while values and values[-1] <= value:
            steps.pop()
            values.pop()
        steps.append(idx)
        values.append(value)
        if len(steps) > 256:            # (the oldest go: a weaker floor, never a wrong one)
            del steps[:128], values[:128]

    def _floor(self, g: TmigrGroup, since: int) -> tuple[int, int]:
        """The largest next_expiry g's updates printed at or after stream index `since`, and the
        index of that print; (-1, -1) if none."""
        rec = self.nexp_prints.get(g)
        if rec is None:
            return -1, -1
        steps, values = rec
        k = bisect_left(steps, since)
        return (values[k], steps[k]) if k < len(steps) else (-1, -1)

    def _quiet_later(self, g: TmigrGroup, value: int) -> bool:
        """Every silent CPU of the level-0 group g is quiet (no row, no remote expiry, its bit
        clear in every print: its event, if any, queued unchanged throughout) and g printed a
        next_expiry above `value` before: no such event is `value` or earlier (an event queued
        throughout is no earlier than any next_expiry printed meanwhile, `_check_floor`)."""
        if g.level != 0 or not self.quiet or any(c in self.silent and c not in self.quiet for c in g.cpus):
            return False
        floor, _ = self._floor(g, -1)
        return floor > value

    def _later_than_due(self, g: TmigrGroup, t: int, evt: Any) -> bool:
        """`t`'s event, unknown to the model, cannot be the due event a lookup of its level-0
        group g takes before `evt`: t has not acted since g printed a next_expiry later than
        evt's expiry (an event queued throughout is no earlier than any next_expiry printed
        meanwhile, `_check_floor`)."""
        if evt is None or evt.cpu == t or t in self.silent or g.level != 0 or t not in g.cpus:
            return False
        floor, _ = self._floor(g, self.evt_since.get(t, -1))
        return floor > evt.expires

    def _check_floor(self, i: int, cpu: int, g0: TmigrGroup, nextevt: int) -> None:
        """A new timer of an idle CPU whose event the trace has not shown, traced without a walk:
        tmigr_cpu_new_timer() walks unless nextexp is the queued, not ignored event, so `nextevt`
        is the event that stayed queued in g0 since the CPU's last row that could change it. Every
        next_expiry g0 printed since is no later than it (the variable is set to the first event
        when one is queued first or looked up, and left stale, lower, when the first goes)."""
        if cpu in self.silent:
            return
        floor, at = self._floor(g0, self.evt_since.get(cpu, -1))
        if floor <= nextevt:
            return
        if self._unseen_handler(i, cpu):
            self._undec(K_WALK, R_LOST_HANDLER)   # (a CPU not traced may have requeued it)
            return
        self._check("walk_levels", False, i, f"new timer on idle CPU{cpu} without a walk: its queued event is "
                    f"earlier than {g0.id}'s next_expiry printed since", f"nextevt >= {floor}", nextevt,
                    cpu=cpu, rows=(at,) if self._orig is None else ())

    def _check_tmgroup(self, i: int, code: int, cpu: int) -> None:
        """Every per-CPU tracepoint prints ``parent`` = tmc->tmgroup, set once by the CPU's first
        prepare (tmigr_setup_groups()) and never changed: a row whose pointer names another model
        group than the CPU's level-0 group contradicts the setup, at this row. Only disagreements
        are counted (every per-CPU row would otherwise add an agreed check)."""
        ptr = self._rows.parent[i]
        if ptr <= UNKNOWN_PTR:
            return
        g = self.by_ptr.get(ptr)
        t = self._rows.target_cpu[i]
        t = cpu if t < 0 else t
        tmc = self.h.cpus.get(t)
        if g is None or tmc is None or tmc.tmgroup is None or g is tmc.tmgroup or (t, g) in self.tmgroup_told:
            return
        self.tmgroup_told.add((t, g))     # (once per CPU and group: a model built otherwise differs on every row)
        self._check("setup", False, i, f"{EVENT_NAME[code]} of CPU{t} prints the group of another CPU set",
                    tmc.tmgroup.id, g.id, cpu=t)

    def _setup_activates(self, sc: _Ctx, i: int) -> bool:
        """The prepare in flight on this CPU still has this group's activation to trace (the old
        root activated into the new root, tmigr_setup_groups())."""
        g = self.by_ptr.get(self._rows.group[i])
        for r in sc.exp_upd:
            if r[0] == "tmigr_group_set_cpu_active" and (g is None or r[1]["group"] is g):
                return True
        return False

    def _update_tie(self, i: int, g: TmigrGroup) -> bool:
        """Another CPU traced tmigr_update_events of `g` within `tie_ns` of row i: the two ran
        under g's lock in an order the timestamps do not tell (text output breaks equal stamps
        by CPU number; a `local` clock is not coherent across CPUs), and the values each saw
        depend on it."""
        c = self._rows
        ts0, cpu0 = c.ts[i], c.cpu[i]
        for step in (-1, 1):
            j = i + step
            while 0 <= j < self._n and abs(c.ts[j] - ts0) <= self.tie_ns:
                if self._codes[j] == E_UPDATE and c.cpu[j] != cpu0 and \
                        self._group(c.group[j], c.group_lvl[j], c.cpu[j]) is g:
                    return True
                j += step
        return False

    def _undec(self, k: int, why: str) -> None:
        """One check of kind index `k` not decidable, and why (reported per kind and reason)."""
        self._und[k] += 1
        key = (KIND_NAMES[k], why)
        self.und_reasons[key] = self.und_reasons.get(key, 0) + 1

    def _agree(self, kind: str) -> None:
        k = self.kc[kind]
        k.checked += 1
        k.agreed += 1

    def _path(self, cpu: int) -> list[dict]:
        tmc = self.h.cpus.get(cpu)
        if tmc is None:
            return []
        out = [{"cpu": cpu, "idle": tmc.idle, "available": tmc.available, "wakeup": tmc.wakeup,
                "cpuevt": [tmc.cpuevt.expires, tmc.cpuevt.ignore], "groupmask": tmc.groupmask}]
        for g in self.anc.get(cpu, []):
            out.append({"group": g.id, "lvl": g.level, "active": g.active, "migrator": g.migrator,
                        "next_expiry": g.next_expiry, "groupmask": g.groupmask,
                        "queue": [[e.expires, e.cpu, e.ignore] for e in g.events[:8]],
                        "known": g in self.group_known and not self.qunk[g]})
        return out

    def _group(self, ptr: int, lvl: int, cpu: int) -> TmigrGroup | None:
        g = self.by_ptr.get(ptr)
        if g is not None:
            return g
        anc = self.anc.get(cpu)
        if anc and 0 <= lvl < len(anc):
            return anc[lvl]
        return None

    def _learn_child(self, g: TmigrGroup | None, child: Any) -> None:
        """The event of `child` (a CPU number or a group) in `g` is known from now on (not while
        a CPU below it has not started: `unseen_below`)."""
        if g is not None and not (self.unseen_below and child in self.unseen_below):
            s = self.qunk.get(g)
            if s and child in s:
                s.discard(child)
                if not s:
                    self.ever_known.add(g)
                    self.nexp_taint[g] = g.lookups

    def _left_open(self, cpu: int, i: int) -> None:
        """`cpu`'s last row opens a section (a deactivation's walk, a new timer's, an activation)
        that always ends in a tracepoint of its own microseconds later with interrupts off, the
        trace goes on, and its buffer was not full: where the sequence numbers mark every loss
        (or the text proves itself whole) the kernel did not trace that line; else the line
        was lost. Its state is unknown from here either way."""
        del self.open_ends[cpu]
        if cpu in self.seq_marks_loss:
            self._check("walk_levels", False, i, f"CPU{cpu}: its last row opens a section the kernel always "
                        "closes with a tracepoint of its own, the trace goes on, and no event was lost here",
                        "the closing tracepoint", "not traced", cpu=cpu)
        self._lines_lost(cpu, i)

    def _stream_ended(self, cpu: int, i: int) -> None:
        """`cpu`'s stream ends here, inside a walk, while the trace goes on: from now on it is a
        silent CPU (its steps, unseen, may change its groups' states and queues)."""
        del self.stream_ends[cpu]
        self._lines_lost(cpu, i)
        self.silent.add(cpu)
        self.cut.add(cpu)
        child: TmigrGroup | None = None
        for g in self.anc.get(cpu, []):
            if g.level == 0:
                tmc = self.h.cpus[cpu]
                self.silent_mask[g] = self.silent_mask.get(g, 0) | tmc.groupmask
                self.qunk[g].discard(cpu)
                # as for every silent CPU, its event is kept out of the model's queue (and out of
                # the group's next_expiry: the kernel's may hold it, or a value it changed to)
                self.h._place_event(tmc.cpuevt, None, tmc.cpuevt.expires, cpu, True, False)
                g.next_expiry = _first_expiry(g)
            elif child is not None and _all_silent(child, self.silent):
                if _all_silent(child, self.silent - self.quiet):
                    self.silent_mask[g] = self.silent_mask.get(g, 0) | child.groupmask
                self.qunk[g].discard(child)
            elif child is not None:
                # (a child with other CPUs traced: its state here and its event change with this
                # CPU's unseen walks too, as below a CPU whose stream has not begun)
                self.silent_mask[g] = self.silent_mask.get(g, 0) | child.groupmask
                self.unseen_below.add(child)
            self.silent_below[g] = True
            child = g

    def _stream_started(self, cpu: int, up: bool = False) -> None:
        """`cpu`'s first row in a trace whose ring buffer overwrote its oldest events: each CPU's
        buffer drops its own oldest pages (ring_buffer.c, overwrite mode), so a busy CPU's stream
        starts later than the others'. Until here it was a silent CPU; from here it is traced,
        its state and its event unknown until the trace shows them (`_forget_cpu`). `up`: the row
        is not its online callback's: only an available CPU runs the hierarchy's code paths
        (tmigr_is_not_available()), and the rows that would have said otherwise (its own
        tmigr_cpu_online/offline) went with its head."""
        self.head_lost.discard(cpu)
        self.silent.discard(cpu)
        tmc = self.h.cpus.get(cpu)
        if tmc is not None and tmc.tmgroup is not None and not tmc.available and (
                up or cpu not in self.proven_off):
            # (prepared in the capture, its online callback's row gone with its buffer's head:
            # tracing, it is up)
            self.proven_off.discard(cpu)
            self.h.resync_cpu(cpu, available=True)
            self.h.available_mask.add(cpu)
        child: TmigrGroup | None = None
        for g in self.anc.get(cpu, []):
            if g.level == 0 and tmc is not None:
                self.silent_mask[g] = self.silent_mask.get(g, 0) & ~tmc.groupmask
            elif child is not None and self.head_lost.isdisjoint(self.h.leaf_cpus(child)) \
                    and not _all_silent(child, self.silent - self.quiet):
                self.silent_mask[g] = self.silent_mask.get(g, 0) & ~child.groupmask
                self.unseen_below.discard(child)
            self.silent_below[g] = not self.silent.isdisjoint(self.h.leaf_cpus(g))
            self.group_known.discard(g)
            child = g
        self._forget_cpu(cpu, R_HEAD)
        self.res.resyncs["lost_events"] += 1

    def _untraced_line(self, i: int, cpu: int, missing: int, right_after: bool = False) -> None:
        """Row i of `cpu` comes where the kernel's program order requires a line (of event code
        `missing`) before it (program_order), and the sequence numbers say none was lost: the
        kernel did not trace it, unless that event type was not being recorded then. Enabling
        a system's events (`events/timer_migration/enable`, `set_event`) registers one event
        after another (__ftrace_set_clr_event() in kernel/trace/trace_events.c), so a trace
        enabled while the machine runs starts with some types before others (and a disable ends
        them one by one): only a line missing between its type's first and last rows counts.
        ``right_after``: the line follows the CPU's previous row in the same section (an
        activation's level-0 step right after its tmigr_cpu_active), so that row's stamp is its
        time, however late row i comes."""
        span = self.traced_spans.get(missing)
        j = int(self._prv_a[i])
        if span is None or j < 0:
            return
        if not (span[0] < self._ts[j] and (self._ts[j] if right_after else self._ts[i]) < span[1]):
            return
        self._check("walk_levels", False, i, f"CPU{cpu}: a tracepoint the kernel's program order requires "
                    "before this row is missing, and no event was lost here", "the missing tracepoint",
                    "not traced", cpu=cpu)

    def _lines_lost(self, cpu: int, i: int) -> _Ctx:
        """Events or lines of `cpu` are missing at row i: what it had in flight is closed, its
        state is unknown until the trace shows it again. What closing the interrupted operation
        flags as warm-up does not count for the row (only its own handler's checks do)."""
        warm = self.warm_rows, self._warm_last
        if i >= 0:
            t = self._ts[i]
            for g in self.anc.get(cpu, []):
                self.last_hr[g] = max(self.last_hr.get(g, -1), t)
        self._close(cpu, self.ctx[cpu], i, True)
        self.warm_rows, self._warm_last = warm
        self.wake_solve.pop(cpu, None)
        self._forget_cpu(cpu)
        self.res.resyncs["lost_events"] += 1
        return self.ctx[cpu]

    def _forget_cpu(self, cpu: int, why: str = R_QUEUE) -> None:
        """Lost events on `cpu`: its state and everything on its path is unknown again."""
        tmc = self.h.cpus.get(cpu)
        self.child_evt_printed.clear()      # (a lost update may have set any groupevt)
        self.raced_due.clear()
        self.evt_proof.pop(cpu, None)
        self.evt_since[cpu] = NO_FLOOR
        self.cpu_known.discard(cpu)
        self.wakeup_late.pop(cpu, None)
        self.wake_last.pop(cpu, None)
        old = self.ctx[cpu]
        if old.rwalk is not None:
            self._end_rwalk(old)
        self.ctx[cpu] = ctx = _Ctx()
        ctx.last_seq = -1
        if tmc is None or tmc.tmgroup is None:
            return
        self._unlearn(tmc.tmgroup, cpu, why)
        child = None
        for g in self.anc[cpu]:
            self.group_known.discard(g)
            if child is not None:
                self._unlearn(g, child, why)
            child = g

    def _learn_value(self, g: TmigrGroup | None, cpu: int) -> None:
        """`cpu`'s event in g is the value its own row just traced (not only known ignored)."""
        self.value_unk.discard(cpu)
        if g is not None and self.qunk.get(g):
            self._learn_child(g, cpu)

    def _unlearn(self, g: TmigrGroup, child: Any, why: str = R_QUEUE) -> None:
        """The event of `child` (a CPU number or a group) in `g` is not known from now on. A
        silent CPU's (or a group of silent CPUs') event never is: the silent-CPU rules account
        for it (`silent_below`), it does not join the unknown events."""
        self.qlb.pop(g, None)
        if isinstance(child, TmigrGroup) and _all_silent(child, self.silent) or child in self.silent:
            return
        if child not in self.qunk[g]:
            self.qunk[g].add(child)
            self.qunk_why[g] = why
        if not isinstance(child, TmigrGroup):
            # an activation makes the event known ignored, not its value (it stays queued)
            self.value_unk.add(child)

    def _head_decided(self, g: TmigrGroup) -> int:
        """Whether g's first event is one the trace proves: 2 when every event is known, or the
        model's first one is known and earlier than the bound on the unknown ones (`qlb`); 1 when
        it equals that bound (its expiry is decided, not which of equal events comes first); 0
        when it rests on an unknown event."""
        unk = self.qunk[g]
        if not unk:
            return 2
        b = self.qlb.get(g)
        if b is None or b[1] != g.adds:
            return 0
        for e in g.events:
            if e.ignore:
                continue
            o = e.owner
            if (o if isinstance(o, TmigrGroup) else e.cpu) in unk or e.expires > b[0]:
                return 0
            return 2 if e.expires < b[0] else 1
        return 1 if b[0] == KTIME_MAX else 0

    def _queue_known(self, g: TmigrGroup | None) -> bool:
        return g is not None and not self.qunk[g]

    def _known_first(self, g: TmigrGroup) -> int:
        """The first expiry in g's queue among the events whose value the trace proves (their
        child is not in ``qunk[g]``); KTIME_MAX if none. The kernel's first event of g is no
        later: the events not known can only come earlier."""
        unk = self.qunk[g]
        for e in g.events:
            if e.ignore:
                continue
            o = e.owner
            if (o if isinstance(o, TmigrGroup) else e.cpu) not in unk:
                return e.expires
        return KTIME_MAX

    def _path_known(self, anc: list[TmigrGroup]) -> bool:
        """A lookup of every queue on this path (tmigr_next_groupevt) is known: each child whose
        event is not known is active in the group's known state, so its event is ignored there
        (an active CPU's by __tmigr_cpu_activate, an active group's by tmigr_active_up) and the
        lookup skips it; the model holds it ignored or not queued."""
        qunk = self.qunk
        group_known = self.group_known
        cpus = self.h.cpus
        for g in anc:
            unk = qunk[g]
            if not unk:
                continue
            if g not in group_known:
                return False
            for ch in unk:
                if isinstance(ch, TmigrGroup):
                    mask = ch.groupmask
                    e = ch.groupevt
                else:
                    tmc = cpus.get(ch)
                    if tmc is None:
                        return False
                    mask = tmc.groupmask
                    e = tmc.cpuevt
                if not (g.active & mask) or (e.queued_in is g and not e.ignore):
                    return False
        return True

    def _warm_kind(self, g: TmigrGroup | None) -> bool:
        """True if g's queue was never known (warm-up), False if it was and got lost (undecidable)."""
        return g not in self.ever_known

    def _warm_row(self, i: int) -> None:
        """Row i had a warm-up check: count it once in `warm_rows`."""
        r = self.index + i
        if r != self._warm_last:
            self._warm_last = r
            self.warm_rows += 1

    def _why_unknown(self, g: TmigrGroup | None) -> str:
        """Why g's queue is not known: the cause of its latest unknown event (`_unlearn`)."""
        return self.qunk_why.get(g, R_QUEUE) if g is not None else R_QUEUE

    def _unknown(self, k: int, g: TmigrGroup | None, i: int) -> None:
        """A check of kind `k` that depends on g's queue, which is not known: warm-up if it never
        was, else undecidable (``_check(kind, None, ..., warm=self._warm_kind(g))``)."""
        if g not in self.ever_known:
            self._wrm[k] += 1
            self._warm_row(i)
        else:
            self._undec(k, self._why_unknown(g) if self.qunk.get(g) else R_CPU)

    # ------------------------------------------------------------------------------------------
    # Feeding
    # ------------------------------------------------------------------------------------------
    def feed_arrays(self, arrays: dict[str, np.ndarray], final: bool, gap: Any = None,
                    links: Any = None, orig: Any = None, stop_at: int = -1) -> int:
        """Process a buffer of numpy columns (filled: pointers null -> UNKNOWN_PTR, ints null ->
        -1; ``code`` = event codes). What can be computed for all rows at once is computed here
        with numpy (rows of the same CPU, per-CPU sequence continuity, each CPU's last row);
        then every column becomes a plain list once and the rows are replayed one by one.
        ``gap``: rows before (GAP_BEFORE) / after (GAP_AFTER) which lines of their CPU are missing
        although the sequence numbers run on (text traces: `program_order.missing_lines`); treated
        as a sequence gap there. ``links``: `same_cpu_links(arrays["cpu"])` if the caller has them.
        ``orig``: the printed position of each row when the caller reordered one stamp's rows
        (`tie_order`); divergences report the printed position."""
        n = len(arrays["code"])
        stop = n if final else max(0, n - LOOKAHEAD_ROWS)
        if 0 < stop_at < stop:
            stop = stop_at                      # the rest waits for the next buffer (tie_order)
        cpu_a, seq_a = arrays["cpu"], arrays["seq"]
        nxt, prv = links if links is not None else same_cpu_links(cpu_a)
        pseq = seq_a[prv]                       # prv -1 reads the last row: masked below
        seq_ok = (prv >= 0) & (pseq >= 0) & (seq_a == pseq + 1)
        contig: list[bool] | None = seq_ok.tolist() if self.seq_marks_loss and gap is not None else None
        gap_l: list[int] | None = None
        if gap is not None:
            seq_ok &= (gap & GAP_BEFORE) == 0   # lines missing before it: not its successor
            gap_l = gap.tolist()
        # Each CPU's last row before `stop`: its sequence number is where the next buffer goes on.
        self._cpu_a = cpu_a
        self._seq_ok_a = seq_ok
        last_cpu, last_rev = np.unique(cpu_a[:stop][::-1], return_index=True)
        last_row = stop - 1 - last_rev
        cols = {k: v.tolist() for k, v in arrays.items() if k != "seq"}
        cols["nxt"] = _tmigr_links(arrays["code"], cpu_a, nxt).tolist()
        self._nxt_any = nxt
        rows = self._rows = _Rows(cols)
        self._orig = orig.tolist() if orig is not None else None
        codes = self._codes = rows.code
        self._nxt = rows.nxt
        self._prv_a = _tmigr_prev(arrays["code"], cpu_a, prv)
        self._seq_a = seq_a
        self._n = n
        ts_l = self._ts = rows.ts
        cpu_l = rows.cpu
        ok_l: list[bool] = seq_ok.tolist()
        ctxs = self.ctx
        for i in range(stop):
            cpu = cpu_l[i]
            ctx = ctxs.get(cpu)
            if ctx is None:
                continue
            if self.unseen_prep:
                if cpu in self.unseen_prep:
                    self._unseen_prepare(cpu)
                due = self.unseen_due
                while due and due[0][0] <= ts_l[i]:
                    c = due.pop(0)[1]
                    if c in self.unseen_prep:
                        self._unseen_prepare(c, up=True)
            if not ok_l[i]:
                # Not the successor of this CPU's previous row: a gap (lost events or lines), this
                # CPU's first row in the buffer (compare with the previous buffer) or no sequence.
                j = int(prv[i])
                ls = int(seq_a[j]) if j >= 0 else ctx.last_seq
                s = int(seq_a[i])
                if self.head_lost and ls < 0 and cpu in self.head_lost:
                    self.head_start[cpu] = self.index + i
                    self._stream_started(cpu, self._codes[i] in WALK_CODES)
                    ctx = ctxs[cpu]
                elif (ls >= 0 and s != ls + 1 and s >= 0) or (gap_l is not None and gap_l[i] & GAP_BEFORE):
                    if contig is not None and contig[i] and cpu in self.seq_marks_loss:
                        self._untraced_line(i, cpu, E_SET_INACTIVE)
                    ctx = self._lines_lost(cpu, i)
                elif ls < 0 and cpu in self.lost_cpus:
                    self._forget_cpu(cpu)
                    ctx = ctxs[cpu]
                    self.res.resyncs["lost_events"] += 1
            code = codes[i]
            if code == E_OTHER:
                # (its sequence number counted above; it is no step of the hierarchy)
                if self.stream_ends or self.open_ends or gap_l is not None:
                    self._row_done(i, cpu, gap_l, contig, n)
                continue
            if ctx.pend is not None:
                self._run_pend(i, cpu, ctx)
            if self.rwalk_of and cpu in self.rwalk_of and code != E_HR and code != E_HR_CPU and \
                    not (code == E_UPDATE and ctx.op == OP_REMOTE):
                self._finish_rwalk_before_target(cpu)
            if ctx.rwalk is not None and not (code == E_UPDATE and ctx.exp_upd):
                # The update walk's next step happens before this CPU's next event: at
                # its own tracepoint (tmigr_update_events is traced under the group's lock, so
                # the row orders it among the other CPUs' steps on that group), else now.
                self._walk_step(cpu, ctx, i=i if code == E_UPDATE else -1)
            if ctx.rwalk is not None:
                ctx.rw_ts = ts_l[i]
            if self.again_after:
                self._goto_again_due(i, code, cpu)
            # To the event's handler, most frequent events first.
            ts = ts_l[i]
            if E_NEW_TIMER <= code <= E_NT_IDLE:
                self._check_tmgroup(i, code, cpu)
            if code != E_NT_IDLE and code != E_HR:
                self.evt_since[cpu] = self.index + i
                if self.maybe_dequeued and cpu in self.maybe_dequeued:
                    del self.maybe_dequeued[cpu]
            if code == E_SET_INACTIVE:
                self._on_set_inactive(i, cpu, ctx, ts)
                self._state_print(i)
                if self.stopped_at:
                    self._recheck_stopped(cpu)
            elif code == E_UPDATE:
                self._on_update(i, cpu, ctx, ts)
            elif code == E_CPU_IDLE:
                self._on_cpu_idle(i, cpu, ctx, ts)
            elif code == E_CPU_ACTIVE:
                self._on_cpu_active(i, cpu, ctx, ts)
            elif code == E_SET_ACTIVE:
                sc = self.sctx.get(cpu)
                if sc is not None and sc.op == OP_SETUP and self._setup_activates(sc, i):
                    self._on_set_active(i, cpu, sc, ts)     # the old root activated by setup
                else:
                    self._on_set_active(i, cpu, ctx, ts)
                self._state_print(i)
                if self.stopped_at:
                    self._recheck_stopped(cpu)
            elif code == E_HR:
                self._on_hr(i, cpu, ctx, ts)
            elif code == E_NT_IDLE:
                self._on_nt_idle(i, cpu, ctx, ts)
            elif code == E_HR_CPU:
                self._on_hr_cpu(i, cpu, ctx, ts)
            elif code == E_NEW_TIMER:
                self._on_new_timer(i, cpu, ctx, ts)
            elif code == E_ONLINE:
                self._on_online(i, cpu, ctx, ts)
            elif code == E_OFFLINE:
                self._on_offline(i, cpu, ctx, ts)
            elif code == E_GROUP_SET or code == E_CONN_CHILD or code == E_CONN_CPU:
                self._on_setup(i, cpu, self.sctx[cpu], ts)
            if self.walk_level and (code == E_UPDATE or code == E_SET_ACTIVE or code == E_CPU_ACTIVE
                                    or code == E_SET_INACTIVE):
                self._note_mid_firsts(cpu)
            if code <= E_HR and code >= E_CPU_ACTIVE and code != E_UPDATE:
                self._wakeup_seen(i, code, cpu)
            if self.stream_ends or self.open_ends or gap_l is not None:
                self._row_done(i, cpu, gap_l, contig, n)
        for c, r in zip(last_cpu.tolist(), last_row.tolist()):
            ctx = ctxs.get(c)
            if ctx is not None:
                ctx.last_seq = int(seq_a[r])
        self.index += stop
        return stop

    def finish(self) -> None:
        warm = self.warm_rows
        for cpu, ctx in self.ctx.items():
            if ctx.pend is not None:
                self._run_pend(-1, cpu, ctx)
            if ctx.op != OP_NONE or ctx.exp_upd:
                # The data ends inside this operation: what it would trace next is not in it.
                ctx.exp_upd = []
                self._close(cpu, ctx, max(self._n - 1, 0), True)
        for cpu, ctx in self.sctx.items():
            if ctx.op != OP_NONE or ctx.exp_upd:
                self._close(cpu, ctx, max(self._n - 1, 0), False)
        self.res.warmup_events = self.warm_rows = warm
        for k, name in enumerate(KIND_NAMES):
            kc = self.kc[name]
            kc.checked += self._agr[k] + self._und[k]
            kc.agreed += self._agr[k]
            kc.undecidable += self._und[k]
            kc.warmup += self._wrm[k]
            self._agr[k] = self._und[k] = self._wrm[k] = 0
        for (kind, why), n in self.und_reasons.items():
            per = self.res.undecidable_reasons.setdefault(kind, {})
            per[why] = per.get(why, 0) + n
        self.und_reasons = {}

    # ------------------------------------------------------------------------------------------
    # Closing an operation: what the model still expected and the kernel did not trace
    # ------------------------------------------------------------------------------------------
    def _close(self, cpu: int, ctx: _Ctx, i: int, interrupted: bool) -> None:
        op = ctx.op
        if ctx.exp_upd and op != OP_SETUP:
            self._missing_updates(cpu, ctx, i)
        if op == OP_NONE:
            pass
        elif op == OP_ACT or op == OP_DEACT:
            if ctx.next is not None and not ctx.optional and not interrupted:
                # The model would have gone on to the parent; the kernel stopped.
                if ctx.decidable:
                    self._check("walk_levels", False, i,
                                f"{'activation' if op == OP_ACT else 'deactivation'} walk of CPU{cpu} "
                                f"stopped below {ctx.next.id}", f"continue to {ctx.next.id}", "stopped", cpu=cpu)
                else:
                    self._undec(K_WALK, R_CPU)
            elif op == OP_ACT and not ctx.optional:
                if ctx.decidable:
                    self._agr[K_WALK] += 1
                else:
                    self._undec(K_WALK, R_CPU)
        elif op == OP_REMOTE:
            self._close_remote(cpu, ctx, i, interrupted)
        elif op == OP_SETUP:
            h = self.h
            if h.deferred_links:
                # Old-root links the trace did not show: the model makes them all the same.
                h.trace = True
                try:
                    for child in list(h.deferred_links):
                        ctx.exp_upd.extend(h.connect_deferred(child, cpu))
                finally:
                    h.trace = "updates"
                self._refresh_tree()
            left = [r[0] for r in ctx.exp_upd]
            if left:
                self._check("setup", False, i, f"prepare of CPU{ctx.remote_target}: the model traces more",
                            left, "not traced", cpu=cpu)
            ctx.exp_upd = []
            ctx.remote_target = -1
            ctx.target_row = -1
            ctx.target_idx = -1
        ctx.op = OP_NONE
        ctx.next = None
        ctx.walk = None

    def _missing_updates(self, cpu: int, ctx: _Ctx, i: int) -> None:
        if ctx.op == OP_SETUP:
            return
        recs = ctx.exp_upd
        ctx.exp_upd = []
        if ctx.rwalk is not None:
            self._end_rwalk(ctx)         # a remote walk that was not traced this far ended
            if ctx.level is not None:
                self._remote_eval(i, cpu, ctx, ctx.level)
        raced = False
        # tmigr_handle_remote_cpu() skips the target's update walk when it finds the target no
        # longer idle after the expiry: a silent target (its activation not in the trace) may have.
        # So may one whose stream had not begun when it was expired (its buffer's head overwritten).
        t = ctx.remote_target
        woke_unseen = ctx.op == OP_REMOTE and (t in self.silent or (
            t in self.head_start and self.head_start[t] > ctx.target_idx >= 0))
        # (a remote update walk goes up the target's path)
        walker = ctx.remote_target if ctx.op == OP_REMOTE and ctx.remote_target >= 0 else cpu
        for rec in recs:
            g = rec[0]
            child = self._child_of(walker, g) if g.level > 0 else None
            if woke_unseen:
                self._undec(K_EXPIRY, R_SILENT)
                continue
            if raced or (child is not None and (op_walks_up(ctx.op) or walker != cpu) and (
                    child.active or self._activation_ahead(i, cpu, child)
                    or self._activated_since(i, cpu, child))):
                # tmigr_update_events() reads the child's state under the locks, at an untraced
                # moment before this CPU's next event: a child that another CPU's activation
                # (traced by now) made active ends the walk there without a tracepoint
                # ("childstate.active: walk_done"). The model had gone on: that part of g's
                # queue is not known now.
                if not raced and op_walks_up(ctx.op) and ctx.walk is not None:
                    # the walk ended there (walk_done, before check_toplvl): data->firstexp kept
                    # KTIME_MAX, the wakeup its tmigr_cpu_idle / _new_timer_idle prints
                    ctx.walk.firstexp = KTIME_MAX
                    ctx.walk.top_read = False
                raced = True
                self._undec(K_EXPIRY, R_RACE)
                if child is not None:
                    self._unlearn(g, child, R_RACE)
                continue
            if child is None and g.parent is None and self.unseen_prep and ctx.op == OP_DEACT \
                    and self.h.cpus[cpu].cpuevt.ignore and self._grown_unseen(g):
                continue
            decidable = self._queue_known(g) and g in self.group_known
            if not decidable and ctx.op == OP_DEACT and g in self.group_known:
                # Whether a deactivation's update traces does not depend on the queue: level 0
                # returns early only for an ignored event below a parent (the CPU's ignore flag
                # follows from its next event), a level above only for an active child
                # (tmigr_update_events).
                decidable = ctx.nexp_known if child is None else child in self.group_known
            if decidable and not self._recorded(E_UPDATE, i):
                self._undec(K_EXPIRY, R_NOT_RECORDED)
            elif decidable:
                # (at level 0 the update is expected from the nextexp a row of the walk printed)
                src = (ctx.nexp_row,) if child is None and ctx.nexp_row >= 0 and \
                    (ctx.op == OP_DEACT or ctx.op == OP_NT) else ()
                self._check("expiry", False, i, f"tmigr_update_events on {g.id} expected, not traced",
                            _upd_view(rec), None, cpu=cpu, rows=src)
            else:
                self._check("expiry", None, i, "", None, None, warm=self._warm_kind(g), note=self._why_unknown(g))

    def _activated_after(self, e: Any, row: int) -> bool:
        """`e` is a CPU's event and that CPU's tmigr_cpu_active is printed after stream index
        `row`: its ignore store (__tmigr_cpu_activate, right after that tracepoint) came later
        than any read made by then. For a group's event: the activation that set the group active
        (tmigr_active_up() stores groupevt.ignore inside that CPU's walk) began with a
        tmigr_cpu_active printed after `row`."""
        o = e.owner
        if not isinstance(o, TmigrGroup):
            return self.act_row.get(e.cpu, -1) > row
        lg = self.last_ev.get(o)
        return lg is not None and lg[4] == E_SET_ACTIVE and self.act_row.get(lg[0], -1) > row

    def _recorded(self, code: int, i: int) -> bool:
        """A row of type `code` missing before row i was being recorded (`recorded_from`)."""
        return 0 <= i < self._n and self._ts[i] >= self.recorded_from.get(code, 1 << 62)

    def _activated_since(self, i: int, cpu: int, child: TmigrGroup) -> bool:
        """Another CPU's activation of `child` printed between this CPU's row before row i and
        row i: the child was active at some moment of that window, where this CPU's untraced
        read of its state lies."""
        if i < 0:
            return False
        c = self._rows
        codes = self._codes
        for k in range(max(int(self._prv_a[i]) + 1, i - LOOKAHEAD_ROWS), i):
            if codes[k] == E_SET_ACTIVE and c.cpu[k] != cpu and \
                    self._group(c.group[k], c.lvl[k], c.cpu[k]) is child:
                return True
        return False

    def _activation_ahead(self, i: int, cpu: int, child: TmigrGroup) -> bool:
        """Another CPU's activation of `child`, printed after row i, whose CPU's previous row
        comes before row i: its cmpxchg lies anywhere after that row, so it may have come before
        this CPU's read of the child's state (untraced, before row i)."""
        if i < 0:
            return False
        c = self._rows
        codes = self._codes
        for k in range(i + 1, min(self._n, i + LOOKAHEAD_ROWS)):
            code = codes[k]
            if code != E_SET_ACTIVE and code != E_SET_INACTIVE:
                continue
            if self._group(c.group[k], c.lvl[k], c.cpu[k]) is not child:
                continue
            return code == E_SET_ACTIVE and c.cpu[k] != cpu and int(self._prv_a[k]) < i
        return False

    # ------------------------------------------------------------------------------------------
    # Activation
    # ------------------------------------------------------------------------------------------
    def _on_cpu_active(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        if ctx.op or ctx.exp_upd:
            self._close(cpu, ctx, i, False)
        else:
            ctx.next = ctx.walk = None
        c = self._rows
        t = c.target_cpu[i]
        if t < 0:
            t = cpu
        tmc = self.h.cpus.get(t)
        if tmc is None or tmc.tmgroup is None:
            return
        w = c.wakeup[i]
        if t in self.proven_off:
            # tmigr_cpu_activate() returns before its tracepoint for a CPU that is not available
            # (tmigr_is_not_available()); its tmigr_cpu_online/available is not in the trace.
            self._check("hotplug", False, i, f"CPU{t} activates while not available", "no activation",
                        "tmigr_cpu_active", cpu=t)
            self.proven_off.discard(t)
            self.h.resync_cpu(t, available=True)
        if self.wake_solve:
            self._solve_requeue(i, t, w)
        if t in self.cpu_known:
            if self._wakeup_is(t, tmc, w):
                self._agr[K_WAKEUP] += 1
            elif self._unseen_remote_expiry(i, t, tmc, w):
                self._undec(K_WAKEUP, R_LOST_HANDLER)
            else:
                self._check("wakeup", False, i, f"CPU{t} wakeup while idle (tmigr_cpu_active)",
                            tmc.wakeup, w, cpu=t, rows=self._printed_at(t, tmc.wakeup))
        elif not self._check_wake_last(i, t, w, f"CPU{t} wakeup while idle (tmigr_cpu_active): "
                                       "not the one its last row showed"):
            self._wrm[K_WAKEUP] += 1
            self._warm_row(i)
        tmc.idle = False
        tmc.cpuevt.ignore = True
        tmc.wakeup = KTIME_MAX
        self.act_row[t] = self.index + i
        self.act_at[t] = (self._step(i), ts)
        self.wakeup_late.pop(t, None)
        self.cpu_known.add(t)
        g0 = tmc.tmgroup
        if self.qunk.get(g0):
            self._learn_child(g0, t)
        ctx.op = OP_ACT
        ctx.new_walk(KTIME_MAX, None, tmc.groupmask)
        ctx.next = g0
        ctx.child = None
        ctx.decidable = True
        ctx.optional = False
        if self.handoffs:
            ctx.handoff = None
            for oc in list(self.handoffs):
                octx = self.ctx[oc]
                hand: Any = octx.handoff
                if oc == t:
                    continue
                self.handoffs.discard(oc)
                if hand is not None:
                    octx.handoff = None
                    self._check("hotplug", ts <= hand[0], i, f"hand-off after CPU{oc} went offline",
                                f"a CPU activates by {hand[0]}", ts, cpu=t)

    def _printed_group(self, i: int, g: TmigrGroup, cpu: int) -> None:
        """A group-state event prints the level and node of its group (TP_fast_assign:
        group->level, group->numa_node); the group its pointer names has them."""
        c = self._rows
        lv = c.lvl[i]
        nd = c.numa_node[i]
        if (lv >= 0 and lv != g.level) or (nd >= 0 and g.numa_node >= 0 and nd != g.numa_node):
            if g in self.printed_differs:
                return                  # said once per group: a model of another shape (a fault)
            self.printed_differs.add(g)
            if lv >= 0 and lv != g.level:
                self._check("group_state", False, i, f"{g.id}: printed lvl", g.level, lv, cpu=cpu)
            if nd >= 0 and g.numa_node >= 0 and nd != g.numa_node:
                self._check("group_state", False, i, f"{g.id}: printed numa", g.numa_node, nd, cpu=cpu)

    def _on_set_active(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        ptr = c.group[i]
        g = self.by_ptr.get(ptr)
        if g is None:
            g = self._group(ptr, c.lvl[i], cpu)
            if g is None:
                return
            if ptr != UNKNOWN_PTR:
                self._pointer_is_new(i, g, ptr, cpu)
        else:
            self._printed_group(i, g, cpu)
        obs_a, obs_m, m = c.active[i], c.migrator[i], c.childmask[i]
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        k = next((n for n, r in enumerate(ctx.exp_upd) if r[0] == "tmigr_group_set_cpu_active"), None) \
            if ctx.op == OP_SETUP else None
        if k is not None:
            rec = ctx.exp_upd.pop(k)[1]
            self._check("setup", (rec["group"] is g and rec["active"] == obs_a and rec["migrator"] == obs_m)
                        if g in self.group_known else None, i, f"{g.id} activated into a new root during setup",
                        _st(rec["active"], rec["migrator"]), _st(obs_a, obs_m), cpu=cpu)
            self.h.resync_group_state(g, obs_a, obs_m)
            self.group_known.add(g)
            return
        if ctx.op != OP_ACT:
            # Not in an activation of this CPU: setup (old root activated into a new root) or a
            # capture that starts mid-walk. Check it as a single step if the group is known.
            kind = "setup" if ctx.op == OP_SETUP else "group_state"
            if g in self.group_known:
                a, mg, _ = active_up_pure(g.active, g.migrator, m)
                if not self._check(kind, (a, mg) == (obs_a, obs_m), i, f"{g.id} state after activation",
                                   _st(a, mg), _st(obs_a, obs_m), cpu=cpu):
                    pass
            else:
                self._check(kind, None, i, "", None, None, warm=True)
            self.h.resync_group_state(g, obs_a, obs_m)
            self.group_known.add(g)
            return
        walk = ctx.walk
        exp_g = ctx.next
        if exp_g is not g:
            self._walk_mismatch(i, cpu, ctx, g, "activation")
            walk.childmask = m
        elif walk.childmask != m:
            walk.childmask = m
        known = self._state_word_ok(i, g, obs_a, obs_m, cpu) and g in self.group_known
        S = self._adjust_silent(g, obs_a, obs_m, m) if known and self.silent_mask.get(g) else 0
        pre_a, pre_m = g.active, g.migrator
        pre = self.reorder_done.pop(self.index + i, None) if self.reorder_done else None
        if pre is not None:
            # Already applied, before a lock-free read that needed it (`_try_reorder_read`): the
            # model state has it and whatever came after; keep that, not this observation.
            done = pre[2]
            obs_a, obs_m = pre_a, pre_m
            self._agr[K_GROUP_STATE] += 1
        elif known:
            # active_up_pure(), inline: the hot path of every activation level.
            a = pre_a | m
            if pre_m == TMIGR_NONE:
                mg, done = m, False
            else:
                mg, done = pre_m, True
            later = self._step_after_later(i, g, m, 0, True) if a != obs_a or mg != obs_m else None
            if later is not None:
                done = later[2]
                self._agr[K_GROUP_STATE] += 1
                self.res.reordered += 1
            elif a != obs_a or mg != obs_m:
                silent_first: bool | None = None
                if not (S and not ((a ^ obs_a) & ~S)):
                    silent_first = self._silent_deactivation_first(g, ctx.child, m, obs_a, obs_m)
                if S and not ((a ^ obs_a) & ~S):
                    self._undec(K_GROUP_STATE, R_SILENT)
                    done = not (obs_m == m and obs_a == m)
                    ctx.optional = True
                    self.h.children_activated(g, obs_a & ~a)
                elif silent_first is not None:
                    self._undec(K_GROUP_STATE, R_SILENT)
                    done = silent_first
                else:
                    self._check("group_state", False, i, _state_what(g, "activation", m, cpu),
                                _st(a, mg), _st(obs_a, obs_m), cpu=cpu, rows=self._state_printed(g))
                    done = not (obs_m == m and pre_m == TMIGR_NONE)
                    ctx.decidable = False
            else:
                self._agr[K_GROUP_STATE] += 1
        else:
            self._wrm[K_GROUP_STATE] += 1
            self._warm_row(i)
            ctx.decidable = False
            done = None
        # Apply through the model (sets groupevt.ignore, seq), then pin to the observation.
        self.h.tmigr_active_up(g, ctx.child, walk)
        if g.active != obs_a or g.migrator != obs_m:
            if not known:
                # (a state the model does not know yet, taken as printed: a child's bit it shows
                # set is an activation the trace lacks, which stored that child's ignore flag)
                self.h.children_activated(g, obs_a & ~g.active)
            self.h.resync_group_state(g, obs_a, obs_m)
        if pre is None:
            self.last_ev[g] = (cpu, ts, pre_a, pre_m, E_SET_ACTIVE, m, obs_a, obs_m, done)
        self.group_known.add(g)
        parent = g.parent
        if parent is not None and self.qunk.get(parent):
            self._learn_child(parent, g)
        if done is None:
            ctx.optional = True
            done = False
        ctx.child = g
        if not done and g.parent is not None:
            ctx.next = g.parent
            walk.childmask = g.groupmask
        else:
            ctx.next = None

    def _silent_deactivation_first(self, g: TmigrGroup, child: TmigrGroup | None, m: int,
                                   obs_a: int, obs_m: int) -> bool | None:
        """An activation walk came up from `child` because it found the child idle, yet the
        model still holds the child's bit m in g: a CPU below the child that the trace does not
        show (silent, or its stream not begun) was deactivating it, its level-below step done.
        Its tmigr_inactive_up() on g reads the child's state lock-free: read before this walk's
        step on the child, it clears m (handing the migrator over) before this step; read after,
        it keeps m. When the observation is the first order, apply that silent step to g and
        return whether this walk is done; else None."""
        if child is None or not (g.active & m) or child.parent is not g:
            return None
        if not (self.silent_mask.get(child, 0) or child in self.unseen_below):
            return None
        a2, m2, _ = inactive_up_pure(g.active, g.migrator, m, 0)
        a3, m3, done = active_up_pure(a2, m2, m)
        if (a3, m3) != (obs_a, obs_m):
            return None
        g.active, g.migrator = a2, m2
        if m2 == TMIGR_NONE:
            self._silent_walk_up(g, False)
        return done

    def _adjust_silent(self, g: TmigrGroup, obs_a: int, obs_m: int, stepping: int) -> int:
        """Bring the silent children's bits of g's state up to the observation (they changed
        without an event), keeping the kernel's rules for the migrator. The bit of the child
        whose step this is (`stepping`) is this walk's own, traced. Returns the mask."""
        S = self.silent_mask.get(g, 0) & ~stepping
        if not S:
            return 0
        a = (g.active & ~S) | (obs_a & S)
        m = g.migrator
        if m != TMIGR_NONE and (m & S) and not (m & a):
            m = LOWEST_BIT[a]                       # a silent migrator went idle: hand-over
        if m == TMIGR_NONE and (a & S):
            m = obs_m if (obs_m != TMIGR_NONE and obs_m & a & S) else LOWEST_BIT[a & S]
        went = (g.migrator == TMIGR_NONE) != (m == TMIGR_NONE)
        if (a & S) & ~g.active:
            # a silent child's activation reached g: tmigr_active_up() stores g's own event's
            # ignore flag on every activation step (lock-free, after its tracepoint), and the
            # child's before that (its own step, or __tmigr_cpu_activate() for a CPU)
            g.groupevt.ignore = True
            self.h.children_activated(g, (a & S) & ~g.active)
            seen = self.active_print.get(g)
            if seen is not None and not (seen[0] & a & S & ~g.active) and seen[1] != g.lookups:
                # the activation came after the row that printed those bits clear, a look-up of
                # g since (tmigr_next_groupevt) may have followed its ignore store and pruned the
                # event: g's next_expiry is either until g's next look-up
                self.nexp_taint[g] = g.lookups
        g.active, g.migrator = a, m
        if went:
            self._silent_walk_up(g, m != TMIGR_NONE)
        return S

    def _silent_walk_up(self, g: TmigrGroup, active: bool, mask: int = 0) -> None:
        """A silent child's unseen deactivation (activation) walk, as tmigr_inactive_up()
        (tmigr_active_up()) makes it: from g's parent when g went idle (busy), or from g itself
        for a CPU whose bit in g is `mask`. Going idle: the child's bit is cleared, and a group
        whose migrator it was hands over to its lowest active child, or goes idle and the walk
        goes on. Going busy: the bit is set, and a group without a migrator takes the child as
        its migrator and the walk goes on."""
        child: TmigrGroup | None = None
        p: TmigrGroup | None = g if mask else g.parent
        if not mask:
            child = g
        while p is not None:
            if child is not None:
                mask = child.groupmask
            if bool(p.active & mask) == active:
                return                          # seen so already (a traced step since)
            if active:
                p.active |= mask
                p.groupevt.ignore = True        # tmigr_active_up(), as above
                if p.migrator != TMIGR_NONE:
                    return
                p.migrator = mask
            else:
                p.active &= ~mask
                if p.migrator != mask:
                    return
                p.migrator = LOWEST_BIT[p.active]
                if p.migrator != TMIGR_NONE:
                    return
            child, p = p, p.parent

    def _walk_mismatch(self, i: int, cpu: int, ctx: _Ctx, g: TmigrGroup, what: str) -> None:
        exp = ctx.next.id if ctx.next is not None else "end of walk"
        anc = self.anc.get(cpu, [])
        below = anc[g.level - 1] if 0 < g.level <= len(anc) else None
        if ctx.decidable and not ctx.optional and below is not None and self.silent_below.get(below):
            # The walk went on from the level below g by that group's state, which a silent
            # CPU's unseen walk through another child of it may have changed.
            self._undec(K_WALK, R_SILENT)
        elif ctx.decidable and not ctx.optional:
            self._check("walk_levels", False, i, f"{what} walk of CPU{cpu} reached {g.id}", exp, g.id, cpu=cpu)
        else:
            self._check("walk_levels", None, i, "", None, None, warm=True)
        ctx.optional = True
        ctx.decidable = False
        # Follow the kernel: the child is whatever sits below g on this CPU's path.
        anc = self.anc.get(cpu, [])
        ctx.child = anc[g.level - 1] if g.level > 0 and len(anc) >= g.level else None

    def _earlier_steps(self, i: int, g: TmigrGroup) -> Iterator[tuple[int, int, int, bool]]:
        """Other CPUs' group-state events on g traced after row i whose cmpxchg can have come
        before it (the CPU's previous event is older than row i) and whose print is their step
        from the model's state of g, but for silent children's bits: (row, active, migrator,
        walk_done) of each."""
        c = self._rows
        codes = self._codes
        ts0, cpu0 = c.ts[i], c.cpu[i]
        grp_l, lvl_l, cpu_l = c.group, c.lvl, c.cpu
        pre_a, pre_m = g.active, g.migrator
        # (silent children's bits may have changed unseen after that earlier cmpxchg: its print
        # shows them as they were then)
        keep = ~self.silent_mask.get(g, 0)
        for j in range(i + 1, min(self._n, i + LOOKAHEAD_ROWS)):
            cj = codes[j]
            if cj != E_SET_ACTIVE and cj != E_SET_INACTIVE or cpu_l[j] == cpu0:
                continue
            if self._group(grp_l[j], lvl_l[j], cpu_l[j]) is not g:
                continue
            pj = self._prev_ts(j, cpu_l[j])
            if pj is None or pj > ts0:
                continue
            mj = c.childmask[j]
            if cj == E_SET_ACTIVE:
                a1, m1, dj = active_up_pure(pre_a, pre_m, mj)
            else:
                ch = self._child_of(cpu_l[j], g)
                a1, m1, dj = inactive_up_pure(pre_a, pre_m, mj, ch.active if ch is not None else 0)
            if m1 == c.migrator[j] and (a1 & keep) == (c.active[j] & keep):
                yield j, a1, m1, dj

    def _try_reorder_read(self, i: int, g: TmigrGroup, mask: int) -> bool:
        """`tmigr_check_migrator(g, mask)` (a lock-free read at row i) fails on the model's state:
        look for another CPU's step on g that can have come before (`_earlier_steps`) and makes
        `mask` the migrator (or leaves none). If found it is applied now (`reorder_done`)."""
        for j, a1, m1, dj in self._earlier_steps(i, g):
            if m1 != mask and m1 != TMIGR_NONE:
                continue                # no help
            self.reorder_done[self.index + j] = (a1, m1, dj)
            self.h.resync_group_state(g, a1, m1)
            return True
        return False

    def _deactivation_end(self, i: int) -> tuple[int, int]:
        """Where the deactivation walk whose first state event is row i ends: its
        tmigr_cpu_idle or tmigr_cpu_offline row (n if another operation comes first), and its
        level-0 tmigr_update_events row (-1 if none), which traces the CPU's nextexp."""
        c = self._rows
        codes = self._codes
        nxt = self._nxt
        n = self._n
        j = nxt[i]
        u0 = -1
        while j < n:
            cj = codes[j]
            if cj == E_CPU_IDLE or cj == E_OFFLINE:
                break
            if cj == E_CPU_ACTIVE or cj == E_HR or cj == E_NEW_TIMER:
                return n, u0
            if cj == E_UPDATE and u0 < 0 and c.child[j] == 0 and c.group_lvl[j] == 0:
                u0 = j
            j = nxt[j]
        return j, u0

    def _step_after_later(self, i: int, g: TmigrGroup, m: int, child_active: int,
                          activate: bool) -> tuple[int, int, bool] | None:
        """Row i prints a state of g that this CPU's step (`m`, activation or deactivation)
        does not make from the model's state. Each state event traces after its cmpxchg, so a
        CPU stalled in between (a descheduled vCPU) prints late: another CPU's state event on g
        traced later may be the earlier cmpxchg (`_earlier_steps`), after which this step makes
        row i's print. Applied now (`reorder_done`); returns this step's (active, migrator,
        walk_done)."""
        c = self._rows
        for j, a1, m1, dj in self._earlier_steps(i, g):
            a2, m2, d2 = active_up_pure(a1, m1, m) if activate else inactive_up_pure(a1, m1, m, child_active)
            if (a2, m2) != (c.active[i], c.migrator[i]):
                continue
            self.reorder_done[self.index + j] = (a1, m1, dj)
            self.h.resync_group_state(g, a1, m1)
            if self._codes[j] == E_SET_INACTIVE and g.level == 0:
                # what that CPU did before its cmpxchg came first too: __tmigr_cpu_deactivate()
                # clears its event's ignore flag before the walk when it has a next event
                e, u0 = self._deactivation_end(j)
                if e < self._n and self._codes[e] == E_CPU_IDLE and c.nextevt[u0 if u0 >= 0 else e] != KTIME_MAX:
                    self.h.cpus[c.cpu[j]].cpuevt.ignore = False
            return a2, m2, d2
        return None

    def _step_before_earlier(self, i: int, cpu: int, g: TmigrGroup, child: TmigrGroup | None, m: int,
                             obs_a: int, obs_m: int) -> tuple | None:
        """Row i, a deactivation step on g, prints a state the model's order does not make. Its
        cmpxchg may have come before the last step on g, another CPU's activation traced earlier
        but after this CPU's previous row (a vCPU stalled between its cmpxchg and its tracepoint),
        and its read of the child before that CPU's activation of the child: from the state
        before that step it makes row i's print, and that step on top of it makes its own print.
        Returns (pre_active, pre_migrator, walk_done, child_read_idle, other_active,
        other_migrator), or None."""
        lg = self.last_ev.get(g)
        if lg is None or lg[0] == cpu or lg[4] != E_SET_ACTIVE:
            return None
        prev = self._prev_ts(i, cpu)
        if prev is None or lg[1] < prev:
            return None
        ca = child.active if child is not None else 0
        idle_read = False
        if child is not None and ca:
            lc = self.last_ev.get(child)
            if lc is not None and lc[0] == lg[0] and lc[4] == E_SET_ACTIVE and lc[1] >= prev and lc[2] == 0:
                ca = 0
                idle_read = True
        a2, m2, d2 = inactive_up_pure(lg[2], lg[3], m, ca)
        if (a2, m2) != (obs_a, obs_m):
            return None
        a3, m3, d3 = active_up_pure(a2, m2, lg[5])
        if (a3, m3) != (lg[6], lg[7]) or (d3 != lg[8] and g.parent is not None):
            return None                 # (its walk would have gone on, or stopped, otherwise)
        return (lg[2], lg[3], d2, idle_read, lg[6], lg[7])

    def _prev_ts(self, i: int, cpu: int) -> int | None:
        """Timestamp of `cpu`'s previous event (its cmpxchg at row i, an event of `cpu`, happened
        after it), if within the buffer and at most 4095 rows back."""
        j = int(self._prv_a[i])
        if j < 0 or i - j > 4095:
            return None
        return self._ts[j]

    def _child_of(self, cpu: int, g: TmigrGroup) -> TmigrGroup | None:
        if g.level == 0:
            return None
        anc = self.anc.get(cpu, [])
        return anc[g.level - 1] if len(anc) >= g.level else None

    # ------------------------------------------------------------------------------------------
    # Deactivation (and the offline walk)
    # ------------------------------------------------------------------------------------------
    def _lookahead_end(self, i: int, cpu: int, codes_end: tuple[int, ...]) -> int | None:
        """Index of the next event of `cpu` with a code in `codes_end` (within the buffer)."""
        codes = self._codes
        nxt = self._nxt
        n = self._n
        j = nxt[i]
        while j < n:
            cj = codes[j]
            if cj in codes_end:
                return j
            if cj == E_CPU_ACTIVE or cj == E_HR or cj == E_NEW_TIMER:
                return None
            j = nxt[j]
        return None

    def _on_set_inactive(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        ptr = c.group[i]
        g = self.by_ptr.get(ptr)
        if g is None:
            g = self._group(ptr, c.lvl[i], cpu)
            if g is None:
                return
            if ptr != UNKNOWN_PTR:
                self._pointer_is_new(i, g, ptr, cpu)
        else:
            self._printed_group(i, g, cpu)
        obs_a, obs_m, m = c.active[i], c.migrator[i], c.childmask[i]
        tmc = self.h.cpus[cpu]
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        if ctx.op != OP_DEACT:
            self._close(cpu, ctx, i, False)
            j, u0 = self._deactivation_end(i)
            codes = self._codes
            nextexp = KTIME_MAX
            ctx.decidable = cpu in self.cpu_known
            ctx.nexp_row = -1
            if j < self._n:
                if codes[j] == E_CPU_IDLE:
                    nextexp = c.nextevt[u0] if u0 >= 0 else c.nextevt[j]
                    ctx.nexp_row = self._step(u0 if u0 >= 0 else j)
            else:
                ctx.decidable = False
            if nextexp != KTIME_MAX:
                tmc.cpuevt.ignore = False
                if cpu in self.value_unk and tmc.cpuevt.queued_in is tmc.tmgroup:
                    # __tmigr_cpu_deactivate() clears the ignore flag before its walk: until this
                    # CPU's level-0 update replaces it, other CPUs' lookups see the event's old
                    # expiry, which the trace never showed (an untraced requeue, lost lines).
                    self._unlearn(tmc.tmgroup, cpu, R_REQUEUE)
            else:
                # A CPU that deactivates was active, and an active CPU's event is ignored
                # (__tmigr_cpu_activate); only a next event clears that (__tmigr_cpu_deactivate).
                tmc.cpuevt.ignore = True
            ctx.nexp_known = j < self._n
            ctx.first_known = KTIME_MAX
            ctx.top_known = None
            ctx.op = OP_DEACT
            ctx.new_walk(nextexp, tmc.cpuevt, tmc.groupmask)
            ctx.next = tmc.tmgroup
            ctx.child = None
            ctx.optional = False
            if cpu not in self.cpu_known:
                ctx.optional = True
            if g.level > 0 and nextexp != KTIME_MAX and cpu not in self.silent:
                # the walk's first row is above level 0 (its level-0 rows went with the head, or
                # were lost): __tmigr_cpu_deactivate() queued the next event there all the same
                self.h.resync_cpu_event(cpu, nextexp)
        walk = ctx.walk
        if ctx.next is not g:
            self._walk_mismatch(i, cpu, ctx, g, "deactivation")
        walk.childmask = m
        child = ctx.child
        child_active = child.active if child is not None else 0
        known = self._state_word_ok(i, g, obs_a, obs_m, cpu) and g in self.group_known
        S = self._adjust_silent(g, obs_a, obs_m, m) if known and self.silent_mask.get(g) else 0
        pre_a, pre_m = g.active, g.migrator
        if child_active and known and not (obs_a & m) and self._child_read_before(i, cpu, child):
            # tmigr_inactive_up() reads the child's state lock-free before its cmpxchg: that
            # read may precede another CPU's activation of the child traced since this CPU's
            # previous row, as this row's cleared bit says (that CPU's own step on g follows)
            child_active = 0
            self.res.reordered += 1
        elif child is not None and not child_active and known and (obs_a & m) and self._activation_in_flight(child, cpu):
            # ... or follow the cmpxchg of another CPU's activation of the child whose
            # tracepoint is still to come (its walk traced the level below): read active, as
            # this row's kept bit says
            child_active = 1
            self.res.reordered += 1
        unseen_child = child is not None and not child_active and known and bool(obs_a & m) \
            and (child in self.unseen_below or bool(self.silent_mask.get(child, 0)))
        pre = self.reorder_done.pop(self.index + i, None) if self.reorder_done else None
        done: bool | None
        redo: tuple | None = None
        if pre is not None:
            done = pre[2]
            obs_a, obs_m = pre_a, pre_m        # applied already (see _on_set_active)
            self._agr[K_GROUP_STATE] += 1
        elif known:
            # inactive_up_pure(), inline: the hot path of every deactivation level.
            done = True
            a, mg = pre_a, pre_m
            if not child_active:
                a &= ~m
                if mg == m:
                    mg = LOWEST_BIT[a]
                    if mg == TMIGR_NONE:
                        done = False
            later = self._step_after_later(i, g, m, child_active, False) if a != obs_a or mg != obs_m else None
            before = self._step_before_earlier(i, cpu, g, child, m, obs_a, obs_m) \
                if later is None and (a != obs_a or mg != obs_m) else None
            if later is not None:
                done = later[2]
                self._agr[K_GROUP_STATE] += 1
                self.res.reordered += 1
            elif before is not None:
                done = before[2]
                redo = before
                self._agr[K_GROUP_STATE] += 1
                self.res.reordered += 1
            elif a != obs_a or mg != obs_m:
                if (S and not ((a ^ obs_a) & ~S)) or (unseen_child and (pre_a, pre_m) == (obs_a, obs_m)):
                    # (or the child read active again: a CPU below it not traced then, silent or
                    # its stream not begun, activated it unseen after this CPU's step on it)
                    self._undec(K_GROUP_STATE, R_SILENT)
                    done = obs_m != TMIGR_NONE
                    self.h.children_activated(g, obs_a & ~a)
                    sb = self.silent_mask.get(child, 0) if unseen_child and child is not None else 0
                    if sb and (pre_a, pre_m) == (obs_a, obs_m):
                        # the model's child follows: active by that unseen CPU
                        self.h.resync_group_state(child, LOWEST_BIT[sb], LOWEST_BIT[sb])
                else:
                    self._check("group_state", False, i, _state_what(g, "deactivation", m, cpu),
                                _st(a, mg), _st(obs_a, obs_m), cpu=cpu, rows=self._state_printed(g))
                    done = obs_m != TMIGR_NONE
                    ctx.decidable = False
            else:
                self._agr[K_GROUP_STATE] += 1
        else:
            self._wrm[K_GROUP_STATE] += 1
            self._warm_row(i)
            ctx.decidable = False
            done = None
        # The model's own step: state transition plus this level's tmigr_update_events. The
        # update takes the group lock after the cmpxchg and traces under it, so updates of a
        # group are applied in the order of their tracepoints: at this CPU's next row
        # (`_run_pend`), unless the profile traces the state after the update.
        h = self.h
        out = h._begin(cpu)
        child_saved = -1
        if redo is not None:
            # this step's cmpxchg came first: from the state before the other CPU's step, with
            # the child as that CPU's activation had not yet made it
            h.resync_group_state(g, redo[0], redo[1])
            if child is not None and redo[3]:
                child_saved = child.active
                child.active = 0
        if h._inactive_trace_after:
            j = self._nxt[i]
            if self._lookup_pending(g) and j < self._n and self._codes[j] == E_UPDATE:
                self._update_in_either_order(j, cpu, g, child, walk, out,
                                             lambda: h.tmigr_inactive_up(g, child, walk))
            else:
                h.tmigr_inactive_up(g, child, walk)
            self._level_updated(cpu, ctx, g, child, walk)
        else:
            h.inactive_up_cmpxchg(g, child, walk)
            ctx.pend = (g, child, child.active if child is not None else 0)
        if g.active != obs_a or g.migrator != obs_m:
            # Pin to the observation; the update of this level was computed from the model's
            # state, which only matters for the group_active field.
            if not known:
                self.h.children_activated(g, obs_a & ~g.active)
            h.resync_group_state(g, obs_a, obs_m)
        if redo is not None:
            # ... and the other CPU's step, traced earlier, on top of it: its printed state
            if child_saved >= 0 and child is not None:
                child.active = child_saved
            h.resync_group_state(g, redo[4], redo[5])
        if pre is None:
            self.last_ev[g] = (cpu, ts, pre_a, pre_m, E_SET_INACTIVE, m, obs_a, obs_m, done)
        self.group_known.add(g)
        if out:
            ctx.exp_upd.extend(out)      # this level's tmigr_update_events (compact records)
        if done is None:
            ctx.optional = True
            done = obs_m != TMIGR_NONE
        ctx.child = g
        if not done and g.parent is not None:
            ctx.next = g.parent
        else:
            ctx.next = None
        if c.migrator[i] != TMIGR_NONE and g.parent is not None:
            # tmigr_inactive_up() ends the walk below the top when the group keeps a migrator
            # (walk_done): check_toplvl never runs and data->firstexp stays KTIME_MAX
            ctx.printed_firstexp = (i, KTIME_MAX)

    def _on_cpu_idle(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        tmc = self.h.cpus.get(cpu)
        if tmc is None or tmc.tmgroup is None:
            return
        nextevt, w = c.nextevt[i], c.wakeup[i]
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        if ctx.op != OP_DEACT:
            # Capture started inside a deactivation (or its state events were not enabled yet):
            # anchor.
            self._close(cpu, ctx, i, False)
            self._check("wakeup", None, i, "", None, None, warm=True)
            self.h.resync_cpu(cpu, idle=True, wakeup=w)
            self._deactivated_unseen(cpu, nextevt)
            return
        walk = ctx.walk
        decidable = ctx.decidable
        if ctx.optional:
            pass
        elif ctx.next is not None:
            if decidable:
                self._check("walk_levels", False, i, f"deactivation walk of CPU{cpu} stopped below {ctx.next.id}",
                            f"continue to {ctx.next.id}", "stopped", cpu=cpu)
            else:
                self._undec(K_WALK, R_CPU)
        elif decidable:
            self._agr[K_WALK] += 1
        else:
            self._undec(K_WALK, R_CPU)
        if walk.nextexp != nextevt:
            if ctx.nexp_row >= 0 and ctx.nexp_row != self._step(i):
                # __tmigr_cpu_deactivate() walks with the nextexp tmigr_cpu_idle then prints: the
                # walk's level-0 tmigr_update_events traced it.
                self._check("expiry", False, i, f"CPU{cpu}'s next event at tmigr_cpu_idle is not the one "
                            "its walk's level-0 update queued", walk.nextexp, nextevt, cpu=cpu,
                            rows=(ctx.nexp_row,))
            # else the lookahead failed (buffer edge): take the traced value.
            walk.nextexp = nextevt
        anc = self.anc[cpu]
        exp_w = walk.firstexp
        top_known = ctx.top_known if ctx.top_known is not None else self._path_known(anc)
        if self._printed_firstexp_is(i, cpu, ctx, w, "going idle"):
            pass
        elif ctx.decidable and not ctx.optional and (not walk.top_read or top_known):
            if exp_w == w:
                self._agr[K_WAKEUP] += 1
            else:
                # (data->firstexp is read only at a top group with no migrator, check_toplvl in
                # tmigr_update_events(): a walk that did not read it returns KTIME_MAX whatever
                # silent CPUs queued)
                self._check("wakeup", _cmp_expiry(exp_w, w, self.silent_below[anc[-1]] and (
                    walk.top_read or (self._silent_migrator(anc[-1]) and not ctx.top_state_seen))), i,
                            f"wakeup returned to CPU{cpu} going idle", exp_w, w, cpu=cpu,
                            note=R_SILENT if walk.top_read else "")
        elif ctx.first_known < w and ctx.first_known <= self._now(ts) and self._unseen_handler(i, cpu):
            # ... unless that event was due and a CPU not traced then may have expired it.
            self._undec(K_WAKEUP, R_LOST_HANDLER)
        elif ctx.first_known < w:
            # Not all of the root's queue is known, but an event the trace proves was in it when
            # the walk looked it up: the wakeup can be no later than that event.
            self._check("wakeup", False, i, f"wakeup returned to CPU{cpu} going idle: later than a "
                        "queued event the trace proves", ctx.first_known, w, cpu=cpu,
                        rows=self._proof_rows(anc[-1], ctx.first_known))
        else:
            self._unknown(K_WAKEUP, anc[-1], i)
        tmc.idle = True
        tmc.wakeup = w
        self.wakeup_late.pop(cpu, None)
        self.cpu_known.add(cpu)
        self._learn_value(tmc.tmgroup, cpu)
        ctx.op = OP_NONE
        ctx.next = None
        ctx.walk = None

    def _unnamed_requeue_of(self, i: int, cpu: int, tmc: Any, nextevt: int) -> None:
        """Idle `cpu` prints at row i, without a walk, a next event its model does not hold, the
        one a remote requeue of its level-0 group printed since its previous row while the trace
        lacked tmigr_handle_remote_cpu rows: that expiry was this CPU's. tmigr_handle_remote_cpu()
        set its tmc->wakeup to KTIME_MAX, and its walk queued the event at that nextevt."""
        g = tmc.tmgroup
        rq = self.unnamed_requeue.get(g)
        if rq is None or rq[1] != nextevt or nextevt == KTIME_MAX or tmc.cpuevt.expires == nextevt:
            return
        p = int(self._prv_a[i])
        if p >= 0 and self.index + p > rq[0]:
            return
        del self.unnamed_requeue[g]
        self.h.resync_cpu_event(cpu, nextevt, ignore=False, queued=True)
        tmc.wakeup = KTIME_MAX
        self.wakeup_late.pop(cpu, None)
        self._learn_value(g, cpu)

    def _is_requeue_walk(self, p: int) -> bool:
        """Row p and the update rows of its CPU right before it are one walk up from level 0
        (levels 0, 1, ... with none skipped: tmigr_update_events() prints every level it
        reaches) that follows that CPU's tmigr_handle_remote_cpu: the requeue of the CPU it
        expired, not a walk of its own."""
        c = self._rows
        codes, prv = self._codes, self._prv_a
        lvl = c.group_lvl[p]
        q = p
        while q >= 0 and codes[q] == E_UPDATE:
            if c.group_lvl[q] != lvl:
                return False
            lvl -= 1
            q = int(prv[q])
        return q >= 0 and codes[q] == E_HR_CPU and lvl == -1

    def _printed_firstexp_is(self, i: int, cpu: int, ctx: _Ctx, w: int, when: str) -> bool:
        """Decide the wakeup of a walk from its own rows where the model does not know the root's
        queue: tmigr_cpu_deactivate()/tmigr_cpu_new_timer() store the walk's data->firstexp,
        which check_toplvl took from tmigr_next_groupevt_expires() (the group->next_expiry the
        top-level update printed) when the root had no active child, and which stays KTIME_MAX
        otherwise or when the walk ended below the top. False: the rows do not tell."""
        tp = ctx.printed_firstexp
        if tp is None or tp[1] < 0:
            return False
        if tp[1] == w:
            self._agr[K_WAKEUP] += 1
        else:
            self._check("wakeup", False, i, f"wakeup returned to CPU{cpu} {when}: not the firstexp its "
                        "walk's rows print", tp[1], w, cpu=cpu, rows=(self._step(tp[0]),))
        return True

    def _deactivated_unseen(self, cpu: int, nextexp: int) -> None:
        """A deactivation whose walk the trace does not show (the capture began inside it, or its
        state events were not enabled yet: enabling registers one event type after another).
        __tmigr_cpu_deactivate() cleared the event's ignore flag and queued `nextexp` at level 0,
        or with KTIME_MAX left it ignored (it was active: __tmigr_cpu_activate() set the flag);
        what the walk changed above level 0 is not known."""
        if cpu in self.silent:
            return
        h = self.h
        tmc = h.cpus[cpu]
        if nextexp != KTIME_MAX:
            h.resync_cpu_event(cpu, nextexp)
        else:
            tmc.cpuevt.ignore = True
        anc = self.anc.get(cpu, [])
        for child, g in zip(anc, anc[1:]):
            self._unlearn(g, child, R_UNSEEN_WALK)

    def _level_updated(self, cpu: int, ctx: _Ctx, g: TmigrGroup, child: TmigrGroup | None, walk: _Walk) -> None:
        """What a deactivation level's tmigr_update_events, just applied by the model, tells: at
        level 0 it replaced the CPU's old (perhaps unproven) expiry by the traced next event; at
        the top it looked the queue up, so the wakeup rests on what was known then."""
        if child is None and cpu in self.value_unk:
            self._learn_value(g, cpu)
        if g.parent is None:
            if walk.firstexp != KTIME_MAX:
                ctx.first_known = self._known_first(g)
            if walk.top_read:
                ctx.top_known = self._path_known(self.anc[cpu])

    def _pointer_of(self, g: TmigrGroup) -> int | None:
        """The address the trace bound to `g`, if any (setup and state events are rare enough
        for a scan)."""
        return next((p for p, other in self.by_ptr.items() if other is g), None)

    def _pointer_is_new(self, i: int, g: TmigrGroup, ptr: int, cpu: int) -> None:
        """A state event names a pointer the trace has not bound, at the level of a group of this
        CPU's path that another pointer names: a group keeps its address (tmigr_get_group()
        allocates it once and never moves it), so that is not this CPU's group."""
        p = self._pointer_of(g)
        if p is not None:
            self._check("group_state", False, i, f"CPU{cpu}'s walk names group {ptr:#x} at level {g.level}, "
                        f"where its group {g.id} is {p:#x}", f"{p:#x}", f"{ptr:#x}", cpu=cpu)

    def _state_word_ok(self, i: int, g: TmigrGroup, active: int, migrator: int, cpu: int) -> bool:
        """A traced group state keeps the invariant of `union tmigr_state`: no migrator exactly
        when no child is active, otherwise the migrator is one active child (tmigr_active_up makes
        the activating child migrator of a group without one; tmigr_inactive_up hands it to the
        first active child or to none). Checked whatever the model knows; a state that breaks it
        is a divergence and the group is re-anchored."""
        if active < 0 or migrator < 0:
            return True                 # not in the trace (NA)
        if migrator == TMIGR_NONE:
            if active == 0:
                return True
        elif migrator & (migrator - 1) == 0 and migrator & active:
            return True
        st = _st(active, migrator)
        self._check("group_state", False, i, f"{g.id} state word: migrator {st['migrator']} is not one of the "
                    f"active children {st['active']}", "no migrator iff no active child, else one active child",
                    st, cpu=cpu)
        self.group_known.discard(g)
        return False

    def _hotplug_cpu(self, i: int, cpu: int, what: str) -> int:
        """The CPU a hotplug event is for: the one that traced it. tmigr_cpu_online/offline (and
        tmigr_cpu_available/unavailable, from the hotplug callbacks or from work queued on that
        CPU by tmigr_isolated_exclude_cpumask) print the tmc of the CPU they run on."""
        t = self._rows.target_cpu[i]
        if t >= 0 and t != cpu:
            self._check("hotplug", False, i, f"CPU{cpu} traced {what} of CPU{t}: the callback runs on the CPU "
                        "it is for", f"CPU{cpu}", f"CPU{t}", cpu=cpu)
        return cpu

    def _on_offline(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        t = self._hotplug_cpu(i, cpu, "tmigr_cpu_offline")
        tmc = self.h.cpus.get(t)
        if tmc is None:
            return
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        firstexp = ctx.walk.firstexp if (ctx.op == OP_DEACT and ctx.walk is not None) else None
        decidable = ctx.op == OP_DEACT and ctx.decidable and not ctx.optional and \
            all(self._queue_known(g) for g in self.anc[t])
        self._check("hotplug", c.wakeup[i] == KTIME_MAX, i, f"CPU{t} offline wakeup", KTIME_MAX,
                    c.wakeup[i], cpu=t)
        ctx.op = OP_NONE
        ctx.next = None
        ctx.walk = None
        self.h.resync_cpu(t, available=False, wakeup=KTIME_MAX)
        self.h.cpu_online.discard(t)
        self.proven_off.add(t)
        if firstexp is not None and firstexp != KTIME_MAX and decidable:
            # It was the last active CPU with events pending: another CPU must be woken.
            ctx.handoff = (ts + 10_000_000, firstexp)
            self.handoffs.add(cpu)

    def _on_online(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        self._close(cpu, ctx, i, False)
        t = self._hotplug_cpu(i, cpu, "tmigr_cpu_online")
        w = self._rows.wakeup[i]
        if w >= 0:
            # tmc->wakeup is KTIME_MAX from tmigr_cpu_prepare() (first prepare) or the offline
            # callback until here: while a CPU is not available nothing writes it
            # (tmigr_handle_remote/_cpu, tmigr_cpu_deactivate and tmigr_cpu_new_timer return first).
            self._check("hotplug", w == KTIME_MAX, i, f"CPU{t} online wakeup", KTIME_MAX, w, cpu=t)
        for oc, sc in self.sctx.items():
            if sc.op == OP_SETUP and sc.remote_target == t:
                self._close(oc, sc, i, False)       # its prepare is over: the CPU is online
        tmc = self.h.cpus.get(t)
        if tmc is None:
            return
        if t in self.cpu_known:
            self._check("hotplug", not tmc.available, i, f"CPU{t} comes online", "offline before",
                        "online" if tmc.available else "offline", cpu=t)
        self.proven_off.discard(t)
        self.h.resync_cpu(t, available=True, idle=True)
        self.h.available_mask.add(t)
        if self.unseen_prep:
            self._unseen_prepares_after(t, ts)

    def _unseen_prepares_after(self, t: int, ts: int) -> None:
        """`t` is online, its bring-up done: the next CPUs of the prepare order whose rows an
        overwritten head lost were brought up next (hotplug runs one bring-up after another,
        under cpu_hotplug_lock), before the next prepare the trace shows; their prepares are made
        now, not at their own first rows, which the overwritten head moved far later."""
        order = self.h.topology.order or []
        if t not in order or ts < self.alone_until:
            # (a later row shows a level-0 group as the only one: no other group's CPU was
            # prepared yet, `TraceTree.l0_top_ts`; those come at their own rows)
            return
        for c in order[order.index(t) + 1:]:
            if c not in self.unseen_prep or c not in self.head_lost or c in self.online_traced:
                # (only a CPU whose stream begins late: one whose buffer filled, `nooverwrite`,
                # kept its first rows, and they place its prepare better than this order guess;
                # so does the online row of one whose bring-up the trace holds: its prepare
                # came right before that row, not now)
                break
            self._unseen_prepare(c)

    # ------------------------------------------------------------------------------------------
    # New timer while idle
    # ------------------------------------------------------------------------------------------
    def _on_new_timer(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        if ctx.op or ctx.exp_upd:
            self._close(cpu, ctx, i, False)
        else:
            ctx.next = ctx.walk = None
        c = self._rows
        tmc = self.h.cpus.get(cpu)
        if tmc is None or tmc.tmgroup is None:
            return
        w = c.wakeup[i]
        known = cpu in self.cpu_known
        if known:
            if self._wakeup_is(cpu, tmc, w):
                self._agr[K_WAKEUP] += 1
            else:
                self._check("wakeup", False, i, f"CPU{cpu} wakeup before a new-timer walk",
                            tmc.wakeup, w, cpu=cpu)
        else:
            self._wrm[K_WAKEUP] += 1
            self._warm_row(i)
        tmc.wakeup = w
        self.wakeup_late.pop(cpu, None)
        j = self._lookahead_end(i, cpu, (E_NT_IDLE,))
        nextexp = c.nextevt[j] if j is not None else KTIME_MAX
        ctx.nexp_row = self._step(j) if j is not None else -1  # tmigr_cpu_new_timer_idle prints the walk's nextexp
        evt = tmc.cpuevt
        ctx.nt_old = (evt.expires, evt.ignore, known)
        evt.ignore = False
        walk = ctx.new_walk(nextexp, evt, tmc.groupmask)
        ctx.op = OP_NT
        ctx.decidable = known and j is not None
        ctx.exp_upd = []                 # the walk's tmigr_update_events (compact records)
        # tmigr_new_timer_up() is tmigr_update_events() per level, each a step under the group's
        # lock that traces there: stepped at its row like any update walk (`_walk_step`).
        rwalk: tuple | None = (walk, tmc.tmgroup, None)
        ctx.rwalk = rwalk
        ctx.rw_ts = ts
        self.cpu_known.add(cpu)

    def _on_nt_idle(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        tmc = self.h.cpus.get(cpu)
        if tmc is None or tmc.tmgroup is None:
            return
        nextevt, w = c.nextevt[i], c.wakeup[i]
        if ctx.op == OP_NT:
            self._drain_rwalk(cpu, ctx)  # the walk ended before this tracepoint (tmc->lock)
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        if ctx.op == OP_NT:
            old_exp, old_ign, known = ctx.nt_old
            walk = ctx.walk
            if known:
                need = nextevt != KTIME_MAX and (nextevt != old_exp or old_ign)
                if need:
                    self._agr[K_WALK] += 1
                else:
                    self._check("walk_levels", need, i, f"new-timer walk of CPU{cpu}", "no walk", "walk", cpu=cpu)
            anc = self.anc[cpu]
            if self._printed_firstexp_is(i, cpu, ctx, w, "after a new timer"):
                pass
            elif ctx.decidable and (not walk.top_read or self._path_known(anc)):
                if walk.firstexp == w:
                    self._agr[K_WAKEUP] += 1
                else:
                    self._check("wakeup", _cmp_expiry(walk.firstexp, w, self.silent_below[anc[-1]] and (
                        walk.top_read or (self._silent_migrator(anc[-1]) and not ctx.top_state_seen))), i,
                                f"wakeup returned to idle CPU{cpu} after a new timer", walk.firstexp, w,
                                cpu=cpu, note=R_SILENT if walk.top_read else "")
            else:
                self._unknown(K_WAKEUP, anc[-1], i)
            tmc.wakeup = w
            self.wakeup_late.pop(cpu, None)
            self._learn_value(tmc.tmgroup, cpu)
            ctx.op = OP_NONE
            ctx.walk = None
            return
        if ctx.op or ctx.exp_upd:
            self._close(cpu, ctx, i, False)
        else:
            ctx.next = ctx.walk = None
        if self.wake_solve:
            self._solve_requeue(i, cpu, w)
        # No walk traced: the model must agree that nothing changed.
        if self.unnamed_requeue and ctx.op == OP_NONE:
            self._unnamed_requeue_of(i, cpu, tmc, nextevt)
        e0 = tmc.cpuevt
        remote = tmc.remote or self._remote_set(i, cpu)
        walkless = nextevt != KTIME_MAX and (nextevt != e0.expires or e0.ignore) and not remote
        # (a new event without a walk: tmigr_new_timer() returns untraced while tmc->remote is set,
        # i.e. while a CPU not traced then expires this CPU's timers)
        p = int(self._prv_a[i])
        if ctx.op == OP_NONE and p >= 0 and self._codes[p] == E_UPDATE and \
                (w != tmc.wakeup or walkless) and not self._is_requeue_walk(p):
            # its own update walk came right before, without the row that opens a new-timer walk
            # (not traced, or lost): this row closes that walk, its wakeup the walk's firstexp
            self._undec(K_WAKEUP, R_QUEUE)
            tmc.wakeup = w
            self.wakeup_late.pop(cpu, None)
            return
        if cpu in self.cpu_known and (w != tmc.wakeup or walkless) and self._unseen_remote_expiry(i, cpu, tmc, w):
            # (its event was requeued at its next timer, this row's nextevt: no walk needed)
            self._undec(K_WALK, R_LOST_HANDLER)
            self._undec(K_WAKEUP, R_LOST_HANDLER)
            self.h.resync_cpu_event(cpu, nextevt, ignore=nextevt == KTIME_MAX, queued=nextevt != KTIME_MAX)
            self._learn_value(tmc.tmgroup, cpu)
        elif cpu in self.cpu_known:
            e = tmc.cpuevt
            need = nextevt != KTIME_MAX and (nextevt != e.expires or e.ignore) and not remote
            if not need:
                self._agr[K_WALK] += 1
            else:
                self._check("walk_levels", False, i, f"new timer on idle CPU{cpu} needs a walk",
                            "walk", "no walk", cpu=cpu)
            if remote and w == KTIME_MAX and nextevt != KTIME_MAX and (nextevt != e.expires or e.ignore):
                # tmigr_new_timer() returns KTIME_MAX while tmc->remote is set (another CPU is
                # expiring this one's timers), and tmigr_cpu_new_timer() stores it as the wakeup.
                # (`remote` is the model's reading of when that handler's section ended: the
                # printed value says which side of it this row is)
                tmc.wakeup = KTIME_MAX
                self.wakeup_late.pop(cpu, None)
            if self._wakeup_is(cpu, tmc, w):
                self._agr[K_WAKEUP] += 1
            else:
                self._check("wakeup", False, i, f"wakeup of idle CPU{cpu} (no new-timer walk)",
                            tmc.wakeup, w, cpu=cpu, rows=self._printed_at(cpu, tmc.wakeup))
        else:
            # (no tmigr_cpu_new_timer row: no walk, so tmigr_cpu_new_timer() returned tmc->wakeup,
            # or KTIME_MAX while a remote expiry of this CPU ran, which its row shows)
            if not self._check_wake_last(
                    i, cpu, w, f"wakeup of idle CPU{cpu} (no new-timer walk): not the one its last row showed"):
                self._wrm[K_WAKEUP] += 1
                self._warm_row(i)
            if nextevt != KTIME_MAX and tmc.tmgroup is not None:
                self._check_floor(i, cpu, tmc.tmgroup, nextevt)
                # No walk with a real expiry: the CPU's event is queued with this expiry.
                self.h.resync_cpu_event(cpu, nextevt, ignore=False, queued=True)
                self.evt_proof[cpu] = (nextevt, self._step(i))
                self._learn_value(tmc.tmgroup, cpu)
                self.cpu_known.add(cpu)
            self.h.resync_cpu(cpu, idle=True)
        tmc.wakeup = w
        self.wakeup_late.pop(cpu, None)

    # ------------------------------------------------------------------------------------------
    # tmigr_update_events (all walks)
    # ------------------------------------------------------------------------------------------
    def _requeue_target(self, i: int, cpu: int) -> int:
        """The CPU on whose behalf update row i walks: the target of its CPU's
        tmigr_handle_remote_cpu when only updates lie between (the target's requeue,
        walk_groups(&tmigr_new_timer_up, &data, tmc) on the target's tmc), even where the walk
        that found it is not in the trace (lost, or before the stream's head); else `cpu`."""
        q, p = i, int(self._prv_a[i])
        while p >= 0 and self._codes[p] == E_UPDATE:
            q, p = p, int(self._prv_a[p])
        if p >= 0 and self._codes[p] == E_HR_CPU:
            return int(self._rows.target_cpu[p])
        if self.head_start.get(cpu, -1) == self.index + q:
            return -1                   # the walk began before the stream's head: whose, unknown
        return cpu

    def _walk_hint(self, i: int, glvl: int) -> tuple[int, int]:
        """A CPU on the path of the walk whose update row i (at level `glvl`) opens its CPU's
        stream (whose walk it is for went with the head): an update row of that walk from here
        on prints its child's group event's CPU (``groupevt.cpu``, set to a CPU below the child
        whenever that event was queued, and groups never change members), and the child lies on
        the walk's path at the level below that row. Returns (that CPU, that row's level), or
        (-1, 0) if none shows it."""
        c, codes = self._rows, self._codes
        j = i
        while 0 <= j < self._n and codes[j] == E_UPDATE:
            lv = c.group_lvl[j]
            ev, ec = c.child_evt_expiry[j], c.child_evtcpu[j]
            if lv > 0 and lv - 1 <= glvl and 0 < ev < KTIME_MAX and ec in self.anc:
                return int(ec), lv
            j = int(self._nxt[j])
        return -1, 0

    def _on_update(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        glvl = c.group_lvl[i]
        op = ctx.op
        behalf = ctx.remote_target if (op == OP_REMOTE and ctx.remote_target >= 0) else cpu
        opening_lost = False
        if op == OP_NONE:
            behalf = self._requeue_target(i, cpu)
        elif op == OP_REMOTE and ctx.remote_target < 0 and ctx.rwalk is None:
            # (update rows in a remote walk with no tmigr_handle_remote_cpu row: the requeue of a
            # CPU whose expiry row the trace lacks; its groups are named as for a walk whose
            # opening rows are gone, by the child event CPU the rows print, `_walk_hint`)
            behalf = -1
        on_path = child_path = behalf   # CPUs whose paths the row's group and child lie on
        if behalf < 0:
            # (whose walk it is went with the head: its events are no one's the trace names; a
            # hint from the next level's row names this group, not the child below it)
            behalf = child_path = cpu
            opening_lost = True
            hint, hint_lvl = self._walk_hint(i, glvl)
            on_path = hint if hint >= 0 else cpu
            if hint >= 0 and hint_lvl <= glvl:
                child_path = hint
        by_ptr = self.by_ptr
        ptr = c.group[i]
        g = by_ptr.get(ptr)
        if g is None:
            g = self._group(ptr, glvl, on_path)
            if g is None:
                return
        chp = c.child[i]
        child = None
        if chp != 0 and glvl > 0:
            child = by_ptr.get(chp)
            if child is None:
                child = self._group(chp, glvl - 1, child_path)
        obs = (c.nextevt[i], c.group_next_expiry[i], c.child_evt_expiry[i], c.child_evtcpu[i])
        # (the first row to print the child's group event: its fields may be from before the capture)
        gevt_first = child is not None and child in self.gevt_unknown
        if gevt_first:
            self.gevt_unknown.discard(child)
        if g.parent is None:
            # the state check_toplvl read, as printed (a migrator exactly when a child is active)
            ctx.top_state_seen = c.group_active[i] >= 0
            if c.group_active[i] >= 0 and (op == OP_DEACT or op == OP_NT) and behalf == cpu:
                # check_toplvl (no active child, no migrator): data->firstexp =
                # tmigr_next_groupevt_expires(group), which sets group->next_expiry to it right
                # before trace_tmigr_update_events() prints it; otherwise firstexp stays KTIME_MAX
                ctx.printed_firstexp = (i, c.group_next_expiry[i] if c.group_active[i] == 0 else KTIME_MAX)
        exp = None
        eu = ctx.exp_upd
        if eu:
            if eu[0][0] is g:
                exp = eu.pop(0)             # the common case: the next expected level
            else:
                k = 0
                for k, rec in enumerate(eu):
                    if rec[0] is g:
                        break
                else:
                    k = -1
                if k >= 0:
                    # Expected updates of lower levels that were skipped were not traced.
                    skipped, ctx.exp_upd = eu[:k], eu[k:]
                    if skipped:
                        saved = ctx.exp_upd
                        ctx.exp_upd = skipped
                        self._missing_updates(cpu, ctx, i)
                        ctx.exp_upd = saved
                    exp = ctx.exp_upd.pop(0)
        qunk = self.qunk
        row_ok = self._update_row_ok(i, g, glvl, obs, behalf, child)
        # The update reads g's first event and, above level 0, the child's (tmigr_next_groupevt).
        head_g = self._head_decided(g)
        head_c = 2 if child is None else self._head_decided(child)
        if row_ok and head_g == 0:
            anc0 = self.anc.get(behalf)
            # (a level-0 update of a group not on the walking CPU's path: a remote requeue on
            # behalf of a CPU whose tmigr_handle_remote_cpu is not in the trace: any event due
            # by now may be that CPU's)
            row_ok = self._below_known(i, g, child if child is not None else behalf, obs, behalf, ts,
                                       any_due=child is None and (opening_lost or (
                                           anc0 is not None and bool(anc0) and anc0[0] is not g)))
        if row_ok and head_c == 0 and child is not None and obs[0] >= 0:
            row_ok = self._below_known(i, child, None, obs, behalf, ts, child_first=True)
        decidable = (row_ok and head_g > 0 and head_c > 0
                     and (op == OP_DEACT or op == OP_NT or op == OP_REMOTE) and ctx.decidable and not ctx.optional)
        if not row_ok:
            pass                        # reported: the row's own values contradict each other
        elif exp is None:
            # (whether a walk reaches g rests on the child's state: tmigr_update_events() ends
            # the walk below g when the child is active)
            if decidable and op != OP_NONE and (child is None or child in self.group_known):
                src = (ctx.nexp_row,) if child is None and ctx.nexp_row >= 0 and \
                    (op == OP_DEACT or op == OP_NT) else ()
                self._check("expiry", False, i, f"tmigr_update_events on {g.id} not expected by the model",
                            None, _obs_view(obs), cpu=behalf, rows=src)
            else:
                self._unknown(K_EXPIRY, g, i)
        elif decidable:
            if child is not None:
                ev = exp[1:]
                if gevt_first and ev[0] == obs[0] == KTIME_MAX:
                    # The ignore path leaves the child's group event as it was last queued,
                    # before the capture: its expiry and CPU print what the trace never showed.
                    ev = (ev[0], ev[1], obs[2], obs[3])
            elif self._rows.child[i] == 0:
                # A NULL child prints child_evt_expiry 0 and child_evtcpu 0 (TP_fast_assign:
                # "child ? child->groupevt... : 0"); only `(____ptrval____)` hides which it was.
                ev = (exp[1], exp[2], 0, 0)
            else:
                ev = (exp[1], exp[2], obs[2], obs[3])
            tainted = self.nexp_taint.get(g) if self.nexp_taint else None
            if tainted is not None and tainted != g.lookups:
                del self.nexp_taint[g]
                tainted = None
            if ev == obs:
                self._agr[K_EXPIRY] += 1
            else:
                sil = self.silent_below[g]
                verdict: bool | None = True
                stale = False
                unseen = False
                v0: bool | None = True
                if child is not None and ev[0] != obs[0] and self._stale_by_ignore_ahead(child, obs[0], i, cpu):
                    # the child's first event as looked up before an activating CPU's ignore
                    # store (lock-free, after its tmigr_cpu_active, before its walk reaches the
                    # child): that CPU's event, still seen
                    verdict = None
                    stale = True
                dropped_old = verdict is not False and ev[2] != obs[2] and child is not None and \
                    self._dropped_with_old_expiry(i, c.child[i], cpu, obs[2])
                for n in range(3 if verdict else 0):
                    if dropped_old and (n == 2 or (n == 1 and ev[1] != obs[1] and _left_by_removal(g, child, obs[1]))):
                        # the child's event dropped with its old expiry (pre-v6.14 re-read of
                        # evt->ignore after another CPU's activation of the child: `_update_row_ok`),
                        # and nothing queued: g's next_expiry as the removal left it
                        verdict = None
                        stale = True
                        continue
                    if n == 2 and obs[0] != KTIME_MAX and obs[2] == obs[0] and ev[0] != obs[0]:
                        # the queued child event holds the nextevt just queued (`_update_row_ok`):
                        # the same value, decided as nextevt was
                        if v0 is False:
                            verdict = False
                            break
                        if v0 is None:
                            verdict = None
                        continue
                    alt_fits = n == 1 and ev[1] != obs[1] and bool(self.untraced_alt) \
                        and self._untraced_alt_fits(g, obs[1])
                    if n == 1 and ev[1] != obs[1] and (tainted is not None or alt_fits or
                                                       self._stale_by_ignore_ahead(g, obs[1], i, cpu) or
                                                       self._pruned_by_steps_ahead(i, g, obs[1]) or
                                                       (bool(self.raced_due) and self._raced_dequeued(g, obs[1], child))):
                        # A stale next_expiry from an event not in the trace, or from an
                        # activating CPU's event read before its untraced ignore store.
                        verdict = None
                        stale = True
                        continue
                    v = _cmp_expiry(ev[n], obs[n], sil and not (n == 1 and self._quiet_later(g, obs[1])))
                    if v is False and n == 2 and obs[0] == KTIME_MAX and child is not None \
                            and self.silent_below.get(child, False):
                        # the child's event is not queued (ignored): its printed fields are what
                        # it last held, which a silent CPU's walk below the child may have set
                        v = None
                    # (n 0: the child's first event, which its due events expired unseen before this
                    # update's look-up of the child leave; n 1: g's next_expiry)
                    expired_in = child if n == 0 else g if n == 1 else None
                    if v is False and expired_in is not None and obs[n] > ev[n] \
                            and (sil or self._unseen_handler(i, behalf)) and self._silent_expired(expired_in, obs[n], ts):
                        # (a handler at any level above g expires leaf CPUs and requeues below):
                        # with it, the traced value; without it, the model's: not decidable
                        v = None
                        unseen = True
                    if v is False and sil and n == 1 and obs[1] > ev[1] and ev[1] < self._known_first(g):
                        # Below a silent CPU the model's next_expiry is proven only by an event
                        # the trace shows queued; a lower one came from an observation that held a
                        # silent CPU's event, which may have moved later unseen.
                        v = None
                    if n == 0:
                        v0 = v
                    if v is False:
                        verdict = False
                        break
                    if v is None:
                        verdict = None
                if verdict is not False and ev[3] != obs[3]:
                    # (head_c 1: an unknown event of the child with the same expiry may come first)
                    verdict = None if (sil and obs[3] in self.silent) or verdict is None or head_c == 1 else False
                tie = False
                if verdict is False and self._update_tie(i, g):
                    verdict = None
                    tie = True
                if verdict is True:
                    self._agr[K_EXPIRY] += 1
                elif verdict is None:
                    self._undec(K_EXPIRY, R_TIE if tie else R_EXPIRY_STALE if stale else
                                R_LOST_HANDLER if unseen else R_SILENT)
                    if stale and g.parent is None and c.group_active[i] == 0 and ctx.walk is not None \
                            and not ctx.walk.remote:
                        # the idle root's lookup at check_toplvl saw what the row prints: the
                        # walk's firstexp (the wakeup it returns) is that next_expiry
                        ctx.walk.firstexp = obs[1]
                else:
                    # (a new-timer walk's level-0 update prints the nextexp its
                    # tmigr_cpu_new_timer_idle prints after the walk)
                    same: tuple = (ctx.nexp_row,) if op == OP_NT and child is None and ev[0] != obs[0] \
                        and ctx.nexp_row >= 0 else ()
                    if ev[1] != obs[1]:
                        same += self._proof_rows(g, ev[1])
                    if child is not None and ev[0] != obs[0]:
                        same = tuple(dict.fromkeys(same + self._proof_rows(child, ev[0])))
                    if op == OP_REMOTE and ctx.target_row >= 0:
                        # (the walk requeues the event of the CPU that row names)
                        same += (ctx.target_row,)
                    self._check("expiry", False, i, _upd_what(g, child, ev, obs, behalf), _obs_view(ev),
                                _obs_view(obs), cpu=behalf, rows=same)
        else:
            self._unknown(K_EXPIRY, g, i)
        # Anchor to what the kernel traced (a no-op when the model agreed).
        anc = self.anc.get(behalf)
        unnamed = child is None and glvl == 0 and (
            opening_lost or (bool(anc) and anc[0] is not g and ptr > UNKNOWN_PTR))
        if unnamed:
            # A level-0 update of a group that is not this CPU's: a remote walk on behalf of a
            # CPU whose tmigr_handle_remote_cpu is not in the trace (e.g. not yet enabled): the
            # group's next_expiry is what the row shows, which CPU's event changed is not known.
            g.next_expiry = obs[1]
            self.unnamed_requeue[g] = (self.index + i, obs[0])
        elif child is None:
            if exp is None or exp[1] != obs[0] or exp[2] != obs[1]:
                # (outside a walk the model follows, e.g. a stream that begins inside one, the
                # row is still the CPU's own level-0 update: its event is queued at nextevt)
                if op == OP_REMOTE or op == OP_DEACT or op == OP_NT or (anc and anc[0] is g):
                    self.h.resync_update_events(g, None, behalf, obs[0], obs[1])
                else:
                    g.next_expiry = obs[1]
            if behalf in self.silent:
                # Its later changes are invisible: keep it out of the model's queue.
                h = self.h
                h._place_event(h.cpus[behalf].cpuevt, None, obs[0], behalf, True, False)
            else:
                self._learn_value(g, behalf)
                if op != OP_NONE:
                    self.cpu_known.add(behalf)
        else:
            if exp is None or exp[1:] != obs:
                self.h.resync_update_events(g, child, None, obs[0], obs[1], obs[2], obs[3])
            if self.evt_place:
                self._keep_place(g, child, obs[0])
            if qunk.get(g):
                self._learn_child(g, child)
        if obs[1] >= 0 and g.events and g.events[0].expires < obs[1]:
            self._gone_below(i, g, obs[1], ts)
        if qunk[g]:
            self.qlb[g] = (obs[1], g.adds)
        ga = c.group_active[i]
        sm = self.silent_mask.get(g, 0)
        if ga >= 0 and sm:
            if g in self.group_known and (ga ^ g.active) & sm:
                # the state tmigr_update_events() read under g's lock: silent children's bits
                # changed unseen (their migrator is not printed: the kernel's hand-over rules)
                self._adjust_silent(g, ga, TMIGR_NONE, 0)
            self.active_print[g] = (ga, g.lookups)
        if self.raced_due:
            self.raced_due.pop(g, None)     # (the next update of g decided it, either way)
        if self.untraced_alt and child is not None and g in self.untraced_alt and self.untraced_alt[g][0] is child:
            del self.untraced_alt[g]        # (that child's event updated: either order agrees now)
        if self.evt_place:
            self.evt_place.clear()          # (`_keep_place`: for the update row that follows the step only)
        if glvl == 0 and not unnamed:       # (an unnamed requeue's event is not `behalf`'s)
            self.evt_since[behalf] = self.index + i
            self.evt_proof[behalf] = (obs[0], self._step(i))
            self._printed_floor(g, self.index + i, obs[1])
        elif chp > UNKNOWN_PTR and obs[2] >= 0:
            self.child_evt_printed[chp] = obs[2]
        if ctx.rwalk is not None and not ctx.exp_upd:
            self._unknown_child_read(i, cpu, ctx)
            # The remote update walk goes on: its untraced levels right away, the next traced
            # one at its row.
            self._walk_step(cpu, ctx, untraced_only=True, last=i)

    def _unknown_child_read(self, i: int, cpu: int, ctx: _Ctx) -> None:
        """The update walk's next level reads its child's state (tmigr_update_events(): an
        active child ends the walk there, untraced). For a child whose state the trace has not
        shown, or that only silent CPUs keep active, the CPU's next row tells: an update of that
        level means the child was read idle."""
        rw: tuple | None = ctx.rwalk
        if rw is None:
            return
        group, child = rw[1], rw[2]
        if group is None or child is None or not child.active:
            return
        if child in self.group_known and child.active & ~self.silent_mask.get(child, 0):
            return      # (known, or active only by silent CPUs: they may have gone idle unseen)
        j = int(self._nxt[i])
        if j >= self._n or self._codes[j] != E_UPDATE or self._rows.group_lvl[j] != group.level:
            return
        g = self.by_ptr.get(self._rows.group[j])
        if g is None or g is group:
            self.h.resync_group_state(child, 0, TMIGR_NONE)

    def _loss_open(self, i: int, c: int) -> bool:
        """`c`'s rows around row i are lost: its next row follows a sequence gap that began before
        row i (found when asked: rare)."""
        r = self._next_row_of(i, c)
        if r >= self._n:
            return False
        if int(self._prv_a[r]) >= 0:
            return not bool(self._seq_ok_a[r])
        # its first row here: against the last one the buffers before gave (as feed_arrays)
        ls = self.ctx[c].last_seq if c in self.ctx else -1
        s = int(self._seq_a[r])
        return ls >= 0 and s >= 0 and s != ls + 1

    def _loss_open_below(self, i: int, g: TmigrGroup) -> bool:
        return any(self._loss_open(i, c) for c in self.h.leaf_cpus(g))

    def _unseen_handler(self, i: int, t: int, migrator: bool = False) -> bool:
        """A CPU other than `t` is not traced around row i, so it may have run
        tmigr_handle_remote() unseen: a silent CPU, or one whose next row follows a sequence gap
        that began before row i. `migrator`: only a silent CPU that may be its level-0 group's
        migrator (none there, or a silent one) counts: others bail out at the first level."""
        cpus = self.h.cpus
        for c in self.silent:
            tmc = cpus.get(c)
            # (a CPU outside the hierarchy or not available never runs tmigr_handle_remote())
            if c != t and tmc is not None and tmc.tmgroup is not None and tmc.available:
                g0 = tmc.tmgroup
                if not migrator or g0.migrator == TMIGR_NONE or self._silent_migrator(g0):
                    return True
        return any(c != t and self._loss_open(i, c) for c in cpus)

    def _unseen_remote_expiry(self, i: int, t: int, tmc: Any, w: int) -> bool:
        """Idle CPU `t` traces wakeup KTIME_MAX at row i where the model has its due event: a CPU
        not traced around row i (a silent CPU, or one whose next row follows a sequence gap that
        began before row i) may have expired it remotely: tmigr_handle_remote_cpu() sets
        tmc->wakeup to KTIME_MAX and its update walk requeues t's next event (not known)."""
        if w != KTIME_MAX or not tmc.idle or tmc.cpuevt.expires > self._now(self._ts[i]):
            return False
        unseen = self._unseen_handler(i, t)
        if unseen and tmc.tmgroup is not None:
            child: Any = t
            for g in self.anc[t]:
                self._unlearn(g, child, R_LOST_HANDLER)         # the walk's requeue on each level, unseen
                child = g
        return unseen

    def _gone_below(self, i: int, g: TmigrGroup, next_expiry: int, ts: int) -> None:
        """An update row printed g's next_expiry, which is never later than an event queued in g
        (timerqueue_add() sets it for a new first event, tmigr_next_groupevt() to the first it
        finds, timerqueue_del() leaves it lower, or KTIME_MAX on an empty queue): a model event
        earlier than it is not in the kernel's queue. Where the trace admits why, it leaves the
        model's queue and its owner's event becomes unknown: its owner is silent or its event
        not known (requeued unseen), or it was due and a CPU not traced then may have expired it.
        Otherwise it stays: the row's own check reports the difference when it is decided."""
        due_by = self._due_by(ts)
        unseen: bool | None = None
        unk = self.qunk[g]
        for e in [e for e in g.events if e.expires < next_expiry]:
            o = e.owner
            key = o if isinstance(o, TmigrGroup) else e.cpu
            owner_unseen = key in unk or (isinstance(o, TmigrGroup) and self.silent_below.get(o, False)) \
                or (not isinstance(o, TmigrGroup) and (e.cpu in self.silent or e.cpu not in self.cpu_known))
            if not owner_unseen:
                if e.expires > due_by:
                    continue
                if unseen is None:
                    unseen = self._unseen_handler(i, -1)
                if not unseen:
                    continue
            self.h._timerqueue_del(g, e)
            self._unlearn(g, key, R_LOST_HANDLER)

    def _silent_expired(self, g: TmigrGroup, next_expiry: int, ts: int) -> bool:
        """A CPU not traced then (silent, or with rows lost) may have run tmigr_handle_remote()
        for g unseen: its lookup (tmigr_next_expired_groupevt -> tmigr_next_groupevt) prunes the
        ignored events at the head and dequeues the due ones (expires <= jiffies, at most this
        row's) in order, each one's owner requeued by that walk (tmigr_handle_remote_cpu) with a
        new event the trace does not show, and refreshes next_expiry. True if such a prefix leaves
        the traced `next_expiry` at the head (an event ignored now included: the lookup may
        have come before its owner's activation stored the flag), or between the last dequeued
        event and the next one (a requeued event); the model then drops them. The lookup alone also refreshes a
        stale next_expiry (one no queued event has: timerqueue_del() of the first event leaves it
        until the next tmigr_next_groupevt()) to the first event's."""
        now = self._now(ts)
        dropped: list = []
        pruned: list = []
        fits = False
        stale = not any(e.expires == g.next_expiry for e in g.events)
        for e in g.events:
            if e.expires == next_expiry and (dropped or pruned or stale):
                fits = True             # (an ignored one: looked up before its ignore store)
                break
            if e.ignore:
                pruned.append(e)
                continue
            if e.expires > now:
                fits = bool(dropped) and dropped[-1].expires < next_expiry < e.expires
                break
            dropped.append(e)
        else:
            fits = (bool(dropped) and next_expiry > dropped[-1].expires) or \
                (bool(pruned) and not dropped and next_expiry == KTIME_MAX)
        if not fits:
            return False
        h = self.h
        for e in pruned:
            h._timerqueue_del(g, e)
        for e in dropped:
            h._timerqueue_del(g, e)
            o = e.owner
            self._unlearn(g, o if isinstance(o, TmigrGroup) else e.cpu, R_SILENT)
        g.next_expiry = next_expiry
        return True

    def _update_row_ok(self, i: int, g: TmigrGroup, glvl: int, obs: tuple, cpu: int,
                       child: TmigrGroup | None) -> bool:
        """A tmigr_update_events row keeps what tmigr_update_events() makes true under g's lock
        before its tracepoint, whatever the queues hold: ``group->next_expiry`` is never later
        than the first queued event (timerqueue_add() sets it when the event becomes the first,
        tmigr_next_groupevt() when it looks up the first, a removal leaves it or sets KTIME_MAX),
        so it is no later than the event just queued (``nextexp``; an ignored child event is
        KTIME_MAX there); and above level 0 the child's ``groupevt`` holds ``nextexp`` unless it
        is ignored (KTIME_MAX). Checked on every update; one that breaks it is a divergence."""
        nexp, gne, cexp = obs[0], obs[1], obs[2]
        if nexp < 0 or gne < 0:
            return True                 # not in the trace (NA)
        if gne > nexp and glvl > 0 and g.parent is None and self._rows.group_active[i] == 0 \
                and self._activated_in_section(i, self._rows.child[i], self._rows.cpu[i]):
            # (an idle root's lookup at check_toplvl comes after the child's event is queued, in
            # the same section: another CPU's activation of the child in between stores its
            # groupevt.ignore lock-free, and the lookup prunes it: `_pruned_by_steps_ahead`)
            return True
        # (the pre-v6.14 re-read of evt->ignore, below: the update removed the child's event
        # and queued nothing, so the group's next_expiry is not bounded by nextexp)
        dropped = glvl > 0 and nexp != KTIME_MAX and cexp >= 0 and cexp != nexp and \
            self._dropped_with_old_expiry(i, self._rows.child[i], self._rows.cpu[i], cexp)
        if dropped and gne > nexp and child is not None and not _left_by_removal(g, child, gne):
            dropped = False     # (the removal leaves KTIME_MAX or what it was: no later than the rest)
        if gne > nexp and not dropped:
            self._check("expiry", False, i, f"{g.id}'s next_expiry is later than the event this update queued",
                        f"next_expiry <= nextevt {_x(nexp)}", _obs_view(obs), cpu=cpu)
            return False
        if self._rows.child[i] == 0 and (cexp > 0 or obs[3] > 0):
            # TP_fast_assign: "child ? child->groupevt.nextevt.expires : 0", and the same for cpu
            self._check("expiry", False, i, f"{g.id}: an update without a child prints its child event as 0",
                        "child_evt_expiry 0, child_evtcpu 0", _obs_view(obs), cpu=cpu)
            return False
        if glvl > 0 and nexp != KTIME_MAX and cexp >= 0 and cexp != nexp and not dropped:
            # (before v6.14, "timers/migration: Annotate accesses to ignore flag" (Link:
            # 20250114231507.21672-4-frederic@kernel.org; 6.12.y later), tmigr_update_events()
            # re-read evt->ignore after writing it: another CPU's activation of the child in
            # between, storing it lock-free, made the update drop the event unqueued with its
            # old expiry, which the row prints)
            self._check("expiry", False, i, f"{g.id}: the child's queued event is not the nextevt this update queued",
                        f"child_evt_expiry == nextevt {_x(nexp)}", _obs_view(obs), cpu=cpu)
            return False
        return True

    def _state_print(self, i: int) -> None:
        """Row i printed its group's state word (`state_row`)."""
        c = self._rows
        g = self._group(c.group[i], c.lvl[i], c.cpu[i])
        if g is not None:
            self.state_row[g] = self._step(i)
            if self.silent_mask.get(g):
                self.active_print[g] = (c.active[i], g.lookups)

    def _state_printed(self, g: TmigrGroup) -> tuple:
        """The row that printed the state word g's next step read, if the trace has it."""
        r = self.state_row.get(g)
        return (r,) if r is not None else ()

    def _proof_rows(self, g: TmigrGroup, value: int) -> tuple:
        """The rows that printed, as a CPU's queued event (`evt_proof`), the expiry of g's
        queued events at `value` (a group event carries its first CPU): a check whose expected
        value stands on such an event compares two prints of one kernel value."""
        out: tuple = ()
        for e in g.events:
            if e.expires == value and not e.ignore:
                pr = self.evt_proof.get(e.cpu)
                if pr is not None and pr[0] == value:
                    out += (pr[1],)
        return out

    def _below_known(self, i: int, g: TmigrGroup, owner: Any, obs: tuple, cpu: int, ts: int,
                     child_first: bool = False, any_due: bool = False) -> bool:
        """g's first event is not decided (children's events not in the trace can come first), but
        the traced ``next_expiry`` is still no later than any event the trace proves queued
        (`_update_row_ok`: never later than the first queued event), as `_known_first` bounds a
        wakeup. Left out: the event this row updates (the row bounds itself), and events a remote
        walk may have dequeued as due (tmigr_next_expired_groupevt(), only in
        tmigr_handle_remote_up(), which traces tmigr_handle_remote first): events not 2 ticks
        (the clock offset's slack) past the `now` of g's latest traced remote walk or lost rows
        below it, or past this row's time when a silent CPU, or one that lost events where no
        sequence gap shows it, may have walked g unseen. A traced
        value above the bound is a divergence at this row. ``child_first``: g is the update's
        child and the value is its first event (``nextevt``: tmigr_next_groupevt() pruned the
        ignored ones and set next_expiry to the first other one), bounded the same way.
        ``any_due``: the update requeues the event of a CPU the trace does not name (its
        tmigr_handle_remote_cpu not traced): an event due by this row's time may be that one."""
        unk = self.qunk[g]
        lossy = self._lossy_below.get(g)
        if lossy is None:
            lossy = self._lossy_below[g] = bool(self.lost_cpus) and not self.lost_cpus.isdisjoint(self.h.leaf_cpus(g))
        if lossy or self.silent_below.get(g, False):
            floor = self._due_by(ts)
        else:
            hr = self.last_hr.get(g, -1)
            floor = self._due_by(hr) if hr >= 0 else -1
        if any_due:
            floor = max(floor, self._due_by(ts))
        for e in g.events:
            if e.ignore:
                continue
            o = e.owner
            key = o if isinstance(o, TmigrGroup) else e.cpu
            if key in unk or key == owner or e.expires <= floor:
                continue
            if isinstance(o, TmigrGroup) and self.silent_below.get(o, False):
                # (a silent CPU's activation below that child, unseen, marked its event ignored,
                # and a look-up since pruned it)
                continue
            if (obs[0] if child_first else obs[1]) <= e.expires or self._update_tie(i, g):
                return True
            if self._loss_open_below(i, g):
                # a CPU below g whose rows around this one are lost changed g's queue unseen
                self._undec(K_EXPIRY, R_QUEUE)
                return False
            who = key.id if isinstance(key, TmigrGroup) else f"CPU{key}"
            field = "first event" if child_first else "next_expiry"
            proof = self.evt_proof.get(key) if not isinstance(key, TmigrGroup) else None
            self._check("expiry", False, i, f"{g.id}'s {field} is later than {who}'s event the trace proves "
                        "queued", f"{'nextevt' if child_first else 'next_expiry'} <= {e.expires}", _obs_view(obs), cpu=cpu,
                        rows=(proof[1],) if proof is not None and proof[0] == e.expires else ())
            return False
        return True

    def _ignore_store_ahead(self, e: Any, cpu: int, ref_ts: int) -> bool:
        """The ignore flag of `e` may be set after a lookup by `cpu` that follows its row at
        `ref_ts`: `e` is the event of a CPU whose activation is traced (tmigr_cpu_active) but whose
        walk has not reached its level-0 group (cpuevt.ignore, __tmigr_cpu_activate), or the
        event of a group another CPU's activation set active at a stamp no earlier than `ref_ts`
        (groupevt.ignore, stored lock-free right after that tracepoint in tmigr_active_up)."""
        owner = e.owner
        if isinstance(owner, TmigrGroup):
            lg = self.last_ev.get(owner)
            if lg is None or lg[4] != E_SET_ACTIVE or lg[0] == cpu:
                return False
            if lg[1] >= ref_ts:
                return True
            # ... or earlier, by a CPU that has not traced again since (its store lies anywhere
            # up to its next row: a vCPU may stall right after a tracepoint)
            octx = self.ctx.get(lg[0])
            return octx is not None and octx.op == OP_ACT and octx.child is owner
        tmc = self.h.cpus.get(e.cpu)
        if tmc is None or tmc.cpuevt is not e:
            return False
        octx = self.ctx.get(e.cpu)
        return octx is not None and octx.op == OP_ACT and octx.next is tmc.tmgroup

    def _dropped_with_old_expiry(self, i: int, ptr: int, cpu: int, printed: int) -> bool:
        """Before v6.14 (922efd298bb2, "timers/migration: Annotate accesses to ignore flag"; in
        6.12.y since March 2026) tmigr_update_events() re-read ``evt->ignore``: when another CPU's
        activation of the child stored it in between (`_activated_in_section`), the update
        removed the child's groupevt and returned without setting its expiry, so the row prints
        the expiry the child's previous update printed (when the trace has it)."""
        old = self.child_evt_printed.get(ptr)
        return (old is None or old == printed) and self._activated_in_section(i, ptr, cpu)

    def _activated_in_section(self, i: int, ptr: int, cpu: int) -> bool:
        """Another CPU's activation step on the group at `ptr` is stamped between this CPU's
        previous row and row i, in whichever order the rows are replayed."""
        codes, c = self._codes, self._rows
        p = int(self._prv_a[i])
        lo = self._ts[p] if p >= 0 else -1
        ts_i = self._ts[i]
        for j in range(max(p + 1, i - 64), min(self._n, i + 64)):
            if codes[j] == E_SET_ACTIVE and c.group[j] == ptr and c.cpu[j] != cpu and lo <= self._ts[j] <= ts_i:
                return True
        return False

    def _pruned_by_steps_ahead(self, i: int, g: TmigrGroup, value: int) -> bool:
        """tmigr_update_events() reads the states first and looks g up (check_toplvl) after, in
        one section under the locks: where the reads put the update before other CPUs'
        activation steps stamped earlier (tie_order), the lookup may follow some of those steps'
        ignore stores (tmigr_active_up() sets the group event's ignore right after its
        tracepoint, __tmigr_cpu_activate() the CPU's before its first step), or where the update
        is traced late, after such steps stamped since this CPU's previous row. Is `value` what
        the lookup gives with the events of g earlier than it ignored by such steps?"""
        codes, c = self._codes, self._rows
        if g.parent is not None or c.group_active[i] != 0:
            return False                # (check_toplvl looks the root up only without a migrator)
        ts_i = self._ts[i]
        me = c.cpu[i]
        owners: set[int] = set()        # ids of the events those steps ignore
        # (and steps stamped after this CPU's previous row, replayed before this one: a section
        # traced late, its reads before them, its lookup after their ignore stores)
        p = int(self._prv_a[i])
        for j in range(max(p + 1, i - 64), min(self._n, i + 64)):
            if j == i or c.cpu[j] == me:
                continue
            if self._ts[j] > ts_i:
                break
            if codes[j] == E_SET_ACTIVE:
                og = self._group(c.group[j], c.lvl[j], c.cpu[j])
                if og is not None:
                    owners.add(id(og.groupevt))
            elif codes[j] == E_CPU_ACTIVE:
                tmc = self.h.cpus.get(c.target_cpu[j])
                if tmc is not None:
                    owners.add(id(tmc.cpuevt))
        if not owners:
            return False
        first = next((e for e in g.events if not e.ignore and id(e) not in owners), None)
        return (first.expires if first is not None else KTIME_MAX) == value and \
            any(id(e) in owners and not e.ignore and e.expires < value for e in g.events)

    def _ignore_in_flight(self, g: TmigrGroup, expiry: int, i: int = -1, cpu: int = -1) -> bool:
        """Is `expiry` the event of a CPU of `g` whose activation is in flight? __tmigr_cpu_activate
        sets ``cpuevt.ignore`` lock-free after its `tmigr_cpu_active` tracepoint, at an untraced
        moment before its walk's first group-state event: a lookup of `g` by another CPU in
        between may still see the event, and keep its expiry as g's next_expiry (the model sets
        the flag at the tracepoint). So may a lookup by `cpu` (its row i) see a child group's
        event whose ignore flag another CPU's activation of that child stores right after its
        tracepoint (tmigr_active_up), while that CPU has not traced again (`_ignore_store_ahead`)."""
        ctxs = self.ctx
        for c in g.cpus:
            octx = ctxs.get(c)
            if octx is not None and octx.op == OP_ACT and octx.next is g and \
                    self.h.cpus[c].cpuevt.expires == expiry:
                return True
        if i >= 0:
            ref = self._lookup_ref(g, i, cpu)
            for ch in g.children:           # (queued, or pruned by this very lookup)
                e = ch.groupevt
                if e.ignore and e.expires == expiry and e.queued_in in (g, None) and \
                        self._ignore_store_ahead(e, cpu, ref):
                    return True
        return False

    def _stale_by_ignore_ahead(self, g: TmigrGroup, expiry: int, i: int, cpu: int) -> bool:
        """`_ignore_in_flight`, taken: the look-up that left `expiry` came before those ignore
        stores, so the events it would have pruned stay queued (`_unprune_stored_later`)."""
        if not self._ignore_in_flight(g, expiry, i, cpu):
            return False
        self._unprune_stored_later(g, cpu, self._lookup_ref(g, i, cpu))
        return True

    def _lookup_ref(self, g: TmigrGroup, i: int, cpu: int) -> int:
        """The earliest stamp of `cpu`'s lookup of g that row i may reflect: its previous row, or,
        for a remote walk's requeue, its row at g (the lookup that dequeued the expired event and
        refreshed next_expiry lies anywhere after it)."""
        p = int(self._prv_a[i])
        ref = self._ts[p] if p >= 0 else self._ts[i]
        octx = self.ctx.get(cpu)
        if octx is not None and octx.op == OP_REMOTE and octx.level is g and 0 <= octx.level_row - self.index < i:
            ref = min(ref, self._ts[octx.level_row - self.index])
        return ref

    def _unprune_stored_later(self, g: TmigrGroup, cpu: int, ref: int) -> None:
        """This CPU's lookup of g at its remote expiry (`_lookup_after_dequeue`) came before the
        ignore stores of child groups activated since `ref`: it did not prune their events
        (tmigr_next_groupevt() drops ignored ones only); they stay queued, ignored now, until a
        later lookup or their owner's requeue."""
        rec = self.hrc_pruned.pop(g, None)
        if rec is None or rec[0] != cpu:
            return
        for e in rec[1]:
            if e.ignore and e.queued_in is None and isinstance(e.owner, TmigrGroup) and \
                    self._ignore_store_ahead(e, cpu, ref):
                self.h._timerqueue_add(g, e)

    # ------------------------------------------------------------------------------------------
    # Remote handling
    # ------------------------------------------------------------------------------------------
    def _run_pend(self, i: int, cpu: int, ctx: _Ctx) -> None:
        """The tmigr_update_events of the deactivation level whose state event was this CPU's
        previous row, before row i (this CPU's next row, -1: none) is replayed. If row i is that
        update, the kernel found the child inactive (an active child has no tracepoint): the
        child's state is lock-free and may have changed after that read (an activation traced
        before row i), so it is read as inactive."""
        g, child, was_active = ctx.pend
        ctx.pend = None
        w = ctx.walk
        if w is None:
            return
        h = self.h
        saved = gsaved = None
        traced = i >= 0 and self._codes[i] == E_UPDATE and \
            self._group(self._rows.group[i], self._rows.group_lvl[i], cpu) is g
        if child is not None and not child.active and was_active and not traced:
            # No tracepoint: the update read the child active (walk done, `goto unlock`), as it
            # was right after this CPU's cmpxchg on g; its deactivation is traced since.
            saved = child.active
            child.active = was_active
        elif child is not None and child.active and traced:
            saved = child.active
            child.active = 0
            # The group's state was read at the same time: before the step of that
            # activation's walk on the group, if it got there.
            lc, lg = self.last_ev.get(child), self.last_ev.get(g)
            if lc is not None and lg is not None and lc[4] == lg[4] == E_SET_ACTIVE and lc[0] == lg[0] != cpu:
                gsaved = (g.active, g.migrator)
                g.active, g.migrator = lg[2], lg[3]
        if gsaved is None and i >= 0 and g.parent is None and self._codes[i] == E_UPDATE:
            ga = self._rows.group_active[i]
            if ga >= 0 and (ga == 0) != (g.active == 0) and \
                    self._group(self._rows.group[i], self._rows.group_lvl[i], cpu) is g:
                # The top level's first event goes to this CPU's wakeup only if the group state
                # it read under the lock has no migrator (tmigr_update_events, `check_toplvl`);
                # that read is traced (group_active). Another CPU's step on the root with the same
                # stamp may have come first: the decision follows the traced read (the state's
                # own order is checked on the group-state events).
                gsaved = (g.active, g.migrator)
                g.active = ga
                g.migrator = TMIGR_NONE if ga == 0 else (g.migrator if g.migrator != TMIGR_NONE else LOWEST_BIT[ga])
        unignored = None
        if i >= 0 and g.parent is None and self._codes[i] == E_UPDATE:
            # an untraced read (no group_active) not yet pinned above
            untraced = gsaved is None and self._rows.group_active[i] < 0
            saved2, unignored = self._root_read_order(i, cpu, g, untraced)
            if saved2 is not None:
                gsaved = saved2
        child_first = self._child_read_early(i, cpu, child) if traced and child is not None else None
        if traced and child is not None and child.groupevt.queued_in is g and child.groupevt in g.events:
            # (where the child's event sits among equal expiries before the step: `_keep_place`)
            e = child.groupevt
            k = g.events.index(e)
            self.evt_place[child] = (e.expires, [x for x in g.events[:k] if x.expires == e.expires])
        out = h._begin(cpu)
        w.remote = False
        if i >= 0 and self._codes[i] == E_UPDATE and self._lookup_pending(g):
            self._update_in_either_order(i, cpu, g, child, w, out,
                                         lambda: h.tmigr_update_events(g, child, w))
        else:
            h.tmigr_update_events(g, child, w)
        if child_first is not None:
            child_first.ignore = True     # stored right after the read (still queued: pruned later)
        if saved is not None:
            child.active = saved
        if gsaved is not None:
            g.active, g.migrator = gsaved
        if unignored is not None:
            unignored.ignore = True       # stored right after (still queued: pruned later)
        self._level_updated(cpu, ctx, g, child, w)
        if out:
            ctx.exp_upd.extend(out)

    def _keep_place(self, g: TmigrGroup, child: TmigrGroup, nextevt: int) -> None:
        """The child's event was queued in g at the `nextevt` this update printed before the
        model's step (`evt_place`): tmigr_update_events() left it where it was (`goto
        check_toplvl`: same expiry, not ignored), ahead of equal expiries queued after it, which
        the head's look-ups see first. A model step from another value re-queued it; put it back."""
        place = self.evt_place.pop(child, None)
        e = child.groupevt
        if place is None or place[0] != nextevt or nextevt == KTIME_MAX or e.queued_in is not g \
                or e.expires != nextevt:
            return
        q = g.events
        q.remove(e)
        k = 0
        for j, x in enumerate(q):
            if x.expires < nextevt or (x.expires == nextevt and x in place[1]):
                k = j + 1
        q.insert(k, e)

    def _child_read_early(self, i: int, cpu: int, child: TmigrGroup) -> Any:
        """A level's tmigr_update_events (row i) looks up the child's first event under the
        locks (tmigr_next_groupevt(), which prunes ignored events) somewhere after this CPU's
        previous row; a vCPU may stall inside the section before its tracepoint. An event the
        row prints as the child's first (nextevt) whose CPU's activation is traced after that
        previous row was read before that activation's ignore store (__tmigr_cpu_activate): it
        counts as not ignored for the step. Returns that event (None: none)."""
        nx = self._rows.nextevt[i]
        p = int(self._prv_a[i])
        if nx < 0 or nx == KTIME_MAX or p < 0:
            return None
        since = self.index + p
        for e in child.events:
            if not e.ignore:
                return None         # (the read returns this one or an earlier event)
            if e.expires == nx and self._activated_after(e, since):
                e.ignore = False
                self.res.reordered += 1
                return e
        return None

    def _root_read_order(self, i: int, cpu: int, g: TmigrGroup, state: bool) -> tuple[tuple | None, Any]:
        """A deactivation's top-level update (row i) reads the root's state when it takes the
        lock and looks the root up (`check_toplvl`) before its tracepoint; another CPU's
        activation steps are lock-free (its cpuevt.ignore store after tmigr_cpu_active, its
        cmpxchg before tmigr_group_set_cpu_active) and may fall on either side. v6.11+ do not
        trace that read (``state``: the read is not known otherwise): this CPU's tmigr_cpu_idle,
        the next row, says which side. Returns the
        root state to step with (the previous one, to restore after the step; None: as is) and
        an event to count as not yet ignored during the step (None: none)."""
        j = self._nxt[i]
        if j >= self._n or self._codes[j] != E_CPU_IDLE:
            return None, None
        wj = self._rows.wakeup[j]
        saved: tuple | None = None
        if not state:
            pass
        elif g.migrator != TMIGR_NONE and wj != KTIME_MAX:
            # a wakeup: the read saw the root idle, before an activation traced after this
            # CPU's previous row gave it a migrator
            p = int(self._prv_a[i])
            lg = self._step_since(g, cpu, self._ts[p]) if p >= 0 else None
            if lg is not None and lg[4] == E_SET_ACTIVE and lg[3] == TMIGR_NONE:
                saved = (g.active, g.migrator)
                g.active, g.migrator = lg[2], lg[3]
                self.res.reordered += 1
        elif g.migrator == TMIGR_NONE and wj == KTIME_MAX:
            # no wakeup: the read saw a migrator, an activation traced after this row whose
            # cmpxchg came first
            act = self._activation_of_root_after(i, cpu, g)
            if act is not None:
                saved = (g.active, g.migrator)
                g.active, g.migrator = act
                self.res.reordered += 1
        # the lookup counted an event whose ignore store had not come yet
        for e in g.events:
            if e.ignore and e.expires == wj and self._ignore_store_ahead(e, cpu, self._ts[i]):
                e.ignore = False
                self.res.reordered += 1
                return saved, e
        return saved, None

    def _activation_of_root_after(self, i: int, cpu: int, g: TmigrGroup) -> tuple[int, int] | None:
        """The state another CPU's activation left in the root `g` if it is traced after row i
        (this CPU's update of g) but that CPU's tmigr_cpu_active came no later than row i: its
        cmpxchg on g may precede the update's read. None if there is no such activation."""
        c = self._rows
        codes = self._codes
        ts_i = self._ts[i]
        for k in range(i + 1, min(self._n, i + LOOKAHEAD_ROWS)):
            if self._ts[k] > ts_i + self.tie_ns:
                break
            if codes[k] != E_SET_ACTIVE or c.cpu[k] == cpu:
                continue
            if self._group(c.group[k], c.lvl[k], c.cpu[k]) is not g:
                continue
            # its walk began (tmigr_cpu_active) no later than row i
            q = int(self._prv_a[k])
            while q >= 0 and codes[q] == E_SET_ACTIVE:
                q = int(self._prv_a[q])
            if q >= 0 and q < i and codes[q] == E_CPU_ACTIVE:
                return c.active[k], c.migrator[k]
            return None
        return None

    def _lookup_pending(self, g: TmigrGroup) -> bool:
        """Another CPU's remote lookup of g may lie on either side of an update of g
        (`_update_in_either_order`)."""
        if g in self.lookup_at:
            return True
        return self._due_walker(g, -1) >= 0 or (bool(self.again_at) and self._again_walker(g, -1) >= 0)

    def _again_walker(self, g: TmigrGroup, cpu: int) -> int:
        """A CPU other than `cpu` whose remote walk at g has traced an expiry from g and no row
        since, its due event taken: its next lookup (`goto again` in tmigr_handle_remote_up,
        untraced, under g's lock) lies anywhere before its next row; -1 if none."""
        c = self.again_at.get(g, -1)
        if c < 0 or c == cpu:
            return -1
        octx = self.ctx.get(c)
        if octx is None or octx.op != OP_REMOTE or octx.level is not g or octx.remote_target < 0 or \
                octx.rwalk is not None or (octx.due is not None and octx.due.queued_in is g):
            return -1
        return c

    def _lookups_ahead(self, i: int, g: TmigrGroup, acpu: int) -> Any:
        """`acpu`'s next lookups of g before this update: tmigr_next_expired_groupevt() dequeues
        the first due event and refreshes next_expiry; tmigr_handle_remote_cpu() returns without
        a tracepoint for a CPU another CPU is expiring (tmc->remote) or that is active, and the
        walk looks again; the first other one's tracepoint is that walk's next row. Returns that
        event (None: none was due)."""
        h = self.h
        actx = self.ctx[acpu]
        for _ in range(len(g.events)):
            evt = h.tmigr_next_groupevt(g)
            if evt is None or evt.expires > actx.now:
                return None
            h._timerqueue_del(g, evt)
            h.tmigr_next_groupevt(g)
            if not self._handled_untraced(i, acpu, evt.cpu):
                return evt
        return None

    def _handled_untraced(self, i: int, cpu: int, t: int) -> bool:
        """`cpu`'s tmigr_handle_remote_cpu(t) around row i returns before its tracepoint: t is
        active (cpuevt.ignore) or another CPU is expiring it (tmc->remote, `_remote_busy`)."""
        tmc = self.h.cpus.get(t)
        return tmc is not None and (tmc.cpuevt.ignore or self._remote_busy(i, cpu, t))

    def _due_walker(self, g: TmigrGroup, cpu: int) -> int:
        """A CPU other than `cpu` whose remote walk at g found an event due that is still queued
        there (its dequeue, untraced, lies before that CPU's next row); -1 if none. Several CPUs
        may walk g at once: the latest one to look is tried first."""
        hcpu = self.due_at.get(g)
        if hcpu is None:
            return -1
        cands = [hcpu] + [c for c in self.due_walkers.get(g, ()) if c != hcpu]
        for c in cands:
            hctx = self.ctx.get(c)
            if c != cpu and hctx is not None and hctx.op == OP_REMOTE and hctx.level is g \
                    and hctx.due is not None and hctx.due.queued_in is g:
                return c
        return -1

    def _first_row(self, cpu: int) -> int:
        """`cpu`'s first row in the current buffer (its length if none)."""
        return self._next_row_of(-1, cpu)

    def _next_row_of(self, r: int, cpu: int) -> int:
        """`cpu`'s first row of any kind after row r in the current buffer (its length if none);
        rarely asked, so not computed for every buffer."""
        rows = np.flatnonzero(self._cpu_a[r + 1:self._n] == cpu)
        return r + 1 + int(rows[0]) if rows.size else self._n

    def _lookup_until(self, g: TmigrGroup, end: int) -> None:
        """tmigr_next_groupevt() of g by a lookup made before stream row `end`: it prunes the
        ignored events at the head, but an event whose CPU's activation (its ignore store, after
        tmigr_cpu_active) is traced at or after `end` was not ignored yet and is the first."""
        h = self.h
        while g.events:
            e = g.events[0]
            if not e.ignore or self._activated_after(e, end - 1):
                g.next_expiry = e.expires
                return
            h._timerqueue_del(g, e)
        g.next_expiry = KTIME_MAX

    def _ignored_before_lookup(self, g: TmigrGroup, hrow: int, j: int) -> bool:
        """g's first event is a CPU's whose activation is traced after the remote lookup's row
        (`hrow`, buffer row j) and before that CPU's next row, or a group's that an activation's
        step set active in that window: the lookup, untraced anywhere in between, may have
        followed the ignore store (__tmigr_cpu_activate, tmigr_active_up) and pruned the event
        (tmigr_next_groupevt)."""
        if not 0 <= j < self._n:
            return False
        e = g.events[0]
        end = int(self._nxt[j])
        if isinstance(e.owner, TmigrGroup):
            # (a group's event: ignored right after an activation's step on that group)
            lg = self.last_ev.get(e.owner)
            return lg is not None and lg[4] == E_SET_ACTIVE and self._ts[j] <= lg[1] and (
                end >= self._n or lg[1] <= self._ts[end])
        a = self.act_row.get(e.cpu, -1)
        return hrow < a < self.index + end

    def _update_in_either_order(self, i: int, cpu: int, g: TmigrGroup, child: TmigrGroup | None,
                                w: Any, out: list, step: Callable[[], Any]) -> Any:
        """tmigr_update_events(g) traced at row i, while another CPU's remote lookup of g
        (tmigr_next_expired_groupevt, untraced, under g's lock) lies between that CPU's
        tmigr_handle_remote row and its next row: the lookup came before this update or after
        it. The model's order is tried first; if the update's traced values say otherwise, the
        other order is replayed and kept if they fit it: a lookup the model took at its row
        moved after the update (its pruning of ignored events undone, then redone; or, before
        an activation's ignore store, stopping at that event), or a due event the model
        dequeues only when the walk's next row shows it unhandled dequeued before the update."""
        h = self.h
        others: list = []
        rec = self.lookup_at.get(g)
        pruned: list = []
        later = False
        if rec is not None:
            hcpu, hrow, pruned, pre_nexp, ahead = rec
            j = hrow - self.index
            # the lookup can come after this update while its CPU's next row is later than row i
            # (that row may be in this buffer or, the lookup's row being in an earlier one, be
            # its CPU's first row here)
            later = hcpu != cpu and ((0 <= j < self._n and self._nxt[j] > i) or
                                     (j < 0 and self._first_row(hcpu) > i))
            first = pruned[ahead] if ahead >= 0 else None
            if not later:
                pruned = pruned[ahead:] if ahead >= 0 else []
            # (an event queued again since, e.g. by this very step, is where the model has it;
            # one whose owner's deactivation has cleared its ignore flag since is still the
            # event the kernel kept queued, with its old expiry, until that owner's update)
            early = [e for e in pruned[ahead:] if e.queued_in is None] if later and ahead >= 0 else []
            pruned = [e for e in pruned if e.queued_in is None]
            if early and early[0] is first:
                # the lookup came before the ignore store of `first`'s owner (an activation traced
                # after the lookup's row) and stopped there: tried first, as the lookup after
                # this update stays reachable from it (`lookup_now` at a later update)
                others.append("restore_early")
            if pruned and (later or pruned[0] is first):
                others.append("restore")
            elif later and pre_nexp != g.next_expiry and self.lookup_adds.get(g) == g.adds:
                # the lookup pruned nothing but refreshed next_expiry (tmigr_next_groupevt):
                # after this update, the update saw the cached value before it (if no other
                # update queued an event since, which would have set it anew)
                others.append("restore")
            if g.events and g.events[0].ignore and (later or (hcpu == cpu and 0 <= j < self._n)
                                                     or self._ignored_before_lookup(g, hrow, j)):
                # it came after activations that ignore the head: anywhere up to its CPU's next
                # row, which is after this update (another CPU's lookup) or before it (this
                # CPU's own, from its earlier remote walk, or another CPU's whose next row
                # follows the activation)
                others.append("lookup_now")
            elif g.events and g.events[0].ignore and self.lookup_deferred.get(g) == rec:
                # (kept as stopped at an event not yet ignored, after an earlier update that
                # printed the group unpruned: it may as well have come after that update, up to
                # its CPU's next row, and pruned what was ignored by then)
                others.append("lookup_now")
        crec = self.lookup_at.get(child) if child is not None else None
        # (only the record of a due event a walk's look-up may have left, `_missed_due`)
        cpruned = [e for e in crec[2] if e.queued_in is None] \
            if crec is not None and crec[4] == 0 and len(crec[2]) == 1 else []
        if cpruned:
            # (... and a remote walk's lookup of the child, which the model took as dequeuing a
            # due event there, found it not due for its untraced `now` and left it first: this
            # update's own lookup of the child finds it)
            others.append("restore_child")
        dcpu = self._due_walker(g, cpu)
        acpu = self._again_walker(g, cpu) if dcpu < 0 and self.again_at else -1
        if acpu >= 0:
            # (... or the lookup after a walk's traced expiry from g, which dequeues the next due
            # events, came before this update)
            others.append("again_ahead")
        due = None
        if dcpu >= 0:
            dctx = self.ctx[dcpu]
            if dctx.op == OP_REMOTE and dctx.level is g and dctx.due is not None and dctx.due.queued_in is g:
                due = dctx.due
                others.append("dequeue")
                # (... with its lookup before the ignore stores of activations traced since the
                # walk's row at g: it kept those events' expiries as next_expiry)
                others.append("dequeue_early")
        if not others:
            return step()
        snap = _snapshot_groups(g, child, w, pruned + cpruned + ([due] if due is not None else []))
        added = self.lookup_adds.get(g) != g.adds   # (before this step's own timerqueue_add)
        n0 = len(out)
        r = step()
        c = self._rows
        obs = (c.nextevt[i], c.group_next_expiry[i])
        if _record_of(out, n0, g) == obs:
            return r
        for how in others:
            del out[n0:]
            _restore_groups(snap)
            if how == "restore_early":
                for e in early:
                    h._timerqueue_add(g, e)
                if any(g.events[0] is e for e in early):
                    g.next_expiry = g.events[0].expires
            elif how == "restore":
                for e in pruned:
                    h._timerqueue_add(g, e)
                if not later and added and g.next_expiry < pruned[0].expires:
                    # (the lookup set next_expiry to that event; an event queued since as the
                    # first, before it, set it again: timerqueue_add())
                    pass
                elif not later:
                    g.next_expiry = pruned[0].expires
                elif not added or not g.events or any(g.events[0] is e for e in pruned):
                    g.next_expiry = pre_nexp
                # (else an event queued since the lookup is first: its timerqueue_add set
                # next_expiry, with the lookup or without it)
            elif how == "lookup_now":
                if not later and rec is not None and 0 <= rec[1] - self.index < self._n:
                    # (a lookup whose window ended before this update: it pruned only events
                    # ignored before its CPU's next row)
                    self._lookup_until(g, self.index + int(self._nxt[rec[1] - self.index]))
                else:
                    h.tmigr_next_groupevt(g)
            elif how == "restore_child":
                assert child is not None
                for e in cpruned:
                    h._timerqueue_add(child, e)
            elif how == "again_ahead":
                taken = self._lookups_ahead(i, g, acpu)
                if taken is None:
                    continue
            elif how == "dequeue_early":
                h._timerqueue_del(g, due)
                lrow = self.ctx[dcpu].level_row
                j = lrow - self.index
                ref = self._ts[j] if 0 <= j < self._n else self.ctx[dcpu].rw_ts
                # (a CPU's ignore store follows its tmigr_cpu_active: one traced after the walk's
                # row at g may come after the lookup, which lies anywhere up to its CPU's next row)
                first = next((e for e in g.events if not e.ignore or self._ignore_store_ahead(e, dcpu, ref) or (
                    self._activated_after(e, lrow))), None)
                g.next_expiry = first.expires if first is not None else KTIME_MAX
            else:
                h._timerqueue_del(g, due)
                h.tmigr_next_groupevt(g)
            r = step()
            if _record_of(out, n0, g) != obs:
                continue
            self.res.reordered += 1
            if how == "restore_early":
                # the walk's lookup saw `first` not ignored (its expiry the walk's firstexp if not
                # due); it may still have come after this update instead: kept as a lookup that
                # prunes nothing yet (`lookup_now` at a later update)
                hctx = self.ctx.get(hcpu)
                if hctx is not None and hctx.op == OP_REMOTE and hctx.level is g and hctx.due is None:
                    hctx.entry_nexp = first.expires
                self.lookup_at[g] = rec = (hcpu, hrow, [], g.next_expiry, -1)
                self.lookup_deferred[g] = rec
                self.lookup_adds[g] = g.adds
                return r
            if how == "again_ahead":
                actx = self.ctx[acpu]
                actx.due = taken
                actx.due_exp = taken.expires
                actx.due_gone = True
                for t in [t for t, rec in self.again_after.items() if rec[0] == acpu]:
                    del self.again_after[t]     # (that `goto again` is the lookup just made)
                return r
            if how == "restore_child":
                assert child is not None
                del self.lookup_at[child]
                return r
            if how != "dequeue" and how != "dequeue_early":
                del self.lookup_at[g]
            else:
                self.ctx[dcpu].due_gone = True
            if how == "restore":
                if later:
                    hctx = self.ctx.get(hcpu)
                    if hctx is not None and hctx.op == OP_REMOTE and hctx.level is g:
                        # the lookup, now after the update; recorded again from its row, as it
                        # may come after other CPUs' updates of g too, up to its CPU's next row
                        self._remote_eval(-1, hcpu, hctx, g, at=hrow)
                    else:
                        h.tmigr_next_groupevt(g)
            return r
        del out[n0:]
        _restore_groups(snap)
        return step()                           # neither fits: the model's order stands

    def _now(self, ts: int) -> int:
        t = ts + self.clock_off
        return t - ((t - self.phase) % self.tick)

    def _due_by(self, ts: int) -> int:
        """The latest expiry a walk at stamp `ts` may have found due: its `now` and two ticks of
        the clock offset's slack."""
        return self._now(ts) + 2 * self.tick

    def _on_hr(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        lvl = c.lvl[i]
        ptr = c.group[i]
        g = self.by_ptr.get(ptr)
        if g is None:
            g = self._group(ptr, lvl, cpu)
        tmc = self.h.cpus.get(cpu)
        if g is None or tmc is None:
            return
        self.last_hr[g] = ts
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        op = ctx.op
        new = op != OP_REMOTE or lvl == 0 or (ctx.next is not g and ctx.level is not None
                                              and g.level <= ctx.level.level)
        # A level above 0 right after this CPU's own expiry or requeue row, outside a walk the
        # replay follows: tmigr_handle_remote_up() traces every level it visits, from level 0, so
        # this is that walk going on, its earlier rows not in the trace (its stream began inside)
        p = int(self._prv_a[i]) if lvl > 0 and op == OP_NONE else -1
        opening_lost = p >= 0 and (self._codes[p] == E_HR_CPU or self._codes[p] == E_UPDATE)
        if new:
            ctx.wakeup_unsure = False
            if op or ctx.exp_upd:
                self._close(cpu, ctx, i, False)
            ctx.op = OP_REMOTE
            ctx.entry_reordered = False
            ctx.entry_prev = -1
            ctx.entry_group = None
            ctx.entry_events = []
            ctx.now = self._now(ts)
            # `now` was read at the start of this softirq, at some point after this CPU's
            # previous event: only what jiffies had provably reached by then counts.
            ctx.now_lb = 0
            if self.jlb_ts:
                prev = self._prev_ts(i, cpu)
                if prev is not None:
                    k = bisect_right(self.jlb_ts, prev)
                    if k:
                        ctx.now_lb = self.jlb_val[k - 1]
            ctx.new_walk(KTIME_MAX, None, tmc.groupmask)
            ctx.next = tmc.tmgroup
            ctx.child = None
            ctx.stopped = False
            ctx.due = None
            ctx.remote_target = -1
            ctx.target_row = -1
            ctx.target_idx = -1
            ctx.requeue_untraced = False
            ctx.requeue_solve = None
            ctx.alt_first = None
            ctx.alt_untraced = None
            ctx.alt_stop = -1
            ctx.due_first = None
            # The walk reads the group states and queues, and the CPU's own wakeup only to decide
            # whether a CPU that is not the migrator bails out: a migrator (known group state)
            # walks whatever its own state (tmigr_handle_remote()).
            l0 = tmc.tmgroup
            ctx.decidable = l0 in self.group_known and not opening_lost and (
                cpu in self.cpu_known or self.h.tmigr_check_migrator(l0, tmc.groupmask))
            ctx.optional = not ctx.decidable
            # Entry: only the level-0 migrator (or NONE) walks, or an idle migrator whose wakeup
            # must be reset.
            if ctx.decidable:
                ok: bool | None = self.h.tmigr_check_migrator(l0, tmc.groupmask) or (
                    tmc.wakeup != KTIME_MAX and "no_stale_wakeup_reset" not in self.h.faults)
                # The admissible orders, tried in turn: the wakeup read before a reset traced
                # since (nothing moves); a later-traced step moved before the read (the state then
                # follows the group's chain of prints); the migrator read before a step already
                # applied (the state before it admitted the walk).
                if not ok and self._wakeup_read_early(i, cpu):
                    ok = True                   # read before a remote handler's reset of it
                    self.res.reordered += 1
                # (an order that keeps the steps traced so far, the read before one of them, is
                # tried before one that moves a step traced later ahead of the read)
                if not ok and self._migrator_read_before_step(i, l0, tmc.groupmask, cpu):
                    ok = True                   # read before another CPU's step on l0
                    self.res.reordered += 1
                if not ok and l0 in self.group_known and self._try_reorder_read(i, l0, tmc.groupmask):
                    ok = True                   # a late tracepoint's step came before this read
                    self.res.reordered += 1
                    ctx.entry_reordered = True
                why = ""
                if not ok and ctx.wakeup_unsure:
                    # The previous walk's wakeup (kept or reset) is not decidable from the trace;
                    # this walk shows the kernel kept it.
                    ok = None
                    why = "previous walk's wakeup rests on the untraced jiffies"
                if not ok and l0.migrator & self.silent_mask[l0]:
                    # The migrator is a silent CPU: it went idle unseen and handed over.
                    ok = None
                    why = R_SILENT
                    l0.active &= ~l0.migrator
                    l0.migrator = LOWEST_BIT[l0.active]
                if ok:
                    self._agr[K_REMOTE] += 1
                else:
                    self._check("remote", ok, i, f"CPU{cpu} runs tmigr_handle_remote",
                                "bail out (not migrator, no wakeup)", "walked", cpu=cpu, note=why)
            else:
                self._wrm[K_REMOTE] += 1
                self._warm_row(i)
        else:
            below = ctx.level
            if ctx.stopped and below is not None and below.parent is g and (
                    self.h.tmigr_check_migrator(below, ctx.walk.childmask)
                    or self._try_reorder_read(i, below, ctx.walk.childmask)):
                # tmigr_handle_remote_up() checks the migrator after its tracepoint, lock-free:
                # another CPU's state step on that level traced since, or traced later but made
                # before (its cmpxchg precedes its tracepoint), may have come before the check,
                # and the walk went on (as this row shows).
                self._remote_eval(-1, cpu, ctx, below)
                if not ctx.stopped:
                    self.res.reordered += 1
            self._remote_level_done(i, cpu, ctx)
            if ctx.stopped and ctx.next is None and below is not None and below.parent is g and \
                    self._checked_before_steps(ctx, below):
                # ... or its `goto again` check there came before the other CPUs' steps on that
                # level traced since the walk's row at it (a vCPU stalled after that row): the
                # state the walk found at its row passed, and the walk went on, as this row shows
                ctx.stopped = False
                ctx.walk.firstexp = below.next_expiry
                ctx.fx_group = below
                ctx.next = g
                ctx.walk.childmask = below.groupmask
                ctx.child = below
                self.res.reordered += 1
        if ctx.next is not g:
            if ctx.decidable and not ctx.optional:
                self._check("walk_levels", False, i, f"remote walk of CPU{cpu} reached {g.id}",
                            ctx.next.id if ctx.next else "end of walk", g.id, cpu=cpu)
            ctx.optional = True
            ctx.walk.childmask = self._child_of(cpu, g).groupmask if g.level > 0 and self._child_of(cpu, g) else tmc.groupmask
        ctx.level = g
        ctx.level_row = self.index + i
        ctx.level_state = (g.active, g.migrator)
        ctx.lparent = g.parent      # the tree may grow (setup) before this walk is closed
        ctx.next = None
        self._remote_eval(i, cpu, ctx, g)
        self.walk_level[cpu] = g
        ctx.mid_firsts = []

    def _wakeup_seen(self, i: int, code: int, cpu: int) -> None:
        """Track tmc->wakeup from the rows that print or set it. tmigr_cpu_deactivate and
        tmigr_cpu_new_timer store it before their tracepoint; tmigr_cpu_activate and
        tmigr_handle_remote_cpu set KTIME_MAX right after theirs; tmigr_handle_remote stores its
        walk's firstexp after its (traced) walk, a value not printed: unknown until the next row
        that prints it. Hotplug rows forget it (prepare/offline write it)."""
        if code == E_CPU_IDLE or code == E_NT_IDLE:
            self.wake_last[cpu] = (self._rows.wakeup[i], self._step(i))
            return
        t = self._rows.target_cpu[i] if code != E_HR else -1
        t = cpu if t < 0 else t
        tc = self.ctx.get(t)
        if code == E_HR_CPU and tc is not None and tc.op == OP_REMOTE:
            # t runs tmigr_handle_remote() itself (it may be the handler: an idle migrator expires
            # its own timers too): its final store of firstexp comes after this one
            self.wake_last.pop(t, None)
        elif code == E_CPU_ACTIVE or code == E_HR_CPU:
            self.wake_last[t] = (KTIME_MAX, -1)
        elif code == E_HR or code == E_ONLINE or code == E_OFFLINE:
            self.wake_last.pop(t, None)

    def _printed_at(self, cpu: int, value: int) -> tuple:
        """The row that printed `cpu`'s tmc->wakeup as `value`, if that is still its value
        (no store since): a check against it compares two prints of one variable."""
        rec = self.wake_last.get(cpu)
        return (rec[1],) if rec is not None and rec[1] >= 0 and rec[0] == value else ()

    def _silent_migrator(self, g: TmigrGroup) -> bool:
        """g's migrator is a silent child: it may have gone idle unseen, leaving none (a walk
        then reads the top level's first event, check_toplvl)."""
        return g.migrator != TMIGR_NONE and bool(g.migrator & self.silent_mask.get(g, 0))

    def _check_wake_last(self, i: int, cpu: int, w: int, what: str) -> bool:
        """Check wakeup `w` that row i prints for `cpu`, whose event the model does not know,
        against the value its rows last showed (`wake_last`). Returns False when that is not
        known (the caller counts the row as warm-up)."""
        rec = self.wake_last.get(cpu)
        if rec is None:
            return False
        last, row = rec
        if w == last:
            self._agr[K_WAKEUP] += 1
        elif w == KTIME_MAX and self._unseen_handler(i, cpu):
            # tmigr_handle_remote_cpu() of a CPU not traced then sets it to KTIME_MAX
            self._undec(K_WAKEUP, R_LOST_HANDLER)
        else:
            self._check("wakeup", False, i, what, last, w, cpu=cpu, rows=(row,) if row >= 0 else ())
        return True

    def _wakeup_is(self, cpu: int, tmc: Any, w: int) -> bool:
        """The traced wakeup `w` is the model's, or the one a remote walk's last lookup gives if
        it ran after other CPUs' steps traced before this CPU's next event (`wakeup_late`); the
        latter is then applied (the lookup prunes the ignored head, as tmigr_next_groupevt())."""
        if w == tmc.wakeup:
            return True
        alt = self.wakeup_late.pop(cpu, None)
        if alt is None or alt[0] != tmc.wakeup:
            return False
        fits = [group for value, group in alt[1] if value == w]
        if not fits:
            return False
        hrow = alt[2]
        group = fits[0]
        if isinstance(group, tuple):
            plain = [f for f in fits if not isinstance(f, tuple)]
            if plain:
                group = plain[0]            # (another reading without those dequeues)
            else:
                fx, dequeued = group
                for e, x in dequeued:
                    if e.queued_in is fx and e.expires == x:
                        # (dequeued by that lookup, not requeued since)
                        self.h._timerqueue_del(fx, e)
                group = fx
        if group is not None and None in fits:
            # another reading gives the same wakeup without that lookup (the walk ended at its
            # `goto again` migrator check, or looked before the activations' ignore stores): the
            # ignored events stay queued; a later update of the group tells whether the lookup
            # pruned them (`lookup_now`, its window from the walk's last row)
            if hrow >= 0:
                self.lookup_at[group] = (cpu, hrow, [], group.next_expiry, -1)
                self.lookup_adds[group] = group.adds
            group = None
        if group is not None:
            self.h.tmigr_next_groupevt(group)
        tmc.wakeup = w
        self.res.reordered += 1
        return True

    def _unknown_in_window(self, fx: TmigrGroup, ctx: _Ctx) -> bool:
        """A CPU whose event value the trace does not show activated between the remote walk's
        row at fx and now: the walk's lookup (untraced, somewhere in between) may have come
        before its ignore store and returned that unknown value."""
        if not self.value_unk:
            return False
        row = ctx.level_row
        for e in fx.events:
            if e.ignore and not isinstance(e.owner, TmigrGroup) and e.cpu in self.value_unk \
                    and self.act_row.get(e.cpu, -1) > row:
                return True
        return False

    def _solve_requeue(self, i: int, cpu: int, w: int) -> None:
        """The wakeup `w` that `cpu` traces at row i is its remote walk's firstexp: the next_expiry
        of the target's level-0 group (an idle root) right after the target's untraced requeue.
        With every other event of that queue known and later, it is the requeued event's expiry
        (tmigr_handle_remote_up: ``data->firstexp = group->next_expiry``), learned here."""
        rec = self.wake_solve.pop(cpu, None)
        if rec is None or rec[0] != self.index + i or w == KTIME_MAX:
            return
        _, g, t, first_then = rec
        if t not in self.value_unk or any(ch != t for ch in self.qunk[g]):
            return
        if w >= first_then or w >= self._known_first(g):
            return
        tmc = self.h.cpus[t]
        if tmc.cpuevt.queued_in is not g and tmc.cpuevt.queued_in is not None:
            return
        self.h.resync_cpu_event(t, w, ignore=tmc.cpuevt.ignore, queued=True)
        if w < g.next_expiry:
            g.next_expiry = w
        self._learn_value(g, t)

    def _due_taken(self, cpu: int, ctx: _Ctx) -> bool:
        """The due event `cpu`'s remote walk found belongs to a CPU another CPU traced
        tmigr_handle_remote_cpu() for since that walk's row (tmc->remote set: this walk's own
        call for it returns untraced)."""
        hr = self.remote_handled.get(ctx.due.cpu) if ctx.due is not None else None
        return hr is not None and hr[1] != cpu and hr[2] >= ctx.level_row

    def _remote_set(self, i: int, target: int) -> bool:
        """`target`'s tmc->remote may be set at row i: another CPU traced
        tmigr_handle_remote_cpu() for it before (remote is set right after that tracepoint) and
        has no row since but its update walk's (remote is cleared at the walk's end, untraced,
        before the handler's next row). Row i is printed under `target`'s tmc->lock, which the
        handler holds from its walk's first tmigr_update_events row to the clear: printed after
        that row, row i's section follows the clear."""
        hr = self.remote_handled.get(target)
        if hr is None:
            return False
        j = hr[2] - self.index
        if not 0 <= j < i:
            return False
        first = self._nxt[j]
        if first < self._n and self._codes[first] == E_UPDATE:
            return i < first
        return self._after_walk(j)[1] > i

    def _after_walk(self, j: int) -> tuple[int, int]:
        """For a tmigr_handle_remote_cpu at row j: the last row of its update walk (its CPU's
        tmigr_update_events rows right after it; j if none) and that CPU's next row after them
        (where tmc->remote, cleared at the walk's end, is clear again)."""
        last, k = j, self._nxt[j]
        while k < self._n and self._codes[k] == E_UPDATE:
            last, k = k, self._nxt[k]
        return last, k

    def _remote_busy(self, i: int, cpu: int, target: int) -> bool:
        """Another CPU was expiring `target`'s timers while this CPU's walk ran: tmc->remote is
        set from its tmigr_handle_remote_cpu() (traced) until its update walk ends (untraced,
        before that CPU's next event), and this walk's untraced steps lie between this CPU's
        previous event and row i: the two intervals overlap. That CPU's expiry row may also carry
        row i's stamp and be replayed after it (equal stamps print in CPU order)."""
        if self._expired_at_same_stamp(i, cpu, target):
            return True
        hr = self.remote_handled.get(target)
        if hr is None or hr[1] == cpu:
            return False
        c = self._rows
        if hr[0] > c.ts[i]:
            return False
        j = hr[2] - self.index
        end = hr[0] + self.window
        if 0 <= j < self._n:
            last, k = self._after_walk(j)   # (the update walk's own rows: tmc->remote is still set)
            if k < self._n:
                end = c.ts[k]
            if last > j:
                # the walk held the target's tmc->lock; the target's next row (its own steps
                # take that lock) comes after its unlock, which cleared tmc->remote
                r = self._next_row_of(last, target)
                if r < self._n and c.ts[r] < end:
                    end = c.ts[r]
            else:
                r = self._relock_bound(j, target)
                if r < self._n and c.ts[r] < end:
                    end = c.ts[r]
        return self._after_prev(i, cpu, end)

    def _expired_at_same_stamp(self, i: int, cpu: int, target: int) -> bool:
        """Another CPU's tmigr_handle_remote_cpu() for `target` stamped with row i's stamp but
        replayed after it (equal stamps print in CPU order): its tmc->remote may already have
        been set (`_remote_busy`)."""
        if not 0 <= i < self._n:
            return False
        c, codes, ts_i = self._rows, self._codes, self._ts[i]
        for j in range(i + 1, min(self._n, i + 16)):
            if self._ts[j] > ts_i:
                return False
            if codes[j] == E_HR_CPU and c.target_cpu[j] == target and c.cpu[j] != cpu:
                return True
        return False

    def _relock_bound(self, j: int, target: int) -> int:
        """tmigr_handle_remote_cpu() traced at row j without an update walk after it: when it took
        the target's tmc->lock again (after timer_expire_remote()) it found cpuevt.ignore set, the
        target having activated since (its tmigr_cpu_active row follows row j), and cleared
        tmc->remote right there. The target's next lock section that clears ignore, its
        deactivation, comes after that: the row of that deactivation bounds tmc->remote (n if
        none is found)."""
        codes, n = self._codes, self._n
        r = self._next_row_of(j, target)
        if r >= n or codes[r] != E_CPU_ACTIVE:
            return n
        while r < n and (codes[r] == E_CPU_ACTIVE or codes[r] == E_SET_ACTIVE or codes[r] == E_HR
                         or codes[r] == E_HR_CPU):
            r = int(self._nxt_any[r])           # (the target's next row of any kind)
        return r if r < n and (codes[r] == E_SET_INACTIVE or codes[r] == E_UPDATE or codes[r] == E_CPU_IDLE) else n

    def _wakeup_read_early(self, i: int, cpu: int) -> bool:
        """tmigr_handle_remote() reads tmc->wakeup with READ_ONCE() before taking any lock; a
        remote handler resets it under tmc->lock (tmigr_handle_remote_cpu(), traced with the
        value it overwrote). A reset traced after this CPU's previous event may have come after
        the read, so the read may have seen the overwritten value."""
        hr = self.remote_handled.get(cpu)
        if hr is None or hr[3] == KTIME_MAX:
            return False
        if self._after_prev(i, cpu, hr[0]):
            return True
        # The reset follows its tracepoint at some point before the handler's next row (of any
        # kind): the ring-buffer write between them takes a while (microseconds in a VM).
        r = hr[2] - self.index
        if not 0 <= r < self._n:
            return False
        k = self._next_row_of(r, hr[1])
        return k < self._n and self._after_prev(i, cpu, self._ts[k])

    def _step_since(self, g: TmigrGroup, cpu: int, ts: int) -> tuple | None:
        """Another CPU's last state step on g (`last_ev`), if traced at or after `ts`: a lock-free
        read of g's state by `cpu` that may lie before `ts` may have come before that step's
        cmpxchg, and seen the state before it (the record's pre-state)."""
        lg = self.last_ev.get(g)
        return lg if lg is not None and lg[0] != cpu and lg[1] >= ts else None

    def _checked_before_steps(self, ctx: _Ctx, g: TmigrGroup) -> bool:
        """The state of g the walk found at its row there passed tmigr_check_migrator(), and
        another CPU's state step on g is traced since that row: a re-check before it passed too."""
        st = ctx.level_state
        if st is None or (st[1] != ctx.walk.childmask and st[1] != TMIGR_NONE):
            return False
        lg = self.last_ev.get(g)
        j = ctx.level_row - self.index
        return lg is not None and 0 <= j < self._n and lg[1] >= self._ts[j]

    def _silent_handover(self, g: TmigrGroup, childmask: int) -> bool:
        """The walk's child of g is kept active by silent CPUs too, and another child of g is
        active or holds silent CPUs: at a moment the trace does not show (its traced CPUs idle,
        the walker's activation came later) the child may have gone idle unseen, handing g's
        migrator to that other child, and come back active without it (tmigr_active_up() makes a
        child migrator only of a group that has none)."""
        sm = self.silent_mask.get(g, 0)
        return bool(sm & childmask) and bool((g.active | sm) & ~childmask)

    def _migrator_read_before_step(self, i: int, g: TmigrGroup, mask: int, cpu: int) -> bool:
        """tmigr_handle_remote() reads the migrator of the CPU's group lock-free before its first
        tracepoint, at any point after the CPU's previous row (a vCPU may stall in between): if
        another CPU's last state step on g came after that row, the state before it counts too.
        (Only the last: the states before earlier steps, over an idle CPU's long gap, would
        admit nearly any walk, and the stale-wakeup fault would no longer show.)"""
        prev = self._prev_ts(i, cpu)
        lg = self._step_since(g, cpu, prev + 1) if prev is not None else None
        return lg is not None and (lg[3] == mask or lg[3] == TMIGR_NONE)

    def _after_prev(self, i: int, cpu: int, t: int) -> bool:
        """Time `t` lies after this CPU's event before row i: an untraced step of this CPU that
        row i reports (a read, a lookup) may have come after what happened at `t`."""
        prev = self._prev_ts(i, cpu)
        return prev is None or t >= prev

    def _remote_eval(self, i: int, cpu: int, ctx: _Ctx, g: TmigrGroup, at: int = -1, settled: int = -1,
                     since: int = -1) -> None:
        """At level g: may this CPU handle it, and what is due now? `at`: without a row of its
        own (i < 0), the stream index the lookup is recorded from (`lookup_at`). `settled`: a CPU
        whose steps so far are known to come before this read. `since`: the stamp after which the
        migrator read lies (default: row i's, or the walk's last)."""
        if g not in self.group_known:
            ctx.optional = True
        sm = self.silent_mask[g]
        m = g.migrator
        if sm and m == TMIGR_NONE:
            ctx.optional = True         # a silent child may have become migrator unseen
        if m != ctx.walk.childmask and m != TMIGR_NONE:          # !tmigr_check_migrator()
            lg = self._step_since(g, cpu, since if since >= 0 else self._ts[i] if i >= 0 else ctx.rw_ts)
            if m & sm:
                ctx.optional = True     # a silent migrator may have handed over unseen
            elif lg is not None and lg[0] != settled and lg[4] == E_SET_ACTIVE and (
                    lg[3] == ctx.walk.childmask or lg[3] == TMIGR_NONE):
                # The migrator check is a lock-free read after this CPU's last row; another
                # CPU's activation traced no earlier than that row may have made its cmpxchg
                # after it: the walk may go on (if it stopped, `_close_remote` finds the race).
                self.res.reordered += 1
            else:
                ctx.stopped = True
                ctx.due = None
                if g.parent is None:
                    self.stopped_at.setdefault(g, set()).add(cpu)
                return
        ctx.stopped = False
        if ctx.alt_stop < 0 and \
                self._activation_in_flight(g, cpu, ctx.walk.childmask):
            # (the check may come after that activation's cmpxchg: the walk stopped here, its
            # firstexp the level below's; at the CPU's own level-0 group too: the `goto again`
            # check of tmigr_handle_remote_up() follows the tracepoint there as well)
            ctx.alt_stop = ctx.walk.firstexp
        if i >= 0 or at >= 0:
            pruned = _ignored_head(g)
            # __tmigr_cpu_activate() sets cpuevt.ignore lock-free after tmigr_cpu_active,
            # untraced, before its walk's first group-state event: an activation that has not
            # reached g yet may store it after this lookup.
            ref = self._ts[i] if i >= 0 else ctx.rw_ts
            ahead = next((k for k, e in enumerate(pruned) if self._ignore_store_ahead(e, cpu, ref)), -1)
            self.lookup_at[g] = (cpu, self.index + i if i >= 0 else at, pruned, g.next_expiry, ahead)
            self.lookup_adds[g] = g.adds
        if i >= 0 and self.untraced_step:
            self._before_untraced_step(i, cpu, ctx, g)
        evt = self.h.tmigr_next_groupevt(g)
        ctx.entry_group = g
        ctx.entry_events = [(e, e.expires) for e in g.events[:6] if not e.ignore]
        if evt is not None and ctx.now >= evt.expires:
            ctx.due = evt
            ctx.due_exp = evt.expires
            ctx.due_gone = False
            if ctx.due_first is None or ctx.due_first[0] is not g:
                ctx.due_first = (g, evt.expires)
            if self.due_at.get(g, cpu) != cpu:
                self.due_walkers.setdefault(g, []).append(self.due_at[g])
                del self.due_walkers[g][:-4]        # (a few: walks of one group overlap briefly)
            self.due_at[g] = cpu
            # A lookup right here dequeues the due events (tmigr_next_expired_groupevt()) and,
            # where tmigr_handle_remote_cpu() returns untraced (target busy or active), looks
            # again (`goto again`): the walk's firstexp is then the first event not yet due.
            ctx.entry_nexp = next((e.expires for e in g.events if not e.ignore and e.expires > ctx.now),
                                  KTIME_MAX)
        else:
            ctx.due = None
            ctx.entry_nexp = g.next_expiry      # what a read right after the lookup sees

    def _lookup_after_dequeue(self, cpu: int, g: TmigrGroup, hrow: int) -> None:
        """tmigr_next_expired_groupevt() looks g up again once it dequeued the due event, under
        g's lock, before tmigr_handle_remote_cpu() traces: between the walk's tmigr_handle_remote
        row and that row. An event whose owner's activation is traced after the former (its
        ignore store follows tmigr_cpu_active, lock-free) may have been seen still queued: the
        lookup is recorded as the walk's (`lookup_at`) so an update can take either order.
        `hrow`: stream index of the walk's row at g."""
        pre = g.next_expiry
        pruned = _ignored_head(g)
        self.h.tmigr_next_groupevt(g)
        self.hrc_pruned[g] = (cpu, pruned)
        if hrow < 0 or not pruned:
            return
        ahead = next((k for k, e in enumerate(pruned)
                      if self._activated_after(e, hrow)), -1)
        if ahead >= 0:
            self.lookup_at[g] = (cpu, hrow, pruned, pre, ahead)
            self.lookup_adds[g] = g.adds

    def _remote_level_done(self, i: int, cpu: int, ctx: _Ctx) -> None:
        """Leaving the current level: anything still due should have been handled."""
        g = ctx.level
        ctx.entry_prev = -1
        if g is None:
            return
        if ctx.due is not None:
            self._missed_due(i, cpu, ctx, g)
        if not ctx.stopped:
            ctx.walk.firstexp = g.next_expiry
            ctx.fx_group = g
            if g.parent is not None:
                ctx.next = g.parent
                ctx.walk.childmask = g.groupmask
                ctx.child = g
        ctx.due = None

    def _before_untraced_step(self, i: int, cpu: int, ctx: _Ctx, g: TmigrGroup) -> None:
        """This CPU's lookup of g (its row i) may precede another CPU's untraced remote-walk step
        on g that the model took right after that CPU's last row: the step lies anywhere up to
        that CPU's next row, after row i. The first expiry before it is kept as an alternative
        for the walk's firstexp (its wakeup)."""
        rec = self.untraced_step.get(g)
        if rec is None or rec[0] == cpu:
            return
        j = rec[2] - self.index
        if 0 <= j < self._n and self._nxt[j] > i and rec[3] == g.adds:
            ctx.alt_untraced = (rec[1], g)
        else:
            # that CPU has traced since, or an event was queued on g since: the value before
            # the step is no longer what a lookup would see
            del self.untraced_step[g]

    def _activation_in_flight(self, g: TmigrGroup, cpu: int, mask: int = -1) -> bool:
        """Another CPU's activation has traced tmigr_cpu_active but not yet its step on g: its
        cmpxchg on g (lock-free, before its tracepoint) may precede a read of g's state by `cpu`.
        With `mask` (a walk's childmask at g): only if that cmpxchg makes another child g's
        migrator, i.e. g has none (tmigr_active_up()), so tmigr_check_migrator() fails."""
        if mask >= 0 and g.migrator != TMIGR_NONE:
            return False
        for c, octx in self.ctx.items():
            if c != cpu and octx.op == OP_ACT and octx.next is g and \
                    (mask < 0 or (octx.walk is not None and octx.walk.childmask != mask)):
                return True
        return False

    def _raced_dequeue(self, i: int, cpu: int, ctx: _Ctx, g: TmigrGroup) -> None:
        """The walk's `goto again` re-check raced with another CPU's activation (`_close_remote`):
        the model takes the order in which the walk stopped, the due event still queued. In the
        other order the walk went on: tmigr_next_expired_groupevt() dequeued the due event and,
        its CPU being expired by another CPU (tmc->remote) or active (cpuevt.ignore),
        tmigr_handle_remote_cpu() returned without a tracepoint. Kept for g's next update to
        decide (`_raced_dequeued`)."""
        evt = ctx.due
        if evt.queued_in is g and self._handled_untraced(i, cpu, evt.cpu):
            # (the look-up follows the walk's last row before row i: its handled CPU's requeue)
            last = int(self._prv_a[i]) if 0 <= i < self._n else -1
            self.raced_due[g] = (evt, evt.expires, self.index + last if last >= 0 else ctx.target_row)

    def _raced_dequeued(self, g: TmigrGroup, value: int, child: TmigrGroup | None) -> bool:
        """An update of g prints `value` as its next_expiry, which is g's first event without the
        one a raced walk may have dequeued (`_raced_dequeue`): that order happened, the event is
        dequeued, or, if this update is that event's own requeue at a later expiry, was dequeued
        before it (tmigr_update_events() then adds it without refreshing next_expiry)."""
        rec = self.raced_due.pop(g, None)
        if rec is None:
            return False
        evt, exp, since = rec
        removed = evt.queued_in is None and evt.expires == exp and child is not None and evt.owner is child
        if evt.queued_in is not g and not removed:
            return False
        # (removed: this update is that event's own, with nothing to queue, which left the
        # next_expiry the raced look-up had refreshed)
        # (ignored since, by its owner's activation: the raced look-up came before that store;
        # so may another event be, which the look-up then stopped at: tmigr_next_groupevt())
        first_other = KTIME_MAX
        for e in g.events:
            if e is evt:
                continue
            if not e.ignore or (e.expires == value and self._activated_after(e, since)):
                first_other = e.expires
                break
        if first_other != value:
            return False
        if not removed:
            if evt.expires == exp:
                self.h._timerqueue_del(g, evt)
            elif evt.expires < value:
                return False
        # (else this update requeued that very event at a later expiry: the lookup had dequeued
        # it and refreshed next_expiry to the first other event; the requeue, not first, kept it)
        g.next_expiry = value
        return True

    def _missed_due(self, i: int, cpu: int, ctx: _Ctx, g: TmigrGroup) -> None:
        evt = ctx.due
        ctx.due = None
        h = self.h
        tmc = h.cpus.get(evt.cpu)
        why = ""
        if tmc is not None:
            if tmc.cpuevt.ignore and (evt.queued_in is g or evt.queued_in is None):
                # Its CPU became active meanwhile: the kernel's walk pruned the event (ignored at
                # the lookup) or took it as due and then skipped that CPU without a tracepoint
                # (tmigr_handle_remote_cpu: cpuevt.ignore) -- unless the walk ran before the
                # activation and found the event not yet due for its untraced `now`.
                why = "due event's CPU became active during the walk"
                if evt.expires > ctx.now_lb:
                    ctx.wakeup_unsure = True
            elif self._remote_busy(i, cpu, evt.cpu):
                # Another CPU traced tmigr_handle_remote_cpu() for that CPU during this walk: it
                # set tmc->remote under tmc->lock, and this walk's tmigr_handle_remote_cpu() for
                # the same CPU returns without a tracepoint while it is set.
                why = "due event's CPU being expired by another CPU (tmc->remote)"
        if not why and evt.queued_in is g and evt.expires != ctx.due_exp and evt.expires > ctx.now \
                and not isinstance(evt.owner, TmigrGroup) and self.act_row.get(evt.cpu, -1) < ctx.level_row:
            # Its CPU, idle since before this walk's row at g (no activation traced since), requeued
            # it at a later expiry after that row. The lookup, untraced before the walk's next row,
            # came after that requeue: before it, it would have dequeued the event and expired its
            # CPU (idle, so traced). It found nothing due there and pruned the ignored events at
            # the head (tmigr_next_groupevt()).
            ctx.due = None
            self._lookup_until(g, self.index + i if 0 <= i < self._n else self.index + self._n)
            self._agr[K_REMOTE] += 1
            return
        if why:
            # Either way the lookup dequeued the event (unless another CPU's update has queued it
            # again meanwhile, with its new expiry) and the walk looked at the group again.
            pre_nexp = g.next_expiry
            if evt.queued_in is g and evt.expires == ctx.due_exp:
                h._timerqueue_del(g, evt)
                if evt.expires > ctx.now_lb and not isinstance(evt.owner, TmigrGroup):
                    # (due only by the timestamp's grid: the walk may also have found it not due
                    # and left it queued; a later remote expiry of that CPU from g says so)
                    self.maybe_dequeued[evt.cpu] = (g, evt)
            # (that lookup, untraced, may have come before an activation traced since: it is
            # recorded as such, `_lookup_after_dequeue`, and kept over the next one's record)
            self._lookup_after_dequeue(cpu, g, ctx.level_row)
            first = self.lookup_at.get(g)
            self._undec(K_REMOTE, why)
            # The lookup again (`goto again`) came right after that untraced return, at some
            # point up to now: what it saw at the first lookup stays admissible.
            ctx.entry_prev = ctx.entry_nexp if ctx.entry_group is g else -1
            # (its migrator check lies after the walk's row at g, not at row i)
            j = ctx.level_row - self.index
            self._remote_eval(i, cpu, ctx, g, since=self._ts[j] if 0 <= j < self._n else -1)
            again = self.lookup_at.get(g)
            if first is not None and first[0] == cpu and first[4] >= 0 and again is not None \
                    and again[0] == cpu and not again[2]:
                self.lookup_at[g] = first
            if evt.expires > ctx.now_lb and evt.queued_in is None and not ctx.due_gone and \
                    not (again is not None and again[2]):
                # ... unless it was not due yet for the walk's untraced `now`: then the lookup left
                # it queued (ignored since): an update of g may show it there (`restore`)
                self.lookup_at[g] = (cpu, ctx.level_row, [evt], pre_nexp, 0)
                self.lookup_adds[g] = g.adds
            if ctx.due is not None and ctx.due is not evt:
                self._missed_due(i, cpu, ctx, g)
            return
        decidable = self._queue_known(g) and not ctx.optional
        # `now` (jiffies) is not traced and can lag the timestamp by several ticks when the
        # jiffies owner is descheduled (seen on TCG guests: 18 ms). Only an event that is due for
        # a proven `now` (an event expired remotely at or after its expiry) must have been
        # handled; one due only by the timestamp's grid point is not decidable.
        ambiguous = evt.expires > ctx.now_lb
        ctx.wakeup_unsure |= ambiguous
        if decidable and not ambiguous and any(c2 != cpu and x.op == OP_REMOTE and x.level is g
                                               for c2, x in self.ctx.items()):
            # another CPU walks g too (its tmigr_handle_remote traced): its lookup, under g's lock,
            # may have taken the event first; its tmigr_handle_remote_cpu row follows
            self._undec(K_REMOTE, R_TAKEN)
        elif decidable and not ambiguous and 0 <= i < self._n and self._unseen_handler(i, evt.cpu, True):
            # a CPU not traced then (silent, or its stream not begun) may have expired it first:
            # its tmigr_handle_remote_cpu() dequeued the event and requeued the target's next
            self._undec(K_REMOTE, R_LOST_HANDLER)
            self._unlearn(g, evt.cpu, R_LOST_HANDLER)
        elif decidable and not ambiguous and not self._recorded(E_HR_CPU, i):
            self._undec(K_REMOTE, R_NOT_RECORDED)     # (its tmigr_handle_remote_cpu may not be on yet)
        elif decidable and not ambiguous:
            self._check("remote", False, i, f"due event of CPU{evt.cpu} in {g.id} not handled by CPU{cpu}",
                        f"handle CPU{evt.cpu} (expires {evt.expires})", "not handled", cpu=cpu)
        else:
            self._check("remote", None, i, "", None, None, warm=not decidable and self._warm_kind(g),
                        note="due only after the proven jiffies (now is not traced)" if decidable else self._why_unknown(g))

    def _on_hr_cpu(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        c = self._rows
        t = c.target_cpu[i]
        h = self.h
        tt = h.cpus.get(t)
        if tt is None or tt.tmgroup is None:
            # Only CPUs whose event is queued in a group can be expired remotely.
            self._check("remote", False, i, f"CPU{cpu} expired the timers of CPU{t}, which is not in the hierarchy",
                        "a CPU of the hierarchy", f"CPU{t}", cpu=cpu)
            return
        tctx0 = self.ctx.get(t)
        if not tt.idle and t in self.cpu_known and t not in self.silent and t in self.act_at \
                and self.act_at[t][1] + CLOCK_SLACK_NS < ts and tctx0 is not None and tctx0.op in (OP_NONE, OP_ACT):
            # tmigr_cpu_activate() traces tmigr_cpu_active and sets tmc->cpuevt.ignore under
            # tmc->lock; tmigr_handle_remote_cpu() tests ignore under the same lock before its
            # tracepoint: a CPU active since its traced activation (not deactivating again) is
            # not handled remotely. (Stamps of two CPUs: apart by more than their clocks may be.)
            self._check("remote", False, i, f"CPU{cpu} expired the timers of CPU{t}, active since its "
                        "tmigr_cpu_active (cpuevt.ignore)", "idle", "active", cpu=cpu, rows=(self.act_at[t][0],))
        if ctx.exp_upd:
            self._missing_updates(cpu, ctx, i)
        if ctx.op != OP_REMOTE or ctx.level is None:
            self._wrm[K_REMOTE] += 1
            self._warm_row(i)
            # (whichever walk it is, tmigr_handle_remote_cpu() clears the target's wakeup right
            # after this tracepoint: WRITE_ONCE(tmc->wakeup, KTIME_MAX))
            tt.wakeup = KTIME_MAX
            self.wakeup_late.pop(t, None)
            return
        g = ctx.level
        evt = ctx.due
        if evt is not None and evt.cpu != t and evt.queued_in is g and not evt.ignore \
                and evt.expires == ctx.due_exp and self._remote_busy(i, cpu, evt.cpu):
            # (an event requeued since with another expiry, by the update walk of another CPU's
            # expiry of it, is queued at that expiry whichever came first)
            # the lookup took that due event first and its tmigr_handle_remote_cpu() returned
            # untraced (another CPU was expiring that CPU: tmc->remote); the walk looked again
            h._timerqueue_del(g, evt)
            h.tmigr_next_groupevt(g)
            nxt = next((e for e in g.events if not e.ignore), None)
            if nxt is not None and nxt.cpu == t and nxt.expires <= ctx.now + self.tick:
                evt = ctx.due = nxt
                self.res.reordered += 1
        # tmigr_next_expired_groupevt() takes g's first event: decided when the trace proves it
        # (of equal expiries the one queued first, which the trace may not show: either).
        head = self._head_decided(g)
        decidable = head > 0 and not ctx.optional and (t in self.cpu_known or self._later_than_due(g, t, evt))
        late = None
        if evt is None or evt.cpu != t:
            # The lookup (tmigr_next_expired_groupevt(), untraced) came at some point before this
            # tracepoint: after other CPUs' activations traced meanwhile it skips their events,
            # now ignored, and it finds events other CPUs' updates queued meanwhile. The first
            # event it then finds is the one handled.
            late = next((e for e in g.events if not e.ignore), None)
            la = self.lookup_at.get(g)
            seen = la[2][la[4]] if la is not None and la[0] == cpu and la[4] >= 0 else None
            if late is not None and late.cpu == t and late.expires <= ctx.now:
                evt = ctx.due = late
                self.res.reordered += 1
            elif seen is not None and seen.cpu == t and seen.expires <= ctx.now:
                # ... or before an ignore store that the model made at its tracepoint
                # (`_ignore_store_ahead`): the lookup found that event due and dequeued it
                evt = ctx.due = seen
                self.res.reordered += 1
            elif evt is not None:
                # Events with one expiry lie in the timerqueue in the order they were queued
                # (timerqueue_add(): an equal key goes right), which the trace does not show for
                # events queued before it began; either is the first due one.
                same = next((e for e in g.events if e.cpu == t and not e.ignore and e.expires == evt.expires), None)
                if same is not None:
                    evt = ctx.due = same
                    self.res.reordered += 1
        md = self.maybe_dequeued.pop(t, None)
        if (evt is None or evt.cpu != t) and md is not None and md[0] is g and md[1].queued_in is None \
                and not md[1].ignore and md[1] is tt.cpuevt and md[1].expires <= ctx.now + self.tick:
            # an earlier walk dequeued it as due while another CPU's expiry of it may have been
            # running (tmc->remote); that walk found it not due after all, and left it queued
            h._timerqueue_add(g, md[1])
            evt = ctx.due = md[1]
            self.res.reordered += 1
        if evt is not None and evt.cpu == t:
            if decidable:
                self._agr[K_REMOTE] += 1
            else:
                self._undec(K_REMOTE, self._why_unknown(g) if self.qunk[g] else R_CPU)
        else:
            # Which event did the kernel handle? The target's, if it is queued here.
            cand = next((e for e in g.events if e.cpu == t and not e.ignore), None)
            # (whether the target's event was due rests on the untraced jiffies, unless the
            # model's due event, earlier and due by more than a tick, came first in any case)
            first = evt is not None and evt.queued_in is g and not evt.ignore and cand is not None \
                and evt.expires < cand.expires and evt.expires <= ctx.now - self.tick
            # (stamps that are no time, `now_unbounded`: any `now` past the proven jiffies)
            ambiguous = (cand is not None and cand.expires > ctx.now - self.tick
                         and (cand.expires <= ctx.now + self.tick or (self.now_unbounded and cand.expires > ctx.now_lb))
                         and not first) or head == 1
            if decidable and not ambiguous:
                self._check("remote", False, i, f"CPU{cpu} expired the timers of CPU{t} from {g.id}",
                            f"CPU{evt.cpu}" if evt is not None else "nothing due", f"CPU{t}", cpu=cpu)
                # Resync: follow the kernel, but what follows in this softirq (the target's
                # update walk, the handler's new wakeup) is a consequence, not a new decision.
                ctx.optional = True
                decidable = False
                self.cpu_known.discard(t)
                if tt.tmgroup is not None:
                    self._unlearn(tt.tmgroup, t)
            else:
                self._check("remote", None, i, "", None, None, warm=not decidable and self._warm_kind(g),
                        note="handled event within a tick of the untraced jiffies" if decidable else self._why_unknown(g))
            if evt is not None and evt.queued_in is g and decidable and not ambiguous:
                pass  # the kernel did not take the model's event: leave it queued
            evt = cand
        prev_hr = self.remote_handled.get(t)
        self.remote_handled[t] = (ts, cpu, self.index + i, c.wakeup[i])
        self.evt_since[t] = self.index + i          # dequeued here, requeued by the walk's update
        if decidable:
            wv = old = tt.wakeup
            tctx = self.ctx.get(t)
            self._flush_again(t)            # (the target's own walk, if it waits for a `goto again`)
            if c.wakeup[i] != old and tctx is not None and tctx.op == OP_REMOTE and tctx.rwalk is not None \
                    and tctx.level is not None:
                # Its update walk, if the target's remote walk is over, ended before this read.
                self.rwalk_of.pop(t, None)
                self._drain_rwalk(t, tctx)
            lvl = tctx.level if tctx is not None else None
            if c.wakeup[i] != old and tctx is not None and tctx.op == OP_REMOTE and lvl is not None \
                    and not tctx.exp_upd and (tctx.stopped or (tctx.lparent is None and (
                        tctx.due is None or self._due_taken(t, tctx))) or (
                        tctx.rwalk is None and lvl.migrator != TMIGR_NONE and lvl.migrator != tctx.walk.childmask)):
                # (... or another child became the level's migrator since the walk's last row:
                # its `goto again` check may have come after that and ended the walk there)
                # The target's own tmigr_handle_remote is over (no permission further up, or
                # at the top with nothing due, or its due event's CPU taken by another CPU, so
                # tmigr_handle_remote_cpu() returned untraced and the walk looked again): its last
                # step, wakeup = firstexp, has no tracepoint and may have come before this read.
                # Apply it now; either value. (That walk ended before this read, so this
                # expiry's tmc->remote, set after the tracepoint, is not what it found busy.)
                cur_hr = self.remote_handled[t]
                if prev_hr is None:
                    del self.remote_handled[t]
                else:
                    self.remote_handled[t] = prev_hr
                self._close(t, tctx, i, False)
                self.remote_handled[t] = cur_hr
                wv = tt.wakeup
            if c.wakeup[i] == wv or c.wakeup[i] == old or self._wakeup_is(t, tt, c.wakeup[i]):
                self._agr[K_WAKEUP] += 1
            elif self._unseen_remote_expiry(i, t, tt, c.wakeup[i]):
                # (an earlier expiry of t by a CPU not traced then set it: this one found t's
                # event due again)
                self._undec(K_WAKEUP, R_LOST_HANDLER)
            else:
                self._check("wakeup", False, i, f"wakeup of CPU{t} when expired remotely",
                            tt.wakeup, c.wakeup[i], cpu=t)
        # The expiry proves jiffies reached the target's event (tmigr_handle_remote_cpu(): not
        # before `now` passed tmc->cpuevt's expiry) when the model knows that event: not for a
        # silent CPU or one whose state is not known, which may have requeued it untraced.
        if evt is not None and evt.expires <= ctx.now + self.tick and t in self.cpu_known and t not in self.silent:
            if evt.expires > ctx.now_lb:
                ctx.now_lb = evt.expires
            if evt.expires > self.jiffies_lb:
                self.jiffies_lb = evt.expires
                self.jlb_ts.append(ts)
                self.jlb_val.append(evt.expires)
                if len(self.jlb_ts) > 4096:
                    del self.jlb_ts[:2048], self.jlb_val[:2048]
        # Dequeue what the kernel handled and run the remote expiry of the target.
        taken = ctx.due_gone and evt is not None and evt is ctx.due
        if evt is not None and evt.queued_in is g and not taken:
            h._timerqueue_del(g, evt)
            self._lookup_after_dequeue(cpu, g, ctx.level_row)
        elif not taken:
            self._lookup_after_dequeue(cpu, g, ctx.level_row)
        # (else an update's order took that dequeue, and its look-up, before that update; an
        # update since may have queued the event again, as its child's first: it stays queued)
        j = self._nxt[i]                # _next_of_cpu(i, cpu)
        nextg = KTIME_MAX
        known_next = False
        if j < self._n and self._codes[j] == E_UPDATE and c.child[j] == 0 \
                and c.group_lvl[j] == 0:
            nextg = c.nextevt[j]
            known_next = True
        if t in self.rwalk_of:
            # tmc->remote was clear again for this tracepoint: an earlier handler's walk is over,
            # before what this tracepoint proves of the target (below) and before this walk.
            self._finish_rwalk_before_target(t, True)
        out = h._begin(cpu)
        if not tt.available:
            # tmigr_handle_remote_cpu() traces only after checking tmc->online under tmc->lock:
            # the target is online. A CPU whose rows are not traced yet (its stream's head
            # overwritten, or silent) came online unseen; a traced one contradicts its hotplug rows.
            if t not in self.silent and t in self.cpu_known:
                self._check("hotplug", False, i, f"CPU{cpu} expired the timers of CPU{t}, which is not online",
                            "offline", "online", cpu=t)
            self.proven_off.discard(t)
            h.resync_cpu(t, available=True)
        if tt.cpuevt.ignore or not tt.idle:
            # Model thinks the target cannot be handled; follow the kernel.
            tt.cpuevt.ignore = False
            tt.idle = True
        g0 = tt.tmgroup
        if t in self.silent and g0 is not None:
            # A silent target is idle (tmigr_handle_remote_cpu() traces only for an idle CPU's
            # event): it went idle unseen, and its deactivation walk went up as the kernel's.
            self._silent_walk_up(g0, False, tt.groupmask)
        if tt.cpuevt.expires > ctx.now:
            old = tt.cpuevt.expires
            tt.cpuevt.expires = ctx.now
            for oc in self.ctx.values():
                if oc.due is tt.cpuevt and oc.due_exp == old:
                    oc.due_exp = ctx.now    # (the same event another walk found due, not a requeue)
        tt.remote = False
        # The handler's next event is not the target's level-0 update, so the kernel skipped
        # the update walk (which traces at level 0 unless that is an idle root): it does when
        # the target is no longer idle after the expiry (§3.7.4 step 4). That is what happened
        # if the target activated before that next event.
        woke = False
        woke_row = -1
        l0 = tt.tmgroup
        if not known_next and j < self._n and l0 is not None and (l0.parent is not None
                                                                   or l0.migrator != TMIGR_NONE):
            codes, tsj, cpu_l, tgt_l = self._codes, self._ts[j], c.cpu, c.target_cpu
            for k in range(i + 1, min(j, i + LOOKAHEAD_ROWS)):
                if codes[k] == E_CPU_ACTIVE and cpu_l[k] == t and tgt_l[k] in (t, -1) and self._ts[k] <= tsj:
                    woke = True
                    woke_row = k
                    break
        if woke:
            tt.idle = False
        # tmigr_handle_remote_cpu; its update walk is stepped per level (_walk_step). The
        # target's tmc->remote stays set until the walk is over (`unlock:` at its end): a
        # new timer of the target meanwhile gets no walk (tmigr_new_timer).
        w = h.handle_remote_cpu_begin(t, ctx.now, nextg)
        tt.remote = w is not None
        if woke:
            tt.idle = True              # until its own tmigr_cpu_active (row k) is replayed
        ctx.remote_target = t
        ctx.target_row = self._step(i)
        ctx.target_idx = self.index + i
        if ctx.level is not None:
            self.again_at[ctx.level] = cpu
            ctx.mid_firsts = []
        ctx.exp_upd = out                # the walk's tmigr_update_events (compact records)
        # Through a `tuple | None` local: narrowing `ctx.rwalk` to this tuple's exact type would
        # outlive the `_walk_step` call below, which changes it (a compiled build checks it).
        rwalk: tuple | None = (w, tt.tmgroup, None) if w is not None else None
        ctx.rwalk = rwalk
        if w is not None:
            # Each level that traces is stepped at its row (feed_arrays), or before this CPU's
            # next event; the untraced ones right after the step before them. The group is
            # looked at again when the walk is done.
            self.rwalk_of[t] = cpu
            self.rwalk_at[t] = self.index + i
            ctx.rw_ts = ts
            self._walk_step(cpu, ctx, untraced_only=True, last=i)
        if not known_next and not ctx.exp_upd and not woke:
            # No update traced: the target woke up or its new event is unknown. A requeue at an
            # idle root has no tracepoint: this walk's own wakeup (that root's next_expiry) rests
            # on it, even if the target's activation later makes its queue known again.
            self._unlearn(tt.tmgroup, t, R_REQUEUE)
            ctx.requeue_untraced = True
            ctx.requeue_solve = (t, self._known_first(tt.tmgroup)) if ctx.requeue_solve is None else ()
            self.cpu_known.discard(t)
        if w is None and woke_row >= 0:
            # tmigr_handle_remote_cpu() found the target not idle: it read tmc->idle under
            # tmc->lock, which tmigr_cpu_activate() holds from clearing it (at its tracepoint,
            # row woke_row) through its walk (__tmigr_cpu_activate). The walk's `goto again`
            # (migrator check, lookup) follows that walk: at the target's first row after it,
            # or the handler's next row, whichever comes first (`_goto_again_due`).
            self.again_after[t] = (cpu, g, self.index + i, False)
        elif w is None:
            self._remote_eval(i, cpu, ctx, g)

    def _goto_again_due(self, i: int, code: int, cpu: int) -> None:
        """Before row i: a waiting `goto again` (`again_after`) happens now if this is the
        handler's next row, or the target's first row after its activation walk."""
        here = self.index + i
        for t, rec in list(self.again_after.items()):
            handler, _, hrow, begun = rec
            if (cpu == handler and here != hrow) or \
                    (cpu == t and begun and code != E_SET_ACTIVE and code != E_CPU_ACTIVE):
                self._goto_again_after(t)
            elif cpu == t and code == E_CPU_ACTIVE:
                self.again_after[t] = (handler, rec[1], hrow, True)

    def _note_mid_firsts(self, stepper: int) -> None:
        """After another CPU's step, the first expiry of each level a remote walk is at: its
        look-up there (after the level's tracepoint, or after a traced tmigr_handle_remote_cpu
        for its `goto again`) is untraced and lies anywhere up to the walker's next row, so it
        may lie right after this step, before later ones, and its firstexp be this value (an
        activation marked the first event ignored, an update requeued it later, before another
        update queued an earlier one)."""
        for c, g in self.walk_level.items():
            wctx = self.ctx.get(c)
            if c == stepper:
                if wctx is not None:
                    wctx.mid_firsts = []    # (its own requeue: the look-up comes after it)
                continue
            if wctx is None or wctx.op != OP_REMOTE or wctx.level is not g or wctx.walk is None \
                    or not self.h.tmigr_check_migrator(g, wctx.walk.childmask):
                continue                # (at this moment its migrator check ends the walk)
            x = _first_expiry(g)
            if x not in wctx.mid_firsts:
                wctx.mid_firsts.append(x)

    def _flush_again(self, handler: int) -> None:
        """Apply the waiting `goto again` of `handler`'s walk now (something needs its result)."""
        if self.again_after:
            for t in [t for t, rec in self.again_after.items() if rec[0] == handler]:
                self._goto_again_after(t)

    def _goto_again_after(self, t: int) -> None:
        """A remote expiry of `t` found it active (`again_after`): the handler's walk looks at its
        group again now."""
        rec = self.again_after.pop(t, None)
        if rec is None:
            return
        handler, g, hrow, _ = rec
        hctx = self.ctx.get(handler)
        if hctx is not None and hctx.op == OP_REMOTE and hctx.level is g and hctx.rwalk is None \
                and hctx.remote_target == t:
            pre = g.next_expiry
            pruned = _ignored_head(g)
            # (the target's activation walk, under its tmc->lock, came before this read)
            self._remote_eval(-1, handler, hctx, g, settled=t)
            if not hctx.stopped:
                # recorded from the handler's tmigr_handle_remote_cpu row: the lookup may lie
                # anywhere up to its next row, before or after another CPU's update meanwhile,
                # and before the ignore store of a CPU whose activation is traced after that row
                ahead = next((k for k, e in enumerate(pruned)
                              if self._activated_after(e, hrow)), -1)
                self.lookup_at[g] = (handler, hrow, pruned, pre, ahead)
                self.lookup_adds[g] = g.adds

    def _walk_step(self, cpu: int, ctx: _Ctx, untraced_only: bool = False, i: int = -1,
                   last: int = -1) -> None:
        """Step the update walk in flight (`ctx.rwalk`: a remote expiry's or a new timer's) up to
        the next level that traces (its record joins `ctx.exp_upd`) or to its end
        (`tmigr_update_events` per level, each one step under the group's lock).
        ``untraced_only``: stop before a level that will trace; that step is taken at its row.
        ``last``: the CPU's row just replayed (its next row may be that level's update)."""
        w, group, child = ctx.rwalk
        h = self.h
        while group is not None:
            act = self._activation_after_read(cpu, child) if child is not None and child.active else None
            if untraced_only and (act is not None or self._traced_next(last, group) or not (
                    (child is not None and child.active) or
                    (w.remote and group.parent is None and group.migrator == TMIGR_NONE))):
                # tmigr_update_events() traces unless the child is active (walk done) or the
                # group is an idle root reached by a remote walk (goto unlock): not here. A child
                # made active by an activation no earlier than this walk's last row may have been
                # read before it: its row tells.
                break
            out = h._begin(cpu)
            saved: tuple | None = None
            if act is not None and i >= 0 and self._codes[i] == E_UPDATE and \
                    self._group(self._rows.group[i], self._rows.group_lvl[i], cpu) is group:
                # The level traced: the walk read the child's state (lock-free) before that
                # activation's cmpxchg, and the group's as before that activation's step on it.
                saved = (child.active, child.migrator, group.active, group.migrator)
                child.active, child.migrator = act[2], act[3]
                lg = self.last_ev.get(group)
                if lg is not None and lg[0] == act[0] and lg[4] == E_SET_ACTIVE:
                    group.active, group.migrator = lg[2], lg[3]
                self.res.reordered += 1
            pre_first = _first_expiry(group) if untraced_only and w.remote and group.parent is None else -1
            alt_child = untraced_only and child is not None and not child.active \
                and self._child_activated_before_next(last, cpu, child)
            pre_evt: tuple[bool, int, int] = (False, 0, 0)
            if alt_child and child is not None:
                e = child.groupevt
                pre_evt = (e.queued_in is group, e.expires, group.next_expiry)
            if i >= 0 and self._lookup_pending(group):
                # the level traced at row i: another CPU's lookup may come before or after it
                grp, ch = group, child
                done = self._update_in_either_order(i, cpu, group, child, w, out,
                                                    lambda: h.tmigr_update_events(grp, ch, w))
            else:
                done = h.tmigr_update_events(group, child, w)
            if pre_first >= 0 and not out and last >= 0 and _first_expiry(group) != pre_first:
                # taken right after the walk's last row, but anywhere up to the CPU's next one
                self.untraced_step[group] = (cpu, pre_first, last + self.index, group.adds)
            if alt_child and not out and child is not None:
                # ... and there it may have read the child active, after another CPU's activation
                # of it printed before the CPU's next row, and ended (walk_done, no change): the
                # group's next update tells (`_untraced_alt_fits`)
                self.untraced_alt[group] = (child, pre_evt[0], pre_evt[1], pre_evt[2], group.lookups)
            if saved is not None and child is not None:
                child.active, child.migrator, group.active, group.migrator = saved
            if done:
                group = None
            else:
                child = group
                w.childmask = group.groupmask
                group = group.parent
            if out:
                ctx.exp_upd.extend(out)
                break
        if group is not None:
            ctx.rwalk = (w, group, child)
        else:
            self._end_rwalk(ctx)
            if w.remote and ctx.level is not None:
                # tmigr_handle_remote_up looks at its group again once the CPU is handled
                # (`goto again`), untraced, any time up to the handler's next row: recorded from
                # the walk's last traced row, an update of another CPU may come before it
                at = i if i >= 0 else last
                self._remote_eval(-1, cpu, ctx, ctx.level, self.index + at if at >= 0 else -1)

    def _untraced_alt_fits(self, g: TmigrGroup, value: int) -> bool:
        """An update of g prints `value` as its next_expiry where the model has another: an
        untraced step on g that may have read its child active and ended (`untraced_alt`) left
        the child's event where it was, ignored since, and g's next_expiry as it was (until a
        look-up of g; an update of that child's event ends the record after its own check; an
        event queued first since would print its own expiry, which does not fit). If `value` is
        that, the model takes that order."""
        rec = self.untraced_alt.pop(g, None)
        if rec is None:
            return False
        child, was_queued, old_exp, old_nexp, lookups = rec
        if lookups != g.lookups or (value != old_exp and value != old_nexp):
            return False                # (a look-up since pruned the ignored event either way)
        e = child.groupevt
        if was_queued and old_exp != KTIME_MAX:
            if e.queued_in is not None:
                self.h._timerqueue_del(e.queued_in, e)
            e.expires = old_exp
            self.h._timerqueue_add(g, e)
            e.ignore = True             # (the activation's store)
        return True

    def _child_activated_before_next(self, last: int, cpu: int, child: TmigrGroup) -> bool:
        """Another CPU's activation of `child` is printed after row `last` and before `cpu`'s
        next row: an untraced step of `cpu` in between may come after its cmpxchg."""
        if last < 0:
            return False
        c, codes = self._rows, self._codes
        end = min(int(self._nxt[last]), self._n, last + LOOKAHEAD_ROWS)
        for k in range(last + 1, end):
            if codes[k] == E_SET_ACTIVE and c.cpu[k] != cpu and self._group(c.group[k], c.lvl[k], c.cpu[k]) is child:
                return True
        return False

    def _traced_next(self, last: int, group: TmigrGroup) -> bool:
        """The CPU's next row after row `last` is its walk's update of `group`: the level's step
        (untraced only if it read its child active) lies anywhere up to that row, and the row
        says it traced, so it is taken there, after the other CPUs' steps printed before it."""
        if last < 0:
            return False
        j = int(self._nxt[last])
        if j >= self._n or self._codes[j] != E_UPDATE or self._rows.group_lvl[j] != group.level:
            return False
        ptr = self._rows.group[j]
        # (without pointers the row's group is the walk's own at that level: it goes up one path)
        return self.by_ptr.get(ptr) is group or ptr <= UNKNOWN_PTR
    def _child_read_before(self, i: int, cpu: int, child: TmigrGroup) -> bool:
        """`child`'s last state step is another CPU's activation that took it from idle to active,
        traced no earlier than `cpu`'s previous row, whose step on the group above is still to
        come: a read of the child's state by `cpu` at row i's step may have come first."""
        lc = self.last_ev.get(child)
        if lc is None or lc[4] != E_SET_ACTIVE or lc[0] == cpu or lc[6] != lc[5]:
            # (only an activation that took the child from idle to active explains a read idle)
            return False
        g = child.parent
        lg = self.last_ev.get(g) if g is not None else None
        if lg is not None and lg[0] == lc[0] and lg[4] == E_SET_ACTIVE and lg[1] >= lc[1]:
            return False        # that CPU's step on the group is replayed already: the read saw it
        p = int(self._prv_a[i])
        return p < 0 or lc[1] >= self._ts[p]

    def _activation_after_read(self, cpu: int, child: TmigrGroup) -> tuple | None:
        """The last group-state event of `child` if it is another CPU's activation traced no
        earlier than this CPU's last row (`ctx.rw_ts`): a lock-free read of the child's state by
        this CPU's walk, after that row, may have come before its cmpxchg (equal stamps do not
        order two CPUs). Else None."""
        lc = self.last_ev.get(child)
        if lc is None or lc[4] != E_SET_ACTIVE or lc[0] == cpu:
            return None
        return lc if lc[1] >= self.ctx[cpu].rw_ts else None

    def _end_rwalk(self, ctx: _Ctx) -> None:
        """The update walk in flight is over; for a remote one, tmc->remote of its target is
        cleared."""
        rw: tuple | None = ctx.rwalk
        ctx.rwalk = None
        if rw is None or not rw[0].remote:
            return
        t = ctx.remote_target
        self.rwalk_of.pop(t, None)
        self.rwalk_at.pop(t, None)
        tt = self.h.cpus.get(t)
        if tt is not None:
            tt.remote = False

    def _finish_rwalk_before_target(self, target: int, begun: bool = False) -> None:
        """The remote update walk for `target` runs in one section under its tmc->lock
        (tmigr_handle_remote_cpu), like the target's own steps that trace under it (activation,
        deactivation, new timer, hotplug). A walk that has begun ends before such a step of the
        target; one that has not begun comes after it (and is stepped as usual)."""
        handler = self.rwalk_of[target]
        hctx = self.ctx.get(handler)
        rw: tuple | None = hctx.rwalk if hctx is not None else None
        if hctx is None or hctx.remote_target != target or rw is None or not rw[0].remote:
            del self.rwalk_of[target]
            return
        if not begun and rw[2] is None and not hctx.exp_upd:
            return                      # not begun
        del self.rwalk_of[target]
        if rw[2] is None and not hctx.exp_upd and self.act_row.get(target, -1) > self.rwalk_at.get(target, 1 << 62):
            # Not begun, and the target was activated since the handler's tracepoint: its section
            # under tmc->lock found it not idle (`if (!tmc->idle) goto unlock`), no walk.
            self._end_rwalk(hctx)
            return
        self._drain_rwalk(handler, hctx)

    def _drain_rwalk(self, cpu: int, ctx: _Ctx) -> None:
        """Step the update walk in flight to its end. (`ctx.rwalk` is read into a fresh
        `tuple | None` local each time: `_walk_step` changes it, and a compiled build would keep
        a narrowing of the attribute across that call.)"""
        while True:
            rw: tuple | None = ctx.rwalk
            if rw is None:
                return
            self._walk_step(cpu, ctx)

    def _next_of_cpu(self, i: int, cpu: int) -> int | None:
        """The next event of `cpu` (row i is one of its events) within 63 rows."""
        j = self._nxt[i]
        return j if j < self._n and j < i + 64 else None

    def _recheck_stopped(self, cpu: int) -> None:
        """`cpu` just made a state step. Another CPU's remote walk that stopped at the top group's
        migrator check (a lock-free read after its tmigr_handle_remote tracepoint, at an untraced
        moment before that CPU's next row) may have read the state after this step: if the check
        passes now and nothing is due, its lookup gives the group's first event as its wakeup,
        kept as an alternative (`alt_first`) for when the walk closes. (Below the top, a walk
        that went on shows at its next level's row.)"""
        h = self.h
        for g, cpus in list(self.stopped_at.items()):
            for oc in list(cpus):
                octx = self.ctx.get(oc)
                if octx is None or octx.op != OP_REMOTE or octx.level is not g or not octx.stopped:
                    cpus.discard(oc)
                    continue
                if oc == cpu or octx.alt_first is not None or not h.tmigr_check_migrator(g, octx.walk.childmask):
                    continue
                first = _first_expiry(g)
                if first > octx.now:
                    octx.alt_first = first
            if not cpus:
                del self.stopped_at[g]

    def _migrator_taken_since(self, g: TmigrGroup, ctx: _Ctx, i: int) -> bool:
        """Another CPU's activation made it g's migrator between the walk's row at g and row i
        (and may have left again since): the walk's untraced migrator check, anywhere in between,
        may have seen it."""
        j0 = max(ctx.level_row - self.index, -1)
        if i < 0:
            return False
        codes, c = self._codes, self._rows
        cm = ctx.walk.childmask
        for j in range(j0 + 1, min(i, j0 + 257)):
            if codes[j] == E_SET_ACTIVE and c.migrator[j] != TMIGR_NONE and c.migrator[j] != cm \
                    and self._group(c.group[j], c.lvl[j], c.cpu[j]) is g:
                return True
        return False

    def _late_step_admits(self, ctx: _Ctx, g: TmigrGroup) -> None:
        """The walk stopped at the root g on its lock-free migrator check, right after its row
        there (no level above to show it went on). Another CPU's state step on g traced later
        but begun before that row (its cmpxchg precedes its tracepoint, `_earlier_steps`) may
        have come first and admitted the walk: its lookup then left firstexp at g's first
        expiry, an admissible wakeup (`alt_first`, as `stopped_at` for steps traced since)."""
        j0 = ctx.level_row - self.index
        if not 0 <= j0 < self._n:
            return
        cm = ctx.walk.childmask
        for _j, _a1, m1, _dj in self._earlier_steps(j0, g):
            if m1 == cm or m1 == TMIGR_NONE:
                first = _first_expiry(g)
                if first > ctx.now:
                    ctx.alt_first = first
                return

    def _close_remote(self, cpu: int, ctx: _Ctx, i: int, interrupted: bool) -> None:
        self._flush_again(cpu)                 # its `goto again` came before the walk ended
        if ctx.level is None:
            return
        g = ctx.level
        cpus_stopped = self.stopped_at.get(g)
        if cpus_stopped is not None:
            cpus_stopped.discard(cpu)
            if not cpus_stopped:
                del self.stopped_at[g]
        m = g.migrator
        # tmigr_handle_remote_up() re-checks tmigr_check_migrator() after each handled CPU
        # (`goto again`), untraced, at any time before this CPU's next event: if another CPU
        # became this group's migrator in between (its activation is traced), the walk may have
        # ended here before the lookup (firstexp not taken from g) or gone on: both are admissible.
        raced = not interrupted and not ctx.stopped and (
            (m != TMIGR_NONE and m != ctx.walk.childmask) or self._migrator_taken_since(g, ctx, i)
            or (ctx.entry_reordered and g is self.h.cpus[cpu].tmgroup))
        stop_firstexp = ctx.walk.firstexp
        if ctx.stopped and g.parent is None and ctx.alt_first is None and not interrupted:
            self._late_step_admits(ctx, g)
        if raced:
            if ctx.due is not None and not interrupted:
                self._raced_dequeue(i, cpu, ctx, g)
            ctx.due = None
        if ctx.due is not None and not interrupted:
            self._missed_due(i, cpu, ctx, g)
        if not ctx.stopped:
            ctx.walk.firstexp = g.next_expiry
            ctx.fx_group = g
            if ctx.lparent is not None and not interrupted:
                if raced or self._activation_in_flight(g, cpu, ctx.walk.childmask):
                    # (an activation whose tmigr_cpu_active is traced and whose step on g is not
                    # yet: its cmpxchg may come before this walk's migrator read of g)
                    if ctx.decidable and not ctx.optional:
                        self._undec(K_WALK, "migrator re-check raced with another CPU's activation")
                elif self._silent_handover(g, ctx.walk.childmask):
                    if ctx.decidable and not ctx.optional:
                        self._undec(K_WALK, R_SILENT)
                elif ctx.decidable and not ctx.optional and g in self.group_known:
                    self._check("walk_levels", False, i, f"remote walk of CPU{cpu} stopped at {g.id}",
                                f"continue to {g.parent.id}", "stopped", cpu=cpu)
            elif ctx.decidable and not ctx.optional:
                self._agr[K_WALK] += 1
        elif ctx.decidable and not ctx.optional:
            self._agr[K_WALK] += 1
        tmc = self.h.cpus[cpu]
        if ctx.optional and not interrupted and ctx.lparent is not None and stop_firstexp == KTIME_MAX \
                and g is self.anc.get(cpu, [None])[0]:
            # The walk ended at its first level, below a parent, without a row there: its
            # migrator check failed before any lookup (tmigr_handle_remote_up() returns first),
            # so firstexp kept KTIME_MAX whatever the queues hold: tmigr_handle_remote() stores it
            tmc.wakeup = KTIME_MAX
            self.wakeup_late.pop(cpu, None)
        elif ctx.optional:
            # (an idle CPU's wakeup is this walk's firstexp, not known; one closed by its own
            # tmigr_cpu_new_timer_idle is idle, whatever the model, which may not have seen it go)
            if tmc.idle or (0 <= i < self._n and self._codes[i] == E_NT_IDLE and self._rows.cpu[i] == cpu):
                self.cpu_known.discard(cpu)
        else:
            tmc.wakeup = ctx.walk.firstexp
            fx = ctx.fx_group
            alts: list = []
            if fx is not None:
                # The walk's last lookup of fx (under its lock, untraced) happened somewhere
                # between that level's tracepoint and this CPU's next event: other CPUs' steps
                # traced in between may come before it (an activation that marked fx's first
                # event ignored: the lookup skips it) or after it (another CPU's requeue, such
                # as a remote expiry's untraced update at an idle root: the value at the level).
                late = _first_expiry(fx)
                if late != ctx.walk.firstexp:
                    alts.append((late, fx))
                if ctx.entry_nexp != ctx.walk.firstexp and ctx.entry_group is fx:
                    # (past the events due for the walk's `now`: its look-ups dequeued them, their
                    # CPUs busy or active, so tmigr_handle_remote_cpu() returned untraced)
                    due_left = any(not e.ignore and e.expires <= ctx.now for e in fx.events)
                    gone = [r for r in ctx.entry_events if r[1] <= ctx.now]
                    alts.append((ctx.entry_nexp, (fx, gone) if due_left else None))
                if ctx.entry_prev >= 0 and ctx.entry_prev != ctx.walk.firstexp and ctx.entry_group is fx:
                    alts.append((ctx.entry_prev, None))
                la = self.lookup_at.get(fx)
                if la is not None and la[0] == cpu and la[4] >= 0:
                    # its lookup came before an ignore store (`_ignore_store_ahead`): it stopped
                    # at that event
                    alts.append((la[2][la[4]].expires, None))
            if fx is g or g.parent is None:
                # (below the top, a walk stopped at g never looked g up: a look-up there would
                # have gone on to the parent, whose row the trace would show)
                for x in ctx.mid_firsts:
                    # (g's look-up right after a step traced meanwhile, when the migrator check
                    # passed; a value due by the proven jiffies would have been expired, not returned)
                    if x != ctx.walk.firstexp and x > ctx.now_lb and (fx is not g or x != _first_expiry(g)):
                        alts.append((x, None))
            if raced and stop_firstexp != ctx.walk.firstexp:
                alts.append((stop_firstexp, None))
            if ctx.stopped and ctx.alt_first is not None and ctx.alt_first != ctx.walk.firstexp:
                alts.append((ctx.alt_first, None))
            au = ctx.alt_untraced
            if au is not None and au[1] is fx and au[0] != ctx.walk.firstexp:
                alts.append((au[0], None))
            if ctx.alt_stop >= 0 and ctx.alt_stop != ctx.walk.firstexp:
                alts.append((ctx.alt_stop, None))
            if ctx.stopped and g.parent is None and self.h.tmigr_check_migrator(g, ctx.walk.childmask):
                # ... or after the steps traced up to now (the migrator check and the lookup lie
                # anywhere before this CPU's next row)
                now_first = _first_expiry(g)
                if now_first > ctx.now and now_first != ctx.walk.firstexp:
                    alts.append((now_first, None))
            if self.now_unbounded and ctx.entry_group is fx:
                # (stamps that are no time: the lookup's `now` may have been past the first
                # events, each dequeued and its CPU's handling returned untraced (busy, active, or
                # its timers being expired by another CPU): the next one is the first left)
                for k in range(1, len(ctx.entry_events)):
                    x = ctx.entry_events[k][1]
                    if x != ctx.walk.firstexp and x > ctx.now_lb:
                        alts.append((x, (fx, ctx.entry_events[:k])))
            df = ctx.due_first
            if df is not None and df[0] is fx and ctx.now_lb < df[1] and df[1] != ctx.walk.firstexp:
                # the event the model took as due at fx is due only by the stamp's jiffies, not
                # the proven ones (`now` is not traced): if it was not due yet, the lookup
                # returned it as the first event
                alts.append((df[1], None))
            if alts:
                p = int(self._prv_a[i]) if 0 <= i < self._n else -1
                self.wakeup_late[cpu] = (ctx.walk.firstexp, alts, self.index + p if p >= 0 else ctx.level_row)
            if ctx.requeue_untraced or (fx is not None and (self.qunk[fx] or self._unknown_in_window(fx, ctx))):
                # The new wakeup is the next_expiry of a queue the trace does not fully show
                # (e.g. a remote requeue at an idle root, which has no tracepoint).
                self.cpu_known.discard(cpu)
            rs = ctx.requeue_solve
            if ctx.requeue_untraced and rs and fx is not None and fx is self.h.cpus[rs[0]].tmgroup \
                    and 0 <= i < self._n and self._rows.cpu[i] == cpu:
                self.wake_solve[cpu] = (self.index + i, fx, rs[0], rs[1])
        ctx.fx_group = None
        self.walk_level.pop(cpu, None)
        ctx.level = None
        ctx.remote_target = -1
        ctx.target_row = -1
        ctx.target_idx = -1

    # ------------------------------------------------------------------------------------------
    # Setup events: the shape is checked by identification; here they only mark setup context
    # ------------------------------------------------------------------------------------------
    def _on_setup(self, i: int, cpu: int, ctx: _Ctx, ts: int) -> None:
        """A prepare seen in the trace: run the model's own prepare for that CPU and compare its
        setup records, event by event, with the kernel's (pointers get bound to model groups)."""
        c = self._rows
        code = self._codes[i]
        h = self.h
        # The old root's link, held back by the model's prepare until the kernel's own
        # tmigr_connect_child_parent for it (other CPUs' walks ran on the old tree until then).
        dchild = self.by_ptr.get(c.child[i]) if code == E_CONN_CHILD and h.deferred_links else None
        if dchild is not None and dchild not in h.deferred_links:
            dchild = None
        if dchild is None and code == E_CONN_CHILD and h.deferred_links and ctx.op == OP_SETUP \
                and c.child[i] <= UNKNOWN_PTR and not any(
                    r[0] == "tmigr_connect_child_parent" and r[1]["lvl"] == c.lvl[i]
                    and r[1]["groupmask"] == c.groupmask[i] for r in ctx.exp_upd):
            # No pointer: a link at a level and slot (groupmask) the CPU's own records do not
            # have is the old root's (tmigr_setup_groups links it after the CPU's own groups).
            dchild = next(iter(h.deferred_links))
        if ctx.op == OP_SETUP and dchild is None and (
                c.target_cpu[i] != ctx.remote_target if code == E_CONN_CPU
                else not any(r[0] == EVENT_NAME[code] for r in ctx.exp_upd)):
            # The next prepare, recorded right after this one with no other event of this CPU
            # between them: a connect_cpu_parent for another CPU, or a setup event the current
            # prepare has no record left for. What is left belongs to the previous one.
            self._close(cpu, ctx, i, False)
        if ctx.op != OP_SETUP:
            self._close(cpu, ctx, i, False)
            ctx.op = OP_SETUP
            ctx.exp_upd = []
            # Which CPU is being prepared: the connect_cpu_parent of this sequence.
            # Softirqs (remote handling) and, if the task sleeps, idle transitions of this CPU
            # may come between: skip them (the prepare runs in task context).
            j = i if code == E_CONN_CPU else None
            if j is None:
                r = self._nxt[i]
                while r < self._n and r < i + LOOKAHEAD_ROWS:
                    if self._codes[r] == E_CONN_CPU:
                        j = r
                        break
                    r = self._nxt[r]
            target = c.target_cpu[j] if j is not None else -1
            if self.unseen_prep:
                self._unseen_prepares_before(target)
            tmc = self.h.cpus.get(target)
            if tmc is not None and not tmc.available:
                self.proven_off.add(target)     # prepared here: available only once online
            if tmc is not None and tmc.tmgroup is None:
                if h.deferred_links is None:
                    # pointers tell which link is the old root's (without them: its level and slot)
                    h.deferred_links = {}
                self.h.trace = True          # setup records are compared in full
                try:
                    out = self.h.tmigr_cpu_prepare(target, on_cpu=cpu)
                finally:
                    self.h.trace = "updates"
                ctx.exp_upd = [r for r in out]
                self._refresh_tree()
            ctx.remote_target = target
        if dchild is not None:
            h.trace = True
            try:
                ctx.exp_upd[:0] = h.connect_deferred(dchild, cpu)
            finally:
                h.trace = "updates"
            self._refresh_tree()
        recs = ctx.exp_upd
        name = EVENT_NAME[code]
        k: int | None = next((n for n, r in enumerate(recs) if r[0] == name), None)
        # The old-root link may come before or after the CPU's own link depending on the era
        # (§2.6); the profile decides, but match by name so one misplacement is one divergence.
        exp = recs.pop(k) if k is not None else None
        if exp is None:
            # The model's construction differs here (or this CPU was built before): say so once.
            self._check("setup", False if recs else None, i, f"{name} of the prepare of CPU{ctx.remote_target}",
                        recs[0][0] if recs else None, name, cpu=cpu)
            self._bind_setup(i, None)
            return
        self._bind_setup(i, exp[1])

    def _grown_unseen(self, g: TmigrGroup) -> bool:
        """A deactivation's level-0 update on root `g` is not traced: tmigr_update_events()
        returns early for an ignored event only below a parent (`evt->ignore && !remote &&
        group->parent`), so the tree had grown above g by then. The next prepare whose rows
        the trace lost (hotplug runs them in order) came before this step: it is made now, and
        the update is not expected if it gave g a parent."""
        order = self.h.topology.order or []
        pending = sorted(self.unseen_prep, key=lambda c: order.index(c) if c in order else len(order) + c)
        self._unseen_prepare(pending[0])
        return g.parent is not None

    def _unseen_prepares_before(self, target: int) -> None:
        """A traced prepare of `target`: the prepares whose rows the trace lost and that came
        before it (evidence: a lower mask in its group; hotplug runs prepares one after another,
        under cpu_hotplug_lock) are made first, whenever their CPUs' own rows begin."""
        order = self.h.topology.order or []
        if target not in order:
            return
        k = order.index(target)
        for c in [c for c in self.unseen_prep if c in order and order.index(c) < k]:
            self._unseen_prepare(c)

    def _unseen_prepare(self, cpu: int, up: bool = False) -> None:
        """`cpu`'s prepare, whose rows the trace lost, before its first row (its online
        callback runs on it after CPUHP_TMIGR_PREPARE). Links held back for the kernel's own
        tmigr_connect_child_parent are made now: those rows were lost with it. Unseen prepares
        earlier in the prepare order come first (`_unseen_prepares_before`). `up`: a printed
        state shows it active, so it is available already."""
        self.unseen_prep.discard(cpu)
        self._unseen_prepares_before(cpu)
        h = self.h
        tmc = h.cpus.get(cpu)
        if tmc is None or tmc.tmgroup is not None:
            return
        h.tmigr_cpu_prepare(cpu)
        for child in list(h.deferred_links or ()):
            h.connect_deferred(child, cpu)
        if up:
            self.h.resync_cpu(cpu, available=True)
            self.h.available_mask.add(cpu)
        elif cpu not in self.head_lost:
            # available only once its online row comes (a CPU whose stream begins late may have
            # lost that row with its head)
            self.proven_off.add(cpu)
        self._refresh_tree()

    def _bind_pointer(self, diffs: list, key: str, ptr: int, g: TmigrGroup) -> None:
        """A connect event's pointer for the model's group `g`: bound if new; a difference if it
        names another group, or if `g` already has another address (a group never moves)."""
        got = self.by_ptr.get(ptr)
        if got is g:
            return
        if got is not None:
            diffs.append((key, g.id, got.id))
            return
        old = self._pointer_of(g)
        if old is not None:
            diffs.append((key, f"{g.id} at {old:#x}", f"{ptr:#x}"))
            return
        self.ptr_ids[ptr] = g.id
        self.by_ptr[ptr] = g

    def _bind_setup(self, i: int, rec: dict | None) -> None:
        c = self._rows
        code = self._codes[i]
        if rec is None:
            return
        diffs: list[tuple[str, Any, Any]] = []
        if code == E_GROUP_SET:
            g = rec["group"]
            if c.group[i] > UNKNOWN_PTR:       # not `(____ptrval____)`: an address to bind
                self.ptr_ids[c.group[i]] = g.id
                self.by_ptr[c.group[i]] = g
            if (c.lvl[i], c.numa_node[i]) != (g.level, g.numa_node):
                diffs.append(("lvl/node", (g.level, g.numa_node), (c.lvl[i], c.numa_node[i])))
        elif code == E_CONN_CHILD:
            for key, obs in (("groupmask", c.groupmask[i]), ("num_children", c.num_children[i]),
                             ("lvl", c.lvl[i])):
                if rec[key] != obs:
                    diffs.append((key, rec[key], obs))
            _printed_node(diffs, rec["parent"], c.numa_node[i])
            for key, ptr in (("child", c.child[i]), ("parent", c.parent[i])):
                if ptr > UNKNOWN_PTR:
                    self._bind_pointer(diffs, key, ptr, rec[key])
            rec["child"].groupmask = c.groupmask[i]
        elif code == E_CONN_CPU:
            for key, obs in (("groupmask", c.groupmask[i]), ("num_children", c.num_children[i]),
                             ("target_cpu", c.target_cpu[i])):
                if rec[key] != obs:
                    diffs.append((key, rec[key], obs))
            _printed_node(diffs, rec["parent"], c.numa_node[i])
            ptr = c.parent[i]
            if ptr > UNKNOWN_PTR:
                self._bind_pointer(diffs, "parent", ptr, rec["parent"])
            t = self.h.cpus.get(c.target_cpu[i])
            if t is not None and c.groupmask[i] > 0:
                t.groupmask = c.groupmask[i]
        if diffs:
            self._check("setup", False, i, f"{EVENT_NAME[code]}: " + ", ".join(d[0] for d in diffs) + " differ",
                        {d[0]: d[1] for d in diffs}, {d[0]: d[2] for d in diffs})
        else:
            self._agree("setup")
        self._refresh_tree()

    def _row_done(self, i: int, cpu: int, gap_l: list[int] | None, contig: list[bool] | None, n: int) -> None:
        """After row i of `cpu`, of any kind: its CPU's stream ends or is left open there, or
        lines are missing right after it (program_order)."""
        if self.stream_ends and self.stream_ends.get(cpu) == self.index + i:
            self._stream_ended(cpu, i)
        elif self.open_ends and self.open_ends.get(cpu) == self.index + i:
            self._left_open(cpu, i)
        if gap_l is not None and gap_l[i] & GAP_AFTER:
            j = int(self._nxt_any[i])           # the row right after (any kind)
            if contig is not None and j < n and contig[j] and cpu in self.seq_marks_loss:
                self._untraced_line(j, cpu, E_SET_ACTIVE, right_after=True)
            self._lines_lost(cpu, i)        # missing right after this row (program_order)


def _printed_node(diffs: list, parent: TmigrGroup, obs: int) -> None:
    """The connect events print the parent's node (TP_fast_assign: parent->numa_node); not when
    the format has none (null: -1)."""
    if obs >= 0 and obs != parent.numa_node:
        diffs.append(("numa_node", parent.numa_node, obs))


def _st(active: int, migrator: int) -> dict:
    return {"active": f"{active:#04x}", "migrator": "NONE" if migrator == TMIGR_NONE else f"{migrator:#04x}"}


def _state_what(g: TmigrGroup, how: str, m: int, cpu: int) -> str:
    return f"{g.id} state after {how} of child {m:#x} (CPU{cpu}'s walk)"


def _obs_view(t: tuple | None) -> dict | None:
    if t is None:
        return None
    return {"nextevt": _x(t[0]), "next_expiry": _x(t[1]), "child_evt_expiry": _x(t[2]), "child_evtcpu": t[3]}


def _upd_view(rec: tuple) -> dict:
    """A compact update record (group, nextevt, group_next_expiry, child_evt_expiry, child_evtcpu)."""
    return {"group": rec[0].id, "nextevt": _x(rec[1]), "next_expiry": _x(rec[2]),
            "child_evt_expiry": _x(rec[3]), "child_evtcpu": rec[4]}


def _upd_what(g: TmigrGroup, child: TmigrGroup | None, ev: tuple, obs: tuple, cpu: int) -> str:
    names = ("nextevt", "next_expiry", "child_evt_expiry", "child_evtcpu")
    diff = [n for n, a, b in zip(names, ev, obs) if a != b]
    who = child.id if child is not None else f"CPU{cpu}"
    return f"{g.id} after queuing {who}'s event: {', '.join(diff)} differ"


def _x(v: int) -> Any:
    return "KTIME_MAX" if v == KTIME_MAX else v


def _all_silent(g: TmigrGroup, silent: set[int]) -> bool:
    """Every CPU below g is silent."""
    if g.level == 0:
        return bool(g.cpus) and all(c in silent for c in g.cpus)
    return bool(g.children) and all(_all_silent(ch, silent) for ch in g.children)


def _ignored_head(g: TmigrGroup) -> list:
    """The ignored events at the head of g's queue: what tmigr_next_groupevt() prunes."""
    out = []
    for e in g.events:
        if not e.ignore:
            break
        out.append(e)
    return out


# Rows only a CPU available in the hierarchy prints (tmigr_is_not_available() guards their paths)
WALK_CODES: Final = frozenset((E_SET_ACTIVE, E_SET_INACTIVE, E_NEW_TIMER, E_NT_IDLE, E_CPU_ACTIVE, E_CPU_IDLE,
                               E_UPDATE, E_HR, E_HR_CPU, E_OFFLINE))


def _cmp_expiry(expected: int, observed: int, silent: bool) -> bool | None:
    """Equal: agreed. Below a silent CPU an earlier observation may be an unobservable event."""
    if expected == observed:
        return True
    if silent and observed < expected:
        return None
    return False
