"""Importer for ftrace text output: the ``trace`` and ``trace_pipe`` files and ``trace-cmd report``.

Accepts lines with or without the irq-info flags column, with the tgid column, with
``CPU:N [LOST M EVENTS]`` / ``CPU:N [M EVENTS DROPPED]`` markers (counted per CPU into the
metadata), with pointers raw, hashed or ``(____ptrval____)`` (stored as null), and pasted from a
mail (leading ``> `` quoting). Unknown events and malformed lines are counted and reported, never
fatal.

Two paths produce identical rows: a vectorised NumPy fast path (:mod:`.text_fast`) for the canonical
line shape, and the per-line regular-expression path below for everything else. The per-line path
is the reference: tests check that both agree on real traces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..limits import MAX_CPUS
from ..metadata import TraceMeta
from ..schema import COLUMN_BY_NAME, EVENT_BY_NAME, Kind, column_for_key, value_bounds
from ..store import conform

# comm may contain spaces and dashes; trace-cmd prefixes lines of an instance with "NAME: ".
HEADER_RE = re.compile(
    r"^(?:>[ \t]?)*(?:(?P<instance>[\w.-]+):[ \t]+(?=\S.*-\d+[ \t]))?[ \t]*(?P<comm>.*?)-(?P<pid>\d+)[ \t]+(?:\([ \t]*(?P<tgid>[-\d]+)\)[ \t]+)?"
    r"\[(?P<cpu>\d+)\][ \t]+(?:(?P<flags>[^\s\d][^\s]{3,4}|\.{4,5})[ \t]+)?"
    r"(?P<sec>\d+)(?:\.(?P<frac>\d+))?:[ \t]+(?P<event>\w+):[ \t]*(?P<body>.*?)\s*$"
)
LOST_RE = re.compile(
    r"^(?:>[ \t]?)*[ \t]*CPU:(?P<cpu>\d+) \[(?:LOST (?P<lost>\d+) EVENTS|(?P<dropped>\d+)? ?EVENTS DROPPED)\]\s*$"
)
# Lines that are part of the format, not events: comments, trace-cmd's preamble.
IGNORED_RE = re.compile(
    r"^(?:>[ \t]?)*[ \t]*(?:#.*|cpus=\d+|version = .*|CPU \d+ is empty|trace-cmd: .*|"
    r"\s*\S+\s+\[\d+\]\s+\d+(?:\.\d+)?: \[FAILED TO PARSE\].*)?\s*$"
)
KV_RE = re.compile(r"(\w+)=(\S*)")

PTRVAL = "(____ptrval____)"  # %p before the pointer-hashing key is ready: value unknown
NIL = "(nil)"  # libtraceevent (trace-cmd report) prints NULL this way
RAW_POINTER_MIN = 0xFFFF800000000000  # x86-64 kernel half: raw addresses; hashes are 32-bit
MAX_EXAMPLES = 5
_U64_WRAP = 1 << 64
_I64_MAX = (1 << 63) - 1
_I32_MAX = (1 << 31) - 1


@dataclass
class PointerStats:
    """What the pointer fields looked like, to decide the trace's pointer mode."""

    raw: int = 0
    hashed: int = 0
    unavailable: int = 0

    def observe(self, value: int | None) -> None:
        if value is None:
            self.unavailable += 1
        elif value >= RAW_POINTER_MIN:
            self.raw += 1
        elif value != 0:
            self.hashed += 1

    def mode(self) -> str:
        kinds = [k for k in ("raw", "hashed", "unavailable") if getattr(self, k)]
        if not kinds:
            return "unknown"
        return kinds[0] if len(kinds) == 1 else "mixed"


def convert_value(column: str, text: str) -> int | None:
    """One printed field value -> its stored integer (None for an unavailable pointer).

    Raises ValueError for text that is not a value of that column (bad digits, out of range).
    """
    kind = COLUMN_BY_NAME[column].kind
    value = _convert(kind, text)
    if value is not None:
        lo, hi = value_bounds(column)
        if not lo <= value <= hi:
            raise ValueError(f"{column}={text} out of range")
        if kind is Kind.U64 and value > _I64_MAX:
            value -= _U64_WRAP  # u64 above S64_MAX: keep the bits (never seen for ktime values)
    return value


_PTR_TEXT = re.compile(r"(?:0x)?([0-9a-fA-F]{1,16})")
_HEX_TEXT = re.compile(r"[0-9a-fA-F]{1,16}")
_DEC_TEXT = re.compile(r"-?[0-9]{1,20}")


