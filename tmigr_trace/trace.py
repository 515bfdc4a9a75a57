"""The reader API: ``tmigr_trace.load(path)`` -> :class:`Trace`.

A Trace gives the events as a pyarrow Table or an exact pandas DataFrame, per-event views with only
the columns that event has, time windows (``t.window(start, end)``), streaming batches for long
traces, the trace metadata, and the analyses a notebook needs (migrator timeline per group, idle and
active intervals per CPU, remote expiries), each a DataFrame whose columns its docstring lists.

Exactness: pointers are ``uint64`` and expiries ``int64`` up to ``KTIME_MAX``; a plain
``to_pandas()`` turns a nullable integer column into float64 and loses both. Every DataFrame here
uses pandas' nullable integer dtypes (``UInt64``, ``Int64``, ...) so each value is the stored one
and a missing field is ``<NA>``, never ``NaN``. Methods follow LISA's analysis API
(``lisa/analysis/idle.py``): ``df_cpus_*`` for all CPUs, ``df_cpu_*`` for one, each declaring the
events it needs (a trace without them is an error up front, not an empty frame).
"""

from __future__ import annotations

import functools
import os
from functools import cached_property
from typing import Callable, Iterator, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import TmigrError
from .schema import COMMON_COLUMNS, EVENT_BY_NAME, EVENTS, TMIGR_NONE, event_columns_markdown
from .limits import ROW_BOUNDS, first_out_of_range
from .store import check_dictionaries, iter_batches, open_parquet, read_error, read_filtered

_COMMON_NAMES = [c.name for c in COMMON_COLUMNS]

# Arrow integer type -> pandas nullable dtype: exact for uint64 pointers and int64 expiries, <NA>
# for missing values (a float64 column could not hold either).
_PANDAS_DTYPES: dict[pa.DataType, pd.api.extensions.ExtensionDtype] = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
}


