"""The builder side of the Perfetto export: track descriptors, the interning packet and the
divergences through the perfetto package's ``TraceProtoBuilder``; the columnar packets are written
through the same file handle, after whatever the builder holds."""

from __future__ import annotations

from typing import Any, BinaryIO, Iterable

from . import pbcolumns as pbc
from .errors import TmigrError

CHUNK_PACKETS = 2048
SEQ_ID = 1  # one trusted packet sequence for every packet we write


def load_pb():
    try:
        from perfetto.protos.perfetto.trace import perfetto_trace_pb2
        from perfetto.trace_builder.proto_builder import TraceProtoBuilder
    except Exception as exc:  # pragma: no cover - depends on the installation
        raise TmigrError(f"the perfetto trace builder is not usable here ({type(exc).__name__}: {exc}); "
                         "needs the 'perfetto' package and protobuf >= 6.31.1") from None
    return perfetto_trace_pb2, TraceProtoBuilder


def _set_value(da, value: Any) -> None:
    t = type(value)
    if t is int:
        if value > (1 << 63) - 1:
            da.uint_value = value
        else:
            da.int_value = value
    elif t is str:
        da.string_value = value
    elif isinstance(value, bool):
        da.bool_value = value
    elif isinstance(value, int):
        if value > (1 << 63) - 1:
            da.uint_value = value
        else:
            da.int_value = value
    elif isinstance(value, float):
        da.double_value = value
    elif isinstance(value, dict):
        for k, v in value.items():
            e = da.dict_entries.add()
            e.name = str(k)
            _set_value(e, v if v is not None else "null")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _set_value(da.array_values.add(), v if v is not None else "null")
    else:
        da.string_value = str(value)


class Writer:
    """Packets through the perfetto trace builder, flushed in chunks to a binary file."""

    def __init__(self, f: BinaryIO, chunk: int = CHUNK_PACKETS):
        self.pb, self._Builder = load_pb()
        self.f = f
        self.chunk = chunk
        self.builder = self._Builder()
        self.pending = 0
        self.packets = 0
        self.names: dict[str, int] = {}
        self.ann_names: dict[str, int] = {}
        self._first = True

    def _packet(self):
        pkt = self.builder.add_packet()
        pkt.trusted_packet_sequence_id = SEQ_ID
        if self._first:
            pkt.sequence_flags = self.pb.TracePacket.SEQ_INCREMENTAL_STATE_CLEARED
            self._first = False
        self.pending += 1
        self.packets += 1
        return pkt

    def flush(self, force: bool = False) -> None:
        if self.pending and (force or self.pending >= self.chunk):
            self.f.write(self.builder.serialize())
            self.builder = self._Builder()
            self.pending = 0

    def write_packets(self, frag: pbc.Rows, packets: int) -> None:
        """Packets encoded columnar (`Trace.packet` fields), after what the builder holds."""
        self.flush(force=True)
        pbc.write(frag, self.f)
        self.packets += packets

    def intern(self, event_names: Iterable[str], ann_names: Iterable[str]) -> None:
        """One packet that interns every name the events use (the columnar packets refer to them)."""
        pkt = self._packet()
        for name in event_names:
            if name not in self.names:
                e = pkt.interned_data.event_names.add()
                e.iid = self.names[name] = len(self.names) + 1
                e.name = name
        for name in ann_names:
            if name not in self.ann_names:
                e = pkt.interned_data.debug_annotation_names.add()
                e.iid = self.ann_names[name] = len(self.ann_names) + 1
                e.name = name
        self.flush()

    def track(self, uuid: int, name: str, parent: int | None = None, *, description: str = "",
              rank: int | None = None, explicit_children: bool = False, counter_unit: str | None = None) -> None:
        pkt = self._packet()
        td = pkt.track_descriptor
        td.uuid = uuid
        td.name = name
        if parent is not None:
            td.parent_uuid = parent
        if description:
            td.description = description
        if rank is not None:
            td.sibling_order_rank = rank
        if explicit_children:
            td.child_ordering = self.pb.TrackDescriptor.EXPLICIT
        if counter_unit is not None:
            td.counter.SetInParent()
            if counter_unit == "ns":
                td.counter.unit = self.pb.CounterDescriptor.UNIT_TIME_NS
            elif counter_unit:
                td.counter.unit_name = counter_unit
        self.flush()

    def _iid(self, table: dict[str, int], interned: Any, name: str) -> int:
        iid = table.get(name)
        if iid is None:
            iid = table[name] = len(table) + 1
            entry = interned.add()
            entry.iid, entry.name = iid, name
        return iid

    def instant(self, ts: int, track: int, name: str, ann: dict[str, Any] | None = None,
                terminating_flows: Iterable[int] = ()) -> None:
        pkt = self._packet()
        pkt.timestamp = ts
        pkt.sequence_flags = self.pb.TracePacket.SEQ_NEEDS_INCREMENTAL_STATE
        te = pkt.track_event
        te.type = self.pb.TrackEvent.TYPE_INSTANT
        te.track_uuid = track
        te.name_iid = self._iid(self.names, pkt.interned_data.event_names, name)
        for key, value in (ann or {}).items():
            if value is None:
                continue
            da = te.debug_annotations.add()
            da.name_iid = self._iid(self.ann_names, pkt.interned_data.debug_annotation_names, key)
            _set_value(da, value)
        te.terminating_flow_ids.extend(terminating_flows)
        self.flush()
