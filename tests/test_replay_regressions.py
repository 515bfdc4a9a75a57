"""Captures that once made the replay diverge (engine bugs, not kernel bugs) replay cleanly.

Real 16-vCPU / 2-node Debian 7.3.4 guests from the kernel lab (tests/test_lab.py boots), kept in
fixtures/regress/ with the cause each exposed (fixtures/README.md).
"""

from pathlib import Path

import pytest

import tmigr_trace
from tmigr_trace.importers import import_file

from conftest import FIXTURES

CAUSES = {
    "run1": "two prepares recorded back to back on the control CPU",
    "run2": "old root linked before the kernel's own connect event",
    "run3": "remote update walk skipped when the target became active",
    "run4": "a target's wakeup read before its remote walk was over",
    "run6": "deactivation updates applied in the group lock's order",
    "run7": "a remote walk's wakeup resting on the untraced jiffies is not decidable",
    "run8": "a group lookup that saw an activating CPU's event before its ignore store",
    "run9": "the lookup after a remote dequeue, before an activating CPU's ignore store",
    "run10": "two events with one expiry queued before the capture, in an order it does not show",
}


@pytest.mark.parametrize("run", CAUSES, ids=lambda r: f"{r}: {CAUSES[r]}")
def test_former_divergence_replays_cleanly(run: str, tmp_path: Path):
    src = FIXTURES / "regress" / f"lab-7.3.4-16cpu-late-{run}.tar.gz"
    import_file(src, tmp_path / "t.parquet")
    result = tmigr_trace.replay(tmigr_trace.load(tmp_path / "t.parquet"))
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.model_profile == "7.2-capacity"
    assert result.checked > 5000 and result.agreed > 0.99 * result.checked
    for kind in ("group_state", "walk_levels", "expiry", "wakeup", "remote", "setup"):
        assert result.by_kind[kind].agreed > 10, kind


def test_new_timer_update_is_stepped_at_its_own_row():
    """`make demo` on this box (6.18.44, 2 CPUs, one group): CPU0's deactivation update and CPU1's
    new-timer update of the root are traced in the same microsecond, CPU0's first (rows 135-136).
    Each is a step under the group's lock; CPU0's wakeup (18471592000000) is what its own update
    read. Once the new-timer walk ran at its tmigr_cpu_new_timer row (134), before CPU0's update:
    a false wakeup divergence (expected 18471516000000)."""
    t = tmigr_trace.load(FIXTURES / "host-6.18" / "demo-20261206-072753-wakeup-tie.parquet")
    result = tmigr_trace.replay(t)
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.checked == 3456
    assert result.by_kind["wakeup"].agreed > 900 and result.by_kind["expiry"].agreed > 400


def test_top_level_lookup_before_an_activations_ignore_store():
    """A live ftrace capture of this box from `make test` (CI, 2026-12-06 10:11 UTC): CPU0's
    deactivation looks the idle root up (check_toplvl) between CPU1's tmigr_cpu_active and CPU1's
    lock-free cpuevt.ignore store, so CPU1's event (27729896000000) is still counted and becomes
    CPU0's wakeup (rows 15329-15333). Replayed with the store at CPU1's tracepoint, the model gave
    CPU0's own event: 4 false wakeup divergences."""
    t = tmigr_trace.load(FIXTURES / "host-6.18" / "ci-20261206-1011-ignore-store-race.parquet")
    result = tmigr_trace.replay(t)
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.checked > 50_000 and result.by_kind["wakeup"].agreed > 10_000


def _rows_by_stamp(t, *stamps):
    df = t.df
    return [int(df.index[df.ts == s][0]) for s in stamps]


