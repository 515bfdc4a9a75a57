"""Vectorised fast path of the text importer: NumPy over the raw bytes of a block of lines.

ftrace text lines have a rigid shape (``comm-pid [cpu] flags sec.frac: event: k=v k=v``), so
instead of a regular expression per line we locate the delimiters of every line at once
(``searchsorted`` into the positions of ``: ``, ``[``, ``]``, ``-``, spaces and ``=``) and decode
numbers with a few array passes. A line that does not fit the canonical shape exactly (tgid
column, mail quoting, comments, markers, odd bodies) is handed to the per-line reference parser,
and the two results are merged back into file order. Both paths must produce identical rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..schema import COLUMN_BY_NAME, EVENT_BY_NAME, Kind, column_for_key
from .text import KV_RE, RAW_POINTER_MIN

if TYPE_CHECKING:
    from .text import TextParser

SP, DASH, DOT, EQ, LBR, RBR, NL, CR, LPAREN = (ord(c) for c in " -.=[]\n\r(")
_BIG = np.int64(1 << 62)
_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX[_c] = 10 + _i
_FNV_PRIME = np.uint64(1099511628211)
_FNV_BASIS = np.uint64(14695981039346656037)
_POW10 = np.array([10 ** (9 - k) if k <= 9 else 0 for k in range(21)], dtype=np.int64)
_MAX_BODY_VARIANTS = 4


def _positions(buf: np.ndarray, byte: int) -> np.ndarray:
    """Sorted positions of one byte value, with sentinels so lookups past the end are safe."""
    return np.concatenate([np.flatnonzero(buf == byte), [_BIG, _BIG]])


def _gather(buf: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return buf[np.clip(pos, 0, buf.size - 1)]


def _parse_dec(buf: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed decimal in [a, b) per row -> (value, valid)."""
    neg = _gather(buf, a) == DASH
    a = a + neg
    length = b - a
    valid = (length > 0) & (length <= 19)
    val = np.zeros(a.size, dtype=np.int64)
    top = int(length.max(initial=0))
    for k in range(min(top, 19)):
        m = k < length
        d = _gather(buf, a + k).astype(np.int64) - 48
        valid &= ~m | ((d >= 0) & (d <= 9))
        val = np.where(m, val * 10 + d, val)
    valid &= val >= 0  # a 19-digit value above S64_MAX wrapped: let the reference path decide
    return np.where(neg, -val, val), valid


