"""`tmigr-trace capture` under SIGINT, SIGTERM, SIGHUP and SIGKILL at random points (start-up,
instance creation, recording, draining), on this machine's tracefs: the tracing state (leftover
instances, enabled events, tracing_on, buffer sizes, options, clock) is the same after as before;
after SIGKILL the next command, of any kind, removes what was left. The points are drawn from a
fixed seed (the same on every run); the output is either absent or a valid trace, never a partial."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tmigr_trace

from capture_helpers import TRACEFS, live_ok
from capture_helpers import tracing_state as _tracing_state
from conftest import HOST_618

pytestmark = [pytest.mark.live, pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")]

def tracing_state() -> dict:
    """The tracing state the capture could change. The top-level ``tracing_on`` is left out: the
    capture never writes it (collectors/live.py writes only inside its own instance), and other
    users of this shared box toggle it while these tests run."""
    state = _tracing_state()
    state.pop("tracing_on", None)
    return state


SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL)
_rng = random.Random(12)
# (signal, delay after the start in s): 0-0.4 s hits Python start-up and the instance creation
POINTS = [(sig, round(_rng.uniform(0.0, 0.4) if i % 2 else _rng.uniform(0.4, 2.5), 3))
          for i, sig in enumerate(SIGNALS * 3)]


@pytest.mark.parametrize("sig,delay", POINTS, ids=[f"{signal.Signals(s).name}-{d}s" for s, d in POINTS])
def test_capture_signal_at_a_random_point_leaves_tracing_as_it_was(tmp_path: Path, sig: int, delay: float):
    env = {**os.environ, "TMIGR_TRACE_STATE_DIR": str(tmp_path / "state")}
    before = tracing_state()
    out = tmp_path / "cap.parquet"
    p = subprocess.Popen([sys.executable, "-m", "tmigr_trace", "capture", "-q", "-d", "30s", "-o", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(delay)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    if sig == signal.SIGKILL:
        # the next command of any kind cleans up (here: an import)
        nxt = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", HOST_618 / "trace.txt.gz", "-o",
                              tmp_path / "next.parquet"], capture_output=True, text=True, env=env)
        assert nxt.returncode == 0, nxt.stderr
        assert not (TRACEFS / f"instances/tmigr-trace-{p.pid}").exists()
    else:
        # stopped (a valid capture, exit 0), interrupted while starting (exit 128 + signal, one
        # line), or killed before Python installed its handlers (nothing was made yet)
        assert p.returncode in (0, 128 + sig, -sig, 130), (p.returncode, err)
        assert "Traceback" not in err
        if p.returncode > 0:
            assert len(err.strip().splitlines()) == 1, err
        if p.returncode == 0:
            assert tmigr_trace.load(out).meta.extra["capture"]["stop"] == signal.Signals(sig).name
    assert tracing_state() == before
    if out.exists():
        assert tmigr_trace.load(out).num_events >= 0
    left = [q.name for q in tmp_path.iterdir() if ".partial-" in q.name or q.name.endswith(".lock")]
    assert left == []


def test_full_disk_during_capture_is_one_line_and_leaves_tracing_as_it_was(tmp_path: Path):
    """A full disk during capture gave a traceback. A one-page (4 KiB) tmpfs fills with the first row group
    or the footer (the tracepoint formats alone are larger)."""
    d = tmp_path / "full"
    d.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(d)]).returncode != 0:
        pytest.skip("mount -t tmpfs failed here")
    try:
        before = tracing_state()
        p = subprocess.run([sys.executable, "-m", "tmigr_trace", "capture", "-q", "-d", "2s", "--with-context",
                            "-o", str(d / "cap.parquet")], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "TMIGR_TRACE_STATE_DIR": str(tmp_path / "state")})
        assert p.returncode == 2, p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "No space left on device" in lines[0] and "Traceback" not in p.stderr
        assert list(d.iterdir()) == []
        assert tracing_state() == before
    finally:
        subprocess.run(["umount", str(d)])
