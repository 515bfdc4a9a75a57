"""One capture's part of a report: what it is, what the replay found, what the kernel decided.

`analyze_capture` is the unit of work a fleet runs in parallel (fleet.py): it opens the Parquet
file, replays it through the model (`tmigr_trace.replay.replay`, its public API), computes the
decision statistics (stats.py) and returns plain, picklable data, never the trace itself.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .stats import CaptureStats, compute, events_frame

FIRST_DIVERGENCES = 20      # divergences kept per capture in the report (all are counted)
STORIES = 3                 # of which the first ones get their --explain story


@dataclass
class CaptureInput:
    """A capture to analyze and where it sits in the report."""

    path: str
    side: str = "captures"               # captures | baseline | candidate
    host: str | None = None              # from a host=... partition, else from the metadata
    labels: dict[str, str] = field(default_factory=dict)
    faults: tuple[str, ...] = ()
    timeline_s: tuple[float, float] | None = None   # migrator timeline window (s since the first event)


@dataclass
class CaptureAnalysis:
    """Everything the report says about one capture (plain data: crosses process boundaries)."""

    path: str
    name: str
    side: str
    host: str
    kernel: str | None
    info: dict[str, Any]
    replay: dict[str, Any]
    divergences: list[dict[str, Any]]
    stories: list[str]
    divergence_ts_s: np.ndarray
    divergence_kinds: list[str]
    stats: CaptureStats
    seconds: float
    faults: tuple[str, ...] = ()          # historical bugs switched on for this replay (--fault)


def _host_of(meta: Any, given: str | None, path: str) -> str:
    if given:
        return given
    uname = (meta.topology or {}).get("uname") or ""
    parts = uname.split()
    if len(parts) > 1:
        return parts[1]
    return (meta.extra or {}).get("host") or "unknown"


def analyze_capture(item: CaptureInput) -> CaptureAnalysis:
    """Replay one capture and compute its statistics (runs in a Dask worker or in-process)."""
    from ..cli.cmd_replay import _rows_around
    from ..info import summarize
    from ..replay.api import replay
    from ..replay.clock import MONO_CLOCKS
    from ..replay.report import explain
    from ..trace import load

    started = time.perf_counter()
    tr = load(item.path)
    info = summarize(tr).to_dict()
    res = replay(tr, fault=list(item.faults) or None)
    try:
        nd = res.undecidable / res.checked if res.checked else 0.0
        summary = {k: v for k, v in res.to_dict(0).items() if k not in ("divergences",)}
        summary["not_decidable_fraction"] = nd
        divs = [d.to_dict() for d in res.divergences[:FIRST_DIVERGENCES]]
        for d in divs:
            d.pop("path", None)
        stories = [explain(res, n, _rows_around(tr, res.divergences[n].index, 4))
                   for n in range(min(STORIES, len(res.divergences)))]
        t0 = info.get("first_ts") or 0
        ts = np.array([(d.ts - t0) / 1e9 if d.ts else np.nan for d in res.divergences], dtype=float)
        kinds = [d.kind for d in res.divergences]
    finally:
        close = getattr(res.divergences, "close", None)
        if close is not None:
            close()
    clock = (res.evidence or {}).get("clock") or {}
    st = compute(events_frame(tr), clock_offset_ns=int(clock.get("offset_ns") or 0), topology=tr.meta.topology,
                 timeline_s=item.timeline_s)
    st.scalars["clock_offset_inferred"] = tr.meta.clock not in MONO_CLOCKS
    return CaptureAnalysis(
        path=item.path, name=os.path.basename(item.path).removesuffix(".parquet"), side=item.side,
        host=_host_of(tr.meta, item.host, item.path), kernel=tr.meta.kernel_release or item.labels.get("kernel"),
        info=info, replay=summary, divergences=divs, stories=stories, divergence_ts_s=ts,
        divergence_kinds=kinds, stats=st, seconds=time.perf_counter() - started,
        faults=tuple(item.faults))