def _convert(kind: Kind, text: str) -> int | None:
    if kind is Kind.PTR:
        if text == PTRVAL:
            return None
        if text == NIL:
            return 0
        m = _PTR_TEXT.fullmatch(text)
        if m is None:
            raise ValueError(text)
        return int(m.group(1), 16)
    if kind is Kind.HEX:
        if _HEX_TEXT.fullmatch(text) is None:
            raise ValueError(text)
        return int(text, 16)
    if _DEC_TEXT.fullmatch(text) is None:
        raise ValueError(text)
    return int(text)


# decode_timer_flags() (include/trace/events/timer.h): timer_start prints its flag bits by name
_TIMER_FLAG_BITS = {"M": 0x00040000, "D": 0x00080000, "P": 0x00100000, "I": 0x00200000}  # TIMER_MIGRATING...


def timer_flags(pairs: list[tuple[str, str]], text: str) -> int:
    """timer_start's stored ``flags`` word from its printed fields: ``cpu=`` (flags &
    TIMER_CPUMASK), ``idx=`` (flags >> TIMER_ARRAYSHIFT, 22) and ``flags=`` the flag bits by name
    joined by ``|``, empty for none (``D`` is a flag, not the hex digit). A number (``0x...``,
    older formats) is taken as it is. Raises ValueError for anything else."""
    if text.startswith("0x"):
        return int(text, 16)
    bits = 0
    for name in filter(None, text.split("|")):
        if name not in _TIMER_FLAG_BITS:
            raise ValueError(text)
        bits |= _TIMER_FLAG_BITS[name]
    fields = dict(pairs)
    cpu, idx = fields.get("cpu", "0"), fields.get("idx", "0")
    if not (_DEC_TEXT.fullmatch(cpu) and _DEC_TEXT.fullmatch(idx)):
        raise ValueError(text)
    return bits | (int(cpu) & 0x3FFFF) | (int(idx) << 22)


def parse_ts(sec: str, frac: str | None) -> int:
    if frac is None:
        return int(sec)  # counter-like clocks print raw counts
    return int(sec) * 1_000_000_000 + int(frac.ljust(9, "0")[:9])


@dataclass
class _Rows:
    """Column lists of one batch, in the store's column names."""

    cols: dict[str, list] = field(default_factory=dict)
    n: int = 0

    def add(self, values: dict[str, object]) -> None:
        for name, value in values.items():
            col = self.cols.get(name)
            if col is None:
                col = self.cols[name] = [None] * self.n
            col.append(value)
        self.n += 1
        for col in self.cols.values():
            if len(col) < self.n:
                col.append(None)


