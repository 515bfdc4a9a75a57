"""Import a Perfetto trace recorded by Perfetto's ftrace data source (``linux.ftrace``).

Perfetto has no typed protos for the ``timer_migration/*`` events, so its ftrace data source
writes them as generic events, in one of two encodings (protos/perfetto/trace/ftrace/
ftrace_event_bundle.proto, generic.proto):

* ``FtraceEvent.generic`` = ``GenericFtraceEvent{event_name, field[]{name, int_value |
  uint_value | str_value}}`` (the default);
* with ``denser_generic_event_encoding`` (v50+): the bundle carries
  ``generic_event_descriptors[]{field_id, group_name, event_descriptor}`` (a serialized
  ``DescriptorProto`` of the event's fields) and each event is a nested message in the
  ``FtraceEvent`` field numbered ``field_id`` (unknown to the static protos).

Both are decoded with the ``perfetto`` package's generated protos (and protobuf's descriptor
pool for the dynamic descriptors): no trace processor binary, no download. Timestamps are the
bundle events' ``timestamp`` (ns of the ftrace clock), never rewritten; rows are sorted by
(ts, cpu, seq) like the other binary sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

import numpy as np
import pyarrow as pa

from ..errors import TmigrError
from ..metadata import TraceMeta
from ..schema import COLUMN_BY_NAME, EVENT_BY_NAME, Kind, column_for_key
from ..store import TraceWriter, conform

# Wire-format tag of `Trace.packet` (field 1, length-delimited): every Perfetto trace starts with it.
PACKET_TAG = 0x0A
ROWS_PER_TABLE = 65536

# FtraceClock enum -> the tracefs trace_clock name. UNSPECIFIED means Perfetto's default, "boot"
# (the data source sets trace_clock to boot when the kernel has it).
_CLOCKS = {0: "boot", 1: "unknown", 2: "global", 3: "local", 4: "mono_raw"}

# Context events that Perfetto does have typed protos for: FtraceEvent field -> (event, columns).
_TYPED_CONTEXT = {
    "cpu_idle": ("cpu_idle", ("state", "cpu_id")),
    "timer_start": ("timer_start", ("timer", "function", "expires", "now", "flags")),
    "timer_cancel": ("timer_cancel", ("timer",)),
    "timer_expire_entry": ("timer_expire_entry", ("timer", "now", "function", "baseclk")),
    "timer_expire_exit": ("timer_expire_exit", ("timer",)),
}


def _pb():
    try:
        from perfetto.protos.perfetto.trace import perfetto_trace_pb2
    except Exception as exc:  # pragma: no cover - depends on the installation
        raise TmigrError(f"the perfetto protos are not usable here ({type(exc).__name__}: {exc}); "
                         "needs the 'perfetto' package and protobuf >= 6.31.1") from None
    return perfetto_trace_pb2


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(value, next position) of the varint at `pos`; ValueError if it runs past the buffer."""
    value = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def looks_like_perfetto(head: bytes) -> bool:
    """A `Trace` message: packet tag, a plausible length, and a packet whose first tag is valid."""
    if len(head) < 4 or head[0] != PACKET_TAG:
        return False
    try:
        length, pos = _varint(head, 1)
        tag, _ = _varint(head, pos)
    except ValueError:
        return False
    return length > 0 and (tag & 7) in (0, 1, 2, 5) and (tag >> 3) > 0 and any(b < 9 for b in head[:64])


def iter_packets(f: BinaryIO, name: str) -> Iterator[bytes]:
    """Serialized TracePackets of a Trace stream, one at a time (memory: one packet)."""
    count = 0
    while True:
        first = f.read(1)
        if not first:
            return
        if first[0] != PACKET_TAG:
            raise TmigrError(f"{name}: not a Perfetto trace at packet {count} (field tag {first[0]:#x})")
        raw = b""
        while True:
            b = f.read(1)
            if not b:
                raise TmigrError(f"{name}: truncated Perfetto trace after {count} packets")
            raw += b
            if not b[0] & 0x80:
                break
        length, _ = _varint(raw, 0)
        data = f.read(length)
        if len(data) != length:
            raise TmigrError(f"{name}: truncated Perfetto trace after {count} packets "
                             f"(last packet has {len(data)} of {length} bytes)")
        count += 1
        yield data


@dataclass
class _DynamicEvent:
    """A generic event described by the bundle's DescriptorProto (denser encoding)."""

    name: str
    message_class: type
    kinds: dict[str, int] = field(default_factory=dict)


def _text(value):
    """A proto2 ``string`` as text: protobuf hands over bytes that are not UTF-8 as ``bytes``
    (a comm may hold any bytes; in a damaged trace any name may): escaped, never dropped."""
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value


def _fits(value: int, column: str) -> bool:
    """Whether ``value`` is in the range of the column's integer type."""
    t = COLUMN_BY_NAME[column].type
    lo, hi = (-(1 << (t.bit_width - 1)), 1 << (t.bit_width - 1)) if pa.types.is_signed_integer(t) else (0, 1 << t.bit_width)
    return lo <= value < hi


