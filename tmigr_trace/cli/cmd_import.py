"""`tmigr-trace import SRC -o OUT.parquet`: any supported trace file into the Parquet store."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..importers import FORMATS, import_file
from .common import err_console


def import_cmd(
    src: Path = typer.Argument(..., help="trace, trace_pipe or trace-cmd report text (optionally .gz/.xz/.zst), trace.dat, or a capture tarball/directory"),
    out: Path = typer.Option(..., "-o", "--output", help="Parquet file to write"),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"force the input format: {', '.join(FORMATS)}"),
    kernel: Optional[str] = typer.Option(None, "--kernel", help="kernel release to record (text traces do not carry it)"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite OUT if it exists"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="print nothing on success"),
) -> None:
    """Import a trace into a Parquet file (format detected from content)."""
    path, meta, rows = import_file(src, out, force=force, fmt=fmt, kernel=kernel)
    if quiet:
        return
    lost = f", {meta.lost_total} lost" if meta.lost_total else ""
    extra = ""
    if meta.malformed_lines:
        extra += f", {meta.malformed_lines} malformed lines skipped"
    if meta.unknown_events:
        extra += f", {sum(meta.unknown_events.values())} events of other types skipped"
    if meta.damaged:
        extra += ", damaged input skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(meta.damaged.items()))
    err_console.print(f"{path}: {rows} events ({meta.source_format}, pointers {meta.pointer_mode}{lost}{extra})",
                      markup=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_cmd)
