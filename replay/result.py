"""What a replay found: counts per check kind and the divergences, as plain data.

The engine fills a :class:`ReplayResult`; the report module renders it and the CLI writes it. A
check is one decision of the kernel compared with the model: it either *agreed*, *diverged*, or was
*undecidable* (the model could not know the answer from this trace: unknown queue contents after
mid-stream anchoring, an expiry within one tick of the untraced `now`, a lost-event gap).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterator, Protocol

# Check kinds, in report order. Each maps to one kernel decision (reference §7.3).
KINDS: dict[str, str] = {
    "group_state": "group active mask / migrator after (de)activation",
    "walk_levels": "which levels a walk reached (activation, deactivation, new timer, remote)",
    "expiry": "tmigr_update_events: group next_expiry, child event expiry and CPU",
    "wakeup": "wakeup returned to an idle CPU (tmigr_cpu_idle / tmigr_cpu_new_timer_idle)",
    "remote": "remote handling: permission, due event, right CPU",
    "setup": "setup shape: groups, levels, masks, parents",
    "hotplug": "online/offline and the hand-off to another CPU",
}

MODEL_DISAGREES = "model disagrees"
NOT_DECIDABLE = "not decidable from this trace"


@dataclass
class KindCount:
    checked: int = 0
    agreed: int = 0
    diverged: int = 0
    undecidable: int = 0
    warmup: int = 0


@dataclass
class Divergence:
    """One disagreement. `index` is the step index (row number in stored order)."""

    index: int
    ts: int
    cpu: int
    event: str
    kind: str
    what: str
    expected: Any
    observed: Any
    classification: str = MODEL_DISAGREES
    path: list[dict] = field(default_factory=list)
    note: str = ""
    # Other steps that print the same kernel value this step contradicts (e.g. a deactivation's
    # nextexp, printed by its level-0 tmigr_update_events and by tmigr_cpu_idle): the trace alone
    # cannot say which of them is wrong.
    rows: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["expected"] = _jsonable(self.expected)
        d["observed"] = _jsonable(self.observed)
        return d


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return str(v)


class DivergenceList(Protocol):
    """What holds a result's divergences: a plain list, or (from ``replay()``) a
    :class:`tmigr_trace.divergence_log.DivergenceLog`, which spills beyond its first N to a file.

    A protocol, not ``list``: the compiled engine (mypyc) checks declared types at run time, and with
    ``list`` it would reject anything but a list.
    """

    def append(self, d: Divergence, /) -> None: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Divergence]: ...

    def __getitem__(self, i: Any, /) -> Any: ...


@dataclass
class ReplayResult:
    events: int = 0
    tmigr_events: int = 0
    warmup_events: int = 0
    model_profile: str = ""
    faults: list[str] = field(default_factory=list)
    by_kind: dict[str, KindCount] = field(default_factory=lambda: {k: KindCount() for k in KINDS})
    divergences: DivergenceList = field(default_factory=list)
    reordered: int = 0
    resyncs: dict[str, int] = field(default_factory=lambda: {"divergence": 0, "lost_events": 0})
    lost_event_cpus: list[int] = field(default_factory=list)
    hierarchy: dict = field(default_factory=dict)
    # What the trace proved about the machine and the profile, and from what (replay/evidence.py).
    evidence: dict = field(default_factory=dict)
    # kind -> {reason: count} of the checks that were not decidable (engine.R_* and notes).
    undecidable_reasons: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Trace timestamp + clock_offset_ns = CLOCK_MONOTONIC, the base of expiries (replay/clock.py).
    clock_offset_ns: int = 0
    # Surrounding rows of each divergence are not kept here (the engine is pure): --explain
    # re-reads them from the trace by step index.

    @property
    def checked(self) -> int:
        return sum(k.checked for k in self.by_kind.values())

    @property
    def agreed(self) -> int:
        return sum(k.agreed for k in self.by_kind.values())

    @property
    def diverged(self) -> int:
        return sum(k.diverged for k in self.by_kind.values())

    @property
    def undecidable(self) -> int:
        return sum(k.undecidable for k in self.by_kind.values())

    @property
    def ok(self) -> bool:
        return self.diverged == 0

    def to_dict(self, max_divergences: int | None = 100) -> dict:
        divs = self.divergences if max_divergences is None else self.divergences[:max_divergences]
        return {
            "events": self.events,
            "tmigr_events": self.tmigr_events,
            "warmup_events": self.warmup_events,
            "checked": self.checked,
            "agreed": self.agreed,
            "diverged": self.diverged,
            "undecidable": self.undecidable,
            "undecidable_reasons": self.undecidable_reasons,
            "by_kind": {k: asdict(v) for k, v in self.by_kind.items()},
            "model_profile": self.model_profile,
            "faults": list(self.faults),
            "reordered": self.reordered,
            "resyncs": dict(self.resyncs),
            "lost_event_cpus": list(self.lost_event_cpus),
            "hierarchy": self.hierarchy,
            "evidence": self.evidence,
            "notes": list(self.notes),
            "clock_offset_ns": self.clock_offset_ns,
            "divergences_total": len(self.divergences),
            "divergences": [d.to_dict() for d in divs],
        }
