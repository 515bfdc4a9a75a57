"""The lab's eighth outside-class set, replayed before any change for it (fixtures/outside-class/eighth):
0 false divergences in 12 captures; four are kept, each replaying without divergence."""

from __future__ import annotations

import pytest

import tmigr_trace

from conftest import FIXTURES, assert_set_trace

EIGHTH = FIXTURES / "outside-class" / "eighth"


@pytest.mark.parametrize("src", sorted(EIGHTH.glob("*.trace.txt.xz")), ids=lambda p: p.name.split(".trace")[0])
def test_the_eighth_set_replays_without_divergence(imported, src):
    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > 2000
