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

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import cleanup
from .arrow_np import from_numpy, nulls, numpy_dtype
from .errors import TmigrError
from .limits import MAX_METADATA_BYTES, RowCheck
from .metadata import TraceMeta
from .parquet_concat import Concatenator
from .schema import ADDED_IN, ARROW_SCHEMA, COLUMN_BY_NAME, METADATA_KEY

ROW_GROUP_ROWS = 256 * 1024
# Dictionary-encode only what repeats: names and group pointers (cheap to write, small files).
DICTIONARY_COLUMNS = ["event", "comm", "irq_flags", "group", "parent", "child"]
# Time and seq grow by small steps: delta-encoded they compress before zstd sees them (the file is
# ~23 % smaller, writing ~8 % and reading them ~2x faster than plain, benchmarks/import_tracedat.py)
DELTA_COLUMNS = {"ts": "DELTA_BINARY_PACKED", "seq": "DELTA_BINARY_PACKED"}
# Data pages end at 1 MiB (pyarrow's data_page_size), not also every 20,000 rows (pyarrow's
# default): fewer pages, each with its header, checksum and a fresh zstd context; ~10 % less
# encoding CPU and ~5 % smaller files (a pyarrow without the option bounds pages by size only).
MAX_ROWS_PER_PAGE = 1 << 20
# Threads encoding row groups (TraceWriter): at most two, and two only when a CPU is free for the
# second one; see encoder_threads().
MAX_ENCODERS = 2


