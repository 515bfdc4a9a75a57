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
    # Damage found in a binary source (trace.dat: bad page headers, truncated data, impossible
    # times), per recording CPU: {"pages": n, "records": m, "missing_bytes": b}. That data is not
    # imported; `records` counts the records walked on the damaged pages.
    damage: dict[str, dict[str, int]] = field(default_factory=dict)
    damage_examples: list[str] = field(default_factory=list)
    # What an importer skipped as damaged, by kind (tmigr_trace/limits.py): "corrupt_pages",
    # "lines_too_long", "cpu" (rows with a CPU id no kernel has), "lvl", "tar_members", ...
    damaged: dict[str, int] = field(default_factory=dict)
    # Free-form provenance (lab: kernel package, QEMU command line, scenario, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lost_total(self) -> int:
        return sum(self.lost_events.values())

    @property
    def damaged_pages(self) -> int:
        return sum(d.get("pages", 0) for d in self.damage.values())

    @property
    def damaged_records(self) -> int:
        return sum(d.get("records", 0) for d in self.damage.values())

    @property
    def missing_bytes(self) -> int:
        return sum(d.get("missing_bytes", 0) for d in self.damage.values())

    def add_lost(self, cpu: int, count: int) -> None:
        key = str(cpu)
        self.lost_events[key] = self.lost_events.get(key, 0) + count

    def add_damaged(self, kind: str, count: int = 1) -> None:
        if count:
            self.damaged[kind] = self.damaged.get(kind, 0) + count

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> "TraceMeta":
        raw = json.loads(text)
        known = {f.name for f in fields(cls)}
        meta = cls(**{k: v for k, v in raw.items() if k in known})
        for k, v in raw.items():
            if k not in known:
                meta.extra.setdefault("_unknown_keys", {})[k] = v
        return meta
