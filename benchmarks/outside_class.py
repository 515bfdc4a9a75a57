"""Replay fidelity on the outside class: every plain-text capture of fixtures/outside-class (and
its corpus/), imported and replayed exactly as a user would (no release, no topology).

    python benchmarks/outside_class.py [--json OUT.json] [EXTRA_DIR ...]

Prints one line per trace (checks, divergences, not decidable, profile, clock offset) and the
per-series table of the README ("Verified on real kernels"). EXTRA_DIR: more `*.trace.txt.xz`
(e.g. traces from other boxes). The kernels are healthy: every divergence is a false one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "tmigr-outside-class"


def sources(extra: list[Path]) -> list[Path]:
    base = ROOT / "fixtures" / "outside-class"
    out = sorted(base.glob("*.trace.txt.xz")) + sorted((base / "corpus").glob("*.trace.txt.xz"))
    for d in extra:
        out += sorted(Path(d).glob("*.xz"))
    return out


def series(name: str) -> str:
    """'7.3.4-32cpu-...' -> '7.3.4'; anything else -> 'other'."""
    head = name.split("-")[0]
    return head if head[:1].isdigit() else "other"


def arguments(doc: str) -> argparse.Namespace:
    """The command line of the trace benchmarks: more directories of traces, --json OUT."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("extra", nargs="*", type=Path, help="more directories of *.trace.txt.xz")
    ap.add_argument("--json", type=Path, help="write every trace's figures here")
    return ap.parse_args()


def main() -> None:
    a = arguments(__doc__)
    import tmigr_trace

    rows = []
    for src in sources(a.extra):
        pq = fixture_cache.to_parquet(src, CACHE)
        if pq is None:
            continue
        r = tmigr_trace.replay(pq)
        name = fixture_cache.short_name(src)
        row = {"trace": name, "checked": r.checked, "diverged": r.diverged, "undecidable": r.undecidable,
               "profile": r.model_profile, "fit": r.evidence["profile"]["fit"],
               "clock_offset_ms": round(r.evidence["clock"]["offset_ns"] / 1e6, 3),
               "lost_line_resyncs": r.resyncs["lost_events"]}
        rows.append(row)
        print(f"{name:55s} {r.checked:7d} checks {r.diverged:4d} diverged {r.undecidable:5d} not decidable "
              f"({100 * r.undecidable / max(r.checked, 1):.2f} %)  {r.model_profile}", flush=True)
    per: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        per[series(row["trace"])].append(row)
    print("\n| kernel | captures | checks | divergences (per capture) | not decidable |\n|---|---|---|---|---|")
    for s in sorted(per, key=lambda k: [int(x) if x.isdigit() else 0 for x in k.split(".")]):
        rs = per[s]
        c, d, u = (sum(r[k] for r in rs) for k in ("checked", "diverged", "undecidable"))
        print(f"| {s} | {len(rs)} | {c:,} | {d} ({' '.join(str(r['diverged']) for r in rs)}) | "
              f"{100 * u / max(c, 1):.2f} % |")
    c, d, u = (sum(r[k] for r in rows) for k in ("checked", "diverged", "undecidable"))
    print(f"\n{len(rows)} traces, {c:,} checks, {d} divergences, {100 * u / max(c, 1):.2f} % not decidable")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
