"""Columnar protobuf wire encoding: one message per row, built for a whole column at once with numpy.

A column of messages is a :class:`Pieces`: the byte length of each row's piece and all pieces
concatenated in row order. Fields are encoded per column (varints, constant tags, strings from a
small table), then joined row by row (:func:`concat`) and wrapped as length-delimited fields, so
the per-event cost is a handful of numpy passes instead of one Python protobuf object per event.
The field numbers come from the caller (from the generated protos' descriptors), never from here.
The encoding is the protobuf wire format (https://protobuf.dev/programming-guides/encoding/):
a tag is ``field_number << 3 | wire_type`` as a varint, varints are little-endian base-128, and
negative int64 values are their two's complement (ten bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VARINT, FIXED64, LEN = 0, 1, 2


@dataclass
class Pieces:
    """One protobuf fragment per row: `lens[i]` bytes of `data` belong to row i (row order)."""

    lens: np.ndarray  # int64, one per row (0 = absent)
    data: np.ndarray  # uint8

    @property
    def rows(self) -> int:
        return int(self.lens.size)


def _starts(lens: np.ndarray) -> np.ndarray:
    out = np.empty_like(lens)
    if lens.size:
        out[0] = 0
        np.cumsum(lens[:-1], out=out[1:])
    return out


def varint_bytes(value: int) -> bytes:
    """One varint (a Python int; negatives as 64-bit two's complement)."""
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    return varint_bytes(number << 3 | wire_type)


def varint_len(values: np.ndarray) -> np.ndarray:
    """Bytes of each varint of `values` (uint64)."""
    v = values.astype(np.uint64, copy=False)
    n = np.ones(v.size, np.int64)
    for k in range(1, 10):
        n += v >= np.uint64(1 << (7 * k))
    return n


def varints(values: np.ndarray, present: np.ndarray | None = None) -> Pieces:
    """Varint of each value (int64 values are taken as their uint64 bits); absent rows are empty."""
    v = values.astype(np.int64, copy=False).view(np.uint64) if values.dtype.kind == "i" else \
        values.astype(np.uint64, copy=False)
    n = varint_len(v)
    if present is not None:
        n = np.where(present, n, 0)
    width = int(n.max()) if n.size else 0
    if width == 0:
        return Pieces(n, np.empty(0, np.uint8))
    m = np.empty((v.size, width), np.uint8)
    for k in range(width):
        byte = ((v >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8)
        m[:, k] = byte | np.where(n > k + 1, np.uint8(0x80), np.uint8(0))
    keep = np.arange(width) < n[:, None]
    return Pieces(n, m[keep])


def const(b: bytes, rows: int, present: np.ndarray | None = None) -> Pieces:
    """The same bytes on every (present) row."""
    if present is None:
        return Pieces(np.full(rows, len(b), np.int64), np.tile(np.frombuffer(b, np.uint8), rows))
    k = int(np.count_nonzero(present))
    return Pieces(np.where(present, len(b), 0).astype(np.int64), np.tile(np.frombuffer(b, np.uint8), k))


def table(entries: list[bytes], codes: np.ndarray, present: np.ndarray | None = None) -> Pieces:
    """Row i gets entries[codes[i]] (a small table of ready-made fragments)."""
    tl = np.array([len(e) for e in entries], np.int64)
    tdata = np.frombuffer(b"".join(entries), np.uint8) if entries else np.empty(0, np.uint8)
    return gather(Pieces(tl, tdata), codes, present)


def gather(p: Pieces, idx: np.ndarray, present: np.ndarray | None = None) -> Pieces:
    """Rows idx of `p` (absent rows empty)."""
    lens = p.lens[idx]
    if present is not None:
        lens = np.where(present, lens, 0)
    total = int(lens.sum())
    if total == 0:
        return Pieces(lens, np.empty(0, np.uint8))
    src = np.repeat(_starts(p.lens)[idx] - _starts(lens), lens) + np.arange(total)
    return Pieces(lens, p.data[src])


def concat(parts: list[Pieces]) -> Pieces:
    """Join the parts row by row (row i = parts[0][i] + parts[1][i] + ...)."""
    lens = np.zeros(parts[0].rows, np.int64)
    for p in parts:
        lens += p.lens
    out = np.empty(int(lens.sum()), np.uint8)
    off = _starts(lens)
    for p in parts:
        if p.data.size:
            dest = np.repeat(off - _starts(p.lens), p.lens) + np.arange(p.data.size)
            out[dest] = p.data
        off += p.lens
    return Pieces(lens, out)


def stack(parts: list[Pieces]) -> Pieces:
    """Rows of all parts, one after the other."""
    return Pieces(np.concatenate([p.lens for p in parts]), np.concatenate([p.data for p in parts]))


def length_delimited(number: int, inner: Pieces, present: np.ndarray | None = None) -> Pieces:
    """Field `number` holding each row's `inner` message (absent where `present` is False)."""
    rows = inner.rows
    t = const(tag(number, LEN), rows, present)
    n = varints(inner.lens, present)
    if present is not None and not present.all():
        inner = gather(inner, np.arange(rows), present)
    return concat([t, n, inner])


def varint_field(number: int, values: np.ndarray, present: np.ndarray | None = None) -> Pieces:
    return concat([const(tag(number, VARINT), values.size, present), varints(values, present)])


def fixed64_field(number: int, values: np.ndarray, present: np.ndarray | None = None) -> Pieces:
    rows = values.size
    t = const(tag(number, FIXED64), rows, present)
    v = values.astype(np.uint64).view(np.uint8).reshape(rows, 8)
    if present is None:
        body = Pieces(np.full(rows, 8, np.int64), v.ravel())
    else:
        body = Pieces(np.where(present, 8, 0).astype(np.int64), v[present].ravel())
    return concat([t, body])
