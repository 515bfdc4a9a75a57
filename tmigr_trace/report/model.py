"""The report as data: what report.json holds (schema `tmigr-trace/report`, the JSON outputs'
envelope of `tmigr_trace.jsonout`; JSON Schema `tmigr_trace/schemas/report.schema.json`), built from
the analyses; report.html and report.md are renderings of it plus the figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..jsonout import envelope
from .aggregate import Pooled, metrics, per_host, pool
from .analyze import CaptureAnalysis
from .compare import Comparison, compare
from .gate import Verdict, exit_code

# statistic -> (unit, definition); the full definitions with kernel lines are in docs/report.md
DEFINITIONS: dict[str, tuple[str, str]] = {
    "handoffs_per_s": ("1/s", "migrator hand-offs per second (a group's migrator moves from one child to another: "
                              "consecutive tmigr_group_set_cpu_* of a group, both migrators != TMIGR_NONE), per 100 ms window"),
    "handoffs_per_s_L<n>": ("1/s", "the same, for the groups of level n"),
    "idle_walk_levels": ("levels", "levels one idle walk changed: tmigr_group_set_cpu_inactive rows of a CPU before its tmigr_cpu_idle "
                                   "(1 = own level-0 group only); root_reached_fraction: walks that changed a group without parent"),
    "remote_per_s": ("1/s", "remote expiries (tmigr_handle_remote_cpu, traced only for a due event of an idle CPU) per second"),
    "remote_same_node_per_s": ("1/s", "remote expiries whose handler (recording CPU) is on the node of the expired CPU"),
    "remote_cross_node_per_s": ("1/s", "remote expiries handled from another node"),
    "lateness": ("us", "CLOCK_MONOTONIC time of tmigr_handle_remote_cpu minus the expiry its CPU last published "
                       "(nextevt of its tmigr_cpu_idle / tmigr_cpu_new_timer_idle)"),
    "last_idle_wakeups_per_s": ("1/s", "tmigr_cpu_idle / tmigr_cpu_new_timer_idle with wakeup != KTIME_MAX: the last idle CPU "
                                       "armed a wakeup for the hierarchy's first global timer"),
    "wakeup_lead": ("us", "how far ahead of the idle transition that wakeup lies"),
    "remote_only_wakeups_per_s": ("1/s", "idle periods (tmigr_cpu_idle .. tmigr_cpu_active) in which the CPU expired another "
                                         "CPU's timers and stayed idle: woken for remote timers only"),
    "group_idle": ("us", "length of each interval in which a group had no active child (active=0 between two state events)"),
}


@dataclass
class Report:
    sides: dict[str, Pooled]
    hosts: dict[str, dict[str, Pooled]]
    comparisons: list[Comparison] = field(default_factory=list)
    verdicts: list[Verdict] | None = None
    gate_spec: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def compare_mode(self) -> bool:
        return "baseline" in self.sides and "candidate" in self.sides

    @property
    def exit_code(self) -> int:
        return exit_code(self.verdicts) if self.verdicts is not None else 0

    def metrics(self, side: str) -> dict[str, float | None]:
        return metrics(self.sides[side])

    @property
    def captures(self) -> list[CaptureAnalysis]:
        return [c for p in self.sides.values() for c in p.captures]


def build(analyses: list[CaptureAnalysis]) -> Report:
    order = [s for s in ("baseline", "candidate", "captures") if any(a.side == s for a in analyses)]
    sides = {s: pool(s, [a for a in analyses if a.side == s]) for s in order}
    hosts = {s: per_host(p.captures) for s, p in sides.items()}
    rep = Report(sides, hosts)
    if rep.compare_mode:
        rep.comparisons = compare(sides["baseline"], sides["candidate"])
        rep.notes.append("rate samples are 100 ms windows of the same captures, not independent draws: "
                         "pool several captures per side before trusting a p-value")
    if any(c.stats.scalars.get("clock_offset_inferred") for c in rep.captures):
        rep.notes.append("some captures do not record a CLOCK_MONOTONIC trace clock: their lateness uses the offset the "
                         "replay proved from remote expiries (a lower bound: the earliest expiry counts as on time)")
    return rep


def _capture_dict(c: CaptureAnalysis) -> dict[str, Any]:
    ev = c.replay.get("evidence") or {}
    prof = ev.get("profile") or {}
    h = c.replay.get("hierarchy") or {}
    return {
        "name": c.name, "path": c.path, "side": c.side, "host": c.host, "kernel": c.kernel,
        "profile": {"chosen": prof.get("chosen") or c.replay.get("model_profile"), "evidence": prof.get("evidence"),
                    "fit": prof.get("fit"), "candidates": prof.get("candidates")},
        "faults": list(c.faults), "model_faults": c.replay.get("faults"),
        "topology": {"cpus": h.get("cpus"), "nodes": ev.get("nodes"), "levels": h.get("levels"),
                     "groups": h.get("groups"), "possible_cpus": ev.get("possible_cpus")},
        "duration_s": c.stats.duration_s, "events": c.info["events"], "lost_events": c.info["lost_events_total"],
        "clock": c.info.get("clock"), "origin": c.info.get("origin"), "pointer_mode": c.info.get("pointer_mode"),
        "replay": {k: c.replay[k] for k in ("checked", "agreed", "diverged", "undecidable", "not_decidable_fraction",
                                             "divergences_total", "by_kind", "undecidable_reasons", "notes",
                                             "reordered", "resyncs")},
        "divergences": c.divergences, "stories": c.stories,
        "statistics": {k: d.summary() for k, d in c.stats.dists.items()},
        "scalars": c.stats.scalars, "notes": c.stats.notes, "seconds": c.seconds,
        "timings": c.timings,
    }


def _pooled_dict(p: Pooled) -> dict[str, Any]:
    return {"totals": p.totals, "statistics": {k: d.summary() for k, d in p.dists.items()}, "metrics": metrics(p)}


def to_json(rep: Report) -> dict[str, Any]:
    """report.json: `schema`, `schema_version`, `tool_version` first (jsonout.envelope), then the report."""
    return envelope("report", {
        "mode": "compare" if rep.compare_mode else "single",
        "definitions": {k: {"unit": u, "what": w} for k, (u, w) in DEFINITIONS.items()},
        "sides": {s: {**_pooled_dict(p), "hosts": {h: _pooled_dict(hp) for h, hp in rep.hosts[s].items()},
                      "captures": [_capture_dict(c) for c in p.captures]} for s, p in rep.sides.items()},
        "comparison": [c.to_dict() for c in rep.comparisons],
        "gate": None if rep.verdicts is None else {"fail_on": rep.gate_spec, "exit_code": rep.exit_code,
                                                   "verdicts": [v.to_dict() for v in rep.verdicts]},
        "notes": rep.notes,
    })