def to_pandas(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """An Arrow table as a DataFrame with every value kept: integers as nullable pandas dtypes,
    dictionary columns (event, comm, irq_flags) as categoricals."""
    return table.to_pandas(types_mapper=_PANDAS_DTYPES.get)


F = TypeVar("F", bound=Callable)


def requires_events(*events: str) -> Callable[[F], F]:
    """Declare the events an analysis reads (as LISA's ``@requires_events``): a trace that has
    none of them fails with one clear error naming them."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def checked(self: "Trace", *args, **kwargs):
            have = set(self.available_events)
            if not have.intersection(events):
                raise TmigrError(f"{fn.__name__} needs {' or '.join(events)}; {self.path} has none of them")
            return fn(self, *args, **kwargs)

        checked.required_events = events  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap


_ACTIVE_EVENTS = ("tmigr_cpu_active", "tmigr_cpu_online", "tmigr_cpu_available")
_OFFLINE_EVENTS = ("tmigr_cpu_offline", "tmigr_cpu_unavailable")
_IDLE_EVENTS = ("tmigr_cpu_idle",)
_GROUP_STATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")


class Trace:
    """A stored trace: events (one long table, stored order) plus metadata; optionally restricted
    to a time window (:meth:`window`)."""

    def __init__(self, path: str | os.PathLike, window: tuple[int | None, int | None] | None = None, *,
                 _opened: tuple | None = None):
        self.path = os.fspath(path)
        self._pf, self.meta = _opened if _opened is not None else open_parquet(path)
        self.window_ns = window if window is not None and window != (None, None) else None

    # -- getters ------------------------------------------------------------------------------

    @property
    def num_events(self) -> int:
        """Events in the trace (in the window, if one is set)."""
        if self.window_ns is None:
            return self._pf.metadata.num_rows
        return sum(b.num_rows for b in self.iter_batches(columns=["ts"]))

    @cached_property
    def table(self) -> pa.Table:
        """All events (of the window) as one pyarrow Table (loads the whole file)."""
        try:
            return self._filter(self._pf.read())
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None

    @cached_property
    def df(self) -> pd.DataFrame:
        """All events (of the window) as a pandas DataFrame, value for value the :attr:`table`:
        integers in nullable dtypes (``group``/``parent``/``child`` ``UInt64``, expiries ``Int64``
        up to KTIME_MAX, missing fields ``<NA>``); ``event``, ``comm``, ``irq_flags`` categoricals.
        The columns are the schema's (README, Data schema)."""
        return to_pandas(self.table)

    def iter_batches(self, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """Stream the events (of the window) in stored order, for traces larger than memory."""
        if self.window_ns is None:
            yield from iter_batches(self._pf, batch_rows, columns)
            return
        read = columns if columns is None or "ts" in columns else [*columns, "ts"]
        for batch in iter_batches(self._pf, batch_rows, read):
            batch = batch.filter(self._mask(batch.column("ts")))
            yield batch if read is columns else batch.select(columns)

    @cached_property
    def available_events(self) -> list[str]:
        """The event types this trace holds (sorted)."""
        try:
            col = check_dictionaries(self._pf.read(columns=["event"]), self.path).column("event").combine_chunks()
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None
        col = col.dictionary_decode() if pa.types.is_dictionary(col.type) else col
        return sorted(v for v in pc.unique(col).to_pylist() if v is not None)

    @cached_property
    def cpus(self) -> list[int]:
        """Recording CPUs that have events (in the window)."""
        return sorted(pc.unique(self._read(["cpu"]).column("cpu")).to_pylist())

    def df_event(self, event: str) -> pd.DataFrame:
        """Events of one type (in the window), with the common columns and that event's own fields
        only; the columns of each event are listed below (generated from ``tmigr_trace.schema``).
        Era-specific fields this trace's kernel does not print (e.g. ``family`` on 6.x) are dropped.
        """
        ev = EVENT_BY_NAME.get(event)
        if ev is None:
            raise TmigrError(f"unknown event {event!r} (known: {', '.join(e.name for e in EVENTS)})")
        cols = _COMMON_NAMES + list(ev.columns)
        try:
            table = self._filter(read_filtered(self._pf, self.path, cols, [("event", "=", event)]))
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None
        df = to_pandas(table)
        keep = [c for c in df.columns if c in _COMMON_NAMES or df.empty or df[c].notna().any()]
        return df[keep].reset_index(drop=True)

    def check_values(self) -> None:
        """Refuse a file whose rows hold values no kernel produces (damage: a CPU id of 2e9, a
        negative level), read in one streaming pass over the few columns concerned. Every other
        column, and the pages themselves, are checked by the page checksums on reading."""
        for batch in self.iter_batches(1 << 20, columns=list(ROW_BOUNDS)):
            bad = first_out_of_range(pa.Table.from_batches([batch]))
            if bad is not None:
                raise TmigrError(f"{self.path}: damaged trace ({bad} is out of range)")
        if self.num_events < 0:
            raise TmigrError(f"{self.path}: damaged trace (negative row count)")

    def window(self, start: int | None = None, end: int | None = None) -> "Trace":
        """The same trace restricted to ``start <= ts < end`` (trace-clock ns, as in ``ts``;
        None = open). Every getter and analysis of the result sees only that window."""
        lo, hi = self._clip(start, end)
        if lo is not None and hi is not None and hi < lo:
            raise TmigrError(f"window end {hi} is before its start {lo}")
        return Trace(self.path, (lo, hi), _opened=(self._pf, self.meta))

    @cached_property
    def time_range(self) -> tuple[int | None, int | None]:
        """(first ts, last ts) of the events (in the window); (None, None) when empty."""
        ts = self._read(["ts"]).column("ts")
        mm = pc.min_max(ts)
        return mm["min"].as_py(), mm["max"].as_py()

    # -- analyses -----------------------------------------------------------------------------

    @requires_events(*_GROUP_STATE_EVENTS)
    def df_groups_migrator(self) -> pd.DataFrame:
        """Migrator timeline of every group: one row per group state the trace shows
        (``tmigr_group_set_cpu_active``/``_inactive``, the state after ``tmigr_active_up`` /
        ``tmigr_inactive_up``), lasting until that group's next state.

        Columns:
          ``group`` (UInt64 pointer), ``lvl``, ``start`` (ts of the event, ns), ``end`` (ts of the
          group's next state event, or the last ts of the trace/window), ``duration`` (ns),
          ``cpu`` (the CPU whose walk set the state), ``event`` (``active``/``inactive``),
          ``childmask`` (the child that changed), ``active`` (active children's mask),
          ``migrator`` (the migrator child's bit, <NA> for TMIGR_NONE: no migrator, every child
          idle), ``migrator_cpu`` (level 0: the CPU owning that bit, from the trace's
          ``tmigr_connect_cpu_parent`` events or that CPU's own level-0 state changes; <NA> when
          unknown or above level 0).
        """
        df = self.df_event("tmigr_group_set_cpu_active")
        di = self.df_event("tmigr_group_set_cpu_inactive")
        df["event"], di["event"] = "active", "inactive"
        states = pd.concat([df, di], ignore_index=True).sort_values(["ts", "cpu", "seq"], kind="stable")
        _, last = self.time_range
        states["end"] = states.groupby("group", sort=False)["ts"].shift(-1).astype("Int64").fillna(last)
        out = pd.DataFrame({
            "group": states["group"], "lvl": states["lvl"], "start": states["ts"], "end": states["end"],
            "duration": states["end"] - states["ts"], "cpu": states["cpu"], "event": states["event"],
            "childmask": states["childmask"], "active": states["active"],
            "migrator": states["migrator"].mask(states["migrator"] == TMIGR_NONE),
        })
        owner = self._cpu_of_bit()
        keys = list(zip(out["group"].astype(object), out["migrator"].astype(object)))
        out["migrator_cpu"] = pd.array([owner.get(k) if lv == 0 else None for k, lv in zip(keys, out["lvl"])],
                                       dtype="Int32")
        return out.reset_index(drop=True)

    def df_group_migrator(self, group: int) -> pd.DataFrame:
        """The migrator timeline of one group (``group``: its pointer); columns as
        :meth:`df_groups_migrator`."""
        df = self.df_groups_migrator()
        return df[df["group"] == group].reset_index(drop=True)

    @requires_events(*_IDLE_EVENTS, *_ACTIVE_EVENTS)
    def df_cpus_idle(self, cpus: list[int] | None = None) -> pd.DataFrame:
        """Idle and active intervals of every CPU in the hierarchy: a CPU is ``idle`` from its
        ``tmigr_cpu_idle`` (end of ``tmigr_cpu_deactivate``), ``active`` from ``tmigr_cpu_active``
        or its online/available event, ``offline`` from its offline/unavailable event, until its
        next such event (``tmigr_cpu_new_timer_idle`` keeps it idle and is not a boundary).

        Columns:
          ``cpu`` (the tracepoint's CPU, ``target_cpu``), ``state`` (``idle``/``active``/
          ``offline``), ``start``, ``end`` (ns; the last interval ends at the trace's last ts),
          ``duration`` (ns), ``wakeup`` (idle: the expiry the hierarchy returned, the CPU's next
          wakeup; KTIME_MAX = none; <NA> for other states), ``event`` (the tracepoint that began it).
        ``cpus``: only these CPUs.
        """
        frames = []
        for name in (*_IDLE_EVENTS, *_ACTIVE_EVENTS, *_OFFLINE_EVENTS):
            if name not in self.available_events:
                continue
            d = self.df_event(name)
            state = "idle" if name in _IDLE_EVENTS else "active" if name in _ACTIVE_EVENTS else "offline"
            frames.append(pd.DataFrame({
                "cpu": d["target_cpu"], "state": state, "start": d["ts"], "seq": d["seq"], "rec": d["cpu"],
                "wakeup": d["wakeup"] if state == "idle" else pd.array([None] * len(d), dtype="Int64"),
                "event": name}))
        df = pd.concat(frames, ignore_index=True).sort_values(["start", "rec", "seq"], kind="stable")
        if cpus is not None:
            df = df[df["cpu"].isin(cpus)]
        _, last = self.time_range
        df["end"] = df.groupby("cpu", sort=False)["start"].shift(-1).astype("Int64").fillna(last)
        df["duration"] = df["end"] - df["start"]
        cols = ["cpu", "state", "start", "end", "duration", "wakeup", "event"]
        return df[cols].reset_index(drop=True)

    def df_cpu_idle(self, cpu: int) -> pd.DataFrame:
        """Idle and active intervals of one CPU; columns as :meth:`df_cpus_idle`."""
        return self.df_cpus_idle([cpu])

    @requires_events("tmigr_handle_remote_cpu")
    def df_remote_expiries(self) -> pd.DataFrame:
        """Remote expiries: a migrator running the global timers of an idle CPU
        (``tmigr_handle_remote_cpu``, from ``tmigr_handle_remote_cpu()`` in
        kernel/time/timer_migration.c).

        Columns:
          ``ts`` (ns), ``cpu`` (the migrator that handled them), ``target_cpu`` (the idle CPU whose
          timers expired), ``parent`` (UInt64: the idle CPU's level-0 group), ``wakeup`` (the idle
          CPU's hierarchy wakeup as traced, CLOCK_MONOTONIC ns; KTIME_MAX = none),
          ``same_node`` (True when both CPUs' level-0 groups are the same, from ``parent`` of each
          CPU's events; <NA> when the migrator's group is unknown).
        """
        d = self.df_event("tmigr_handle_remote_cpu")
        own = self._level0_of_cpu()
        migr_group = pd.array([own.get(int(c)) for c in d["cpu"]], dtype="UInt64")
        same = pd.array([None if g is pd.NA else bool(g == p) for g, p in zip(migr_group, d["parent"])],
                        dtype="boolean")
        return pd.DataFrame({"ts": d["ts"], "cpu": d["cpu"], "target_cpu": d["target_cpu"],
                             "parent": d["parent"], "wakeup": d["wakeup"], "same_node": same})

    # -- helpers ------------------------------------------------------------------------------

    def _clip(self, start: int | None, end: int | None) -> tuple[int | None, int | None]:
        lo, hi = self.window_ns or (None, None)
        if start is not None:
            lo = int(start) if lo is None else max(lo, int(start))
        if end is not None:
            hi = int(end) if hi is None else min(hi, int(end))
        return lo, hi

    def _mask(self, ts: pa.Array) -> pa.Array:
        lo, hi = self.window_ns  # type: ignore[misc]
        mask = pa.array(np.ones(len(ts), dtype=bool))
        if lo is not None:
            mask = pc.and_(mask, pc.greater_equal(ts, lo))
        if hi is not None:
            mask = pc.and_(mask, pc.less(ts, hi))
        return mask

    def _filter(self, table: pa.Table) -> pa.Table:
        """The rows of the window, of a table just read (its dictionaries checked)."""
        table = check_dictionaries(table, self.path)
        return table if self.window_ns is None else table.filter(self._mask(table.column("ts")))

    def _read(self, columns: list[str]) -> pa.Table:
        return self._filter(self._pf.read(columns=list({*columns, "ts"})))

    def _level0_of_cpu(self) -> dict[int, int]:
        """CPU -> its level-0 group pointer, from the ``parent`` field of its own CPU events."""
        t = pq.read_table(self.path, columns=["target_cpu", "parent"],
                          filters=[("event", "in", ["tmigr_cpu_idle", "tmigr_cpu_active", "tmigr_cpu_new_timer",
                                                    "tmigr_connect_cpu_parent"])])
        t = t.filter(pc.and_(pc.is_valid(t.column("target_cpu")), pc.is_valid(t.column("parent"))))
        return dict(zip(t.column("target_cpu").to_pylist(), t.column("parent").to_pylist()))

    def _cpu_of_bit(self) -> dict[tuple[int, int], int]:
        """(level-0 group, bit) -> CPU: from ``tmigr_connect_cpu_parent`` (parent, groupmask, cpu),
        and from the level-0 group-state events, which the CPU whose bit changed records itself
        (tmigr_cpu_activate/deactivate run on that CPU, kernel/time/timer_migration.c)."""
        owner: dict[tuple[int, int], int] = {}
        t = pq.read_table(self.path, columns=["cpu", "event", "group", "lvl", "childmask"],
                          filters=[("event", "in", list(_GROUP_STATE_EVENTS)), ("lvl", "=", 0)])
        for c, g, m in zip(*(t.column(n).to_pylist() for n in ("cpu", "group", "childmask"))):
            if g is not None and m is not None:
                owner.setdefault((g, m), c)
        if "tmigr_connect_cpu_parent" in self.available_events:
            t = pq.read_table(self.path, columns=["target_cpu", "parent", "groupmask"],
                              filters=[("event", "=", "tmigr_connect_cpu_parent")])
            for c, p, m in zip(*(t.column(n).to_pylist() for n in ("target_cpu", "parent", "groupmask"))):
                if p is not None and m is not None:
                    owner[(p, m)] = c
        return owner

    def __repr__(self) -> str:
        win = f", window={self.window_ns}" if self.window_ns else ""
        return f"Trace({self.path!r}, events={self.num_events}, kernel={self.meta.kernel_release!r}{win})"


Trace.df_event.__doc__ = (Trace.df_event.__doc__ or "") + "\n" + event_columns_markdown() + "\n"


def load(path: str | os.PathLike) -> Trace:
    """Open a tmigr-trace Parquet file."""
    return Trace(path)
