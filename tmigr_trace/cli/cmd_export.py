"""`tmigr-trace export TRACE -o OUT.pftrace [--replay] [--from T] [--to T] [--cpus LIST]`: a Perfetto
trace for ui.perfetto.dev (docs/perfetto.md)."""

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
    start: Optional[str] = typer.Option(None, "--from", help="export events at or after T: ns as stored, or 1.5s / 200ms / 10us after the first event"),
    end: Optional[str] = typer.Option(None, "--to", help="export events before T (same forms as --from)"),
    cpus: Optional[str] = typer.Option(None, "--cpus", help="only these recording CPUs (e.g. 0-3,8) and the groups above them"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite OUTPUT"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress, print nothing on success"),
) -> None:
    """Export a trace (and with --replay the kernel-vs-model divergences) as a Perfetto trace."""
    from ..cpulist import parse_cpulist
    from ..errors import TmigrError
    from ..export_perfetto import Window, export_perfetto
    from .common import diag

    from ..trace import load

    load(trace).check_values()          # refuse values no kernel produces (damage), in one line
    window = None
    if start is not None or end is not None or cpus is not None:
        try:
            sel = frozenset(parse_cpulist(cpus)) if cpus is not None else None
        except ValueError:
            raise TmigrError(f"--cpus {cpus!r}: not a CPU list (examples: 0-3,8)") from None
        window = Window(start, end, sel)  # relative times are resolved against the first event
    with _progress(quiet) as progress:
        st = export_perfetto(trace, output, replay=replay, model=model, force=force, window=window,
                             progress=progress)
    if quiet:
        return
    line = (f"wrote {st.path}: {st.events} events, {st.cpus} CPUs, {st.groups} groups, "
            f"{st.idle_slices} idle slices, {st.counters} counter values, {st.setup_events} setup events, "
            f"{st.flows} migrator flows")
    if window is not None:
        line += f" ({st.exported} events in the window)"
    if st.divergences is not None:
        line += f", {st.divergences} divergences (model {st.model_profile})"
    diag(line)
    for note in st.notes:
        diag(f"note: {note}")
    diag("open it in https://ui.perfetto.dev (Open trace file)")


class _progress:
    """A rich progress bar per phase (scan, replay, write) on a terminal (stderr); nothing when
    stderr is piped or redirected, or with -q."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __enter__(self):
        from .common import err_console

        self.bar = None
        if self.quiet or not err_console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("export: {task.description:<6}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("events"), TimeRemainingColumn(), console=err_console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("scan", total=None)

        phase_now = ["scan"]

        def update(phase: str, done: int, total: int | None) -> None:
            if phase != phase_now[0]:  # a new phase: the replay has no count (a pulsing bar)
                phase_now[0] = phase
                self.bar.reset(self.task, total=total, description=phase)
            self.bar.update(self.task, completed=done)

        return update

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def register(app: typer.Typer) -> None:
    app.command("export", short_help="Export a trace (and its divergences) for ui.perfetto.dev.",
                epilog=exit_codes({0: "written"}))(export_cmd)
