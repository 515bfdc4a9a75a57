"""CPUs or steps the trace does not show, judged as the kernel makes them (lab outside-class traces).

Each trace here gave false divergences before the replay took the unseen part into account; the
causes are kernel and tracing facts, not rules for one capture (fixtures/outside-class/*/README.md):
- a CPU whose ring buffer dropped its oldest events is silent until its first row: its unseen
  deactivation (activation) walk goes up as tmigr_inactive_up (tmigr_active_up) does, and as a
  migrator it may expire other CPUs' due events (tmigr_handle_remote_cpu resets their wakeup);
- the ftrace header's ``#P:`` counts CPUs that never trace (isolated ones), which hold mask slots;
- without group addresses, a state row's group is its CPU's group at that level, so the groups'
  state chains still order steps whose tracepoints came late.
"""

from __future__ import annotations

import pytest

import tmigr_trace

from conftest import FIXTURES

OUTSIDE = FIXTURES / "outside-class"
LOST_HANDLER = "a CPU not traced then (lost rows, or its stream not begun) may have expired it remotely"


@pytest.fixture(scope="module")
def steady_overwritten(imported):
    return tmigr_trace.replay(imported(OUTSIDE / "overwritten" / "7.1.13-32cpu-2node-late-steady-8s-overwritten.trace.txt.xz"))


def test_silent_cpus_walks_and_remote_expiries_are_the_kernels(steady_overwritten):
    """7.1.13, 32 CPUs, buffer overwritten: 9 false divergences before (rows 5207-5521), of four
    kinds: a group whose silent child's walk made it idle (or busy) unseen had its parent's state
    kept (the next traced walk stopped or went on unlike the model); a silent migrator's
    remote expiry of a due event left a later next_expiry / wakeup; a walk reached a group past
    a child whose state lost lines had left unknown."""
    res = steady_overwritten
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.checked > 5000
    # (the four wakeups once not decidable here, because a silent CPU may have expired the root's
    # first event, are the firstexp the walks' own top-level updates printed: decided)
    assert res.undecidable_reasons.get("wakeup", {}).get(LOST_HANDLER, 0) == 0
    assert res.by_kind["wakeup"].agreed > 300
    # what stays not decidable is the overwritten buffer's: queues and states not known
    assert res.undecidable < 0.05 * res.checked


def test_header_cpu_count_gives_never_traced_cpus_their_slots(imported):
    """7.2.6, isolcpus=domain,1-3,12-15, events enabled after boot: CPUs 12-15 have no row. The
    header's #P:16 (num_online_cpus()) proves 16 CPUs (1-3 have rows of other CPUs' walks only); 12 and 13 hold the mask slots before CPU9
    (0x10) and CPU11 (0x20) of node 1's group. With 12 CPUs the model could not build those
    masks (2 setup divergences)."""
    t = tmigr_trace.load(imported(OUTSIDE / "isolcpus" / "7.2.6-16cpu-2node-isolcpus1-3,12-15-late.trace.txt.xz"))
    assert t.meta.extra["text_header"]["cpus"] == 16
    assert max(t.df.cpu) == 11                      # CPUs 12-15: not a row
    res = tmigr_trace.replay(t)
    assert res.evidence["online_cpus_from_header"] == 16
    assert res.hierarchy["cpus"] == 16 and res.hierarchy["shape_mismatches"] == 0
    assert {12, 13} <= set(res.hierarchy["silent_cpus"])
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


def test_a_group_whose_mask_is_not_shown_takes_the_lowest_free_slot(imported):
    """7.3.4, isolcpus=nohz,domain,8-15, after boot: node 1's level-0 group shows mask 0x2 in the
    root, node 0's never shows its own. 0x1 is free: node 0's group was connected first (the boot
    CPU's node), and its CPUs were prepared first."""
    res = tmigr_trace.replay(imported(OUTSIDE / "isolcpus" / "7.3.4-16cpu-2node-isolcpus8-15-late-isolated.trace.txt.xz"))
    assert res.evidence["prepare_order"]["before_capture"][:4] == [0, 2, 4, 6], res.evidence["prepare_order"]
    assert res.hierarchy["shape_mismatches"] == 0
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]


