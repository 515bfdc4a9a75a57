"""`stamp_permutation`: rows a trace_pipe reader printed out of stamp order go back to it, each
CPU's own order kept. Hand-written arrays (parser-level edge cases, marked as such); the real
trace_pipe capture is tests/test_replay_mttcg_sets.py::test_a_trace_pipe_text_replays_in_stamp_order."""

from __future__ import annotations

import numpy as np

from tmigr_trace.replay.stamp_order import stamp_permutation


def test_rows_in_stamp_order_are_left_alone():
    assert stamp_permutation(np.array([1, 2, 2, 5]), np.array([0, 1, 0, 1])) is None


def test_a_row_printed_after_a_later_stamp_moves_back():
    # hand-written: CPU0's row stamped 10 printed after CPU1's rows stamped 12 and 13
    ts = np.array([5, 12, 13, 10, 20])
    cpu = np.array([0, 1, 1, 0, 1])
    perm, late = stamp_permutation(ts, cpu)
    assert perm.tolist() == [0, 3, 1, 2, 4] and late == 1


def test_equal_stamps_keep_their_printed_order():
    ts = np.array([7, 9, 7, 9])
    cpu = np.array([0, 1, 2, 3])
    perm, late = stamp_permutation(ts, cpu)
    assert perm.tolist() == [0, 2, 1, 3] and late == 1


def test_a_cpu_whose_own_stamps_go_back_keeps_the_printed_order():
    # hand-written: CPU0's clock went back (stamps do not order its rows): nothing moves
    assert stamp_permutation(np.array([10, 4, 12]), np.array([0, 0, 1])) is None
