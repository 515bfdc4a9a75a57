"""The lab's ninth outside-class set (fixtures/outside-class/ninth): 18 replays (17 captures and
one console dump) at first replay, before any change: 1,129 false divergences, all in the two
`nooverwrite` captures (full per-CPU buffers drop their newest events; the header does not count
them), 0 elsewhere. Kept: those two, the suspend-to-RAM captures, a 4 KB buffer, and the
`ftrace_dump` console log with the `trace` text of the same buffer."""

from __future__ import annotations

import pytest

import tmigr_trace

from conftest import FIXTURES, replay_set_trace, set_params

NINTH = FIXTURES / "outside-class" / "ninth"


@pytest.mark.parametrize("src", **set_params(NINTH, pattern="*.xz"))
def test_the_ninth_set_replays_without_divergence(imported, src):
    replay_set_trace(imported, src, 1000)


@pytest.mark.parametrize("name, cut", [("6.12.73-16cpu-2node-boot-glob-churn-nooverwrite-16k", "0, 2, 4, 10"),
                                       ("7.3.4-16cpu-2node-boot-glob-churn-nooverwrite-16k", "0, 2, 4")])
def test_a_nooverwrite_boot_trace_holds_its_first_prepare_and_cut_streams(imported, name, cut):
    """The trace holds the hierarchy's first prepare, so nothing was prepared before it (the lost
    prepares were made in it, unseen); CPUs 0, 2 and 4 (their buffers filled first: CPU 0 records
    the boot's prepares) and on 6.12.73 CPU 10 are cut where their rows stop while their bits
    still change."""
    res = tmigr_trace.replay(imported(NINTH / f"{name}.trace.txt.xz"))
    order = res.evidence["prepare_order"]
    assert order["before_capture"] == [] and {10, 11, 12, 13} <= set(order["unseen_in_trace"])
    assert any(f"the streams of CPUs {cut} end while the others go on" in n for n in res.notes), res.notes
    assert res.diverged == 0
