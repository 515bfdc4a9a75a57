"""`tmigr-trace diff A B`: what changed significantly from captures A (baseline) to B (candidate).

A and B are each a capture, a directory of captures or a partitioned dataset. Prints the
statistics whose distributions differ (Mann-Whitney U, Holm-corrected; KS; Cliff's delta; bootstrap
CI). Exit status: 0 (and the --fail-on gate passed), 1 a gate rule was crossed, 2 bad input,
3 a gate rule's metric has no value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import complete_faults
from .report_common import check_faults, check_outdir, parse_gate, run


def _f(v) -> str:
    return "-" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v)


def diff_cmd(
    a: Path = typer.Argument(..., help="baseline: capture, directory or dataset"),
    b: Path = typer.Argument(..., help="candidate: capture, directory or dataset"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", metavar="RULES",
                                          help="gate, e.g. 'divergences>0,lateness_p99>+20%,handoffs_per_s>+50%'"),
    gate_raw: bool = typer.Option(False, "--gate-raw", help="relative rules compare point estimates (no confidence test)"),
    fault: list[str] = typer.Option([], "--fault", autocompletion=complete_faults, help="replay B with this historical bug"),
    show_all: bool = typer.Option(False, "--all", help="list every statistic, not only the significant ones"),
    as_json: bool = typer.Option(False, "--json", help="print the comparison and the gate as one JSON object (schema tmigr_trace/schemas/diff.schema.json)"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="also write the full report into this directory"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite the report files in --output"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local Dask worker processes (0: in this process)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS", help="use this Dask scheduler"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress lines, no summary of the files written"),
) -> None:
    """What changed from A to B, tested on distributions; --fail-on makes it a CI gate."""
    from ..report import apply_gate, build, to_json, write
    from ..report.inputs import resolve
    from ..report.render import headline

    rules = parse_gate(fail_on)
    if output is not None:
        check_outdir(output, force)
    items = resolve([a], "baseline") + resolve([b], "candidate", check_faults(fault))
    rep = build(run(items, workers, scheduler, quiet, plots=output is not None))
    if rules is not None:
        apply_gate(rep, fail_on, rules, raw=gate_raw)
    if output is not None:
        paths = write(rep, output)
        if not quiet:
            from .common import diag

            diag(f"wrote {paths['html']}, {paths['md']}, {paths['json']}")
    if as_json:
        from ..jsonout import dumps

        doc = to_json(rep)
        print(dumps("diff", {"baseline": str(a), "candidate": str(b), "exit_status": rep.exit_code,
                             **{k: doc[k] for k in ("comparison", "gate", "notes")},
                             "divergences": {s: v["totals"]["divergences"] for s, v in doc["sides"].items()}}))
        raise typer.Exit(rep.exit_code)
    from rich.table import Table

    from .common import out, print_rich_table

    out(headline(rep)[0])
    shown = [c for c in rep.comparisons if c.significant or show_all]
    t = Table(title=f"{'all statistics' if show_all else 'significant changes'}: A = {a} ({len(rep.sides['baseline'].captures)}), "
                    f"B = {b} ({len(rep.sides['candidate'].captures)})", title_justify="left")
    for col in ("statistic", "unit", "mean A", "mean B", "p99 A", "p99 B", "B-A mean [95% CI]", "MWU p (Holm)",
                "KS p", "Cliff's d", "effect"):
        t.add_column(col, justify="left" if col in ("statistic", "effect") else "right", no_wrap=True)
    for c in shown:
        ci = "-" if c.mean_diff is None else f"{c.mean_diff:.4g} [{_f(c.ci_low)}, {_f(c.ci_high)}]"
        t.add_row(c.statistic, c.unit, _f(c.mean_a), _f(c.mean_b), _f(c.p99_a), _f(c.p99_b), ci, _f(c.mwu_p_holm),
                  _f(c.ks_p), _f(c.cliffs_delta), c.magnitude or c.note, style="bold" if c.significant else None)
    if shown:
        print_rich_table(t)
    for v in rep.verdicts or []:
        out(f"  {v.status.upper():7} {v.why}")
    raise typer.Exit(rep.exit_code)


def register(app: typer.Typer) -> None:
    from .common import exit_codes

    app.command("diff", short_help="What changed significantly from A to B; a CI gate (--fail-on).",
                epilog=exit_codes({0: "printed (and the --fail-on gate passed)", 1: "a --fail-on rule was crossed",
                                   3: "a --fail-on rule's metric has no value in these captures"}))(diff_cmd)
