"""collectors/tmigr-capture.sh under busybox sh, for real: tarball layout, import, agreement, restore."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import tmigr_trace
from tmigr_trace.collectors.topology import snapshot

from capture_helpers import TRACEFS, WORKLOAD, diff_columns, live_ok, per_cpu, tracing_state, usecs

pytestmark = [pytest.mark.live, pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")]
SCRIPT = Path(__file__).resolve().parent.parent / "collectors" / "tmigr-capture.sh"
SH = [shutil.which("busybox"), "sh"] if shutil.which("busybox") else ["sh"]


def sh(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*SH, str(SCRIPT), *map(str, args)], capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def text_capture(tmp_path_factory):
    d = tmp_path_factory.mktemp("sh")
    before = tracing_state()
    r = sh("run", "-q", "-t", "-d", "3", "-o", d / "cap.tar.gz", "--", sys.executable, "-c", WORKLOAD, "2.5")
    assert r.returncode == 0, r.stderr
    return d, before, tracing_state()


def test_tarball_layout(text_capture):
    d, before, after = text_capture
    assert before == after
    with tarfile.open(d / "cap.tar.gz") as tf:
        names = tf.getnames()
    top = names[0].split("/")[0]
    for rel in ("manifest", "events/header_page", "events/header_event", "trace.txt", "saved_cmdlines",
                "events/timer_migration/tmigr_cpu_idle/format", "per_cpu/cpu0/raw", "per_cpu/cpu0/stats",
                "topology/proc/cmdline", "topology/sys/devices/system/cpu/online"):
        assert f"{top}/{rel}" in names, rel


def test_binary_and_text_agree_event_for_event(text_capture, tmp_path):
    d = text_capture[0]
    r1 = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", d / "cap.tar.gz", "-o", tmp_path / "b.parquet"],
                        capture_output=True, text=True)
    assert r1.returncode == 0, r1.stderr
    with tarfile.open(d / "cap.tar.gz") as tf:
        tf.extractall(tmp_path / "x", filter="data")
    txt = next((tmp_path / "x").glob("*/trace.txt"))
    r2 = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", txt, "-o", tmp_path / "t.parquet"],
                        capture_output=True, text=True)
    assert r2.returncode == 0, r2.stderr
    b, t = tmigr_trace.load(tmp_path / "b.parquet"), tmigr_trace.load(tmp_path / "t.parquet")
    assert b.num_events == t.num_events > 0
    for cpu in (0, 1):
        bb, tt = per_cpu(b.table, cpu), per_cpu(t.table, cpu)
        assert bb.num_rows == tt.num_rows
        assert np.array_equal(usecs(bb["ts"].to_numpy()), tt["ts"].to_numpy() // 1000)
        assert diff_columns(bb, tt) == {}
    assert b.meta.pointer_mode == "raw" and b.meta.clock == "mono"
    assert b.meta.origin == "shell-collector"


def test_tarball_topology_is_the_live_snapshot(text_capture, tmp_path):
    d = text_capture[0]
    with tarfile.open(d / "cap.tar.gz") as tf:
        tf.extractall(tmp_path, filter="data")
    topo = snapshot(next(tmp_path.glob("*/topology")))
    live = snapshot("/")
    assert topo == live


def test_start_stop_phases_restore_state(tmp_path):
    before = tracing_state()
    r = sh("start", "-q", "-b", "1024", "-w", tmp_path)
    assert r.returncode == 0, r.stderr
    name = r.stdout.strip()
    assert name.startswith("tmigr-trace-") and (TRACEFS / "instances" / name).is_dir()
    assert (TRACEFS / "instances" / name / "trace_clock").read_text().count("[mono]") == 1
    assert (TRACEFS / "instances" / name / "options/hash-ptr").read_text().strip() == "0"
    subprocess.run([sys.executable, "-c", WORKLOAD, "1"])
    r = sh("stop", "-q", "-w", tmp_path, "-o", tmp_path / "s.tar")
    assert r.returncode == 0, r.stderr
    assert tracing_state() == before
    r = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", tmp_path / "s.tar", "-o", tmp_path / "s.parquet"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert tmigr_trace.load(tmp_path / "s.parquet").num_events > 0


def test_shell_interrupted_run_restores_and_still_writes(tmp_path):
    before = tracing_state()
    p = subprocess.Popen([*SH, str(SCRIPT), "run", "-q", "-d", "60", "-o", str(tmp_path / "i.tar.gz")],
                         stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    p.terminate()
    _, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert tracing_state() == before
    assert (tmp_path / "i.tar.gz").stat().st_size > 0


@pytest.mark.xfail(reason="open: on this box the live instance's per-CPU 'read events' count is lower than the "
                   "shell instance's over the same window (kernel stats, not decoding); under investigation",
                   strict=False)
def test_tarball_rows_equal_live_rows_on_the_same_window(tmp_path):
    """The shell collector and `tmigr-trace capture` record the same events at the same time (two
    instances); over the window both covered, their rows are the same (times within 50 us: each
    instance reads the clock itself)."""
    live_out = tmp_path / "live.parquet"
    holder = {}

    def run_live():
        holder["p"] = subprocess.run([sys.executable, "-m", "tmigr_trace", "capture", "-q", "-d", "5s", "-o", str(live_out)],
                                     capture_output=True, text=True)

    th = threading.Thread(target=run_live)
    th.start()
    time.sleep(1.0)
    r = sh("run", "-q", "-d", "2", "-o", tmp_path / "sh.tar.gz", "--", sys.executable, "-c", WORKLOAD, "2")
    th.join()
    assert r.returncode == 0, r.stderr
    assert holder["p"].returncode == 0, holder["p"].stderr
    r = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", tmp_path / "sh.tar.gz", "-o", tmp_path / "sh.parquet"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s, l = tmigr_trace.load(tmp_path / "sh.parquet"), tmigr_trace.load(live_out)
    assert s.meta.lost_total == 0 and l.meta.lost_total == 0
    compared = 0
    for cpu in (0, 1):
        ss, ll = per_cpu(s.table, cpu), per_cpu(l.table, cpu)
        if ss.num_rows < 3:
            continue
        # the shell capture's rows away from its edges must appear, in order, in the live capture
        sts, lts = ss["ts"].to_numpy(), ll["ts"].to_numpy()
        inner = np.nonzero((sts > sts[0] + 100_000_000) & (sts < sts[-1] - 100_000_000))[0]
        if inner.size == 0:
            continue
        a, z = inner[0], inner[-1] + 1
        j = int(np.argmin(np.abs(lts - sts[a])))
        seg_s, seg_l = ss.slice(a, z - a), ll.slice(j, z - a)
        assert seg_l.num_rows == seg_s.num_rows
        assert np.abs(seg_l["ts"].to_numpy() - seg_s["ts"].to_numpy()).max() < 50_000
        assert diff_columns(seg_s, seg_l) == {}
        compared += seg_s.num_rows
    assert compared > 0
    assert s.meta.topology == {**l.meta.topology, "buffer_stats": s.meta.topology["buffer_stats"]}
