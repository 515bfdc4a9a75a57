"""Columnar protobuf wire encoding: one message per row, built for a whole column at once with numpy.

A column of message fragments is a :class:`Frag`: a padded byte matrix stored column-major
(``mat[j, i]`` = byte j of row i's fragment, left-aligned) and the mask of its real bytes. Fields
are encoded per column (varints, constant tags, strings from a small table); fragments are joined
side by side (:func:`concat`: one contiguous ``concatenate``); a length-delimited field only needs
the sum of its parts' lengths; and the messages come out of one boolean-mask compaction
(:func:`interleave` then :func:`write`) read row by row, so each row's pieces land one after the other. The per-event
cost is a few contiguous numpy passes instead of one Python protobuf object per event.

The wire format is protobuf's (https://protobuf.dev/programming-guides/encoding/): a tag is
``field_number << 3 | wire_type`` as a varint, varints are little-endian base-128, negative int64
values are their two's complement (ten bytes). Field numbers come from the caller (from the
generated protos' descriptors), never from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

VARINT, FIXED64, LEN = 0, 1, 2


@dataclass
class Frag:
    """One protobuf fragment per row: row i is ``mat[:, i][mask[:, i]]`` (``lens[i]`` bytes)."""

    mat: np.ndarray   # (width, rows) uint8
    mask: np.ndarray  # (width, rows) bool
    lens: np.ndarray  # (rows,) int64

    @property
    def rows(self) -> int:
        return int(self.lens.size)

    @property
    def width(self) -> int:
        return int(self.mat.shape[0])


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


_TRUE = np.ones(1, bool)


def _present(present: np.ndarray | None, width: int, rows: int) -> np.ndarray:
    """A read-only (width, rows) mask view: all true, or each row's presence (zero strides)."""
    if present is None:
        return np.ndarray((width, rows), bool, buffer=_TRUE, strides=(0, 0))
    present = np.ascontiguousarray(present, bool)
    return np.ndarray((width, rows), bool, buffer=present, strides=(0, 1))


def _lens(width: int, rows: int, present: np.ndarray | None) -> np.ndarray:
    if present is None:
        return np.full(rows, width, np.int64)
    return np.where(present, width, 0).astype(np.int64)


def varints(values: np.ndarray, present: np.ndarray | None = None) -> Frag:
    """Varint of each value (int64 values as their uint64 bits); absent rows are empty."""
    x = values.astype(np.int64).view(np.uint64) if values.dtype.kind in "ib" else values.astype(np.uint64)
    if present is not None:
        x[~present] = 0
    rows = x.size
    top = int(x.max()) if rows else 0
    width = 1
    while width < 10 and top >= 1 << (7 * width):
        width += 1
    m = np.empty((width, rows), np.uint8)
    n = np.ones(rows, np.int64)
    seven, mask7 = np.uint64(7), np.uint64(0x7F)
    for k in range(width):
        m[k] = x & mask7
        np.right_shift(x, seven, out=x)
        if k + 1 < width:
            more = x != 0
            m[k] |= more.view(np.uint8) << 7
            n += more
    if present is not None:
        n[~present] = 0
    return Frag(m, np.arange(width)[:, None] < n, n)


def const(b: bytes, rows: int, present: np.ndarray | None = None) -> Frag:
    """The same bytes on every (present) row (read-only broadcast views: concat copies them)."""
    w = len(b)
    return Frag(np.ndarray((w, rows), np.uint8, buffer=b, strides=(1, 0)), _present(present, w, rows),
                _lens(w, rows, present))


def prefixed(b: bytes, at: int, values: np.ndarray, present: np.ndarray | None = None) -> Frag:
    """Constant bytes `b` whose byte `at` is replaced by each row's value (< 128: a one-byte
    varint, e.g. a short message's length)."""
    rows, w = values.size, len(b)
    mat = np.empty((w, rows), np.uint8)
    mat[:] = np.frombuffer(b, np.uint8)[:, None]
    mat[at] = values
    return Frag(mat, _present(present, w, rows), _lens(w, rows, present))


