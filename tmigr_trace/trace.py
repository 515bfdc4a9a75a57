"""The reader API: ``tmigr_trace.load(path)`` -> :class:`Trace`.

A Trace gives the events as a pyarrow Table or pandas DataFrame, per-event views with only the
columns that event has, streaming batches for long traces, and the trace metadata.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import TmigrError
from .schema import COMMON_COLUMNS, EVENT_BY_NAME
from .store import iter_batches, open_parquet


class Trace:
    """A stored trace: events (one long table, stored order) plus metadata."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        self._pf, self.meta = open_parquet(path)

    @property
    def num_events(self) -> int:
        return self._pf.metadata.num_rows

    @cached_property
    def table(self) -> pa.Table:
        """All events as one pyarrow Table (loads the whole file)."""
        return self._pf.read()

    @cached_property
    def df(self) -> pd.DataFrame:
        """All events as a pandas DataFrame; ``event`` and ``comm`` are categoricals."""
        return self.table.to_pandas()

    def iter_batches(self, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """Stream the events in stored order, for traces larger than memory."""
        return iter_batches(self._pf, batch_rows, columns)

    @property
    def available_events(self) -> list[str]:
        return sorted(pc.unique(self._pf.read(columns=["event"]).column("event").combine_chunks().dictionary_decode()).to_pylist())

    def df_event(self, event: str) -> pd.DataFrame:
        """Events of one type, with the common columns and that event's own fields only.

        Columns: ts, cpu, seq, event, pid, tgid, comm, irq_flags, then the event's fields as
        listed in ``schema.EVENTS`` (kernel names; the field ``cpu`` is ``target_cpu``).
        """
        ev = EVENT_BY_NAME.get(event)
        if ev is None:
            raise TmigrError(f"unknown event {event!r}")
        cols = [c.name for c in COMMON_COLUMNS] + list(ev.columns)
        table = pq.read_table(self.path, columns=cols, filters=[("event", "=", event)])
        df = table.to_pandas()
        # Drop era-specific columns this trace's kernel does not have (e.g. family on 6.x).
        keep = [c for c in df.columns if c in {x.name for x in COMMON_COLUMNS} or df[c].notna().any() or df.empty]
        return df[keep].reset_index(drop=True)

    def __repr__(self) -> str:
        return f"Trace({self.path!r}, events={self.num_events}, kernel={self.meta.kernel_release!r})"


def load(path: str | os.PathLike) -> Trace:
    """Open a tmigr-trace Parquet file."""
    return Trace(path)