def _signed(value: int, column: str) -> int:
    """A value read as unsigned, stored in a signed column: keep the bits (-1 for NUMA_NO_NODE)."""
    t = COLUMN_BY_NAME[column].type
    if pa.types.is_signed_integer(t) or COLUMN_BY_NAME[column].kind is Kind.U64:
        bits = 64 if COLUMN_BY_NAME[column].kind is Kind.U64 else t.bit_width
        if value >= 1 << (bits - 1):
            value -= 1 << bits
    elif value < 0:  # an unsigned column written as int_value
        value &= (1 << t.bit_width) - 1
    return value


class PerfettoDecoder:
    """TracePackets -> rows of the store's schema, collected per chunk and sorted at the end."""

    def __init__(self, meta: TraceMeta):
        self.pb = _pb()
        self.meta = meta
        self.seq: dict[int, int] = {}
        self.cols: dict[str, list] = {}
        self.rows = 0
        self.tables: list[pa.Table] = []
        self.dynamic: dict[int, _DynamicEvent] = {}
        self.threads: dict[int, str] = {}
        self.clocks: set[str] = set()
        self.fields_seen: dict[str, set[str]] = {}
        self.lost_bundles: dict[int, int] = {}
        self.packets = 0
        self._pool = None

    # -- dynamic descriptors (denser_generic_event_encoding) --------------------------------
    def _add_descriptor(self, d) -> None:
        if d.field_id in self.dynamic:
            return
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

        proto = descriptor_pb2.DescriptorProto.FromString(d.event_descriptor)
        if self._pool is None:
            self._pool = descriptor_pool.DescriptorPool()
        fdp = descriptor_pb2.FileDescriptorProto(name=f"tmigr_generic_{d.field_id}.proto",
                                                 package=f"tmigr_generic_{d.field_id}", syntax="proto2")
        fdp.message_type.add().CopyFrom(proto)
        try:
            fd = self._pool.Add(fdp)
            cls = message_factory.GetMessageClass(fd.message_types_by_name[proto.name])
        except (TypeError, KeyError, ValueError) as exc:  # a descriptor no writer produces: damage
            from google.protobuf.message import DecodeError

            raise DecodeError(f"the descriptor of generic event {d.field_id} does not build: "
                              f"{str(exc).splitlines()[0][:120]}") from None
        self.dynamic[d.field_id] = _DynamicEvent(proto.name, cls)

    # -- rows ---------------------------------------------------------------------------------
    def _row(self, cpu: int, ts: int, pid: int | None, event: str, values: dict[str, int | str]) -> None:
        if event not in EVENT_BY_NAME:
            self.meta.unknown_events[event] = self.meta.unknown_events.get(event, 0) + 1
            return
        if not _fits(cpu, "cpu"):
            self.meta.add_damaged("cpu")
            return
        self.fields_seen.setdefault(event, set()).update(values)
        seq = self.seq.get(cpu, 0)
        self.seq[cpu] = seq + 1
        n = self.rows
        row = {"ts": ts, "cpu": cpu, "seq": seq, "event": event, "pid": pid}
        for key, value in values.items():
            col = column_for_key(event, key)
            if col is None or not isinstance(value, int):
                continue
            row[col] = _signed(value, col)
        bad = next((c for c, v in row.items() if v is not None and c not in ("event", "seq") and not _fits(v, c)), None)
        if bad is not None:
            # a value no column of its type holds (a damaged varint): the row is skipped and
            # counted, its seq left as a gap (the replay resyncs there, as after a lost event)
            self.meta.add_damaged(bad, 1, cpu)
            return
        for col, value in row.items():
            lst = self.cols.get(col)
            if lst is None:
                lst = self.cols[col] = [None] * n
            lst.append(value)
        self.rows = n + 1
        for lst in self.cols.values():
            if len(lst) < self.rows:
                lst.append(None)
        if self.rows >= ROWS_PER_TABLE:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        cols = {k: pa.array(v, COLUMN_BY_NAME[k].type if k != "event" else pa.string())
                for k, v in self.cols.items()}
        self.tables.append(conform(cols, self.rows))
        self.cols, self.rows = {}, 0

    def _event(self, cpu: int, ev) -> None:
        ts, pid = ev.timestamp, ev.pid if ev.HasField("pid") else None
        kind = ev.WhichOneof("event")
        if kind == "generic":
            g = ev.generic
            values: dict[str, int | str] = {}
            for f in g.field:
                which = f.WhichOneof("value")
                if which is not None:
                    values[_text(f.name)] = _text(getattr(f, which))
            self._row(cpu, ts, pid, _text(g.event_name), values)
            return
        if kind in _TYPED_CONTEXT:
            name, cols = _TYPED_CONTEXT[kind]
            msg = getattr(ev, kind)
            self._row(cpu, ts, pid, name, {c: getattr(msg, c) for c in cols if msg.HasField(c)})
            return
        if kind is not None:
            self.meta.unknown_events[kind] = self.meta.unknown_events.get(kind, 0) + 1
            return
        from google.protobuf import unknown_fields

        for uf in unknown_fields.UnknownFieldSet(ev):
            dyn = self.dynamic.get(uf.field_number)
            if dyn is None or uf.wire_type != 2:
                self.meta.unknown_events[f"field{uf.field_number}"] = \
                    self.meta.unknown_events.get(f"field{uf.field_number}", 0) + 1
                continue
            msg = dyn.message_class.FromString(uf.data)
            self._row(cpu, ts, pid, dyn.name, {fd.name: _text(v) for fd, v in msg.ListFields()})

    def _count_unknown_fields(self, msg, where: str) -> None:
        """Fields the installed protos do not know (a newer Perfetto's, or a damaged tag that
        swallowed an event): counted by number in ``unknown_events``, as for an FtraceEvent."""
        from google.protobuf import unknown_fields

        for uf in unknown_fields.UnknownFieldSet(msg):
            key = f"{where}_field{uf.field_number}"
            self.meta.unknown_events[key] = self.meta.unknown_events.get(key, 0) + 1

    def packet(self, data: bytes) -> None:
        self.packets += 1
        pkt = self.pb.TracePacket.FromString(data)
        which = pkt.WhichOneof("data")
        self._count_unknown_fields(pkt, "packet")
        if which == "ftrace_events":
            b = pkt.ftrace_events
            cpu = b.cpu
            self._count_unknown_fields(b, "bundle")
            for d in b.generic_event_descriptors:
                self._add_descriptor(d)
            self.clocks.add(_CLOCKS.get(b.ftrace_clock, "unknown"))
            if b.lost_events:
                self.lost_bundles[cpu] = self.lost_bundles.get(cpu, 0) + 1
            for ev in b.event:
                self._event(cpu, ev)
            if b.HasField("compact_sched"):  # sched_switch / sched_waking: not tmigr, counted
                cs = b.compact_sched
                for name, n in (("sched_switch", len(cs.switch_timestamp)), ("sched_waking", len(cs.waking_timestamp))):
                    if n:
                        self.meta.unknown_events[name] = self.meta.unknown_events.get(name, 0) + n
        elif which == "system_info":
            u = pkt.system_info.utsname
            if u.release:
                self.meta.kernel_release = _text(u.release)
                self.meta.extra.setdefault("perfetto", {})["utsname"] = {
                    k: _text(getattr(u, k)) for k in ("sysname", "release", "version", "machine")}
        elif which == "process_tree":
            for t in pkt.process_tree.threads:
                if t.name:
                    self.threads[t.tid] = _text(t.name)
            for p in pkt.process_tree.processes:
                if p.cmdline and p.pid not in self.threads:
                    self.threads[p.pid] = _text(p.cmdline[0]).rsplit("/", 1)[-1]

    def finish(self, writer: TraceWriter) -> None:
        """Sort everything by (ts, cpu, seq), name the tasks, write, and fill the metadata."""
        self._flush()
        if self.tables:
            t = pa.concat_tables(self.tables).unify_dictionaries().combine_chunks()
            order = np.lexsort((t.column("seq").to_numpy(), t.column("cpu").to_numpy(),
                                t.column("ts").to_numpy()))
            t = t.take(pa.array(order))
            if self.threads:
                pids = t.column("pid").to_pylist()
                comm = pa.array([self.threads.get(p) for p in pids], pa.string()).dictionary_encode()
                t = t.set_column(t.schema.get_field_index("comm"), "comm",
                                 comm.cast(COLUMN_BY_NAME["comm"].type))
            writer.write(t)
        m = self.meta
        m.observed_fields = {ev: sorted(keys) for ev, keys in self.fields_seen.items()}
        m.clock = "/".join(sorted(self.clocks)) if self.clocks else None
        m.pointer_mode = "raw"
        for cpu, n in self.lost_bundles.items():
            # Perfetto says "events were lost before this bundle", not how many.
            m.lost_unknown_cpus = sorted(set(m.lost_unknown_cpus) | {cpu})
        m.extra.setdefault("perfetto", {}).update({"packets": self.packets,
                                                   "bundles_after_loss": {str(c): n for c, n in self.lost_bundles.items()}})


def import_perfetto(f: BinaryIO, name: str, writer: TraceWriter, meta: TraceMeta,
                    progress: Callable[[int], None] | None = None) -> None:
    """Decode the Trace stream `f` (already decompressed) into `writer`; ``progress(n)``: bytes of
    the stream read (told about every MiB)."""
    dec = PerfettoDecoder(meta)
    from google.protobuf.message import DecodeError

    n = 0
    unreported = 0
    try:
        for data in iter_packets(f, name):
            dec.packet(data)
            n += 1
            if progress:
                size = len(data)
                unreported += 1 + size + (size.bit_length() + 6) // 7 + (size == 0)   # tag, varint length, body
                if unreported >= 1 << 20:
                    progress(unreported)
                    unreported = 0
        if progress and unreported:
            progress(unreported)
    except DecodeError as exc:
        raise TmigrError(f"{name}: corrupt Perfetto trace (packet {n} does not decode: {exc})") from None
    dec.finish(writer)