def test_bcc_update_read_before_a_step_traced_first():
    """The BCC half of a `make test` "both at once" capture (CI, 2026-12-06 09:49 UTC). CPU0's
    deactivation reads the root idle (group_active 0) and looks it up before CPU1's activation
    stores its cpuevt.ignore and sets its bit; ftrace stamped CPU0's tmigr_update_events 15 ns
    before CPU1's tmigr_group_set_cpu_active, but the BPF stamp comes later and by a varying
    delay (after ftrace's probe and perf's record), here 520 vs 180 ns: the BCC rows have the
    step first. Replayed in stored order, the update and its wakeup diverged twice (4
    divergences); placed before the step its read preceded (tie_order.reads_before_steps), 0."""
    from tmigr_trace.replay.engine import EVENT_CODE, UNKNOWN_PTR
    from tmigr_trace.replay.tie_order import reads_before_steps

    t = tmigr_trace.load(FIXTURES / "host-6.18" / "ci-20261206-0949-bcc-read-before-step.parquet")
    step, update = _rows_by_stamp(t, 26913325822743, 26913325823068)
    assert update == step + 1
    w = t.df.iloc[step - 3:update + 2]
    buf = {"code": w.event.astype(str).map(lambda e: EVENT_CODE.get(e, 14)).to_numpy(),
           "cpu": w.cpu.to_numpy(), "ts": w.ts.to_numpy(),
           "group": w.group.fillna(UNKNOWN_PTR).astype("int64").to_numpy()}
    for c in ("active", "migrator", "childmask", "group_active"):
        buf[c] = w[c].astype("Int64").fillna(-1).to_numpy("int64")
    assert list(w.event.astype(str).iloc[3:5]) == ["tmigr_group_set_cpu_active", "tmigr_update_events"]
    assert (w.active.iloc[3], w.group_active.iloc[4]) == (2, 0)   # the update read the state before
    perm = reads_before_steps(buf, len(w), {})
    assert perm is not None and list(perm[3:5]) == [4, 3]
    result = tmigr_trace.replay(t)
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.checked > 50_000 and result.by_kind["wakeup"].agreed > 7000


def test_ftrace_update_read_before_a_step_traced_first():
    """The ftrace half of another such capture (CI, 2026-12-06 10:42 UTC): at 30134.099804 s
    ftrace too stamped CPU1's tmigr_group_set_cpu_active 50 ns before CPU0's tmigr_update_events
    whose read (group_active 0) preceded it, and the BCC half showed the same rows in the same
    order: both replayed with the same 2 false divergences (expiry, wakeup); now 0."""
    t = tmigr_trace.load(FIXTURES / "host-6.18" / "ci-20261206-1042-read-before-step.parquet")
    step, update = _rows_by_stamp(t, 30134099804606, 30134099804656)
    assert update == step + 1 and t.df.group_active.iloc[update] == 0 and t.df.active.iloc[step] == 2
    result = tmigr_trace.replay(t)
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.checked > 50_000


def test_an_ignore_flag_cleared_before_the_walk_shows_an_unproven_expiry():
    """The ftrace half of the 09:49 UTC CI capture (rows 58835-58853, both CPUs of this box's one
    group): CPU0 expired CPU1 remotely and the requeue at the idle root had no tracepoint, so
    CPU1's queued expiry was not proven; CPU1 activated (its event ignored, still queued), then
    both CPUs deactivated 35 ns apart, CPU1's cmpxchg first (the state chain). CPU1's
    __tmigr_cpu_deactivate() cleared the ignore flag before its walk, so CPU0's lookup of the root
    saw CPU1's old expiry (CPU0's wakeup 26924264000000). The model, holding a placeholder for that
    expiry, gave CPU0's own event: 2 false wakeup divergences. Now that lookup is not decidable."""
    t = tmigr_trace.load(FIXTURES / "host-6.18" / "ci-20261206-0949-ftrace-ignore-clear.parquet")
    df = t.df
    hr = df.iloc[58835]
    assert (hr.event, hr.cpu, hr.target_cpu) == ("tmigr_handle_remote_cpu", 0, 1)
    assert df.wakeup.iloc[58852] == 26924264000000 and df.nextevt.iloc[58852] == 26924424000000
    result = tmigr_trace.replay(t)
    assert result.diverged == 0, [d.to_dict() for d in result.divergences[:3]]
    assert result.checked > 50_000 and result.undecidable < 0.01 * result.checked
