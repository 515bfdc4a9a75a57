"""The thin layer between a stored trace and the pure engine: ``tmigr_trace.replay(trace)``.

It picks the model profile (formats, observed fields, release; ``model=`` overrides), builds the
model from the trace's topology, identifies the trace's groups, infers the jiffies grid from the
traced expiries, and streams the events in batches (plain lists per batch, never pandas rows)
through :class:`~tmigr_trace.replay.engine.Engine`. Memory is bounded by the batch size and the
hierarchy, not by the trace length: divergences beyond the first ``divergences_in_memory`` go to a
temporary file (:class:`tmigr_trace.divergence_log.DivergenceLog`).
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa

from tmigr_trace.arrow_pool import system_memory_pool
from tmigr_trace.divergence_log import DEFAULT_MEMORY, DivergenceLog
from tmigr_trace.errors import TmigrError
from tmigr_trace.metadata import text_is_whole, text_overwritten
from tmigr_trace.schema import KTIME_MAX

from .engine import (E_OTHER, E_SET_ACTIVE, E_SET_INACTIVE, ENGINE_COLUMNS, EVENT_CODE, INT_COLUMNS,
                     LOOKAHEAD_ROWS, PTR_COLUMNS, UNKNOWN_PTR, Engine, same_cpu_links)
from .seq_order import stream_permutation
from .stamp_order import stamp_permutation
from .stream_cut import ACTED_COLUMNS, acted_after
from .tie_order import TieOrder, level_keys, state_before_update
from .clock import COHERENT_CLOCKS, ClockOffset, clock_offset, count_scale
from .evidence import derive, start_of_setup
from .program_order import missing_lines
from .identify import SCAN_COLUMNS, TraceTree, adopt, node_column, scan
from .model import FAULTS, PROFILES, Hierarchy, candidate_profiles, get_profile, parse_release
from .result import ReplayResult

DEFAULT_BATCH = 65536
# Events each admitted era replays when the evidence does not pick one (the best then replays the
# rest): enough for thousands of checks of every kind on the captures measured.
PROFILE_TRIAL_ROWS = 262_144
CLOCK_COLUMNS = ("ts", "event", "target_cpu", "nextevt")


def infer_tick(trace, max_rows: int = 400_000) -> tuple[int, int]:
    """(tick_ns, phase_ns) of the jiffies grid from traced expiries (all lie on it, §3.1)."""
    vals: list[np.ndarray] = []
    seen = 0
    for batch in trace.iter_batches(columns=["nextevt", "wakeup", "group_next_expiry"]):
        for name in ("nextevt", "wakeup", "group_next_expiry"):
            a = batch.column(name).drop_null().to_numpy()
            a = a[(a > 0) & (a != KTIME_MAX)]
            if a.size:
                vals.append(a)
        seen += batch.num_rows
        if seen >= max_rows:
            break
    if not vals:
        return 4_000_000, 0
    v = np.unique(np.concatenate(vals))
    if v.size < 2:
        return 4_000_000, int(v[0]) % 4_000_000 if v.size else 0
    d = np.diff(v)
    g = int(np.gcd.reduce(d[:100_000]))
    if g < 1_000_000 or g > 10_000_000:   # HZ 100..1000; anything else is noise
        g = 4_000_000 if g % 4_000_000 == 0 or g < 1_000_000 else g
    return g, int(v[0] % g)


def _columns(batch: pa.RecordBatch) -> dict[str, np.ndarray]:
    """One batch as filled int64 numpy columns (pointers null -> UNKNOWN_PTR, ints null -> -1)
    plus ``code`` (event codes)."""
    cols: dict[str, np.ndarray] = {}
    cols["code"] = _columns_code(batch.column("event"))
    for names, fill, dtype in ((PTR_COLUMNS, UNKNOWN_PTR, np.uint64), (INT_COLUMNS, -1, np.int64)):
        for name in names:
            col = node_column(batch) if name == "numa_node" else batch.column(name)
            cols[name] = _filled(col, fill, dtype)
    for name in ("migr_seq", "migr_state"):
        if name in batch.schema.names:
            cols[name] = _filled(batch.column(name), -1, np.int64)
    return cols


def _prefetched(batches: Iterator[pa.RecordBatch]) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
    """(rows, `_columns`) of each batch, the next one read on a helper thread while the caller
    replays this one: Parquet decoding and the numpy column work release the GIL, the row loop
    holds it, so on two cores they overlap."""
    def read_next() -> tuple[int, dict[str, np.ndarray]] | None:
        b = next(batches, None)
        return None if b is None else (b.num_rows, _columns(b))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tmigr-replay-read") as ex:
        fut = ex.submit(read_next)
        while True:
            item = fut.result()
            if item is None:
                return
            fut = ex.submit(read_next)
            yield item


def _filled(a: pa.Array, fill: int, dtype: Any) -> np.ndarray:
    """A primitive integer column as numpy `dtype` with nulls replaced by `fill`, straight from
    the Arrow buffers (pyarrow.compute.fill_null + cast cost several times more per batch)."""
    n = len(a)
    nulls = a.null_count
    if nulls == n:
        return np.full(n, fill, dtype=dtype)       # sparse: most events lack the field
    if not nulls:
        return a.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    off = a.offset
    validity, data = a.buffers()[:2]
    vals = np.frombuffer(data, dtype=np.dtype(a.type.to_pandas_dtype()), count=n + off)[off:]
    valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little", count=n + off)[off:]
    return np.where(valid.view(bool), vals.astype(dtype, copy=False), dtype(fill))


def _tie_ns(meta: Any, window_us: float, trace: Any = None) -> int:
    """How close two CPUs' stamps may be without ordering them: a clock coherent across CPUs
    (mono, global, ...) orders them down to its printed resolution (text: 1 us); `local` (the
    tracefs default, per-CPU sched_clock) or an unknown clock only beyond the reordering window."""
    clock = getattr(meta, "clock", None)
    if isinstance(trace, _ScaledStamps):
        # raw counts: stamps one count apart do not order their steps
        return max(1000, int(window_us * 1000), int(2 * trace.ns_per_count))
    if clock in COHERENT_CLOCKS:
        return 1000
    return max(1000, int(window_us * 1000))


# Sources whose per-CPU sequence numbers have a gap wherever the ring buffer lost events (its
# pages flag and count what they missed: collectors/ringbuffer.py, importers/tracedat.py).
SEQ_GAP_SOURCES = ("capture", "raw", "tracedat")


def _seq_marks_loss(meta: Any, topo: Any) -> tuple[int, ...] | None:
    """CPUs whose sequence numbers prove where nothing was lost: those of a binary ring-buffer
    source, except CPUs with lost events the pages flagged without a count or with damaged
    pages (their events dropped without a gap); every CPU of a text that proves itself whole
    (`text_is_whole`)."""
    if text_is_whole(meta):
        return tuple(topo.possible)
    if getattr(meta, "source_format", None) not in SEQ_GAP_SOURCES:
        return None
    uncounted = set(int(c) for c in (meta.lost_unknown_cpus or [])) | \
        set(int(c) for c in (getattr(meta, "damaged_cpus", None) or []))
    return tuple(c for c in topo.possible if c not in uncounted)


def _seq_permutation(buf: dict[str, np.ndarray], layout: dict) -> np.ndarray | None:
    """With the group's state word (BCC --group-state): the rows in the order its ``seq`` proves
    for each group's updates (`seq_order.stream_permutation`); a word whose active/migrator are
    not the traced ones was read after a later update (``late``). The two columns stay in the
    buffer (its unfed tail is ordered again with the next batch); the engine is not given them."""
    seq = buf["migr_seq"]
    word = buf["migr_state"]
    code = buf["code"]
    upd = (code == E_SET_ACTIVE) | (code == E_SET_INACTIVE)
    a_sh, m_sh = 8 * int(layout["active_offset"]), 8 * int(layout["migrator_offset"])
    late = upd & (word >= 0) & ((((word >> a_sh) & 0xFF) != buf["active"]) |
                                (((word >> m_sh) & 0xFF) != buf["migrator"]))
    perm = stream_permutation(buf["cpu"].tolist(), buf["group"].tolist(), seq.tolist(), upd.tolist(),
                              late.tolist())
    return None if perm is None else np.asarray(perm, dtype=np.int64)


@dataclass
class StampCount:
    """Rows the buffers had out of stamp order (`stamp_permutation`), for the replay's note."""
    late_rows: int = 0


