"""Benchmark: text import throughput by dialect, the C fast path vs the excerpt parser.

The same real window (fixtures/lab-latency: a 7.3.4 guest printed its capture with
options/latency-format off and on) is repeated with shifted stamps to N events in three shapes:
the standard ``trace`` text (routed to the C fast path), the latency format (``ftrace_dump`` /
``options/latency-format``), and the latency format behind dmesg prefixes and mail quoting. Each is
imported by ``tmigr-trace import`` in a fresh process; events/s and the child's peak RSS are printed.

    python3 benchmarks/import_dialects.py                 # 500k events each
    python3 benchmarks/import_dialects.py --events 2000000
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "lab-latency" / "lab-7.3.4+deb13-4cpu-1node-latency.tar.gz"
OUT = ROOT / "benchmarks" / "out"
STD_TS = re.compile(rb"(\]\s+\S+\s+)(\d+)\.(\d{6}):")
LAT_TS = re.compile(rb"(\d+)(us.:)")


def _texts() -> tuple[list[bytes], list[bytes]]:
    with tarfile.open(SOURCE) as tar:
        files = {Path(m.name).name: tar.extractfile(m).read() for m in tar.getmembers()
                 if m.name.endswith(("/trace.txt", "/trace-latency.txt"))}
    keep = lambda text: [ln for ln in text.splitlines(keepends=True) if not ln.startswith(b"#")]
    return keep(files["trace.txt"]), keep(files["trace-latency.txt"])


def build(kind: str, events: int, path: Path) -> int:
    """Repeat the window with stamps shifted past its end until `events` lines exist."""
    std, lat = _texts()
    lines = std if kind == "standard" else lat
    written, rep = 0, 0
    span_us = 10_000_000
    with open(path, "wb") as out:
        while written < events:
            chunk = []
            for ln in lines:
                if kind == "standard":
                    m = STD_TS.search(ln)
                    t = int(m.group(2)) * 1_000_000 + int(m.group(3)) + rep * span_us
                    ln = ln[:m.start(2)] + b"%d.%06d:" % (t // 1_000_000, t % 1_000_000) + ln[m.end():]
                else:
                    m = LAT_TS.search(ln)
                    ln = ln[:m.start(1)] + b"%d" % (int(m.group(1)) + rep * span_us) + ln[m.end(1):]
                    if kind == "console-quoted":
                        ln = b"> [ %5d.%06d] " % (rep, written % 1_000_000) + ln
                chunk.append(ln)
            take = min(len(chunk), events - written)
            out.write(b"".join(chunk[:take]))
            written += take
            rep += 1
    return written


def run_import(src: Path, out: Path) -> tuple[float, int]:
    out.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(src), "-o", str(out), "-q"], check=True)
    seconds = time.perf_counter() - t0
    return seconds, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=500_000)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for kind in ("standard", "latency", "console-quoted"):
        src = OUT / f"dialect-{kind}-{args.events}.txt"
        n = build(kind, args.events, src)
        seconds, rss = run_import(src, OUT / f"dialect-{kind}.parquet")
        results.append({"dialect": kind, "events": n, "seconds": round(seconds, 2),
                        "events_per_s": int(n / seconds), "peak_rss_mib": round(rss / 1024, 1)})
        print(f"{kind:15s} {n:>9d} events  {seconds:6.2f} s  {n / seconds:>10,.0f} events/s  "
              f"peak RSS {rss / 1024:6.1f} MiB", flush=True)
        src.unlink()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
