"""Benchmark: text import throughput (events/s) and peak memory (RSS) versus trace size.

Builds >= 5M-event ftrace text traces by concatenating a real capture (fixtures/host-6.18,
kernel 6.18.44) with shifted timestamps, then runs `tmigr-trace import` on each in a fresh
process and reports wall time, events/s and the child's peak RSS. Peak RSS that does not grow
with the trace size shows the import streams in bounded memory.

    python3 benchmarks/import_text.py            # 1M and 5M events
    python3 benchmarks/import_text.py --events 10000000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "host-6.18" / "trace.txt.gz"
OUT = ROOT / "benchmarks" / "out"
TS = re.compile(rb"(\]\s+\S+\s+)(\d+)\.(\d{6}):")


def build(events: int, path: Path) -> int:
    """Concatenate the real capture with shifted timestamps until `events` lines exist."""
    with gzip.open(SOURCE, "rb") as f:
        lines = [l for l in f.read().splitlines(keepends=True) if not l.startswith(b"#")]
    stamps = [int(m.group(2)) * 1_000_000 + int(m.group(3)) for m in map(TS.search, lines)]
    span = stamps[-1] - stamps[0] + 1000
    parts = [TS.split(l) for l in lines]  # [head, sep, sec, usec, tail]
    written = 0
    with open(path, "wb") as out:
        rep = 0
        while written < events:
            shift = rep * span
            chunk = []
            for p, us in zip(parts, stamps):
                t = us + shift
                chunk.append(b"%s%s%d.%06d:%s" % (p[0], p[1], t // 1_000_000, t % 1_000_000, p[4]))
            take = min(len(chunk), events - written)
            out.write(b"".join(chunk[:take]))
            written += take
            rep += 1
    return written


def run_import(src: Path, out: Path) -> tuple[float, int]:
    """Import in a child process; return (seconds, peak RSS in KiB of that child)."""
    out.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(src), "-o", str(out), "-q"], check=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, nargs="*", default=[1_000_000, 5_000_000])
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sorted(args.events):
        src = OUT / f"trace-{n}.txt"
        if not src.exists():
            build(n, src)
        seconds, rss_kib = run_import(src, OUT / f"trace-{n}.parquet")
        row = {"events": n, "mb": round(src.stat().st_size / 1e6, 1), "seconds": round(seconds, 2),
               "events_per_s": round(n / seconds), "peak_rss_mib": round(rss_kib / 1024, 1),
               "parquet_mb": round((OUT / f"trace-{n}.parquet").stat().st_size / 1e6, 1)}
        results.append(row)
        print(json.dumps(row), flush=True)
    print(f"cpu: {os.cpu_count()} cores; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