def _feed(eng: Engine, buf: dict[str, np.ndarray], final: bool, ties: TieOrder | None = None,
          state_first: bool = False, layout: dict | None = None,
          stamps: StampCount | None = None, ntail: int = 0) -> tuple[int, dict[str, np.ndarray]]:
    """One buffer to the engine, with the rows before / after which their CPU's stream must have
    lost lines (`program_order`); the same-CPU links are computed once for both. ``ties``: one
    stamp's rows of several CPUs are put in the order the groups' state chains prove
    (`tie_order`). ``state_first``: the profile traces a deactivation's state after its update
    (`state_before_update`). Rows printed after later-stamped ones go back to stamp order
    (`stamp_permutation`, counted in ``stamps``): the new rows only, after the ``ntail`` rows
    left from the last buffer, which are in the order they were fed. Returns the rows consumed
    and the buffer as fed."""
    perm = None
    sp = stamp_permutation(buf["ts"][ntail:], buf["cpu"][ntail:])
    if sp is not None:
        # rows a trace_pipe reader printed after later-stamped ones: in the trace file's order
        perm = np.concatenate((np.arange(ntail, dtype=np.int64), ntail + sp[0]))
        buf = {k: v[perm] for k, v in buf.items()}
        if stamps is not None:
            stamps.late_rows += sp[1]
    if "migr_seq" in buf:
        # the kernel's own order of each group's updates, where the trace has it
        ps = _seq_permutation(buf, layout or {})
        if ps is not None:
            buf = {k: v[ps] for k, v in buf.items()}
            perm = ps if perm is None else perm[ps]
    if state_first:
        p0 = state_before_update(buf, *same_cpu_links(buf["cpu"]))
        if p0 is not None:
            buf = {k: v[p0] for k, v in buf.items()}
            perm = p0 if perm is None else perm[p0]
    stop_at = -1
    if ties is not None:
        p2 = ties.order(buf, len(buf["code"]) if final else max(0, len(buf["code"]) - LOOKAHEAD_ROWS))
        stop_at = ties.stop
        if p2 is not None:
            buf = {k: v[p2] for k, v in buf.items()}
            perm = p2 if perm is None else perm[p2]
    links = same_cpu_links(buf["cpu"])
    fed = {k: v for k, v in buf.items() if k != "migr_seq" and k != "migr_state"}
    done = eng.feed_arrays(fed, final=final, gap=missing_lines(buf["code"], buf["lvl"], *links), links=links,
                           orig=perm, stop_at=stop_at)
    if ties is not None:
        ties.fed(buf["cpu"][:done])
    return done, buf


