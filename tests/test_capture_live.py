"""`tmigr-trace capture` for real on this box (root, tracefs, 6.18 with timer_migration events)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tmigr_trace
from tmigr_trace.collectors.topology import parse_cpulist

from capture_helpers import TRACEFS, WORKLOAD, live_ok, tracing_state

pytestmark = [pytest.mark.live, pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")]

CORE_EVENTS = {"tmigr_cpu_active", "tmigr_cpu_idle", "tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive",
               "tmigr_update_events", "tmigr_handle_remote"}


def capture_cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tmigr_trace", "capture", "-q", "-o", str(out), *extra]


@pytest.fixture(scope="module")
def live_capture(tmp_path_factory):
    out = tmp_path_factory.mktemp("cap") / "live.parquet"
    before = tracing_state()
    p = subprocess.run(capture_cmd(out, "-d", "4s", "--with-context", "--", sys.executable, "-c", WORKLOAD, "3"),
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out, before, tracing_state()


def test_capture_has_real_tmigr_content(live_capture):
    out, _, _ = live_capture
    t = tmigr_trace.load(out)
    df = t.df
    seen = set(df.event.astype(str))
    assert CORE_EVENTS <= seen, CORE_EVENTS - seen
    assert "cpu_idle" in seen  # --with-context
    assert set(df.cpu.unique()) == {0, 1}
    for cpu, g in df.groupby("cpu"):
        assert g.ts.is_monotonic_increasing and g.seq.is_monotonic_increasing
    assert df.ts.is_monotonic_increasing  # stored in global time order
    ptrs = df.loc[df.event.astype(str) == "tmigr_group_set_cpu_inactive", "group"].astype("uint64")
    assert len(ptrs) and (ptrs >= 0xFFFF800000000000).all()
    assert t.meta.pointer_mode == "raw" and t.meta.clock == "mono"
    assert t.meta.extra["capture"]["stop"].startswith("workload exited")
    # the mono clock is CLOCK_MONOTONIC: the capture happened within the last minute
    assert 0 < time.clock_gettime_ns(time.CLOCK_MONOTONIC) - df.ts.iloc[-1] < 60e9
    assert t.meta.lost_total == 0


def test_capture_topology_matches_sys(live_capture):
    t = tmigr_trace.load(live_capture[0])
    topo = t.meta.topology
    sysd = Path("/sys/devices/system/cpu")
    for key in ("possible", "present", "online"):
        assert topo[key] == parse_cpulist((sysd / key).read_text())
    for c in topo["online"]:
        assert topo["smt_siblings"][str(c)] == parse_cpulist((sysd / f"cpu{c}/topology/thread_siblings_list").read_text())
    assert topo["release"] == os.uname().release
    assert topo["cmdline"] == Path("/proc/cmdline").read_text().strip()
    if Path("/proc/config.gz").exists():
        assert topo["hz"] == int(topo["config"]["CONFIG_HZ"])
    assert set(topo["buffer_stats"]) == {str(c) for c in topo["online"]}
    assert set(t.meta.formats) >= {"tmigr_cpu_idle", "tmigr_update_events"}


def test_capture_restores_tracing_state_normal_exit(live_capture):
    _, before, after = live_capture
    assert before == after


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_capture_restores_state_on_signal_and_writes_valid_file(tmp_path, sig):
    before = tracing_state()
    out = tmp_path / "sig.parquet"
    p = subprocess.Popen(capture_cmd(out, "-d", "60s", "--", sys.executable, "-c", WORKLOAD, "60"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_instance(p.pid)
    time.sleep(1.0)
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    assert tracing_state() == before
    t = tmigr_trace.load(out)
    assert t.num_events > 0
    assert t.meta.extra["capture"]["stop"] == sig.name


def test_sigkilled_capture_is_cleaned_by_the_next_run(tmp_path):
    before = tracing_state()
    p = subprocess.Popen(capture_cmd(tmp_path / "k.parquet", "-d", "60s"), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _wait_for_instance(p.pid)
    p.kill()
    p.wait()
    assert (TRACEFS / f"instances/tmigr-trace-{p.pid}").is_dir()  # left behind by SIGKILL
    q = subprocess.run(capture_cmd(tmp_path / "next.parquet", "-d", "0.5s"), capture_output=True, text=True)
    assert q.returncode == 0, q.stderr
    assert not (TRACEFS / f"instances/tmigr-trace-{p.pid}").exists()
    assert tracing_state() == before


def test_text_fallback_capture(tmp_path):
    out = tmp_path / "text.parquet"
    p = subprocess.run(capture_cmd(out, "--text", "-d", "2s", "--", sys.executable, "-c", WORKLOAD, "1.5"),
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    t = tmigr_trace.load(out)
    df = t.df
    assert "tmigr_handle_remote" in set(df.event.astype(str))
    ptrs = df.loc[df.event.astype(str) == "tmigr_handle_remote", "group"].astype("uint64")
    assert len(ptrs) and (ptrs >= 0xFFFF800000000000).all()  # hash-ptr off in the instance
    assert t.meta.extra["capture"]["backend"] == "trace_pipe"


def test_capture_errors_are_one_line(tmp_path, cli):
    r = cli("capture", "-o", tmp_path / "x.parquet")
    assert r.returncode == 2 and "duration" in r.stderr and "Traceback" not in r.stderr
    r = cli("capture", "-d", "1s", "--cpus", "x-", "-o", tmp_path / "x.parquet")
    assert r.returncode == 2 and "CPU list" in r.stderr


def test_capture_needs_root_message(tmp_path):
    # the real CLI, in a process that has dropped root after importing (as `sudo -u nobody` would)
    code = ("import os, sys; from tmigr_trace.collectors.live import require_tracefs; "
            "from tmigr_trace.errors import TmigrError\n"
            "os.setgid(65534); os.setuid(65534)\n"
            "try:\n    require_tracefs()\nexcept TmigrError as e:\n    print('tmigr-trace: error:', e, file=sys.stderr); sys.exit(e.exit_code)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "root" in r.stderr and "sudo" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_doctor(cli):
    r = cli("doctor")
    assert r.returncode == 0
    assert "tmigr events" in r.stdout and "BCC" in r.stdout and "capture (binary" in r.stdout


def _wait_for_instance(pid: int, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if (TRACEFS / f"instances/tmigr-trace-{pid}/tracing_on").exists() and \
                (TRACEFS / f"instances/tmigr-trace-{pid}/tracing_on").read_text().strip() == "1":
            return
        time.sleep(0.05)
    raise AssertionError("capture instance did not appear")
