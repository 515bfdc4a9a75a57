"""How long `tmigr-trace --help` (and each subcommand's --help) takes, whole process.

The CLI imports only typer at start-up; pandas, pyarrow, rich and the replay load when a command
runs (tmigr_trace/cli/main.py). Target: under 0.3 s. Prints the median wall and CPU time of N runs
per command and fails (exit 1) if a heavy module was imported for --help.

    python3 benchmarks/cli_help.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = [[], ["import"], ["info"], ["replay"], ["export"], ["report"], ["diff"], ["capture"], ["doctor"], ["lab"],
            ["lab", "run"], ["lab", "kernels"], ["lab", "scenarios"], ["lab", "import"]]
HEAVY = ("pandas", "pyarrow", "numpy", "rich", "pydantic", "tmigr_trace.replay")


def run_once(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tmigr_trace", *args, "--help"], stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports(args: list[str]) -> list[str]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "tmigr_trace", *args, "--help"],
                       capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    names = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    return sorted(n for n in names if n.split(".")[0] in HEAVY or n.startswith(HEAVY))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()
    bad = 0
    width = max(len(" ".join(["tmigr-trace", *args, "--help"])) for args in COMMANDS)
    print(f"{'command':<{width}} {'wall median':>12} {'wall min':>9} {'CPU median':>11}  heavy imports")
    for args in COMMANDS:
        runs = [run_once(args) for _ in range(a.runs)]
        heavy = heavy_imports(args)
        bad += bool(heavy)
        name = " ".join(["tmigr-trace", *args, "--help"])
        print(f"{name:<{width}} {statistics.median(w for w, _ in runs):>10.3f} s {min(w for w, _ in runs):>7.3f} s "
              f"{statistics.median(c for _, c in runs):>9.3f} s  {', '.join(heavy) or 'none'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
