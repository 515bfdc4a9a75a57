"""Regression reports across kernels: `tmigr-trace report` and `tmigr-trace diff`.

Layout: `inputs` (paths, directories, partitioned datasets -> captures), `analyze` (one capture:
replay + statistics; the unit a Dask worker runs), `stats` (decision statistics from the Parquet
events), `fleet` (parallel runs), `aggregate` (pooled per side and per host), `compare` (scipy
tests), `gate` (`--fail-on`), `model` (report.json), `plots` + `render` (report.html, report.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..jsonout import plain
from .gate import Rule, evaluate
from .model import Report, build, to_json
from .render import render_html, render_md

__all__ = ["Report", "build", "apply_gate", "write", "to_json"]


def apply_gate(rep: Report, spec: str, rules: list[Rule], raw: bool = False) -> None:
    """Evaluate `--fail-on` rules on the candidate (or the only side) against the baseline."""
    cand = "candidate" if rep.compare_mode else next(iter(rep.sides))
    base = rep.metrics("baseline") if rep.compare_mode else None
    samples = {s: {k: d.samples for k, d in p.dists.items()} for s, p in rep.sides.items()}
    rep.gate_spec = spec
    rep.verdicts = evaluate(rules, rep.metrics(cand), base, samples[cand], samples.get("baseline"), raw=raw)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write(rep: Report, outdir: Path) -> dict[str, Path]:
    """report.html, report.md and report.json into `outdir` (created if missing)."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {"html": outdir / "report.html", "md": outdir / "report.md", "json": outdir / "report.json"}
    _atomic_write(paths["json"], json.dumps(to_json(rep), indent=1, sort_keys=False, default=plain))
    _atomic_write(paths["md"], render_md(rep))
    _atomic_write(paths["html"], render_html(rep))
    return paths

