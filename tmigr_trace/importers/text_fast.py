"""Fast path of the text importer: the C line parser (``_ftrace_text.c``) plus columnar assembly.

The C extension parses the canonical line shape in one pass and hands back native arrays; this
module turns them into the store's columns (dictionary-encoding comm, flags and event names from
their hashes) and sends every misfit line to the per-line reference parser, merging both results
back into file order. If the extension was not built, the importer uses the reference path alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..schema import COLUMN_BY_NAME, EVENTS, FIELD_COLUMNS, Kind, print_keys, value_bounds
from .text import HEADER_RE, KV_RE, RAW_POINTER_MIN

try:
    from . import _ftrace_text
except ImportError:  # pragma: no cover - the extension is built by `pip install`
    _ftrace_text = None

if TYPE_CHECKING:
    from .text import TextParser

AVAILABLE = _ftrace_text is not None
SLOTS = {c.name: i for i, c in enumerate(FIELD_COLUMNS)}
_KIND = {Kind.PTR: 0, Kind.HEX: 1, Kind.INT: 2, Kind.U64: 2}
_OUTPUTS = ("ts", "cpu", "pid", "tgid", "event", "comm_off", "comm_len", "comm_hash", "flags_off",
            "flags_len", "flags_hash", "vals", "present", "nptrval", "line", "layout", "misfit")
_DTYPES = (np.int64, np.int32, np.int32, np.int32, np.int16, np.int64, np.int32, np.uint64, np.int64,
           np.int32, np.uint64, np.int64, np.uint8, np.uint8, np.int64, np.uint64, np.int64)
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


def _dictionary(block: bytes, keys: np.ndarray, off: np.ndarray, length: np.ndarray, mask=None) -> pa.DictionaryArray:
    """Dictionary-encode the strings block[off:off+length], decoding one string per distinct key."""
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    names = [block[off[i]: off[i] + length[i]].decode("utf-8", "replace") for i in first]
    return pa.DictionaryArray.from_arrays(pa.array(inverse.astype(np.int32), mask=mask), pa.array(names, pa.string()))


class FastTextParser:
    """Parses blocks of complete lines with the C extension; misfits go to the owning TextParser."""

    def __init__(self, parser: "TextParser"):
        self.p = parser
        self.table, self.names = _event_table()
        self._observed_layouts: set[int] = set()

    def parse_block(self, block: bytes) -> pa.Table | None:
        raw = _ftrace_text.parse_block(block, self.table, len(FIELD_COLUMNS))
        n, nlines = raw[0], raw[1]
        a = {name: np.frombuffer(buf, dtype=dt) for name, buf, dt in zip(_OUTPUTS, raw[2:], _DTYPES)}
        misfit = a["misfit"]
        self.p.lines += nlines - misfit.size  # the reference path counts the misfits itself
        fast = self._columns(block, n, a) if n else None
        if misfit.size == 0:
            return self.p.to_table(fast, n) if n else None
        return self._merge(block, misfit, fast, a["line"], n)

    def _columns(self, block: bytes, n: int, a: dict[str, np.ndarray]) -> dict[str, pa.Array]:
        self._observe_layouts(block, a)
        tgid = a["tgid"]
        has_flags = a["flags_len"] > 0
        cols: dict[str, pa.Array] = {
            "ts": pa.array(a["ts"]), "cpu": pa.array(a["cpu"]), "pid": pa.array(a["pid"]),
            "tgid": pa.array(tgid, mask=tgid == _INT32_MIN),
            "event": self._events(a["event"]),
            "comm": _dictionary(block, a["comm_hash"], a["comm_off"], a["comm_len"]),
            "irq_flags": _dictionary(block, a["flags_hash"], a["flags_off"], a["flags_len"], mask=~has_flags),
        }
        vals = a["vals"].reshape(n, len(FIELD_COLUMNS))
        present = a["present"].reshape(n, len(FIELD_COLUMNS)).view(bool)
        stats = self.p.pointers
        stats.unavailable += int(a["nptrval"].sum())
        for col, slot in SLOTS.items():
            mask = present[:, slot]
            if not mask.any():
                continue
            typ = COLUMN_BY_NAME[col].type
            values = vals[:, slot]
            if COLUMN_BY_NAME[col].kind is Kind.PTR:
                values = values.view(np.uint64)
                if col != "function":
                    v = values[mask]
                    raw = int((v >= np.uint64(RAW_POINTER_MIN)).sum())
                    stats.raw += raw
                    stats.hashed += int((v != 0).sum()) - raw
            cols[col] = pa.array(values.astype(typ.to_pandas_dtype(), copy=False), type=typ, mask=~mask)
        return cols

    def _events(self, codes: np.ndarray) -> pa.DictionaryArray:
        """Event names as a dictionary holding only the events present."""
        used, inverse = np.unique(codes, return_inverse=True)
        names = [self.names[i] for i in used.tolist()]
        return pa.DictionaryArray.from_arrays(pa.array(inverse.astype(np.int16)), pa.array(names, pa.string()))

    def _observe_layouts(self, block: bytes, a: dict[str, np.ndarray]) -> None:
        """Record the print keys of each distinct key layout once (era detection)."""
        layouts, first = np.unique(a["layout"], return_index=True)
        for layout, i in zip(layouts.tolist(), first.tolist()):
            if layout in self._observed_layouts:
                continue
            self._observed_layouts.add(layout)
            off = int(a["line"][i])
            line = block[off: block.find(b"\n", off)].decode("utf-8", "replace")
            m = HEADER_RE.match(line)
            body = m["body"] if m else ""
            self.p.observe_keys(self.names[int(a["event"][i])], [k for k, _ in KV_RE.findall(body)])

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
