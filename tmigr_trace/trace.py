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
from .limits import ROW_BOUNDS, first_out_of_range
from .store import iter_batches, open_parquet, read_error


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
        try:
            return self._pf.read()
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None

    @cached_property
    def df(self) -> pd.DataFrame:
        """All events as a pandas DataFrame; ``event`` and ``comm`` are categoricals."""
        return self.table.to_pandas()

    def iter_batches(self, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """Stream the events in stored order, for traces larger than memory."""
        return iter_batches(self._pf, batch_rows, columns)

    @property
    def available_events(self) -> list[str]:
        try:
            col = self._pf.read(columns=["event"]).column("event").combine_chunks()
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None
        return sorted(v for v in pc.unique(col.dictionary_decode()).to_pylist() if v is not None)

    def df_event(self, event: str) -> pd.DataFrame:
        """Events of one type, with the common columns and that event's own fields only.

        Columns: ts, cpu, seq, event, pid, tgid, comm, irq_flags, then the event's fields as
        listed in ``schema.EVENTS`` (kernel names; the field ``cpu`` is ``target_cpu``).
        """
        ev = EVENT_BY_NAME.get(event)
        if ev is None:
            raise TmigrError(f"unknown event {event!r}")
        cols = [c.name for c in COMMON_COLUMNS] + list(ev.columns)
        try:
            table = pq.read_table(self.path, columns=cols, filters=[("event", "=", event)])
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(self.path, exc) from None
        df = table.to_pandas()
        # Drop era-specific columns this trace's kernel does not have (e.g. family on 6.x).
        keep = [c for c in df.columns if c in {x.name for x in COMMON_COLUMNS} or df[c].notna().any() or df.empty]
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

    def __repr__(self) -> str:
        return f"Trace({self.path!r}, events={self.num_events}, kernel={self.meta.kernel_release!r})"


def load(path: str | os.PathLike) -> Trace:
    """Open a tmigr-trace Parquet file."""
    return Trace(path)