def _buffer(tail: dict[str, np.ndarray] | None, cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    if tail is None or not len(tail["code"]):
        return cols
    return {k: np.concatenate((tail[k], v)) for k, v in cols.items()}


def replay(trace: Any, model: str | None = None, fault: str | Iterable[str] | None = None, *,
           kernel: str | None = None, window_us: float = 50.0, batch_rows: int = DEFAULT_BATCH,
           divergences_in_memory: int = DEFAULT_MEMORY) -> ReplayResult:
    """Replay a trace (a :class:`tmigr_trace.Trace` or a path) through the model.

    ``model``: profile name (default: chosen from the trace's evidence: formats, printed fields,
    kernel release; when the evidence admits several eras, each is replayed and the one that fits
    is taken, ``res.evidence["profile"]`` says which fit); ``kernel``: the kernel release, for
    traces that do not record it (text); ``fault``: one or more historical bugs to switch on (see
    ``tmigr_trace.replay.model.FAULTS``); ``divergences_in_memory``: how many divergences
    ``res.divergences`` (a :class:`~tmigr_trace.divergence_log.DivergenceLog`) keeps in memory;
    the rest are spilled to a temporary Parquet file, removed with the log.
    """
    if isinstance(trace, (str, os.PathLike)):
        from tmigr_trace.trace import load
        trace = load(trace)
    meta = trace.meta
    release = kernel or meta.kernel_release
    if kernel is not None and parse_release(kernel) is None:
        raise TmigrError(f"--kernel {kernel!r} is not a kernel release (e.g. 6.12.43, 7.3.4)")
    try:
        if model:
            profiles, why = [get_profile(model)], "given (--model)"
        else:
            profiles, why = candidate_profiles(meta.formats, meta.observed_fields, release)
    except KeyError as exc:
        raise TmigrError(str(exc).strip("'\"")) from None
    faults = [fault] if isinstance(fault, str) else list(fault or [])
    bad = [f for f in faults if f not in FAULTS]
    if bad:
        raise TmigrError(f"unknown fault {bad[0]!r}; known: {', '.join(FAULTS)}")
    missing = [c for c in ENGINE_COLUMNS if c not in trace._pf.schema_arrow.names]
    if missing:
        raise TmigrError(f"{trace.path}: missing columns {', '.join(missing)}")
    if divergences_in_memory < 0:
        raise TmigrError("divergences_in_memory must be >= 0")
    if (meta.extra or {}).get("ts_counts"):
        ns_per_count, proofs = count_scale(trace.iter_batches(batch_rows, columns=list(CLOCK_COLUMNS)))
        if ns_per_count is not None:
            shared = _shared_stamps(trace, batch_rows)
            if ns_per_count > COARSE_COUNT_NS and shared > 0.2:
                raise TmigrError(f"{trace.path}: the stamps count {ns_per_count / 1e6:.3g} ms ticks (a trace clock "
                                 f"such as uptime) and {shared:.0%} of the events share their tick with another: "
                                 "the order of the steps is not in the trace; record with trace_clock mono, "
                                 "global or local")
            trace = _ScaledStamps(trace, ns_per_count, proofs)
    with system_memory_pool():     # streamed batches: reuse freed buffers (arrow_pool)
        pre = _prepass(trace, batch_rows)
        if len(profiles) == 1:
            res = _replay(trace, pre, profiles[0], faults, window_us, batch_rows, divergences_in_memory)
            res.evidence["profile"] = {"chosen": res.model_profile, "evidence": why,
                                       "candidates": {res.model_profile: _score(res)},
                                       "fit": [res.model_profile]}
            return res
        # Several eras fit what the trace prints: each replays a prefix, the best one the rest.
        trials = []
        failed: dict[str, str] = {}
        for p in profiles:
            try:
                trials.append(_replay(trace, pre, p, faults, window_us, batch_rows, divergences_in_memory,
                                      limit_rows=PROFILE_TRIAL_ROWS))
            except TmigrError as exc:           # this era cannot build what the trace shows
                failed[p.name] = str(exc)
        if not trials:
            raise TmigrError(next(iter(failed.values())))
        best = min(trials, key=lambda r: (r.diverged, r.undecidable))
        fit = [r.model_profile for r in trials if (r.diverged, r.undecidable) == (best.diverged, best.undecidable)]
        trial_rows = best.hierarchy.get("trial_rows")
        if trial_rows is not None:
            best = _replay(trace, pre, get_profile(best.model_profile), faults, window_us, batch_rows,
                           divergences_in_memory)
    best.evidence["profile"] = {
        "chosen": best.model_profile, "evidence": why,
        "candidates": {r.model_profile: _score(r) for r in trials}, "fit": fit,
        "trial_rows": trial_rows, "failed": failed}
    on = f" on the first {trial_rows} events" if trial_rows is not None else ""
    others = ", ".join(f"{r.model_profile}: {r.diverged} divergences" for r in trials
                       if r.model_profile not in fit)
    best.notes.append(f"profile {best.model_profile} chosen by replay: the evidence ({why}) admits "
                      f"{', '.join(p.name for p in profiles)}; "
                      + (f"{' and '.join(fit)} fit equally{on}" if len(fit) > 1 else f"others{on}: {others}"))
    for r in trials:
        if r is not best:
            close = getattr(r.divergences, "close", None)
            if close is not None:
                close()
    return best


def _score(r: ReplayResult) -> dict[str, int]:
    return {"checked": r.checked, "diverged": r.diverged, "undecidable": r.undecidable}


@dataclass
class _Prepass:
    """What the whole trace proves before any model is built, the same for every profile tried:
    the tree relations, the jiffies grid, the trace clock's offset."""

    tree: TraceTree
    tick: int
    phase: int
    clock: ClockOffset
    clock_conflict: str | None
    stream_ends: dict[int, int]
    traced_spans: dict[int, tuple[int, int]]
    open_ends: dict[int, int]       # CPUs whose last row opens a section, not cut by a full buffer


# A CPU's last walk left open: one that always ends in a tracepoint of the same CPU microseconds
# later, with interrupts off (a deactivation in tmigr_cpu_idle, a new timer's walk in
# tmigr_cpu_new_timer_idle, an activation in its level-0 tmigr_group_set_cpu_active). A remote
# walk may end without one. The stream was cut there if the others go on for longer than this.
CUT_AFTER_NS = 1_000_000
OPENS = frozenset(("tmigr_group_set_cpu_inactive", "tmigr_cpu_new_timer", "tmigr_cpu_active"))
CLOSES = frozenset(("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle", "tmigr_group_set_cpu_active",
                    "tmigr_cpu_offline", "tmigr_cpu_unavailable", "tmigr_cpu_online", "tmigr_cpu_available",
                    "tmigr_handle_remote", "tmigr_handle_remote_cpu"))


def stream_ends(batches: Iterable[pa.RecordBatch], spans: dict[int, tuple[int, int]] | None = None,
                lasts: dict[int, tuple[int, int]] | None = None,
                counts: dict[int, int] | None = None) -> dict[int, int]:
    """CPUs whose stream ends inside a walk that always ends in a tracepoint of their own, while
    the trace goes on (a per-CPU buffer that filled, `nooverwrite`, or was read earlier than the
    others): CPU -> row index of its last row. `_prepass` keeps those with a full buffer's share
    of rows (cut: silent from there) apart from the rest (`open_ends`: a line not traced).
    ``spans``, if given, gets each event code's first and last stamp (the span in which that type
    was being recorded, `Engine.traced_spans`); ``lasts`` each CPU's last (row, stamp) and the
    trace's last stamp under key -1; ``counts`` each CPU's number of rows."""
    last: dict[int, tuple[int, int]] = {}      # CPU -> (row, ts) of its last row
    mark: dict[int, str] = {}                  # CPU -> its last opening or closing event
    end_ts = 0
    base = 0
    for b in batches:
        cpu = b.column("cpu").to_numpy(zero_copy_only=False)
        ts = b.column("ts").to_numpy(zero_copy_only=False)
        n = len(cpu)
        if n:
            end_ts = max(end_ts, int(ts.max()))
            uniq, rev, cnt = np.unique(cpu[::-1], return_index=True, return_counts=True)
            for c, r, m in zip(uniq.tolist(), rev.tolist(), cnt.tolist()):
                k = n - 1 - r
                last[int(c)] = (base + k, int(ts[k]))
                if counts is not None:
                    counts[int(c)] = counts.get(int(c), 0) + m
            code = _columns_code(b.column("event"))
            if spans is not None:
                _add_spans(spans, code, ts)
            marked = np.flatnonzero(np.isin(code, MARK_CODES))
            if marked.size:
                mc = cpu[marked]
                uniq, rev = np.unique(mc[::-1], return_index=True)
                for c, r in zip(uniq.tolist(), rev.tolist()):
                    mark[int(c)] = int(code[marked[marked.size - 1 - r]])
        base += n
    if lasts is not None:
        lasts.update(last)
        lasts[-1] = (base, end_ts)
    return {c: row for c, (row, t) in last.items() if mark.get(c) in OPEN_CODES and end_ts - t > CUT_AFTER_NS}


def _add_spans(spans: dict[int, tuple[int, int]], code: np.ndarray, ts: np.ndarray) -> None:
    """Widen the (first, last) stamp of the event types a missing line can be (`Engine._untraced_line`:
    the group-state steps) by one batch's rows."""
    for k in SPAN_CODES:
        t = ts[code == k]
        if t.size:
            lo, hi = int(t.min()), int(t.max())
            old = spans.get(k)
            spans[k] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))


