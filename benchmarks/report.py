"""Report time for two sets of 10 real captures (6.12/6.18 kernels vs 7.3.4), as a user runs it.

    python benchmarks/report.py [--workers 0 1 2] [--repeat 1] [--out DIR]
    python benchmarks/report.py --big [--per-side 5|10] [--events-per-capture N] [--workers 1 2] [--repeat 2]

Imports the fixtures once (fixture_cache: not timed), then times `tmigr-trace report --baseline
... --candidate ... -o DIR` end to end (process start, Dask cluster start, 20 replays, statistics,
tests, plots, writing) for each worker count: 0 = in one process, N = a local Dask cluster of N
worker processes. Prints wall seconds, CPU seconds (this process's children: tmigr-trace and its
Dask workers), the date, the load average before and after each run (the machine may be shared),
the sum of the per-capture analysis times split into replay and statistics (report.json `timings`)
and the slowest capture.

`--big`: the 20 fixtures are 2k-51k events each, too small for the replays to dominate. The big
mode compares two sets of 10M events: it makes each of 5 + 5 real captures (`BIG_BASELINE`,
`BIG_CANDIDATE`: Debian 6.12.x and 7.3.4 guests of the kernel lab; `--per-side 10`: 10 + 10, the
baseline then with 6.18-7.2 kernels too) about `--events-per-capture` (10M / per side) events
long by concatenation: the
whole capture once, then its steady part (the rows after its last setup/hotplug event) again and
again, each copy's timestamps and expiries shifted by the copy's span rounded up to a tick, each
CPU's `seq` increasing with a jump at every seam: the end of one copy does not lead to the start
of the next, so the seam is marked the way lost events are (the replay resyncs there, as it does
after a real capture's lost events, instead of reporting the jump as divergences). Every row is a
real kernel event; only the copies' time and sequence numbers are shifted. Captures whose copies
still diverge at their seams (a hotplug or boot capture ends in another hierarchy state than its
steady part starts in, beyond what a resync absorbs) are not in the lists. Made once and cached in
~/.cache/tmigr-trace/report-bench/ ($XDG_CACHE_HOME respected), never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"
CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "tmigr-report-bench"
BIG_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tmigr-trace" / "report-bench"
GATE = "divergences>0,lateness_p99>+20%,handoffs_per_s>+50%"

SETUP_EVENTS = {"tmigr_connect_cpu_parent", "tmigr_connect_child_parent", "tmigr_group_set", "tmigr_cpu_online",
                "tmigr_cpu_offline", "tmigr_cpu_available", "tmigr_cpu_unavailable"}
TICK_NS = 4_000_000          # copies are shifted by whole ticks (HZ=250 guests) so jiffies stay on the grid
BIG_VERSION = "2"            # bump when make_big changes: the cached files are rebuilt

CORPUS = FIX / "outside-class" / "corpus"
# Kernel-lab captures of Debian 6.12.x and 7.3.4 guests whose copies replay without divergence at
# their seams (checked at 150k events each).
BIG_BASELINE = [FIX / "lab/lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz",
                FIX / "lab/lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz",
                CORPUS / "6.12.117-16cpu-2node-late-churn.trace.txt.xz",
                CORPUS / "6.12.117-16cpu-4node-smt2-boot-glob-churn.trace.txt.xz",
                FIX / "outside-class/6.12.117-32cpu-2node-boot-remote-node-first.trace.txt.xz"]
BIG_CANDIDATE = [FIX / "lab/lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz",
                 *(FIX / f"regress/lab-7.3.4-16cpu-late-run{n}.tar.gz" for n in (1, 2, 4, 6))]
# --per-side 10: five more each. There are no more 6.12 captures whose copies replay without
# divergence, so the baseline grows with the other kernels before 7.3 (6.18.15 ... 7.2.13).
BIG_BASELINE_MORE = [FIX / "lab/lab-6.18.15+deb13-16cpu-2node-smt2-late.tar.gz",
                     CORPUS / "6.18.15-8cpu-1node-nosmt-boot-allup-idle.trace.txt.xz",
                     FIX / "lab/lab-6.19.14+deb13-16cpu-2node-smt2-late.tar.gz",
                     FIX / "lab/lab-7.0.13+deb13-16cpu-2node-smt2-late.tar.gz",
                     FIX / "lab/lab-7.2.13+deb14-16cpu-2node-smt2-late.tar.gz"]
BIG_CANDIDATE_MORE = [*(FIX / f"regress/lab-7.3.4-16cpu-late-run{n}.tar.gz" for n in (7, 8, 9, 10)),
                      CORPUS / "7.3.4-16cpu-4node-smt2-boot-glob-churn.trace.txt.xz"]


def sets() -> tuple[list[Path], list[Path]]:
    corpus = FIX / "outside-class" / "corpus"
    base = (sorted((FIX / "lab").glob("lab-6.12*.tar.gz")) + sorted(corpus.glob("6.12.117-*.xz"))
            + sorted((FIX / "outside-class").glob("6.12.117-*.xz")) + sorted(corpus.glob("6.18.15-8cpu*.xz")))
    cand = sorted((FIX / "lab").glob("lab-7.3.4*.tar.gz")) + sorted((FIX / "regress").glob("*.tar.gz"))
    return base[:10], cand[:10]


def make_big(src: Path, out: Path, events: int) -> int:
    """`src` once, then its steady part (after the last setup event) repeated up to `events` rows."""
    import pyarrow.compute as pc

    import tmigr_trace
    from tmigr_trace.store import TraceWriter

    t = tmigr_trace.load(src)
    table = t.table
    names = table.column("event").to_pylist()
    last_setup = max((i for i, e in enumerate(names) if e in SETUP_EVENTS), default=-1)
    body = table.slice(last_setup + 1)
    ts = body.column("ts")
    shift = ((pc.max(table.column("ts")).as_py() - pc.min(ts).as_py()) // TICK_NS + 2) * TICK_NS
    counts: dict[int, int] = {}
    for c in table.column("cpu").to_pylist():
        counts[c] = counts.get(c, 0) + 1
    seq_step = max(counts.values()) + 1     # every CPU's seq jumps at a seam: the replay resyncs there
    copies = max(1, 1 + -(-(events - table.num_rows) // max(body.num_rows, 1)))
    meta = t.meta
    meta.extra = dict(meta.extra or {})
    meta.extra["benchmark_concatenation"] = (
        f"benchmarks/report.py --big: {src.name} once, then its last {body.num_rows} rows (after the last setup "
        f"event) {copies - 1} more times, timestamps and expiries shifted by {shift} ns and seq by {seq_step} per copy")
    with TraceWriter(out, force=True) as w:
        w.write(table)
        for k in range(1, copies):
            w.write(fixture_cache.shifted_copy(body, k, shift, seq_step))
        w.close(meta)
    return table.num_rows + (copies - 1) * body.num_rows


def big_sets(events: int, per_side: int = 5) -> tuple[list[Path], list[Path]]:
    """The big captures, made once per (source, size) and kept in BIG_CACHE."""
    BIG_CACHE.mkdir(parents=True, exist_ok=True)
    out: list[list[Path]] = []
    more = per_side > len(BIG_BASELINE)
    for srcs in (BIG_BASELINE + BIG_BASELINE_MORE * more, BIG_CANDIDATE + BIG_CANDIDATE_MORE * more):
        side = []
        for s in srcs:
            p = fixture_cache.to_parquet(s, CACHE)
            if p is None:
                sys.exit(f"{s}: import failed")
            key = hashlib.sha1(f"{p.name}:{events}:{BIG_VERSION}".encode()).hexdigest()[:10]
            big = BIG_CACHE / f"{fixture_cache.short_name(s)}-x{events // 1000}k-{key}.parquet"
            if not big.exists():
                t = time.perf_counter()
                rows = make_big(p, big, events)
                print(f"# made {big.name}: {rows} events in {time.perf_counter() - t:.1f} s", flush=True)
            side.append(big)
        out.append(side)
    return out[0], out[1]


def run_report(pa_: list[Path], pb: list[Path], out: Path, workers: int) -> dict:
    load = os.getloadavg()[0]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(["tmigr-trace", "report", "--baseline", *map(str, pa_), "--candidate", *map(str, pb),
                        "-o", str(out), "--force", "--workers", str(workers), "-q", "--fail-on", GATE],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit(p.stderr)
    doc = json.loads((out / "report.json").read_text())
    caps = [c for s in doc["sides"].values() for c in s["captures"]]
    return {"workers": workers, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(time.time() - wall)),
            "wall_s": round(wall, 2),
            "cpu_s": round(ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime, 2),
            "analysis_sum_s": round(sum(c["seconds"] for c in caps), 2),
            "replay_sum_s": round(sum((c.get("timings") or {}).get("replay", 0) for c in caps), 2),
            "statistics_sum_s": round(sum((c.get("timings") or {}).get("statistics", 0) for c in caps), 2),
            "slowest": max(((round(c["seconds"], 1), c["name"]) for c in caps), default=None),
            "events": sum(c["events"] for c in caps), "divergences": sum(c["replay"]["diverged"] for c in caps),
            "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2), "gate_exit": p.returncode}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=None, help="default: 0 1 2 (small), 1 2 (--big)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per worker count (interleaved)")
    ap.add_argument("--big", action="store_true", help="5 + 5 real captures made ~--events-per-capture long each")
    ap.add_argument("--per-side", type=int, choices=(5, 10), default=5, help="--big: captures per set")
    ap.add_argument("--events-per-capture", type=int, default=None, help="--big: default 10M / --per-side")
    ap.add_argument("--out", type=Path, help="keep the last report here (default: a temporary directory)")
    ap.add_argument("--exclude", nargs="+", default=[], metavar="TEXT",
                    help="leave out the captures whose file name contains TEXT (say so with the figures)")
    a = ap.parse_args()
    workers = a.workers if a.workers is not None else ([1, 2] if a.big else [0, 1, 2])
    if a.big:
        pa_, pb = big_sets(a.events_per_capture or 10_000_000 // a.per_side, a.per_side)
    else:
        base, cand = sets()
        pa_ = [fixture_cache.to_parquet(s, CACHE) for s in base]
        pb = [fixture_cache.to_parquet(s, CACHE) for s in cand]
        if None in pa_ or None in pb:
            sys.exit("import failed")
    if a.exclude:
        left = [p for p in pa_ + pb if any(x in p.name for x in a.exclude)]
        pa_ = [p for p in pa_ if p not in left]
        pb = [p for p in pb if p not in left]
        print(f"# left out (--exclude): {', '.join(p.name for p in left)}", flush=True)
    print(f"# baseline {len(pa_)} captures ({sum(p.stat().st_size for p in pa_) / 1e6:.1f} MB), "
          f"candidate {len(pb)} ({sum(p.stat().st_size for p in pb) / 1e6:.1f} MB); {os.cpu_count()} CPUs; "
          f"replay core {'pure Python' if os.environ.get('TMIGR_TRACE_PURE') else 'as installed'}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp) / "report"
        for _ in range(a.repeat):
            for w in workers:
                r = run_report(pa_, pb, out, w)
                results.append(r)
                print(f"{r['date']} workers {w}: {r['wall_s']:6.1f} s wall, {r['cpu_s']:6.1f} s CPU, per-capture analyses "
                      f"{r['analysis_sum_s']:.1f} s summed (replays {r['replay_sum_s']:.1f} s, statistics "
                      f"{r['statistics_sum_s']:.1f} s; slowest {r['slowest'][1]} {r['slowest'][0]} s), "
                      f"{r['events']} events, {r['divergences']} divergences, "
                      f"load average {r['load_before']:.1f} -> {r['load_after']:.1f}, gate exit {r['gate_exit']}",
                      flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
