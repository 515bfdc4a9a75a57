"""Every real trace of the repository, replayed as a user would: checks, divergences (false ones:
the kernels are healthy) and the not-decidable fraction per trace, with its reasons.

    python benchmarks/repo_traces.py [--json OUT.json] [EXTRA_DIR ...]

Traces: every real trace file under fixtures/ (text, captures, Parquet of live captures, trace.dat,
Perfetto; this box, the lab, the regressions, the outside class with all its subfolders), the
outside-lab examples when present, and `*.xz` of EXTRA_DIR (e.g. traces of other boxes). Issue #11's target is at most 1 % not decidable on each; the table marks the ones
above it and says why (reasons as the replay counts them, per kind).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)
import mutations  # noqa: E402
import outside_class  # noqa: E402


TRACE_SUFFIXES = (".trace.txt.xz", ".txt.gz", ".tar.gz", ".parquet", ".dat", ".dat.xz", ".perfetto-trace",
                  ".perfetto-trace.gz")


def repo_files() -> list[Path]:
    """Every trace file under fixtures/ (all subfolders), whatever its format."""
    fixtures = fixture_cache.ROOT / "fixtures"
    return sorted(p for p in fixtures.rglob("*") if p.is_file() and p.name.endswith(TRACE_SUFFIXES))


def traces(extra: list[Path]) -> list[Path]:
    seen: list[Path] = []
    for p in mutations.sources() + repo_files() + outside_class.sources(extra):
        if p not in seen:
            seen.append(p)
    return seen


def main() -> None:
    a = outside_class.arguments(__doc__)
    import tmigr_trace
    from tmigr_trace.errors import TmigrError

    rows = []
    print(f"{'trace':55s} {'checks':>8s} {'div':>4s} {'not dec.':>8s} {'%':>6s}  reasons (above 1 %)")
    for src in traces(a.extra):
        pq = fixture_cache.to_parquet(src, mutations.CACHE)
        if pq is None:
            continue
        name = fixture_cache.short_name(src)
        try:
            r = tmigr_trace.replay(str(pq))
        except TmigrError as exc:       # refused with one line (e.g. a too coarse clock)
            print(f"{name:55s} refused: {str(exc).split(': ', 1)[-1][:90]}", flush=True)
            rows.append({"trace": name, "refused": str(exc)})
            continue
        frac = 100 * r.undecidable / max(r.checked, 1)
        why: Counter = Counter()
        for kind, reasons in (r.undecidable_reasons or {}).items():
            for reason, n in reasons.items():
                why[f"{kind}: {reason}"] += n
        row = {"trace": name, "checked": r.checked, "diverged": r.diverged, "undecidable": r.undecidable,
               "undecidable_pct": round(frac, 3), "reasons": dict(why), "silent_cpus": list(r.hierarchy.get("silent_cpus", []))}
        rows.append(row)
        top = "; ".join(f"{k} ({n})" for k, n in why.most_common(2)) if frac > 1 else ""
        print(f"{name:55s} {r.checked:8d} {r.diverged:4d} {r.undecidable:8d} {frac:5.2f}%  {top}", flush=True)
    refused = [r for r in rows if "refused" in r]
    rows = [r for r in rows if "refused" not in r]
    c, d, u = (sum(r[k] for r in rows) for k in ("checked", "diverged", "undecidable"))
    over = [r["trace"] for r in rows if r["undecidable_pct"] > 1]
    print(f"\n{len(rows)} traces, {c:,} checks, {d} divergences, {100 * u / max(c, 1):.2f} % not decidable; "
          f"{len(rows) - len(over)} of {len(rows)} at or below 1 %" + (f"; {len(refused)} refused" if refused else ""))
    if a.json:
        a.json.write_text(json.dumps(rows + refused, indent=1))


if __name__ == "__main__":
    main()
