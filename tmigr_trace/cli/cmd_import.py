"""`tmigr-trace import SRC -o OUT.parquet`: any supported trace file into the Parquet store."""

from __future__ import annotations

import gc
import os
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
    # numpy's OpenBLAS starts a spinning thread per CPU at import: ~0.1 s of CPU for nothing here
    # (no linear algebra in an import), taken from the decoding and Parquet threads on a small box
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # numpy and pyarrow import with the cyclic GC off, and what they made is then frozen (never
    # scanned again): the collector would walk their ~10^5 objects over and over (~20 ms of CPU)
    gc.disable()
    try:
        from ..importers import import_file
        from . import progress
        from .common import diag
    finally:
        gc.freeze()
        gc.enable()

    total = src.stat().st_size if src.is_file() and src.suffix not in (".gz", ".xz", ".zst") else None
    with progress.bar(f"importing {src.name}", total, unit="bytes", quiet=quiet) as bar:
        path, meta, rows = import_file(src, out, force=force, fmt=fmt, kernel=kernel, progress=bar.advance)
    if quiet:
        return
    lost = f", {meta.lost_total} lost" if meta.lost_total else ""
    extra = ""
    dialect = meta.extra.get("text_dialect") or {}
    if dialect.get("parser") == "excerpt":   # importers/text_dialects.py: what the lines were
        extra += f", {'/'.join(dialect['dialects'])}: {dialect['skipped_lines']} non-event lines skipped"
        if dialect["duplicate_lines"]:
            extra += f", {dialect['duplicate_lines']} quoted again"
        if meta.malformed_lines > dialect["skipped_lines"]:
            extra += f", {meta.malformed_lines - dialect['skipped_lines']} malformed event lines"
    elif meta.malformed_lines:
        extra += f", {meta.malformed_lines} malformed lines skipped"
    if meta.unknown_events:
        extra += f", {sum(meta.unknown_events.values())} events of other types skipped"
    if meta.lost_unknown_cpus:
        extra += f", events lost (count unknown) on CPU {','.join(map(str, meta.lost_unknown_cpus))}"
    if meta.damaged:
        from .cmd_info import damage_line

        extra += f"; DAMAGED: {damage_line(meta.damaged, meta.damaged_cpus)}" + \
            (" (tmigr-trace info shows where)" if meta.damage_examples else "")
    diag(f"{path}: {rows} events ({meta.source_format}, pointers {meta.pointer_mode}{lost}{extra})")


def register(app: typer.Typer) -> None:
    app.command("import", short_help="Import a trace file into Parquet (format detected from content).",
                epilog=exit_codes({0: "imported"}))(import_cmd)
