"""Capture loss at the highest tmigr event rate this box can be pushed to.

    sudo python benchmarks/capture_loss.py [-d 10] [--buffer-kb 4096 ...] [--workload pingpong|timers]
                                           [--pairs 2] [--shell/--no-shell]

tmigr events come from idle transitions, so the provoking workload (``pingpong``) is cross-CPU
ping-pong: pairs of threads pinned to different CPUs pass one byte back and forth through pipes,
so that each message makes a CPU leave idle and, once it has answered, enter idle again. Its rate
is bounded by the idle time the box gives it. ``timers`` records the context events too
(``--with-context`` / ``-c``) and re-arms a TCP keepalive timer in a tight loop on every CPU
(one timer_start per setsockopt): the highest event rate this box produces, whatever its load.
For each buffer size it runs

* ``tmigr-trace capture -d D --buffer-kb B -- <workload>`` (binary pages, polled every 200 ms), and
* ``collectors/tmigr-capture.sh run -d D -b B -- <workload>`` (streaming pump every second),
  then ``tmigr-trace import``,

with the workload started beside the collector (not as its child), and prints the events
recorded, the rate, the lost events per CPU (the instance's per-CPU buffer stats: overrun +
commit overrun + dropped, as stored in the metadata), the collector's own CPU time (user + system,
with its children: for the shell, the pump's dd/sed) and the share of idle time the box had
during the run (/proc/stat; the box is shared, busy CPUs make fewer transitions).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SCRIPT = HERE / "collectors" / "tmigr-capture.sh"

PINGPONG = r"""
import os, sys, threading, time
end = time.monotonic() + float(sys.argv[1]); pairs = int(sys.argv[2]); n = os.cpu_count()
def side(cpu, rd, wr, first):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    if first:
        os.write(wr, b"x")
    while time.monotonic() < end:
        if not os.read(rd, 1):
            break
        os.write(wr, b"x")
    os.close(wr)
ts = []
for p in range(pairs):
    a_r, b_w = os.pipe(); b_r, a_w = os.pipe()
    ts += [threading.Thread(target=side, args=(p % n, a_r, a_w, True)),
           threading.Thread(target=side, args=((p + 1) % n, b_r, b_w, False))]
[t.start() for t in ts]; [t.join() for t in ts]
"""

# --with-context: a storm of timer-wheel re-arms (timer_start/timer_cancel) from every CPU, which
# does not depend on the CPUs getting idle time
TIMERS = r"""
import os, socket, sys, threading, time
end = time.monotonic() + float(sys.argv[1]); n = os.cpu_count()
def storm(cpu):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    c = socket.socket(); ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
    c.connect(ls.getsockname()); s, _ = ls.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    i = 0
    while time.monotonic() < end:
        for _ in range(1000):
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1 + i % 7)  # mod_timer each time
            i += 1
ts = [threading.Thread(target=storm, args=(c,)) for c in range(n) for _ in range(int(sys.argv[2]))]
[t.start() for t in ts]; [t.join() for t in ts]
"""


def idle_share() -> tuple[float, float]:
    f = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
    v = [int(x) for x in f]
    return v[3] + v[4], sum(v)


def run(cmd: list[str], workload: list[str] | None = None) -> tuple[float, float]:
    """Runs a collector (and the workload beside it, not as its child, so that the collector's
    own CPU time can be told apart); returns (box idle share, collector CPU seconds)."""
    i0, t0 = idle_share()
    w = subprocess.Popen(workload) if workload else None
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read()
    p.returncode = os.waitstatus_to_exitcode(status)
    if w is not None:
        w.wait()
    if p.returncode:
        sys.exit(f"{' '.join(map(str, cmd[:6]))} ...: exit {p.returncode}: {err.strip()}")
    i1, t1 = idle_share()
    return (i1 - i0) / max(1, t1 - t0), ru.ru_utime + ru.ru_stime


def report(kind: str, kb: int, parquet: Path, dur: float, idle: float, cpu_s: float) -> None:
    import tmigr_trace

    t = tmigr_trace.load(parquet)
    df = t.df
    tm = df[df.event.astype(str).str.startswith("tmigr_")]
    secs = max(1e-9, (df.ts.max() - df.ts.min()) / 1e9) if len(df) else dur
    stats = t.meta.topology.get("buffer_stats", {})
    lost = {c: t.meta.lost_events.get(str(c), 0) for c in sorted(stats, key=int)}
    per_cpu = df.groupby("cpu").size().to_dict()
    print(f"{kind:6s} buffer {kb:>6} KB: {len(df):>9,} events ({len(tm):,} tmigr) in {secs:5.1f}s = "
          f"{len(df) / secs:>9,.0f}/s; per CPU {per_cpu}; lost per CPU {lost} (total {sum(lost.values()):,}); "
          f"collector CPU {cpu_s:.1f}s ({cpu_s / max(1, len(df)) * 1e6:.1f} us/event); box idle {idle:.0%}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-d", "--duration", type=float, default=10.0)
    ap.add_argument("--buffer-kb", type=int, nargs="+", default=[4096, 256, 64])
    ap.add_argument("--pairs", type=int, default=2, help="ping-pong thread pairs (timers: threads per CPU)")
    ap.add_argument("--workload", choices=("pingpong", "timers"), default="pingpong",
                    help="pingpong: idle transitions (tmigr events only); timers: timer-wheel re-arm storm, "
                         "recorded with --with-context")
    ap.add_argument("--shell", action=argparse.BooleanOptionalAction, default=True)
    a = ap.parse_args()
    a.with_context = a.workload == "timers"
    wl = [sys.executable, "-c", PINGPONG if a.workload == "pingpong" else TIMERS, str(a.duration), str(a.pairs)]
    ctx = ["--with-context"] if a.with_context else []
    with tempfile.TemporaryDirectory() as d:
        for kb in a.buffer_kb:
            out = Path(d) / f"live-{kb}.parquet"
            idle, cpu_s = run([sys.executable, "-m", "tmigr_trace", "capture", "-q", "-f", "-d", f"{a.duration + 1}s",
                               "--buffer-kb", str(kb), *ctx, "-o", str(out)], wl)
            report("live", kb, out, a.duration, idle, cpu_s)
            if a.shell:
                tar = Path(d) / f"sh-{kb}.tar.gz"
                idle, cpu_s = run(["sh", str(SCRIPT), "run", "-q", "-d", str(a.duration + 1), "-b", str(kb),
                                   *(["-c"] if a.with_context else []), "-o", str(tar)], wl)
                out = Path(d) / f"sh-{kb}.parquet"
                run([sys.executable, "-m", "tmigr_trace", "import", "-f", str(tar), "-o", str(out)])
                report("shell", kb, out, a.duration, idle, cpu_s)
            time.sleep(0.5)


if __name__ == "__main__":
    main()
