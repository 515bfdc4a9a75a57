"""One changed value in a real trace (a mutated kernel) is reported at the row that carries it.

Each test takes a real capture that replays clean, changes one cell (`_with_cell`, the same
operation as benchmarks/mutations.py) and asserts where the replay reports it. These are the
checks that the mutation benchmark found reporting such a change only rows later, or not at all:
  * a deactivation or new-timer walk that did not read the top level returns KTIME_MAX
    whatever silent CPUs queued (`data->firstexp` is set only in check_toplvl);
  * `tmc->wakeup` is printed by the CPU's idle rows and changes only by a traced store, or by its
    own traced tmigr_handle_remote(): known before the model knows the CPU's event;
  * two tracepoints print one kernel value (a walk's nextexp, a CPU's wakeup): the divergence
    names both steps (`Divergence.rows`);
  * a group's NUMA node is the one most of its rows print.
"""

from __future__ import annotations

from pathlib import Path

import tmigr_trace

from conftest import FIXTURES
from test_replay_regressions import _with_cell

CAPTURE_2CPU = FIXTURES / "live-6.18" / "capture-2cpu.tar.gz"
LAB_HOTPLUG = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-hotplug.tar.gz"
LAB_612_LATE = FIXTURES / "lab" / "lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz"
TWENTY_SECOND = FIXTURES / "outside-class" / "twenty-second"
FIFTEENTH = FIXTURES / "outside-class" / "fifteenth"
TENTH = FIXTURES / "outside-class" / "tenth"
TWENTY_FIFTH = FIXTURES / "outside-class" / "twenty-fifth"


def _new(src: Path, tmp_path: Path, row: int, column: str, value: int) -> list:
    """The divergences of `src` (imported Parquet) with one cell changed that it does not have."""
    base = {(d.index, d.kind, d.what) for d in tmigr_trace.replay(str(src)).divergences}
    bad = _with_cell(src, tmp_path / "bad.parquet", row, column, value)
    return [d for d in tmigr_trace.replay(str(bad)).divergences if (d.index, d.kind, d.what) not in base]


def test_a_walk_that_did_not_read_the_top_returns_ktime_max_despite_a_silent_cpu(imported, tmp_path):
    """capture-2cpu (6.18, 2 CPUs, CPU1 silent: its idle transitions are not in the trace). Row 18:
    CPU0 goes idle while CPU1 stays active and migrator, so the walk never reads the root's queue
    (check_toplvl needs migrator TMIGR_NONE) and CPU0's wakeup is KTIME_MAX (row 20). A traced
    wakeup earlier than that was once accepted as a silent CPU's event and reported a row later."""
    src = imported(CAPTURE_2CPU)
    assert tmigr_trace.replay(str(src)).diverged == 0
    new = _new(src, tmp_path, 20, "wakeup", 1624348000000)
    assert [(d.index, d.kind) for d in new][:1] == [(20, "wakeup")], [d.to_dict() for d in new[:2]]
    assert new[0].expected == 2**63 - 1 and new[0].observed == 1624348000000


def test_a_wakeup_printed_before_the_model_knows_the_cpu(imported, tmp_path):
    """lab 7.3.4 hotplug capture: CPU rows that print `tmc->wakeup` (tmigr_cpu_new_timer_idle
    without a walk) before the model knows the CPU's event. tmigr_cpu_new_timer() returns
    tmc->wakeup unchanged when no walk runs, so the value must be the one the CPU's last row
    showed; a changed one went unreported."""
    src = imported(LAB_HOTPLUG)
    assert tmigr_trace.replay(str(src)).diverged == 0
    t = tmigr_trace.load(str(src)).table
    ev, wake = t.column("event").to_pylist(), t.column("wakeup").to_pylist()
    for row in (83, 189, 416):          # rows that print the wakeup unchanged (no new-timer walk)
        assert ev[row] == "tmigr_cpu_new_timer_idle" and ev[row - 1] != "tmigr_cpu_new_timer", row
        assert wake[row] == 2**63 - 1
    for row, value in ((83, 11116000000), (189, 11400000000), (416, 11680000000)):
        new = _new(src, tmp_path, row, "wakeup", value)
        assert any(d.index == row and d.kind == "wakeup" for d in new), (row, [d.to_dict() for d in new[:2]])


