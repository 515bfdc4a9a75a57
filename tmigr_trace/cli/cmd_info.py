"""`tmigr-trace info TRACE [--json]`: what a stored trace contains."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import exit_codes


def _fmt_ns(ns: int) -> str:
    return f"{ns / 1e9:.6f} s"


def damage_line(damaged: dict[str, int], cpus: list[int]) -> str:
    """The damage counter in words: ``corrupt_pages 2, corrupt_page_events 57 (CPU 1,3)``."""
    from ..cpulist import format_cpulist

    where = f" (CPU {format_cpulist(cpus)})" if cpus else ""
    return ", ".join(f"{k} {v}" for k, v in sorted(damaged.items())) + where


def info_cmd(
    trace: Path = typer.Argument(..., help="a tmigr-trace Parquet file"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (schema tmigr_trace/schemas/info.schema.json)"),
) -> None:
    """Summarise a trace: kernel, CPUs, duration, events per type, losses, pointer mode, groups."""
    from ..cpulist import format_cpulist
    from ..info import summarize
    from ..jsonout import dumps
    from ..metadata import text_is_whole
    from ..trace import load
    from .common import out, print_table

    t = load(trace)
    s = summarize(t)
    if as_json:
        print(dumps("info", s.to_dict()))
        return
    head = [("trace", s.path), ("kernel", s.kernel or "unknown"), ("source", f"{s.source_format} ({s.origin})"),
            ("cpus", f"{format_cpulist(s.cpus)} ({len(s.cpus)})"), ("duration", _fmt_ns(s.duration_ns)),
            ("clock", s.clock or "unknown"), ("pointers", s.pointer_mode),
            ("lost events", str(s.lost_events_total) + (f"  {s.lost_events}" if s.lost_events else "")),
            ("groups/level", ", ".join(f"L{k}: {v}" for k, v in s.groups_per_level.items()) or "unknown")]
    if s.damaged:
        head.append(("DAMAGED", damage_line(s.damaged, s.damaged_cpus)))
        head.extend(("", ex) for ex in s.damage_examples)
    if s.malformed_lines or s.unknown_events:
        head.append(("skipped", f"{s.malformed_lines} malformed lines, other events {s.unknown_events}"))
    d = s.text_dialect
    if d.get("parser") == "excerpt":
        head.append(("text", f"{', '.join(d.get('dialects', []))}: {d.get('event_lines', 0)} event lines, "
                     f"{d.get('skipped_lines', 0)} non-event lines and {d.get('blank_lines', 0)} blank "
                     f"skipped, {d.get('wrapped_lines', 0)} wrapped joined, {d.get('duplicate_lines', 0)} "
                     "quoted again dropped"))
    hdr = (t.meta.extra or {}).get("text_header")
    if hdr:
        head.append(("text header", f"entries-in-buffer/entries-written {hdr['entries_in_buffer']}/"
                     f"{hdr['entries_written']}, {d.get('event_lines', 0) + sum(s.unknown_events.values())} event "
                     "lines: " + ("whole (nothing overwritten or lost)" if text_is_whole(t.meta)
                                  else "not proven whole")))
    for kind, meaning in (d.get("ts_meaning") or {}).items():
        if kind != "standard":
            head.append(("ts", meaning))
    gs = s.group_state
    if gs:
        head.append(("group state", f"state word read at offset {gs['offset']} of struct tmigr_group ({gs['source']})"))
        for g in gs["groups"]:
            head.append(("", f"{g['group']}: {g['updates']} updates, seq {g['first_seq']}..{g['last_seq']}, "
                         f"{g['missing_updates']} updates not in the trace, {g['reordered']} stored out of seq "
                         f"order, {g['late']} read late, {g['duplicates']} duplicate"))
    if s.blind:
        tasks = ", ".join(f"{k} {v['intervals']}" for k, v in sorted(s.blind["by_task"].items(), key=lambda kv: -kv[1]["intervals"]))
        kept = s.blind.get("gaps_kept")
        gaps = "a seq gap each" if kept is None else f"{kept} kept as seq gaps, the others shown empty by ftrace"
        head.append(("blind", f"{s.blind['intervals_total']} intervals, {_fmt_ns(s.blind['ns_total'])} in which no BPF "
                     f"program ran ({gaps}){': ' + tasks if tasks else ''}"))
    width = max(len(k) for k, _ in head)
    for k, v in head:
        out(f"{k:<{width}}  {v}")
    out()
    print_table(f"{s.events} events", ["event", "count"], list(s.by_event.items()), right=["count"])


def register(app: typer.Typer) -> None:
    app.command("info", short_help="Summarise a trace: kernel, CPUs, events, losses, groups.", epilog=exit_codes({0: "summary printed"}))(info_cmd)
