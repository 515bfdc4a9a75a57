"""Per-trace replay counts, to prove a speed change did not change any result.

    python benchmarks/replay_counts.py [--save base.json] [--compare base.json] [--faults] [EXTRA.parquet ...]

Data-driven: every real capture under fixtures/ (host-6.18/*.txt.gz, lab/*.tar.gz, live-*/*.tar.gz,
regress/*.tar.gz;
new lab fixtures are picked up as they appear) is imported once (cached by name, size and mtime
in $TMPDIR/tmigr-counts) and replayed with the automatic profile, and with `--faults` also with
every historical bug switched on. For each run it prints the counts per kind, `reordered`,
`resyncs`, warm-up events and a digest of the full divergence list (every field, paths included).
`--compare` exits 1 if any run differs from a saved file (runs missing on either side are listed,
not failures: fixtures come and go).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "tmigr-counts"


def sources() -> list[Path]:
    f = ROOT / "fixtures"
    out = sorted((f / "host-6.18").glob("*.txt.gz"))
    out = [p for p in out if p.name != "report.txt.gz"]
    out += sorted((f / "lab").glob("*.tar.gz"))
    out += sorted(f.glob("live-*/*.tar.gz"))
    out += sorted((f / "regress").glob("*.tar.gz"))
    return out


def to_parquet(src: Path) -> Path | None:
    return fixture_cache.to_parquet(src, CACHE)


def counts(path: Path, fault: str | None = None) -> dict:
    from tmigr_trace.replay.api import replay

    res = replay(str(path), fault=fault)
    d = res.to_dict(max_divergences=None)
    digest = hashlib.sha1(json.dumps(d["divergences"], sort_keys=True, default=str).encode()).hexdigest()[:16]
    kinds = {k: [v["checked"], v["agreed"], v["diverged"], v["undecidable"], v["warmup"]]
             for k, v in d["by_kind"].items()}
    return {"events": d["events"], "tmigr_events": d["tmigr_events"], "warmup_events": d["warmup_events"],
            "checked": d["checked"], "agreed": d["agreed"], "diverged": d["diverged"],
            "undecidable": d["undecidable"], "reordered": d["reordered"], "resyncs": d["resyncs"],
            "by_kind": kinds, "profile": d["model_profile"], "divergences": d["divergences_total"],
            "div_digest": digest, "notes": len(d["notes"])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("extra", nargs="*", type=Path, help="more Parquet traces")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--faults", action="store_true", help="also every historical bug on every trace")
    a = ap.parse_args()
    from tmigr_trace.replay.model import FAULTS

    runs: dict[str, dict] = {}
    traces = [(s.name, to_parquet(s)) for s in sources()] + [(p.name, p) for p in a.extra]
    for name, pq in traces:
        if pq is None:
            continue
        for fault in [None] + (sorted(FAULTS) if a.faults else []):
            key = name + (f" +{fault}" if fault else "")
            r = counts(pq, fault)
            runs[key] = r
            print(f"{key}: checked={r['checked']} agreed={r['agreed']} diverged={r['diverged']} "
                  f"undecidable={r['undecidable']} warm={r['warmup_events']} reordered={r['reordered']} "
                  f"divs={r['divergences']} digest={r['div_digest']}", flush=True)
    if a.save:
        a.save.write_text(json.dumps(runs, indent=1, sort_keys=True))
    if a.compare:
        base = json.loads(a.compare.read_text())
        bad = [k for k in runs if k in base and runs[k] != base[k]]
        for k in bad:
            print(f"DIFFERENT {k}:\n  before {json.dumps(base[k], sort_keys=True)}\n  now    "
                  f"{json.dumps(runs[k], sort_keys=True)}")
        for k in sorted(set(base) ^ set(runs)):
            print(f"# only in {'baseline' if k in base else 'this run'}: {k}")
        print("counts identical" if not bad else f"{len(bad)} runs differ")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
