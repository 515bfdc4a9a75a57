"""`tmigr-trace info`: what a stored trace contains, computed in one streaming pass."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .trace import Trace

_COLUMNS = ["ts", "cpu", "event", "group", "lvl", "group_lvl", "target_cpu"]


@dataclass
class TraceSummary:
    """The answer of `info --json` (keys are part of the CLI contract)."""

    path: str
    events: int
    by_event: dict[str, int]
    cpus: list[int]
    kernel: str | None
    lost_events: dict[str, int]
    lost_events_total: int
    pointer_mode: str
    clock: str | None
    source_format: str | None
    origin: str
    first_ts: int | None
    last_ts: int | None
    duration_ns: int
    groups_per_level: dict[str, int]
    unknown_events: dict[str, int] = field(default_factory=dict)
    malformed_lines: int = 0
    # what the importer skipped as damaged, by kind; the CPUs that lost events to it; where
    damaged: dict[str, int] = field(default_factory=dict)
    damaged_cpus: list[int] = field(default_factory=list)
    damage_examples: list[str] = field(default_factory=list)
    topology: dict = field(default_factory=dict)
    # Text imports: which dialects, what ts holds, lines skipped (importers/text_dialects.py).
    text_dialect: dict = field(default_factory=dict)
    # BCC --group-state captures: per group, its state words' seq (tmigr_trace/group_state.py)
    group_state: dict = field(default_factory=dict)
    # BCC captures: the intervals no BPF program ran in (tasks the kernel hides from BPF), counted
    blind: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(trace: Trace) -> TraceSummary:
    by_event: Counter[str] = Counter()
    cpus: set[int] = set()
    groups: dict[int, set[int]] = {}
    first = last = None
    for batch in trace.iter_batches(batch_rows=1 << 20, columns=_COLUMNS):
        ev = batch.column("event")
        counts = pc.value_counts(ev.dictionary_decode() if hasattr(ev, "dictionary_decode") else ev)
        for item in counts.to_pylist():
            by_event[item["values"]] += item["counts"]
        cpus.update(np.unique(batch.column("cpu").to_numpy(zero_copy_only=False)).tolist())
        ts = batch.column("ts")
        lo, hi = pc.min_max(ts).values()
        first = lo.as_py() if first is None else min(first, lo.as_py())
        last = hi.as_py() if last is None else max(last, hi.as_py())
        for lcol in ("lvl", "group_lvl"):
            g, lv = batch.column("group"), batch.column(lcol)
            both = pc.and_(pc.is_valid(g), pc.is_valid(lv))
            g, lv = pc.filter(g, both).to_numpy(), pc.filter(lv, both).to_numpy()
            for level, ptr in set(zip(lv.tolist(), g.tolist())):
                groups.setdefault(level, set()).add(ptr)
    meta = trace.meta
    if meta.pointer_mode == "unavailable":
        groups_per_level = {}
    else:
        groups_per_level = {str(k): len(v) for k, v in sorted(groups.items())}
    return TraceSummary(
        path=trace.path, events=trace.num_events, by_event=dict(sorted(by_event.items())),
        cpus=sorted(int(c) for c in cpus), kernel=meta.kernel_release,
        lost_events=dict(meta.lost_events), lost_events_total=meta.lost_total,
        pointer_mode=meta.pointer_mode, clock=meta.clock, source_format=meta.source_format,
        origin=meta.origin, first_ts=first, last_ts=last,
        duration_ns=(last - first) if first is not None else 0,
        groups_per_level=groups_per_level, unknown_events=dict(meta.unknown_events),
        malformed_lines=meta.malformed_lines, damaged=dict(sorted(meta.damaged.items())),
        damaged_cpus=list(meta.damaged_cpus), damage_examples=list(meta.damage_examples), topology=meta.topology,
        text_dialect=dict(meta.extra.get("text_dialect") or {}),
        group_state=_group_state(trace),
        blind=_blind(meta),
    )


def _blind(meta) -> dict:
    """A BCC capture's blind intervals in totals, per CPU and per task (the list stays in the metadata)."""
    b = (meta.extra.get("capture") or {}).get("blind")
    if not b or not b.get("checked"):
        return {}
    return {k: b.get(k) for k in ("intervals_total", "ns_total", "gaps_kept", "per_cpu", "by_task")}


def _group_state(trace: Trace) -> dict:
    """Per group, the seq of its state words (captures with --group-state only; else empty)."""
    if not (meta_gs := (trace.meta.extra.get("capture") or {}).get("group_state")):
        return {}
    from .group_state import COLUMNS, summarize as summarize_groups, summary_dict
    from .trace import to_pandas

    # only the rows that carry a word (events with a group pointer): the rest is not read into pandas
    kept = [b.filter(pc.is_valid(b.column("migr_seq"))) for b in trace.iter_batches(1 << 20, columns=COLUMNS)]
    head = {"offset": meta_gs.get("offset"), "source": meta_gs.get("source"), "groups": []}
    if not kept:
        return head
    df = to_pandas(pa.Table.from_batches([b for b in kept if b.num_rows] or kept[:1]))
    return {**head, **summary_dict(summarize_groups(df, trace.meta))}
