"""`tmigr-trace report`: a report of one set of captures, or of a baseline and a candidate set.

Writes report.html (self-contained), report.md and report.json (schema tmigr-trace/report v1,
tmigr_trace/schemas/report.schema.json).
Exit status: 0 written (and the --fail-on gate passed), 1 a gate rule was crossed, 2 bad input,
3 a gate rule's metric has no value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TmigrError
from .common import complete_faults
from .report_common import check_faults, check_outdir, parse_gate, run

HELP = """Report on captures: `report T1.parquet T2.parquet -o DIR/` for one set, or
`report --baseline A1.parquet A2.parquet --candidate B1.parquet B2.parquet -o DIR/` for two
(each a file, a directory of *.parquet, or a host=/kernel= partitioned dataset)."""


def parse_window(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split(":"))
    except ValueError:
        raise TmigrError(f"--timeline {text!r}: expected START:END in seconds, e.g. 1.5:3.5") from None
    if not 0 <= a < b:
        raise TmigrError(f"--timeline {text!r}: need 0 <= START < END")
    return a, b


def split_sides(tokens: list[str]) -> dict[str, list[str]]:
    """Positional paths, switched to a side by the --baseline / --candidate markers before them."""
    sides: dict[str, list[str]] = {"captures": [], "baseline": [], "candidate": []}
    side = "captures"
    for tok in tokens:
        if tok in ("--baseline", "--candidate"):
            side = tok[2:]
        elif tok.startswith("-"):
            raise TmigrError(f"unknown option {tok}")
        else:
            sides[side].append(tok)
    if sides["captures"] and (sides["baseline"] or sides["candidate"]):
        raise TmigrError("give either captures or --baseline/--candidate, not both")
    if bool(sides["baseline"]) != bool(sides["candidate"]):
        raise TmigrError("--baseline and --candidate go together (each with one or more captures)")
    return {k: v for k, v in sides.items() if v}


def report_cmd(
    ctx: typer.Context,
    output: Path = typer.Option(..., "-o", "--output", help="directory for report.html, report.md, report.json"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite the report files in DIR"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", metavar="RULES",
                                          help="gate, e.g. 'divergences>0,lateness_p99>+20%,handoffs_per_s>+50%'"),
    gate_raw: bool = typer.Option(False, "--gate-raw", help="relative rules compare point estimates (no confidence test)"),
    fault: list[str] = typer.Option([], "--fault", autocompletion=complete_faults, help="replay the candidate (or every capture of one set) with this historical bug"),
    timeline: Optional[str] = typer.Option(None, "--timeline", metavar="START:END",
                                           help="migrator timeline window, seconds since each capture's first event (default 0:2)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local Dask worker processes (default: one per core; 0: in this process)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS", help="use this Dask scheduler (tcp://host:8786)"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress lines, no summary of the files written"),
) -> None:
    """Regression report over captures (HTML, Markdown, JSON); with --baseline/--candidate: what changed."""
    from ..report import apply_gate, build, write
    from ..report.inputs import resolve

    sides = split_sides(list(ctx.args))
    if not sides:
        raise TmigrError("no captures given (report T.parquet... -o DIR, or --baseline A... --candidate B... -o DIR)")
    if workers is not None and workers < 0:
        raise TmigrError("--workers must be >= 0")
    rules = parse_gate(fail_on)
    check_outdir(output, force)
    faults = check_faults(fault)
    window = parse_window(timeline) if timeline is not None else None
    items = []
    for side, paths in sides.items():
        items += resolve(paths, side, faults if side in ("captures", "candidate") else ())
    for it in items:
        it.timeline_s = window
    rep = build(run(items, workers, scheduler, quiet))
    if rules is not None:
        apply_gate(rep, fail_on, rules, raw=gate_raw)
    paths = write(rep, output)
    from ..report.render import headline

    from .common import diag, out

    out(headline(rep)[0])
    for v in rep.verdicts or []:
        out(f"  {v.status.upper():7} {v.why}")
    if not quiet:
        diag(f"wrote {paths['html']}, {paths['md']}, {paths['json']}")
    raise typer.Exit(rep.exit_code)


def register(app: typer.Typer) -> None:
    from .common import exit_codes

    app.command("report", help=HELP + "\n\n" + (report_cmd.__doc__ or ""),
                short_help="A regression report of captures, or of two sets side by side (html, md, json).",
                epilog=exit_codes({0: "written (and the --fail-on gate passed)", 1: "a --fail-on rule was crossed",
                                   3: "a --fail-on rule's metric has no value in these captures"}),
                options_metavar="[OPTIONS] (TRACE... | --baseline A... --candidate B...)",
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(report_cmd)