def encoder_threads() -> int:
    """How many threads encode row groups: two when this process may run on two CPUs or more and
    the load average (1 min) leaves one of them free, else one. A second encoder on a busy box
    only adds CPU time (measured on the 2-vCPU test box at load 7-10: +10 % CPU, no wall time
    gained; at load 1.2-1.9: -4 to -16 % wall); the file is the same either way."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cpus < 2:
        return 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1
    return MAX_ENCODERS if load < cpus else 1


def conform(columns: Mapping[str, pa.Array | list], num_rows: int | None = None) -> pa.Table:
    """Build a table in the store's schema from some of its columns; the others become nulls."""
    if num_rows is None:
        num_rows = len(next(iter(columns.values())))
    arrays = []
    for f in ARROW_SCHEMA:
        col = columns.get(f.name)
        if col is None:
            arrays.append(nulls(num_rows, f.type))  # one shared zero buffer (arrow_np.nulls)
            continue
        if isinstance(col, np.ndarray) and pa.types.is_integer(f.type) and col.dtype == numpy_dtype(f.type):
            col = from_numpy(col, f.type)  # zero-copy; pa.array() would import pandas (arrow_np.strings)
        elif not isinstance(col, (pa.Array, pa.ChunkedArray)):
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

    Row groups are encoded and compressed on background threads (pyarrow releases the GIL), so
    parsing the next batch overlaps with writing the previous ones; pyarrow's writer encodes the
    columns of a row group one after another on one thread, so each row group is encoded apart,
    into an in-memory Parquet file of its own, by one of ``encoders`` threads (two when a CPU is
    free for the second, :func:`encoder_threads`), and their row groups are joined in order into
    the file as they are done (:mod:`tmigr_trace.parquet_concat`: the bytes pyarrow wrote, one
    footer). At most two row groups wait to be encoded (``encoders`` when more).
    """

    def __init__(self, out: str | os.PathLike, force: bool = False, row_group_rows: int = ROW_GROUP_ROWS,
                 encoders: int | None = None):
        self._options = _writer_options()
        self.path = check_output_path(out, force)
        cleanup.clean_stale_partials(self.path)
        self._lock = cleanup.OutputLock(self.path)  # a second writer of the same output is refused
        self.tmp_path = cleanup.partial_path(self.path)
        cleanup.register(self.tmp_path)
        self._file = None
        try:
            self._file = open(self.tmp_path, "wb")
            self._concat = Concatenator(self._file)
        except BaseException as exc:
            if self._file is not None:
                self._file.close()
            self._release()
            if isinstance(exc, OSError):
                raise cleanup.output_error(self.path, exc) from None
            raise
        self.row_group_rows = row_group_rows
        self.row_check = RowCheck()  # rows no kernel can produce are dropped and counted
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self.rows = 0
        n = encoders or encoder_threads()
        self._queue: queue.Queue[tuple[int, pa.Table] | None] = queue.Queue(maxsize=max(2, n))
        self._error: BaseException | None = None
        self._aborted = False
        self._queued = 0        # row groups queued so far (their order in the file)
        self._appended = 0      # row groups in the file so far
        self._encoded: dict[int, object] = {}  # encoded, waiting for an earlier one
        self._append_lock = threading.Lock()
        self._threads = [threading.Thread(target=self._drain, name=f"parquet-writer-{i}", daemon=True)
                         for i in range(n)]
        try:
            for t in self._threads:
                t.start()
        except BaseException:  # e.g. interrupted: nothing of this writer is left behind
            self.abort()
            raise

    def _release(self) -> None:
        with cleanup.signals_blocked():
            self.tmp_path.unlink(missing_ok=True)
            cleanup.unregister(self.tmp_path)
            self._lock.release()

    def _raise_error(self) -> None:
        exc = self._error
        if isinstance(exc, OSError):
            raise cleanup.output_error(self.path, exc) from None
        raise exc

    def write(self, table: pa.Table) -> None:
        """Queue a batch (already in the store schema); full row groups go to the writer threads."""
        if table.num_rows == 0:
            return
        table = self.row_check.apply(table)
        if table.num_rows == 0:
            return
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        if self._pending_rows >= self.row_group_rows:
            self._flush(whole_groups=True)

    def _flush(self, whole_groups: bool = False) -> None:
        """Queue the pending rows for the writer threads, one row group at a time;
        ``whole_groups``: only whole row groups, the rest waits for more (a batch that crosses the
        limit would leave a small row group)."""
        if self._error is not None:
            self._raise_error()
        if self._pending:
            table = pa.concat_tables(self._pending) if len(self._pending) > 1 else self._pending[0]
            cut = table.num_rows - table.num_rows % self.row_group_rows if whole_groups else table.num_rows
            for start in range(0, cut, self.row_group_rows):
                self._queue.put((self._queued, table.slice(start, min(self.row_group_rows, cut - start))))
                self._queued += 1
            rest = table.slice(cut)
            self._pending, self._pending_rows = ([rest], rest.num_rows) if rest.num_rows else ([], 0)

    def _encode(self, table: pa.Table):
        """One row group as a whole in-memory Parquet file."""
        sink = pa.BufferOutputStream()
        w = pq.ParquetWriter(sink, ARROW_SCHEMA, **self._options)
        w.write_table(table.unify_dictionaries(), row_group_size=table.num_rows)  # chunks stay as they are
        w.close()
        return sink.getvalue()

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            i, table = item
            data = None
            if self._error is None and not self._aborted:
                try:
                    data = self._encode(table)
                except BaseException as exc:  # reported by the next write() or close()
                    self._error = exc
            del table
            with self._append_lock:  # into the file in queued order, by whichever thread is last
                self._encoded[i] = data
                while self._appended in self._encoded:
                    data = self._encoded.pop(self._appended)
                    self._appended += 1
                    if data is not None and self._error is None and not self._aborted:
                        try:
                            self._concat.append(data)
                        except BaseException as exc:
                            self._error = exc

    def _stop(self) -> None:
        """One stop token per thread still running, then wait for each. A thread still waiting
        on an empty queue gets another token (a CI run hung here once, every other thread gone,
        one left waiting; the cause is not found, the wait can no longer hang)."""
        alive = [t for t in self._threads if t.is_alive()]
        for _ in alive:
            self._queue.put(None)
        for t in alive:
            while t.is_alive():
                t.join(timeout=0.5)
                if t.is_alive() and self._queue.empty():
                    self._queue.put(None)

    def _empty_file(self):
        sink = pa.BufferOutputStream()
        pq.ParquetWriter(sink, ARROW_SCHEMA, **self._options).close()
        return sink.getvalue()

    def close(self, meta: TraceMeta) -> Path:
        """Flush, store the metadata, and move the file into place."""
        self._flush()
        self._stop()
        if self._error is not None:
            self._raise_error()
        for column, count in self.row_check.counts.items():
            meta.add_damaged(column, count)
        text = meta.to_json()
        try:
            self._concat.finish({METADATA_KEY: text.encode(), METADATA_KEY + b"_sha256": _digest(text).encode()},
                                empty=self._empty_file)
            self._file.close()
            os.replace(self.tmp_path, self.path)
        except OSError as exc:
            self.abort()
            raise cleanup.output_error(self.path, exc) from None
        self._release()
        return self.path

    def abort(self) -> None:
        self._pending = []
        self._aborted = True
        self._stop()
        try:
            self._file.close()
        except Exception:
            pass
        self._release()

    def __enter__(self) -> "TraceWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


def _writer_options() -> dict:
    """The ParquetWriter options of the store (checked once: a pyarrow without
    max_rows_per_page bounds pages by size only)."""
    global _OPTIONS
    if _OPTIONS is None:
        # Page checksums: a damaged data page is a clear error on reading, never wrong values.
        options = dict(compression="zstd", compression_level=1, write_statistics=["ts", "cpu", "seq"],
                       use_dictionary=DICTIONARY_COLUMNS, column_encoding=DELTA_COLUMNS,
                       write_page_checksum=True, max_rows_per_page=MAX_ROWS_PER_PAGE)
        try:
            pq.ParquetWriter(pa.BufferOutputStream(), ARROW_SCHEMA, **options).close()
        except TypeError:
            del options["max_rows_per_page"]
        _OPTIONS = options
    return dict(_OPTIONS)


_OPTIONS: dict | None = None


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def open_parquet(path: str | os.PathLike) -> tuple[pq.ParquetFile, TraceMeta]:
    """Open a tmigr-trace Parquet file; a file of any other schema, or a damaged one, is a clear error."""
    p = Path(path)
    if not p.exists():
        raise TmigrError(f"{p}: no such file")
    from .limits import require_regular_file

    require_regular_file(p)
    if p.is_dir():
        raise TmigrError(f"{p}: is a directory, not a Parquet file")
    try:
        pf = pq.ParquetFile(p, page_checksum_verification=True)
        schema = pf.schema_arrow
        # add_key_value_metadata() lands in the file footer, not in the serialized Arrow schema.
        kv = {**(schema.metadata or {}), **(pf.metadata.metadata or {})}
    except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError, MemoryError) as exc:
        raise TmigrError(f"{p}: not a readable Parquet file ({_one_line(exc)})") from None
    if METADATA_KEY not in kv:
        raise TmigrError(f"{p}: Parquet file of another schema (no tmigr_trace metadata)")
    missing = [f.name for f in ARROW_SCHEMA if f.name not in schema.names]
    added_later = {c for cols in ADDED_IN.values() for c in cols}
    if missing and not set(missing) <= added_later:
        missing = [c for c in missing if c not in added_later]
        raise TmigrError(f"{p}: Parquet file of another schema (missing columns {', '.join(missing[:5])})")
    wrong = [f.name for f in ARROW_SCHEMA if f.name in schema.names and schema.field(f.name).type != f.type]
    if wrong:
        raise TmigrError(f"{p}: damaged Parquet file (columns of the wrong type: {', '.join(wrong[:5])})")
    meta = _read_meta(p, kv)
    if missing:
        expected = {c for v, cols in ADDED_IN.items() if v > meta.schema_version for c in cols}
        if not set(missing) <= expected:
            raise TmigrError(f"{p}: Parquet file of another schema (schema version {meta.schema_version} "
                             f"without columns {', '.join(sorted(set(missing) - expected))})")
        pf = OlderSchemaFile(pf, missing)
    pf._tmigr_path = str(p)  # named in read errors
    return pf, meta


class OlderSchemaFile:
    """A file of an older schema version, read as the current one: the columns added since
    (:data:`~tmigr_trace.schema.ADDED_IN`) come back as nulls, in the schema's column order.
    Everything else is the wrapped ``pyarrow.parquet.ParquetFile``'s."""

    def __init__(self, pf: pq.ParquetFile, missing: list[str]):
        self._pf = pf
        self.missing = frozenset(missing)

    @property
    def schema_arrow(self) -> pa.Schema:
        return ARROW_SCHEMA

    def _present(self, columns: list[str] | None) -> tuple[list[str], list[str] | None]:
        wanted = list(columns) if columns is not None else ARROW_SCHEMA.names
        return wanted, [c for c in wanted if c not in self.missing]

    def _complete(self, data, wanted: list[str]):
        arrays = [data.column(c) if c not in self.missing else pa.nulls(data.num_rows, ARROW_SCHEMA.field(c).type)
                  for c in wanted]
        schema = pa.schema([ARROW_SCHEMA.field(c) for c in wanted])
        if isinstance(data, pa.RecordBatch):
            return pa.RecordBatch.from_arrays(arrays, schema=schema)
        return pa.Table.from_arrays(arrays, schema=schema)

    def read(self, columns: list[str] | None = None, **kw) -> pa.Table:
        wanted, present = self._present(columns)
        return self._complete(self._pf.read(columns=present, **kw), wanted)

    def read_row_group(self, i: int, columns: list[str] | None = None, **kw) -> pa.Table:
        wanted, present = self._present(columns)
        return self._complete(self._pf.read_row_group(i, columns=present, **kw), wanted)

    def iter_batches(self, *args, columns: list[str] | None = None, **kw) -> Iterator[pa.RecordBatch]:
        wanted, present = self._present(columns)
        for batch in self._pf.iter_batches(*args, columns=present, **kw):
            yield self._complete(batch, wanted)

    def __getattr__(self, name: str):
        return getattr(self._pf, name)


