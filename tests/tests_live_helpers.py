"""A real tracefs instance for tests: timer_migration events, mono clock, raw pointers, removed after."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

TRACEFS = Path("/sys/kernel/tracing")
WORKLOAD = """
import sys, threading, time, random
end = time.monotonic() + float(sys.argv[1])
def sleeper(seed):
    r = random.Random(seed)
    while time.monotonic() < end:
        time.sleep(r.choice((0.001, 0.003, 0.007, 0.02)))
        sum(range(r.randint(100, 20000)))
ts = [threading.Thread(target=sleeper, args=(s,)) for s in range(3)]
[t.start() for t in ts]; [t.join() for t in ts]
"""


def ensure_tracefs() -> Path:
    if not (TRACEFS / "instances").is_dir():
        subprocess.run(["mount", "-t", "tracefs", "nodev", str(TRACEFS)], check=True)
    return TRACEFS


def run_workload(seconds: float) -> None:
    """Threads that sleep with short global timers on both CPUs: idle churn with timers pending."""
    subprocess.run([sys.executable, "-c", WORKLOAD, str(seconds)], check=True)


@contextlib.contextmanager
def capture_instance(seconds: float = 1.0, name: str | None = None):
    tracefs = ensure_tracefs()
    inst = tracefs / "instances" / (name or f"tmigr-test-{os.getpid()}")
    inst.mkdir()
    try:
        (inst / "trace_clock").write_text("mono")
        (inst / "options" / "hash-ptr").write_text("0")
        (inst / "events" / "timer_migration" / "enable").write_text("1")
        run_workload(seconds)
        (inst / "tracing_on").write_text("0")
        yield inst
    finally:
        # `trace-cmd extract -B` removes the instance it extracted: nothing left to undo then.
        if inst.exists():
            (inst / "tracing_on").write_text("0")
            inst.rmdir()
