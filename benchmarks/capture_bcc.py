"""BCC against ftrace capture on the same workload: events/s recorded, losses, CPU per event.

    sudo python benchmarks/capture_bcc.py [-d 10] [--workload pingpong|timers] [--pairs 2]
                                          [--buffer-kb 4096] [--rounds 2]

For each round, back to back on the same workload (started beside the collector, not as its
child, once the collector records: on a loaded box the start-up, BCC's compile included, can take
seconds; stopped with SIGINT when the workload is done): ``tmigr-trace capture`` (ftrace, binary pages) and
``tmigr-trace capture --backend bcc`` (ring buffer). Printed per run: events recorded and per
second, lost events (``meta.lost_events``; BCC also its recursion misses), the collector's CPU
time (user + system) and per event. A collector has a fixed cost (Python start-up; BCC also the
clang compile of its programs, about 1 s of CPU), measured once per backend by a 0.5 s capture
with no workload and subtracted, so "marginal us/event" is the cost that grows with the rate.
For BCC the time spent in the BPF handlers themselves (in the traced task, not in the collector)
is measured too, by the kernel (``kernel.bpf_stats_enabled`` is set to 1 for the BCC runs and put
back afterwards): "in-kernel ns/event". ftrace's in-kernel cost per event has no such counter.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("capture_loss", HERE / "capture_loss.py")
capture_loss = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture_loss)
STATS = Path("/proc/sys/kernel/bpf_stats_enabled")


def collector(backend: str, out: Path, seconds: float, kb: int, ctx: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "tmigr_trace", "capture", "-q", "-f", "-d", f"{seconds}s", "--buffer-kb", str(kb),
           *ctx, "-o", str(out)]
    return cmd + (["--backend", "bcc"] if backend == "bcc" else [])


def recording(pid: int, backend: str) -> bool:
    """ftrace: the capture's instance has tracing on; bcc: its programs are loaded (+0.5 s)."""
    if backend == "ftrace":
        p = Path(f"/sys/kernel/tracing/instances/tmigr-trace-{pid}/tracing_on")
        return p.exists() and p.read_text().strip() == "1"
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    if sum("bpf-prog" in x for x in links) >= 9:
        time.sleep(0.5)
        return True
    return False


def run_beside(cmd: list[str], backend: str, workload: list[str] | None) -> tuple[float, float]:
    """(box idle share, collector CPU seconds) of a capture with the workload run beside it."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if workload:
        while not recording(p.pid, backend):
            if p.poll() is not None:
                sys.exit(f"{backend} capture exited early: {p.stderr.read().strip()}")
            time.sleep(0.1)
    i0, t0 = capture_loss.idle_share()
    if workload:
        subprocess.run(workload)
        p.send_signal(signal.SIGINT)
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{backend} capture: exit {os.waitstatus_to_exitcode(status)}: {p.stderr.read().strip()}")
    i1, t1 = capture_loss.idle_share()
    return (i1 - i0) / max(1, t1 - t0), ru.ru_utime + ru.ru_stime


def measure(backend: str, out: Path, a, wl: list[str] | None, ctx: list[str]) -> dict:
    idle, cpu_s = run_beside(collector(backend, out, a.duration + 120 if wl else 0.5, a.buffer_kb, ctx), backend, wl)
    import tmigr_trace

    t = tmigr_trace.load(out)
    df = t.df
    secs = max(1e-9, (df.ts.max() - df.ts.min()) / 1e9) if len(df) else 1.0
    cap = t.meta.extra.get("capture", {})
    return {"events": len(df), "secs": secs, "lost": t.meta.lost_total, "cpu_s": cpu_s, "idle": idle,
            "misses": sum(cap.get("recursion_misses", {}).values()), "prog": cap.get("bpf_prog_stats", {})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-d", "--duration", type=float, default=10.0)
    ap.add_argument("--buffer-kb", type=int, default=4096)
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--workload", choices=("pingpong", "timers"), default="pingpong")
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    src = capture_loss.PINGPONG if a.workload == "pingpong" else capture_loss.TIMERS
    wl = [sys.executable, "-c", src, str(a.duration), str(a.pairs)]
    ctx = ["--with-context"] if a.workload == "timers" else []
    old = STATS.read_text().strip() if STATS.exists() else None
    with tempfile.TemporaryDirectory() as d:
        base = {}
        for backend in ("ftrace", "bcc"):
            base[backend] = measure(backend, Path(d) / f"base-{backend}.parquet", a, None, ctx)["cpu_s"]
            print(f"{backend:6s} fixed cost (0.5 s capture, no workload): {base[backend]:.2f} s CPU", flush=True)
        for r in range(a.rounds):
            for backend in ("ftrace", "bcc"):
                if backend == "bcc" and old is not None:
                    STATS.write_text("1")
                try:
                    m = measure(backend, Path(d) / f"{backend}-{r}.parquet", a, wl, ctx)
                finally:
                    if old is not None:
                        STATS.write_text(old)
                marginal = max(0.0, m["cpu_s"] - base[backend]) / max(1, m["events"]) * 1e6
                extra = ""
                if backend == "bcc":
                    p = m["prog"]
                    kns = p.get("run_time_ns", 0) / p["runs"] if p.get("runs") else float("nan")
                    extra = f"; in-kernel {kns:.0f} ns/event ({p.get('runs', 0):,} handler runs); " \
                            f"recursion misses {m['misses']}"
                print(f"{backend:6s} round {r + 1}: {m['events']:>9,} events in {m['secs']:5.1f}s = "
                      f"{m['events'] / m['secs']:>8,.0f}/s; lost {m['lost']:,}; collector CPU {m['cpu_s']:.2f}s "
                      f"({m['cpu_s'] / max(1, m['events']) * 1e6:.1f} us/event, marginal {marginal:.1f} us/event)"
                      f"{extra}; box idle {m['idle']:.0%}", flush=True)
                time.sleep(0.5)


if __name__ == "__main__":
    main()
