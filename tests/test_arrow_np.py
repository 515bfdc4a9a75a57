"""tmigr_trace.arrow_np (the numpy stand-ins for pa.array, take, nulls and the range check) against
pyarrow's own functions, on the columns of a real trace.dat import (fixtures/tracedat) and on
hand-written edge cases (marked as such)."""

from __future__ import annotations

import lzma
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tmigr_trace.arrow_np import column_values, from_numpy, nulls, out_of_range, strings, take, take_table
from tmigr_trace.importers import import_file
from tmigr_trace.limits import ROW_BOUNDS, RowCheck
from tmigr_trace.schema import ARROW_SCHEMA

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "tracedat"


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> pa.Table:
    tmp = tmp_path_factory.mktemp("arrow_np")
    dat = tmp / "host.v6.dat"
    dat.write_bytes(lzma.decompress((FIX / "host-6.18.v6.dat.xz").read_bytes()))
    import_file(dat, tmp / "t.parquet")
    return pq.read_table(tmp / "t.parquet").combine_chunks()


def test_take_equals_pyarrow_take_on_every_column(table):
    order = np.random.default_rng(14).permutation(table.num_rows)
    mine = take_table(table, order)
    ref = table.take(pa.array(order))
    assert mine.schema == ref.schema
    for name in table.column_names:
        assert mine.column(name).to_pylist() == ref.column(name).to_pylist(), name
    # the nullable columns really have nulls in this trace (the validity path is exercised)
    assert any(0 < table.column(n).null_count < table.num_rows for n in table.column_names)


def test_column_values_and_from_numpy_round_trip(table):
    for name in ("ts", "cpu", "seq", "pid"):
        col = table.column(name)
        vals = column_values(col)
        assert vals.tolist() == col.to_pylist()
        assert from_numpy(vals, col.type).equals(col.chunk(0))
    with pytest.raises(TypeError):
        column_values(table.column("lvl"))      # has nulls: not a plain value array


def test_out_of_range_and_row_check_match_pyarrow_compute(table):
    for name, (lo, hi) in ROW_BOUNDS.items():
        col = table.column(name)
        if col.null_count == len(col):
            continue
        ref = pc.fill_null(pc.or_(pc.less(col, lo), pc.greater(col, hi)), False).to_numpy(zero_copy_only=False)
        assert out_of_range(col, lo, hi).tolist() == ref.tolist(), name
    # hand-written: a CPU id beyond the limit and a null are counted once and dropped
    bad = pa.Table.from_arrays([pa.array([1, 9000, None, 3], pa.int32())], names=["cpu"])
    check = RowCheck()
    assert check.apply(bad).column("cpu").to_pylist() == [1, None, 3] and check.counts == {"cpu": 1}


def test_nulls_and_strings_equal_pyarrow():
    for f in ARROW_SCHEMA:                      # every store type, two sizes sharing one buffer
        for n in (0, 1000, 70_000):
            mine = nulls(n, f.type)
            mine.validate(full=True)
            assert mine.type == f.type and mine.null_count == n and mine.equals(pa.nulls(n, f.type))
    # hand-written: empty, non-ASCII and empty names
    for names in ([], ["<idle>", "kworker/0:1", "", "tâche"]):
        assert strings(names).equals(pa.array(names, pa.string()))


def test_from_numpy_with_validity_and_bools():
    # hand-written edge cases: a validity mask, all valid, bools (bit-packed in Arrow)
    vals = np.array([5, 6, 7, 8, 9], dtype=np.int64)
    valid = np.array([True, False, True, True, False])
    assert from_numpy(vals, pa.int64(), valid).to_pylist() == [5, None, 7, 8, None]
    assert from_numpy(vals, pa.int64(), np.ones(5, bool)).null_count == 0
    assert from_numpy(valid, pa.bool_()).to_pylist() == valid.tolist()
    assert take(from_numpy(vals, pa.int64(), valid), np.array([4, 0, 1])).to_pylist() == [None, 5, None]