def _parse_hex(buf: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hex digits in [a, b) per row -> (uint64 value, valid)."""
    length = b - a
    valid = (length > 0) & (length <= 16)
    val = np.zeros(a.size, dtype=np.uint64)
    top = int(length.max(initial=0))
    for k in range(min(top, 16)):
        m = k < length
        h = _HEX[_gather(buf, a + k)]
        valid &= ~m | (h != 255)
        val = np.where(m, (val << np.uint64(4)) | h.astype(np.uint64), val)
    return val, valid


def _fnv(buf: np.ndarray, a: np.ndarray, length: np.ndarray) -> np.ndarray:
    """FNV-1a hash of the bytes [a, a+length) per row: identifies names without decoding them."""
    h = np.full(a.size, _FNV_BASIS, dtype=np.uint64)
    for k in range(int(length.max(initial=0))):
        m = k < length
        h = np.where(m, (h ^ _gather(buf, a + k).astype(np.uint64)) * _FNV_PRIME, h)
    return h ^ (length.astype(np.uint64) << np.uint64(56))


def _dictionary(block: bytes, keys: np.ndarray, a: np.ndarray, length: np.ndarray) -> pa.DictionaryArray:
    """Dictionary-encode the strings [a, a+length) of each row, decoding one per distinct key."""
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    names = [block[a[i]: a[i] + length[i]].decode("utf-8", "replace") for i in first]
    return pa.DictionaryArray.from_arrays(pa.array(inverse.astype(np.int32)), pa.array(names, pa.string()))


class FastTextParser:
    """Parses a block of complete lines; delegates misfits to the owning :class:`TextParser`."""

    def __init__(self, parser: "TextParser"):
        self.p = parser

    def parse_block(self, block: bytes) -> pa.Table | None:
        buf = np.frombuffer(block, dtype=np.uint8)
        nl = np.flatnonzero(buf == NL)
        if nl.size == 0:
            return None
        starts = np.empty(nl.size, dtype=np.int64)
        starts[0] = 0
        starts[1:] = nl[:-1] + 1
        ends = nl.astype(np.int64)
        ends -= (ends > starts) & (_gather(buf, ends - 1) == CR)
        self.p.lines += nl.size

        self._sp = _positions(buf, SP)
        sp = self._sp
        next_space, all_spaces = self._next_space, self._all_spaces

        # ": " after the timestamp and after the event name.
        cs = np.concatenate([np.flatnonzero((buf[:-1] == ord(":")) & (buf[1:] == SP)), [_BIG, _BIG]])
        i1 = np.searchsorted(cs, starts)
        c1, c2 = cs[i1], cs[i1 + 1]
        ok = c2 < ends
        ev_start = c1 + 2
        ev_len = c2 - ev_start
        ok &= (ev_len > 0) & (ev_len <= 64)

        # Timestamp token: from the last space before c1 to c1.
        ts_start = sp[np.maximum(np.searchsorted(sp, c1) - 1, 0)] + 1
        ok &= ts_start > starts
        dots = _positions(buf, DOT)
        dot = dots[np.searchsorted(dots, ts_start)]
        has_dot = dot < c1
        sec, v1 = _parse_dec(buf, ts_start, np.where(has_dot, dot, c1))
        frac, v2 = _parse_dec(buf, dot + 1, c1)
        frac_len = np.clip(c1 - dot - 1, 0, 20)
        ok &= v1 & (~has_dot | (v2 & (frac_len <= 9)))
        ts = np.where(has_dot, sec * 1_000_000_000 + frac * _POW10[frac_len], sec)

        # [cpu] and the optional irq-flags token between "]" and the timestamp.
        rbr = _positions(buf, RBR)
        rb = rbr[np.maximum(np.searchsorted(rbr, ts_start) - 1, 0)]
        lbr = _positions(buf, LBR)
        lb = lbr[np.maximum(np.searchsorted(lbr, rb) - 1, 0)]
        ok &= (lb >= starts) & (rb > lb) & (rb < ts_start)
        cpu, v3 = _parse_dec(buf, lb + 1, rb)
        ok &= v3
        fl_start = rb + 2
        fl_end = next_space(fl_start)
        has_flags = (_gather(buf, fl_start) != SP) & (fl_end < ts_start)
        fl_len = np.where(has_flags, fl_end - fl_start, 0)
        ok &= (fl_len <= 7) & (_gather(buf, rb + 1) == SP)
        ok &= np.where(has_flags, all_spaces(fl_end, ts_start), all_spaces(rb + 1, ts_start))

        # comm-pid: the last '-' before '['; the pid runs to the next space, then spaces to '['.
        dashes = _positions(buf, DASH)
        dpos = dashes[np.maximum(np.searchsorted(dashes, lb) - 1, 0)]
        ok &= dpos > starts
        pid_end = next_space(dpos + 1)
        pid, v4 = _parse_dec(buf, dpos + 1, pid_end)
        ok &= v4 & (pid_end < lb) & all_spaces(pid_end, lb)
        lead = np.zeros(starts.size, dtype=np.int64)
        active = np.ones(starts.size, dtype=bool)
        for k in range(32):
            active &= _gather(buf, starts + k) == SP
            lead += active
        comm_start = starts + lead
        comm_len = dpos - comm_start
        first = _gather(buf, comm_start)
        ok &= (comm_len > 0) & (comm_len <= 24) & (first != ord(">")) & (first != ord("#"))

        # Body start: after "event:" and its padding.
        body = c2 + 1
        for _ in range(16):
            body = body + ((body < ends) & (_gather(buf, body) == SP))

        rows = np.flatnonzero(ok)
        ev_keys = _fnv(buf, ev_start[rows], ev_len[rows])
        event_arr = _dictionary(block, ev_keys, ev_start[rows], ev_len[rows])
        names = event_arr.dictionary.to_pylist()
        codes = event_arr.indices.to_numpy()

        n = rows.size
        fields: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        parsed = np.zeros(n, dtype=bool)
        eqs = _positions(buf, EQ)
        keep = np.ones(n, dtype=bool)
        for code, name in enumerate(names):
            sel = np.flatnonzero(codes == code)
            if name not in EVENT_BY_NAME:
                self.p.meta.unknown_events[name] = self.p.meta.unknown_events.get(name, 0) + int(sel.size)
                keep[sel] = False
                continue
            self._parse_bodies(block, buf, name, sel, rows, body, ends, eqs, fields, parsed)

        good = parsed & keep
        slow_lines = np.flatnonzero(~ok)
        slow_lines = np.sort(np.concatenate([slow_lines, rows[~parsed & keep]]))
        fast_idx = np.flatnonzero(good)
        r = rows[fast_idx]
        cols: dict[str, object] = {
            "ts": ts[r], "cpu": cpu[r].astype(np.int32), "pid": pid[r].astype(np.int32),
            "event": self._take_dict(event_arr, fast_idx),
            "comm": _dictionary(block, _fnv(buf, comm_start[r], comm_len[r]), comm_start[r], comm_len[r]),
            "irq_flags": self._flags(block, buf, has_flags[r], fl_start[r], fl_len[r]),
        }
        for col, (vals, valid) in fields.items():
            cols[col] = pa.array(vals[fast_idx], type=COLUMN_BY_NAME[col].type, mask=~valid[fast_idx])
        fast = {k: (v if isinstance(v, pa.Array) else pa.array(v, COLUMN_BY_NAME[k].type)) for k, v in cols.items()}

        if slow_lines.size == 0:
            return self.p.to_table(fast, fast_idx.size) if fast_idx.size else None
        return self._merge(block, starts, ends, slow_lines, fast, r)

    # ---------------------------------------------------------------------------------------
    def _next_space(self, pos: np.ndarray) -> np.ndarray:
        """Position of the first space at or after pos (per row)."""
        return self._sp[np.searchsorted(self._sp, pos)]

    def _all_spaces(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """True where [a, b) holds nothing but spaces (an empty range counts)."""
        return (np.searchsorted(self._sp, b) - np.searchsorted(self._sp, a)) == (b - a)

    def _take_dict(self, arr: pa.DictionaryArray, idx: np.ndarray) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(arr.indices.take(pa.array(idx)), arr.dictionary)

    def _flags(self, block, buf, has, start, length) -> pa.Array:
        if not has.any():
            return pa.nulls(has.size, pa.dictionary(pa.int16(), pa.string()))
        keys = np.zeros(has.size, dtype=np.uint64)
        for k in range(int(length.max())):
            m = k < length
            keys |= np.where(m, _gather(buf, start + k).astype(np.uint64) << np.uint64(8 * k), np.uint64(0))
        arr = _dictionary(block, keys, start, length)
        return pa.DictionaryArray.from_arrays(pa.array(arr.indices.to_numpy(), mask=~has), arr.dictionary)

    def _parse_bodies(self, block, buf, name, sel, rows, body, ends, eqs, fields, parsed) -> None:
        """Decode the k=v bodies of one event's rows, one key layout (kernel era) at a time."""
        todo = sel
        for _ in range(_MAX_BODY_VARIANTS):
            if todo.size == 0:
                return
            r = rows[todo]
            b0, e0 = int(body[r[0]]), int(ends[r[0]])
            keys = [k for k, _ in KV_RE.findall(block[b0:e0].decode("utf-8", "replace"))]
            if not keys:
                return
            bstart, lend = body[r], ends[r]
            ie = np.searchsorted(eqs, bstart)
            match = (np.searchsorted(eqs, lend) - ie) == len(keys)
            key_start = bstart
            decoded: list[tuple[str, np.ndarray, np.ndarray]] = []
            for j, key in enumerate(keys):
                eq = eqs[np.minimum(ie + j, eqs.size - 1)]
                kb = key.encode()
                match &= (eq - key_start) == len(kb)
                for off, ch in enumerate(kb):
                    match &= _gather(buf, key_start + off) == ch
                val_end = np.minimum(self._next_space(eq + 1), lend)
                col = column_for_key(name, key)
                if col is not None:
                    vals, valid, present = self._decode(buf, COLUMN_BY_NAME[col].kind, eq + 1, val_end)
                    match &= valid
                    decoded.append((col, vals, present))
                key_start = val_end + 1
            match &= self._all_spaces(np.minimum(key_start - 1, lend), lend)
            hit = todo[match]
            if hit.size:
                self.p.observe_keys(name, keys)
                n = parsed.size
                for col, vals, present in decoded:
                    if col not in fields:
                        fields[col] = (np.zeros(n, dtype=vals.dtype), np.zeros(n, dtype=bool))
                    fv, fm = fields[col]
                    fv[hit] = vals[match]
                    fm[hit] = present[match]
                    if COLUMN_BY_NAME[col].kind is Kind.PTR:
                        self._count_pointers(vals[match], present[match])
                parsed[hit] = True
            todo = todo[~match]

    def _decode(self, buf, kind: Kind, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values of one key for all rows -> (values, parsed ok, non-null)."""
        if kind is Kind.PTR:
            a = a + 2 * ((_gather(buf, a) == ord("0")) & (_gather(buf, a + 1) == ord("x")))  # trace-cmd: 0x...
            vals, valid = _parse_hex(buf, a, b)
            paren = _gather(buf, a) == LPAREN
            unavailable = paren & ((b - a) == 16)  # (____ptrval____)
            nil = paren & ((b - a) == 5)  # (nil): NULL as printed by libtraceevent
            vals = np.where(nil, np.uint64(0), vals)
            return vals, valid | unavailable | nil, (valid | nil) & ~unavailable
        if kind is Kind.HEX:
            vals, valid = _parse_hex(buf, a, b)
            return vals.astype(np.int64), valid, valid
        vals, valid = _parse_dec(buf, a, b)
        return vals, valid, valid

    def _count_pointers(self, vals: np.ndarray, present: np.ndarray) -> None:
        stats = self.p.pointers
        stats.unavailable += int((~present).sum())
        v = vals[present]
        raw = int((v >= np.uint64(RAW_POINTER_MIN)).sum())
        stats.raw += raw
        stats.hashed += int((v != 0).sum()) - raw

    def _merge(self, block, starts, ends, slow_lines, fast, fast_rows) -> pa.Table | None:
        """Parse the misfit lines with the reference path and merge both in file order."""
        lines = [block[starts[i]: ends[i]].decode("utf-8", "replace") for i in slow_lines]
        self.p.lines -= len(lines)  # parse_lines_cols counts them again
        slow_cols, slow_n = self.p.parse_lines_cols(lines, index=slow_lines.tolist())
        if slow_n == 0:
            return self.p.to_table(fast, fast_rows.size) if fast_rows.size else None
        line_no = slow_cols.pop("_line")
        slow = {}
        for name, values in slow_cols.items():
            typ = COLUMN_BY_NAME[name].type
            slow[name] = (pa.array(values, pa.string()).dictionary_encode() if pa.types.is_dictionary(typ)
                          else pa.array(values, typ))
        from ..store import conform

        t_fast = conform(fast, fast_rows.size).append_column("_line", pa.array(fast_rows, pa.int64()))
        t_slow = conform(slow, slow_n).append_column("_line", pa.array(line_no, pa.int64()))
        both = pa.concat_tables([t_fast, t_slow]).unify_dictionaries().combine_chunks()
        both = both.take(pa.array(np.argsort(both.column("_line").to_numpy(), kind="stable")))
        both = both.drop_columns(["_line"])
        cols = {name: both.column(name).combine_chunks() for name in both.column_names if name != "seq"}
        return self.p.to_table(cols, both.num_rows)
