"""Benchmark: model transitions per second on a recorded call sequence.

    python benchmarks/model.py [--cpus 64] [--nodes 2] [--calls 200000] [--profile 6.18.y-numa] [--repeat 3]

A call sequence (idle entry/exit, new timers, remote handling) is first recorded from a seeded
random workload on a model, then replayed on a fresh model twice: with records (trace=True, what
the replay engine compares), update records only (trace="updates", the replay engine's mode) and
state only (trace=False). Wall and CPU time (time.process_time: other jobs share the cores). Reports calls/s and "simple
transitions"/s, where a simple transition is one per-level step (one group update: active_up /
inactive_up / update_events / handle_remote_up level).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tmigr_trace.replay.model import KTIME_MAX, Hierarchy, Topology  # noqa: E402

TICK = 4_000_000


def record_calls(topo: Topology, profile: str, n: int, seed: int = 1) -> list[tuple]:
    rnd = random.Random(seed)
    h = Hierarchy(topo, profile, trace=False)
    calls: list[tuple] = []
    now = 1_000 * TICK
    cpus = list(topo.possible)
    for _ in range(n):
        if rnd.random() < 0.02:
            now += TICK
        c = rnd.choice(cpus)
        t = h.cpus[c]
        if t.idle:
            if rnd.random() < 0.7:
                call = ("tmigr_cpu_activate", c)
            else:
                call = ("tmigr_cpu_new_timer", c, now + rnd.randrange(1, 50) * TICK)
        else:
            r = rnd.random()
            if r < 0.6:
                nxt = KTIME_MAX if rnd.random() < 0.3 else now + rnd.randrange(1, 50) * TICK
                call = ("tmigr_cpu_deactivate", c, nxt)
            else:
                call = ("tmigr_handle_remote", c, now)
        getattr(h, call[0])(*call[1:])
        calls.append(call)
    return calls


def count_steps(topo: Topology, profile: str, calls: list[tuple]) -> int:
    """Per-level steps of the call sequence, by wrapping the level callbacks of a model (only the
    pure-Python core allows that: `main` runs it in a TMIGR_TRACE_PURE=1 child)."""
    steps = 0
    counting = Hierarchy(topo, profile, trace=False)
    for name in ("tmigr_active_up", "tmigr_inactive_up", "tmigr_update_events", "tmigr_handle_remote_up"):
        orig = getattr(counting, name)

        def wrap(*a, _o=orig):
            nonlocal steps
            steps += 1
            return _o(*a)
        setattr(counting, name, wrap)
    for call in calls:
        getattr(counting, call[0])(*call[1:])
    return steps


def replay(topo: Topology, profile: str, calls: list[tuple], trace: bool | str,
           repeat: int = 3) -> tuple[float, float]:
    """Best of `repeat` runs (by CPU time) of the call sequence on a fresh model."""
    best = None
    for _ in range(repeat):
        h = Hierarchy(topo, profile, trace=trace)
        fns = {name: getattr(h, name) for name in {c[0] for c in calls}}
        t0, c0 = time.perf_counter(), time.process_time()
        for call in calls:
            fns[call[0]](*call[1:])
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        if best is None or cpu < best[1]:
            best = (dt, cpu)
    return best[0], best[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpus", type=int, default=64)
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--profile", default="6.18.y-numa")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (shared machine)")
    ap.add_argument("--count-steps", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    topo = Topology.simple(a.cpus, nodes=a.nodes)
    calls = record_calls(topo, a.profile, a.calls)
    if a.count_steps:
        print(count_steps(topo, a.profile, calls))
        return
    child = subprocess.run([sys.executable, __file__, "--count-steps", "--cpus", str(a.cpus), "--nodes", str(a.nodes),
                            "--calls", str(a.calls), "--profile", a.profile],
                           env={**os.environ, "TMIGR_TRACE_PURE": "1"}, capture_output=True, text=True, check=True)
    steps = int(child.stdout.split()[-1])
    from tmigr_trace.replay import native_status
    st = native_status()
    print(f"replay core: {'compiled' if st['compiled'] else 'pure Python'} ({st['reason']})")
    for trace in (True, "updates", False):
        dt, cpu = replay(topo, a.profile, calls, trace, a.repeat)
        print(f"{a.cpus} CPUs/{a.nodes} nodes {a.profile} trace={trace}: {len(calls)} calls in {dt:.3f}s "
              f"(CPU {cpu:.3f}s) = {len(calls) / dt:,.0f} calls/s, {steps} per-level transitions = "
              f"{steps / dt:,.0f} transitions/s ({steps / cpu:,.0f}/s CPU time)")
    # Pure decision functions (what a reordering search calls).
    n = 1_000_000
    f = Hierarchy.inactive_up_state
    t0 = time.perf_counter()
    for i in range(n):
        f(0x7, 0x1, 0x1, 0)
    dt = time.perf_counter() - t0
    print(f"inactive_up_state: {n / dt:,.0f} decisions/s")


if __name__ == "__main__":
    main()
