"""What `report` and `diff` share: running the analyses with progress, the gate rules, the output dir."""

from __future__ import annotations

from pathlib import Path

from ..errors import TmigrError

REPORT_FILES = ("report.html", "report.md", "report.json")


def check_outdir(outdir: Path, force: bool) -> Path:
    if outdir.exists() and not outdir.is_dir():
        raise TmigrError(f"{outdir}: exists and is not a directory")
    taken = [f for f in REPORT_FILES if (outdir / f).exists()]
    if taken and not force:
        raise TmigrError(f"{outdir}: already has {', '.join(taken)} (use --force to overwrite)")
    return outdir


def check_faults(faults: list[str]) -> tuple[str, ...]:
    from ..replay.model import FAULTS

    bad = [f for f in faults if f not in FAULTS]
    if bad:
        raise TmigrError(f"unknown fault {bad[0]!r}; known: {', '.join(FAULTS)}")
    return tuple(faults)


def run(items, workers, scheduler, quiet: bool, plots: bool = True):
    """The analyses of `items`: a progress bar of captures done on a terminal, and one diagnostic
    line per capture done (stderr; none with -q). `plots`: a report will be drawn (matplotlib is
    imported while the workers replay)."""
    from ..report.fleet import run_all
    from . import progress
    from .common import diag

    if not items:
        raise TmigrError("no captures given")
    n = len(items)
    done = []

    with progress.bar("analysing captures", n, unit="captures", quiet=quiet) as bar:
        def one_done(a) -> None:
            done.append(a)
            bar.advance(1)
            if not quiet:
                diag(f"[{len(done)}/{n}] {a.side} {a.name}: {a.replay['checked']} checks, "
                     f"{a.replay['diverged']} divergences ({a.seconds:.1f} s)")

        return run_all(items, workers=workers, scheduler=scheduler, progress=one_done, plots=plots)


def parse_gate(spec: str | None):
    from ..report.gate import parse

    if spec is None:
        return None
    from ..report.aggregate import known_metric

    rules = parse(spec)
    for r in rules:
        if not known_metric(r.metric):
            raise TmigrError(f"--fail-on {r.text!r}: unknown metric {r.metric!r} "
                             "(see docs/report.md: divergences, lateness_p99, handoffs_per_s, ...)")
    return rules
