"""Trace-level metadata stored beside the events in the Parquet footer (key ``tmigr_trace``, JSON).

Everything a replay needs to know about where a trace came from: kernel, tracepoint formats,
topology, clock, pointer mode and what was lost. Unknown keys are kept, so a newer writer's
metadata survives a round trip through an older reader.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import __version__
from .schema import SCHEMA_VERSION

POINTER_MODES = ("raw", "hashed", "unavailable", "unknown")


@dataclass
class TraceMeta:
    """What is known about a trace besides its events."""

    schema_version: int = SCHEMA_VERSION
    tool_version: str = __version__
    kernel_release: str | None = None
    # Tracepoint format files as read from tracefs, event name -> text (empty if unknown).
    formats: dict[str, str] = field(default_factory=dict)
    # Print keys seen per event in a text trace (era detection when formats are unknown).
    observed_fields: dict[str, list[str]] = field(default_factory=dict)
    # Topology snapshot (see collectors.topology): cpus, nodes, smt, isolated, nohz_full, cmdline, ...
    topology: dict[str, Any] = field(default_factory=dict)
    clock: str | None = None
    source_path: str | None = None
    source_format: str | None = None
    origin: str = "import"  # import | live | shell-collector | lab
    pointer_mode: str = "unknown"
    # Lost (dropped/overwritten) events per recording CPU, as counted from markers or buffer stats.
    lost_events: dict[str, int] = field(default_factory=dict)
    # Events whose loss count is unknown ("CPU:N [EVENTS DROPPED]" without a number).
    lost_unknown_cpus: list[int] = field(default_factory=list)
    unknown_events: dict[str, int] = field(default_factory=dict)
    malformed_lines: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    # What an importer found damaged and skipped, by kind (the one damage counter;
    # docs/robustness.md lists the kinds): "corrupt_pages" (ring-buffer pages that fail the checks,
    # any binary source), "corrupt_page_events" (events of known types on them, trace.dat),
    # "missing_bytes" (a binary source cut short), "partial_pages", "lines_too_long", "cpu"/"lvl"/...
    # (rows with a value no kernel produces), "tar_members", ...
    damaged: dict[str, int] = field(default_factory=dict)
    # Recording CPUs whose event stream lost events to that damage (how many: unknown or an
    # estimate): the replay resynchronises them as it does the CPUs of `lost_unknown_cpus`.
    damaged_cpus: list[int] = field(default_factory=list)
    # The first damaged places found, in words ("CPU 3 page 12: bad commit word").
    damage_examples: list[str] = field(default_factory=list)
    # Free-form provenance (lab: kernel package, QEMU command line, scenario, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lost_total(self) -> int:
        return sum(self.lost_events.values())

    @property
    def loss_cpus(self) -> list[int]:
        """CPUs known to have lost events: counted, uncounted or to damage (the replay's resyncs)."""
        return sorted({int(c) for c, n in self.lost_events.items() if n}
                      | set(self.lost_unknown_cpus) | set(self.damaged_cpus))

    def add_lost(self, cpu: int, count: int) -> None:
        key = str(cpu)
        self.lost_events[key] = self.lost_events.get(key, 0) + count

    def add_damaged(self, kind: str, count: int = 1, cpu: int | None = None) -> None:
        """Count ``count`` units of ``kind`` skipped as damaged; ``cpu``: the recording CPU whose
        events were lost with them, when known."""
        if count:
            self.damaged[kind] = self.damaged.get(kind, 0) + count
            if cpu is not None and cpu not in self.damaged_cpus:
                self.damaged_cpus = sorted([*self.damaged_cpus, cpu])

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> "TraceMeta":
        raw = json.loads(text)
        if isinstance(raw, dict) and "damage" in raw:
            _merge_legacy_damage(raw)
        known = {f.name for f in fields(cls)}
        meta = cls(**{k: v for k, v in raw.items() if k in known})
        for k, v in raw.items():
            if k not in known:
                meta.extra.setdefault("_unknown_keys", {})[k] = v
        return meta


# The trace.dat reader's own per-CPU key of files written before the counters were merged
# (tmigr-trace 0.x: "damage": {cpu: {"pages", "records", "missing_bytes"}}) and its kinds now.
_LEGACY_DAMAGE_KINDS = {"pages": "corrupt_pages", "records": "corrupt_page_events", "missing_bytes": "missing_bytes"}


def _merge_legacy_damage(raw: dict) -> None:
    """Fold an old file's ``damage`` key into ``damaged`` and ``damaged_cpus`` (in place);
    ValueError when it is not of the shape that reader wrote (damaged metadata)."""
    legacy = raw.pop("damage")
    damaged, cpus = raw.setdefault("damaged", {}), raw.setdefault("damaged_cpus", [])
    if not (isinstance(legacy, dict) and isinstance(damaged, dict) and isinstance(cpus, list)):
        raise ValueError("damage is not a mapping of CPUs")
    for cpu, counts in legacy.items():
        if not (str(cpu).isdigit() and isinstance(counts, dict)
                and all(type(counts.get(k, 0)) is int and type(damaged.get(kind, 0)) is int
                        for k, kind in _LEGACY_DAMAGE_KINDS.items())):
            raise ValueError(f"damage of CPU {str(cpu)[:20]!r} is not a set of counts")
        for old, kind in _LEGACY_DAMAGE_KINDS.items():
            if counts.get(old, 0):
                damaged[kind] = damaged.get(kind, 0) + counts[old]
        if (counts.get("pages", 0) or counts.get("missing_bytes", 0)) and int(cpu) not in cpus:
            cpus.append(int(cpu))
    raw["damaged_cpus"] = sorted(cpus) if all(type(c) is int for c in cpus) else cpus


def text_is_whole(meta: TraceMeta) -> bool:
    """A `trace` file that proves it holds every event the buffer recorded: its header's
    ``entries-in-buffer/entries-written`` are equal (the ring buffer overwrote nothing:
    print_event_info() in kernel/trace/trace.c prints the entries in the buffer and those plus
    the overruns, get_total_entries()), the file has exactly that many event lines (of any event type: none
    lost on the way, no line cut), no loss marker, nothing malformed or damaged. A line the
    kernel's program order requires is then missing because the kernel did not trace it."""
    extra = meta.extra or {}
    hdr = extra.get("text_header")
    dialect = extra.get("text_dialect") or {}
    if not hdr or dialect.get("parser") != "standard":
        return False
    lines = int(dialect.get("event_lines", -1)) + sum(int(v) for v in (meta.unknown_events or {}).values())
    return (hdr.get("entries_in_buffer") == hdr.get("entries_written") == lines
            and not meta.lost_events and not meta.lost_unknown_cpus and not meta.malformed_lines
            and not meta.damaged and not dialect.get("skipped_lines") and not dialect.get("duplicate_lines"))


def text_overwritten(meta: TraceMeta) -> bool:
    """A `trace` file whose header says the ring buffer overwrote events (entries-in-buffer below
    entries-written): each CPU lost its own oldest events, so the CPUs' streams start at
    different times."""
    hdr = (meta.extra or {}).get("text_header")
    return bool(hdr) and hdr.get("entries_in_buffer", 0) < hdr.get("entries_written", 0)
