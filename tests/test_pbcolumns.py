"""The columnar wire encoder (tmigr_trace/pbcolumns.py) writes what protobuf itself writes.

Hand-written values for the wire format's edge cases (not a trace): varint widths 1..10, negative
int64 (ten bytes), KTIME_MAX, u64 pointers, absent optional fields, strings from a table; each
row is compared with the perfetto package's own message serialized by protobuf.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from tmigr_trace import pbcolumns as pbc

pb = pytest.importorskip("perfetto.protos.perfetto.trace.perfetto_trace_pb2")

INTS = [0, 1, 127, 128, 300, 16383, 16384, (1 << 35) + 5, (1 << 63) - 1, -1, -(1 << 63), 4294967295]


def _rows(parts: list[pbc.Frag]) -> list[bytes]:
    f = pbc.concat(parts)
    out = io.BytesIO()
    pbc.write(pbc.interleave([f], [np.arange(f.rows)], f.rows), out)
    data, rows, at = out.getvalue(), [], 0
    for n in f.lens.tolist():
        rows.append(data[at:at + n])
        at += n
    return rows


def test_varint_int64_and_absent_fields_match_protobuf():
    D = pb.DebugAnnotation.DESCRIPTOR
    vals = np.array(INTS, np.int64)
    present = np.array([i % 3 != 2 for i in range(len(INTS))])
    rows = _rows(pbc.varint_field(D.fields_by_name["name_iid"].number, np.arange(len(INTS)) + 1)
                 + pbc.varint_field(D.fields_by_name["int_value"].number, vals, present))
    for i, (v, p) in enumerate(zip(INTS, present)):
        want = pb.DebugAnnotation(name_iid=i + 1)
        if p:
            want.int_value = v
        assert rows[i] == want.SerializeToString(), v


def test_u64_pointers_fixed64_and_nested_messages_match_protobuf():
    T = pb.TrackEvent.DESCRIPTOR
    D = pb.DebugAnnotation.DESCRIPTOR
    ptrs = np.array([0xFFFF888100001000, 0, 1, (1 << 64) - 1], np.uint64)
    flows = np.array([7, 1 << 40, 3, 9], np.int64)
    ann = pbc.length_delimited(T.fields_by_name["debug_annotations"].number,
                               pbc.varint_field(D.fields_by_name["name_iid"].number, np.full(4, 5))
                               + pbc.varint_field(D.fields_by_name["pointer_value"].number, ptrs))
    names = [b"0x1", b"0xff", b""]
    strings = [pb.DebugAnnotation(name_iid=6, string_value=s.decode()).SerializeToString() for s in names]
    tagged = [pbc.tag(T.fields_by_name["debug_annotations"].number, pbc.LEN) + pbc.varint_bytes(len(s)) + s
              for s in strings]
    rows = _rows(pbc.varint_field(T.fields_by_name["track_uuid"].number, np.array([1, 200, 3, 40000]))
                 + ann + [pbc.table(tagged, np.array([0, 1, 2, 0]), np.array([True, True, True, False]))]
                 + pbc.fixed64_field(T.fields_by_name["flow_ids"].number, flows, np.array([True, False, True, True])))
    for i in range(4):
        want = pb.TrackEvent(track_uuid=[1, 200, 3, 40000][i])
        want.debug_annotations.add(name_iid=5, pointer_value=int(ptrs[i]))
        if i < 3:
            want.debug_annotations.add(name_iid=6, string_value=names[i].decode())
        if i != 1:
            want.flow_ids.append(int(flows[i]))
        # protobuf writes fields in number order, the exporter in its own: equal as messages
        assert pb.TrackEvent.FromString(rows[i]) == want
        assert pb.TrackEvent.FromString(rows[i]).SerializeToString() == want.SerializeToString()