def read_filtered(pf, path: str | os.PathLike, columns: list[str], filters: list) -> pa.Table:
    """``pq.read_table(path, columns, filters)`` of a file opened by :func:`open_parquet`, with the
    columns an older schema version lacks as nulls."""
    missing = getattr(pf, "missing", frozenset())
    t = pq.read_table(path, columns=[c for c in columns if c not in missing], filters=filters)
    if not missing:
        return t
    return OlderSchemaFile._complete(pf, t, columns)


def _read_meta(p: Path, kv: dict) -> TraceMeta:
    """The trace metadata, checked: its digest (files since checksums were added) and its types."""
    raw = kv[METADATA_KEY]
    if len(raw) > MAX_METADATA_BYTES:
        raise TmigrError(f"{p}: damaged tmigr_trace metadata (larger than {MAX_METADATA_BYTES} bytes)")
    digest = kv.get(METADATA_KEY + b"_sha256")
    if digest is not None:
        import hashlib

        if hashlib.sha256(raw).hexdigest().encode() != digest:
            # edited since it was written (pyarrow in a notebook) or damaged: said, not refused;
            # the types and ranges below still refuse what no writer produces
            import sys

            print(f"tmigr-trace: warning: {p}: the tmigr_trace metadata differs from the digest written "
                  f"with it (edited or damaged since)", file=sys.stderr)
    try:
        meta = TraceMeta.from_json(raw)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise TmigrError(f"{p}: damaged tmigr_trace metadata ({_one_line(exc)})") from None
    problem = _meta_type_problem(meta)
    if problem:
        raise TmigrError(f"{p}: damaged tmigr_trace metadata ({problem})")
    return meta


