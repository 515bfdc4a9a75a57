"""The late-onlining lab captures recorded with their bring-up order (fixtures/lab/bringup/, real
Debian kernels under QEMU; provenance in fixtures/README.md) replay with zero divergences under the
profile the trace's evidence picks. The kernels are healthy: any divergence is a false one. The
6.12.43 capture had 2 when it was recorded (expiry/remote/wakeup after a level-0 group's event is
queued, by a remote walk that overlaps the activations; the lock-order rules of docs/replay.md,
"Where a step without its own tracepoint goes", admit that order)."""

from pathlib import Path

import pytest

import tmigr_trace
from tmigr_trace.importers import import_file

from conftest import FIXTURES

BRINGUP = sorted((FIXTURES / "lab" / "bringup").glob("*.tar.gz"))


def test_the_four_series_are_there():
    assert [p.name.split("+")[0] for p in BRINGUP] == ["lab-6.12.117", "lab-6.12.43", "lab-7.2.13", "lab-7.3.4"]


@pytest.mark.parametrize("tarball", BRINGUP, ids=lambda p: p.name.split(".tar")[0])
def test_bringup_capture_replays_without_divergence(tarball: Path, tmp_path: Path):
    import_file(tarball, tmp_path / "t.parquet")
    res = tmigr_trace.replay(tmp_path / "t.parquet")
    assert res.checked > 4000 and res.diverged == 0, [d.to_dict() for d in res.divergences[:3]]
    assert res.by_kind["setup"].agreed > 10 and res.by_kind["group_state"].agreed > 500
