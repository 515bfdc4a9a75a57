"""The lab's eighth outside-class set, replayed before any change for it (fixtures/outside-class/eighth):
0 false divergences in 12 captures; four are kept, each replaying without divergence."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, replay_set_trace, set_params

EIGHTH = FIXTURES / "outside-class" / "eighth"


@pytest.mark.parametrize("src", **set_params(EIGHTH))
def test_the_eighth_set_replays_without_divergence(imported, src):
    replay_set_trace(imported, src, 2000)