def test_a_nextexp_printed_twice_names_both_rows(imported, tmp_path):
    """A deactivation's nextexp is printed by its level-0 tmigr_update_events and again by
    tmigr_cpu_idle (__tmigr_cpu_deactivate passes one value to both). When they differ the trace
    cannot say which is wrong: the divergence is at the later row and names the other."""
    src = imported(CAPTURE_2CPU)
    t = tmigr_trace.load(str(src)).table
    ev, lvl, child = t.column("event").to_pylist(), t.column("group_lvl").to_pylist(), t.column("child").to_pylist()
    nxt, cpus = t.column("nextevt").to_pylist(), t.column("cpu").to_pylist()
    # the first level-0 deactivation update followed by its CPU's tmigr_cpu_idle
    row = next(r for r in range(len(ev) - 1) if ev[r] == "tmigr_update_events" and lvl[r] == 0
               and not child[r] and ev[r + 1] == "tmigr_cpu_idle" and cpus[r + 1] == cpus[r]
               and 0 < nxt[r] < 2**63 - 1)
    new = _new(src, tmp_path, row, "nextevt", nxt[row] + 8_000_000)
    named = [d for d in new if row in d.rows]
    assert named and named[0].index == row + 1 and named[0].kind == "expiry", [d.to_dict() for d in new[:2]]
    assert named[0].observed == nxt[row + 1] and named[0].expected == nxt[row] + 8_000_000


def test_a_groups_node_is_what_most_of_its_rows_print(imported, tmp_path):
    """lab 6.12.107 late capture (CPUs onlined after boot: setup events traced). One
    tmigr_connect_cpu_parent printing another node was taken as the group's node, and every
    other row of that group was reported instead of it."""
    src = imported(LAB_612_LATE)
    assert tmigr_trace.replay(str(src)).diverged == 0
    new = _new(src, tmp_path, 368, "numa_node", 1)
    assert [(d.index, d.kind) for d in new] == [(368, "setup")], [d.to_dict() for d in new[:3]]


LAB_612_BOOT = FIXTURES / "lab" / "lab-6.12.107+deb13-16cpu-2node-smt2-boot.tar.gz"


def test_a_remote_expiry_printing_another_cpus_group(imported, tmp_path):
    """lab 7.3.4 hotplug capture, row 493: CPU 4 expires CPU 5's timers (both in GRP0:0). Every
    per-CPU tracepoint prints tmc->tmgroup, which tmigr_setup_groups() sets once; CPU 9 is in
    GRP0:1, so a row naming CPU 9 with GRP0:0's pointer contradicts the setup at that row (it was
    reported only as a conflict of the whole trace)."""
    src = imported(LAB_HOTPLUG)
    t = tmigr_trace.load(str(src)).table
    assert t.column("event")[493].as_py() == "tmigr_handle_remote_cpu" and t.column("target_cpu")[493].as_py() == 5
    new = _new(src, tmp_path, 493, "target_cpu", 9)
    at = [d for d in new if d.index == 493]
    assert at and at[0].kind == "setup" and (at[0].expected, at[0].observed) == ("GRP0:1", "GRP0:0"), \
        [d.to_dict() for d in new[:3]]


def test_a_remote_expiry_of_an_active_cpu(imported, tmp_path):
    """lab 6.12.107 boot capture, row 163: CPU 8 expires CPU 12's timers. CPU 10 activated at row
    160 (tmigr_cpu_active, then cpuevt.ignore, under tmc->lock) and has not gone idle since:
    tmigr_handle_remote_cpu() tests ignore under that lock and returns untraced. The row was
    not decidable (the group's queue then held events the boot trace does not show)."""
    src = imported(LAB_612_BOOT)
    t = tmigr_trace.load(str(src)).table
    ev, cpu = t.column("event").to_pylist(), t.column("cpu").to_pylist()
    assert (ev[160], cpu[160]) == ("tmigr_cpu_active", 10)
    assert {ev[r] for r in range(161, 163) if cpu[r] == 10} == {"tmigr_group_set_cpu_active"}
    new = _new(src, tmp_path, 163, "target_cpu", 10)
    at = [d for d in new if d.index == 163]
    assert at and at[0].kind == "remote" and at[0].rows == [160], [d.to_dict() for d in new[:3]]


