"""The BPF side of the BCC collector, generated from the running kernel's tracepoint format files.

For every tracepoint, :func:`generate` writes the C struct of its record exactly as its tracefs
``format`` file lays it out (offsets checked with ``_Static_assert``) and a handler that copies
the fields the store keeps into one fixed-size record::

    struct tmigr_rec { u64 ts; u64 seq; u32 pid; u32 tgid; u16 event; u16 cpu; u32 pad;
                       char comm[16]; [u32 gstate; u32 gvalid;] u8 data[N]; }
    // data: the record bytes from offset 8 on; gstate/gvalid with --group-state only

``ts`` is ``bpf_ktime_get_ns()`` (CLOCK_MONOTONIC, ``ktime_get_mono_fast_ns``: the clock of
``trace_clock=mono``); ``seq`` a per-CPU counter that also counts the events that found the buffer
full (a gap in ``seq`` is where events were lost, as in the ftrace path), counted per CPU in the
``drops`` map. With ``group_state`` (``--group-state``), a handler whose tracepoint records a
``group`` pointer also reads that group's ``migr_state`` word (its offset from BTF,
:mod:`.btf_layout`) with ``bpf_probe_read_kernel`` into ``gstate`` (``gvalid`` = 1 when read). Handlers record only while ``control[0]`` is 1: attaching and detaching a dozen
tracepoints takes hundreds of milliseconds, and a window where some are attached and others not
would look like lost events; the flag opens and closes the window for all of them at once (the
``tracing_on`` of this path). Records go to one BPF ring buffer (``BPF_RINGBUF_OUTPUT``, v5.8+) or, where the
kernel lacks one, per-CPU perf buffers. The first 8 bytes of a tracepoint record (``common_*``)
are not readable by a BPF program (``tp_prog_is_valid_access``), so ``pid``/``tgid`` come from
``bpf_get_current_pid_tgid()`` and the latency flags are not recorded.

:class:`RecordDecoder` turns a run of such records into store columns with numpy, per event type
and field, using the same format-field -> column mapping as the ring-buffer page decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tmigr_trace.arrow_np import numpy_dtype
from tmigr_trace.schema import COLUMN_BY_NAME, column_for_key

from .btf_layout import GroupStateLayout
from .ringbuffer import EventFormat, FieldFormat

HEADER_BYTES = 48  # ts, seq, pid, tgid, event, cpu, pad, comm[16]
SWITCH_HANDLER = "tp_switch"  # sched:sched_switch: finds the runs no handler can see (blind intervals)
NO_PID = 0xFFFFFFFF
GROUP_STATE_BYTES = 8  # gstate, gvalid (--group-state)
COMMON_BYTES = 8   # struct trace_entry at the start of every tracepoint record
BPF_RB_NO_WAKEUP = 1


@dataclass(frozen=True)
class KeptField:
    """A format field the store keeps: its column and where it sits in the record's data."""

    column: str
    field: FieldFormat

    @property
    def data_offset(self) -> int:
        return self.field.offset - COMMON_BYTES


def kept_fields(fmt: EventFormat) -> list[KeptField]:
    """Fields of ``fmt`` that map to a store column (scalars of 1, 2, 4 or 8 bytes)."""
    out = []
    for f in fmt.fields:
        if f.name.startswith("common_") or f.size not in (1, 2, 4, 8) or "[" in f.ctype or "__data_loc" in f.ctype:
            continue
        col = column_for_key(fmt.name, f.name)
        if col is not None:
            out.append(KeptField(col, f))
    return out


