"""The lab's seventh outside-class set, replayed before any change for it (fixtures/outside-class/seventh):
1 false divergence in 15 captures. Its fixtures replay without divergence; the one that diverged
shows the kernel fact it followed, and the mixed-event captures import every line."""

from __future__ import annotations

import pandas as pd
import pytest

import tmigr_trace

from conftest import FIXTURES, assert_set_trace

SEVENTH = FIXTURES / "outside-class" / "seventh"


def test_the_migrator_check_may_read_before_another_cpus_step(imported):
    """7.0.13, 40 vCPUs on uneven nodes (24+16): CPU24 went idle at row 4280 (15.0195 s); CPU25
    made GRP0:3 active with itself as migrator at row 4607 (15.5114 s, from active 0, no
    migrator since row 4459); CPU24 traces tmigr_handle_remote at row 4618 (15.5234 s). Its
    tmigr_check_migrator() read came before that tracepoint, at any point after row 4280: GRP0:3
    without a migrator lets it walk."""
    pq = imported(SEVENTH / "7.0.13-40cpu-2node-nosmt-uneven24+16-late-churn.trace.txt.xz")
    df = pd.read_parquet(pq, columns=["cpu", "event", "active", "migrator"])
    assert (df.event[4459], df.cpu[4459], df.active[4459], df.migrator[4459]) == \
        ("tmigr_group_set_cpu_inactive", 25, 0, 0xFF)
    assert (df.event[4607], df.cpu[4607], df.migrator[4607]) == ("tmigr_group_set_cpu_active", 25, 2)
    assert (df.event[4618], df.cpu[4618]) == ("tmigr_handle_remote", 24)
    assert df.index[(df.cpu == 24) & (df.index < 4618)].max() == 4280
    res = tmigr_trace.replay(pq)
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.reordered >= 1 and res.checked > 10000


def test_mixed_events_through_trace_pipe_import_every_line(imported):
    """6.12.117 read through trace_pipe (no header) with timer:* and sched_switch: every line is
    an event the importer parses or counts as another type; none is malformed."""
    pq = imported(SEVENTH / "6.12.117-6cpu-1node-smt2-late-churn-trace-pipe-timer-sched-events.trace.txt.xz")
    t = tmigr_trace.load(pq)
    assert t.meta.malformed_lines == 0
    assert t.meta.unknown_events.get("sched_switch", 0) > 1000
    assert (t.df.event == "timer_start").sum() > 100
    assert tmigr_trace.replay(t).diverged == 0


@pytest.mark.parametrize("src", sorted(SEVENTH.glob("*.trace.txt.xz")), ids=lambda p: p.name.split(".trace")[0])
def test_the_seventh_set_replays_without_divergence(imported, src):
    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > 50
