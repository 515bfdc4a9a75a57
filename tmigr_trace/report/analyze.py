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
    info: dict[str, Any]                  # `capture_info`: the keys of `tmigr-trace info` the report shows
    replay: dict[str, Any]
    divergences: list[dict[str, Any]]
    stories: list[str]
    divergence_ts_s: np.ndarray
    divergence_kinds: list[str]
    stats: CaptureStats
    seconds: float
    faults: tuple[str, ...] = ()          # historical bugs switched on for this replay (--fault)
    timings: dict[str, float] = field(default_factory=dict)   # seconds per stage: replay, statistics


def _host_of(meta: Any, given: str | None, path: str) -> str:
    if given:
        return given
    uname = (meta.topology or {}).get("uname") or ""
    parts = uname.split()
    if len(parts) > 1:
        return parts[1]
    return (meta.extra or {}).get("host") or "unknown"


def capture_info(trace: Any, first_ts: int | None) -> dict[str, Any]:
    """What the report shows of `tmigr-trace info` (same keys), from the metadata: its full
    summary reads the events once more and collects the groups row by row (0.4-0.7 s of a 1M-event
    capture), for values the report does not show."""
    meta = trace.meta
    return {"events": trace.num_events, "lost_events_total": meta.lost_total, "kernel": meta.kernel_release,
            "clock": meta.clock, "origin": meta.origin, "pointer_mode": meta.pointer_mode,
            "source_format": meta.source_format, "first_ts": first_ts}


def analyze_capture(item: CaptureInput) -> CaptureAnalysis:
    """Replay one capture and compute its statistics (runs in a Dask worker or in-process)."""
    from ..cli.cmd_replay import _rows_around
    from ..replay.api import replay
    from ..replay.clock import MONO_CLOCKS
    from ..replay.report import explain
    from ..trace import load

    started = time.perf_counter()
    tr = load(item.path)
    res = replay(tr, fault=list(item.faults) or None)
    replayed = time.perf_counter()
    df = events_frame(tr)
    t0 = int(df["ts"].min()) if len(df) else None
    info = capture_info(tr, t0)
    try:
        nd = res.undecidable / res.checked if res.checked else 0.0
        summary = {k: v for k, v in res.to_dict(0).items() if k not in ("divergences",)}
        summary["not_decidable_fraction"] = nd
        divs = [d.to_dict() for d in res.divergences[:FIRST_DIVERGENCES]]
        for d in divs:
            d.pop("path", None)
        stories = [explain(res, n, _rows_around(tr, res.divergences[n].index, 4))
                   for n in range(min(STORIES, len(res.divergences)))]
        ts = np.array([(d.ts - (t0 or 0)) / 1e9 if d.ts else np.nan for d in res.divergences], dtype=float)
        kinds = [d.kind for d in res.divergences]
    finally:
        close = getattr(res.divergences, "close", None)
        if close is not None:
            close()
    clock = (res.evidence or {}).get("clock") or {}
    st = compute(df, clock_offset_ns=int(clock.get("offset_ns") or 0), topology=tr.meta.topology,
                 timeline_s=item.timeline_s)
    del df
    for d in st.dists.values():
        d.summary()             # here, in parallel, not in the report's process after the last replay
    st.scalars["clock_offset_inferred"] = tr.meta.clock not in MONO_CLOCKS
    done = time.perf_counter()
    return CaptureAnalysis(
        path=item.path, name=os.path.basename(item.path).removesuffix(".parquet"), side=item.side,
        host=_host_of(tr.meta, item.host, item.path), kernel=tr.meta.kernel_release or item.labels.get("kernel"),
        info=info, replay=summary, divergences=divs, stories=stories, divergence_ts_s=ts,
        divergence_kinds=kinds, stats=st, seconds=done - started, faults=tuple(item.faults),
        timings={"replay": replayed - started, "statistics": done - replayed})
