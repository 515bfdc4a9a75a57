"""The one event schema of tmigr-trace: the single source of truth for columns, dtypes and events.

Every importer, collector, the model's trace adapter and the reports import this module; nothing
else restates the field list. A trace is one long table: common columns first (timestamp, recording
CPU, per-CPU sequence number, event name, task), then the union of the fields of every
``timer_migration:*`` tracepoint of every kernel from v6.9 to 7.x and the June-2026 series, all
nullable. A field keeps the kernel's name, with two exceptions that avoid clashes:

* the tracepoint field ``cpu`` is stored as ``target_cpu`` (``cpu`` is the recording CPU);
* the connect events' ``childmask`` (before v6.11) is stored as ``groupmask``, its later name; the
  group-state events' ``childmask`` keeps its name (it is a different quantity).

Timestamps are never rewritten: ``ts`` is what the kernel recorded, in ns (text traces carry us).

Schema versions: 1, the first; 2 adds ``migr_state`` and ``migr_seq`` (the group's full state word,
read by ``capture --backend bcc --group-state``; no tracepoint prints it). A version-1 file still
opens: the columns it lacks read as nulls (:data:`ADDED_IN`, ``store.open_parquet``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pyarrow as pa

SCHEMA_VERSION = 2
METADATA_KEY = b"tmigr_trace"

KTIME_MAX = (1 << 63) - 1
TMIGR_NONE = 0xFF


class Kind(str, Enum):
    """How a field's value is written in text output and stored in Parquet."""

    PTR = "ptr"  # %p: raw or hashed 64-bit hex, "(____ptrval____)" -> null
    HEX = "hex"  # %0x / %x masks
    INT = "int"  # %d / %u decimal
    U64 = "u64"  # %llu expiries (KTIME_MAX fits in int64)


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    kind: Kind | None
    doc: str


COMMON_COLUMNS: tuple[Column, ...] = (
    Column("ts", pa.int64(), None, "timestamp in ns as recorded by the trace clock (never rewritten)"),
    Column("cpu", pa.int32(), None, "CPU whose ring buffer recorded the event"),
    Column("seq", pa.int64(), None, "per-CPU sequence number: the original order within that CPU"),
    Column("event", pa.dictionary(pa.int16(), pa.string()), None, "tracepoint name, e.g. tmigr_cpu_idle"),
    Column("pid", pa.int32(), None, "common_pid"),
    Column("tgid", pa.int32(), None, "thread group id when recorded (record-tgid), else null"),
    Column("comm", pa.dictionary(pa.int32(), pa.string()), None, "task name when known, else null"),
    Column("irq_flags", pa.dictionary(pa.int16(), pa.string()), None,
           "latency-format flags as printed (e.g. 'd..4.'), null when not recorded"),
)

FIELD_COLUMNS: tuple[Column, ...] = (
    Column("group", pa.uint64(), Kind.PTR, "struct tmigr_group * the event is about"),
    Column("parent", pa.uint64(), Kind.PTR, "parent group pointer (CPU events: the CPU's level-0 group)"),
    Column("child", pa.uint64(), Kind.PTR, "child group pointer (update_events: NULL at the CPU level)"),
    Column("target_cpu", pa.int32(), Kind.INT, "the tracepoint's own `cpu` field"),
    Column("lvl", pa.int32(), Kind.INT, "level of the group (connect events: of the parent)"),
    Column("numa_node", pa.int32(), Kind.INT, "NUMA node, -1 = NUMA_NO_NODE (printed numa=)"),
    Column("family", pa.int32(), Kind.INT, "June-2026 series: family (capacity or node), replaces numa_node"),
    Column("capacity", pa.int32(), Kind.INT, "7.2-era connect events: CPU capacity of the hierarchy"),
    Column("num_children", pa.int32(), Kind.INT, "children slots handed out in the parent"),
    Column("groupmask", pa.uint32(), Kind.HEX, "connect events: the child's bit in the parent (childmask < 6.11)"),
    Column("childmask", pa.uint32(), Kind.HEX, "group-state events: bit of the child that changed"),
    Column("active", pa.uint8(), Kind.HEX, "group state after the update: active children"),
    Column("migrator", pa.uint8(), Kind.HEX, "group state after the update: migrator bit, 0xff = TMIGR_NONE"),
    Column("wakeup", pa.int64(), Kind.U64, "the CPU's hierarchy wakeup (KTIME_MAX = none)"),
    Column("nextevt", pa.int64(), Kind.U64, "expiry handed in / propagated"),
    Column("group_next_expiry", pa.int64(), Kind.U64, "update_events: group->next_expiry after update (printed next_expiry=)"),
    Column("child_evt_expiry", pa.int64(), Kind.U64, "update_events: child's groupevt expiry"),
    Column("group_lvl", pa.int32(), Kind.INT, "update_events: level of the group"),
    Column("child_evtcpu", pa.int32(), Kind.INT, "update_events: leaf CPU of the child's groupevt"),
    Column("child_active", pa.uint8(), Kind.HEX, "update_events: child's active byte under the locks"),
    Column("group_active", pa.uint8(), Kind.HEX, "update_events: group's active byte under the locks"),
    # BCC --group-state (schema 2): read through the event's group pointer, not a tracepoint field.
    Column("migr_state", pa.uint32(), Kind.HEX,
           "BCC --group-state: the group's union tmigr_state word (active, migrator, seq) read at the event"),
    Column("migr_seq", pa.uint16(), Kind.INT, "BCC --group-state: the seq of migr_state (+1 per update of the group)"),
    # Context events (capture --with-context): they explain tmigr decisions.
    Column("state", pa.int64(), Kind.INT, "power:cpu_idle state (4294967295 = exit)"),
    Column("cpu_id", pa.int32(), Kind.INT, "power:cpu_idle cpu_id"),
    Column("timer", pa.uint64(), Kind.PTR, "timer:* struct timer_list *"),
    Column("function", pa.uint64(), Kind.PTR, "timer:* callback address"),
    Column("now", pa.int64(), Kind.INT, "timer:timer_expire_entry jiffies"),
    Column("baseclk", pa.int64(), Kind.INT, "timer:timer_expire_entry base clock (jiffies)"),
    Column("expires", pa.int64(), Kind.INT, "timer:timer_start expires (jiffies)"),
    Column("flags", pa.uint32(), Kind.HEX, "timer:timer_start flags"),
)

