"""`tmigr-trace info TRACE [--json]`: what a stored trace contains."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from ..info import summarize
from ..trace import load
from .common import out_console


def _fmt_ns(ns: int) -> str:
    return f"{ns / 1e9:.6f} s"


def info_cmd(
    trace: Path = typer.Argument(..., help="a tmigr-trace Parquet file"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Summarise a trace: kernel, CPUs, duration, events per type, losses, pointer mode, groups."""
    s = summarize(load(trace))
    if as_json:
        print(json.dumps(s.to_dict(), sort_keys=True))
        return
    head = Table.grid(padding=(0, 2))
    head.add_row("trace", s.path)
    head.add_row("kernel", s.kernel or "unknown")
    head.add_row("source", f"{s.source_format} ({s.origin})")
    head.add_row("cpus", ",".join(map(str, s.cpus)))
    head.add_row("duration", _fmt_ns(s.duration_ns))
    head.add_row("clock", s.clock or "unknown")
    head.add_row("pointers", s.pointer_mode)
    head.add_row("lost events", str(s.lost_events_total) + (f"  {s.lost_events}" if s.lost_events else ""))
    head.add_row("groups/level", ", ".join(f"L{k}: {v}" for k, v in s.groups_per_level.items()) or "unknown")
    if s.malformed_lines or s.unknown_events:
        head.add_row("skipped", f"{s.malformed_lines} malformed lines, other events {s.unknown_events}")
    if s.damaged:
        head.add_row("damaged", ", ".join(f"{k}: {v}" for k, v in sorted(s.damaged.items())))
    out_console.print(head)
    table = Table("event", "count", title=f"{s.events} events")
    for name, count in s.by_event.items():
        table.add_row(name, str(count))
    out_console.print(table)


def register(app: typer.Typer) -> None:
    app.command("info")(info_cmd)