def test_a_new_timer_without_walk_below_the_printed_next_expiry(imported, tmp_path):
    """lab 7.3.4 hotplug capture, row 68: tmigr_cpu_new_timer_idle of a CPU whose event the
    trace has not shown yet, without a walk. tmigr_cpu_new_timer() walks unless nextexp is the
    queued, not ignored event, so the printed nextevt is queued in the CPU's level-0 group, and
    every next_expiry that group printed since is no later (the variable never exceeds a queued
    event). One earlier than a printed next_expiry was reported only 55 rows later."""
    src = imported(LAB_HOTPLUG)
    t = tmigr_trace.load(str(src)).table
    assert t.column("event")[68].as_py() == "tmigr_cpu_new_timer_idle" and t.column("nextevt")[68].as_py() == 2**63 - 1
    new = _new(src, tmp_path, 68, "nextevt", 11096000000)
    at = [d for d in new if d.index == 68]
    assert at and at[0].kind == "walk_levels" and at[0].observed == 11096000000, [d.to_dict() for d in new[:3]]
    assert at[0].rows and at[0].rows[0] < 68


def test_a_new_timer_after_the_remote_walk_that_held_the_lock(imported, tmp_path):
    """twenty-second set, 6.12.73 24 vCPUs, row 1685: idle CPU0 prints tmigr_cpu_new_timer_idle
    with its queued event (no walk). CPU2 expired CPU0's timers at row 1661 and printed its update
    walk at 1662, but CPU2's next row is only at 1686. tmc->remote is cleared under CPU0's
    tmc->lock, which CPU2 holds from that walk to the clear; CPU0's rows after 1662 (under the
    same lock) come after the clear. A changed nextevt there needs a walk: tmigr_new_timer()
    returns untraced only while tmc->remote is set. Once counted as 'remote still set'."""
    src = imported(TWENTY_SECOND / "6.12.73-24cpu-2node-boot-glob-hotplug11-multi.trace.txt.xz")
    t = tmigr_trace.load(str(src)).table
    ev, cpu = t.column("event").to_pylist(), t.column("cpu").to_pylist()
    assert (ev[1661], cpu[1661], t.column("target_cpu")[1661].as_py()) == ("tmigr_handle_remote_cpu", 2, 0)
    assert ev[1662] == "tmigr_update_events" and cpu[1662] == 2
    assert min(j for j in range(1663, len(ev)) if cpu[j] == 2) == 1686
    assert ev[1685] == "tmigr_cpu_new_timer_idle" and t.column("nextevt")[1685].as_py() == 4216000000
    new = _new(src, tmp_path, 1685, "nextevt", 4204000000)
    at = [d for d in new if d.index == 1685]
    assert at and at[0].kind == "walk_levels" and at[0].observed == "no walk", [d.to_dict() for d in new[:3]]


def test_a_wakeup_is_the_next_expiry_an_idle_root_printed(imported, tmp_path):
    """fifteenth set, 7.0.4 32 vCPUs, row 1841: CPU2 goes idle last; its deactivation walk's
    top-level update (row 1840) prints an idle root (group_active 0) and group_next_expiry
    7268000000. check_toplvl set data->firstexp with tmigr_next_groupevt_expires(), which stores
    the same value in group->next_expiry right before the tracepoint, and tmigr_cpu_deactivate()
    returns it as the wakeup. The model did not know the root's whole queue, so a wakeup one tick
    early was reported only two rows later (at the next remote expiry of CPU2)."""
    src = imported(FIFTEENTH / "7.0.4-32cpu-2node-boot-remote-node-first-idle-multi.trace.txt.xz")
    t = tmigr_trace.load(str(src)).table
    assert t.column("event")[1840].as_py() == "tmigr_update_events" and t.column("group_lvl")[1840].as_py() == 2
    assert (t.column("group_active")[1840].as_py(), t.column("group_next_expiry")[1840].as_py()) == (0, 7268000000)
    assert t.column("event")[1841].as_py() == "tmigr_cpu_idle" and t.column("wakeup")[1841].as_py() == 7268000000
    new = _new(src, tmp_path, 1841, "wakeup", 7264000000)
    at = [d for d in new if d.index == 1841]
    assert at and at[0].kind == "wakeup" and (at[0].expected, at[0].observed) == (7268000000, 7264000000), \
        [d.to_dict() for d in new[:3]]
    assert at[0].rows == [1840]


