"""The lab's fifth outside-class set, replayed before any change for it (fixtures/outside-class/fifth):
1 false divergence in 16 captures. Every fixture of the set replays without divergence, and the
one that diverged shows the kernel fact it followed."""

from __future__ import annotations

import pytest

import tmigr_trace

from conftest import FIXTURES, assert_set_trace

FIFTH = FIXTURES / "outside-class" / "fifth"


def test_an_event_due_only_by_an_estimated_now_may_stay_queued(imported):
    """6.12.69, 14 vCPUs on 2 nodes, counter clock (stamps are counts; `now` is estimated): CPU7's
    remote walk looks GRP1:0 up (row 1782) and requeues GRP0:0's event at 4220000000 (row 1785);
    CPU0 then activates GRP0:0 (rows 1794-1795: its event is ignored from then on). Taken as due
    for the estimated `now`, the event was dequeued by the model; the kernel's walk found it not
    due and left it queued: CPU7's next update of GRP1:0 (row 1824) prints next_expiry 4220000000,
    the stale value of that ignored event. Both readings are admissible until that row."""
    pq = imported(FIFTH / "6.12.69-14cpu-2node-nosmt-boot-ascending-hotplug7-clock-counter.trace.txt.xz")
    import pandas as pd
    df = pd.read_parquet(pq, columns=["cpu", "event", "group_next_expiry", "child_evt_expiry", "childmask"])
    assert (df.event[1785], df.cpu[1785], df.child_evt_expiry[1785]) == ("tmigr_update_events", 7, 4220000000)
    assert (df.event[1795], df.cpu[1795]) == ("tmigr_group_set_cpu_active", 0)
    assert (df.event[1824], df.cpu[1824], df.group_next_expiry[1824]) == ("tmigr_update_events", 7, 4220000000)
    res = tmigr_trace.replay(pq)
    assert "ns_per_count" in res.evidence["clock"]
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.checked > 7000


@pytest.mark.parametrize("src", sorted(FIFTH.glob("*.trace.txt.xz")), ids=lambda p: p.name.split(".trace")[0])
def test_the_fifth_set_replays_without_divergence(imported, src):
    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > 1500
