"""`tmigr-trace replay TRACE`: walk a trace through the model and report where they disagree.

Exit status: 0 nothing diverged, 1 something diverged, 2 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..divergence_log import DEFAULT_MEMORY
from ..errors import TmigrError
from ..store import check_output_path
from .common import out_console


def _rows_around(trace, index: int, radius: int = 8) -> list[dict]:
    """Trace rows [index-radius, index+radius] (stored order), read batch by batch."""
    if index < 0:
        return []
    lo, hi = max(0, index - radius), index + radius + 1
    out: list[dict] = []
    pos = 0
    cols = ["ts", "cpu", "event", "group", "child", "target_cpu", "lvl", "childmask", "active", "migrator",
            "wakeup", "nextevt", "group_next_expiry", "child_evt_expiry", "child_evtcpu"]
    for batch in trace.iter_batches(65536, columns=cols):
        n = batch.num_rows
        if pos + n > lo and pos < hi:
            a, b = max(lo - pos, 0), min(hi - pos, n)
            for k, r in enumerate(batch.slice(a, b - a).to_pylist()):
                r["_index"] = pos + a + k
                for p in ("group", "child"):
                    if r.get(p) is not None:
                        r[p] = f"{r[p]:x}"
                for m in ("childmask", "active", "migrator"):
                    if r.get(m) is not None:
                        r[m] = f"{r[m]:x}"
                out.append(r)
        pos += n
        if pos >= hi:
            break
    return out


def replay_cmd(
    trace: Path = typer.Argument(..., help="a tmigr-trace Parquet file"),
    model: Optional[str] = typer.Option(None, "--model", help="model profile (default: from the trace's evidence; several admitted eras are each replayed)"),
    kernel: Optional[str] = typer.Option(None, "--kernel", help="kernel release of a trace that does not record it (text), e.g. 7.3.4"),
    fault: list[str] = typer.Option([], "--fault", help="replay against a model with this historical bug (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (first 100 divergences)"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write all divergences to this Parquet file"),
    force: bool = typer.Option(False, "--force", help="overwrite --output"),
    explain: Optional[int] = typer.Option(None, "--explain", help="tell the story of divergence N"),
    window_us: float = typer.Option(50.0, "--window-us", help="cross-CPU reordering window (microseconds)"),
    limit: int = typer.Option(20, "--limit", help="divergences listed in the table"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="summary only"),
    in_memory: int = typer.Option(DEFAULT_MEMORY, "--divergences-in-memory", metavar="N",
                                  help="divergences kept in memory; the rest go to a temporary file"),
) -> None:
    """Replay a trace through the model of the timer migration hierarchy, decision by decision."""
    from ..replay.api import replay
    from ..divergence_log import write_divergences
    from ..replay.report import divergence_table, evidence_lines, explain as explain_story, summary_table
    from ..trace import load

    out_path = check_output_path(output, force) if output is not None else None
    if window_us < 0:
        raise TmigrError("--window-us must be >= 0")
    if in_memory < 0:
        raise TmigrError("--divergences-in-memory must be >= 0")
    tr = load(trace)
    tr.check_values()
    res = replay(tr, model=model, fault=fault or None, kernel=kernel, window_us=window_us,
                 divergences_in_memory=in_memory)
    if out_path is not None:
        from ..cleanup import atomic_output

        with atomic_output(out_path) as tmp:
            write_divergences(res.divergences, tmp)   # streamed: the spilled part row group by row group
    if explain is not None:
        if not 0 <= explain < len(res.divergences):
            raise TmigrError(f"--explain {explain}: there are {len(res.divergences)} divergences")
        d = res.divergences[explain]
        out_console.print(explain_story(res, explain, _rows_around(tr, d.index)), markup=False)
    elif as_json:
        print(json.dumps(res.to_dict(100), sort_keys=True))
    else:
        out_console.print(summary_table(res))
        for line in evidence_lines(res):
            out_console.print(line, markup=False)
        for note in res.notes:
            out_console.print(f"note: {note}", markup=False)
        if res.divergences and not quiet:
            out_console.print(divergence_table(res, limit))
            out_console.print("use --explain N for the story of divergence N", markup=False)
    raise typer.Exit(1 if res.diverged else 0)


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_cmd)