def data_bytes(formats: list[EventFormat]) -> int:
    """Bytes of ``data`` every record carries: the largest kept field end, rounded up to 8."""
    end = max([COMMON_BYTES] + [k.field.offset + k.field.size for f in formats for k in kept_fields(f)])
    return max(8, -(-(end - COMMON_BYTES) // 8) * 8)


def _ctype(f: FieldFormat) -> str:
    return f"{'s' if f.signed else 'u'}{f.size * 8}"


def _args_struct(fmt: EventFormat, ident: str) -> str:
    """The tracepoint record as C, every field at its format offset (gaps padded)."""
    lines = [f"struct {ident}_args {{", "    u64 __common;"]
    pos = COMMON_BYTES
    checks = []
    for f in sorted(fmt.fields, key=lambda f: f.offset):
        if f.offset < COMMON_BYTES:
            continue
        if f.offset > pos:
            lines.append(f"    u8 __pad{pos}[{f.offset - pos}];")
        if f.size in (1, 2, 4, 8) and "[" not in f.ctype and "__data_loc" not in f.ctype:
            lines.append(f"    {_ctype(f)} {f.name};")
            checks.append(f"_Static_assert(__builtin_offsetof(struct {ident}_args, {f.name}) == {f.offset}, "
                          f"\"{fmt.name}.{f.name}\");")
        else:
            lines.append(f"    u8 __skip{f.offset}[{f.size}];")
        pos = f.offset + f.size
    lines.append("} __attribute__((packed));")
    return "\n".join(lines + checks)


def group_field(fmt: EventFormat) -> FieldFormat | None:
    """The format field holding the ``struct tmigr_group *`` the event is about, if it has one."""
    return next((k.field for k in kept_fields(fmt) if k.column == "group" and k.field.size == 8), None)


def _group_state_read(fmt: EventFormat, migr_state_offset: int | None) -> str:
    """C that reads the group's state word (``--group-state``) right after the timestamp."""
    if migr_state_offset is None:
        return ""
    g = group_field(fmt)
    if g is None:
        return "\n    u32 gstate_ = 0, gvalid_ = 0;"
    return (f"\n    u32 gstate_ = 0, gvalid_ = 0;\n    if (args->{g.name} && bpf_probe_read_kernel(&gstate_, sizeof(gstate_),"
            f" (const void *)(args->{g.name} + {migr_state_offset})) == 0)\n        gvalid_ = 1;")


def _blind_close(perf: bool, blind_code: int, gs: bool) -> str:
    """C run by every handler first: the task switched in last on this CPU (``pend_*``, set by the
    sched_switch handler) was not seen by any handler before this event of another task, so no
    BPF program ran while it was current (docs/bcc.md, "Tasks BPF cannot see"). The interval from its
    switch-in to now is blind: counted, sent as a record of code ``blind_code`` (ts = switch-in,
    data = now) and given a ``seq`` of its own, which no row holds: a gap where events may be lost."""
    if perf:
        reserve = "struct tmigr_rec brec_ = {};\n            struct tmigr_rec *b_ = &brec_;"
        submit = "if (events.perf_submit(args, b_, sizeof(*b_)) < 0)\n                c->blind_unrecorded++;"
    else:
        reserve = "struct tmigr_rec *b_ = events.ringbuf_reserve(sizeof(struct tmigr_rec));"
        submit = f"events.ringbuf_submit(b_, {BPF_RB_NO_WAKEUP});"
    unrecorded = "" if perf else " else {\n                c->blind_unrecorded++;\n            }"
    gs_zero = "\n                b_->gstate = 0;\n                b_->gvalid = 0;" if gs else ""
    return f"""
    if (c->pend_valid) {{
        c->pend_valid = 0;
        if ((u32)bpf_get_current_pid_tgid() != c->pend_pid) {{
            u64 gap_ = c->seq++;
            c->blind_n++;
            c->blind_ns += ts - c->pend_since;
            {reserve}
            if (b_) {{
                __builtin_memset(b_, 0, sizeof(*b_));
                b_->ts = c->pend_since;
                b_->seq = gap_;
                b_->pid = c->pend_pid;
                b_->event = {blind_code};
                b_->cpu = bpf_get_smp_processor_id();
                __builtin_memcpy(b_->comm, c->pend_comm, sizeof(b_->comm));{gs_zero}
                *(u64 *)&b_->data[0] = ts;
                {submit}
            }}{unrecorded}
        }}
    }}"""


def _recording_cpu_count(filt: str, blind: str) -> str:
    """The start every handler shares: the CPU filter, the recording switch (``control``), this
    CPU's counters ``c``, and the blind-interval check."""
    return f"""    u32 zero = 0;{filt}
    u32 *on = control.lookup(&zero);
    if (!on || !*on)
        return 0;
    struct cpu_count *c = counts.lookup(&zero);
    if (!c)
        return 0;{blind}"""


def _switch_handler(fmt: EventFormat, filt: str, blind: str) -> str:
    """The sched_switch handler: no row; closes a blind interval like every handler, then notes the
    task switched in (pid, comm, stamp) for the next event on this CPU to check."""
    by_name = {f.name: f for f in fmt.fields}
    pid, comm = by_name["next_pid"], by_name["next_comm"]
    return f"""/* {fmt.system}:{fmt.name}: finds the tasks no BPF program runs for */
int {SWITCH_HANDLER}(void *args) {{
    u64 ts = bpf_ktime_get_ns();
{_recording_cpu_count(filt, blind)}
    c->pend_pid = *(u32 *)((char *)args + {pid.offset});
    __builtin_memcpy(c->pend_comm, (char *)args + {comm.offset}, sizeof(c->pend_comm));
    c->pend_since = ts;
    c->pend_valid = 1;
    return 0;
}}"""


def switch_format_ok(fmt: EventFormat | None) -> bool:
    """Whether ``fmt`` is a sched_switch record the switch handler can read (next_pid, next_comm[16])."""
    if fmt is None:
        return False
    by_name = {f.name: f for f in fmt.fields}
    pid, comm = by_name.get("next_pid"), by_name.get("next_comm")
    return (pid is not None and pid.size == 4 and pid.offset % 4 == 0 and comm is not None and comm.size == 16
            and comm.offset % 8 == 0)


def generate(formats: list[EventFormat], ring_pages: int, perf: bool, cpu_filter: bool = False,
             migr_state_offset: int | None = None, switch: EventFormat | None = None) -> str:
    """The whole BPF C program: maps, record struct, one handler per tracepoint (``tp_<i>``).
    ``cpu_filter``: handlers return at once on a CPU whose ``allowed`` entry is not 1 (--cpus).
    ``migr_state_offset``: byte offset of ``tmigr_group.migr_state`` (from BTF) to read the group's
    state word at every event that records a group pointer (--group-state), else None.
    ``switch``: the sched_switch format; with it, a handler on sched_switch and a check in every
    handler record the intervals in which no handler could run (:func:`_blind_close`)."""
    nbytes = data_bytes(formats)
    gs = migr_state_offset is not None
    blind = _blind_close(perf, len(formats), gs) if switch_format_ok(switch) else ""
    out = [
        f"struct tmigr_rec {{ u64 ts; u64 seq; u32 pid; u32 tgid; u16 event; u16 cpu; u32 pad; char comm[16];"
        f"{' u32 gstate; u32 gvalid;' if gs else ''} u8 data[{nbytes}]; }};",
        "struct cpu_count { u64 seq; u64 drops; u64 blind_n; u64 blind_ns; u64 blind_unrecorded;"
        " u64 pend_since; u32 pend_pid; u32 pend_valid; char pend_comm[16]; };",
        "BPF_PERCPU_ARRAY(counts, struct cpu_count, 1);",
        "BPF_ARRAY(control, u32, 1);  /* [0]: 1 = record (set once every handler is attached) */",
        "BPF_ARRAY(allowed, u8, 4096);" if cpu_filter else "",
        "BPF_PERF_OUTPUT(events);" if perf else f"BPF_RINGBUF_OUTPUT(events, {ring_pages});",
    ]
    for i, fmt in enumerate(formats):
        ident = f"tp_{i}"
        out.append(_args_struct(fmt, ident))
        copies = "\n".join(f"    *({_ctype(k.field)} *)&r->data[{k.data_offset}] = args->{k.field.name};"
                           for k in kept_fields(fmt))
        if perf:
            reserve = "    struct tmigr_rec rec = {};\n    struct tmigr_rec *r = &rec;"
            submit = "    if (events.perf_submit(args, r, sizeof(*r)) < 0)\n        c->drops++;"
        else:
            reserve = ("    struct tmigr_rec *r = events.ringbuf_reserve(sizeof(struct tmigr_rec));\n"
                       "    if (!r) {\n        c->drops++;\n        return 0;\n    }")
            submit = f"    events.ringbuf_submit(r, {BPF_RB_NO_WAKEUP});"
        gs_copy = "\n    r->gstate = gstate_;\n    r->gvalid = gvalid_;" if gs else ""
        filt = ("\n    int cpu_ = bpf_get_smp_processor_id();\n    u8 *ok_ = allowed.lookup(&cpu_);\n"
                "    if (!ok_ || !*ok_)\n        return 0;") if cpu_filter else ""
        out.append(f"""/* {fmt.system}:{fmt.name} */
int {ident}(struct {ident}_args *args) {{
    u64 ts = bpf_ktime_get_ns();{_group_state_read(fmt, migr_state_offset)}
{_recording_cpu_count(filt, blind)}
    u64 seq = c->seq++;
{reserve}
    u64 id = bpf_get_current_pid_tgid();
    r->ts = ts;
    r->seq = seq;
    r->pid = (u32)id;
    r->tgid = id >> 32;
    r->event = {i};
    r->cpu = bpf_get_smp_processor_id();
    r->pad = 0;
    bpf_get_current_comm(&r->comm, sizeof(r->comm));{gs_copy}
{copies}
{submit}
    return 0;
}}""")
    if blind:
        filt = ("\n    int cpu_ = bpf_get_smp_processor_id();\n    u8 *ok_ = allowed.lookup(&cpu_);\n"
                "    if (!ok_ || !*ok_)\n        return 0;") if cpu_filter else ""
        out.append(_switch_handler(switch, filt, blind))
    return "\n".join(out) + "\n"


def record_dtype(formats: list[EventFormat], group_state: bool = False) -> np.dtype:
    """numpy view of ``struct tmigr_rec`` (little-endian, no padding: 48 [+ 8] + data bytes)."""
    gs = [("gstate", "<u4"), ("gvalid", "<u4")] if group_state else []
    return np.dtype([("ts", "<u8"), ("seq", "<u8"), ("pid", "<i4"), ("tgid", "<i4"), ("event", "<u2"),
                     ("cpu", "<u2"), ("pad", "<u4"), ("comm", "S16"), *gs, ("data", "u1", (data_bytes(formats),))])


@dataclass(frozen=True)
class BlindInterval:
    """A run on ``cpu`` from ``start_ns`` (the switch to task ``pid``/``comm``) to ``end_ns`` (the next
    event of another task) during which no BPF program ran: events there are lost, uncounted, except
    for the ``seq`` this interval holds (a gap in the rows' sequence)."""

    cpu: int
    start_ns: int
    end_ns: int
    pid: int
    comm: str
    seq: int

    def to_list(self) -> list:
        return [self.cpu, self.start_ns, self.end_ns, self.pid, self.comm, self.seq]


class RecordDecoder:
    """Fixed-size records (bytes, any number) -> store-schema column arrays."""

    def __init__(self, formats: list[EventFormat], group_state: GroupStateLayout | None = None):
        self.formats = formats
        self.group_state = group_state
        self.dtype = record_dtype(formats, group_state is not None)
        self.names = pa.array([f.name for f in formats], pa.string())
        self.plans = []
        for fmt in formats:
            plan = []
            for k in kept_fields(fmt):
                src = np.dtype(f"<{'i' if k.field.signed else 'u'}{k.field.size}")
                dst = numpy_dtype(COLUMN_BY_NAME[k.column].type)
                plan.append((k.column, k.data_offset, src, dst))
            self.plans.append(plan)
        self._comm_cache: dict[bytes, str] = {}

    @property
    def record_size(self) -> int:
        return self.dtype.itemsize

    @property
    def blind_code(self) -> int:
        """The ``event`` of a blind-interval record (one past the last tracepoint's)."""
        return len(self.formats)

    def split(self, buf: bytes) -> tuple[bytes, list[BlindInterval]]:
        """The event records of ``buf`` (a whole number of records) and its blind intervals."""
        rec = np.frombuffer(buf, dtype=self.dtype)
        blind = rec["event"] == self.blind_code
        if not blind.any():
            return buf, []
        b = rec[blind]
        ends = np.ascontiguousarray(b["data"][:, :8]).view("<u8").ravel()
        out = [BlindInterval(int(cpu), int(ts), int(end), int(pid), self._comm(bytes(comm)), int(seq))
               for cpu, ts, end, pid, comm, seq in zip(b["cpu"], b["ts"], ends, b["pid"], b["comm"], b["seq"])]
        return rec[~blind].tobytes(), out

    def decode(self, buf: bytes) -> dict[str, object]:
        """Columns of the records in ``buf`` (a whole number of records), in buffer order."""
        rec = np.frombuffer(buf, dtype=self.dtype)
        n = rec.size
        code = rec["event"].astype(np.int16)
        cols: dict[str, object] = {
            "ts": rec["ts"].astype(np.int64), "cpu": rec["cpu"].astype(np.int32), "seq": rec["seq"].astype(np.int64),
            "pid": rec["pid"].copy(), "tgid": rec["tgid"].copy(),
            "event": pa.DictionaryArray.from_arrays(pa.array(code, pa.int16()), self.names),
        }
        comm = rec["comm"]
        idle = rec["pid"] == 0
        if idle.any():  # pid 0 is the idle task on every CPU (swapper/N); ftrace prints <idle>
            comm = comm.copy()
            comm[idle] = b"<idle>"
        uniq, inv = np.unique(comm, return_inverse=True)
        names = [self._comm(bytes(u)) for u in uniq]
        cols["comm"] = pa.DictionaryArray.from_arrays(pa.array(inv.astype(np.int32), pa.int32()),
                                                      pa.array(names, pa.string()))
        if self.group_state is not None:
            cols.update(self._group_state_columns(rec))
        data = rec["data"]
        values: dict[str, np.ndarray] = {}
        valid: dict[str, np.ndarray] = {}
        for k in np.unique(code):
            rows = np.flatnonzero(code == k)
            for col, off, src, dst in self.plans[int(k)]:
                v = np.ascontiguousarray(data[rows, off: off + src.itemsize]).view(src).ravel().astype(dst)
                if col not in values:
                    values[col] = np.zeros(n, dtype=dst)
                    valid[col] = np.zeros(n, dtype=bool)
                values[col][rows] = v
                valid[col][rows] = True
        for col, arr in values.items():
            ok = valid[col]
            cols[col] = pa.array(arr, type=COLUMN_BY_NAME[col].type, mask=None if ok.all() else ~ok)
        return cols

    def _group_state_columns(self, rec: np.ndarray) -> dict[str, pa.Array]:
        """``migr_state`` (the word) and ``migr_seq`` (its ``seq``, at the BTF offset) where read."""
        word = rec["gstate"]
        missing = rec["gvalid"] == 0
        lay = self.group_state
        seq = (word >> np.uint32(8 * lay.seq_offset)) & np.uint32((1 << (8 * lay.seq_size)) - 1)
        mask = missing if missing.any() else None
        return {"migr_state": pa.array(word, pa.uint32(), mask=mask),
                "migr_seq": pa.array(seq.astype(np.uint16), pa.uint16(), mask=mask)}

    def _comm(self, raw: bytes) -> str:
        s = self._comm_cache.get(raw)
        if s is None:
            s = self._comm_cache[raw] = raw.split(b"\0")[0].decode("utf-8", "replace")
        return s
