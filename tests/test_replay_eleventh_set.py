"""The lab's eleventh outside-class set: 17 captures under multi-threaded TCG (24-32 vCPUs, boot
tracing with node 1's first CPU onlined first, migrator hotplug, late churn, sleepers and hogs).
At first replay (before the tenth set's fixes): 9 false divergences in 5 of 17; with them, 6 in
4; each remaining cause fixed once (docs/replay.md). Kept: fixtures/outside-class/eleventh."""

from __future__ import annotations

import pytest

import tmigr_trace

from conftest import FIXTURES, assert_set_trace

ELEVENTH = FIXTURES / "outside-class" / "eleventh"


@pytest.mark.parametrize("src", sorted(ELEVENTH.glob("*.trace.txt.xz")), ids=lambda p: p.name.split(".trace")[0])
def test_the_eleventh_set_replays_without_divergence(imported, src):
    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > 5000
