"""Rows in stamp order where the text printed some out of it (a ``trace_pipe`` reader's text).

Each CPU's ring buffer holds its events in the order its tracepoints ran, each stamped when it
reserves its slot (kernel/trace/ring_buffer.c, ``rb_reserve_next_event()``); the ``trace`` file,
``trace-cmd report`` and ``ftrace_dump()`` merge the CPUs' buffers by those stamps. A ``trace_pipe``
reader merges only what is committed when it reads: an event one CPU stamped earlier but had not
committed yet (a vCPU preempted inside the tracepoint) prints after another CPU's later one. In
stamp order the rows are what the ``trace`` file would have printed. Pure: no I/O, no model state.
"""

from __future__ import annotations

import numpy as np


def stamp_permutation(ts: np.ndarray, cpu: np.ndarray) -> tuple[np.ndarray, int] | None:
    """The stable stamp order of a buffer whose rows are not in it, and how many rows print after
    a later stamp; None when they are in order, or when a CPU's own stamps go back (its clock is
    not monotonic: stamps then do not order its rows, its program order stays as printed)."""
    if ts.size < 2:
        return None
    behind = ts < np.maximum.accumulate(ts)
    late = int(np.count_nonzero(behind))
    if not late:
        return None
    by_cpu = np.argsort(cpu, kind="stable")
    t, c = ts[by_cpu], cpu[by_cpu]
    if bool(np.any((t[1:] < t[:-1]) & (c[1:] == c[:-1]))):
        return None
    return np.argsort(ts, kind="stable"), late
