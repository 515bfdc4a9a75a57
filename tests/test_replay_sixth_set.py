"""The lab's sixth outside-class set, replayed before any change for it (fixtures/outside-class/sixth):
28 false divergences in 4 of 16 captures, all four kept here with the kernel fact each followed."""

from __future__ import annotations

import pandas as pd
import pytest

import tmigr_trace

from conftest import FIXTURES, assert_set_trace

SIXTH = FIXTURES / "outside-class" / "sixth"


def _replay(imported, name: str):
    pq = imported(SIXTH / f"{name}.trace.txt.xz")
    return pq, tmigr_trace.replay(pq)


def test_a_target_not_traced_yet_may_wake_before_its_update_walk(imported):
    """6.17.13, 28 vCPUs, all up at boot, 12 KiB buffers, `global` clock, multi-threaded TCG: CPU15's
    stream begins at row 6291, yet CPU14 expires its timers remotely every 10 ms before that (row
    4559) and traces no update walk for it: tmigr_handle_remote_cpu() skips the walk when it finds
    the target no longer idle after the expiry, and CPU15 woke unseen (24 false divergences with the
    child-event check below)."""
    pq, res = _replay(imported, "6.17.13-28cpu-2node-boot-allup-churn-overwritten-clock-global-multi")
    df = pd.read_parquet(pq, columns=["cpu", "event", "target_cpu"])
    assert df.index[df.cpu == 15].min() == 6291
    assert (df.event[4559], df.cpu[4559], df.target_cpu[4559]) == ("tmigr_handle_remote_cpu", 14, 15)
    assert df.event[4560] == "tmigr_handle_remote"
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.undecidable_reasons["expiry"]["a silent CPU's untraced state change"] > 20
    assert res.checked > 9000


def test_a_stream_that_begins_inside_a_walk_queues_its_event(imported):
    """6.19.14, 12 vCPUs, overwritten boot buffer: CPU11's first row (1618) is its level-0 update
    queuing 5704000000; CPU4's remote walk for CPU11 later prints that value as GRP0:1's stale
    next_expiry (row 1633)."""
    pq, res = _replay(imported, "6.19.14-12cpu-1node-smt2-boot-allup-churn-6s-overwritten")
    df = pd.read_parquet(pq, columns=["cpu", "event", "nextevt", "group_next_expiry"])
    assert df.index[df.cpu == 11].min() == 1618
    assert (df.event[1618], df.nextevt[1618]) == ("tmigr_update_events", 5704000000)
    assert (df.cpu[1633], df.group_next_expiry[1633]) == (4, 5704000000)
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


def test_a_deactivation_whose_state_events_were_not_enabled_yet(imported):
    """7.0.13, a late 20 s capture with the `boot` clock: the event types begin one after another
    (tmigr_update_events at row 340, tmigr_group_set_cpu_inactive only at 667). CPU0's update and
    tmigr_cpu_idle (rows 340-341, nextevt KTIME_MAX) are a deactivation: its event, 6012000000
    until then, is ignored, not the queued event the model kept."""
    pq, res = _replay(imported, "7.0.13-8cpu-1node-nosmt-late-churn-20s-clock-boot")
    df = pd.read_parquet(pq, columns=["cpu", "event", "nextevt"])
    first = df.groupby("event", observed=True).apply(lambda x: x.index.min())
    assert first["tmigr_update_events"] == 340 and first["tmigr_group_set_cpu_inactive"] == 667
    assert (df.event[0], df.cpu[0], df.nextevt[0]) == ("tmigr_cpu_new_timer_idle", 0, 6012000000)
    assert (df.event[341], df.cpu[341]) == ("tmigr_cpu_idle", 0)
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


def test_a_child_event_from_before_the_capture(imported):
    """7.1.13, every CPU but CPU0 offlined and onlined: GRP0:0 goes idle for the first time in the
    trace at row 1694; the update's ignore path leaves its group event as last queued, before the
    capture (5984000000 for CPU3), which the row prints."""
    pq, res = _replay(imported, "7.1.13-12cpu-1node-nosmt-late-hotplug-storm-all-but-cpu0")
    df = pd.read_parquet(pq, columns=["cpu", "event", "nextevt", "child_evt_expiry", "child_evtcpu"])
    assert (df.event[1694], df.nextevt[1694], df.child_evt_expiry[1694], df.child_evtcpu[1694]) == \
        ("tmigr_update_events", 2**63 - 1, 5984000000, 3)
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


@pytest.mark.parametrize("src", sorted(SIXTH.glob("*.trace.txt.xz")), ids=lambda p: p.name.split(".trace")[0])
def test_the_sixth_set_replays_without_divergence(imported, src):
    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > 3000
