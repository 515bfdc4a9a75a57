"""The trace clock against the kernel's time base of timer expiries (CLOCK_MONOTONIC).

Every expiry in tmigr events is a CLOCK_MONOTONIC time on the jiffies grid, and the `now` of
remote handling is ``last_jiffies_update`` (``tmigr_handle_remote()``, ``get_jiffies_update()``).
A trace recorded with ``trace_clock=mono`` (our collectors, the lab) shares that base. The default
clock of a tracefs instance is ``local`` (sched_clock), which a plain ``cat trace`` from another box
uses: it runs at the same rate but from another origin, 50-60 ms apart on the Debian guests
measured, in either direction (a guest's sched_clock can also run ahead of CLOCK_MONOTONIC by the
seconds its boot took). Nothing in text output says which clock was used.

The offset is proven by the trace itself: a CPU's timers are expired remotely
(``tmigr_handle_remote_cpu``) only for an event that was due, ``expires <= now <= mono(ts)``, and
that event's expiry is the CPU's own ``nextevt`` of its last ``tmigr_cpu_idle`` /
``tmigr_cpu_new_timer_idle``. So ``mono(ts) - ts >= nextevt - ts`` for every such row; the
smallest offset that satisfies all of them is the one taken (when the clock is not known to be
mono): every remote expiry is then due, and `now` is never later than the kernel's can have been,
so no decision is called wrong for want of a clock. On a ``mono`` trace every bound is <= 0 (the
offset is 0, and a positive bound is a contradiction worth reporting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tmigr_trace.schema import KTIME_MAX

_EVENTS = ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle", "tmigr_cpu_active", "tmigr_handle_remote_cpu")
MONO_CLOCKS = ("mono", "mono_raw", "boot")   # same origin as CLOCK_MONOTONIC at boot
# Trace clocks whose stamps order events of different CPUs (trace_clock.c: `local` is per-CPU
# sched_clock and may drift between CPUs; `global` and the clocksource-based ones do not).
COHERENT_CLOCKS = MONO_CLOCKS + ("global", "tai", "x86-tsc")


@dataclass
class ClockOffset:
    """``offset_ns``: add to a trace timestamp to get CLOCK_MONOTONIC; how it was decided."""

    offset_ns: int
    bound_ns: int | None        # the largest proven lower bound (None: no remote expiry seen)
    proofs: int                 # remote expiries that gave a bound
    source: str
    next_bound_ns: int | None = None   # the second largest: far below the largest, one row set it

    def summary(self) -> dict[str, Any]:
        return {"offset_ns": self.offset_ns, "proven_lower_bound_ns": self.bound_ns,
                "second_bound_ns": self.next_bound_ns,
                "remote_expiries_used": self.proofs, "from": self.source}


def proven_lower_bound(batches: Any, max_rows: int = 4_000_000,
                       pairs: list[tuple[np.ndarray, np.ndarray]] | None = None) -> tuple[list[int], int]:
    """(the two largest of ``nextevt - ts`` over remote expiries, how many) from streamed
    batches, one batch in memory at a time (each CPU's own event is carried between batches).
    ``pairs``, if given, gets each batch's (stamps, expiries) of those remote expiries."""
    carry: dict[int, float] = {}        # CPU -> its own event's expiry at the end of the last batch
    top: list[int] = []
    n = 0
    seen = 0
    for batch in batches:
        ev = batch.column("event")
        if pa.types.is_dictionary(ev.type):
            ev = ev.cast(pa.string())
        keep = pc.is_in(ev, value_set=pa.array(list(_EVENTS)))
        t = pa.table({"ts": batch.column("ts"), "event": ev, "target_cpu": batch.column("target_cpu"),
                      "nextevt": batch.column("nextevt")}).filter(keep)
        seen += batch.num_rows
        if t.num_rows:
            df = t.to_pandas()
            if carry:
                head = pd.DataFrame({"ts": 0, "event": "carry", "target_cpu": list(carry),
                                     "nextevt": list(carry.values())})
                df = pd.concat([head, df], ignore_index=True)
            # The CPU's own event: the nextevt of its last idle entry / new timer while idle; an
            # activation makes it ignored (no remote expiry of that CPU until it is idle again).
            own = df["nextevt"].where(df["event"].isin(_EVENTS[:2] + ("carry",)))
            own = own.where(df["event"] != "tmigr_cpu_active", KTIME_MAX)
            df["own"] = own.groupby(df["target_cpu"]).ffill()
            hit = df[(df["event"] == "tmigr_handle_remote_cpu") & df["own"].notna() & (df["own"] < KTIME_MAX)]
            if not hit.empty:
                if pairs is not None:
                    pairs.append((hit["ts"].astype(np.int64).to_numpy(), hit["own"].astype(np.int64).to_numpy()))
                d = hit["own"].astype(np.int64).to_numpy() - hit["ts"].astype(np.int64).to_numpy()
                top = sorted(top + [int(x) for x in np.sort(d)[-2:]], reverse=True)[:2]
                n += int(d.size)
            last = df.dropna(subset=["own"]).groupby("target_cpu")["own"].last()
            carry = {int(c): float(v) for c, v in last.items()}
        if seen >= max_rows:
            break
    return top, n


def clock_offset(batches: Any, clock: str | None) -> tuple[ClockOffset, str | None]:
    """The offset to apply, and a contradiction to report (a mono trace that needs one)."""
    top, n = proven_lower_bound(batches)
    bound = top[0] if top else None
    second = top[1] if len(top) > 1 else None
    off, conflict = _decide(bound, n, clock)
    off.next_bound_ns = second
    return off, conflict


def _decide(bound: int | None, n: int, clock: str | None) -> tuple[ClockOffset, str | None]:
    if clock in MONO_CLOCKS:
        if bound is not None and bound > 0:
            return (ClockOffset(0, bound, n, f"trace clock {clock}"),
                    f"the trace clock is {clock}, but {n} remote expiries need the timestamps "
                    f"{bound / 1e6:.3f} ms later to have been due")
        return ClockOffset(0, bound, n, f"trace clock {clock}"), None
    if bound is None:
        return ClockOffset(0, bound, n, "no remote expiry proves an offset"), None
    return ClockOffset(bound, bound, n, f"trace clock {clock or 'not recorded'}: smallest offset that "
                       "makes every remote expiry due"), None


def count_scale(batches: Any) -> tuple[float | None, int]:
    """Nanoseconds per count of a trace whose stamps are raw counts (a clock that is not in
    nanoseconds, printed without a decimal point: `x86-tsc` cycles, `uptime` jiffies, `counter`),
    and how many remote expiries prove it. A remote expiry is handled soon after the expiry it
    was due for (``expiry <= mono(stamp)``, a tick or so later), so the points (stamp, expiry)
    lie close above a line ``mono = a * stamp + b``; ``a`` is the median slope between each point
    of the earlier half and its partner in the later half (Theil-Sen style: an expiry misread
    from an untraced requeue is an outlier, not the line). None: too few distinct stamps."""
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    proven_lower_bound(batches, pairs=pairs)
    if not pairs:
        return None, 0
    s = np.concatenate([p[0] for p in pairs]).astype(np.float64)
    e = np.concatenate([p[1] for p in pairs]).astype(np.float64)
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    h = s.size // 2
    ds = s[h:2 * h] - s[:h]
    ok = ds > 0
    if not ok.any():
        return None, int(s.size)
    a = float(np.median((e[h:2 * h] - e[:h])[ok] / ds[ok]))
    return (a if a > 0 else None), int(s.size)
