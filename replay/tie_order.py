"""The order of overlapping steps across CPUs, from the groups' state chains.

A step (a cmpxchg of a group's state word) happens somewhere between its CPU's previous tracepoint
and its own, so the printed order of several CPUs' steps is not theirs: ftrace breaks equal stamps
by CPU number, a clock that stalls or prints at 1 us gives whole walks one stamp, and a vCPU
preempted between its cmpxchg and its trace write stamps its step late. Each group's state word is
changed only by a successful cmpxchg (`tmigr_active_up`, `tmigr_inactive_up` in
kernel/time/timer_migration.c), and the tracepoint after it prints the new state: the state events
of one group form a chain in which each value is the previous one with one child's bit set or
cleared. That chain is the kernel's own order of the steps on that group (a linearization, per
object, as Porcupine and Knossos check it).

Where the printed order breaks a chain, this module takes a window from the rows' own intervals
(`_window`) and searches the orders of its rows that keep each CPU's program order and the
real-time order for one in which every chain holds, up to the next state event of each group after
the window, and takes the one closest to the printed order (depth first, printed order preferred,
bounded). A window whose printed order keeps every chain is left as printed; one where no order
does (lost events, a state written without a tracepoint) is left as printed too, and the engine's
checks judge it. `reads_before_steps` puts an update whose traced read preceded another CPU's
step stamped first back before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .engine import (CLOCK_SLACK_NS, E_CPU_ACTIVE, E_HR_CPU, E_NEW_TIMER, E_SET_ACTIVE, E_SET_INACTIVE, E_UPDATE, UNKNOWN_PTR,
                     active_up_pure, inactive_up_pure, same_cpu_links)
from .model.structs import TMIGR_NONE

# Nodes the search of one window may visit: a window with more orders than that keeps its printed
# order (measured: the windows that need a new order take under 100; one that no order fits, e.g.
# after lost events or where a CPU idle for long widens it to hundreds of rows, visits them all,
# at about 35 us each).
SEARCH_BUDGET = 500
# How far the search may move a step before another CPU's stamped earlier, when no order fits
# the stamps as printed (engine.CLOCK_SLACK_NS; 0 turns it off: benchmarks/clock_skew.py).
SKEW_SLACK_NS = CLOCK_SLACK_NS


def state_after(code: int, active: int, migrator: int, childmask: int) -> tuple[tuple[int, int], ...]:
    """The states a group can have after a state step on (active, migrator): an activation sets
    the child's bit (and makes it migrator of a group without one); a deactivation clears it and
    hands the migrator on, unless it read the child active again (the state is then unchanged)."""
    if code == E_SET_ACTIVE:
        a, m, _ = active_up_pure(active, migrator, childmask)
        return ((a, m),)
    a, m, _ = inactive_up_pure(active, migrator, childmask, 0)
    return ((a, m), (active, migrator))


@dataclass
class TieOrder:
    """Per-group state as of the rows already given to the engine, and the reorders made."""
    last_state: dict[int, tuple[int, int]] = field(default_factory=dict)
    reordered_windows: int = 0
    unresolved_windows: int = 0
    skewed_windows: int = 0
    updates_moved: int = 0
    # Where the engine stops consuming this buffer: before a window that reaches past the rows
    # it would consume, so the window is searched whole with the next buffer's rows.
    stop: int = -1
    # Without group pointers (hashed or `(____ptrval____)` text): the group column of the state
    # rows, as the CPU's group at the row's level (`level_keys`), for the chains.
    group_key: Callable[[dict[str, np.ndarray]], np.ndarray] | None = None
    # Windows no order fitted, by (first stamp, last stamp, rows): not searched again when the
    # next buffer holds them too.
    unresolved: set[tuple[int, int, int]] = field(default_factory=set)
    # CPUs with rows the engine has consumed (`fed`): a buffer's first row of one of them has a
    # previous tracepoint, only not in the buffer
    fed_cpus: set[int] = field(default_factory=set)

    def fed(self, cpu: np.ndarray) -> None:
        """The engine consumed rows of these CPUs."""
        self.fed_cpus.update(np.unique(cpu).tolist())

    def order(self, buf: dict[str, np.ndarray], stop: int) -> np.ndarray | None:
        """A permutation of the buffer's rows (None: keep the printed order). Only stamps that
        end before `stop` (the rows the engine consumes now) are reordered; rows from `stop` on
        serve as the successors of the chains."""
        code = buf["code"]
        self.stop = stop
        if self.group_key is not None:
            buf = {**buf, "group": self.group_key(buf)}
        is_state = (code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)
        srows = np.flatnonzero(is_state)
        if srows.size == 0:
            return None
        grp = buf["group"][srows]
        nxt, prv = same_cpu_links(buf["cpu"])
        goes_up = _activation_goes_up(buf, nxt)
        broken = self._broken(buf, srows, grp, goes_up, prv)
        prv = _stream_heads(buf["cpu"], prv, self.fed_cpus)
        perm: np.ndarray | None = None
        if broken:
            # each broken step's window; overlapping ones are searched as one
            gidx = _GroupIndex(grp)
            shared = gidx.shared(buf["cpu"][srows], MAX_LATER_STEPS)
            # a broken step no other CPU's step of its group is near cannot be reordered (e.g. a
            # CPU that changes the group unseen): no window
            left: list[int] = []            # broken steps no window of the printed stamps fixed
            for slack in (0, SKEW_SLACK_NS):
                if slack:
                    # No order fits the stamps as printed. Two CPUs' clocks may be off by a few
                    # us (the `local` trace clock is per CPU): a step may then precede another
                    # CPU's stamped before it. The same search, the stamps' order relaxed by at
                    # most that much.
                    if not left:
                        break
                    todo, left = left, []
                else:
                    todo = broken
                wins = sorted(_window(buf, srows, grp, gidx, prv, r, slack) for r in todo
                              if shared[np.searchsorted(srows, r)])
                merged: list[list[int]] = []
                for start, end in wins:
                    if merged and start < merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], end)
                    else:
                        merged.append([start, end])
                for start, end in merged:
                    if end > stop and start < stop and start > 0 and end - start <= MAX_WINDOW_ROWS:
                        stop = start                # searched whole with the next buffer
                    if end > stop or end - start > MAX_WINDOW_ROWS:
                        continue
                    mine = [r for r in todo if start <= r < end]
                    if perm is not None and bool((perm[start:end] != np.arange(start, end)).any()):
                        continue                    # (rows an earlier window reordered)
                    cpus = buf["cpu"][start:end]
                    if np.unique(cpus).size < 2:
                        left += mine
                        continue
                    key = (int(buf["ts"][start]), int(buf["ts"][end - 1]), end - start, slack)
                    if key in self.unresolved:
                        continue
                    new = self._search(buf, start, end, prv, goes_up, slack)
                    if new is None:
                        # A wide window's search may fail on chains it cannot mend while one
                        # group's rows at one stamp (printed in CPU order: no order at all) have
                        # an order alone: each such part, independent of the rest (no CPU or group
                        # in common within the stamp), is searched by itself, as a linearizability
                        # check partitions per object.
                        parts = self._search_parts(buf, start, end, mine, prv, goes_up, slack)
                        if parts:
                            if perm is None:
                                perm = np.arange(len(code))
                            for sub, order in parts:
                                perm[np.asarray(sub, dtype=np.int64)] = order
                                self.reordered_windows += 1
                            continue
                    if new is None:
                        if slack or not SKEW_SLACK_NS:
                            self.unresolved_windows += 1
                        self.unresolved.add(key)
                        if len(self.unresolved) > 4096:
                            self.unresolved.clear()
                        left += mine
                        continue
                    if perm is None:
                        perm = np.arange(len(code))
                    perm[start:end] = new
                    self.reordered_windows += 1
                    self.skewed_windows += slack > 0
        self.stop = stop
        fed = buf if perm is None else {k: buf[k][perm] for k in READ_COLUMNS if k in buf}
        moved = reads_before_steps(fed, stop, self.last_state)
        if moved is not None:
            perm = moved if perm is None else perm[moved]
            self.updates_moved += 1
            fed = {k: buf[k][perm] for k in READ_COLUMNS if k in buf}
        moved = steps_before_reads(fed, stop, self.last_state)
        if moved is not None:
            perm = moved if perm is None else perm[moved]
            self.updates_moved += 1
        self._advance(buf, perm, stop)
        return perm

    def _broken(self, buf: dict[str, np.ndarray], srows: np.ndarray, grp: np.ndarray,
                goes_up: np.ndarray, prv: np.ndarray) -> list[int]:
        """Rows (positions) of state events that do not follow from their group's previous state
        in the printed order (numpy, per group); an activation whose walk goes on up needs a
        previous state without a migrator."""
        act, mig, cm, code = buf["active"][srows], buf["migrator"][srows], buf["childmask"][srows], buf["code"][srows]
        known = grp != UNKNOWN_PTR
        order = np.argsort(grp, kind="stable")           # each group's rows in printed order
        g_sorted = grp[order]
        first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
        prev_pos = np.empty(srows.size, dtype=np.int64)  # index into srows of the previous state
        prev_pos[order] = np.r_[-1, order[:-1]]
        prev_pos[order[first]] = -1
        pa = np.where(prev_pos >= 0, act[np.maximum(prev_pos, 0)], -1)
        pm = np.where(prev_pos >= 0, mig[np.maximum(prev_pos, 0)], -1)
        last = self.last_state
        for k in np.flatnonzero(prev_pos < 0).tolist():  # a group's first row here: the state before
            st = last.get(int(grp[k]))
            if st is not None:
                pa[k], pm[k] = st
        have = known & (pa >= 0)
        # tmigr_active_up: the child's bit set, migrator the child if there was none
        a_act = pa | cm
        m_act = np.where(pm == TMIGR_NONE, cm, pm)
        # tmigr_inactive_up, child read idle: bit cleared, a migrator that was the child handed on
        a_clr = pa & ~cm
        low = a_clr & -a_clr
        m_clr = np.where(pm == cm, np.where(a_clr == 0, TMIGR_NONE, low), pm)
        is_act = code == E_SET_ACTIVE
        ok = np.where(is_act, (act == a_act) & (mig == m_act) & (~goes_up[srows] | (pm == TMIGR_NONE)),
                      ((act == a_clr) & (mig == m_clr)) | ((act == pa) & (mig == pm)))
        bad = np.flatnonzero(have & ~ok)
        if bad.size == 0:
            return []
        if "seq" in buf:
            # a chain broken across lost rows (a sequence gap, as the engine finds them, of a
            # CPU with steps on that group, between the group's previous step and this one) is
            # the loss's, not an order to search for: the engine resyncs there (measured: such
            # windows took most of a replay's time)
            cpu = buf["cpu"]
            gap_rows = np.flatnonzero(seq_gaps(cpu, buf["seq"], prv))
            if gap_rows.size:
                cpus_of: dict[int, set[int]] = {}     # group -> the CPUs with steps on it here
                for g, c in set(zip(grp.tolist(), cpu[srows].tolist())):
                    cpus_of.setdefault(g, set()).add(c)
                gap_cpu = cpu[gap_rows].tolist()
                pp = prev_pos[bad]
                lo_a = np.searchsorted(gap_rows, np.where(pp >= 0, srows[np.maximum(pp, 0)], -1), side="right")
                hi_a = np.searchsorted(gap_rows, srows[bad], side="right")
                keep = []
                for k, lo, hi in zip(bad.tolist(), lo_a.tolist(), hi_a.tolist()):
                    if lo < hi:
                        mine = cpus_of[int(grp[k])]
                        if any(gap_cpu[x] in mine for x in range(lo, hi)):
                            continue
                    keep.append(k)
                bad = np.asarray(keep, dtype=np.int64)
        return sorted(srows[bad].tolist())

    def _search_parts(self, buf: dict[str, np.ndarray], start: int, end: int, broken: list[int],
                      prv: np.ndarray, goes_up: np.ndarray, slack: int) -> list[tuple[list[int], np.ndarray]]:
        """For each broken row, the rows of its stamp in [start, end) that share a CPU or a group
        with it, closed under both (a part no other row of the stamp touches), and an order of
        them that keeps the chains (`_search` on the part); the parts that find one."""
        ts, cpu, code, grp = buf["ts"], buf["cpu"], buf["code"], buf["group"]
        out: list[tuple[list[int], np.ndarray]] = []
        tried: set[tuple[int, ...]] = set()
        for r in broken:
            b0, b1 = _block(ts, r)
            b0, b1 = max(b0, start), min(b1, end)
            cpus: set[int] = set()
            groups = {int(grp[r])}
            grew = True
            while grew:
                grew = False
                for x in range(b0, b1):
                    st = code[x] == E_SET_ACTIVE or code[x] == E_SET_INACTIVE
                    c, g = int(cpu[x]), int(grp[x])
                    if st and g in groups and c not in cpus:
                        cpus.add(c)
                        grew = True
                    if st and c in cpus and g not in groups:
                        groups.add(g)
                        grew = True
            sub = [x for x in range(b0, b1) if int(cpu[x]) in cpus]
            key = tuple(sub)
            if len(cpus) < 2 or key in tried or len(sub) == b1 - b0 == end - start:
                continue
            tried.add(key)
            order = self._search(buf, b0, b1, prv, goes_up, slack, subset=sub)
            if order is not None:
                out.append((sub, order))
        return out

    def _search(self, buf: dict[str, np.ndarray], start: int, end: int, prv: np.ndarray,
                goes_up: np.ndarray, slack: int = 0, subset: list[int] | None = None) -> np.ndarray | None:
        """Depth-first search of the orders of rows [start, end) (or of `subset` of them, a part
        no other row there shares a CPU or a group with) that keep each CPU's order and the
        real-time order (a row whose tracepoint came before another CPU's previous event stays
        before that CPU's row: a step happens between its CPU's previous tracepoint and its
        own), for one that keeps every group's chain up to its next state event after the
        rows."""
        code, grp = buf["code"], buf["group"]
        act, mig, cm, cpu = buf["active"], buf["migrator"], buf["childmask"], buf["cpu"]
        ts = buf["ts"]
        rows = list(range(start, end)) if subset is None else list(subset)
        # rows of the block that must come before row y: their stamp is older than y's CPU's
        # previous row (equal stamps never order: a stamp's rows are the case of the printed
        # order being no order at all)
        must_before: dict[int, list[int]] = {}
        for y in rows:
            py = int(prv[y])
            if py >= 0 or py == STREAM_HEAD:
                t = ts[py] if py >= 0 else ts[y]   # (a stream's first row: its own stamp)
                before = [x for x in rows if x != y and ts[x] < t - slack and cpu[x] != cpu[y]]
                if before:
                    must_before[y] = before
        per_cpu: dict[int, list[int]] = {}
        for r in rows:
            per_cpu.setdefault(int(cpu[r]), []).append(r)
        is_state = {r for r in rows if (code[r] == E_SET_ACTIVE or code[r] == E_SET_INACTIVE)
                    and int(grp[r]) != UNKNOWN_PTR}
        left: dict[int, int] = {}
        for r in is_state:
            g = int(grp[r])
            left[g] = left.get(g, 0) + 1
        # each group's state before the stamp (None: not known) and its next state event after it
        state0: dict[int, tuple[int, int] | None] = {}
        succ: dict[int, int] = {}
        n = len(code)
        for g in left:
            before = None
            for p in range(start - 1, -1, -1):
                if int(grp[p]) == g and (code[p] == E_SET_ACTIVE or code[p] == E_SET_INACTIVE):
                    before = (int(act[p]), int(mig[p]))
                    break
            state0[g] = before if before is not None else self.last_state.get(g)
            for q in range(end, n):
                if int(grp[q]) == g and (code[q] == E_SET_ACTIVE or code[q] == E_SET_INACTIVE):
                    succ[g] = q
                    break
        # A deactivation above level 0 clears the child's bit only if it read the child group
        # inactive (tmigr_inactive_up reads child->migr_state before its cmpxchg): the child is
        # the group of the same walk's step before it on that CPU.
        child_of: dict[int, int] = {}
        for r in is_state:
            cg = _child_group(buf, prv, r)
            if cg is not None:
                child_of[r] = cg
                if cg not in state0:
                    # a child with no step here: its state before the rows
                    st: tuple[int, int] | None = self.last_state.get(cg)
                    for p in range(start - 1, max(-1, start - 4097), -1):
                        if int(grp[p]) == cg and (code[p] == E_SET_ACTIVE or code[p] == E_SET_INACTIVE):
                            st = (int(act[p]), int(mig[p]))
                            break
                    state0[cg] = st
        heads = {c: 0 for c in per_cpu}
        state = dict(state0)
        order: list[int] = []
        budget = [SEARCH_BUDGET]

        def fits(r: int, s: tuple[int, int] | None) -> bool:
            if s is None:
                return True
            after = (int(act[r]), int(mig[r]))
            options = state_after(int(code[r]), s[0], s[1], int(cm[r]))
            if after not in options or (goes_up[r] and s[1] != TMIGR_NONE):
                return False
            cg = child_of.get(r) if use_child else None
            if cg is None or options[0] == options[1]:
                return True
            child = state.get(cg)
            if child is None:
                return True
            # cleared: the child was read inactive; kept: read active
            return (child[0] == 0) == (after == options[0])

        placed: set[int] = set()

        def place(r: int, c: int) -> bool:
            """Row r (CPU c's next) goes next; True if the rest then finds an order."""
            heads[c] += 1
            order.append(r)
            placed.add(r)
            if dfs():
                return True
            placed.discard(r)
            order.pop()
            heads[c] -= 1
            return False

        def dfs() -> bool:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if len(order) == len(rows):
                return True
            cands = sorted((per_cpu[c][h], c) for c, h in heads.items() if h < len(per_cpu[c]))
            deferred: list[tuple[int, int]] = []
            waiting = False                     # a step printed earlier does not fit yet
            for r, c in cands:
                mb = must_before.get(r)
                if mb is not None and any(x not in placed for x in mb):
                    continue
                if r not in is_state:
                    # A row that is not a state step changes no chain: placing it now never
                    # hurts, so it is not a choice to branch on -- unless a row printed before
                    # it waits (a step that does not fit yet): then it keeps its place after
                    # that row if any order allows (a lookup or an update read the state as
                    # printed), and the steps printed later are tried first.
                    if not waiting:
                        return place(r, c)
                    deferred.append((r, c))
                    continue
                elif fits(r, state[int(grp[r])]):
                    g = int(grp[r])
                    saved = state[g]
                    state[g] = (int(act[r]), int(mig[r]))
                    left[g] -= 1
                    # a group's last step here must lead to its next state event after the stamp
                    if (left[g] > 0 or g not in succ or fits(succ[g], state[g])) and place(r, c):
                        return True
                    left[g] += 1
                    state[g] = saved
                waiting = True
                if budget[0] < 0:
                    return False
            for r, c in deferred:
                if place(r, c):
                    return True
                if budget[0] < 0:
                    return False
            return False

        use_child = True
        if not dfs():
            if budget[0] < 0:
                return None             # cut off, not proven impossible: keep the printed order
            # No order with the child reads at the cmpxchg: a read may be older than that (any
            # moment after the walk's previous step); the chains alone then.
            use_child = False
            budget[0] = SEARCH_BUDGET
            heads = {c: 0 for c in per_cpu}
            state.clear()
            state.update(state0)
            order.clear()
            placed.clear()
            if not dfs():
                return None
        return np.asarray(order, dtype=np.int64)

    def _advance(self, buf: dict[str, np.ndarray], perm: np.ndarray | None, stop: int) -> None:
        """Remember each group's last state among the rows the engine consumes now."""
        code = buf["code"][:stop] if perm is None else buf["code"][perm[:stop]]
        rows = np.arange(stop) if perm is None else perm[:stop]
        state = (code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)
        srows = rows[state]
        if srows.size == 0:
            return
        g = buf["group"][srows]
        uniq, last_rev = np.unique(g[::-1], return_index=True)
        last = srows[srows.size - 1 - last_rev]
        act, mig = buf["active"][last], buf["migrator"][last]
        for k, a, m in zip(uniq.tolist(), act.tolist(), mig.tolist()):
            self.last_state[k] = (a, m)


# The rows one search may reorder; a window with more keeps its printed order.
MAX_WINDOW_ROWS = 512
# Earlier (later) state events of the group whose step may have come after (before) the broken one.
MAX_LATER_STEPS = 8


def _window(buf: dict[str, np.ndarray], srows: np.ndarray, grp: np.ndarray, gidx: "_GroupIndex",
            prv: np.ndarray, r: int, slack: int = 0) -> tuple[int, int]:
    """[start, end) of the rows whose order may explain the broken chain at state row r: from the
    earliest of the group's previous state events that r's step can have preceded (r's CPU's
    previous row is no later than it), to the last of the group's next state events whose step
    can have preceded r's (their CPU's previous row is no later than r), widened to whole stamps.
    The bounds are the rows' own intervals (a step lies between its CPU's previous tracepoint and
    its own), not a time window."""
    ts = buf["ts"]
    k = int(np.searchsorted(srows, r))
    base, pos, count = gidx.where(k)
    same = gidx.order
    start, end = r, r + 1
    pr = int(prv[r])
    # (a CPU's first row, its stream's head overwritten, has no previous tracepoint in the
    # trace: its own stamp bounds its step, here and for the later steps below; the trace does
    # not show that it ran earlier)
    low = ts[pr] if pr >= 0 else ts[r] if pr == STREAM_HEAD else -(1 << 62)
    for p_k in same[base + max(0, pos - MAX_LATER_STEPS): base + pos].tolist()[::-1]:
        p = int(srows[p_k])
        if low > ts[p] + slack:
            break
        start = p
    cg = _child_group(buf, prv, r)
    if cg is not None:
        # A deactivation above level 0 clears the child's bit only if it read the child
        # inactive: other CPUs' steps on the child since r's CPU's previous row may come after.
        lo = int(np.searchsorted(srows, pr)) if pr >= 0 else 0
        for q_k in range(k - 1, max(lo, k - 8 * MAX_LATER_STEPS) - 1, -1):
            q = int(srows[q_k])
            if q <= pr:
                break
            if grp[q_k] == cg:
                start = min(start, q)
    for q_k in same[base + pos + 1: base + min(count, pos + 1 + MAX_LATER_STEPS)].tolist():
        q = int(srows[q_k])
        pq = int(prv[q])
        if (ts[pq] if pq >= 0 else ts[q] if pq == STREAM_HEAD else -(1 << 62)) <= ts[r] + slack:
            end = q + 1
    start = _block(ts, start)[0]
    end = _block(ts, end - 1)[1]
    if end - start > MAX_WINDOW_ROWS:
        return _block(ts, r)
    return start, end


class _GroupIndex:
    """Each group's state rows (indices into `srows`) in printed order, computed once per buffer:
    `order` lists them group after group; `where(k)` gives (start of k's group in `order`, k's
    rank in it, the group's count)."""

    def __init__(self, grp: np.ndarray) -> None:
        self.order = np.argsort(grp, kind="stable")
        g_sorted = grp[self.order]
        starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
        counts = np.diff(np.r_[starts, g_sorted.size])
        grp_of = np.repeat(np.arange(starts.size), counts)       # group number per sorted position
        self._base = np.empty(grp.size, dtype=np.int64)
        self._rank = np.empty(grp.size, dtype=np.int64)
        self._count = np.empty(grp.size, dtype=np.int64)
        self._base[self.order] = starts[grp_of]
        self._rank[self.order] = np.arange(g_sorted.size) - starts[grp_of]
        self._count[self.order] = counts[grp_of]

    def shared(self, cpu: np.ndarray, reach: int) -> np.ndarray:
        """Per state row: another CPU has a state row of the same group within `reach` rows of
        that group's list, before or after it."""
        cs = cpu[self.order]
        gs = self._base[self.order]
        n = cs.size
        out = np.zeros(n, dtype=bool)
        for d in range(1, reach + 1):
            if d >= n:
                break
            diff = (cs[d:] != cs[:-d]) & (gs[d:] == gs[:-d])
            out[d:] |= diff
            out[:-d] |= diff
        res = np.empty(n, dtype=bool)
        res[self.order] = out
        return res

    def where(self, k: int) -> tuple[int, int, int]:
        return int(self._base[k]), int(self._rank[k]), int(self._count[k])


def seq_gaps(cpu: np.ndarray, seq: np.ndarray, prv: np.ndarray) -> np.ndarray:
    """Rows whose sequence number does not follow their CPU's previous row in the buffer (lost
    events or lines between them); a CPU's first row here is not one (its predecessor is in an
    earlier buffer). The engine's `feed_arrays` judges continuity the same way."""
    pseq = seq[np.maximum(prv, 0)]
    return (prv >= 0) & ~((pseq >= 0) & (seq == pseq + 1))


# Keys of groups known by CPU and level only: far above UNKNOWN_PTR, far below kernel addresses.
LEVEL_KEY_BASE = 1 << 40


def level_keys(paths: dict[int, list]) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    """A `TieOrder.group_key` for traces without group pointers: each state row's group is its
    CPU's group at the row's level (tmigr_active_up / tmigr_inactive_up walk the CPU's own path;
    `paths`: cpu -> [group per level] of the reference construction, fixed for the replay). One
    key per group, the same in every buffer."""
    ids: dict[int, int] = {}
    ncpu = max(paths, default=-1) + 1
    nlvl = max((len(p) for p in paths.values()), default=0)
    table = np.full((max(ncpu, 1), max(nlvl, 1)), UNKNOWN_PTR, dtype=np.int64)
    for c, path in paths.items():
        for level, g in enumerate(path):
            table[c, level] = ids.setdefault(id(g), LEVEL_KEY_BASE + len(ids))

    def keys(buf: dict[str, np.ndarray]) -> np.ndarray:
        code, cpu, lvl = buf["code"], buf["cpu"], buf["lvl"]
        grp = buf["group"].copy()
        rows = np.flatnonzero(((code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)) & (lvl >= 0) & (cpu >= 0)
                              & (cpu < table.shape[0]) & (lvl < table.shape[1]))
        grp[rows] = table[cpu[rows], lvl[rows]]
        return grp
    return keys


STREAM_HEAD = -1         # `prv` of a CPU's first row in the trace
PREV_CONSUMED = -2       # `prv` of a buffer's first row of a CPU whose earlier rows were consumed


def _stream_heads(cpu: np.ndarray, prv: np.ndarray, fed_cpus: set[int]) -> np.ndarray:
    """`prv` with each row that has no previous row in the buffer marked STREAM_HEAD (the CPU's
    first row in the trace) or PREV_CONSUMED (its previous row was in an earlier buffer)."""
    heads = np.flatnonzero(prv < 0)
    if not heads.size or not fed_cpus:
        return prv
    out = prv.copy()
    out[heads[np.isin(cpu[heads], np.fromiter(fed_cpus, dtype=np.int64))]] = PREV_CONSUMED
    return out


def _child_group(buf: dict[str, np.ndarray], prv: np.ndarray, r: int) -> int | None:
    """The child group a deactivation step above level 0 reads (tmigr_inactive_up): the group of
    its walk's state step one level below, found back along its CPU's rows; None for level 0, an
    activation or a walk whose lower step is not in the buffer."""
    code, lvl = buf["code"], buf["lvl"]
    if code[r] != E_SET_INACTIVE or lvl[r] <= 0:
        return None
    j = int(prv[r])
    for _ in range(4):
        if j < 0:
            return None
        if code[j] == E_SET_INACTIVE:
            return int(buf["group"][j]) if lvl[j] == lvl[r] - 1 else None
        if code[j] != E_UPDATE:
            return None
        j = int(prv[j])
    return None


def _activation_goes_up(buf: dict[str, np.ndarray], nxt: np.ndarray) -> np.ndarray:
    """Activation rows whose CPU's next row activates a group of a higher level: that walk went
    on, so the group had no migrator when its cmpxchg read it (tmigr_active_up: walk_done is
    `migrator != TMIGR_NONE`)."""
    code, lvl = buf["code"], buf["lvl"]
    n = len(code)
    j = np.minimum(nxt, n - 1)
    return (code == E_SET_ACTIVE) & (nxt < n) & (code[j] == E_SET_ACTIVE) & (lvl[j] > lvl)


def _block(ts: np.ndarray, r: int) -> tuple[int, int]:
    """[start, end) of the rows with row r's stamp around it."""
    t = ts[r]
    start = r
    while start > 0 and ts[start - 1] == t:
        start -= 1
    end = r + 1
    n = len(ts)
    while end < n and ts[end] == t:
        end += 1
    return start, end


def state_before_update(buf: dict[str, np.ndarray], nxt: np.ndarray, prv: np.ndarray) -> np.ndarray | None:
    """v6.9/v6.10 trace a deactivation level's state (tmigr_group_set_cpu_inactive) after that
    level's tmigr_update_events, although its cmpxchg came first (tmigr_inactive_up: cmpxchg,
    tmigr_update_events, then the tracepoint). The state row is moved to just before its update
    row, where its step happened, and the two rows swap their sequence numbers (``buf["seq"]`` is
    replaced); None if no row moves. An update that goes on a remote or a
    new-timer walk (its CPU's row before it is tmigr_handle_remote_cpu, tmigr_cpu_new_timer or
    that walk's update) is not a deactivation's. ``nxt``, ``prv``: each row's next and previous
    row of the same CPU (`same_cpu_links`; -1 none)."""
    code, grp = buf["code"], buf["group"]
    n = len(code)
    upd = np.flatnonzero(code == E_UPDATE)
    if upd.size == 0:
        return None
    j, p = nxt[upd], prv[upd]
    ok = j < n
    upd, j, p = upd[ok], j[ok], p[ok]
    before = np.where(p >= 0, code[np.maximum(p, 0)], -1)
    in_walk = (before == E_HR_CPU) | (before == E_NEW_TIMER) | (before == E_UPDATE)
    pair = (code[j] == E_SET_INACTIVE) & (grp[j] == grp[upd]) & ~in_walk
    if not pair.any():
        return None
    u, st = upd[pair], j[pair]
    key = np.arange(n, dtype=np.float64)
    key[st] = u - 0.5
    # the CPU's sequence numbers follow the rows: the two swap theirs
    seq = buf["seq"].copy()
    seq[u], seq[st] = buf["seq"][st], buf["seq"][u]
    buf["seq"] = seq
    return np.argsort(key, kind="stable")


# How far before an update `reads_before_steps` looks for steps its read preceded: its read comes
# after its CPU's previous row, a few microseconds before its own stamp at most (measured: a BPF
# stamp up to 5 us after ftrace's), so 50 us (the replay's reordering window) bounds the scan.
READ_WINDOW_NS = 50_000
# How far back (rows) `reads_before_steps` looks for the steps a read may precede: a safety bound
# on the work per update (the real bound is the update's CPU's previous row).
READ_BACK_ROWS = 4096
KTIME_MAX_I = (1 << 63) - 1
CHILD_READS = True
# The columns `reads_before_steps` looks at.
READ_COLUMNS = ("code", "cpu", "ts", "group", "active", "migrator", "childmask", "group_active", "child", "nextevt",
                "lvl", "group_lvl")


def reads_before_steps(buf: dict[str, np.ndarray], stop: int, last_state: dict[int, tuple[int, int]]) -> np.ndarray | None:
    """Each tmigr_update_events placed before the other CPUs' state steps on its group that its
    traced group state (``group_active``, read under the lock before the tracepoint) proves came
    after its read. None if no row moves.

    A tracepoint's stamp is taken after the operation it reports, and how long after varies: a
    BPF program runs after every probe registered before it (ftrace's, when an ftrace instance
    records the same event) and after perf's record assembly (measured on this box: the BCC stamp
    of the same call 0.2-1.7 us after ftrace's). So another CPU's lock-free cmpxchg on the group
    (`tmigr_active_up`, `tmigr_inactive_up` in kernel/time/timer_migration.c) traced just before an
    update may have come after the update's read: its row reports a state the update did not see.
    The rows between the update's CPU's previous row and the update are searched backwards for
    the group's state steps of other CPUs: while the update's ``group_active`` is the state before
    a step and not the one after it, and the step follows from that state, the update goes before
    that step (every CPU keeps its own order). An update above level 0 also read its child idle
    (tmigr_update_events() ends the walk untraced on an active child): another CPU's activation of
    the child from idle in those rows came after that read. Within `READ_WINDOW_NS` of the update;
    a whole walk of another CPU stamped in between (a vCPU stalled between its read and its
    tracepoint, multi-threaded TCG: 2.7 ms measured) moves it up to the CPU's previous row.
    Rows from ``stop`` on are not moved."""
    code, cpu, grp, ga, ts = buf["code"], buf["cpu"], buf["group"], buf["group_active"], buf["ts"]
    n = len(code)
    stop = min(stop, n)
    is_state = ((code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)) & (grp != UNKNOWN_PTR)
    if not is_state.any():
        return None
    idx = np.arange(n, dtype=np.int64)
    # the last state row before each row (any group, any CPU)
    last_st = np.maximum.accumulate(np.where(is_state, idx, -1))
    before = np.r_[-1, last_st[:-1]]
    _, prv = same_cpu_links(cpu)
    upd = (code[:stop] == E_UPDATE) & (ga[:stop] >= 0) & (grp[:stop] != UNKNOWN_PTR)
    cand = np.flatnonzero(upd & (before[:stop] > prv[:stop]))
    if cand.size == 0:
        return None
    # each state row's group state before it: the previous state row of its group, or the one
    # the rows already consumed left
    srows = np.flatnonzero(is_state)
    sg = grp[srows]
    order = np.argsort(sg, kind="stable")
    first = np.r_[True, sg[order][1:] != sg[order][:-1]]
    prev_of = np.full(srows.size, -1, dtype=np.int64)
    prev_of[order[1:]] = srows[order[:-1]]
    prev_of[order[first]] = -1
    prev_row = dict(zip(srows.tolist(), prev_of.tolist()))
    active, migrator, childmask = buf["active"], buf["migrator"], buf["childmask"]
    lvl, glvl = buf.get("lvl"), buf.get("group_lvl")       # (absent: no stalled-walk search)
    child_col = buf["child"] if "child" in buf else None
    nxt_col = buf["nextevt"] if "nextevt" in buf else None
    evtcpu = buf["child_evtcpu"] if "child_evtcpu" in buf else None
    key: np.ndarray | None = None
    for u in cand.tolist():
        g = int(grp[u])
        ch = int(child_col[u]) if child_col is not None else 0
        ch = ch if ch > UNKNOWN_PTR and CHILD_READS else -1
        read = int(ga[u])
        target = -1
        t_min = int(ts[u]) - READ_WINDOW_NS
        # (the read lies anywhere after the CPU's previous row when that row is the same walk's
        # step right before it: a vCPU stalled between them stamps the update late)
        stalled = (ch >= 0 and _child_activated(is_state, grp, active, prev_row, last_state, ch, int(prv[u]), u)) \
            or (lvl is not None and glvl is not None and _walk_step_before(code, lvl, glvl, int(prv[u]), int(glvl[u])))
        walker = -1                         # the CPU whose walk activated the child after the read
        seen_first = nxt_col is not None and 0 <= int(nxt_col[u]) < KTIME_MAX_I
        for k in range(u - 1, max(int(prv[u]), u - READ_BACK_ROWS), -1):
            if ts[k] < t_min and not stalled:
                break
            if walker >= 0 and int(cpu[k]) == walker:
                if code[k] == E_SET_ACTIVE and seen_first:
                    # that walk's steps below the child came before its step on the child, and
                    # each stores its group event's ignore flag after its tracepoint: an update
                    # whose lookup of the child's first event found that group's event not
                    # ignored came before them (one that found none may have come after them).
                    # (Not its tmigr_cpu_active: the CPU's own ignore flag is stored before its
                    # first step, where the read may lie on either side.)
                    if _found_below(is_state, cpu, grp, evtcpu, u, k):
                        target = k
                        continue
                    # (the event it found is another group's: the one of the group this step
                    # activated, queued before it, was ignored then: the read came after)
                    break
                walker = -2
            if not is_state[k]:
                continue
            if int(grp[k]) == ch and ts[k] != ts[u]:   # (a stamp's rows: the window search's order)
                p = prev_row[k]
                prior = (int(active[p]), int(migrator[p])) if p >= 0 else last_state.get(ch)
                if prior is not None and prior[0] == 0 and int(active[k]) != 0:
                    target = k              # the child, read idle, activated after the read
                    if walker == -1:
                        walker = int(cpu[k])
                    continue
                if prior is None or int(active[k]) != 0:
                    break
                continue
            if int(grp[k]) != g:
                continue
            after = int(active[k])
            p = prev_row[k]
            prior = (int(active[p]), int(migrator[p])) if p >= 0 else last_state.get(g)
            # the step must follow from the state before it (a chain stored out of order is
            # tie_order's or the engine's to place), and the read be that state, not the step's
            if read == after or prior is None:
                break
            if read != prior[0] or \
                    (after, int(migrator[k])) not in state_after(int(code[k]), prior[0], prior[1], int(childmask[k])):
                if stalled and read != after:
                    continue            # (a stalled read may precede several steps: an earlier one)
                break
            target = k
        if target >= 0:
            if key is None:
                key = idx.astype(np.float64)
            key[u] = target - 1 + (u + 1) / (n + 2)     # just before `target`, moved rows in order
    if key is None:
        return None
    return np.argsort(key, kind="stable")


def _found_below(is_state: np.ndarray, cpu: np.ndarray, grp: np.ndarray, evtcpu: np.ndarray | None,
                 u: int, k: int) -> bool:
    """Whether the child event update u found (its CPU printed as ``child_evtcpu``) may be the
    event of the group that state row k steps on: its CPU's own walks pass that group, or the
    buffer does not say which groups they pass."""
    if evtcpu is None or int(evtcpu[u]) < 0:
        return True
    mine = is_state & (cpu == int(evtcpu[u]))
    return not mine.any() or bool((mine & (grp == grp[k])).any())


def _walk_step_before(code: np.ndarray, lvl: np.ndarray, glvl: np.ndarray, p: int, level: int) -> bool:
    """Row p (the updating CPU's previous row) is the step its walk makes right before a level
    `level` tmigr_update_events: that level's deactivation (tmigr_inactive_up() traces its
    cmpxchg, then updates), or the update one level below (a walk going up)."""
    if p < 0:
        return False
    c = int(code[p])
    return (c == E_SET_INACTIVE and int(lvl[p]) == level) or (c == E_UPDATE and int(glvl[p]) == level - 1)


def _child_activated(is_state: np.ndarray, grp: np.ndarray, active: np.ndarray, prev_row: dict,
                     last_state: dict, ch: int, lo: int, u: int) -> bool:
    """Another step between rows lo and u activated group `ch` from idle (the update at u read
    it idle, so that step came after the read however early it is stamped)."""
    for k in range(u - 1, max(lo, u - READ_BACK_ROWS), -1):
        if is_state[k] and int(grp[k]) == ch and int(active[k]) != 0:
            p = prev_row[k]
            prior = (int(active[p]),) if p >= 0 else last_state.get(ch)
            return prior is not None and prior[0] == 0
    return False


def steps_before_reads(buf: dict[str, np.ndarray], stop: int, last_state: dict[int, tuple[int, int]]) -> np.ndarray | None:
    """The mirror of `reads_before_steps`: another CPU's state step on an update's group stamped
    after the update, which the update's traced ``group_active`` (read under the lock before its
    tracepoint) proves came before its read, is placed right before the update. The step is the
    group's next one after the update, by a CPU whose previous row is before the update (so it
    can come first, each CPU keeping its order), within `READ_WINDOW_NS` or anywhere after that
    row when it is the walk's step below (a stalled vCPU); the read is that step's
    new state and not the state before it (the group's previous step, or the one the rows already
    consumed left), and the step follows from that state. None if no row moves (measured: BCC
    stamps come later than ftrace's by a varying delay, and two such rows flip)."""
    code, cpu, grp, ga, ts = buf["code"], buf["cpu"], buf["group"], buf["group_active"], buf["ts"]
    n = len(code)
    stop = min(stop, n)
    is_state = ((code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)) & (grp != UNKNOWN_PTR)
    upd = (code == E_UPDATE) & (ga >= 0) & (grp != UNKNOWN_PTR)
    upd[stop:] = False
    if not is_state.any() or not upd.any():
        return None
    rows = np.flatnonzero(is_state | upd)
    g = grp[rows]
    order = np.argsort(g, kind="stable")     # by group, then stored order
    r_s, g_s, st_s = rows[order], g[order], is_state[rows[order]]
    m = r_s.size
    pos = np.arange(m)
    # each row's previous and next state row of its group (positions in the sorted order)
    last = np.maximum.accumulate(np.where(st_s, pos, -1))
    prev_st = np.r_[-1, last[:-1]]
    prev_st = np.where((prev_st >= 0) & (g_s[np.maximum(prev_st, 0)] == g_s), prev_st, -1)
    nxt_rev = np.minimum.accumulate(np.where(st_s, pos, m)[::-1])[::-1]
    next_st = np.r_[nxt_rev[1:], m]
    next_st = np.where((next_st < m) & (g_s[np.minimum(next_st, m - 1)] == g_s), next_st, -1)
    active, migrator, childmask = buf["active"], buf["migrator"], buf["childmask"]
    ks = np.flatnonzero(~st_s & (next_st >= 0))
    if ks.size == 0:
        return None
    u_rows = r_s[ks]
    k_rows = r_s[next_st[ks]]
    _, prv = same_cpu_links(cpu)
    # A step of a walk whose CPU's previous row is the walk's step below it (a state step or an
    # update) lies anywhere after that row: a vCPU stalled mid-walk (multi-threaded TCG, 2.7 ms
    # measured) stamps it late however early its cmpxchg was.
    if "lvl" in buf and "group_lvl" in buf:
        pk = np.maximum(prv[k_rows], 0)
        pcode = np.where(prv[k_rows] >= 0, code[pk], -1)
        kcode = code[k_rows]
        plvl = np.where(pcode == E_UPDATE, buf["group_lvl"][pk], buf["lvl"][pk])
        same_walk = (kcode == E_SET_ACTIVE) & (pcode == E_SET_ACTIVE) | \
            (kcode == E_SET_INACTIVE) & ((pcode == E_UPDATE) | (pcode == E_SET_INACTIVE))
        mid_walk = same_walk & (buf["lvl"][k_rows] > 0) & (plvl == buf["lvl"][k_rows] - 1)
    else:
        mid_walk = np.zeros(k_rows.size, dtype=bool)
    sel = (active[k_rows] == ga[u_rows]) & (cpu[k_rows] != cpu[u_rows]) & \
        ((ts[k_rows] - ts[u_rows] <= READ_WINDOW_NS) | mid_walk)
    if not sel.any():
        return None
    key: np.ndarray | None = None
    for p, u, k in zip(ks[sel].tolist(), u_rows[sel].tolist(), k_rows[sel].tolist()):
        if prv[k] >= u or k >= stop:
            continue
        q = int(prev_st[p])
        prior = (int(active[r_s[q]]), int(migrator[r_s[q]])) if q >= 0 else last_state.get(int(grp[u]))
        if prior is None or int(ga[u]) == prior[0] or \
                (int(active[k]), int(migrator[k])) not in state_after(int(code[k]), prior[0], prior[1], int(childmask[k])):
            continue
        if key is None:
            key = np.arange(n, dtype=np.float64)
        key[k] = min(key[k], u - 0.5)       # before the first update that read its state
    if key is None:
        return None
    return np.argsort(key, kind="stable")
