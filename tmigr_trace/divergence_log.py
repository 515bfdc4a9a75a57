"""Where a replay keeps its divergences: :class:`DivergenceLog`, and their Parquet table layout.

``tmigr_trace.replay()`` fills a :class:`DivergenceLog` (``ReplayResult.divergences``): a list-like
that keeps the first ``memory`` divergences in a list and spills the rest, ``chunk`` at a time, to
one row group each of a temporary Parquet file. Readers see one sequence in replay order (``len``,
indexing, slicing, iteration, ``==``); spilled divergences are read back as equal
:class:`~tmigr_trace.replay.result.Divergence` objects (copies: a spilled item changed by the
caller is not written back). The spill has the layout ``tmigr-trace replay -o`` writes
(:data:`DIVERGENCE_SCHEMA`, :func:`divergences_table`) plus one private column with the exact
Python values, pickled (JSON text turns tuples into lists and int keys into strings), so ``-o``
copies its row groups as they are (:func:`write_divergences`).
"""

from __future__ import annotations

import dataclasses
import json
import operator
import pickle
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import TmigrError

if TYPE_CHECKING:   # not imported at run time: the CLI imports this module at start-up
    from .replay.result import Divergence

DEFAULT_MEMORY = 10_000   # divergences kept in memory (all of them for most replays)
DEFAULT_CHUNK = 10_000    # at most this many divergences per spilled row group

DIVERGENCE_SCHEMA = pa.schema([
    ("index", pa.int64()), ("ts", pa.int64()), ("cpu", pa.int32()), ("event", pa.string()),
    ("kind", pa.string()), ("what", pa.string()), ("expected", pa.string()), ("observed", pa.string()),
    ("classification", pa.string()), ("path", pa.string()), ("note", pa.string()),
    ("rows", pa.list_(pa.int64())),
])
_OBJECT = "_divergence"   # the spill's private column: the Divergence's fields, pickled
_SPILL_SCHEMA = DIVERGENCE_SCHEMA.append(pa.field(_OBJECT, pa.binary()))


def divergences_table(divs: Iterable[Divergence]) -> pa.Table:
    """Divergences as the table ``tmigr-trace replay -o`` writes: the fields of `Divergence.to_dict()`,
    expected, observed and path as JSON text."""
    divs = divs if isinstance(divs, list) else list(divs)
    # to_dict() without its deep copy (asdict), which costs more than all the rest for the many
    # divergences without a path; those with one (the first 1000 of a replay) take to_dict()'s.
    cols = {
        "index": [d.index for d in divs], "ts": [d.ts for d in divs], "cpu": [d.cpu for d in divs],
        "event": [d.event for d in divs], "kind": [d.kind for d in divs], "what": [d.what for d in divs],
        "expected": [_json(d.expected) for d in divs], "observed": [_json(d.observed) for d in divs],
        "classification": [d.classification for d in divs],
        "path": ["[]" if d.path == [] else _json_encode(d.to_dict()["path"]) for d in divs],
        "note": [d.note for d in divs],
        "rows": [d.rows for d in divs],
    }
    return pa.Table.from_pydict(cols, schema=DIVERGENCE_SCHEMA)


_json_str = json.encoder.encode_basestring_ascii     # what json.dumps does with a str
_json_encode = json.JSONEncoder().encode             # json.dumps with its defaults, without the call's checks
_PLAIN = (str, int, bool, float, type(None))          # what _jsonable returns as it is


def _json(v: Any) -> str:
    """``json.dumps(d.to_dict()[...])`` of an expected or observed value: _jsonable only where it
    changes something (the common types go straight to the encoder)."""
    t = type(v)
    if t is str:
        return _json_str(v)
    if t is int:
        return int.__repr__(v)
    if v is None:
        return "null"
    if t is dict and all(type(k) is str and type(x) in _PLAIN for k, x in v.items()):
        return _json_encode(v)
    from .replay.result import _jsonable
    return _json_encode(_jsonable(v))


_getter: Any = None


