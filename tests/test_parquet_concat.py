"""The store's Parquet writer encodes row groups on several threads and joins them
(tmigr_trace/parquet_concat.py): the file must read back exactly as one pyarrow writer's file
of the same rows, with the same page checksums verified, statistics, metadata and row groups."""

from __future__ import annotations

import io
import json
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tmigr_trace
from tmigr_trace import parquet_concat as pc
from tmigr_trace.importers import import_file
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.schema import ARROW_SCHEMA, METADATA_KEY
from tmigr_trace.store import TraceWriter, _writer_options, open_parquet

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "tracedat"


def _whole_file(table: pa.Table, row_group_size: int) -> bytes:
    sink = pa.BufferOutputStream()
    w = pq.ParquetWriter(sink, ARROW_SCHEMA, **_writer_options())
    w.write_table(table, row_group_size=row_group_size)
    w.close()
    return sink.getvalue().to_pybytes()


@pytest.fixture(scope="module")
def real_table(tmp_path_factory) -> pa.Table:
    """The 20,705 events of a real trace.dat of this machine (fixtures/tracedat)."""
    out = tmp_path_factory.mktemp("concat") / "t.parquet"
    import_file(FIX / "host-6.18.v7-zstd.dat", out)
    return pq.read_table(out)


def test_footer_decode_encode_gives_the_same_bytes(real_table):
    """Every footer field passes through unchanged, also those this module does not know."""
    for rg in (1000, 4096, 1 << 20):
        data = _whole_file(real_table, rg)
        fields, start = pc.split(data)
        assert pc.encode(fields) == data[start:-8]


def test_joined_row_groups_read_as_one_writers_file(real_table, tmp_path):
    step = 3000
    buf = io.BytesIO()
    cat = pc.Concatenator(buf)
    for start in range(0, real_table.num_rows, step):
        cat.append(_whole_file(real_table.slice(start, step), 1 << 20))
    cat.finish({b"k": b"v"})
    path = tmp_path / "joined.parquet"
    path.write_bytes(buf.getvalue())
    joined = pq.ParquetFile(path, page_checksum_verification=True)
    ref = pq.ParquetFile(pa.py_buffer(_whole_file(real_table, step)), page_checksum_verification=True)
    assert joined.metadata.num_rows == real_table.num_rows
    assert joined.metadata.num_row_groups == ref.metadata.num_row_groups
    assert joined.metadata.metadata[b"k"] == b"v"
    assert joined.schema_arrow.remove_metadata() == ARROW_SCHEMA
    for i in range(ref.metadata.num_row_groups):
        a, b = joined.metadata.row_group(i), ref.metadata.row_group(i)
        assert a.num_rows == b.num_rows and a.total_byte_size == b.total_byte_size
        for c in range(a.num_columns):
            ca, cb = a.column(c), b.column(c)
            assert (ca.statistics == cb.statistics and ca.encodings == cb.encodings
                    and ca.total_compressed_size == cb.total_compressed_size)
        assert joined.read_row_group(i).equals(ref.read_row_group(i))
    assert joined.read().equals(ref.read())


def test_no_row_groups_gives_an_empty_file_of_the_schema(tmp_path):
    buf = io.BytesIO()
    pc.Concatenator(buf).finish({b"k": b"v"}, empty=lambda: _whole_file(ARROW_SCHEMA.empty_table(), 1))
    pf = pq.ParquetFile(pa.py_buffer(buf.getvalue()))
    assert pf.metadata.num_rows == 0 and pf.metadata.num_row_groups == 0
    assert pf.schema_arrow.remove_metadata() == ARROW_SCHEMA


@pytest.mark.parametrize("encoders", [1, 2, 3])
def test_writer_threads_give_the_rows_in_order(real_table, tmp_path, encoders):
    """Row groups encoded by several threads land in the file in the order they were written;
    batches of any size, row groups cut as one writer cuts them."""
    meta = TraceMeta(source_format="text")
    out = tmp_path / f"w{encoders}.parquet"
    with TraceWriter(out, row_group_rows=2048, encoders=encoders) as w:
        for start in range(0, real_table.num_rows, 777):
            w.write(real_table.slice(start, 777))
        w.close(meta)
    pf, meta2 = open_parquet(out)
    assert pf.metadata.num_row_groups == -(-real_table.num_rows // 2048)
    assert [pf.metadata.row_group(i).num_rows for i in range(pf.metadata.num_row_groups - 1)] == \
        [2048] * (pf.metadata.num_row_groups - 1)
    back = pq.read_table(out)
    for name in real_table.column_names:
        x, y = real_table.column(name), back.column(name)
        if pa.types.is_dictionary(x.type):
            x, y = x.cast(pa.string()), y.cast(pa.string())
        assert x.combine_chunks().equals(y.combine_chunks()), name
    assert meta2.source_format == "text"
    assert json.loads(pf.metadata.metadata[METADATA_KEY])["source_format"] == "text"


def test_writer_with_no_rows_writes_the_schema(tmp_path):
    out = tmp_path / "empty.parquet"
    w = TraceWriter(out)
    w.close(TraceMeta(source_format="text"))
    t = tmigr_trace.load(out)
    assert t.table.num_rows == 0


def test_an_aborted_writer_leaves_nothing(real_table, tmp_path):
    out = tmp_path / "a.parquet"
    with pytest.raises(RuntimeError):
        with TraceWriter(out, row_group_rows=1024) as w:
            w.write(real_table.slice(0, 5000))
            raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_the_file_is_byte_for_byte_one_pyarrow_writers(real_table, tmp_path):
    """The row groups joined from several threads give the file one pyarrow writer gives the same
    row groups: the same bytes (footer, offsets and key-value metadata included)."""
    meta = TraceMeta(source_format="text")
    out = tmp_path / "threads.parquet"
    with TraceWriter(out, row_group_rows=4096, encoders=2) as w:
        w.write(real_table)
        w.close(meta)
    ref = tmp_path / "one.parquet"
    text = json.loads(pq.ParquetFile(out).metadata.metadata[METADATA_KEY])
    assert text["source_format"] == "text"
    kv = pq.ParquetFile(out).metadata.metadata
    one = pq.ParquetWriter(ref, ARROW_SCHEMA, **_writer_options())
    for start in range(0, real_table.num_rows, 4096):
        part = real_table.slice(start, 4096)
        one.write_table(part.unify_dictionaries(), row_group_size=part.num_rows)
    one.add_key_value_metadata({METADATA_KEY: kv[METADATA_KEY], METADATA_KEY + b"_sha256": kv[METADATA_KEY + b"_sha256"]})
    one.close()
    assert out.read_bytes() == ref.read_bytes()
