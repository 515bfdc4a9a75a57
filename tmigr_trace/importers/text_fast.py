"""Fast path of the text importer: the C line parser (``_ftrace_text.c``) plus columnar assembly.

The C extension parses the canonical line shape in one pass and hands back native arrays; this
module turns them into the store's columns (dictionary-encoding comm, flags and event names from
their hashes) and sends every misfit line to the per-line reference parser, merging both results
back into file order. If the extension was not built, the importer uses the reference path alone.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..arrow_np import numpy_dtype
from ..schema import COLUMN_BY_NAME, EVENTS, FIELD_COLUMNS, Kind, print_keys, value_bounds
from .text import HEADER_RE, KV_RE, RAW_POINTER_MIN

try:
    from . import _ftrace_text
except ImportError:  # pragma: no cover - the extension is built by `pip install`
    _ftrace_text = None

if TYPE_CHECKING:
    from .text import TextParser

AVAILABLE = _ftrace_text is not None
WORKERS = max(1, min(2, os.cpu_count() or 1))  # C passes in flight; the writer thread uses a core too
SLOTS = {c.name: i for i, c in enumerate(FIELD_COLUMNS)}
_KIND = {Kind.PTR: 0, Kind.HEX: 1, Kind.INT: 2, Kind.U64: 2}
_OUTPUTS = ("ts", "cpu", "pid", "tgid", "event", "comm", "flags", "line", "misfit", "vals", "present",
            "comm_dict", "flags_dict", "layout_lines")
_STRREF = np.dtype([("off", "<i8"), ("len", "<i4")])
_DTYPES = (np.int64, np.int32, np.int32, np.int32, np.int16, np.int32, np.int16, np.int64, np.int64, None,
           None, _STRREF, _STRREF, _STRREF)
_INT32_MIN = np.iinfo(np.int32).min


def _event_table() -> tuple[list, list[str]]:
    """The C parser's view of the schema: per event, the print keys it decodes into which slot."""
    table, names = [], []
    for ev in EVENTS:
        keys = []
        for key, column in print_keys(ev.name).items():
            kind = 3 if column == "function" else _KIND[COLUMN_BY_NAME[column].kind]
            lo, hi = value_bounds(column)
            keys.append((key.encode(), SLOTS[column], kind, lo, hi))
        table.append((ev.name.encode(), keys))
        names.append(ev.name)
    return table, names


