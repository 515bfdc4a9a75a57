"""`tmigr-trace import` of a kernel-lab tarball carries the lab's CPU bring-up order."""

from pathlib import Path

import pytest

import tmigr_trace
from tmigr_trace.importers import import_file

from conftest import FIXTURES

# Late-onlining captures that record the bring-up order: the 32/64-CPU ones and fixtures/lab/bringup/
# (the 16-CPU late captures beside them predate the recording: fixtures/README.md).
LATE = sorted((FIXTURES / "lab").glob("*-late-nodes.tar.gz")) + sorted((FIXTURES / "lab" / "bringup").glob("*-late*.tar.gz"))


@pytest.mark.parametrize("tarball", LATE, ids=lambda p: p.name)
def test_bringup_order_matches_the_kernels_setup_events(tarball: Path, tmp_path: Path):
    _, meta, _ = import_file(tarball, tmp_path / "t.parquet")
    order = meta.topology.get("bringup_order")
    if order is None:
        pytest.skip("capture made before the lab recorded the bring-up order")
    trace = tmigr_trace.load(tmp_path / "t.parquet")
    assert trace.meta.origin == "lab"
    assert sorted(order) == sorted(meta.topology["possible"])
    connected = trace.df_event("tmigr_connect_cpu_parent")["target_cpu"].tolist()
    assert connected and order[-len(connected):] == connected