SPAN_CODES = (E_SET_ACTIVE, E_SET_INACTIVE)


OPEN_CODES = frozenset(EVENT_CODE[n] for n in OPENS)
MARK_CODES = np.array(sorted({EVENT_CODE[n] for n in OPENS | CLOSES}), dtype=np.int64)


# A count longer than this is coarser than the steps of one walk (microseconds apart).
COARSE_COUNT_NS = 1_000_000


def _shared_stamps(trace: Any, batch_rows: int) -> float:
    """The fraction of events whose stamp another event has too."""
    ts = np.concatenate([b.column("ts").to_numpy(zero_copy_only=False)
                         for b in trace.iter_batches(batch_rows, columns=["ts"])] or [np.zeros(0, np.int64)])
    if ts.size == 0:
        return 0.0
    _, counts = np.unique(ts, return_counts=True)
    return float(counts[counts > 1].sum()) / ts.size


def _stamps_not_time(trace: Any, clock: str | None = None) -> bool:
    """The stamps bound no `now` from above: the trace clock is `counter` (it counts events), or,
    the clock not recorded, stamps read as counts at more than 10 us each (no clock but one that
    counts events, or `uptime`'s jiffies where those are not refused, ticks that coarsely)."""
    if clock:
        return clock == "counter"
    return isinstance(trace, _ScaledStamps) and trace.ns_per_count > 10_000


