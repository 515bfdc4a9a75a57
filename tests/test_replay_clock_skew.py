"""Trace clocks that differ between CPUs (the `local` clock is per CPU): the same real capture
with each CPU's stamps shifted by a few us replays as clean as the original.

The kernel did the same in both variants; only the stamps moved. Where the stamps as printed
admit no order of the steps that keeps every group's state chain, the ordering search
(replay/tie_order.py) relaxes the stamps' order by at most `CLOCK_SLACK_NS` (benchmarks/
clock_skew.py measures it over all of this box's captures).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tmigr_trace
import tmigr_trace.replay.tie_order as tie_order

from conftest import FIXTURES

CAPTURE = FIXTURES / "host-6.18" / "live-20261206-1628-lookup-after-dequeue.parquet"


def _shifted(src: Path, out: Path, offsets: dict[int, int]) -> Path:
    """`src` with every row of CPU c stamped `offsets[c]` ns later, in stamp order again."""
    table = pq.read_table(src)
    footer = pq.ParquetFile(src).metadata.metadata or {}        # the tmigr_trace key lives there
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **footer})
    ts = table.column("ts").to_numpy().copy()
    cpu = table.column("cpu").to_numpy()
    for c, off in offsets.items():
        ts[cpu == c] += off
    k = table.schema.get_field_index("ts")
    table = table.set_column(k, table.schema.field(k), pa.array(ts, type=table.schema.field(k).type))
    pq.write_table(table.take(pa.array(np.argsort(ts, kind="stable"))), out)
    return out


@pytest.mark.parametrize("offsets", [{0: 2000, 1: -1500}, {0: -2000, 1: 1500}, {0: 1000, 1: -1000}],
                         ids=["cpu0-ahead-3.5us", "cpu1-ahead-3.5us", "cpu0-ahead-2us"])
def test_a_capture_with_skewed_cpu_clocks_replays_clean(tmp_path: Path, offsets, monkeypatch):
    """This box's 2-vCPU BCC+ftrace capture (6.18; 856 checks, 0 divergences as captured). With
    CPU 0's clock 2-3.5 us off CPU 1's, activations and deactivations of the two CPUs on GRP0:0
    are stamped in an order their printed states contradict (CPU 1's deactivation prints CPU 0
    active while CPU 0's activation, stamped after it, prints CPU 1 active)."""
    base = tmigr_trace.replay(str(CAPTURE))
    assert base.diverged == 0 and base.checked > 800
    skewed = _shifted(CAPTURE, tmp_path / "skewed.parquet", offsets)
    res = tmigr_trace.replay(str(skewed))
    assert res.diverged == 0, [d.to_dict() for d in res.divergences[:3]]
    assert res.checked > 800
    # without the relaxed search the same stamps read as broken state chains
    monkeypatch.setattr(tie_order, "SKEW_SLACK_NS", 0)
    strict = tmigr_trace.replay(str(skewed))
    assert strict.diverged > 0 and {d.kind for d in strict.divergences} & {"group_state"}
