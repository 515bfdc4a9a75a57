"""Late-stamped steps in real outside-class captures (fixtures/outside-class/order, README.md).

Each capture has a step stamped after another CPU's step that the groups' state chains prove it
preceded. Before the fixes: a window of rows reaching past what the engine consumed from one
buffer kept its printed order (6.12.43: 1 false divergence), and the search moved a
`tmigr_handle_remote` with the late step ahead of rows whose update shows the queue as printed
(7.3~rc7: 1 false divergence).
"""

from __future__ import annotations

import pytest
import tmigr_trace

from conftest import FIXTURES

ORDER = FIXTURES / "outside-class" / "order"


@pytest.mark.parametrize("name, profile, note", [
    # 6.12.43 builds the imbalanced NUMA tree (5eb579dfd46b fixes it): the replay picks that model
    ("6.12.43-32cpu-2node-boot-nodes-rr-hotplug.trace.txt.xz", "imbalanced_numa", "windows of overlapping steps"),
    ("7.3-16cpu-2node-smt2-boot-glob-churn.trace.txt.xz", "", "windows of overlapping steps"),
    # a remote walk's lookup after another CPU's activation, before its own next row
    ("7.3.4-24cpu-3node-smt2-boot-glob-churn.trace.txt.xz", "", ""),
])
def test_late_stamped_steps_replay_clean(imported, name, profile, note):
    res = tmigr_trace.replay(imported(ORDER / name))
    assert len(res.divergences) == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert profile in (res.model_profile + " " + " ".join(res.faults))
    assert any(note in n for n in res.notes)
    assert res.checked > 7000


def test_remote_update_of_another_cpus_group_learns_nothing_of_the_walker(imported):
    # late enabling: CPU 12's remote walks trace level-0 updates of another CPU's group before
    # tmigr_handle_remote_cpu was being recorded (its first row comes later)
    src = ORDER / "6.18.15-16cpu-2node-isolcpus5-7,13-15-late.trace.txt.xz"
    path = imported(src)
    t = tmigr_trace.load(path).table.select(["ts", "cpu", "event"]).to_pandas()
    first_hr_cpu = t.ts[t.event == "tmigr_handle_remote_cpu"].min()
    early = t[(t.cpu == 12) & (t.event == "tmigr_update_events") & (t.ts < first_hr_cpu)]
    assert len(early) >= 2
    res = tmigr_trace.replay(path)
    assert len(res.divergences) == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


@pytest.fixture(scope="module")
def rr_churn(imported):
    return tmigr_trace.replay(imported(ORDER / "6.17.8-32cpu-2node-boot-nodes-rr-churn.trace.txt.xz"))


def test_pruned_event_restored_after_its_owner_cleared_ignore(rr_churn):
    # CPU 16's update at 19.802205 (row 20891) and CPU 20's at 19.804436 (row 20893) lie before
    # CPU 18's lookup of GRP0:1 (anywhere up to its next row at 19.821948)
    assert "imbalanced_numa" in rr_churn.faults
    assert not [d for d in rr_churn.divergences if d.index in (20891, 20893)]
    assert rr_churn.checked > 30000


def test_rr_churn_replays_clean(rr_churn):
    """GRP0:2 at 22.105 s: CPU24 expires CPU30's timers (row 21989), and CPU30's activation (row
    21994) makes tmigr_handle_remote_cpu() skip the update walk (it reads tmc->idle under
    tmc->lock, cleared at that tracepoint). The walk's `goto again` lookup therefore comes after
    row 21994, and after CPU29's activation (row 21990), whose event it prunes. Placed at the
    tmigr_handle_remote_cpu row it kept CPU29's event: 2 false divergences at rows 22072, 22107."""
    assert len(rr_churn.divergences) == 0
