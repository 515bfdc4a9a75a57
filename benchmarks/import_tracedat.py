#!/usr/bin/env python3
"""Native trace.dat import vs `trace-cmd report` on the same file: whole commands, wall time, medians.

    python3 benchmarks/import_tracedat.py --dat big.dat        # a trace.dat you have
    python3 benchmarks/import_tracedat.py --dat big.dat --repeat 9 --old-path
    sudo python3 benchmarks/import_tracedat.py --record 900     # record one here first (~15 min on a
                                                                # shared 2-CPU box for ~400k events)

Recording uses fixtures/tracedat/capture.py (a tracefs instance of its own, removed afterwards;
`trace-cmd extract`, v7 zstd, converted to v6 and to uncompressed v7) into --outdir.

Measured --repeat times each, interleaved (report, import, start-up floor, report, ...), so that
the load of a shared machine falls on all of them alike; the medians are printed, with the load
average before and after. Wall and CPU time (CPU: user + system of the child process):
  * `trace-cmd report -i X > /dev/null`: the reference of issue #14 (5x faster is the goal);
  * `tmigr-trace import X -o OUT.parquet -q`: the native reader, the whole command as a user runs
    it (interpreter start, imports, reading, merging, writing the Parquet file);
  * `python -c "import numpy, pyarrow.parquet"`: the start-up no Python importer writing Parquet
    can avoid (the floor of the whole command);
  * the same import in this process (`import_file`), without the interpreter and import start-up;
  * with --old-path, once: the report's text through the text importer (the path before #14).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cmd(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0, _children_cpu() - c0


def in_process(fn) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dat", type=Path, help="the trace.dat to measure")
    ap.add_argument("--record", type=float, metavar="SECONDS", help="record a trace.dat here first (root)")
    ap.add_argument("--outdir", type=Path, default=Path(tempfile.gettempdir()) / "tmigr-bench-tracedat")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each command (medians are printed)")
    ap.add_argument("--old-path", action="store_true", help="also time the old report-text path (slow)")
    a = ap.parse_args()
    if a.record:
        sys.path.insert(0, str(ROOT / "fixtures" / "tracedat"))
        from capture import capture

        files = capture(a.outdir, seconds=a.record, buffer_kb=65536, clock=None, threads=6, name="bench",
                        extra_events=[])
        print("recorded:", " ".join(map(str, files)))
        dat = files[0]
    elif a.dat:
        dat = a.dat
    else:
        ap.error("give --dat FILE or --record SECONDS")
    if shutil.which("trace-cmd") is None:
        sys.exit("trace-cmd is not installed: nothing to compare with")
    from tmigr_trace import load
    from tmigr_trace.importers import import_file

    exe = shutil.which("tmigr-trace") or str(Path(sys.executable).with_name("tmigr-trace"))
    load_before = os.getloadavg()
    runs: dict[str, list[tuple[float, float]]] = {"report": [], "import": [], "floor": [], "inproc": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "native.parquet"
        for _ in range(a.repeat):
            runs["report"].append(run_cmd(["trace-cmd", "report", "-i", str(dat)]))
            runs["import"].append(run_cmd([exe, "import", str(dat), "-o", str(out), "-q", "--force"]))
            runs["floor"].append(run_cmd([sys.executable, "-c", "import numpy, pyarrow.parquet"]))
        events = load(out).num_events
        for _ in range(a.repeat):
            runs["inproc"].append(in_process(lambda: import_file(dat, Path(tmp) / "again.parquet", force=True)))
        old = None
        if a.old_path:
            old = old_path_run(dat, Path(tmp))
    load_after = os.getloadavg()
    size = os.path.getsize(dat)
    print(f"file: {dat} ({size / 2**20:.1f} MiB), {events} tmigr events; {os.cpu_count()} CPUs; "
          f"load average (1/5/15 min) before {'/'.join(f'{x:.1f}' for x in load_before)}, "
          f"after {'/'.join(f'{x:.1f}' for x in load_after)}; medians of {a.repeat} runs")
    names = {"report": "trace-cmd report > /dev/null", "import": "tmigr-trace import (whole command)",
             "floor": "python: import numpy, pyarrow.parquet", "inproc": "native import in-process (import_file)"}
    med = {k: (median([w for w, _ in v]), median([c for _, c in v])) for k, v in runs.items()}
    for k, (wall, cpu) in med.items():
        walls = " ".join(f"{w:.2f}" for w, _ in runs[k])
        rate = f"{events / wall / 1e3:7.0f}k ev/s" if k != "floor" else " " * 13
        print(f"  {names[k]:40s} wall {wall:6.3f} s {rate}  CPU {cpu:6.3f} s   (walls: {walls})")
    if old is not None:
        print(f"  {'old path: report text -> text importer':40s} wall {old[0]:6.3f} s  CPU {old[1]:6.3f} s (once)")
    rw, rc = med["report"]
    iw, ic = med["import"]
    print(f"ratio trace-cmd report / tmigr-trace import (whole command): {rw / iw:.2f}x wall, {rc / ic:.2f}x CPU; "
          f"in-process import: {rw / med['inproc'][0]:.2f}x wall, {rc / med['inproc'][1]:.2f}x CPU")
    print(f"start-up floor: {med['floor'][0]:.3f} s wall = {med['floor'][0] / iw:.0%} of the whole command; "
          f"5x trace-cmd report would be {rw / 5:.3f} s")


def old_path_run(dat: Path, tmp: Path) -> tuple[float, float]:
    """The path before the native reader: `trace-cmd report -t` text through the text importer."""
    from tmigr_trace.importers import import_text_blocks
    from tmigr_trace.importers.tracedat import report_text_blocks
    from tmigr_trace.metadata import TraceMeta
    from tmigr_trace.store import TraceWriter

    def run() -> None:
        meta = TraceMeta(source_format="text")
        with TraceWriter(tmp / "old.parquet", force=True) as w:
            import_text_blocks(report_text_blocks(dat), w, meta)
            w.close(meta)

    c0 = _children_cpu()
    wall, cpu = in_process(run)
    return wall, cpu + _children_cpu() - c0


if __name__ == "__main__":
    main()
