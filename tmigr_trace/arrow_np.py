"""Reorder and bound-check Arrow columns through numpy, without ``pyarrow.compute``.

``import pyarrow.compute`` builds a Python wrapper for every compute kernel: 50-80 ms of start-up,
a third of what a whole `tmigr-trace import trace.dat` of 400k events may cost at all
(benchmarks/import_tracedat.py). The binary import paths need only two things from it, a row
permutation (the merge of the CPUs' streams) and a range check (limits.RowCheck); both are a
numpy index or comparison on the column's own buffers. Anything else (a column type these do not
cover) still goes through pyarrow's kernels.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def strings(values: list[str]) -> pa.Array:
    """A string array built from its buffers: ``pa.array()`` asks pandas whether its argument is
    a pandas object, importing pandas (0.3-0.8 s) on first use, even for a list or an ndarray."""
    data = [v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def from_numpy(values: np.ndarray, type: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """``pa.array(values, type, mask=~valid)`` for a number or bool type, from the buffers (no
    pandas import, see :func:`strings`); ``values`` is converted to ``type``'s width if needed."""
    n = len(values)
    if pa.types.is_boolean(type):
        data = pa.py_buffer(np.packbits(np.asarray(values, dtype=bool), bitorder="little"))
    else:
        data = pa.py_buffer(np.ascontiguousarray(values, dtype=numpy_dtype(type)))
    if valid is None:
        return pa.Array.from_buffers(type, n, [None, data], null_count=0)
    nvalid = int(np.count_nonzero(valid))
    bitmap = None if nvalid == n else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(type, n, [bitmap, data], null_count=n - nvalid)


def numpy_dtype(t: pa.DataType) -> np.dtype:
    """The numpy dtype of a primitive Arrow number type (``DataType.to_pandas_dtype()`` imports
    pandas, 0.3-0.8 s, for the same answer)."""
    if pa.types.is_integer(t):
        return np.dtype(f"{'i' if pa.types.is_signed_integer(t) else 'u'}{t.bit_width // 8}")
    if pa.types.is_floating(t):
        return np.dtype(f"f{t.bit_width // 8}")
    if pa.types.is_boolean(t):
        return np.dtype(bool)
    raise TypeError(f"no numpy dtype for Arrow type {t}")


_ZEROS = [pa.py_buffer(b"")]


def nulls(n: int, type: pa.DataType) -> pa.Array:
    """``pa.nulls(n, type)`` for number and dictionary types, all sharing one zero buffer:
    ``pa.nulls`` allocates and zeroes fresh buffers per column and batch (13 of the schema's
    columns are absent from a binary trace's batches: ~9 MB per 90k-row batch, page faults
    included). Other types go to ``pa.nulls``."""
    if pa.types.is_dictionary(type):
        return pa.DictionaryArray.from_arrays(nulls(n, type.index_type), strings([]) if
                                              pa.types.is_string(type.value_type) else pa.nulls(0, type.value_type))
    if not (pa.types.is_integer(type) or pa.types.is_floating(type)):
        return pa.nulls(n, type)
    need = n * type.bit_width // 8 + 64
    if _ZEROS[0].size < need:
        _ZEROS[0] = pa.py_buffer(bytes(max(need, 2 * _ZEROS[0].size)))
    zeros = _ZEROS[0]
    return pa.Array.from_buffers(type, n, [zeros, zeros], null_count=n)


def values_and_valid(arr: pa.Array) -> tuple[np.ndarray, np.ndarray | None] | None:
    """A primitive integer/float column as (values, validity or None when no nulls), zero-copy
    where Arrow's layout allows; None for any other type (the caller then uses pyarrow)."""
    t = arr.type
    if not (pa.types.is_integer(t) or pa.types.is_floating(t)):
        return None
    n, off = len(arr), arr.offset
    bufs = arr.buffers()
    vals = np.frombuffer(bufs[1], dtype=numpy_dtype(t), count=off + n)[off:]
    if arr.null_count == 0:
        return vals, None
    bits = np.unpackbits(np.frombuffer(bufs[0], dtype=np.uint8), count=off + n, bitorder="little")[off:]
    return vals, bits.view(bool)


def column_values(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The values of a number column without nulls as one ndarray (``to_numpy()`` tries to import
    pandas first; this is zero-copy for one chunk)."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = []
    for c in chunks:
        split = values_and_valid(c) if len(c) else (np.zeros(0, dtype=numpy_dtype(c.type)), None)
        if split is None or split[1] is not None:
            raise TypeError(f"column_values: {c.type} column with nulls or not a number")
        parts.append(split[0])
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=numpy_dtype(col.type))


def take(arr: pa.Array, order: np.ndarray) -> pa.Array:
    """``arr.take(order)`` for primitive and dictionary columns (``order``: int64 row indices)."""
    if arr.null_count == len(arr):
        return pa.nulls(order.size, arr.type)
    if isinstance(arr, pa.DictionaryArray):
        return pa.DictionaryArray.from_arrays(take(arr.indices, order), arr.dictionary)
    split = values_and_valid(arr)
    if split is None:
        return arr.take(from_numpy(order, pa.int64()))
    vals, valid = split
    return from_numpy(vals[order], arr.type, None if valid is None else valid[order])


def take_table(t: pa.Table, order: np.ndarray) -> pa.Table:
    """The rows of a single-chunk table in ``order`` (column by column, see :func:`take`)."""
    cols = [take(c.chunk(0) if c.num_chunks == 1 else c.combine_chunks(), order) for c in t.columns]
    return pa.Table.from_arrays(cols, schema=t.schema)


def out_of_range(col: pa.ChunkedArray | pa.Array, lo: int, hi: int) -> np.ndarray | None:
    """Per row: a non-null value outside ``[lo, hi]`` (bool array), or None if the column's type
    is not a primitive number (the caller then uses pyarrow's kernels)."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    parts = []
    for c in chunks:
        if len(c) == 0:
            continue
        split = values_and_valid(c)
        if split is None:
            return None
        vals, valid = split
        bad = (vals < lo) | (vals > hi)
        parts.append(bad if valid is None else bad & valid)
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
