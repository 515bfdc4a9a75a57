"""The Parquet store: streaming, atomic writes of the one event table, and its reader.

Writes go to a hidden temporary file beside the target and are renamed into place only when the
metadata is complete, so an interrupted import never leaves a partial file under the final name.
Events arrive in batches and are flushed in zstd row groups, so memory stays bounded whatever the
trace length.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import TmigrError
from .metadata import TraceMeta
from .schema import ARROW_SCHEMA, COLUMN_BY_NAME, METADATA_KEY

ROW_GROUP_ROWS = 256 * 1024
# Dictionary-encode only what repeats: names and group pointers (cheap to write, small files).
DICTIONARY_COLUMNS = ["event", "comm", "irq_flags", "group", "parent", "child"]


def conform(columns: Mapping[str, pa.Array | list], num_rows: int | None = None) -> pa.Table:
    """Build a table in the store's schema from some of its columns; the others become nulls."""
    if num_rows is None:
        num_rows = len(next(iter(columns.values())))
    arrays = []
    for f in ARROW_SCHEMA:
        col = columns.get(f.name)
        if col is None:
            arrays.append(pa.nulls(num_rows, f.type))
            continue
        if not isinstance(col, (pa.Array, pa.ChunkedArray)):
            col = pa.array(col)
        if col.type != f.type:
            col = col.cast(f.type)
        arrays.append(col)
    unknown = set(columns) - set(COLUMN_BY_NAME)
    if unknown:
        raise ValueError(f"columns not in the schema: {sorted(unknown)}")
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


def check_output_path(out: str | os.PathLike, force: bool) -> Path:
    """Refuse to overwrite what the user has unless --force; refuse impossible destinations."""
    path = Path(out)
    if path.exists() and not force:
        raise TmigrError(f"{path}: output exists (use --force to overwrite)")
    if path.is_dir():
        raise TmigrError(f"{path}: output is a directory")
    if not path.parent.exists():
        raise TmigrError(f"{path.parent}: output directory does not exist")
    return path


class TraceWriter:
    """Streams event batches into a Parquet file that appears under its name only when complete.

    Row groups are encoded and compressed on a background thread (pyarrow releases the GIL), so
    parsing the next batch overlaps with writing the previous one; at most two row groups wait.
    """

    def __init__(self, out: str | os.PathLike, force: bool = False, row_group_rows: int = ROW_GROUP_ROWS):
        self.path = check_output_path(out, force)
        self.tmp_path = self.path.with_name(f".{self.path.name}.partial-{os.getpid()}")
        self._writer = pq.ParquetWriter(
            self.tmp_path, ARROW_SCHEMA, compression="zstd", compression_level=1,
            write_statistics=["ts", "cpu", "seq"], use_dictionary=DICTIONARY_COLUMNS,
        )
        self.row_group_rows = row_group_rows
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self.rows = 0
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="parquet-writer", daemon=True)
        self._thread.start()

    def write(self, table: pa.Table) -> None:
        """Queue a batch (already in the store schema); full row groups go to the writer thread."""
        if table.num_rows == 0:
            return
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        if self._pending_rows >= self.row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._error is not None:
            raise self._error
        if self._pending:
            self._queue.put(pa.concat_tables(self._pending))
            self._pending, self._pending_rows = [], 0

    def _drain(self) -> None:
        while (table := self._queue.get()) is not None:
            if self._error is None:
                try:
                    table = table.unify_dictionaries().combine_chunks()
                    self._writer.write_table(table, row_group_size=self.row_group_rows)
                except BaseException as exc:  # reported by the next write() or close()
                    self._error = exc

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def close(self, meta: TraceMeta) -> Path:
        """Flush, store the metadata, and move the file into place."""
        self._flush()
        self._stop()
        if self._error is not None:
            raise self._error
        self._writer.add_key_value_metadata({METADATA_KEY: meta.to_json()})
        self._writer.close()
        os.replace(self.tmp_path, self.path)
        return self.path

    def abort(self) -> None:
        self._pending = []
        self._stop()
        try:
            self._writer.close()
        except Exception:
            pass
        self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> "TraceWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


def open_parquet(path: str | os.PathLike) -> tuple[pq.ParquetFile, TraceMeta]:
    """Open a tmigr-trace Parquet file; a file of any other schema is a clear error."""
    p = Path(path)
    if not p.exists():
        raise TmigrError(f"{p}: no such file")
    try:
        pf = pq.ParquetFile(p)
    except (pa.ArrowInvalid, OSError) as exc:
        raise TmigrError(f"{p}: not a readable Parquet file ({exc})") from None
    # add_key_value_metadata() lands in the file footer, not in the serialized Arrow schema.
    kv = {**(pf.schema_arrow.metadata or {}), **(pf.metadata.metadata or {})}
    if METADATA_KEY not in kv:
        raise TmigrError(f"{p}: Parquet file of another schema (no tmigr_trace metadata)")
    missing = [f.name for f in ARROW_SCHEMA if f.name not in pf.schema_arrow.names]
    if missing:
        raise TmigrError(f"{p}: Parquet file of another schema (missing columns {', '.join(missing[:5])})")
    return pf, TraceMeta.from_json(kv[METADATA_KEY])


def iter_batches(pf: pq.ParquetFile, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream the events in stored order without loading the whole file. One row group at a time:
    over a whole file, pyarrow reads ahead across row groups and its memory grows with the file
    (110 MiB at 10M events against 28 MiB this way)."""
    for rg in range(pf.num_row_groups):
        yield from pf.iter_batches(batch_size=batch_rows, row_groups=[rg], columns=columns)