def test_a_walk_whose_top_level_had_an_active_child_returns_ktime_max(imported, tmp_path):
    """twenty-fifth set, 7.0.9 22 vCPUs (late capture, isolcpus), row 1962: CPU10's deactivation
    walk prints its top-level update (row 1961) with group_active 2: the root had a migrator,
    check_toplvl did not run and data->firstexp stayed KTIME_MAX, the wakeup CPU10 stores. A
    real expiry there was reported only at the next remote expiry of CPU10 (row 1967)."""
    src = imported(TWENTY_FIFTH / "7.0.9-22cpu-2node-nosmt-isolcpus6-9-late-churn-multi.trace.txt.xz")
    t = tmigr_trace.load(str(src)).table
    assert (t.column("event")[1961].as_py(), t.column("group_lvl")[1961].as_py(),
            t.column("group_active")[1961].as_py()) == ("tmigr_update_events", 2, 2)
    assert t.column("event")[1962].as_py() == "tmigr_cpu_idle" and t.column("wakeup")[1962].as_py() == 2**63 - 1
    new = _new(src, tmp_path, 1962, "wakeup", 8560000000)
    at = [d for d in new if d.index == 1962]
    assert at and at[0].kind == "wakeup" and (at[0].expected, at[0].observed) == (2**63 - 1, 8560000000), \
        [d.to_dict() for d in new[:3]]
    assert at[0].rows == [1961]


def test_the_wakeup_after_a_remote_expiry_and_its_requeue_walk(imported, tmp_path):
    """tenth set, 6.18.12 32 vCPUs, row 12319: CPU17's tmigr_handle_remote() expired CPU12
    (row 12316) and requeued it (update rows 12317-12318, levels 0 and 1 on CPU12's path), then
    its idle loop prints tmigr_cpu_new_timer_idle without a walk: the wakeup is the one the remote
    walk stored (tmigr_handle_remote_up: data->firstexp = group->next_expiry). Those update rows
    were once taken for a new-timer walk of CPU17's own whose opening row was lost, and the
    wakeup left undecided."""
    src = imported(TENTH / "6.18.12-32cpu-2node-boot-glob-hotplug21-multi.trace.txt.xz")
    t = tmigr_trace.load(str(src)).table
    ev = t.column("event").to_pylist()
    assert ev[12316:12320] == ["tmigr_handle_remote_cpu", "tmigr_update_events", "tmigr_update_events",
                               "tmigr_cpu_new_timer_idle"]
    assert t.column("cpu").to_pylist()[12316:12320] == [17] * 4
    assert t.column("wakeup")[12319].as_py() == 28128000000
    new = _new(src, tmp_path, 12319, "wakeup", 28136000000)
    at = [d for d in new if d.index == 12319]
    assert at and at[0].kind == "wakeup" and (at[0].expected, at[0].observed) == (28128000000, 28136000000), \
        [d.to_dict() for d in new[:3]]


def test_a_deactivation_that_ended_below_the_top_returns_ktime_max(imported, tmp_path):
    """6.19.14 16 vCPUs, late capture, hashed pointers, row 2122: CPU12's deactivation walk
    prints its level-0 state (row 2120) with migrator 1: the group keeps a migrator, so
    tmigr_inactive_up() ends the walk there (walk_done) and check_toplvl never runs: the wakeup
    is KTIME_MAX whatever the root holds. The model could not decide it (the root's migrator is
    a CPU the trace never shows), and a real expiry there was reported only 6 rows later."""
    src = imported(FIXTURES / "outside-class" / "6.19.14-16cpu-2node-late-churn-hashptr.trace.txt.xz")
    t = tmigr_trace.load(str(src)).table
    assert (t.column("event")[2120].as_py(), t.column("lvl")[2120].as_py(),
            t.column("migrator")[2120].as_py()) == ("tmigr_group_set_cpu_inactive", 0, 1)
    assert t.column("event")[2122].as_py() == "tmigr_cpu_idle" and t.column("wakeup")[2122].as_py() == 2**63 - 1
    new = _new(src, tmp_path, 2122, "wakeup", 10540000000)
    at = [d for d in new if d.index == 2122]
    assert at and at[0].kind == "wakeup" and (at[0].expected, at[0].observed) == (2**63 - 1, 10540000000), \
        [d.to_dict() for d in new[:3]]
    assert at[0].rows == [2120]