class _ScaledStamps:
    """A trace whose stamps are raw counts (a clock not in nanoseconds), read through the scale
    its remote expiries prove (`clock.count_scale`): every batch's ``ts`` is ``round(ts * ns_per_count)``.
    Everything else is the trace's own."""

    def __init__(self, trace: Any, ns_per_count: float, proofs: int) -> None:
        self._trace = trace
        self.ns_per_count = ns_per_count
        self.proofs = proofs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._trace, name)

    def iter_batches(self, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        for b in self._trace.iter_batches(batch_rows, columns):
            k = b.schema.get_field_index("ts")
            if k >= 0:
                ts = b.column(k).to_numpy(zero_copy_only=False).astype(np.float64) * self.ns_per_count
                b = b.set_column(k, b.schema.field(k), pa.array(np.round(ts).astype(np.int64)))
            yield b


def _columns_code(ev: pa.Array) -> np.ndarray:
    """Event codes of an event column (dictionary-encoded or not)."""
    if pa.types.is_dictionary(ev.type):
        names = ev.dictionary.to_pylist()
        lut = np.array([EVENT_CODE.get(n, E_OTHER) for n in names] + [E_OTHER], dtype=np.int64)
        return lut[ev.indices.fill_null(len(names)).to_numpy(zero_copy_only=False)]
    return np.array([EVENT_CODE.get(n, E_OTHER) for n in ev.to_pylist()], dtype=np.int64)

def _prepass(trace: Any, batch_rows: int) -> _Prepass:
    tree = scan(trace.iter_batches(batch_rows, columns=SCAN_COLUMNS))
    tick, phase = infer_tick(trace)
    clk, conflict = clock_offset(trace.iter_batches(batch_rows, columns=list(CLOCK_COLUMNS)),
                                 getattr(trace.meta, "clock", None))
    spans: dict[int, tuple[int, int]] = {}
    lasts: dict[int, tuple[int, int]] = {}
    rows: dict[int, int] = {}
    ends = stream_ends(trace.iter_batches(batch_rows, columns=["cpu", "ts", "event"]), spans, lasts, rows)
    cands = {c: row for c, (row, t) in lasts.items()
             if c >= 0 and c not in ends and lasts[-1][1] - t > CUT_AFTER_NS and c in tree.cpu_group and tree.cpu_mask.get(c)}
    open_ends: dict[int, int] = {}
    if cands or ends:
        # A buffer that filled holds about as much as any other CPU's (every per-CPU buffer has
        # buffer_size_kb): a CPU with under half the rows of the busiest one was not cut by a
        # full buffer; its stream ending inside a section, or its bit's changes in others'
        # prints after its last row, are steps the kernel did not trace (program order), not
        # lost ones.
        most = max(rows.values(), default=0)
        cands = {c: r for c, r in cands.items() if rows.get(c, 0) * CUT_ROWS_DIV >= most}
        open_ends = {c: r for c, r in ends.items() if rows.get(c, 0) * CUT_ROWS_DIV < most}
        ends = {c: r for c, r in ends.items() if c not in open_ends}
    if cands:
        ends.update(acted_after(trace.iter_batches(batch_rows, columns=list(ACTED_COLUMNS)), tree, cands))
    return _Prepass(tree, tick, phase, clk, conflict, ends, spans, open_ends)


# A CPU whose stream a full buffer cut holds at least 1/CUT_ROWS_DIV of the busiest CPU's rows
# (event sizes differ: 24-96 bytes per tmigr event in the ring buffer).
CUT_ROWS_DIV = 2


def _quiet_cpus(tree: TraceTree, ident: Any, h: Hierarchy, silent: list[int]) -> list[int]:
    """Silent CPUs the trace shows no sign of: no row of their own, never a remote expiry's
    target, and their bit clear in every active mask their level-0 group prints (it prints
    some). A CPU that is isolated (unavailable) or idle the whole capture never changes its
    bit; one whose idle path is not traced (the silent kind) shows up set in those masks."""
    shown: dict[Any, int] = {}
    printed: set[Any] = set()
    for ptr, bits in tree.l0_active_shown.items():
        g = ident.by_ptr.get(ptr)
        if g is not None:
            shown[g] = shown.get(g, 0) | bits
            printed.add(g)
    for c, bits in tree.cpu_l0_active_shown.items():
        tmc = h.cpus.get(c)
        if tmc is not None and tmc.tmgroup is not None and c in tree.walk_cpus:
            shown[tmc.tmgroup] = shown.get(tmc.tmgroup, 0) | bits
            printed.add(tmc.tmgroup)
    out = []
    for c in silent:
        tmc = h.cpus.get(c)
        if tmc is None or tmc.tmgroup is None or c in tree.cpus_seen or c in tree.remote_targets:
            continue
        if tmc.tmgroup in printed and not shown.get(tmc.tmgroup, 0) & tmc.groupmask:
            out.append(c)
    return out


def _replay(trace: Any, pre: _Prepass, profile: Any, faults: list[str], window_us: float, batch_rows: int,
            divergences_in_memory: int, limit_rows: int | None = None) -> ReplayResult:
    """The replay proper (see `replay`): identify, build the model, stream the rows."""
    meta = trace.meta
    tree = pre.tree
    use_faults = (profile.default_faults | set(faults)) if faults else None
    # What the trace proves about the machine (nodes, CPUs, prepare order), checked against the
    # metadata; its reference model is the profile's own construction the setup checks compare with.
    try:
        header = (meta.extra or {}).get("text_header") or {}
        ev = derive(tree, meta.topology, profile, use_faults, online_cpus=int(header.get("cpus") or 0))
    except ValueError as exc:
        raise TmigrError(str(exc)) from None
    topo = ev.topology
    ident = ev.ident
    # The replay model: CPUs prepared before the capture are built now (in the order the masks
    # prove), those whose prepare is in the trace are built by the engine when it reaches it.
    h = Hierarchy(topo, profile, faults=use_faults, boot=False, trace=True)
    start_of_setup(h, ev.pre_order, ev.slot_holders)
    adopted = adopt(tree, ident, h.cpus, h.group_by_id)
    tick, phase, clk, clk_conflict = pre.tick, pre.phase, pre.clock, pre.clock_conflict

    res = ReplayResult(model_profile=profile.name, faults=sorted(h.faults),
                       divergences=DivergenceLog(divergences_in_memory))
    res.hierarchy = {"levels": h.levels, "groups": len(h.groups), "cpus": len(h.cpus),
                     "tick_ns": tick, **ident.summary()}
    res.lost_event_cpus = meta.loss_cpus  # counted, uncounted and damage losses alike
    k = res.by_kind["setup"]
    res.evidence = {**ev.summary(), "clock": clk.summary()}
    if clk_conflict:
        res.evidence["contradictions"].append(clk_conflict)
        res.notes.append(f"metadata contradicts the trace: {clk_conflict}")
    if isinstance(trace, _ScaledStamps):
        res.evidence["clock"]["ns_per_count"] = trace.ns_per_count
        res.notes.append(f"the stamps are raw counts (a trace clock not in nanoseconds: x86-tsc, uptime, "
                         f"counter): read as {trace.ns_per_count:.6g} ns per count, the rate {trace.proofs} "
                         "remote expiries prove; times are estimates, and an order finer than one count "
                         "is not in the trace")
    res.clock_offset_ns = int(clk.offset_ns)
    if clk.offset_ns:
        res.notes.append(f"trace clock is {abs(clk.offset_ns) / 1e6:.3f} ms "
                         f"{'behind' if clk.offset_ns > 0 else 'ahead of'} CLOCK_MONOTONIC "
                         f"(proven by {clk.proofs} remote expiries); `now` of remote handling "
                         "is computed on that base")
    for c in ev.contradictions:
        res.notes.append(f"metadata contradicts the trace (the trace is used): {c}")
    for c in ev.unresolved:
        res.notes.append(f"not resolved from the trace: {c}")
    # Masks and slot counts follow the prepare order, derived from the masks themselves: a mask
    # no reading reproduces is a construction the profile does not make.
    for chk in ident.checks:
        k.checked += 1
        if chk.ok:
            k.agreed += 1
        else:
            k.diverged += 1
            from .result import Divergence
            res.divergences.append(Divergence(index=-1, ts=0, cpu=-1, event="(hierarchy identification)",
                                              kind="setup", what=chk.what, expected=chk.expected,
                                              observed=chk.observed))
    present = set(ev.pre_order) | set(tree.prepared_cpus) | set(ev.unseen_prepares)
    # A CPU prepared in the trace is not available until its tmigr_cpu_online/available
    # (tmigr_is_not_available(): activation, deactivation and new timers return untraced, so it
    # holds no event and its bit stays clear); one that never gets that row, in a trace that has
    # it for other CPUs (isolated by isolcpus=domain since v6.19, or never onlined), is known
    # idle throughout, not silent.
    never_on = {c for c in tree.prepared_cpus if c not in tree.online_targets and c not in tree.cpus_seen
                and c not in tree.remote_targets
                and not tree.l0_active_shown.get(tree.cpu_group.get(c), 0) & tree.cpu_mask.get(c, 0)} \
        if tree.online_targets else set()
    # (a CPU whose own buffer is lost entirely would still show: its bit set in its group's
    # prints, or a remote expiry of it)
    silent = sorted(c for c in present if c not in tree.walk_cpus and c not in never_on)
    res.hierarchy["silent_cpus"] = silent
    quiet = _quiet_cpus(tree, ident, h, silent)
    res.hierarchy["quiet_cpus"] = quiet
    if silent:
        res.notes.append(f"CPUs {', '.join(map(str, silent))} never appear in their own activation/"
                         "deactivation walks: their state changes are not in the trace and the "
                         "decisions that depend on them count as not decidable")
    if quiet:
        res.notes.append(f"of those, CPUs {', '.join(map(str, quiet))} have no row at all and no printed group "
                         "state ever shows them active: their bits are taken as clear throughout (idle or "
                         "unavailable the whole time), their events still as unknown")
    head_lost: tuple[int, ...] = ()
    if text_overwritten(meta):
        head_lost = tuple(sorted(c for c in present if c in tree.walk_cpus and c not in silent))
        res.notes.append("the ring buffer overwrote its oldest events (entries-in-buffer below entries-written): "
                         "each CPU's stream starts where its own buffer kept it, and until its first row a CPU "
                         "counts as silent")
    eng = Engine(h, {p: g.id for p, g in ident.by_ptr.items()}, res, window_ns=int(window_us * 1000), tick_ns=tick, phase_ns=phase,
                 clock_offset_ns=clk.offset_ns, tie_ns=_tie_ns(meta, window_us, trace),
                 lost_cpus=tuple(res.lost_event_cpus), silent_cpus=tuple(silent),
                 seq_marks_loss=_seq_marks_loss(meta, topo), stream_ends=pre.stream_ends, open_ends=pre.open_ends,
                 traced_spans=pre.traced_spans, head_lost=head_lost, unseen_prepares=tuple(ev.unseen_prepares),
                 unseen_up_by=tuple(ev.unseen_up_by),
                 quiet_cpus=tuple(quiet), now_unbounded=_stamps_not_time(trace, meta.clock),
                 online_traced=tuple(sorted(tree.online_targets)),
                 alone_until=ev.alone_until)
    # One stamp's rows of several CPUs in the order the state chains prove (without group
    # pointers, a state row's group is its CPU's at the row's level).
    # The paths are the reference construction's (`ev.model`): the replay's own tree may not be
    # built yet where a boot trace's setup events come later in the buffer.
    ref_paths = {c: ev.model.path_to_root(c) for c, t in ev.model.cpus.items() if t.tmgroup is not None}
    ties = TieOrder() if ident.mode == "pointers" else TieOrder(group_key=level_keys(ref_paths))
    tail = None
    events = 0
    tmigr_events = 0
    stamps = StampCount()
    # The row loop allocates millions of short-lived, acyclic objects (column lists, records):
    # the cyclic collector's passes over them find nothing and cost about 5%.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        names = trace._pf.schema_arrow.names
        read = list(ENGINE_COLUMNS) + (["family"] if "family" in names else [])
        layout = ((meta.extra or {}).get("capture") or {}).get("group_state")
        if layout and "migr_seq" in names:
            read += ["migr_seq", "migr_state"]     # BCC --group-state: each update's seq
        else:
            layout = None
        for rows, cols in _prefetched(trace.iter_batches(batch_rows, columns=read)):
            events += rows
            tmigr_events += int(np.count_nonzero(cols["code"] != E_OTHER))
            ntail = len(tail["code"]) if tail is not None else 0
            buf = _buffer(tail, cols)
            done, buf = _feed(eng, buf, False, ties, profile.inactive_trace_after_update, layout, stamps, ntail)
            tail = {k: v[done:] for k, v in buf.items()}
            if limit_rows is not None and events >= limit_rows:
                res.hierarchy["trial_rows"] = events      # a prefix only (profile trial)
                break
        if tail is not None and len(tail["code"]):
            _feed(eng, tail, True, ties, profile.inactive_trace_after_update, layout, stamps, len(tail["code"]))
        eng.finish()
    finally:
        if gc_was_enabled:
            gc.enable()
    res.events = events
    res.tmigr_events = tmigr_events
    if pre.stream_ends:
        res.notes.append("the streams of CPUs " + ", ".join(map(str, sorted(pre.stream_ends))) + " end while the "
                         "others go on and those CPUs still act (inside a walk, or their bits change in the "
                         "states other CPUs print): a per-CPU buffer that filled (`nooverwrite`) or was read "
                         "earlier (e.g. `trace-cmd extract` while tracing). From there their steps are not in "
                         "the trace, and the checks that depend on them are not decidable")
    if ties is not None and ties.reordered_windows:
        res.notes.append(f"{ties.reordered_windows} windows of overlapping steps replayed in the order their "
                         "groups' state chains prove (not the printed order: a step lies anywhere between its "
                         "CPU's previous tracepoint and its own, and equal stamps print in CPU order)")
    if stamps.late_rows:
        res.notes.append(f"{stamps.late_rows} rows printed after rows of other CPUs stamped later (a trace_pipe "
                         "reader prints what is committed when it reads): replayed in stamp order, the order of "
                         "the trace file")
    if adopted:
        res.notes.append("the model's construction was corrected to the masks the trace proves: "
                         + "; ".join(adopted[:8]) + (" ..." if len(adopted) > 8 else ""))
    if ident.mode != "pointers":
        res.notes.append("no group pointers in this trace: groups identified by CPU and level")
    if res.resyncs["lost_events"]:
        res.notes.append(f"{res.resyncs['lost_events']} resyncs after lost events "
                         f"(CPUs {', '.join(map(str, res.lost_event_cpus)) or 'found by sequence gaps or by lines the kernel program order requires'})")
    return res


__all__ = ["replay", "infer_tick", "PROFILES", "FAULTS"]
