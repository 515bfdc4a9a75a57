"""Sensitivity of the replay, measured: mutate ONE event of a real trace, replay, see where it shows.

    python benchmarks/mutations.py                 # quick: a deterministic sample (a few hundred)
    python benchmarks/mutations.py --full          # thousands of mutations over every real trace
    python benchmarks/mutations.py --json out.json [--seed N] [--per N] [--workers 2] [--trace SUBSTR ...]

Sources: every real capture under fixtures/ (host-6.18/trace*.txt.gz, lab/, live-*/, regress/) and
the outside-class text traces in fixtures/outside-class/ and, if present, $TMIGR_OUTSIDE_LAB, imported
once with `tmigr-trace import` and cached in $TMPDIR/tmigr-mutations (key: source name, size, mtime
and the importer's code).

A mutation changes one cell of the trace's table (pyarrow; same schema, same footer metadata, so
the file loads with `tmigr_trace.load`), or deletes one group-state or hotplug event (the later
`seq` numbers of that recording CPU are renumbered, so the deletion does not look like lost
events). Every mutation is a real value change: a bit of `active` flipped, another `migrator` /
`childmask` / CPU / group / node, an expiry shifted by whole ticks (the replay's
`hierarchy['tick_ns']`; KTIME_MAX becomes a timer 1-3 ticks after the row on the kernel's clock,
the row's stamp plus the trace clock's offset that the replay proves, `clock_offset_ns`: a trace
clock ahead of CLOCK_MONOTONIC would otherwise put it past the trace's end, where no decision can
show it), `num_children` +-1, `lvl` +-1.

Only the public API is used: `tmigr_trace.replay(path)` and the result's `.divergences` (`index`,
`kind`, `what`, `expected`, `observed`) and `.by_kind[k].undecidable`. Each mutated replay is
compared with the unmutated one of the same trace (its baseline); a divergence counts only if the
baseline does not have it (same index after the deletion shift, kind, what, expected, observed).
Rows where the baseline already diverges are not mutated. Outcomes, first match wins:

  at_event     a new divergence at the mutated row (a deletion: at the row that took its place,
               at the next event of the same recording CPU, i.e. the walk's next step, or at its
               previous one, the row after which the kernel's program order misses a line), or one
               that names the mutated row among the steps printing the same kernel value
               (`Divergence.rows`: two tracepoints print one variable, the trace cannot say which
               of them is wrong)
  elsewhere    new divergences, none at the mutated event
  undecidable  no new divergence, but some kind's not-decidable count rose above the baseline
  rejected     the replay refused the mutated trace with a TmigrError (bad input, one clear line)
  crashed      the replay raised anything else (a bug of the replay, listed with its message)
  harmless     none of the above, and provably harmless (see HARMLESS below)
  unreported   none of the above

HARMLESS is decided before the replay, from the kernel's code, not from the engine: the traced
`wakeup` of `tmigr_cpu_active` and of `tmigr_cpu_new_timer` is a stale copy that no decision reads
(`__tmigr_cpu_activate` overwrites `tmc->wakeup` with KTIME_MAX right after its tracepoint;
`tmigr_new_timer` returns the walk's `firstexp`, which `tmigr_cpu_new_timer` stores over it); so is
the `wakeup` of `tmigr_cpu_online` / `tmigr_cpu_available` when the same CPU's next event is its
`tmigr_cpu_active` (the online callback found the timer base not idle and activated it, which
overwrites the value); and the `nextevt` of a remote expiry's level-0 requeue (the expired CPU's
next timer) when it is not the group's first event, that CPU's next event is its activation, no
other row touches the group before it, and its next deactivation queues another expiry
(`Planner.requeue_unread`: the value is then ignored, pruned or requeued whatever it is). A replay
may still report such a mutation (the copy contradicts the earlier trace): then it counts where it
was reported. No other mutated field qualifies: every other one is either the result of a decision
(group state, expiries, wakeups, the remote target, setup records) or an input of one.

Replays run in at most `--workers` processes (default 2). Prints the command, the date, the
replay core, and one table per mutated (event, field, operation) and per field; `--json` writes
all of it plus every mutation and its outcome.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import multiprocessing as mp
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_cache  # noqa: E402  (benchmarks/ is not a package)
from fixture_cache import short_name  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "tmigr-mutations"
# More plain-text traces of other boxes, when there are (a directory of *.trace.txt.xz).
OUTSIDE_LAB = Path(os.environ.get("TMIGR_OUTSIDE_LAB", "/work/shared/corpus/outside-lab"))
METADATA_KEY = b"tmigr_trace"
KTIME_MAX = (1 << 63) - 1
TMIGR_NONE = 0xFF

OUTCOMES = ("at_event", "elsewhere", "undecidable", "rejected", "crashed", "harmless", "unreported")

GROUP_STATE = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
HOTPLUG = ("tmigr_cpu_online", "tmigr_cpu_offline", "tmigr_cpu_available", "tmigr_cpu_unavailable")
CONNECT = ("tmigr_connect_child_parent", "tmigr_connect_cpu_parent")

# (event, field, operation). Operations: bit (flip one bit), other (another plausible value),
# shift (whole ticks), pm1 (+-1), delete (the whole event). field "event" = the event itself.
STRATA: list[tuple[str, str, str]] = (
    [(e, f, "bit" if f == "active" else "other") for e in GROUP_STATE for f in ("active", "migrator", "childmask")]
    + [(e, "lvl", "pm1") for e in GROUP_STATE] + [(e, "group", "other") for e in GROUP_STATE]
    + [(e, "event", "delete") for e in GROUP_STATE]
    + [("tmigr_update_events", f, "shift") for f in ("group_next_expiry", "child_evt_expiry", "nextevt")]
    + [(e, f, "shift") for e in ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle") for f in ("nextevt", "wakeup")]
    + [(e, "wakeup", "shift") for e in ("tmigr_cpu_active", "tmigr_cpu_new_timer")]
    + [("tmigr_handle_remote_cpu", "target_cpu", "other")]
    + [("tmigr_group_set", "numa_node", "other"), ("tmigr_group_set", "lvl", "pm1")]
    + [(e, f, "other") for e in CONNECT for f in ("groupmask", "parent", "numa_node")]
    + [(e, "num_children", "pm1") for e in CONNECT]
    + [(e, f, op) for e in HOTPLUG for f, op in (("wakeup", "shift"), ("target_cpu", "other"), ("event", "delete"))]
)

# A value no kernel decision reads (module docstring): (event, field).
HARMLESS = {
    ("tmigr_cpu_active", "wakeup"): "stale copy: __tmigr_cpu_activate overwrites tmc->wakeup after the tracepoint",
    ("tmigr_cpu_new_timer", "wakeup"): "stale copy: tmigr_cpu_new_timer stores the walk's firstexp over it",
}
# Harmless only when the trace shows the overwrite: the online callback traces tmc->wakeup, then
# (timer base not idle) __tmigr_cpu_activate sets it to KTIME_MAX, traced as the same CPU's next
# event, its tmigr_cpu_active.
HARMLESS_IF_ACTIVATED = {
    ("tmigr_cpu_online", "wakeup"): "stale copy: the online callback activates the CPU (its next event, "
                                    "tmigr_cpu_active) and __tmigr_cpu_activate overwrites tmc->wakeup",
    ("tmigr_cpu_available", "wakeup"): "stale copy: the online callback activates the CPU (its next event, "
                                       "tmigr_cpu_active) and __tmigr_cpu_activate overwrites tmc->wakeup",
}

# Harmless only in the shape `Planner.requeue_unread` proves: a remote expiry's requeue of a CPU
# that activates next, its value neither first in the group nor compared again.
HARMLESS_REQUEUE = ("unread: a remote requeue's nextevt that is not the group's first event, of a CPU whose next "
                    "event is its activation (cpuevt.ignore), before any other row on that group and before a "
                    "deactivation that queues another expiry")


# ---------------------------------------------------------------------------------------------
# Sources


# The lab's multi-threaded TCG sets: the class the replay is judged on (outside-lab examples).
MTTCG_SETS = ("tenth", "tenth/contended", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty-first",
              "twenty-second", "twenty-third", "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh",
              "twenty-eighth", "twenty-ninth")


def sources() -> list[Path]:
    f = ROOT / "fixtures"
    # (trace-hashed, -noirq and -notgid are trace.txt's window printed with other trace options:
    # the same events, there for the importer; mutating them again would count one trace four times)
    out = [f / "host-6.18" / "trace.txt.gz", f / "host-6.18" / "trace-lost.txt.gz"]
    out += sorted((f / "lab").glob("*.tar.gz"))
    out += sorted(f.glob("live-*/*.tar.gz"))
    out += sorted((f / "regress").glob("*.tar.gz"))
    out += sorted((ROOT / "fixtures" / "outside-class").glob("*.xz"))
    for s in MTTCG_SETS:
        out += sorted((f / "outside-class" / s).glob("*.trace.txt.xz"))
    if OUTSIDE_LAB.is_dir():
        out += sorted(OUTSIDE_LAB.glob("*.xz"))
    return out


def to_parquet(src: Path, cache: Path = CACHE) -> Path | None:
    return fixture_cache.to_parquet(src, cache)


# ---------------------------------------------------------------------------------------------
# Replay through the public API, robust to the result's shape changing


def _undecidable(res) -> dict[str, int]:
    out = {}
    for k, v in dict(getattr(res, "by_kind", {}) or {}).items():
        out[k] = int(v.get("undecidable", 0) if isinstance(v, dict) else getattr(v, "undecidable", 0))
    return out


def _key(d, shift_from: int | None = None) -> tuple:
    i = int(d.index)
    if shift_from is not None and i > shift_from:
        i -= 1
    return (i, str(d.kind), str(d.what), repr(d.expected), repr(d.observed))


def replay_summary(path: str | os.PathLike) -> dict:
    import tmigr_trace

    res = tmigr_trace.replay(str(path))
    divs = list(res.divergences)
    tick = None
    h = getattr(res, "hierarchy", None) or {}
    if isinstance(h, dict):
        tick = h.get("tick_ns")
    return {"divs": divs, "undecidable": _undecidable(res), "tick_ns": tick,
            "events": int(getattr(res, "events", 0)), "clock_offset_ns": int(getattr(res, "clock_offset_ns", 0))}


# ---------------------------------------------------------------------------------------------
# Mutations on the table


def load_table(path: str | os.PathLike) -> tuple[pa.Table, bytes]:
    import tmigr_trace

    t = tmigr_trace.load(path)
    pf = pq.ParquetFile(path)
    kv = {**(pf.schema_arrow.metadata or {}), **(pf.metadata.metadata or {})}
    table = t.table
    return table, kv[METADATA_KEY]


def write_table(table: pa.Table, meta_json: bytes, out: str | os.PathLike) -> None:
    """Same schema, the metadata in the footer as tmigr_trace.store writes it."""
    w = pq.ParquetWriter(out, table.schema, compression="zstd", compression_level=1)
    w.write_table(table)
    w.add_key_value_metadata({METADATA_KEY: meta_json})
    w.close()


def _set_cell(table: pa.Table, column: str, row: int, value) -> pa.Table:
    idx = table.schema.get_field_index(column)
    col = table.column(idx)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[row] = True
    mask = pa.array(mask)
    new = pc.if_else(mask, pa.scalar(value, col.type), col)
    return table.set_column(idx, table.schema.field(idx), new)


def _delete_row(table: pa.Table, row: int) -> pa.Table:
    cpu = table.column("cpu")[row].as_py()
    t = pa.concat_tables([table.slice(0, row), table.slice(row + 1)]).combine_chunks()
    n = t.num_rows
    idx = t.schema.get_field_index("seq")
    seq = t.column(idx)
    after = np.zeros(n, dtype=bool)
    after[row:] = True
    later = pc.and_(pc.equal(t.column("cpu"), pa.scalar(cpu, t.schema.field("cpu").type)), pa.array(after))
    later = pc.fill_null(later, False)
    new = pc.if_else(later, pc.subtract(seq, pa.scalar(1, seq.type)), seq)
    return t.set_column(idx, t.schema.field(idx), new)


def apply(table: pa.Table, m: dict) -> pa.Table:
    if m["op"] == "delete":
        return _delete_row(table, m["row"])
    return _set_cell(table, m["field"], m["row"], m["new"])


def prev_same_cpu(table_cpu: list, row: int) -> int | None:
    """Index of the previous event of the same recording CPU (unchanged by deleting `row`)."""
    c = table_cpu[row]
    for j in range(row - 1, -1, -1):
        if table_cpu[j] == c:
            return j
    return None


def next_same_cpu(table_cpu: list, row: int) -> int | None:
    """Index (after deleting `row`) of the next event of the same recording CPU."""
    c = table_cpu[row]
    for j in range(row + 1, len(table_cpu)):
        if table_cpu[j] == c:
            return j - 1
    return None


# ---------------------------------------------------------------------------------------------
# Choosing mutations


def _bits(v: int) -> list[int]:
    return [b for b in range(8) if v >> b & 1]


class Planner:
    """Everything the choice of a plausible, different value needs, from one trace's table."""

    def __init__(self, table: pa.Table, tick: int, clock_offset_ns: int = 0):
        self.tick = int(tick)
        # trace timestamp + offset = CLOCK_MONOTONIC, the clock of expiries (the replay proves it)
        self.clock_off = int(clock_offset_ns)
        cols = ["event", "ts", "cpu", "group", "parent", "lvl", "active", "migrator", "childmask",
                "groupmask", "target_cpu", "numa_node", "group_lvl", "nextevt", "group_next_expiry"]
        d = {c: table.column(c).to_pylist() for c in cols}
        self.d = d
        self.n = table.num_rows
        self.rows_by_event: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(d["event"]):
            self.rows_by_event[e].append(i)
        # Children bits seen per group, groups per level, CPUs, nodes, setup groups.
        self.group_bits: dict[int, set[int]] = defaultdict(set)
        self.groups_by_lvl: dict[int, set[int]] = defaultdict(set)
        for e in GROUP_STATE:
            for i in self.rows_by_event.get(e, []):
                g = d["group"][i]
                for f in ("active", "childmask"):
                    if d[f][i] is not None:
                        self.group_bits[g].update(_bits(d[f][i]))
                if d["migrator"][i] not in (None, TMIGR_NONE):
                    self.group_bits[g].update(_bits(d["migrator"][i]))
                if g is not None and d["lvl"][i] is not None:
                    self.groups_by_lvl[d["lvl"][i]].add(g)
        self.cpus = sorted({c for c in d["cpu"] if c is not None} | {c for c in d["target_cpu"] if c is not None})
        self.nodes = sorted({x for x in d["numa_node"] if x is not None and x >= 0})
        setup = set()
        for e in ("tmigr_group_set",) + CONNECT:
            for i in self.rows_by_event.get(e, []):
                for f in ("group", "parent"):
                    if d[f][i] is not None:
                        setup.add(d[f][i])
        self.setup_groups = sorted(setup)

    def activated_next(self, row: int) -> bool:
        """The next event of the same recording CPU is the activation of the same target CPU."""
        d, c = self.d, self.d["cpu"][row]
        for j in range(row + 1, self.n):
            if d["cpu"][j] == c:
                return d["event"][j] == "tmigr_cpu_active" and d["target_cpu"][j] == d["target_cpu"][row]
        return False

    def requeue_unread(self, row: int, new: int) -> bool:
        """Row `row` is the level-0 tmigr_update_events of a remote expiry's requeue (the same
        CPU's previous row is its tmigr_handle_remote_cpu of target T): `nextevt` is T's next
        timer, queued in T's level-0 group. No decision reads that value, old or `new`, when:
        both are real expiries (KTIME_MAX would take the ignore path) and neither is the group's
        first event (the row's group_next_expiry is earlier than both, so nothing propagates up); T's next event is its own tmigr_cpu_active (which sets
        cpuevt.ignore: lookups prune it, tmigr_update_events requeues it whatever its expiry);
        no row of any CPU names that group, nor expires T, in between; and T's next
        tmigr_cpu_idle queues another expiry (__tmigr_cpu_deactivate clears ignore first, and
        tmigr_update_events compares the old expiry with the new one)."""
        d = self.d
        if d["event"][row] != "tmigr_update_events" or d["group_lvl"][row] != 0:
            return False
        old, gne, grp, c = d["nextevt"][row], d["group_next_expiry"][row], d["group"][row], d["cpu"][row]
        if old is None or gne is None or grp is None or KTIME_MAX in (old, new) or not gne < min(old, new):
            return False            # (KTIME_MAX takes tmigr_update_events' ignore path: a decision)
        p = prev_same_cpu(d["cpu"], row)
        if p is None or d["event"][p] != "tmigr_handle_remote_cpu" or d["target_cpu"][p] is None:
            return False
        t = d["target_cpu"][p]
        act = None
        for j in range(row + 1, self.n):
            if d["group"][j] == grp or (d["event"][j] == "tmigr_handle_remote_cpu" and d["target_cpu"][j] == t):
                return False
            if d["cpu"][j] == t:
                if d["event"][j] != "tmigr_cpu_active":
                    return False
                act = j
                break
        if act is None:
            return False
        for j in range(act + 1, self.n):
            if d["cpu"][j] == t and d["event"][j] == "tmigr_cpu_idle":
                return d["nextevt"][j] not in (old, new)
        return False

    def new_value(self, rng: random.Random, ev: str, field: str, op: str, row: int, old):
        d = self.d
        if op == "delete":
            return None
        if old is None:
            return "skip"
        if op == "shift":
            k = rng.choice([-3, -2, -1, 1, 2, 3])
            if old == KTIME_MAX:
                # a timer a few ticks after the row, on the kernel's clock (not the trace's)
                ts = d["ts"][row] + self.clock_off
                return (ts // self.tick + abs(k)) * self.tick
            new = old + k * self.tick
            return new if new > 0 else old + abs(k) * self.tick
        if op == "pm1":
            cands = [v for v in (old - 1, old + 1) if v >= (1 if field == "num_children" else 0)]
            return rng.choice(cands)
        if op == "bit":
            bits = sorted(self.group_bits.get(d["group"][row], set()) | set(_bits(old))) or [0]
            if len(bits) == 1:  # one child seen: also the bit next to it
                bits.append((bits[0] + 1) % 8)
            return old ^ (1 << rng.choice(bits))
        # op == "other"
        if field in ("migrator", "childmask", "groupmask"):
            bits = set(self.group_bits.get(d["group"][row], set())) if field != "groupmask" else set()
            if field == "groupmask":
                bits = set(range(max(2, old.bit_length() + 1)))
            cands = {1 << b for b in bits}
            if field == "migrator":
                cands.add(TMIGR_NONE)
            cands.discard(old)
            if not cands:
                cands = {(old << 1) & 0xFF or 1} if old != TMIGR_NONE else {1}
                cands.discard(old)
            return rng.choice(sorted(cands))
        if field == "target_cpu":
            cands = [c for c in self.cpus if c != old]
            return rng.choice(cands) if cands else "skip"
        if field == "numa_node":
            cands = [x for x in self.nodes + [max(self.nodes + [0]) + 1] if x != old]
            return rng.choice(sorted(set(cands)))
        if field == "group":
            lvl = d["lvl"][row]
            cands = sorted(self.groups_by_lvl.get(lvl, set()) - {old})
            if not cands and self.groups_by_lvl:
                cands = sorted(set().union(*self.groups_by_lvl.values()) - {old})
            return rng.choice(cands) if cands else "skip"
        if field == "parent":
            cands = [g for g in self.setup_groups if g != old]
            return rng.choice(cands) if cands else "skip"
        raise ValueError(f"no rule for {ev}.{field} {op}")


def plan(name: str, path: str, table: pa.Table, base: dict, per: int, seed: int) -> tuple[list[dict], int]:
    """Up to `per` mutations per stratum, rows chosen with a seed derived from the trace's name."""
    tick = base["tick_ns"] or 4_000_000
    p = Planner(table, tick, base.get("clock_offset_ns", 0))
    bad_rows = {int(d.index) for d in base["divs"]}
    out: list[dict] = []
    excluded = 0
    for ev, field, op in STRATA:
        rows = p.rows_by_event.get(ev, [])
        if not rows:
            continue
        rng = random.Random(zlib.crc32(f"{seed}:{name}:{ev}:{field}:{op}".encode()))
        ok = [r for r in rows if r not in bad_rows]
        excluded += len(rows) - len(ok)
        if field != "event":
            col = table.column(field)
            ok = [r for r in ok if col[r].is_valid]
        rng.shuffle(ok)
        n = 0
        for r in ok:
            if n >= per:
                break
            old = None if field == "event" else table.column(field)[r].as_py()
            new = p.new_value(rng, ev, field, op, r, old)
            if new == "skip" or (op != "delete" and new == old):
                continue
            harmless = HARMLESS.get((ev, field), "")
            if (ev, field) in HARMLESS_IF_ACTIVATED and p.activated_next(r):
                harmless = HARMLESS_IF_ACTIVATED[(ev, field)]
            if (ev, field) == ("tmigr_update_events", "nextevt") and p.requeue_unread(r, new):
                harmless = HARMLESS_REQUEUE
            out.append({"trace": name, "path": path, "row": r, "event": ev, "field": field, "op": op,
                        "old": old, "new": new, "harmless": harmless})
            n += 1
    return out, excluded


# ---------------------------------------------------------------------------------------------
# Running one mutation


_W: dict = {}
_TMP: list[str] = []


def _worker_state(path: str) -> dict:
    st = _W.get(path)
    if st is None:
        table, meta = load_table(path)
        base = replay_summary(path)
        st = {"table": table, "meta": meta, "base": base, "cpu": table.column("cpu").to_pylist()}
        _W.clear()  # one trace at a time per worker (tasks are ordered by trace)
        _W[path] = st
    return st


def classify(m: dict, base: dict, mut: dict | None, cpu_col: list, error: str = "") -> dict:
    """The outcome of one mutation (see the module docstring)."""
    if mut is None:
        return {"outcome": "rejected" if error.startswith("TmigrError") else "crashed", "error": error[:300]}
    delete = m["op"] == "delete"
    shift_from = m["row"] if delete else None
    base_keys = Counter(_key(d, shift_from) for d in base["divs"]
                        if not (delete and int(d.index) == m["row"]))
    new = []
    for d in mut["divs"]:
        k = _key(d)
        if base_keys[k] > 0:
            base_keys[k] -= 1
        else:
            new.append(d)
    at = {m["row"]}
    if delete:
        for k in (next_same_cpu(cpu_col, m["row"]), prev_same_cpu(cpu_col, m["row"])):
            if k is not None:
                at.add(k)
    rose = sorted(k for k, v in mut["undecidable"].items() if v > base["undecidable"].get(k, 0))
    info = {"new_divergences": len(new), "undecidable_rose": rose}
    if new:
        here = [d for d in new if int(d.index) in at or any(int(r) in at for r in getattr(d, "rows", ()))]
        if here:
            return {"outcome": "at_event", "kinds": sorted({str(d.kind) for d in here}), **info}
        first_after = [int(d.index) - m["row"] for d in new if int(d.index) > m["row"]]
        return {"outcome": "elsewhere", "kinds": sorted({str(d.kind) for d in new}),
                "distance": min(first_after) if first_after else None,
                "earlier": any(int(d.index) < m["row"] for d in new), **info}
    if rose:
        return {"outcome": "undecidable", **info}
    if m["harmless"]:
        return {"outcome": "harmless", **info}
    return {"outcome": "unreported", **info}


def run_one(m: dict, tmpdir: str | None = None) -> dict:
    st = _worker_state(m["path"])
    if tmpdir is None:
        if not _TMP:
            _TMP.append(tempfile.mkdtemp(prefix="tmigr-mut-"))
        tmpdir = _TMP[0]
    out = os.path.join(tmpdir, f"mut-{os.getpid()}.parquet")
    write_table(apply(st["table"], m), st["meta"], out)
    try:
        mut = replay_summary(out)
        err = ""
    except Exception as exc:  # the replay refused the mutated trace, or failed on it
        tb = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {os.path.basename(tb[0].filename)}:{tb[0].lineno} {tb[0].name}" if tb else ""
        mut, err = None, f"{type(exc).__name__}: {exc}{where}"
    res = classify(m, st["base"], mut, st["cpu"], err)
    return {k: v for k, v in m.items() if k != "path"} | res


def _run_one_pool(m: dict) -> dict:
    return run_one(m)


# ---------------------------------------------------------------------------------------------
# Report


def tally(results: list[dict], key) -> dict:
    groups: dict = defaultdict(Counter)
    for r in results:
        groups[key(r)][r["outcome"]] += 1
    return groups


def _row(label: str, c: Counter) -> str:
    n = sum(c.values())
    cells = "".join(f" {100.0 * c[o] / n:10.1f}%" if n else f" {'-':>11}" for o in OUTCOMES)
    return f"{label:58s} {n:6d}{cells}"


def render(results: list[dict], header: list[str]) -> str:
    lines = list(header)
    head = f"{'':58s} {'n':>6}" + "".join(f" {o:>11}" for o in OUTCOMES)
    lines += ["", "All mutations", head, _row("total", tally(results, lambda r: "total")["total"])]
    lines += ["", "Per field", head]
    for k, c in sorted(tally(results, lambda r: r["field"] if r["op"] != "delete" else "event (deleted)").items()):
        lines.append(_row(k, c))
    lines += ["", "Per event type, field, operation", head]
    for k, c in sorted(tally(results, lambda r: f"{r['event'].removeprefix('tmigr_')}.{r['field']} ({r['op']})").items()):
        lines.append(_row(k, c))
    lines += ["", "Per trace", head]
    for k, c in sorted(tally(results, lambda r: r["trace"]).items()):
        lines.append(_row(k[:58], c))
    el = [r["distance"] for r in results if r["outcome"] == "elsewhere" and r.get("distance") is not None]
    if el:
        el.sort()
        lines += ["", f"elsewhere: first new divergence {el[len(el) // 2]} rows after the mutated one (median), "
                      f"max {el[-1]}; {sum(1 for r in results if r.get('earlier'))} also reported earlier rows"]
    kinds = Counter(k for r in results if r["outcome"] == "at_event" for k in r.get("kinds", []))
    if kinds:
        lines.append("at_event, by the kind that reported it: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    harmless_rep = sum(1 for r in results if r["harmless"] and r["outcome"] != "harmless")
    lines.append(f"harmless by rule (a value no kernel decision reads): "
                 f"{sum(1 for r in results if r['harmless'])} mutations, {harmless_rep} of them reported anyway "
                 f"(counted where reported)")
    rej = Counter((r["outcome"], r.get("error", "")[:160]) for r in results if r["outcome"] in ("rejected", "crashed"))
    for (o, e), n in rej.most_common(8):
        ex = next(r for r in results if r["outcome"] == o and r.get("error", "")[:160] == e)
        lines.append(f"{o} x{n}: {e} (e.g. {ex['trace']} row {ex['row']} {ex['event']}.{ex['field']} "
                     f"{ex['old']} -> {ex['new']})")
    return "\n".join(lines)


def run(mutations: list[dict], workers: int) -> list[dict]:
    mutations = sorted(mutations, key=lambda m: (m["path"], m["row"], m["field"]))
    if workers <= 1:
        return [run_one(m) for m in mutations]
    # Chunks of consecutive mutations of the same trace keep each worker's loaded table useful.
    with mp.get_context("fork").Pool(workers) as pool:
        return list(pool.imap(_run_one_pool, mutations, chunksize=16))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="thousands of mutations (default: a quick sample)")
    ap.add_argument("--per", type=int, help="mutations per (trace, event, field, op) (quick 1, full 15)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trace", action="append", default=[], help="only traces whose name contains this")
    ap.add_argument("--json", type=Path, help="write everything, every mutation included, here")
    a = ap.parse_args(argv)
    workers = max(1, min(a.workers, 2))
    per = a.per or (15 if a.full else 1)
    t0 = time.time()
    cmd = "python " + " ".join(shlex.quote(x) for x in [os.path.relpath(sys.argv[0], ROOT) if sys.argv[0] else "benchmarks/mutations.py", *sys.argv[1:]])
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        from tmigr_trace.replay import native_status
        st = native_status()
        core = ("compiled" if st.get("compiled") else "pure Python") + (f" ({st['reason']})" if st.get("reason") else "")
    except Exception:
        core = "unknown"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "replay", "tmigr_trace"],
                               capture_output=True, text=True).stdout.split("\n")
        dirty = [x[3:] for x in dirty if x.strip()]
        if dirty:
            commit += f" + uncommitted {', '.join(dirty[:4])}{' ...' if len(dirty) > 4 else ''}"
    except OSError:
        commit = ""

    traces, mutations = [], []
    for src in sources():
        name = short_name(src)
        if a.trace and not any(s in name for s in a.trace):
            continue
        path = to_parquet(src)
        if path is None:
            continue
        table, _ = load_table(path)
        base = replay_summary(path)
        ms, excluded = plan(name, str(path), table, base, per, a.seed)
        mutations += ms
        traces.append({"trace": name, "source": str(src), "events": table.num_rows,
                       "baseline_divergences": len(base["divs"]), "tick_ns": base["tick_ns"],
                       "baseline_undecidable": base["undecidable"], "rows_excluded": excluded,
                       "mutations": len(ms)})
    results = run(mutations, workers)
    wall = time.time() - t0
    total = Counter(r["outcome"] for r in results)
    header = [f"# {cmd}", f"# {date}, commit {commit}, replay core: {core}",
              f"# {len(results)} mutations on {len(traces)} real traces "
              f"({'full' if a.full else 'quick'}, seed {a.seed}, <= {per} per trace/event/field/op), "
              f"{workers} workers, {wall:.0f} s",
              "# traces with baseline divergences (compared against them, their diverging rows not mutated): "
              + (", ".join(f"{t['trace']} ({t['baseline_divergences']})" for t in traces if t["baseline_divergences"]) or "none")]
    print(render(results, header))
    assert sum(total.values()) == len(mutations)
    if a.json:
        by_field = {k: dict(c) for k, c in tally(results, lambda r: r["field"]).items()}
        by_stratum = {k: dict(c) for k, c in tally(results, lambda r: f"{r['event']}.{r['field']}.{r['op']}").items()}
        doc = {"command": cmd, "date": date, "commit": commit, "replay_core": core, "seed": a.seed,
               "mode": "full" if a.full else "quick", "per": per, "wall_s": round(wall, 1),
               "outcomes": list(OUTCOMES), "total": {o: total[o] for o in OUTCOMES}, "n": len(results),
               "fractions": {o: total[o] / len(results) if results else 0.0 for o in OUTCOMES},
               "by_field": by_field, "by_stratum": by_stratum, "traces": traces,
               "harmless_rules": {**{f"{e}.{f}": why for (e, f), why in HARMLESS.items()},
                                  **{f"{e}.{f} (if activated next)": why for (e, f), why in HARMLESS_IF_ACTIVATED.items()},
                                  "tmigr_update_events.nextevt (remote requeue, unread)": HARMLESS_REQUEUE},
               "mutations": results}
        a.json.write_text(json.dumps(doc, indent=1, default=str))
        print(f"# wrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