def _fields() -> Any:
    """A function from a Divergence to the tuple of its fields (pickled: faster than the object)."""
    global _getter
    if _getter is None:
        from .replay.result import Divergence
        _getter = operator.attrgetter(*(f.name for f in dataclasses.fields(Divergence)))
    return _getter


def _load(b: bytes) -> Divergence:
    from .replay.result import Divergence
    return Divergence(*pickle.loads(b))


def _remove(state: dict) -> None:
    """Finalizer (holds no reference to the log): close the spill writer, remove the directory."""
    w = state.pop("writer", None)
    if w is not None:
        try:
            w.close()
        except Exception:
            pass
    shutil.rmtree(state["dir"], ignore_errors=True)


class DivergenceLog:
    """Divergences in replay order: the first `memory` in a list, the rest in a temporary Parquet file.
    A replay against a wrong model can diverge millions of times; memory must not grow with the trace."""

    def __init__(self, memory: int = DEFAULT_MEMORY, *, chunk: int | None = None,
                 tmp_dir: str | Path | None = None) -> None:
        """`memory`: divergences kept in the list; `chunk`: divergences per spilled row group
        (default: `memory` within [100, DEFAULT_CHUNK], so at most about 2 x `memory` are held);
        `tmp_dir`: where the private spill directory is made (default: the system's)."""
        memory = operator.index(memory)
        chunk = min(DEFAULT_CHUNK, max(memory, 100)) if chunk is None else operator.index(chunk)
        if memory < 0 or chunk < 1:
            raise ValueError(f"DivergenceLog: memory must be >= 0 and chunk >= 1 (got {memory}, {chunk})")
        self.memory = memory
        self.chunk = chunk
        self._tmp_parent = tmp_dir
        self._mem: list[Divergence] = []
        self._pending: list[Divergence] = []        # after the memory part, not yet a row group
        self._groups: list[tuple[int, int]] = []    # (segment, row group in it): `chunk` rows each
        self._segments: list[Path] = []             # spill files; a new one after each read
        self._state: dict[str, Any] = {}            # "dir", "writer": what the finalizer cleans up
        self._finalizer: weakref.finalize | None = None
        self._read_cache: tuple[int, pa.Array] | None = None   # the last row group read

    # --- what the engine uses ---------------------------------------------------------------------

    def append(self, d: Divergence) -> None:
        if len(self._mem) < self.memory:
            self._mem.append(d)
            return
        self._pending.append(d)
        if len(self._pending) >= self.chunk:
            self._flush()

    def __len__(self) -> int:
        return len(self._mem) + len(self._groups) * self.chunk + len(self._pending)

    # --- reading ----------------------------------------------------------------------------------

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, i: Any) -> Any:
        n = len(self)
        if isinstance(i, slice):
            return [self._item(k) for k in range(n)[i]]
        k = operator.index(i)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"divergence index {i} out of range ({n} divergences)")
        return self._item(k)

    def __iter__(self) -> Iterator[Divergence]:
        yield from self._mem
        for g in range(len(self._groups)):
            for b in self._group(g).to_pylist():
                yield _load(b)
        yield from list(self._pending)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (DivergenceLog, list)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable, like list

    def __repr__(self) -> str:
        return (f"<DivergenceLog: {len(self)} divergences, {len(self._mem)} in memory, "
                f"{len(self) - len(self._mem)} spilled{f' to {self.directory}' if self.spilled else ''}>")

    @property
    def in_memory(self) -> int:
        return len(self._mem)

    @property
    def spilled(self) -> int:
        return len(self) - len(self._mem)

    @property
    def directory(self) -> Path | None:
        """The private temporary directory of the spill (None until something is spilled)."""
        d = self._state.get("dir")
        return Path(d) if d else None

    def close(self) -> None:
        """Remove the spill now (otherwise: when the log is garbage-collected or at exit). Spilled
        divergences cannot be read afterwards."""
        if self._finalizer is not None:
            self._finalizer()
        self._read_cache = None

    def tables(self) -> Iterator[pa.Table]:
        """All divergences in order as :data:`DIVERGENCE_SCHEMA` tables of at most `chunk` rows
        (the spilled ones read back one row group at a time, not decoded)."""
        for a in range(0, max(len(self._mem), 1), self.chunk):
            yield divergences_table(self._mem[a:a + self.chunk])
        names = DIVERGENCE_SCHEMA.names
        for g in range(len(self._groups)):
            yield self._read_group(g, names).cast(DIVERGENCE_SCHEMA)
        if self._pending:
            yield divergences_table(list(self._pending))

    # --- the spill --------------------------------------------------------------------------------

    def _item(self, k: int) -> Divergence:
        m = len(self._mem)
        if k < m:
            return self._mem[k]
        g, r = divmod(k - m, self.chunk)
        if g < len(self._groups):
            return _load(self._group(g)[r].as_py())
        return self._pending[k - m - len(self._groups) * self.chunk]

    def _flush(self) -> None:
        if self._finalizer is None:
            d = tempfile.mkdtemp(prefix="tmigr-divergences-", dir=self._tmp_parent)
            self._state["dir"] = d
            self._finalizer = weakref.finalize(self, _remove, self._state)
        elif not self._finalizer.alive:
            raise self._gone()
        w = self._state.get("writer")
        if w is None:
            seg = Path(self._state["dir"]) / f"spill-{len(self._segments):04d}.parquet"
            w = pq.ParquetWriter(seg, _SPILL_SCHEMA, compression="snappy")   # temporary: speed over size
            self._segments.append(seg)
            self._state["writer"] = w
        rows = self._pending
        fields = _fields()
        t = divergences_table(rows).append_column(
            _OBJECT, pa.array([pickle.dumps(fields(d), pickle.HIGHEST_PROTOCOL) for d in rows], pa.binary()))
        w.write_table(t, row_group_size=len(rows))
        seg = len(self._segments) - 1
        self._groups.append((seg, self._groups[-1][1] + 1 if self._groups and self._groups[-1][0] == seg else 0))
        self._pending = []

    def _gone(self) -> TmigrError:
        return TmigrError(f"divergences {len(self._mem)}..{len(self) - 1} were spilled to a temporary "
                          "file that has been removed (DivergenceLog closed, or the process is exiting)")

    def _read_group(self, g: int, columns: list[str]) -> pa.Table:
        if self._finalizer is None or not self._finalizer.alive:
            raise self._gone()
        w = self._state.pop("writer", None)
        if w is not None:       # a Parquet file is readable once closed: later spills start a new one
            w.close()
        seg, rg = self._groups[g]
        try:
            return pq.ParquetFile(self._segments[seg]).read_row_group(rg, columns=columns)
        except (OSError, pa.ArrowException) as exc:
            raise TmigrError(f"cannot read spilled divergences from {self._segments[seg]}: {exc}") from None

    def _group(self, g: int) -> pa.Array:
        """Row group `g`'s pickled divergences (the last one read is cached)."""
        if self._read_cache is None or self._read_cache[0] != g:
            col = self._read_group(g, [_OBJECT]).column(_OBJECT).combine_chunks()
            self._read_cache = (g, col)
        return self._read_cache[1]


def divergence_tables(divs: Iterable[Divergence]) -> Iterator[pa.Table]:
    """`divs` (a DivergenceLog or any iterable) as :data:`DIVERGENCE_SCHEMA` tables, in order."""
    if isinstance(divs, DivergenceLog):
        yield from divs.tables()
    else:
        yield divergences_table(divs)


def write_divergences(divs: Iterable[Divergence], path: str | Path) -> int:
    """Write every divergence to the Parquet file `path` (streaming); returns the row count."""
    n = 0
    with pq.ParquetWriter(path, DIVERGENCE_SCHEMA, compression="zstd") as w:
        for t in divergence_tables(divs):
            w.write_table(t)
            n += t.num_rows
    return n


__all__ = ["DivergenceLog", "DIVERGENCE_SCHEMA", "DEFAULT_MEMORY", "DEFAULT_CHUNK", "divergences_table",
           "divergence_tables", "write_divergences"]
