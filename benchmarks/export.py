"""`tmigr-trace export` throughput on a 2M-event trace, before and after the columnar exporter, in
one run.

    python benchmarks/export.py [--events 2000000] [--source X.parquet] [--before-rev 3833c62] [--no-before]

The big trace is the real host capture (fixtures/host-6.18/trace.txt.gz, imported with its
kernel release) concatenated with itself by benchmarks/replay.py's ``make_big``: timestamps and
expiries shifted by the capture's duration (rounded up to the tick) per copy, per-CPU sequence
numbers continued, pointers unchanged (the same hierarchy every copy).

"before" is tmigr_trace/export_perfetto.py as it was at ``--before-rev`` (read with ``git show``
and run against this install's other modules: the per-event TraceProtoBuilder exporter); "after"
is this install's. Each runs in a fresh process (wall and CPU seconds, peak RSS, output size), on
the same file, one after the other. Other jobs share the cores: the CPU seconds are the steadier
figure.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_before(rev: str):
    """The exporter module as it was at `rev`, as tmigr_trace._export_before (relative imports work)."""
    import importlib.util

    import tmigr_trace

    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:tmigr_trace/export_perfetto.py"],
                         capture_output=True, text=True, check=True).stdout
    spec = importlib.util.spec_from_loader("tmigr_trace._export_before", loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "tmigr_trace"
    sys.modules[spec.name] = mod
    exec(compile(src, f"{rev}:tmigr_trace/export_perfetto.py", "exec"), mod.__dict__)
    assert tmigr_trace
    return mod


def run_child(which: str, path: str, out: str, rev: str) -> dict:
    if which == "before":
        export = load_before(rev).export_perfetto
    else:
        from tmigr_trace.export_perfetto import export_perfetto as export
    t0, c0 = time.perf_counter(), time.process_time()
    st = export(path, out, force=True)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"exporter": which, "events": st.events, "packets": st.packets, "seconds": round(dt, 2),
            "events_per_s": int(st.events / dt), "cpu_seconds": round(cpu, 2),
            "events_per_cpu_s": int(st.events / cpu),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "out_mib": round(Path(out).stat().st_size / 2**20, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--source", type=Path, default=None, help="a real capture in Parquet")
    ap.add_argument("--before-rev", default="3833c62", help="git revision of the previous exporter")
    ap.add_argument("--no-before", action="store_true", help="measure only this install's exporter")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_child(*a.child)))
        return
    from replay import make_big

    tmp = Path(tempfile.mkdtemp(prefix="tmigr-bench-export-"))
    src = a.source
    if src is None:
        src = tmp / "host.parquet"
        rel = (ROOT / "fixtures/host-6.18/release").read_text().strip()
        subprocess.run(["tmigr-trace", "import", str(ROOT / "fixtures/host-6.18/trace.txt.gz"), "-o", str(src),
                        "--kernel", rel], check=True, capture_output=True)
    big = tmp / "big.parquet"
    t0 = time.perf_counter()
    rows = make_big(src, big, a.events)
    print(f"# {rows} events ({big.stat().st_size / 2**20:.1f} MiB Parquet) made in {time.perf_counter() - t0:.1f} s",
          flush=True)
    results = {}
    for which in (("after",) if a.no_before else ("before", "after")):
        out = tmp / f"{which}.pftrace"
        p = subprocess.run([sys.executable, __file__, "--child", which, str(big), str(out), a.before_rev],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"# {which}: failed: {p.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        results[which] = r
        print(which, json.dumps(r), flush=True)
        out.unlink()
    if "before" in results and "after" in results:
        b, f = results["before"], results["after"]
        results["speedup_wall"] = round(f["events_per_s"] / b["events_per_s"], 1)
        results["speedup_cpu"] = round(f["events_per_cpu_s"] / b["events_per_cpu_s"], 1)
    big.unlink()
    print(json.dumps({"source": str(a.source or "fixtures/host-6.18/trace.txt.gz"), "events": rows, **results}))


if __name__ == "__main__":
    main()
