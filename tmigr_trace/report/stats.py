"""Decision statistics of one capture, computed from its Parquet events with pandas.

Each statistic is a *distribution* (an array of samples) plus the scalars derived from it; the
definitions, tied to the tracepoints and the kernel lines that emit them, are in docs/report.md
(kernel/time/timer_migration.c and include/trace/events/timer_migration.h of Linux 6.12.118).
Nothing here replays the model: these are the kernel's own decisions as the trace prints them.

Rates are sampled in fixed windows (`WINDOW_NS`, 100 ms) so that "hand-offs per second" is a
distribution over the capture, not one mean; only whole windows count (a capture shorter than one
window gives one sample over its whole length).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..arrow_np import values_and_valid
from ..arrow_pool import system_memory_pool
from ..schema import KTIME_MAX

WINDOW_NS = 100_000_000
DEFAULT_TIMELINE_S = 2.0        # the migrator timeline shows the first 2 s unless told otherwise
TMIGR_NONE = 0xFF
NO_PTR = np.uint64(2**64 - 1)           # a pointer the trace does not print ((____ptrval____))
COLUMNS = ("ts", "cpu", "event", "group", "parent", "lvl", "numa_node", "childmask", "active",
           "migrator", "target_cpu", "nextevt", "wakeup")
_PTR = ("group", "parent")
# Events of a CPU's own state (recorded on that CPU): they end a walk of group events.
CPU_EVENTS = ("tmigr_cpu_idle", "tmigr_cpu_active", "tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle",
              "tmigr_cpu_online", "tmigr_cpu_offline", "tmigr_cpu_available", "tmigr_cpu_unavailable")
IDLE_END = ("tmigr_cpu_active", "tmigr_cpu_offline", "tmigr_cpu_unavailable",
            "tmigr_cpu_online", "tmigr_cpu_available")
STATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")


@dataclass
class Distribution:
    """Samples of one statistic (unit in `unit`) and what they are."""

    name: str
    unit: str
    samples: np.ndarray
    what: str = ""

    def summary(self) -> dict[str, Any]:
        """n, mean, p50, p90, p99, min, max. Computed once per `samples` array (kept with it, and
        pickled with it: a Dask worker's summaries travel with its analysis); a report asks for
        each pooled one from the gate, the JSON, the tables, up to 0.7 s of percentiles again."""
        cached = self.__dict__.get("_summary")
        if cached is not None and cached[0] is self.samples:
            return dict(cached[1])
        a = self.samples
        if a.size == 0:
            out: dict[str, Any] = {"n": 0, "unit": self.unit}
        else:
            q = np.percentile(a, [50, 90, 99])
            out = {"n": int(a.size), "unit": self.unit, "mean": float(a.mean()), "p50": float(q[0]),
                   "p90": float(q[1]), "p99": float(q[2]), "min": float(a.min()), "max": float(a.max())}
        self.__dict__["_summary"] = (a, out)
        return dict(out)


@dataclass
class CaptureStats:
    """Everything `report` shows about the kernel's decisions in one capture."""

    duration_s: float
    windows: int
    levels: list[int]
    dists: dict[str, Distribution] = field(default_factory=dict)
    scalars: dict[str, float | int | None] = field(default_factory=dict)
    # migrator segments for the timeline plot: (group label, lvl, start_s, end_s, migrator or -1)
    segments: list[tuple[str, int, float, float, int]] = field(default_factory=list)
    timeline_s: tuple[float, float] = (0.0, 0.0)     # the window `segments` covers
    notes: list[str] = field(default_factory=list)


def events_frame(trace: Any) -> pd.DataFrame:
    """The tmigr columns of a trace as a DataFrame in stored order; integers filled with -1,
    pointers kept exact as uint64 (not printed: `NO_PTR`), `event` as plain strings.

    One read of the columns (`family` too, for the June-2026 series), each turned into numpy from
    its Arrow buffers chunk by chunk: pyarrow's fill_null + cast + combine_chunks cost 0.6 s per
    1M events here, the numpy way 0.05 s (benchmarks/report.py --big)."""
    names = trace._pf.schema_arrow.names
    cols = [c for c in COLUMNS if c in names]
    read = cols + (["family"] if "family" in names and "numa_node" in cols else [])
    with system_memory_pool():
        batches = list(trace.iter_batches(1 << 20, columns=read))
        table = pa.Table.from_batches(batches) if batches else trace._pf.schema_arrow.empty_table().select(read)
        out: dict[str, Any] = {}
        for name in cols:
            col = table.column(name)
            if name == "event":
                out[name] = _categorical(col)
            elif name in _PTR:
                out[name] = _filled(col, NO_PTR, np.uint64)
            else:
                out[name] = _filled(col, -1, np.int64)
        if "family" in read:       # June-2026 series: family replaces numa_node
            out["numa_node"] = np.where(out["numa_node"] >= 0, out["numa_node"], _filled(table.column("family"), -1, np.int64))
    return pd.DataFrame(out, copy=False)     # not consolidated into 2-D blocks: 1.3 s per 2M rows saved


def _filled(col: pa.ChunkedArray, fill: Any, dtype: Any) -> np.ndarray:
    """A number column as one `dtype` array, nulls replaced by `fill`, from the Arrow buffers."""
    parts = []
    for chunk in col.chunks:
        if chunk.null_count == len(chunk):
            parts.append(np.full(len(chunk), fill, dtype=dtype))
            continue
        split = values_and_valid(chunk)
        if split is None:                     # not a plain number column: pyarrow's kernels
            chunk = chunk.cast(pa.from_numpy_dtype(dtype)).fill_null(fill)
            split = (chunk.to_numpy(zero_copy_only=False), None)
        vals, valid = split
        vals = vals.astype(dtype, copy=False)
        parts.append(vals if valid is None else np.where(valid, vals, dtype(fill)))
    if not parts:
        return np.zeros(0, dtype=dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _categorical(col: pa.ChunkedArray) -> pd.Categorical:
    """The `event` column as a categorical with object categories (pandas 3 would make them Arrow
    strings: 0.5 s per 2M rows each time a statistic takes them to numpy)."""
    if not pa.types.is_dictionary(col.type):
        col = col.dictionary_encode()
    col = col.unify_dictionaries() if col.num_chunks > 1 else col   # one dictionary across row groups
    dictionary = col.chunk(0).dictionary if col.num_chunks else pa.array([], pa.string())
    codes = _filled(pa.chunked_array([c.indices for c in col.chunks], col.type.index_type), -1, np.int32)
    return pd.Categorical.from_codes(codes, categories=pd.Index(dictionary.to_pylist(), dtype=object))


def node_of_cpu(df: pd.DataFrame, topology: dict | None) -> dict[int, int]:
    """CPU -> NUMA node: the metadata's topology, else the level-0 group a CPU's own state events
    name (`numa=` of tmigr_group_set_cpu_* at lvl 0 recorded on that CPU), else the connect events."""
    nodes: dict[int, int] = {}
    for c, n in ((topology or {}).get("node_of_cpu") or {}).items():
        nodes[int(c)] = int(n)
    if nodes:
        return nodes
    lvl0 = df[df["event"].isin(STATE_EVENTS) & (df["lvl"] == 0) & (df["numa_node"] >= 0)]
    for c, n in lvl0.groupby("cpu")["numa_node"].agg(lambda s: s.mode().iat[0]).items():
        nodes[int(c)] = int(n)
    conn = df[(df["event"] == "tmigr_connect_cpu_parent") & (df["numa_node"] >= 0)]
    for c, n in zip(conn["target_cpu"], conn["numa_node"]):
        nodes.setdefault(int(c), int(n))
    return nodes


def _window_rates(ts: np.ndarray, t0: int, windows: int, window_ns: int) -> np.ndarray:
    """Events per second in each whole window of the capture."""
    if windows <= 0:
        return np.zeros(0)
    idx = (ts - t0) // window_ns
    idx = idx[(idx >= 0) & (idx < windows)]
    return np.bincount(idx.astype(np.int64), minlength=windows).astype(float) / (window_ns / 1e9)


def _group_label(ptr: int, lvl: int, node: int) -> str:
    return f"L{lvl} n{node} {ptr & 0xffffff:06x}" if ptr != int(NO_PTR) else f"L{lvl} n{node}"


@dataclass
class _Windows:
    """The capture's time base: first / last stamp and the whole 100 ms windows rates are taken in."""

    t0: int
    t1: int
    count: int
    ns: int

    def rates(self, ts: np.ndarray) -> np.ndarray:
        return _window_rates(np.asarray(ts, dtype=np.int64), self.t0, self.count, self.ns)


def _rows(df: pd.DataFrame, events: tuple[str, ...], columns: tuple[str, ...]) -> pd.DataFrame:
    """The rows of some events, only the columns a statistic reads (a filter copies every column
    it keeps: the whole frame's would be 1 s per 2M events)."""
    return df.loc[df["event"].isin(events).to_numpy(), list(columns)]


def compute(df: pd.DataFrame, *, clock_offset_ns: int = 0, topology: dict | None = None,
            timeline_s: tuple[float, float] | None = None) -> CaptureStats:
    """All statistics of one capture (`df` from `events_frame`). `clock_offset_ns`: trace clock +
    offset = CLOCK_MONOTONIC (the replay's clock evidence), the base of the printed expiries."""
    if len(df) == 0:
        return CaptureStats(0.0, 0, [], notes=["no events"])
    t0, t1 = int(df["ts"].min()), int(df["ts"].max())
    count, ns = (t1 - t0) // WINDOW_NS, WINDOW_NS
    if count == 0:
        count, ns = 1, max(t1 - t0, 1)
    w = _Windows(t0, t1, int(count), ns)
    st = CaptureStats(duration_s=(t1 - t0) / 1e9, windows=w.count, levels=[])
    st.timeline_s = timeline_s or (0.0, min(st.duration_s, DEFAULT_TIMELINE_S))
    _group_state(st, _rows(df, STATE_EVENTS, ("ts", "group", "lvl", "numa_node", "active", "migrator")), w)
    depth, root = _idle_walks(_rows(df, STATE_EVENTS + CPU_EVENTS, ("event", "cpu", "lvl", "parent")),
                              max(st.levels) if st.levels else -1)
    st.dists["idle_walk_levels"] = Distribution("idle_walk_levels", "levels", depth,
                                                "levels an idle walk changed (tmigr_group_set_cpu_inactive rows before tmigr_cpu_idle)")
    st.scalars["idle_walks"] = len(depth)
    st.scalars["root_reached_fraction"] = float(np.mean(root)) if len(root) else None
    _remote(st, df, node_of_cpu(df, topology), w)
    st.dists["lateness"] = Distribution("lateness", "us", _lateness(df, clock_offset_ns) / 1e3,
                                        "handling time of a remote expiry minus the expiry the idle CPU published")
    _last_idle_wakeups(st, df, clock_offset_ns, w)
    st.dists["remote_only_wakeups_per_s"] = Distribution(
        "remote_only_wakeups_per_s", "1/s", w.rates(_remote_only_wakeups(df)),
        "idle periods in which the CPU expired other CPUs' timers remotely and stayed idle, per second")
    return st


def _group_state(st: CaptureStats, gs: pd.DataFrame, w: _Windows) -> None:
    """Migrator hand-offs per level, intervals with no active child, the migrator timeline."""
    st.levels = sorted(int(x) for x in gs["lvl"].unique() if x >= 0)
    have_ptrs = bool(len(gs)) and bool((gs["group"] != NO_PTR).all())
    if not have_ptrs and len(gs):
        st.notes.append("group pointers not printed: hand-offs and idle time per group not computed")
    handoff_ts = {lvl: np.zeros(0, dtype=np.int64) for lvl in st.levels}
    idle_durs: list[np.ndarray] = []
    idle_frac: list[float] = []
    span = w.t1 - w.t0
    if have_ptrs:
        g = gs[["ts", "group", "lvl", "numa_node", "active", "migrator"]]
        prev_mig = g.groupby("group", sort=False)["migrator"].shift()
        hand = (prev_mig.notna() & (prev_mig != g["migrator"]) & (prev_mig != TMIGR_NONE)
                & (g["migrator"] != TMIGR_NONE))
        for lvl, sub in g[hand].groupby("lvl"):
            handoff_ts[int(lvl)] = sub["ts"].to_numpy()
        for ptr, sub in g.groupby("group", sort=False):
            ts = sub["ts"].to_numpy()
            ends = np.append(ts[1:], w.t1)
            idle = sub["active"].to_numpy() == 0
            idle_frac.append(float((ends - ts)[idle].sum()) / span if span else 0.0)
            idle_durs.append((ts[1:] - ts[:-1])[idle[:-1]] / 1e3)   # the last interval is cut by the end
            _timeline(st, sub, ts, ends, int(ptr), w.t0)
    st.dists["group_idle"] = Distribution(
        "group_idle", "us", np.concatenate(idle_durs) if idle_durs else np.zeros(0),
        "length of each interval with no active child in a group (active=0 until the next state event)")
    st.scalars["group_idle_fraction"] = float(np.mean(idle_frac)) if idle_frac else None
    if not have_ptrs:          # unknown, not zero: no sample (a gate on it says it cannot decide)
        st.scalars["handoffs"] = None
        return
    all_hand = np.concatenate(list(handoff_ts.values())) if handoff_ts else np.zeros(0, dtype=np.int64)
    st.dists["handoffs_per_s"] = Distribution("handoffs_per_s", "1/s", w.rates(all_hand),
                                              "migrator hand-offs per second, all levels (per 100 ms window)")
    for lvl, ts in handoff_ts.items():
        st.dists[f"handoffs_per_s_L{lvl}"] = Distribution(f"handoffs_per_s_L{lvl}", "1/s", w.rates(ts),
                                                         f"migrator hand-offs per second at level {lvl}")
    st.scalars["handoffs"] = int(all_hand.size)


def _timeline(st: CaptureStats, sub: pd.DataFrame, ts: np.ndarray, ends: np.ndarray, ptr: int, t0: int) -> None:
    """The migrator segments of one group that overlap the timeline window."""
    a, b = st.timeline_s
    start, end = (ts - t0) / 1e9, (ends - t0) / 1e9
    keep = (end >= a) & (start <= b)
    lvl, node = int(sub["lvl"].iat[0]), int(sub["numa_node"].iat[0])
    label = _group_label(ptr, lvl, node)
    for sa, sb, m in zip(start[keep], end[keep], sub["migrator"].to_numpy()[keep]):
        st.segments.append((label, lvl, max(sa, a), min(sb, b), -1 if m == TMIGR_NONE else int(m)))


def _remote(st: CaptureStats, df: pd.DataFrame, nodes: dict[int, int], w: _Windows) -> None:
    """Remote expiries per second, split by whether the handler is on the expired CPU's node."""
    rem = _rows(df, ("tmigr_handle_remote_cpu",), ("ts", "cpu", "target_cpu"))
    handler = rem["cpu"].to_numpy()
    target = rem["target_cpu"].to_numpy()
    hn = np.array([nodes.get(int(c), -1) for c in handler], dtype=np.int64)
    tn = np.array([nodes.get(int(c), -1) for c in target], dtype=np.int64)
    known = (hn >= 0) & (tn >= 0)
    same = known & (hn == tn)
    cross = known & (hn != tn)
    rts = rem["ts"].to_numpy()
    st.dists["remote_per_s"] = Distribution("remote_per_s", "1/s", w.rates(rts),
                                            "remote expiries (tmigr_handle_remote_cpu) per second")
    st.dists["remote_same_node_per_s"] = Distribution("remote_same_node_per_s", "1/s", w.rates(rts[same]),
                                                      "remote expiries handled by a CPU of the same node")
    st.dists["remote_cross_node_per_s"] = Distribution("remote_cross_node_per_s", "1/s", w.rates(rts[cross]),
                                                       "remote expiries handled by a CPU of another node")
    st.scalars["remote_expiries"] = int(len(rem))
    st.scalars["remote_same_node"] = int(same.sum())
    st.scalars["remote_cross_node"] = int(cross.sum())
    st.scalars["remote_node_unknown"] = int((~known).sum())
    st.scalars["cross_node_fraction"] = float(cross.sum() / known.sum()) if known.sum() else None
    st.scalars["remote_self"] = int((handler == target).sum())


def _last_idle_wakeups(st: CaptureStats, df: pd.DataFrame, clock_offset_ns: int, w: _Windows) -> None:
    """Idle transitions that armed a hierarchy wakeup (the last idle CPU), and how far ahead."""
    armed = df[df["event"].isin(("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle")) & (df["wakeup"] >= 0)
               & (df["wakeup"] != KTIME_MAX)]
    wake = armed["wakeup"].to_numpy()
    st.dists["last_idle_wakeups_per_s"] = Distribution(
        "last_idle_wakeups_per_s", "1/s", w.rates(armed["ts"].to_numpy()),
        "idle transitions that returned a hierarchy wakeup (wakeup != KTIME_MAX) per second")
    st.dists["wakeup_lead"] = Distribution("wakeup_lead", "us", (wake - (armed["ts"].to_numpy() + clock_offset_ns)) / 1e3,
                                           "how far ahead the armed wakeup lies")
    own = armed["nextevt"].to_numpy()
    st.scalars["last_idle_wakeups"] = int(len(armed))
    st.scalars["last_idle_wakeups_for_others"] = int(((own < 0) | (wake < own)).sum())


def _idle_walks(rows: pd.DataFrame, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Levels each idle walk changed, and whether it changed a root, for every tmigr_cpu_idle
    preceded (on its CPU, since the CPU's previous tmigr_cpu_* row) by tmigr_group_set_cpu_inactive
    rows. Vectorized: a walk is identified by (cpu, number of CPU rows of that CPU before it)."""
    is_cpu = rows["event"].isin(CPU_EVENTS).to_numpy()
    walk = pd.Series(is_cpu.astype(np.int64), index=rows.index).groupby(rows["cpu"].to_numpy()).cumsum().to_numpy()
    names = rows["event"].to_numpy()
    sel = names == "tmigr_group_set_cpu_inactive"
    inact = rows[sel]
    inact = pd.DataFrame({"cpu": inact["cpu"].to_numpy(), "walk": walk[sel], "lvl": inact["lvl"].to_numpy(),
                          "root": inact["parent"].to_numpy() == 0, "ptr": inact["parent"].to_numpy() != NO_PTR})
    per_walk = inact.groupby(["cpu", "walk"]).agg(top_lvl=("lvl", "max"), has_root=("root", "max"), ptrs=("ptr", "min"))
    idle_mask = names == "tmigr_cpu_idle"
    idle = pd.DataFrame({"cpu": rows["cpu"].to_numpy()[idle_mask], "walk": walk[idle_mask] - 1})
    m = idle.merge(per_walk, left_on=["cpu", "walk"], right_index=True, how="inner")
    depth = m["top_lvl"].to_numpy(dtype=float) + 1
    root = np.where(m["ptrs"].to_numpy(dtype=bool), m["has_root"].to_numpy(dtype=bool), m["top_lvl"].to_numpy() == top)
    return depth, root


def _lateness(df: pd.DataFrame, clock_offset_ns: int) -> np.ndarray:
    """ns between each remote expiry (mono time of tmigr_handle_remote_cpu) and the expiry its
    target last published (nextevt of its own tmigr_cpu_idle / tmigr_cpu_new_timer_idle); a
    second remote expiry before the target publishes again has no known expiry and is skipped.

    Vectorized: the rows are taken per CPU they are about (the recording CPU, the target of a
    remote expiry), in stored order; a remote expiry has a known expiry exactly when the row before
    it there is a publication (a remote expiry consumes it, tmigr_cpu_active or an idle entry
    without an expiry withdraw it; a new timer without an expiry changes nothing and is dropped)."""
    sel = _rows(df, ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle", "tmigr_handle_remote_cpu", "tmigr_cpu_active"),
                ("event", "ts", "cpu", "target_cpu", "nextevt"))
    names = sel["event"].to_numpy()
    nxt = sel["nextevt"].to_numpy()
    remote = names == "tmigr_handle_remote_cpu"
    publish = ~remote & (names != "tmigr_cpu_active") & (nxt >= 0) & (nxt != KTIME_MAX)
    keep = remote | publish | (names != "tmigr_cpu_new_timer_idle")
    about = np.where(remote, sel["target_cpu"].to_numpy(), sel["cpu"].to_numpy())[keep]
    remote, publish, nxt, ts = remote[keep], publish[keep], nxt[keep], sel["ts"].to_numpy()[keep]
    order = np.argsort(about, kind="stable")
    same_cpu = np.zeros(order.size, dtype=bool)
    same_cpu[1:] = about[order][1:] == about[order][:-1]
    prev_pub = np.zeros(order.size, dtype=bool)
    prev_pub[1:] = publish[order][:-1]
    hit = np.zeros(order.size, dtype=bool)
    hit[order] = remote[order] & same_cpu & prev_pub
    expiry = np.zeros(order.size, dtype=np.int64)
    expiry[order[1:]] = nxt[order][:-1]
    return (ts[hit] + clock_offset_ns - expiry[hit]).astype(float)


def _remote_only_wakeups(df: pd.DataFrame) -> np.ndarray:
    """Timestamps of the first remote expiry of another CPU in each idle period of the handler
    (between its tmigr_cpu_idle and its next tmigr_cpu_active / offline / unavailable).

    Vectorized: per recording CPU in stored order, each tmigr_cpu_idle or period end starts a
    segment; in the segments an idle entry starts, the first remote expiry of another CPU counts."""
    sel = _rows(df, ("tmigr_cpu_idle", "tmigr_handle_remote_cpu") + IDLE_END, ("event", "ts", "cpu", "target_cpu"))
    names = sel["event"].to_numpy()
    cpu = sel["cpu"].to_numpy()
    order = np.argsort(cpu, kind="stable")
    names, c, tc = names[order], cpu[order], sel["target_cpu"].to_numpy()[order]
    is_idle = names == "tmigr_cpu_idle"
    remote = names == "tmigr_handle_remote_cpu"
    pos = np.arange(order.size)
    first_of_cpu = np.ones(order.size, dtype=bool)
    first_of_cpu[1:] = c[1:] != c[:-1]
    cpu_start = np.maximum.accumulate(np.where(first_of_cpu, pos, 0))
    start = np.maximum.accumulate(np.where(~remote, pos, -1))        # the segment's first row
    in_idle = (start >= cpu_start) & is_idle[np.maximum(start, 0)]
    cand = np.flatnonzero(remote & in_idle & (tc != c))
    _, first = np.unique(start[cand], return_index=True)
    rows = np.sort(order[cand[first]])                                # back to stored order
    return sel["ts"].to_numpy()[rows]
