"""Helpers for the live capture tests: top-level tracing state, workload, and row comparison."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TRACEFS = Path("/sys/kernel/tracing")
# Sleepers pinned round-robin to the CPUs (argv: seconds [threads, default 4]), sleeping 0.5-13 ms
# with short busy loops: idle entries and exits on every CPU (also benchmarks/bcc_group_state.py).
WORKLOAD = """
import sys, threading, time, random, os
end = time.monotonic() + float(sys.argv[1])
def sleeper(seed, cpu):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    r = random.Random(seed)
    while time.monotonic() < end:
        time.sleep(r.choice((0.0005, 0.002, 0.005, 0.013)))
        sum(range(r.randint(100, 3000)))
ts = [threading.Thread(target=sleeper, args=(s, s % os.cpu_count())) for s in range(int((sys.argv[2:] or [4])[0]))]
[t.start() for t in ts]; [t.join() for t in ts]
"""

# Idle CPUs with global timer-wheel timers pending while another CPU is busy. Per CPU X:
# * `arm`: a thread on X re-arms TCP keepalive timers (setsockopt TCP_KEEPIDLE -> sk_reset_timer
#   -> mod_timer: timer wheel, not pinned) of 16 sockets in a 1.28 s cycle, sleeping in between:
#   X goes idle with global timers queued (tmigr_cpu_idle with nextevt, tmigr_update_events).
#   Each timer expires 1 s after it was armed, i.e. while X idles: the busy CPU's migrator
#   expires it (tmigr_handle_remote, tmigr_handle_remote_cpu); the callback re-arms it
#   (KEEPINTVL 1 s) on X's wheel.
# * `steal`: a thread on the other CPU re-arms the socket X arms next (X's earliest timer):
#   mod_timer moves it to the other CPU's wheel under the idle X.
# * `deferred`: connections to a TCP_DEFER_ACCEPT listener, made from X: each request socket
#   keeps a *pinned* SYN-ACK timer (1 s, 2 s, 4 s ...) on X. When such a local timer comes
#   first, X goes idle with its global timers hidden (nextevt KTIME_MAX); when it fires in idle
#   (waking nothing), X finds its first global timer and propagates it: tmigr_cpu_new_timer, its
#   tmigr_update_events walk, tmigr_cpu_new_timer_idle (the latter after every interrupt in idle).
# (nanosleep/epoll/select timeouts are hrtimers and would put nothing on the timer wheel.)
TIMER_WORKLOAD = """
import os, socket, sys, threading, time
end = time.monotonic() + float(sys.argv[1]); n = os.cpu_count(); state = {}
def pin(cpu):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
def pairs(k):
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(k); out = []
    for _ in range(k):
        c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1); out.append((c, s))
    ls.close(); return out
def arm(cpu, socks, period):
    pin(cpu); i = 0
    while time.monotonic() < end:
        socks[i % len(socks)][0].setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        state[cpu] = i; i += 1; time.sleep(period)
def steal(cpu, victim, socks, period):
    pin(cpu)
    while time.monotonic() < end:
        time.sleep(period); i = state.get(victim)
        if i is not None:
            socks[(i + 1) % len(socks)][0].setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
def deferred(cpu, period):
    pin(cpu); ls = socket.socket(); ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 60)
    ls.bind(("127.0.0.1", 0)); ls.listen(1024); keep = []
    while time.monotonic() < end:
        keep.append(socket.create_connection(ls.getsockname())); time.sleep(period)
ts = []
for cpu in range(n):
    socks = pairs(16)
    ts += [threading.Thread(target=arm, args=(cpu, socks, 0.08)),
           threading.Thread(target=steal, args=((cpu + 1) % n, cpu, socks, 0.08)),
           threading.Thread(target=deferred, args=(cpu, 0.1))]
[t.start() for t in ts]; [t.join() for t in ts]
"""

# timer_start flags (include/linux/timer.h)
TIMER_CPUMASK, TIMER_DEFERRABLE, TIMER_PINNED = 0x0003FFFF, 0x00080000, 0x00100000


def kallsyms(*names: str) -> dict[str, int]:
    out = {}
    for line in Path("/proc/kallsyms").read_text().splitlines():
        addr, _, name = line.split()[:3]
        if name in names and int(addr, 16):
            out[name] = int(addr, 16)
    return out


def live_ok() -> bool:
    import os

    return os.geteuid() == 0 and (TRACEFS / "instances").is_dir() and (TRACEFS / "events/timer_migration").is_dir()


class Leftovers(frozenset):
    """Leftover capture instances (their process is gone) at one moment. Two snapshots are equal
    when the later one holds no instance the earlier one did not: every tmigr-trace command
    removes the leftovers of killed runs, so another user's leftover may vanish in between."""

    _clock = 0

    def __new__(cls, names=()):
        obj = super().__new__(cls, names)
        Leftovers._clock += 1
        obj.taken = Leftovers._clock
        return obj

    def __eq__(self, other) -> bool:
        if not isinstance(other, Leftovers):
            return NotImplemented
        earlier, later = (self, other) if self.taken <= other.taken else (other, self)
        return frozenset(later) <= frozenset(earlier)

    __hash__ = frozenset.__hash__