COLUMNS: tuple[Column, ...] = COMMON_COLUMNS + FIELD_COLUMNS
# Columns a file of an older schema version lacks (read as nulls): version -> columns it added.
ADDED_IN: dict[int, tuple[str, ...]] = {2: ("migr_state", "migr_seq")}
COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
ARROW_SCHEMA: pa.Schema = pa.schema([pa.field(c.name, c.type, nullable=True) for c in COLUMNS])


@dataclass(frozen=True)
class EventDef:
    """One tracepoint: the columns it fills, and how text/format names map onto them."""

    name: str
    system: str
    columns: tuple[str, ...]
    since: str
    doc: str


def _ev(name: str, cols: str, since: str, doc: str, system: str = "timer_migration") -> EventDef:
    return EventDef(name, system, tuple(cols.split()), since, doc)


_GROUP_STATE = "group parent lvl numa_node family childmask active migrator migr_state migr_seq"
_CPUGROUP = "target_cpu parent wakeup"
_IDLE = "target_cpu parent nextevt wakeup"

EVENTS: tuple[EventDef, ...] = (
    _ev("tmigr_group_set", "group lvl numa_node family migr_state migr_seq", "6.9", "a new group was created"),
    _ev("tmigr_connect_child_parent", "child parent lvl numa_node family capacity num_children groupmask",
        "6.9", "a child group was linked under a parent (lvl/numa/num_children describe the parent)"),
    _ev("tmigr_connect_cpu_parent", "target_cpu parent lvl numa_node family capacity num_children groupmask",
        "6.9", "a CPU was linked under its level-0 group"),
    _ev("tmigr_group_set_cpu_active", _GROUP_STATE, "6.9", "group state after tmigr_active_up"),
    _ev("tmigr_group_set_cpu_inactive", _GROUP_STATE, "6.9", "group state after tmigr_inactive_up"),
    _ev("tmigr_cpu_new_timer", _CPUGROUP, "6.9", "tmigr_new_timer starts a walk (old wakeup)"),
    _ev("tmigr_cpu_active", _CPUGROUP, "6.9", "__tmigr_cpu_activate (wakeup before reset)"),
    _ev("tmigr_cpu_online", _CPUGROUP, "6.9", "CPU joins the hierarchy (<= 6.18.x)"),
    _ev("tmigr_cpu_offline", _CPUGROUP, "6.9", "CPU leaves the hierarchy (<= 6.18.x)"),
    _ev("tmigr_cpu_available", _CPUGROUP, "6.19", "CPU joins the hierarchy (6.19+)"),
    _ev("tmigr_cpu_unavailable", _CPUGROUP, "6.19", "CPU leaves the hierarchy (6.19+)"),
    _ev("tmigr_handle_remote_cpu", _CPUGROUP, "6.9", "migrator expires a remote CPU's timers"),
    _ev("tmigr_cpu_idle", _IDLE, "6.9", "end of tmigr_cpu_deactivate (wakeup = returned firstexp)"),
    _ev("tmigr_cpu_new_timer_idle", _IDLE, "6.9", "end of tmigr_cpu_new_timer"),
    _ev("tmigr_update_events", "child group nextevt group_next_expiry child_evt_expiry group_lvl "
        "child_evtcpu child_active group_active migr_state migr_seq", "6.9", "end of tmigr_update_events"),
    _ev("tmigr_handle_remote", "group lvl migr_state migr_seq", "6.9", "tmigr_handle_remote_up visits a level"),
    # Context events (not tmigr, optional).
    _ev("cpu_idle", "state cpu_id", "-", "power:cpu_idle", system="power"),
    _ev("timer_expire_entry", "timer now function baseclk", "-", "timer:timer_expire_entry", system="timer"),
    _ev("timer_expire_exit", "timer", "-", "timer:timer_expire_exit", system="timer"),
    _ev("timer_start", "timer function expires now flags", "-", "timer:timer_start", system="timer"),
    _ev("timer_cancel", "timer", "-", "timer:timer_cancel", system="timer"),
)
EVENT_BY_NAME: dict[str, EventDef] = {e.name: e for e in EVENTS}
TMIGR_EVENTS: tuple[str, ...] = tuple(e.name for e in EVENTS if e.system == "timer_migration")
CONTEXT_EVENTS: tuple[str, ...] = tuple(f"{e.system}:{e.name}" for e in EVENTS if e.system != "timer_migration")

