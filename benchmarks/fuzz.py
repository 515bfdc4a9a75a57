"""The long fuzz run over every input path (tests/fuzz_inputs.py: seeds, damage, oracle).

    python benchmarks/fuzz.py                    # >= 10,000 cases over all formats (12 seeds x 17 rounds x 50 = 10,200)
    python benchmarks/fuzz.py --cases 1000 --seed 7 --timeout 10 --json out.json
    python benchmarks/fuzz.py --cases 500 --only trace.dat          # one input path

Cases are split evenly over the seeds (text, trace-cmd report, .gz/.xz/.zst, capture tarball
plain and gzip'd, trace.dat, Perfetto in both generic-event encodings, Parquet). Prints one line per seed with the outcomes (imported, refused,
traceback, hang, silent) and, for every failure, what was done and the message. Exit 1 when any
case failed (a traceback, a hang over --timeout seconds, or a silent partial import).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, Phase, given, seed as hyp_seed, settings  # noqa: E402

import tmigr_trace  # noqa: E402
from fuzz_inputs import damaged, run_case, seeds  # noqa: E402


def _run_seed(sd, counts, failures, per, args, work, reference, rnd: int = 0) -> None:
    @hyp_seed(args.seed * 1000 + rnd)
    @settings(max_examples=per, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(damaged(sd))
    def case(variant):
        what, data = variant
        out = run_case(sd, data, work, timeout_s=args.timeout, reference_table=reference)
        counts[out.kind] += 1
        if out.kind not in ("imported", "refused"):
            failures.append({"seed": sd.name, "what": what[:300], "outcome": out.kind, "detail": out.detail[-800:]})

    case()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000, help="total cases over all seeds")
    ap.add_argument("--seed", type=int, default=12, help="hypothesis seed (the run is reproducible)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per case before it counts as a hang")
    ap.add_argument("--json", type=Path, help="write the outcomes here")
    ap.add_argument("--only", action="append", metavar="SEED", help="only these seeds (e.g. trace.dat; repeatable)")
    args = ap.parse_args()
    every_seed = seeds()
    all_seeds = [s for s in every_seed if not args.only or s.name in args.only]
    if not all_seeds:
        ap.error(f"no seed named {', '.join(args.only)} (seeds: {', '.join(s.name for s in every_seed)})")
    per = max(1, -(-args.cases // len(all_seeds)))  # at least --cases in all
    results: dict[str, collections.Counter] = {}
    failures: list[dict] = []
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tmigr-fuzz-") as d:
        work = Path(d)
        ref_path = work / "ref.parquet"
        ref_path.write_bytes(next(s for s in every_seed if s.kind == "parquet").data)
        reference = tmigr_trace.load(ref_path).table
        # in rounds over all seeds (each round its own hypothesis seed), so that a run stopped
        # early has covered every format; the JSON is rewritten after every round
        rounds = max(1, -(-per // ROUND))
        for rnd in range(rounds):
            for sd in all_seeds:
                counts = results.setdefault(sd.name, collections.Counter())
                _run_seed(sd, counts, failures, min(ROUND, per), args, work, reference, rnd)
            _report(results, failures, args, t0, final=rnd == rounds - 1)
    agg = _report(results, failures, args, t0, final=True, quiet=True)
    return 1 if any(agg[k] for k in ("traceback", "hang", "silent")) else 0


ROUND = 50


def _report(results, failures, args, t0, final: bool, quiet: bool = False) -> collections.Counter:
    agg = collections.Counter()
    for c in results.values():
        agg.update(c)
    n = sum(agg.values())
    if not quiet:
        if final:
            for name, counts in results.items():
                print(f"{name:22} {sum(counts.values()):6d} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        print(f"{'all' if final else 'so far':22} {n:6d} cases in {time.monotonic() - t0:.0f} s: "
              + ", ".join(f"{k} {v}" for k, v in sorted(agg.items())), flush=True)
        if final:
            for f in failures[:50]:
                print(f"FAIL {f['seed']}: {f['outcome']}: {f['what']}\n    {f['detail']}")
    if args.json:
        args.json.write_text(json.dumps({"cases": n, "outcomes": dict(agg), "by_seed": {k: dict(v) for k, v in results.items()},
                                         "failures": failures, "seed": args.seed, "timeout_s": args.timeout,
                                         "seconds": round(time.monotonic() - t0)}, indent=1))
    return agg


if __name__ == "__main__":
    os.environ.setdefault("TMIGR_TRACE_PURE", "1")
    sys.exit(main())
