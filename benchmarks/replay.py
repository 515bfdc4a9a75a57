"""Replay throughput and peak memory on a >= 10M-event trace.

    python benchmarks/replay.py [--events 10000000] [--source X.parquet] [--keep]

Runs the replay core this install uses (compiled with mypyc unless the build skipped it;
``TMIGR_TRACE_PURE=1`` for the pure-Python reference); the output names it.

The big trace is a real capture concatenated with itself, timestamps and expiries shifted by the
capture's duration (rounded up to the tick) per copy, per-CPU sequence numbers continued. The
replay runs in a fresh process so that its peak RSS (ru_maxrss) is the replay's alone; a second
run on a 10x shorter prefix shows whether memory grows with the trace length.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)


def make_big(src: Path, out: Path, events: int) -> int:
    import tmigr_trace
    from tmigr_trace.store import TraceWriter

    t = tmigr_trace.load(src)
    table = t.table
    ts = table.column("ts")
    span = pc.max(ts).as_py() - pc.min(ts).as_py()
    shift = (span // 4_000_000 + 2) * 4_000_000
    per_cpu = {}
    for c in table.column("cpu").to_pylist():
        per_cpu[c] = per_cpu.get(c, 0) + 1
    seq_step = max(per_cpu.values())
    copies = -(-events // table.num_rows)
    with TraceWriter(out, force=True) as w:
        for k in range(copies):
            w.write(fixture_cache.shifted_copy(table, k, shift, seq_step))
        w.close(t.meta)
    return copies * table.num_rows


def run_child(path: str) -> dict:
    import tmigr_trace
    from tmigr_trace.replay.api import replay

    t0, c0 = time.perf_counter(), time.process_time()
    res = replay(tmigr_trace.load(path))
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    # CPU time (all threads of this process) next to wall time: other jobs share the cores.
    from tmigr_trace.replay import native_status
    core = "compiled" if native_status()["compiled"] else "pure"
    return {"core": core, "events": res.events, "seconds": round(dt, 2), "events_per_s": int(res.events / dt),
            "cpu_seconds": round(cpu, 2), "cpu_us_per_event": round(cpu / res.events * 1e6, 2),
            "events_per_cpu_s": int(res.events / cpu),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "checked": res.checked, "diverged": res.diverged, "undecidable": res.undecidable,
            "profiles_replayed": len((res.evidence.get("profile") or {}).get("candidates") or {}) or 1}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--source", type=Path, default=None, help="a real capture in Parquet")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--unpinned", action="store_true",
                    help="import the default source without its kernel release: the replay then "
                         "tries every era the text admits (a prefix each) before the full replay")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_child(a.child)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="tmigr-bench-"))
    src = a.source
    if src is None:
        src = tmp / "host.parquet"
        root = Path(__file__).resolve().parent.parent
        # The box's release pins one profile: the figure is the engine's; --unpinned measures the
        # evidence path (several admitted eras, each replaying a prefix first).
        rel = [] if a.unpinned else ["--kernel", (root / "fixtures/host-6.18/release").read_text().strip()]
        subprocess.run(["tmigr-trace", "import", str(root / "fixtures/host-6.18/trace.txt.gz"), "-o", str(src),
                        *rel], check=True, capture_output=True)
    results = {}
    for label, n in (("small", a.events // 10), ("big", a.events)):
        big = tmp / f"{label}.parquet"
        t0 = time.perf_counter()
        rows = make_big(src, big, n)
        gen = time.perf_counter() - t0
        p = subprocess.run([sys.executable, __file__, "--child", str(big)], capture_output=True, text=True, check=True)
        r = json.loads(p.stdout.strip().splitlines()[-1])
        r["generated_rows"] = rows
        r["generate_seconds"] = round(gen, 1)
        r["file_mib"] = round(big.stat().st_size / 2**20, 1)
        results[label] = r
        print(label, json.dumps(r), flush=True)
        if not a.keep:
            big.unlink()
    print(json.dumps({"source": str(a.source or "fixtures/host-6.18/trace.txt.gz"), **results}))


if __name__ == "__main__":
    main()
