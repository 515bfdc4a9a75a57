"""Robustness to trace clocks that differ between CPUs, measured: shift every row of each CPU by
a fixed offset (the `local` trace clock is per CPU; two CPUs' clocks can be off by some us),
re-sort by stamp, replay, count divergences. The kernel did the same thing in every variant, so
each divergence is a false one.

    python benchmarks/clock_skew.py                       # this box's live captures (fixtures/host-6.18)
    python benchmarks/clock_skew.py --offsets 250 1000 2000 --seeds 3 [--json F] [TRACE.parquet ...]

Offsets: CPU c gets +-N ns (sign alternating with c, magnitude 50-100 % of N, seeded), so two
CPUs' clocks differ by up to 2N. Reported per N: traces, checks, false divergences, traces with any,
not-decidable fraction, and the same without the ordering search's clock slack
(`tie_order.SKEW_SLACK_NS` = 0) for comparison.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mutations  # noqa: E402  (benchmarks/ is not a package: its table helpers)

import tmigr_trace  # noqa: E402
import tmigr_trace.replay.tie_order as tie_order  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def skewed(src: str, out: str, offset_ns: int, seed: int) -> dict[int, int]:
    """Write `src` with per-CPU clock offsets to `out`; return the offsets."""
    table, meta = mutations.load_table(src)
    ts = table.column("ts").to_numpy().copy()
    cpu = table.column("cpu").to_numpy()
    rng = random.Random(seed)
    offsets = {int(c): (offset_ns if (int(c) + seed) % 2 else -offset_ns) * rng.randint(50, 100) // 100
               for c in sorted(set(cpu.tolist()))}
    for c, o in offsets.items():
        ts[cpu == c] += o
    k = table.schema.get_field_index("ts")
    table = table.set_column(k, table.schema.field(k), pa.array(ts, type=table.schema.field(k).type))
    table = table.take(pa.array(np.argsort(ts, kind="stable")))
    mutations.write_table(table, meta, out)
    return offsets


def measure(paths: list[str], offsets: list[int], seeds: int, slack: int) -> list[dict]:
    tie_order.SKEW_SLACK_NS = slack
    rows = []
    with tempfile.TemporaryDirectory(prefix="tmigr-skew-") as tmp:
        out = str(Path(tmp) / "skewed.parquet")
        for n in offsets:
            checks = divs = und = bad = runs = 0
            for src in paths:
                for seed in range(1, seeds + 1):
                    skewed(src, out, n, seed)
                    r = tmigr_trace.replay(out)
                    checks += r.checked
                    divs += r.diverged
                    und += r.undecidable
                    bad += r.diverged > 0
                    runs += 1
            rows.append({"offset_ns": n, "slack_ns": slack, "replays": runs, "checks": checks,
                         "false_divergences": divs, "replays_with_any": bad,
                         "undecidable_pct": round(100 * und / max(checks, 1), 2)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("traces", nargs="*", help="Parquet traces (default: fixtures/host-6.18/*.parquet)")
    ap.add_argument("--offsets", type=int, nargs="+", default=[0, 250, 500, 1000, 2000])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    paths = a.traces or sorted(str(p) for p in (ROOT / "fixtures" / "host-6.18").glob("*.parquet"))
    slack = tie_order.SKEW_SLACK_NS
    print(f"$ python benchmarks/clock_skew.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {len(paths)} traces x {a.seeds} seeds")
    rows = measure(paths, a.offsets, a.seeds, slack) + measure(paths, a.offsets, a.seeds, 0)
    tie_order.SKEW_SLACK_NS = slack
    print(f"{'offset (ns)':>11} {'slack (ns)':>10} {'replays':>7} {'checks':>10} {'false div':>9} "
          f"{'with any':>8} {'not dec.':>8}")
    for r in rows:
        print(f"{r['offset_ns']:>11} {r['slack_ns']:>10} {r['replays']:>7} {r['checks']:>10,} "
              f"{r['false_divergences']:>9} {r['replays_with_any']:>8} {r['undecidable_pct']:>7.2f}%")
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
