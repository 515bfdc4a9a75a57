"""Statistics across captures: pooled per side (baseline / candidate / captures) and per host.

Samples of the same statistic are pooled (concatenated) across captures; fractions are recomputed
from the pooled counts, never averaged from per-capture fractions. `metrics()` flattens a side into
the named numbers the gate (`--fail-on`) and report.json use.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .analyze import CaptureAnalysis
from .stats import Distribution

# Distribution -> headline metric names: NAME (mean), NAME_mean, NAME_p50, NAME_p90, NAME_p99, NAME_max.
QUANTILES = ("mean", "p50", "p90", "p99", "max")


@dataclass
class Pooled:
    """The captures of one side (or of one host within it), pooled."""

    name: str
    captures: list[CaptureAnalysis]
    dists: dict[str, Distribution] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)


def pool(name: str, caps: list[CaptureAnalysis]) -> Pooled:
    p = Pooled(name, caps)
    by: dict[str, list[np.ndarray]] = defaultdict(list)
    meta: dict[str, Distribution] = {}
    for c in caps:
        for k, d in c.stats.dists.items():
            by[k].append(d.samples)
            meta.setdefault(k, d)
    for k, arrs in by.items():
        p.dists[k] = Distribution(k, meta[k].unit, np.concatenate(arrs) if arrs else np.zeros(0), meta[k].what)

    def total(key: str) -> int:
        return int(sum((c.stats.scalars.get(key) or 0) for c in caps))

    checked = sum(c.replay["checked"] for c in caps)
    undecidable = sum(c.replay["undecidable"] for c in caps)
    known = total("remote_same_node") + total("remote_cross_node")
    walks = total("idle_walks")
    root = sum((c.stats.scalars.get("root_reached_fraction") or 0) * (c.stats.scalars.get("idle_walks") or 0)
               for c in caps)
    gidle = [c.stats.scalars["group_idle_fraction"] for c in caps if c.stats.scalars.get("group_idle_fraction") is not None]
    dur = sum(c.stats.duration_s for c in caps)
    p.totals = {
        "captures": len(caps),
        "duration_s": dur,
        "events": sum(c.info["events"] for c in caps),
        "lost_events": sum(c.info["lost_events_total"] for c in caps),
        "checked": checked,
        "divergences": sum(c.replay["diverged"] for c in caps),
        "not_decidable": undecidable,
        "not_decidable_fraction": undecidable / checked if checked else 0.0,
        "handoffs": total("handoffs") if any(c.stats.scalars.get("handoffs") is not None for c in caps) else None,
        "remote_expiries": total("remote_expiries"),
        "remote_same_node": total("remote_same_node"),
        "remote_cross_node": total("remote_cross_node"),
        "cross_node_fraction": total("remote_cross_node") / known if known else None,
        "idle_walks": walks,
        "root_reached_fraction": root / walks if walks else None,
        "last_idle_wakeups": total("last_idle_wakeups"),
        "group_idle_fraction": float(np.mean(gidle)) if gidle else None,
    }
    return p


def per_host(caps: list[CaptureAnalysis]) -> dict[str, Pooled]:
    hosts: dict[str, list[CaptureAnalysis]] = defaultdict(list)
    for c in caps:
        hosts[c.host].append(c)
    return {h: pool(h, cs) for h, cs in sorted(hosts.items())}


def metrics(p: Pooled) -> dict[str, float | None]:
    """Named numbers of a side: the totals, and for every distribution its mean and quantiles."""
    out: dict[str, float | None] = {k: (float(v) if v is not None else None) for k, v in p.totals.items()}
    for k, d in p.dists.items():
        s = d.summary()
        for q in QUANTILES:
            out[f"{k}_{q}"] = s.get(q)
        out[k] = s.get("mean")
    return out


# Statistics every capture has (per-level hand-offs come as handoffs_per_s_L<n>).
DIST_NAMES = ("handoffs_per_s", "idle_walk_levels", "remote_per_s", "remote_same_node_per_s",
              "remote_cross_node_per_s", "lateness", "last_idle_wakeups_per_s", "wakeup_lead",
              "remote_only_wakeups_per_s", "group_idle")
TOTAL_NAMES = ("captures", "duration_s", "events", "lost_events", "checked", "divergences", "not_decidable",
               "not_decidable_fraction", "handoffs", "remote_expiries", "remote_same_node", "remote_cross_node",
               "cross_node_fraction", "idle_walks", "root_reached_fraction", "last_idle_wakeups",
               "group_idle_fraction")


def known_metric(name: str) -> bool:
    """Whether `name` is a metric `metrics()` can produce (for checking --fail-on before any work)."""
    import re

    if name in TOTAL_NAMES:
        return True
    base = re.sub(r"_(mean|p50|p90|p99|max)$", "", name)
    return base in DIST_NAMES or re.fullmatch(r"handoffs_per_s_L\d+", base) is not None
