"""The work of `tmigr-trace import` (cli/cmd_import.py), without typer: cli/main.py calls it
directly for the plain forms of the command line (``main.fast_import_args``)."""

from __future__ import annotations

import gc
import os
from pathlib import Path


def run_import(src: Path, out: Path, fmt: str | None = None, kernel: str | None = None, force: bool = False,
               quiet: bool = False) -> None:
    """Import ``src`` into ``out``; the one-line summary on stderr unless ``quiet``."""
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
