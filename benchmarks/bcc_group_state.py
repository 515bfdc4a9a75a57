"""What ``--group-state`` costs in the BPF handlers: ns per run of each tracepoint's handler, BCC
captures without and with the state-word read, back to back on the same workload.

    sudo python3 benchmarks/bcc_group_state.py [-d 5] [--pairs 2] [--rounds 2] [--workload sleepers|pingpong]

The kernel counts the time of each BPF program (``kernel.bpf_stats_enabled``, set to 1 for the runs
and put back afterwards; the capture stores it in ``extra.capture.bpf_prog_stats.by_tracepoint``).
Workload: ``SLEEPERS`` (tests/capture_helpers.py's ``WORKLOAD``: threads pinned to every CPU sleeping 0.5-13 ms with short busy loops:
idle entries and exits, so group-state updates, when other jobs leave the CPUs idle time) or
``--workload pingpong`` (``PINGPONG`` of benchmarks/capture_loss.py). Printed per run and tracepoint: handler runs and ns/run; the
events with a group pointer are the ones ``--group-state`` adds a ``bpf_probe_read_kernel`` to.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("capture_loss", HERE / "capture_loss.py")
capture_loss = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture_loss)
_spec = importlib.util.spec_from_file_location("capture_helpers", HERE.parent / "tests" / "capture_helpers.py")
capture_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture_helpers)
SLEEPERS = capture_helpers.WORKLOAD  # the tests' sleepers; argv: seconds, threads
STATS = Path("/proc/sys/kernel/bpf_stats_enabled")
GROUP_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive", "tmigr_update_events",
                "tmigr_handle_remote")


def run(out: Path, group_state: bool, seconds: float, count: int, workload: str) -> dict:
    """One BCC capture of `workload` (argv: seconds, `count`); events, losses, handler stats."""
    cmd = [sys.executable, "-m", "tmigr_trace", "capture", "-q", "-f", "--backend", "bcc", "-o", str(out),
           *(["--group-state"] if group_state else []), "--", sys.executable, "-c", workload,
           str(seconds), str(count)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"capture failed: {r.stderr.strip()}")
    import tmigr_trace

    t = tmigr_trace.load(out)
    return {"events": t.num_events, "lost": t.meta.lost_total,
            "by_tp": t.meta.extra["capture"]["bpf_prog_stats"].get("by_tracepoint", {})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-d", "--duration", type=float, default=5.0)
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workload", choices=("sleepers", "pingpong"), default="sleepers")
    a = ap.parse_args()
    # SLEEPERS takes a thread count (two per pair), PINGPONG a pair count
    src, count = (SLEEPERS, 2 * a.pairs) if a.workload == "sleepers" else (capture_loss.PINGPONG, a.pairs)
    old = STATS.read_text().strip() if STATS.exists() else None
    totals: dict[bool, dict[str, list[int]]] = {False: {}, True: {}}
    with tempfile.TemporaryDirectory() as d:
        try:
            if old is not None:
                STATS.write_text("1")
            for r in range(a.rounds):
                for gs in (False, True):
                    m = run(Path(d) / f"{int(gs)}-{r}.parquet", gs, a.duration, count, src)
                    label = "--group-state" if gs else "plain        "
                    parts = []
                    for name in GROUP_EVENTS:
                        n, ns = m["by_tp"].get(name, [0, 0])
                        acc = totals[gs].setdefault(name, [0, 0])
                        acc[0] += n
                        acc[1] += ns
                        parts.append(f"{name.removeprefix('tmigr_')} {n:,} x {ns / n if n else float('nan'):.0f} ns")
                    print(f"round {r + 1} {label}: {m['events']:,} events, lost {m['lost']}; " + "; ".join(parts),
                          flush=True)
        finally:
            if old is not None:
                STATS.write_text(old)
    print("\nns per handler run, all rounds (plain -> --group-state):")
    for name in GROUP_EVENTS:
        p, g = totals[False].get(name, [0, 0]), totals[True].get(name, [0, 0])
        fp = p[1] / p[0] if p[0] else float("nan")
        fg = g[1] / g[0] if g[0] else float("nan")
        print(f"  {name:30s} {fp:6.0f} -> {fg:6.0f} ns  (+{fg - fp:.0f} ns; runs {p[0]:,} / {g[0]:,})")


if __name__ == "__main__":
    main()
