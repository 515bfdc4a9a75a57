"""Report time for two sets of 10 real captures (6.12/6.18 kernels vs 7.3.4), as a user runs it.

    python benchmarks/report.py [--workers 0 1 2] [--repeat 1] [--out DIR]

Imports the fixtures once (fixture_cache: not timed), then times `tmigr-trace report --baseline
... --candidate ... -o DIR` end to end (process start, Dask cluster start, 20 replays, statistics,
tests, plots, writing) for each worker count: 0 = in one process, N = a local Dask cluster of N
worker processes. Prints wall seconds and the sum of the per-capture analysis times.
"""

from __future__ import annotations

import argparse
import json
import os
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


def sets() -> tuple[list[Path], list[Path]]:
    corpus = FIX / "outside-class" / "corpus"
    base = (sorted((FIX / "lab").glob("lab-6.12*.tar.gz")) + sorted(corpus.glob("6.12.117-*.xz"))
            + sorted((FIX / "outside-class").glob("6.12.117-*.xz")) + sorted(corpus.glob("6.18.15-8cpu*.xz")))
    cand = sorted((FIX / "lab").glob("lab-7.3.4*.tar.gz")) + sorted((FIX / "regress").glob("*.tar.gz"))
    return base[:10], cand[:10]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", type=Path, help="keep the last report here (default: a temporary directory)")
    a = ap.parse_args()
    base, cand = sets()
    pa = [fixture_cache.to_parquet(s, CACHE) for s in base]
    pb = [fixture_cache.to_parquet(s, CACHE) for s in cand]
    if None in pa or None in pb:
        sys.exit("import failed")
    print(f"# baseline {len(pa)} captures ({sum(p.stat().st_size for p in pa) / 1e6:.1f} MB), "
          f"candidate {len(pb)} ({sum(p.stat().st_size for p in pb) / 1e6:.1f} MB); {os.cpu_count()} CPUs; "
          f"replay core {'pure Python' if os.environ.get('TMIGR_TRACE_PURE') else 'as installed'}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp) / "report"
        for w in a.workers:
            for _ in range(a.repeat):
                t = time.perf_counter()
                p = subprocess.run(["tmigr-trace", "report", "--baseline", *map(str, pa), "--candidate", *map(str, pb),
                                    "-o", str(out), "--force", "--workers", str(w), "-q",
                                    "--fail-on", "divergences>0,lateness_p99>+20%,handoffs_per_s>+50%"],
                                   capture_output=True, text=True)
                wall = time.perf_counter() - t
                if p.returncode not in (0, 1):
                    sys.exit(p.stderr)
                doc = json.loads((out / "report.json").read_text())
                caps = [c for s in doc["sides"].values() for c in s["captures"]]
                results.append({"workers": w, "wall_s": wall, "analysis_sum_s": sum(c["seconds"] for c in caps),
                                "events": sum(c["events"] for c in caps), "gate_exit": p.returncode})
                print(f"workers {w}: {wall:6.1f} s wall, per-capture analyses {results[-1]['analysis_sum_s']:.1f} s "
                      f"summed, {results[-1]['events']} events, gate exit {p.returncode}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
