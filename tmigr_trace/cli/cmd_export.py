"""`tmigr-trace export TRACE -o OUT.pftrace [--replay]`: a Perfetto trace for ui.perfetto.dev."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import exit_codes


def export_cmd(
    trace: Path = typer.Argument(..., help="a tmigr-trace Parquet file"),
    output: Path = typer.Option(..., "-o", "--output", help="the Perfetto trace to write (.pftrace)"),
    replay: bool = typer.Option(False, "--replay", help="replay the trace and add a 'divergences' track"),
    model: Optional[str] = typer.Option(None, "--model", help="model profile for --replay (default: from the trace's kernel)"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite OUTPUT"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress, print nothing on success"),
) -> None:
    """Export a trace (and with --replay the kernel-vs-model divergences) as a Perfetto trace."""
    from ..export_perfetto import export_perfetto
    from ..trace import load
    from . import progress
    from .common import diag

    tr = load(trace)
    with progress.bar("exporting", tr.num_events, quiet=quiet) as bar:
        st = export_perfetto(progress.counting_trace(tr, bar, "exporting"), output, replay=replay,
                             model=model, force=force)
    if quiet:
        return
    line = (f"wrote {st.path}: {st.events} events, {st.cpus} CPUs, {st.groups} groups, "
            f"{st.idle_slices} idle slices, {st.counters} counter values, {st.setup_events} setup events")
    if st.divergences is not None:
        line += f", {st.divergences} divergences (model {st.model_profile})"
    diag(line)
    for note in st.notes:
        diag(f"note: {note}")
    diag("open it in https://ui.perfetto.dev (Open trace file)")


def register(app: typer.Typer) -> None:
    app.command("export", short_help="Export a trace (and its divergences) for ui.perfetto.dev.",
                epilog=exit_codes({0: "written"}))(export_cmd)