class Table:
    """Ready-made fragments (e.g. whole annotations for each value of a small set), padded."""

    def __init__(self, entries: list[bytes]):
        self.width = max((len(e) for e in entries), default=0)
        self.mat = np.zeros((self.width, max(len(entries), 1)), np.uint8)
        for i, e in enumerate(entries):
            self.mat[:len(e), i] = np.frombuffer(e, np.uint8)
        self.lens = np.array([len(e) for e in entries] or [0], np.int64)


def table(entries: list[bytes] | Table, codes: np.ndarray, present: np.ndarray | None = None) -> Frag:
    """Row i gets entries[codes[i]]."""
    t = entries if isinstance(entries, Table) else Table(entries)
    codes = np.clip(codes, 0, t.lens.size - 1)
    lens = t.lens[codes]
    if present is not None:
        lens = np.where(present, lens, 0)
    return Frag(t.mat[:, codes], np.arange(t.width)[:, None] < lens, lens)


def concat(parts: list[Frag]) -> Frag:
    """Join the parts row by row (row i = parts[0][i] + parts[1][i] + ...)."""
    lens = np.zeros(parts[0].rows, np.int64)
    for p in parts:
        lens += p.lens
    return Frag(np.concatenate([p.mat for p in parts]), np.concatenate([p.mask for p in parts]), lens)


@dataclass
class Rows:
    """Finished messages row-major: row i is ``mat[i][mask[i]]``."""

    mat: np.ndarray   # (rows, width) uint8
    mask: np.ndarray  # (rows, width) bool


class RowBuffer:
    """Reused row-major buffers for :func:`interleave` (fresh ones per batch cost page faults)."""

    def __init__(self) -> None:
        self.mat = np.empty((0, 0), np.uint8)
        self.mask = np.empty((0, 0), bool)

    def get(self, rows: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        if self.mat.shape[0] < rows or self.mat.shape[1] < width:
            shape = (max(rows, self.mat.shape[0]), max(width, self.mat.shape[1]))
            self.mat, self.mask = np.empty(shape, np.uint8), np.empty(shape, bool)
        mat, mask = self.mat[:rows, :width], self.mask[:rows, :width]
        return mat, mask


def interleave(parts: list[Frag], rows_of: list[np.ndarray], rows: int, buf: RowBuffer | None = None) -> Rows:
    """The rows of all parts in one row-major matrix: parts[i] supplies the rows rows_of[i]."""
    width = max(p.width for p in parts)
    mat, mask = (buf or RowBuffer()).get(rows, width)
    for p, r in zip(parts, rows_of):
        mat[r, :p.width] = np.ascontiguousarray(p.mat.T)
        m = np.zeros((r.size, width), bool)
        m[:, :p.width] = p.mask.T
        mask[r] = m
    return Rows(mat, mask)


def write(r: Rows, out: BinaryIO) -> int:
    """Write all rows' messages, one after the other; returns the bytes written."""
    data = r.mat[r.mask]
    out.write(memoryview(data))
    return int(data.size)


# Fields are lists of fragments: joined once, by the caller's concat of the whole message.

def varint_field(number: int, values: np.ndarray, present: np.ndarray | None = None) -> list[Frag]:
    return [const(tag(number, VARINT), values.size, present), varints(values, present)]


def fixed64_field(number: int, values: np.ndarray, present: np.ndarray | None = None) -> list[Frag]:
    rows = values.size
    body = np.ascontiguousarray(np.ascontiguousarray(values.astype(np.uint64)).view(np.uint8).reshape(rows, 8).T)
    return [const(tag(number, FIXED64), rows, present), Frag(body, _present(present, 8, rows), _lens(8, rows, present))]


def length_delimited(number: int, inner: list[Frag], present: np.ndarray | None = None) -> list[Frag]:
    """Field `number` holding each row's message made of the `inner` parts (absent rows: their
    inner parts must be absent too)."""
    rows = inner[0].rows
    n = np.zeros(rows, np.int64)
    for p in inner:
        n += p.lens
    return [const(tag(number, LEN), rows, present), varints(n, present)] + inner
