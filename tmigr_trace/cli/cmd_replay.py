"""`tmigr-trace replay TRACE`: walk a trace through the model and report where they disagree.

Exit status: 0 agreement (checks ran, none diverged), 1 something diverged, 2 bad input, 3 nothing
was checked (no decision of the trace could be compared: not an agreement). With --which-bug: 0 the
fixed kernel fits, 1 it does not, 3 nothing was checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import TmigrError
from .common import complete_faults, complete_models, exit_codes

# divergence_log.DEFAULT_MEMORY, spelled out so that --help does not import pyarrow (a test keeps
# the two equal).
DEFAULT_MEMORY = 10_000
EXIT_AGREEMENT, EXIT_DIVERGED, EXIT_NOTHING_CHECKED = 0, 1, 3
EXIT_CODES = {EXIT_AGREEMENT: "agreement: decisions were checked and none diverged (--which-bug: the fixed kernel fits)",
              EXIT_DIVERGED: "divergences found (listed; a result, not a failure of the tool; --which-bug: the fixed kernel does not fit)",
              EXIT_NOTHING_CHECKED: "nothing checked: no decision in the trace could be compared (not an agreement)"}


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
    model: Optional[str] = typer.Option(None, "--model", autocompletion=complete_models, help="model profile (default: from the trace's evidence; several admitted eras are each replayed)"),
    kernel: Optional[str] = typer.Option(None, "--kernel", help="kernel release of a trace that does not record it (text), e.g. 7.3.4"),
    fault: list[str] = typer.Option([], "--fault", autocompletion=complete_faults, help="replay against a model with this historical bug (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (first 100 divergences; all with --all); schema tmigr_trace/schemas/replay.schema.json"),
    jsonl: bool = typer.Option(False, "--jsonl", help="stream JSON lines: the summary, then every divergence (schema replay-record.schema.json)"),
    all_divergences: bool = typer.Option(False, "--all", help="with --json: every divergence, not the first 100"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="write all divergences to this Parquet file"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite --output"),
    explain: Optional[int] = typer.Option(None, "--explain", help="tell the story of divergence N"),
    window_us: float = typer.Option(50.0, "--window-us", help="with a per-CPU (`local`) clock, updates of one group by two CPUs closer than this are not ordered by their stamps (microseconds; a safety bound: steps are ordered by the state chains, docs/replay.md)"),
    limit: int = typer.Option(20, "--limit", help="divergences listed in the table"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="summary only, no progress"),
    in_memory: int = typer.Option(DEFAULT_MEMORY, "--divergences-in-memory", metavar="N",
                                  help="divergences kept in memory; the rest go to a temporary file"),
    which_bug: bool = typer.Option(False, "--which-bug", help="replay with the fixed model and with each historical fault of its era; say which fit (docs/which-bug.md)"),
) -> None:
    """Replay a trace through the model of the timer migration hierarchy, decision by decision."""
    from ..divergence_log import write_divergences
    from ..replay.api import replay
    from ..replay.report import divergence_table, evidence_lines, explain as explain_story, summary_table
    from ..store import check_output_path
    from ..trace import load
    from . import progress
    from .common import diag, out, print_rich_table

    if jsonl and (as_json or explain is not None):
        raise TmigrError("--jsonl excludes --json and --explain")
    if all_divergences and not as_json:
        raise TmigrError("--all applies to --json (--jsonl always streams every divergence)")
    out_path = check_output_path(output, force) if output is not None else None
    if window_us < 0:
        raise TmigrError("--window-us must be >= 0")
    if in_memory < 0:
        raise TmigrError("--divergences-in-memory must be >= 0")
    tr = load(trace)
    if which_bug:
        from ..which_bug import render, which_bug as search_bugs

        if fault or output is not None or explain is not None:
            raise TmigrError("--which-bug tries every fault itself: not with --fault, -o or --explain")
        with progress.bar("which bug", None, unit="replays", quiet=quiet) as bar:
            def on_variant(done: int, total: int, name: str) -> None:
                bar.update(total=total, completed=done, description=f"which bug: {name}")

            found = search_bugs(tr, model=model, kernel=kernel, window_us=window_us, on_variant=on_variant)
            bar.count = 1 + len(found.candidates)      # for -v's closing line
        status = (EXIT_NOTHING_CHECKED if found.nothing_checked else EXIT_AGREEMENT if found.fixed_fits
                  else EXIT_DIVERGED)
        if as_json:
            from ..jsonout import dumps

            print(dumps("which-bug", {**found.to_dict(), "exit_status": status}))
        else:
            render(found, out, print_rich_table)
        raise typer.Exit(status)
    tr.check_values()
    with progress.bar("replaying", tr.num_events, quiet=quiet) as bar:
        res = replay(progress.counting_trace(tr, bar, "replaying"), model=model, fault=fault or None,
                     kernel=kernel, window_us=window_us, divergences_in_memory=in_memory)
    if out_path is not None:
        from ..cleanup import atomic_output

        with atomic_output(out_path) as tmp:
            write_divergences(res.divergences, tmp)   # streamed: the spilled part row group by row group
    status = (EXIT_NOTHING_CHECKED if res.checked == 0 else EXIT_DIVERGED if res.diverged else EXIT_AGREEMENT)
    if explain is not None:
        if not 0 <= explain < len(res.divergences):
            raise TmigrError(f"--explain {explain}: there are {len(res.divergences)} divergences")
        d = res.divergences[explain]
        out(explain_story(res, explain, _rows_around(tr, d.index)))
    elif as_json or jsonl:
        from ..jsonout import dumps

        summary = {**res.to_dict(None if all_divergences else 100), "verdict": _verdict(status),
                   "exit_status": status, "trace": str(trace)}
        if jsonl:
            summary.pop("divergences")
            print(dumps("replay-record", {"record": "summary", **summary}))
            for n, d in enumerate(res.divergences):   # streamed: the spilled part from its file
                print(dumps("replay-record", {"record": "divergence", "n": n, **d.to_dict()}))
        else:
            print(dumps("replay", summary))
    else:
        print_rich_table(summary_table(res))
        for line in evidence_lines(res):
            out(line)
        for note in res.notes:
            out(f"note: {note}")
        if res.divergences and not quiet:
            print_rich_table(divergence_table(res, limit))
            diag("use --explain N for the story of divergence N")
        out(_verdict_line(res, status))
    if out_path is not None and not quiet:
        diag(f"{out_path}: {len(res.divergences)} divergences")
    raise typer.Exit(status)


def _verdict_line(res, status: int) -> str:
    if status == EXIT_NOTHING_CHECKED:
        return (f"verdict: nothing checked: none of the {res.events} events gave a decision the model could "
                f"compare, so this is not an agreement (exit status {status})")
    if status == EXIT_DIVERGED:
        return f"verdict: {res.diverged} divergences in {res.checked} checks (exit status {status})"
    return f"verdict: agreement: {res.checked} checks, none diverged (exit status {status})"


def _verdict(status: int) -> str:
    return {EXIT_AGREEMENT: "agreement", EXIT_DIVERGED: "diverged", EXIT_NOTHING_CHECKED: "nothing_checked"}[status]


def register(app: typer.Typer) -> None:
    app.command("replay", short_help="Replay a trace through the model; list the divergences.",
                epilog=exit_codes(EXIT_CODES))(replay_cmd)