def test_pointerless_state_chains_order_late_tracepoints(imported):
    """6.19.14, 32 CPUs, every address `(____ptrval____)`: CPU1's activation of GRP0:0 is stamped
    0.9 ms after its cmpxchg (row 2164; CPU4's and CPU0's steps at rows 2160 and 2161 already
    show its bit). Keyed by CPU and level, the group's state chain puts it back (5 group_state
    divergences before)."""
    res = tmigr_trace.replay(imported(OUTSIDE / "ptrval" / "6.19.14-32cpu-2node-boot-glob-hotplug-hashptr.trace.txt.xz"))
    assert res.hierarchy["mode"] == "cpu+level"
    assert any("windows of overlapping steps" in n for n in res.notes)
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.checked > 19_000


def test_pointerless_old_root_link_is_tied_to_its_row(imported):
    """The same capture: CPU4 prepares CPU14 (rows 2913-2925), which adds a level and links the
    old root GRP0:0 below the new one at row 2924 (tmigr_connect_child_parent at level 1 with
    groupmask 0x1, a slot CPU14's own groups do not take). CPU4's remote walk at rows 2918-2920,
    in between, still ended at GRP0:0, the root then. Without pointers the model linked the old
    root at the prepare's first row: a false walk_levels divergence at row 2933."""
    src = imported(OUTSIDE / "ptrval" / "6.19.14-32cpu-2node-boot-glob-hotplug-hashptr.trace.txt.xz")
    t = tmigr_trace.load(src).table.slice(2922, 3).to_pydict()
    assert t["event"] == ["tmigr_connect_child_parent", "tmigr_connect_cpu_parent", "tmigr_connect_child_parent"]
    assert t["groupmask"][2] == 1 and t["groupmask"][0] != 1
    res = tmigr_trace.replay(src)
    assert not [d for d in res.divergences if d.kind in ("walk_levels", "setup")]
    assert res.by_kind["setup"].agreed > 50


def test_an_unseen_lookup_refreshes_a_stale_next_expiry(imported):
    """7.3.4, 32 CPUs, 8 KiB buffers: CPUs 4 and 31 show nothing before 58.1 s. At row 5088 CPU16's
    deactivation update of GRP0:2 prints next_expiry 55260000000 (CPU20's event), where the
    model, without a lookup since CPU16's activation marked its old first event ignored (row
    5081), keeps the stale 55196000000 that timerqueue_del() leaves. A lookup by a CPU not
    traced then (tmigr_next_groupevt: prune the ignored head, refresh next_expiry) explains the
    kernel's value: not decidable, no longer a divergence."""
    res = tmigr_trace.replay(imported(OUTSIDE / "overwritten" / "7.3.4-32cpu-2node-late-churn-8s-overwritten.trace.txt.xz"))
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.by_kind["expiry"].undecidable > 0 and res.by_kind["expiry"].agreed > 250


@pytest.mark.parametrize("path, quiet, checks", [
    ("7.3.4-16cpu-2node-isolcpus6-9-late.trace.txt.xz", [6, 8, 9], 3700),
    ("isolcpus/7.2.6-16cpu-2node-isolcpus1-3,12-15-late.trace.txt.xz", [1, 2, 3, 12, 13], 2600),
])
def test_isolated_cpus_the_trace_never_shows_are_quiet(imported, path, quiet, checks):
    """isolcpus=domain: the isolated CPUs have no row at all, are never a remote expiry's target,
    and every active mask their level-0 group prints has their bit clear (7.x excludes them from
    the hierarchy, tmigr_clear_cpu_available(); idle throughout otherwise). Their bits are known
    clear, so a walk that finds their group without a migrator is decided; as silent CPUs they made
    such walks "not decidable" (the outside-lab example k7.3.4-...-isolcpus6-9: 2.83 % -> 0.78 %)."""
    res = tmigr_trace.replay(imported(OUTSIDE / path))
    assert set(quiet) <= set(res.hierarchy["silent_cpus"])
    assert res.hierarchy["quiet_cpus"] == quiet
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    assert res.checked > checks and res.undecidable / res.checked < 0.01


def test_not_decidable_says_why_the_queue_is_not_known(imported):
    """Overwritten ring buffer (7.3.4, 32 vCPUs, 8 KiB): most checks that are not decidable read a
    queue holding events of CPUs whose streams began late; the reason says so, not "lost lines"
    (nothing was lost in transit: the buffer dropped its own oldest pages)."""
    res = tmigr_trace.replay(imported(OUTSIDE / "overwritten" / "7.3.4-32cpu-2node-late-churn-8s-overwritten.trace.txt.xz"))
    head = "events of a CPU whose stream began late (its buffer's head overwritten)"
    assert res.undecidable_reasons["expiry"][head] > 100
    assert res.undecidable_reasons["expiry"][head] == max(res.undecidable_reasons["expiry"].values())
    assert res.diverged == 0
