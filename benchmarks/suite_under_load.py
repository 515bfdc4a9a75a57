"""`make test` run several times in a row while CPU hogs keep every core busy (issue #12: the suite
must be green on a loaded machine, and CI's budget is 20 minutes).

    sudo python benchmarks/suite_under_load.py [--runs 2] [--hogs 2] [--logs DIR] [--json OUT]
                                               [--cmd 'make test']

Starts HOGS busy loops (``python3 -c 'while True: pass'``, one process each, default: one per
CPU), runs CMD RUNS times in a row from the repository root with this interpreter's directory first
on PATH (so ``make test``'s ``python3`` is this one: run it with a venv's python to leave the
system's install alone) and ``PYTEST_ADDOPTS=-rfEsx`` (every failure, error, skip and xfail named
in the summary), samples /proc/loadavg every 5 s, then stops the hogs. Prints for each run its
exit status, pytest's summary line, wall time, the 1-minute load average (mean and maximum over
the run), the CPU time the suite used (user + system, its children included: the same whatever
the load) and the tests that failed or were skipped; the hogs' CPU time shows they really ran.
Each run's whole output is kept in DIR (default: a new directory under /tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in ([\d.]+)s")
REPORTED = re.compile(r"^(FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b(.*)$")


@dataclass
class Run:
    """One run of the suite: what pytest said and how loaded the box was meanwhile."""

    index: int
    exit_status: int
    wall_s: float
    cpu_s: float
    pytest_s: float | None
    summary: str
    counts: dict[str, int]
    load_mean: float
    load_max: float
    reported: list[str] = field(default_factory=list)
    log: str = ""


class LoadSampler(threading.Thread):
    """The 1-minute load average every `period` seconds until stopped."""

    def __init__(self, period: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.period, self.samples, self._done = period, [], threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.samples.append(os.getloadavg()[0])
            self._done.wait(self.period)

    def stop(self) -> list[float]:
        self._done.set()
        self.join()
        return self.samples


def start_hogs(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_suite(index: int, cmd: list[str], logs: Path) -> Run:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTEST_ADDOPTS": f"{os.environ.get('PYTEST_ADDOPTS', '')} -rfEsx".strip()}
    log = logs / f"run{index}.log"
    sampler = LoadSampler()
    sampler.start()
    start, used = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("w") as out:
        status = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    # user + system time of the suite and every process it waited for (QEMU, captures, CLI runs):
    # what it costs whatever the load, where the wall time depends on the share it was given
    cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
    loads = sampler.stop()
    summary, pytest_s, reported = "", None, []
    for line in log.read_text(errors="replace").splitlines():
        if m := SUMMARY.match(line):
            summary, pytest_s = m.group(1), float(m.group(2))
        elif REPORTED.match(line):
            reported.append(line.strip())
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (\w+)", summary)}
    return Run(index, status, round(wall, 1), round(cpu, 1), pytest_s, summary, counts, round(sum(loads) / len(loads), 2),
               round(max(loads), 2), reported, str(log))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--hogs", type=int, default=os.cpu_count() or 2, help="busy-loop processes (default: one per CPU)")
    ap.add_argument("--cmd", default="make test", help="the suite's command, run from the repository root")
    ap.add_argument("--logs", type=Path, help="directory for each run's output (default: a new one in /tmp)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="suite-under-load-"))
    logs.mkdir(parents=True, exist_ok=True)
    hogs = start_hogs(args.hogs)
    # the hogs die with this script, whatever stops it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    runs: list[Run] = []
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        for i in range(1, args.runs + 1):
            print(f"run {i}/{args.runs}: {args.cmd} with {args.hogs} hogs (log {logs}/run{i}.log)", flush=True)
            r = run_suite(i, shlex.split(args.cmd), logs)
            runs.append(r)
            print(f"  exit {r.exit_status}: {r.summary or 'no pytest summary'}; wall {r.wall_s / 60:.1f} min "
                  f"(pytest {r.pytest_s or 0:.0f} s, CPU {r.cpu_s / 60:.1f} min); load avg 1 min mean {r.load_mean} max {r.load_max} "
                  f"on {os.cpu_count()} CPUs", flush=True)
            for line in r.reported:
                print(f"    {line}")
    finally:
        hog_cpu = []
        for h in hogs:
            try:
                hog_cpu.append(round(cpu_seconds(h.pid), 1))
            except OSError:
                hog_cpu.append(None)
            h.kill()
            h.wait()
    print(f"hogs' CPU time: {hog_cpu} s")
    ok = all(r.exit_status == 0 for r in runs)
    print(f"{'all' if ok else 'NOT all'} {len(runs)} runs passed")
    if args.json:
        args.json.write_text(json.dumps({"began": began, "cmd": args.cmd, "hogs": args.hogs, "cpus": os.cpu_count(),
                                         "hog_cpu_s": hog_cpu, "runs": [asdict(r) for r in runs]}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