def wait_until_recording(proc, timeout: float = 120) -> None:
    """Until the `tmigr-trace capture` process ``proc`` has its tracefs instance recording (its
    Python start-up takes seconds on a loaded box); fails with its stderr if it exits first."""
    import time

    on = TRACEFS / f"instances/tmigr-trace-{proc.pid}/tracing_on"
    end = time.monotonic() + timeout
    while True:
        try:
            if on.read_text().strip() == "1":
                return
        except OSError:
            pass
        assert proc.poll() is None, f"the capture exited before recording: {proc.communicate()[1]}"
        assert time.monotonic() < end, f"the capture did not record within {timeout} s"
        time.sleep(0.05)


def tracing_state() -> dict[str, str]:
    """The top-level tracing state a capture must leave byte-identical."""
    out = {}
    for f in ("set_event", "tracing_on", "current_tracer", "buffer_size_kb", "trace_options", "trace_clock",
              "tracing_cpumask", "buffer_percent", "options/hash-ptr", "options/overwrite"):
        p = TRACEFS / f
        if p.exists():
            out[f] = p.read_text()
    # leftover capture instances (their process is gone); other instances of this shared box
    # (other users' captures, running right now) come and go and are not ours to compare
    from tmigr_trace.cleanup import stale_instances

    out["instances"] = Leftovers(p.name for p in stale_instances(TRACEFS))
    enabled = []
    for p in sorted((TRACEFS / "events").glob("*/enable")):
        enabled.append(f"{p.parent.name}={p.read_text().strip()}")
    out["events/*/enable"] = hashlib.sha1(" ".join(enabled).encode()).hexdigest()
    return out


def per_cpu(table: pa.Table, cpu: int) -> pa.Table:
    return table.filter(pc.equal(table["cpu"], cpu))


def plain(col: pa.ChunkedArray) -> list:
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    return col.to_pylist()


def diff_columns(a: pa.Table, b: pa.Table, skip=("ts", "seq", "tgid")) -> dict[str, int]:
    """Columns whose values differ between two equally long tables -> number of differing rows."""
    bad = {}
    for c in a.column_names:
        if c in skip:
            continue
        x, y = plain(a[c]), plain(b[c])
        n = sum(1 for u, v in zip(x, y) if u != v)
        if n:
            bad[c] = n
    return bad


def usecs(ts: np.ndarray) -> np.ndarray:
    """The kernel prints ns2usecs(ts): rounded to the nearest microsecond."""
    return (ts + 500) // 1000


def check_bcc_seq_accounting(t) -> None:
    """A BCC capture's per-CPU ``seq``: every number from 0 up is a row, a dropped event (buffer
    full: counted, ``lost_events``) or a kept blind interval (no BPF program ran while a task was
    current and the witness could not show it had no event there: docs/bcc.md, "Tasks BPF cannot
    see"); the listed kept intervals hold exactly their seq numbers, the closed ones none, and the
    unlisted ones (their record found the buffer full) are counted and kept."""
    cap = t.meta.extra["capture"]
    blind = cap["blind"]
    assert blind["checked"], blind
    kept: dict[int, list[int]] = {}
    closed: dict[int, int] = {}
    for cpu, start, end, pid, comm, seq, seen in blind["intervals"]:
        assert start <= end and pid != 0, (cpu, start, end, pid, comm)
        if seq is None:
            assert not seen  # closed only where the witness saw no event of the task
            closed[int(cpu)] = closed.get(int(cpu), 0) + 1
        else:
            kept.setdefault(int(cpu), []).append(int(seq))
    for cpu, st in cap["per_cpu"].items():
        seq = np.sort(t.df.seq[t.df.cpu == int(cpu)].to_numpy())
        total = st["events"] + st["blind_gaps"]
        assert len(seq) == st["events"] - st["dropped"]
        assert len(np.unique(seq)) == len(seq) and (seq.size == 0 or (seq[0] >= 0 and seq[-1] < total))
        assert st["dropped"] == t.meta.lost_events.get(cpu, 0)
        mine = kept.get(int(cpu), [])
        assert not set(mine) & set(seq.tolist()) and all(0 <= s < total for s in mine)  # no row's number
        pc = blind["per_cpu"].get(cpu, {"intervals": 0, "unrecorded": 0, "closed": 0})
        assert pc["intervals"] == st["blind_intervals"] == len(mine) + closed.get(int(cpu), 0) + pc["unrecorded"]
        assert st["blind_gaps"] == len(mine) + pc["unrecorded"] and pc["closed"] == closed.get(int(cpu), 0)
        assert total - len(seq) == st["dropped"] + st["blind_gaps"]
