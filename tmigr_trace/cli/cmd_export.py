"""`tmigr-trace export TRACE -o OUT.pftrace [--replay]`: a Perfetto trace for ui.perfetto.dev."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import out_console


def export_cmd(
    trace: Path = typer.Argument(..., help="a tmigr-trace Parquet file"),
    output: Path = typer.Option(..., "-o", "--output", help="the Perfetto trace to write (.pftrace)"),
    replay: bool = typer.Option(False, "--replay", help="replay the trace and add a 'divergences' track"),
    model: Optional[str] = typer.Option(None, "--model", help="model profile for --replay (default: from the trace's kernel)"),
    force: bool = typer.Option(False, "--force", help="overwrite OUTPUT"),
) -> None:
    """Export a trace (and with --replay the kernel-vs-model divergences) as a Perfetto trace."""
    from ..export_perfetto import export_perfetto
    from ..trace import load

    tr = load(trace)
    tr.check_values()
    st = export_perfetto(tr, output, replay=replay, model=model, force=force)
    line = (f"wrote {st.path}: {st.events} events, {st.cpus} CPUs, {st.groups} groups, "
            f"{st.idle_slices} idle slices, {st.counters} counter values, {st.setup_events} setup events")
    if st.divergences is not None:
        line += f", {st.divergences} divergences (model {st.model_profile})"
    out_console.print(line, markup=False)
    for note in st.notes:
        out_console.print(f"note: {note}", markup=False)
    out_console.print("open it in https://ui.perfetto.dev (Open trace file)", markup=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)