# Kernel field / print-key name -> column name, where they differ. Per event first, then global.
_EVENT_KEY_ALIASES: dict[str, dict[str, str]] = {
    # The connect events print the child pointer as "group=" and call the mask childmask before 6.11.
    "tmigr_connect_child_parent": {"group": "child", "childmask": "groupmask"},
    "tmigr_connect_cpu_parent": {"childmask": "groupmask"},
}
_GLOBAL_KEY_ALIASES: dict[str, str] = {
    "cpu": "target_cpu",
    "numa": "numa_node",
    "next_expiry": "group_next_expiry",
}


def value_bounds(column: str) -> tuple[int, int]:
    """Smallest and largest value a field column can store (wider printed values are malformed).

    u64 expiries are stored in int64 with their bits kept, so they accept the full u64 range.
    """
    col = COLUMN_BY_NAME[column]
    if col.kind is Kind.U64 or col.kind is Kind.PTR:
        return (-(1 << 63), (1 << 64) - 1) if col.kind is Kind.U64 else (0, (1 << 64) - 1)
    t = col.type
    bits = t.bit_width
    if pa.types.is_signed_integer(t):
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def column_for_key(event: str, key: str) -> str | None:
    """Map a text print key or a format-file field name of `event` to its column, or None."""
    per_event = _EVENT_KEY_ALIASES.get(event)
    if per_event and key in per_event:
        return per_event[key]
    col = _GLOBAL_KEY_ALIASES.get(key, key)
    ev = EVENT_BY_NAME.get(event)
    if ev is not None and col in ev.columns:
        return col
    return None


def print_keys(event: str) -> dict[str, str]:
    """Every text print key / format field name of `event` that maps to a column, across eras."""
    ev = EVENT_BY_NAME[event]
    candidates = set(ev.columns) | set(_GLOBAL_KEY_ALIASES) | set(_EVENT_KEY_ALIASES.get(event, {}))
    keys = {k: column_for_key(event, k) for k in sorted(candidates)}
    return {k: c for k, c in keys.items() if c is not None}


def empty_table() -> pa.Table:
    return ARROW_SCHEMA.empty_table()


def schema_markdown() -> str:
    """The schema as the README shows it (tests check the README against this)."""
    lines = ["| column | type | from events | meaning |", "|---|---|---|---|"]
    for col in COLUMNS:
        users = [e.name.removeprefix("tmigr_") for e in EVENTS if col.name in e.columns]
        where = "all" if col in COMMON_COLUMNS else ", ".join(users)
        lines.append(f"| `{col.name}` | {col.type} | {where} | {col.doc} |")
    return "\n".join(lines)


def event_columns_markdown() -> str:
    """The columns ``Trace.df_event(name)`` gives for each event, with their meaning (used by the
    reader API's docstring and docs/python-api.md; a test keeps the doc in sync)."""
    common = ", ".join(f"`{c.name}`" for c in COMMON_COLUMNS)
    lines = [f"Every event has the common columns {common}; its own fields follow.", "",
             "| event | since | fields (column: meaning) |", "|---|---|---|"]
    for ev in EVENTS:
        fields = "; ".join(f"`{c}`: {COLUMN_BY_NAME[c].doc}" for c in ev.columns)
        name = ev.name if ev.system == "timer_migration" else f"{ev.name} ({ev.system})"
        lines.append(f"| `{name}` | {ev.since} | {fields} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown())
