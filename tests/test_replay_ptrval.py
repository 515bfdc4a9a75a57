"""A boot-time trace whose group addresses all print as `(____ptrval____)`, with the tree growing.

Real lab capture (fixtures/outside-class/ptrval, README.md there): 7.3.4, 16 vCPUs in 2 nodes,
booted with CPUs 0, 2 and 4 and the rest onlined later; when CPU 10, the first of node 1, is
prepared, a new level-0 group and a new root are made and the old root is connected below it.
Every CPU's prepare is in the trace (its tmigr_connect_cpu_parent), address or not, so the
replay builds the tree as the trace does, and a setup event without an address binds no pointer.
"""

from __future__ import annotations

import pytest
import tmigr_trace

from conftest import FIXTURES

PTRVAL = FIXTURES / "outside-class" / "ptrval" / "7.3.4-16cpu-2node-boot-glob-hotplug-hashptr.trace.txt.xz"


@pytest.fixture(scope="module")
def replayed(imported):
    return tmigr_trace.replay(imported(PTRVAL))


def test_every_prepare_is_in_the_trace(replayed):
    order = replayed.evidence["prepare_order"]
    assert order["before_capture"] == []
    assert order["in_trace"][:4] == [0, 2, 4, 1] and sorted(order["in_trace"]) == list(range(16))


def test_the_walks_end_at_the_root_of_their_time(replayed):
    # before 7.80 s the node-0 level-0 group is the root: the walks stop there (before the fix,
    # 191 divergences, the first "remote walk of CPU0 stopped at GRP0:0" at 2.34 s)
    assert replayed.hierarchy["levels"] == 2
    assert len(replayed.divergences) == 0, [(d.index, d.kind, d.what) for d in replayed.divergences][:5]
    assert replayed.checked > 6000 and replayed.undecidable < 0.01 * replayed.checked