def _split_lines(block: bytes, parts: int) -> list[bytes]:
    """Cut a block of complete lines into about equal pieces, each ending with a newline."""
    pieces, start = [], 0
    for k in range(1, parts):
        cut = block.find(b"\n", len(block) * k // parts)
        if cut < 0 or cut + 1 >= len(block):
            break
        pieces.append(block[start: cut + 1])
        start = cut + 1
    pieces.append(block[start:])
    return [p for p in pieces if p]


def _dictionary(block: bytes, strings: np.ndarray, indices: np.ndarray, index_type: pa.DataType,
                mask=None) -> pa.DictionaryArray:
    """A dictionary array from the C pass's distinct strings (offset, length) and row indices."""
    names = [block[o: o + n].decode("utf-8", "replace") for o, n in strings.tolist()]
    return pa.DictionaryArray.from_arrays(pa.array(indices, index_type, mask=mask), pa.array(names, pa.string()))


class FastTextParser:
    """Parses blocks of complete lines with the C extension; misfits go to the owning TextParser."""

    def __init__(self, parser: "TextParser"):
        self.p = parser
        self.table, self.names = _event_table()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ftrace-text")
        self._pending: list[tuple[bytes, Future]] = []

    def submit(self, block: bytes) -> pa.Table | None:
        """Start the C pass over `block` on worker threads (it runs without the GIL, one piece per
        core) and return the table of the previous block, assembled meanwhile on this thread."""
        pieces = _split_lines(block, WORKERS)
        futures = [(piece, self._pool.submit(_ftrace_text.parse_block, piece, self.table, len(FIELD_COLUMNS)))
                   for piece in pieces]
        previous, self._pending = self._pending, futures
        return self._assemble_all(previous)

    def drain(self) -> pa.Table | None:
        """The table of the last submitted block."""
        previous, self._pending = self._pending, []
        self._pool.shutdown(wait=False)
        return self._assemble_all(previous)

    def parse_block(self, block: bytes) -> pa.Table | None:
        """Parse one block synchronously."""
        future = self._pool.submit(_ftrace_text.parse_block, block, self.table, len(FIELD_COLUMNS))
        return self.assemble(block, future)

    def _assemble_all(self, pending: list[tuple[bytes, Future]]) -> pa.Table | None:
        tables = [t for t in (self.assemble(piece, f) for piece, f in pending) if t is not None]
        if len(tables) > 1:
            return pa.concat_tables(tables).unify_dictionaries()
        return tables[0] if tables else None

    def assemble(self, block: bytes, future: Future) -> pa.Table | None:
        """Columns from the C pass over `block`, merged with the misfit lines' reference parse."""
        (n, nlines, cap, nptrval, slot_rows, *bufs) = future.result()
        a = {name: (np.frombuffer(buf, dtype=dt) if dt is not None else buf)
             for name, buf, dt in zip(_OUTPUTS, bufs, _DTYPES)}
        misfit = a["misfit"]
        self.p.lines += nlines - misfit.size  # the reference path counts the misfits itself
        fast = self._columns(block, n, nptrval, a) if n else None
        if misfit.size == 0:
            return self.p.to_table(fast, n) if n else None
        return self._merge(block, misfit, fast, a["line"], n)

    def _columns(self, block: bytes, n: int, nptrval: int, a: dict) -> dict[str, pa.Array]:
        self._observe_layouts(block, a["layout_lines"])
        tgid, flags = a["tgid"], a["flags"]
        cols: dict[str, pa.Array] = {
            "ts": pa.array(a["ts"]), "cpu": pa.array(a["cpu"]), "pid": pa.array(a["pid"]),
            "tgid": pa.array(tgid, mask=tgid == _INT32_MIN),
            "event": self._events(a["event"]),
            "comm": _dictionary(block, a["comm_dict"], a["comm"], pa.int32()),
            "irq_flags": _dictionary(block, a["flags_dict"], flags, pa.int16(), mask=flags < 0),
        }
        stats = self.p.pointers
        stats.unavailable += nptrval
        for col, vbuf, mbuf in zip(FIELD_COLUMNS, a["vals"], a["present"]):
            if vbuf is None:
                continue
            values = np.frombuffer(vbuf, np.int64)
            mask = np.frombuffer(mbuf, bool) if mbuf is not None else None
            if col.kind is Kind.PTR:
                values = values.view(np.uint64)
                if col.name != "function":
                    v = values[mask] if mask is not None else values
                    raw = int(np.count_nonzero(v >= np.uint64(RAW_POINTER_MIN)))
                    stats.raw += raw
                    stats.hashed += int(np.count_nonzero(v)) - raw
            dtype = numpy_dtype(col.type)
            cols[col.name] = pa.array(values if values.dtype == dtype else values.astype(dtype), type=col.type,
                                      mask=None if mask is None else ~mask)
        return cols

    def _events(self, codes: np.ndarray) -> pa.DictionaryArray:
        """Event names as a dictionary holding only the events present."""
        counts = np.bincount(codes, minlength=len(self.names))
        used = np.flatnonzero(counts)
        remap = np.zeros(len(self.names), dtype=np.int16)
        remap[used] = np.arange(used.size, dtype=np.int16)
        names = [self.names[i] for i in used.tolist()]
        return pa.DictionaryArray.from_arrays(pa.array(remap[codes]), pa.array(names, pa.string()))

    def _observe_layouts(self, block: bytes, layout_lines: np.ndarray) -> None:
        """Record the print keys of each distinct key layout of the block (era detection)."""
        for off in layout_lines["off"].tolist():
            m = HEADER_RE.match(block[off: block.find(b"\n", off)].decode("utf-8", "replace"))
            if m is not None:
                self.p.observe_keys(m["event"], [k for k, _ in KV_RE.findall(m["body"])])

    def _merge(self, block: bytes, misfit: np.ndarray, fast, fast_lines: np.ndarray, n: int) -> pa.Table | None:
        """Parse the misfit lines with the reference path and merge both in file order."""
        lines = [block[off: block.find(b"\n", off)].decode("utf-8", "replace") for off in misfit.tolist()]
        slow_cols, slow_n = self.p.parse_lines_cols(lines, index=misfit.tolist())
        if slow_n == 0:
            return self.p.to_table(fast, n) if n else None
        order = slow_cols.pop("_line")
        slow = {}
        for name, values in slow_cols.items():
            typ = COLUMN_BY_NAME[name].type
            slow[name] = (pa.array(values, pa.string()).dictionary_encode() if pa.types.is_dictionary(typ)
                          else pa.array(values, typ))
        from ..store import conform

        parts = [conform(slow, slow_n).append_column("_line", pa.array(order, pa.int64()))]
        if n:
            parts.append(conform(fast, n).append_column("_line", pa.array(fast_lines, pa.int64())))
        both = pa.concat_tables(parts).unify_dictionaries().combine_chunks()
        both = both.take(pa.array(np.argsort(both.column("_line").to_numpy(), kind="stable")))
        cols = {name: both.column(name).combine_chunks() for name in both.column_names if name not in ("_line", "seq")}
        return self.p.to_table(cols, both.num_rows)
