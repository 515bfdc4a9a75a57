#!/usr/bin/env python3
"""Native trace.dat import vs `trace-cmd report` on the same file: events/s and the ratio, one run.

    python3 benchmarks/import_tracedat.py --dat big.dat        # a trace.dat you have
    sudo python3 benchmarks/import_tracedat.py --record 900     # record one here first (~15 min on a
                                                                # shared 2-CPU box for ~400k events)

Recording uses fixtures/tracedat/capture.py (a tracefs instance of its own, removed afterwards;
`trace-cmd extract`, v7 zstd, converted to v6 and to uncompressed v7) into --outdir.

Measured, each once, wall and CPU time (CPU: user + system of the process and its children, so a
loaded machine shows in wall time, not in CPU time):
  * `trace-cmd report -t -i X > /dev/null`: what the old import path ran first;
  * `tmigr-trace import X -o OUT.parquet`: the native reader, whole process (Python start included);
  * the same import in this process (`import_file`), without the interpreter and import start-up;
  * the old path (the report's text through the text importer), for reference.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dat", type=Path, help="the trace.dat to measure")
    ap.add_argument("--record", type=float, metavar="SECONDS", help="record a trace.dat here first (root)")
    ap.add_argument("--outdir", type=Path, default=Path(tempfile.gettempdir()) / "tmigr-bench-tracedat")
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
    from tmigr_trace.importers import import_file, import_text_blocks
    from tmigr_trace.importers.tracedat import report_text_blocks
    from tmigr_trace.metadata import TraceMeta
    from tmigr_trace.store import TraceWriter

    exe = shutil.which("tmigr-trace") or sys.argv[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "native.parquet"
        report = run_cmd(["trace-cmd", "report", "-t", "-i", str(dat)])
        cli = run_cmd([exe, "import", str(dat), "-o", str(out), "-q"])
        events = load(out).num_events
        inproc = in_process(lambda: import_file(dat, Path(tmp) / "again.parquet"))

        def old_path() -> None:
            meta = TraceMeta(source_format="text")
            with TraceWriter(Path(tmp) / "old.parquet") as w:
                import_text_blocks(report_text_blocks(dat), w, meta)
                w.close(meta)

        c0 = _children_cpu()
        old = in_process(old_path)
        old = (old[0], old[1] + _children_cpu() - c0)
    size = os.path.getsize(dat)
    print(f"file: {dat} ({size / 2**20:.1f} MiB), {events} tmigr events; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    rows = [("trace-cmd report -t > /dev/null", report), ("tmigr-trace import (whole process)", cli),
            ("native import in-process (import_file)", inproc), ("old path: report text -> text importer", old)]
    for name, (wall, cpu) in rows:
        print(f"  {name:42s} wall {wall:6.2f} s  {events / wall / 1e3:8.0f}k ev/s   "
              f"CPU {cpu:6.2f} s  {events / cpu / 1e3:8.0f}k ev/s")
    print(f"ratio native import / trace-cmd report: whole process {report[0] / cli[0]:.1f}x wall, "
          f"{report[1] / cli[1]:.1f}x CPU; in-process {report[0] / inproc[0]:.1f}x wall, "
          f"{report[1] / inproc[1]:.1f}x CPU; vs the old path {old[0] / cli[0]:.1f}x wall")


if __name__ == "__main__":
    main()
