"""What the user named on the command line, as a list of captures.

A capture is a tmigr-trace Parquet file. A directory stands for every `*.parquet` under it; when
its subdirectories are Hive-style partitions (`host=box42/kernel=7.3.4/run1.parquet`, as
`pyarrow.dataset` writes them) the partition values label the captures (`host` groups the
per-host aggregates). Files are taken in sorted order so a report is reproducible.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TmigrError
from ..store import open_parquet
from .analyze import CaptureInput


def _partitions(path: Path, root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in path.relative_to(root).parts[:-1]:
        if "=" in part:
            k, _, v = part.partition("=")
            out[k] = v
    return out


def resolve(paths: list[str | Path], side: str, faults: tuple[str, ...] = ()) -> list[CaptureInput]:
    """Captures named by files, directories or partitioned datasets; a bad path is one clear error."""
    items: list[CaptureInput] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.rglob("*.parquet"))
            found = [f for f in found if not any(x.startswith(".") for x in f.relative_to(p).parts)]
            if not found:
                raise TmigrError(f"{p}: no *.parquet captures in this directory")
            for f in found:
                labels = _partitions(f, p)
                items.append(CaptureInput(str(f), side, labels.get("host"), labels, faults))
        elif p.is_file():
            if p.suffix != ".parquet":
                raise TmigrError(f"{p}: not a Parquet capture (import it first: tmigr-trace import {p} -o X.parquet)")
            items.append(CaptureInput(str(p), side, None, {}, faults))
        else:
            raise TmigrError(f"{p}: no such file or directory")
    for it in items:        # footer and metadata only: a bad file stops the report before any work
        open_parquet(it.path)
    return items
