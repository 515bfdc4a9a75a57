"""Lines missing from a CPU's stream, found from the kernel's program order alone.

A text trace has no per-CPU sequence numbers, and text that went through a serial console, a mail
or a log collector loses lines without saying so. Some tracepoints, though, always come in a fixed
order on one CPU (the idle-path walks run with interrupts off), so a stream that breaks that order
lost lines. A rule looks at rows only as far back or ahead as the buffer in hand reaches (512 rows
of lookahead): beyond that it says nothing, it never guesses.
The rules (kernel/time/timer_migration.c, the same in every version from v6.9 to 7.x):

* ``tmigr_cpu_active`` is traced in ``__tmigr_cpu_activate()``, which then walks
  ``tmigr_active_up()`` from the CPU's level-0 group, and that traces
  ``tmigr_group_set_cpu_active`` after its cmpxchg unconditionally: the CPU's next event is the
  level-0 ``tmigr_group_set_cpu_active``.
* ``tmigr_cpu_idle`` is traced at the end of ``tmigr_cpu_deactivate()``, after
  ``__tmigr_cpu_deactivate()`` walked ``tmigr_inactive_up()`` from level 0, which traces
  ``tmigr_group_set_cpu_inactive`` after each cmpxchg (and ``tmigr_update_events`` per level): the
  events right before it on that CPU include the level-0 ``tmigr_group_set_cpu_inactive``.
* An activation walk reaches level L > 0 only from level L-1 (``walk_groups()``): a level-L
  ``tmigr_group_set_cpu_active`` follows the level L-1 one of the same walk, or a setup event (the
  old root activated into a new root by ``tmigr_setup_groups()``).

The row after which such a line must be missing is flagged. Where the per-CPU sequence numbers
mark every loss (a binary ring-buffer source: its pages flag and count the events they missed, so a
loss leaves a gap in ``seq``) and show none there, or the text proves itself whole (a `trace` file
whose header's entries-in-buffer/entries-written equal its number of event lines:
`tmigr_trace.metadata.text_is_whole`), the line was not lost: the kernel did not trace it, and the
engine reports a divergence (`walk_levels`) before resyncing, unless the line's event type was not
being recorded yet (before its first row in the trace: enabling a system's events registers them
one after another) or any more (after its last). Otherwise (text that may lose lines
unannounced) the engine treats it like a sequence gap of a binary capture right after
that row: that CPU's operation in flight is closed and its
state (and its path's) is unknown from there until the trace shows it again, so other CPUs'
checks that read it in the meantime are not decided on a guess. These rules read no model state, so they cannot hide a
wrong decision: every decision the kernel makes in these walks is still traced by the events that
are there.
"""

from __future__ import annotations

import numpy as np

from .engine import E_CONN_CHILD, E_CONN_CPU, E_CPU_ACTIVE, E_CPU_IDLE, E_GROUP_SET, E_HR, E_HR_CPU, \
    E_SET_ACTIVE, E_SET_INACTIVE, E_UPDATE, GAP_AFTER as AFTER, GAP_BEFORE as BEFORE

MAX_WALK_ROWS = 16   # rows of one deactivation walk: 2 per level, at most 8 levels


def missing_lines(code: np.ndarray, lvl: np.ndarray, nxt: np.ndarray, prv: np.ndarray) -> np.ndarray:
    """For each row, `BEFORE` / `AFTER` bits: lines of its CPU must be missing right before /
    after it (see module doc). `nxt`/`prv`: the next / previous row of the same CPU in this buffer
    (len / -1 if none); a rule whose rows reach past the buffer says nothing. An activation's
    missing line is flagged after the row it follows (other CPUs' checks until the CPU shows
    again read a state it changed unseen); a deactivation's before the first row that shows it
    (its own rows re-anchor the CPU)."""
    n = code.size
    gap = np.zeros(n, dtype=np.int8)
    if n == 0:
        return gap
    # tmigr_cpu_active: the next row of that CPU is the level-0 tmigr_group_set_cpu_active.
    act = np.flatnonzero(code == E_CPU_ACTIVE)
    k = nxt[act]
    inside = k < n
    act, k = act[inside], k[inside]
    gap[act[~((code[k] == E_SET_ACTIVE) & (lvl[k] == 0))]] |= AFTER
    # An activation walk's level L > 0 follows its level L-1 (or setup). Setup runs in task
    # context with interrupts on between tmigr_connect_child_parent() and the old root's
    # tmigr_active_up(): a softirq's remote-handling rows may come between, and are skipped.
    up = np.flatnonzero((code == E_SET_ACTIVE) & (lvl > 0))
    p = prv[up]
    for _ in range(MAX_WALK_ROWS):
        pc = np.where(p >= 0, p, 0)
        soft = (p >= 0) & np.isin(code[pc], (E_HR, E_HR_CPU, E_UPDATE))
        if not soft.any():
            break
        p = np.where(soft, prv[pc], p)
    has = p >= 0
    up, p = up[has], p[has]
    ok = ((code[p] == E_SET_ACTIVE) & (lvl[p] == lvl[up] - 1)) | np.isin(
        code[p], (E_GROUP_SET, E_CONN_CHILD, E_CONN_CPU))
    gap[p[~ok]] |= AFTER
    # tmigr_cpu_idle: the run of tmigr_group_set_cpu_inactive / tmigr_update_events right before
    # it holds the level-0 tmigr_group_set_cpu_inactive; else lines are missing before that run.
    idle = np.flatnonzero(code == E_CPU_IDLE)
    first = idle.copy()
    in_walk = (code == E_SET_INACTIVE) | (code == E_UPDATE)
    found = np.zeros(idle.size, dtype=bool)
    walking = np.ones(idle.size, dtype=bool)
    p = prv[idle]
    for _ in range(MAX_WALK_ROWS):
        walking &= p >= 0               # the buffer starts inside the walk: undecided
        pc = np.where(walking, p, 0)
        run = walking & in_walk[pc]
        found |= run & (code[pc] == E_SET_INACTIVE) & (lvl[pc] == 0)
        first = np.where(run, pc, first)
        ended = walking & ~run          # a row of another kind: the walk is complete
        gap[first[ended & ~found]] |= BEFORE
        walking = run & ~found
        p = np.where(walking, prv[pc], -1)
        if not walking.any():
            break
    return gap