def _meta_type_problem(meta: TraceMeta) -> str | None:
    """The first metadata field whose type no writer produces, or None."""
    import dataclasses

    for f in dataclasses.fields(TraceMeta):
        v = getattr(meta, f.name)
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default  # type: ignore[misc]
        if default is None:
            ok = v is None or isinstance(v, str)
        elif isinstance(default, bool):
            ok = isinstance(v, bool)
        else:
            ok = isinstance(v, type(default)) and not (isinstance(v, bool) and not isinstance(default, bool))
        if not ok:
            return f"{f.name} is a {type(v).__name__}"
    for name in ("lost_events", "unknown_events", "damaged"):
        d = getattr(meta, name)
        if not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1 << 62
                   for k, v in d.items()):
            return f"{name} holds a value that is not a count"
    for name in ("lost_unknown_cpus", "damaged_cpus"):
        if not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c < (1 << 31) for c in getattr(meta, name)):
            return f"{name} holds a value that is not a CPU"
    if not all(isinstance(v, str) for v in meta.formats.values()):
        return "formats holds a value that is not text"
    if not all(isinstance(v, list) and all(isinstance(k, str) for k in v) for v in meta.observed_fields.values()):
        return "observed_fields holds a value that is not a list of names"
    if meta.pointer_mode not in ("raw", "hashed", "unavailable", "unknown", "mixed"):
        return f"pointer_mode {meta.pointer_mode!r}"
    return _topology_problem(meta.topology)


