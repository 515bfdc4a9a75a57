"""`tmigr-trace import SRC -o OUT.parquet`: any supported trace file into the Parquet store."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import exit_codes

# The importers' FORMATS, spelled out so that --help does not import them (pyarrow: 0.3 s).
_FORMATS_HELP = "text, tracedat, capture, perfetto"


def import_cmd(
    src: Path = typer.Argument(..., help="trace, trace_pipe or trace-cmd report text (optionally .gz/.xz/.zst), trace.dat, a capture tarball/directory, or a Perfetto trace (ftrace data source)"),
    out: Path = typer.Option(..., "-o", "--output", help="Parquet file to write"),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"force the input format: {_FORMATS_HELP}"),
    kernel: Optional[str] = typer.Option(None, "--kernel", help="kernel release to record (text traces do not carry it)"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite OUT if it exists"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress, print nothing on success"),
) -> None:
    """Import a trace into a Parquet file (format detected from content)."""
    from .import_run import run_import

    run_import(src, out, fmt=fmt, kernel=kernel, force=force, quiet=quiet)


def register(app: typer.Typer) -> None:
    app.command("import", short_help="Import a trace file into Parquet (format detected from content).",
                epilog=exit_codes({0: "imported"}))(import_cmd)
