"""CPUs whose rows stop while the CPU goes on acting: a per-CPU buffer that filled (`nooverwrite`:
the ring buffer drops new events, and the header's entries-written does not count them) or was
read before the others.

A CPU's own rows are the only trace of its walks, but its bit in its level-0 group's state is
printed by every other CPU's step there (tmigr_active_up(), tmigr_inactive_up() print the whole
state word). After a CPU's last row its bit can only stay as that row left it, unless the CPU
acted: a print that shows it otherwise, or two prints that differ in it, prove steps of that CPU
the trace does not hold, so its stream was cut at its last row (the engine then treats it as a
silent CPU from there, `Engine._stream_ended`).
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pyarrow as pa

from .engine import E_SET_ACTIVE, E_SET_INACTIVE, EVENT_CODE

ACTED_COLUMNS = ("cpu", "event", "lvl", "group", "active")
# The events after which a CPU is active (its walk up set its bit) or idle (cleared).
_ACTIVE_AFTER = {EVENT_CODE[n] for n in ("tmigr_cpu_active", "tmigr_group_set_cpu_active", "tmigr_cpu_online")}
_IDLE_AFTER = {EVENT_CODE[n] for n in ("tmigr_cpu_idle", "tmigr_group_set_cpu_inactive", "tmigr_cpu_offline")}


def acted_after(batches: Iterable[pa.RecordBatch], tree: Any, last_rows: dict[int, int]) -> dict[int, int]:
    """Of the CPUs in `last_rows` (CPU -> its last row), those whose bit the level-0 prints after
    that row show changed: CPU -> its last row. Needs group pointers (`tree.cpu_group`) and the
    CPU's mask (`tree.cpu_mask`)."""
    from .api import _columns_code        # (api imports this module)
    watch: dict[int, list[tuple[int, int]]] = {}   # group pointer -> [(cpu, mask)]
    for c in last_rows:
        g, m = tree.cpu_group.get(c), tree.cpu_mask.get(c)
        if g and m:
            watch.setdefault(g, []).append((c, m))
    state: dict[int, bool | None] = {c: None for c in last_rows}   # its bit at its last row
    seen: dict[int, bool | None] = {c: None for c in last_rows}    # its bit in the first print after
    out: dict[int, int] = {}
    if not watch:
        return out
    gptrs = np.array(sorted(watch), dtype=np.uint64)
    base = 0
    for b in batches:
        n = b.num_rows
        code = _columns_code(b.column("event"))
        cpu = b.column("cpu").to_numpy(zero_copy_only=False)
        rows = np.arange(base, base + n)
        # the CPU's own state at its last row: its last activation or deactivation event
        for c, lr in last_rows.items():
            if base <= lr < base + n:
                own = np.flatnonzero((cpu == c) & (rows <= lr))
                for k in own[::-1].tolist():
                    if int(code[k]) in _ACTIVE_AFTER:
                        state[c] = True
                        break
                    if int(code[k]) in _IDLE_AFTER:
                        state[c] = False
                        break
        grp = b.column("group").fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint64)
        lvl = b.column("lvl").fill_null(-1).to_numpy(zero_copy_only=False)
        sel = np.flatnonzero(((code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)) & (lvl == 0) & np.isin(grp, gptrs))
        if sel.size:
            act = b.column("active").fill_null(0).to_numpy(zero_copy_only=False)
            for k in sel.tolist():
                r = base + k
                for c, m in watch[int(grp[k])]:
                    if c in out or r <= last_rows[c] or int(cpu[k]) == c:
                        continue
                    bit = bool(int(act[k]) & m)
                    if seen[c] is None:
                        seen[c] = bit
                        if state[c] is not None and bit != state[c]:
                            out[c] = last_rows[c]
                    elif bit != seen[c]:
                        out[c] = last_rows[c]
        base += n
    return out