def _topology_problem(topo: dict) -> str | None:
    from .limits import MAX_CPUS

    for key in ("possible", "present", "online", "isolated", "nohz_full", "bringup_order"):
        v = topo.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(c, int) and not isinstance(c, bool)
                                                                and 0 <= c < MAX_CPUS for c in v)):
            return f"topology.{key} is not a list of CPUs"
    for key in ("node_of_cpu", "smt_siblings", "buffer_stats", "emulated", "config"):
        v = topo.get(key)
        if v is not None and not isinstance(v, dict):
            return f"topology.{key} is not a mapping"
    noc = topo.get("node_of_cpu") or {}
    if not all(str(k).isdigit() and int(k) < MAX_CPUS and isinstance(v, int) and -1 <= v < 1 << 10
               for k, v in noc.items()):
        return "topology.node_of_cpu holds a value that is not a node"
    hz = topo.get("hz")
    if hz is not None and not (isinstance(hz, int) and 0 < hz <= 100_000):
        return "topology.hz is not a tick rate"
    return None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def read_error(path: str | os.PathLike, exc: BaseException) -> TmigrError:
    """A damaged data page or column found while reading: one line."""
    return TmigrError(f"{path}: damaged Parquet data ({_one_line(exc)})")


def iter_batches(pf: pq.ParquetFile, batch_rows: int = 65536, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream the events in stored order without loading the whole file. One row group at a time:
    over a whole file, pyarrow reads ahead across row groups and its memory grows with the file
    (110 MiB at 10M events against 28 MiB this way)."""
    path = getattr(pf, "_tmigr_path", "trace")
    for rg in range(pf.num_row_groups):
        try:
            for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[rg], columns=columns):
                yield check_dictionaries(batch, path)
        except (pa.ArrowException, OSError, ValueError, IndexError, OverflowError) as exc:
            raise read_error(path, exc) from None


def check_dictionaries(data, path: str | os.PathLike):
    """``data`` (a Table or RecordBatch as read), after checking that the indices of its
    dictionary columns (event, comm, irq_flags) are in their dictionary: the page checksums
    do not cover the page headers, and a damaged dictionary page header (its value count) reads
    as a shorter dictionary, which pyarrow does not check (found by benchmarks/fuzz.py)."""
    for i, f in enumerate(data.schema):
        if pa.types.is_dictionary(f.type):
            try:
                data.column(i).validate(full=True)
            except pa.ArrowException as exc:
                raise read_error(path, exc) from None
    return data