class TextParser:
    """Streaming parser: feed it bytes, get store-schema tables; counts go into ``meta``."""

    def __init__(self, meta: TraceMeta, fast: bool = True):
        self.meta = meta
        self.pointers = PointerStats()
        self._tail = b""
        self._seq = np.zeros(0, dtype=np.int64)
        self._observed: dict[str, dict[str, int]] = {}
        self.events = 0
        self.lines = 0
        self._fast = None
        if fast:
            from .text_fast import AVAILABLE, FastTextParser

            self._fast = FastTextParser(self) if AVAILABLE else None

    # -- streaming -------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> pa.Table | None:
        """Parse the complete lines in ``chunk`` (a partial last line is kept for later)."""
        data = self._tail + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._tail = data
            return None
        self._tail = data[cut + 1:]
        return self._parse_block(data[: cut + 1])

    def finish(self) -> pa.Table | None:
        data, self._tail = self._tail, b""
        tables = [self._parse_block(data + b"\n") if data.strip() else None]
        if self._fast is not None:
            tables.append(self._fast.drain())
        tables = [t for t in tables if t is not None]
        table = pa.concat_tables(tables).unify_dictionaries() if len(tables) > 1 else (tables[0] if tables else None)
        self.meta.pointer_mode = self.pointers.mode()
        for ev, keys in sorted(self._observed.items()):
            # Print order, independent of the order lines were seen in (both paths agree).
            self.meta.observed_fields[ev] = sorted(keys, key=lambda k: (keys[k], k))
        return table

    def _parse_block(self, block: bytes) -> pa.Table | None:
        if self._fast is not None:
            return self._fast.submit(block)
        return self.parse_lines(block.decode("utf-8", "replace").splitlines())

    # -- the reference per-line path -------------------------------------------------------
    def parse_lines(self, lines: list[str]) -> pa.Table | None:
        """Parse lines one by one with regular expressions (any shape the importer accepts)."""
        cols, n = self.parse_lines_cols(lines)
        return self.to_table(cols, n) if n else None

    def parse_lines_cols(self, lines: list[str], index: list[int] | None = None) -> tuple[dict[str, list], int]:
        """Per-line parse into column lists; with ``index``, also a ``_line`` column of line numbers."""
        rows = _Rows()
        meta = self.meta
        for i, line in enumerate(lines):
            self.lines += 1
            m = HEADER_RE.match(line)
            if m is None:
                self._non_event_line(line)
                continue
            event = m["event"]
            ev = EVENT_BY_NAME.get(event)
            if ev is None:
                meta.unknown_events[event] = meta.unknown_events.get(event, 0) + 1
                continue
            values = self._parse_body(event, m["body"])
            if values is None:
                self._malformed(line)
                continue
            ts, cpu, pid = parse_ts(m["sec"], m["frac"]), int(m["cpu"]), int(m["pid"])
            if ts > _I64_MAX or cpu > _I32_MAX or pid > _I32_MAX:
                self._malformed(line)
                continue
            tgid = m["tgid"]
            tgid = int(tgid) if _DEC_TEXT.fullmatch(tgid or "") and abs(int(tgid)) <= _I32_MAX else None
            values.update(ts=ts, cpu=cpu, pid=pid, tgid=tgid, comm=m["comm"].strip(), irq_flags=m["flags"],
                          event=event)
            if index is not None:
                values["_line"] = index[i]
            rows.add(values)
        return rows.cols, rows.n

    def _non_event_line(self, line: str) -> None:
        lost = LOST_RE.match(line)
        if lost is not None:
            cpu = int(lost["cpu"])
            count = lost["lost"] or lost["dropped"]
            if count is None:
                if cpu not in self.meta.lost_unknown_cpus:
                    self.meta.lost_unknown_cpus.append(cpu)
            else:
                self.meta.add_lost(cpu, int(count))
            return
        if IGNORED_RE.match(line) is None:
            self._malformed(line)

    def _malformed(self, line: str) -> None:
        self.meta.malformed_lines += 1
        if len(self.meta.malformed_examples) < MAX_EXAMPLES:
            self.meta.malformed_examples.append(line[:200])

    def _parse_body(self, event: str, body: str) -> dict[str, object] | None:
        values: dict[str, object] = {}
        keys = []
        pairs = KV_RE.findall(body)
        for key, text in pairs:
            keys.append(key)
            col = column_for_key(event, key)
            if col is None:
                continue
            try:
                value = timer_flags(pairs, text) if col == "flags" else convert_value(col, text)
            except ValueError:
                if col != "function":
                    return None
                value = None  # timer events print the callback as a symbol (%ps), not an address
            if COLUMN_BY_NAME[col].kind is Kind.PTR and col != "function":  # as the C path: a
                self.pointers.observe(value)  # callback symbol says nothing of the pointer mode
            values[col] = value
        if not keys:
            return None
        self.observe_keys(event, keys)
        return values

    def observe_keys(self, event: str, keys: list[str]) -> None:
        """Remember the print keys of an event (era detection: e.g. childmask vs groupmask)."""
        seen = self._observed.setdefault(event, {})
        for pos, k in enumerate(keys):
            if pos < seen.get(k, 1 << 30):
                seen[k] = pos

    # -- shared tail: per-CPU sequence numbers and the table -------------------------------
    def to_table(self, cols: dict[str, list | np.ndarray | pa.Array], n: int) -> pa.Table:
        cpu = np.asarray(cols["cpu"], dtype=np.int64)
        cols["seq"] = self.next_seq(cpu)
        self.events += n
        arrays = {}
        for name, values in cols.items():
            if isinstance(values, pa.Array):
                arrays[name] = values
                continue
            typ = COLUMN_BY_NAME[name].type
            if pa.types.is_dictionary(typ):
                arrays[name] = pa.array(values, pa.string()).dictionary_encode()
            else:
                arrays[name] = pa.array(values, typ)
        return conform(arrays, n)

    def next_seq(self, cpu: np.ndarray) -> np.ndarray:
        """Per-CPU running sequence numbers for the rows of one batch, in batch order."""
        if cpu.size == 0:
            return np.zeros(0, dtype=np.int64)
        # ids no kernel has (dropped and counted by the writer's row check) share one spare slot
        cpu = np.where((cpu < 0) | (cpu >= MAX_CPUS), MAX_CPUS, cpu)
        top = int(cpu.max()) + 1
        if top > self._seq.size:
            self._seq = np.concatenate([self._seq, np.zeros(top - self._seq.size, dtype=np.int64)])
        order = np.argsort(cpu, kind="stable")
        sorted_cpu = cpu[order]
        starts = np.flatnonzero(np.r_[True, sorted_cpu[1:] != sorted_cpu[:-1]])
        counts = np.diff(np.r_[starts, sorted_cpu.size])
        rank = np.arange(sorted_cpu.size) - np.repeat(starts, counts)
        seq = np.empty(cpu.size, dtype=np.int64)
        seq[order] = rank + self._seq[sorted_cpu]
        self._seq[sorted_cpu[starts]] += counts
        return seq
