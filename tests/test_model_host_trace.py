"""Replay a real trace of this machine's kernel (fixtures/host-6.18, Linux 6.18.44, 2 CPUs,
HZ=250, trace_clock=mono) through the model and check that the model's records equal the
kernel's, operation by operation.

A deliberately small replayer (the real one is the replay engine): each recording CPU's events
are cut into operations (activate, deactivate, new timer, remote handling), operations are applied
in timestamp order with the inputs the trace gives (nextevt, the remote CPU's next expiry), and
the model's records are compared field by field. The trace starts mid-stream, so the model is
resynchronised to what the trace shows after the first operations and after any mismatch (an
ordering artefact of two CPUs in the same microsecond, or a real divergence); the test demands
that almost all operations match without help.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tmigr_trace.replay.model import KTIME_MAX, Hierarchy, Topology

TRACE = Path(__file__).parent.parent / "fixtures" / "host-6.18" / "trace.txt.gz"
TICK = 4_000_000  # HZ=250
LINE = re.compile(r"\[(\d+)\]\s+\S+\s+(\d+)\.(\d+): (tmigr_\w+): (.*)$")
KEYMAP = {"cpu": "target_cpu", "next_expiry": "group_next_expiry", "numa": "numa_node"}
COMPARE = ("target_cpu", "wakeup", "nextevt", "active", "migrator", "childmask", "group_next_expiry",
           "group_active", "child_active", "lvl", "group_lvl")


def parse(path: Path):
    out = []
    with gzip.open(path, "rt") as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            cpu, sec, frac, ev, rest = m.groups()
            fields = {}
            for tok in rest.split():
                k, _, v = tok.partition("=")
                k = KEYMAP.get(k, k)
                if k in ("group", "parent", "child"):
                    fields[k] = None if int(v, 16) == 0 else "GRP0:0"
                elif k in ("active", "migrator", "childmask", "child_active", "group_active"):
                    fields[k] = int(v, 16)
                else:
                    fields[k] = int(v)
            out.append((int(sec) * 10**9 + int(frac.ljust(9, "0")), int(cpu), ev, fields))
    return out


def operations(events):
    """Cut each CPU's stream into kernel entry points."""
    ops, cur = [], {}
    starts = {"tmigr_cpu_active": "activate", "tmigr_handle_remote": "remote",
              "tmigr_cpu_new_timer": "new_timer"}
    for ts, cpu, ev, f in events:
        op = cur.get(cpu)
        kind = starts.get(ev)
        if ev == "tmigr_group_set_cpu_inactive" and (op is None or op["kind"] != "deactivate" or op["closed"]):
            kind = "deactivate"
        if ev == "tmigr_cpu_new_timer_idle" and (op is None or op["kind"] != "new_timer" or op["closed"]):
            kind = "new_timer"
        if kind is not None and not (kind == "remote" and op and op["kind"] == "remote" and not op["closed"] and False):
            op = {"kind": kind, "cpu": cpu, "ts": ts, "events": [], "closed": False}
            ops.append(op)
            cur[cpu] = op
        if op is None:
            continue
        op["events"].append((ev, f))
        if ev in ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle"):
            op["closed"] = True
    return sorted(ops, key=lambda o: o["ts"])


