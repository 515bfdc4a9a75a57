"""Trace clocks that do not count nanoseconds (fixtures/outside-class/clocks, README.md there).

`x86-tsc`, `uptime` and `counter` print their stamps as raw counts, without a decimal point
(print_trace_fmt(), kernel/trace/trace_output.c). The import flags it; the replay reads the
stamps through the rate the remote expiries prove (`clock.count_scale`), or refuses a clock too
coarse to order the steps. Before: 1, 672 and 2 false divergences, 7.7 %, 4.9 % and 5.3 % not
decidable.
"""

from __future__ import annotations

import pytest
import tmigr_trace
from tmigr_trace.errors import TmigrError

from conftest import FIXTURES

CLOCKS = FIXTURES / "outside-class" / "clocks"


def test_x86_tsc_stamps_read_as_cycles(imported):
    path = imported(CLOCKS / "7.0.13-16cpu-2node-boot-glob-hotplug-clock-x86-tsc.trace.txt.xz")
    assert tmigr_trace.load(path).meta.extra["ts_counts"] is True
    res = tmigr_trace.replay(path)
    # qemu64's TSC runs at the host's rate: 2.596 GHz, the median slope of 152 remote expiries
    assert res.evidence["clock"]["ns_per_count"] == pytest.approx(0.385157, rel=1e-4)
    assert any("152 remote expiries prove" in n for n in res.notes)
    assert len(res.divergences) == 0
    assert res.undecidable < 0.01 * res.checked


def test_counter_stamps_keep_their_order(imported):
    res = tmigr_trace.replay(imported(CLOCKS / "6.19.14-16cpu-2node-late-churn-clock-counter.trace.txt.xz"))
    assert any("raw counts" in n for n in res.notes)
    # one count per event: about 1.8 ms of a run with few events between remote expiries
    assert res.evidence["clock"]["ns_per_count"] == pytest.approx(1.83189e6, rel=1e-4)
    assert len(res.divergences) == 0


def test_uptime_ticks_are_too_coarse_to_order_steps(imported):
    path = imported(CLOCKS / "7.1.13-16cpu-2node-boot-glob-churn-clock-uptime.trace.txt.xz")
    with pytest.raises(TmigrError, match=r"count 10 ms ticks .* 9\d% of the events share their tick"):
        tmigr_trace.replay(path)


def test_nanosecond_text_is_not_flagged(imported):
    path = imported(FIXTURES / "outside-class" / "7.3.4-8cpu-1node-nosmt-boot-glob-hotplug.trace.txt.xz")
    assert "ts_counts" not in tmigr_trace.load(path).meta.extra