def run_op(h, op):
    cpu, ev = op["cpu"], op["events"]
    if op["kind"] == "activate":
        return h.tmigr_cpu_activate(cpu)
    if op["kind"] == "deactivate":
        idle = [f for e, f in ev if e == "tmigr_cpu_idle"]
        return h.tmigr_cpu_deactivate(cpu, idle[0]["nextevt"]) if idle else None
    if op["kind"] == "new_timer":
        idle = [f for e, f in ev if e == "tmigr_cpu_new_timer_idle"]
        return h.tmigr_cpu_new_timer(cpu, idle[0]["nextevt"]) if idle else None
    # Remote: now = the tick-grid point at or before the timestamp; the remote CPU's next expiry
    # is what its remote walk queued (level-0 update_events after handle_remote_cpu).
    nxt, target = {}, None
    for e, f in ev:
        if e == "tmigr_handle_remote_cpu":
            target = f["target_cpu"]
        elif e == "tmigr_update_events" and target is not None and f.get("child") is None:
            nxt[target] = f["nextevt"]
    return h.tmigr_handle_remote(cpu, op["ts"] // TICK * TICK, next_global=nxt)


def anchor_hidden_cpu1(h, op):
    """CPU1's own idle events were overwritten in its ring buffer (overrun 782 in
    trace-lost.stats): only its softirq lines survive. Its state is known from CPU0's group
    events, whose CPU1 bit (0x2) CPU0's operation does not change: set the pre-state from it."""
    st = [f for e, f in op["events"] if e.startswith("tmigr_group_set_cpu")]
    if op["cpu"] != 0 or not st:
        return
    post_active, post_migr = st[-1]["active"], st[-1]["migrator"]
    cpu1 = post_active & 2
    if op["kind"] == "deactivate":
        pre = (cpu1 | 1, 1 if post_migr == 0xFF else (2 if cpu1 and h.group("GRP0:0").migrator == 2 else 1))
    else:
        pre = (cpu1, 2 if post_migr == 2 else 0xFF)
    h.resync_group_state("GRP0:0", *pre)
    h.resync_cpu(1, idle=not cpu1)


def same(model, trace, hidden_idle=False):
    if [r[0] for r in model] != [e for e, _ in trace]:
        return False
    # With CPU1 idle its (untraced) queued timer shapes next_expiry and the returned wakeup.
    keys = [k for k in COMPARE if not (hidden_idle and k in ("group_next_expiry", "wakeup"))]
    for (_, mf), (_, tf) in zip(model, trace):
        for k in keys:
            if k in tf and k in mf and mf[k] != tf[k]:
                return False
    return True


def resync(h, op):
    cpu = op["cpu"]
    for e, f in op["events"]:
        if e in ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive"):
            h.resync_group_state("GRP0:0", f["active"], f["migrator"])
        elif e == "tmigr_update_events":
            who = cpu
            h.resync_update_events("GRP0:0", None, who, f["nextevt"], f["group_next_expiry"])
        elif e == "tmigr_handle_remote_cpu":
            h.resync_cpu(f["target_cpu"], wakeup=KTIME_MAX)
        elif e in ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle"):
            h.resync_cpu(cpu, idle=True, wakeup=f["wakeup"])
        elif e == "tmigr_cpu_active":
            h.resync_cpu(cpu, idle=False, wakeup=KTIME_MAX)


@pytest.mark.skipif(not TRACE.exists(), reason="host fixture missing")
def test_host_6_18_trace_replays_through_model():
    events = parse(TRACE)
    assert len(events) > 1000
    ops = operations(events)
    h = Hierarchy(Topology.simple(2), "6.18.y-numa")
    checked = matched = 0
    mismatches = []
    warm = False
    for op in ops:
        anchor_hidden_cpu1(h, op)
        recs = run_op(h, op)
        if recs is None:
            continue
        if warm:
            checked += 1
            if same(recs, op["events"], hidden_idle=h.cpus[1].idle):
                matched += 1
            else:
                mismatches.append((op["ts"], op["cpu"], op["kind"], [r[0] for r in recs], [e for e, _ in op["events"]]))
                resync(h, op)
        else:
            # Until the first group-state event the model does not know who is migrator.
            resync(h, op)
            warm = any(e.startswith("tmigr_group_set_cpu") for e, _ in op["events"])
    assert checked > 300
    # Everything the kernel decided is what the model decides, except rare same-instant races.
    # Measured: see the report; the remainder are softirqs whose `now` (not traced) is ambiguous
    # and operations that depend on CPU1's untraced timer.
    assert matched / checked >= 0.9, (matched, checked, mismatches[:5])
