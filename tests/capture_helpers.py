"""Helpers for the live capture tests: top-level tracing state, workload, and row comparison."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TRACEFS = Path("/sys/kernel/tracing")
WORKLOAD = """
import sys, threading, time, random, os
end = time.monotonic() + float(sys.argv[1])
def sleeper(seed, cpu):
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        pass
    r = random.Random(seed)
    while time.monotonic() < end:
        time.sleep(r.choice((0.0005, 0.002, 0.005, 0.013)))
        sum(range(r.randint(100, 3000)))
ts = [threading.Thread(target=sleeper, args=(s, s % os.cpu_count())) for s in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
"""


def live_ok() -> bool:
    import os

    return os.geteuid() == 0 and (TRACEFS / "instances").is_dir() and (TRACEFS / "events/timer_migration").is_dir()


def tracing_state() -> dict[str, str]:
    """The top-level tracing state a capture must leave byte-identical."""
    out = {}
    for f in ("set_event", "tracing_on", "current_tracer", "buffer_size_kb", "trace_options", "trace_clock",
              "tracing_cpumask", "buffer_percent", "options/hash-ptr", "options/overwrite"):
        p = TRACEFS / f
        if p.exists():
            out[f] = p.read_text()
    out["instances"] = " ".join(sorted(p.name for p in (TRACEFS / "instances").iterdir()))
    enabled = []
    for p in sorted((TRACEFS / "events").glob("*/enable")):
        enabled.append(f"{p.parent.name}={p.read_text().strip()}")
    out["events/*/enable"] = hashlib.sha1(" ".join(enabled).encode()).hexdigest()
    return out


def per_cpu(table: pa.Table, cpu: int) -> pa.Table:
    return table.filter(pc.equal(table["cpu"], cpu))


def plain(col: pa.ChunkedArray) -> list:
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    return col.to_pylist()


def diff_columns(a: pa.Table, b: pa.Table, skip=("ts", "seq", "tgid")) -> dict[str, int]:
    """Columns whose values differ between two equally long tables -> number of differing rows."""
    bad = {}
    for c in a.column_names:
        if c in skip:
            continue
        x, y = plain(a[c]), plain(b[c])
        n = sum(1 for u, v in zip(x, y) if u != v)
        if n:
            bad[c] = n
    return bad


def usecs(ts: np.ndarray) -> np.ndarray:
    """The kernel prints ns2usecs(ts): rounded to the nearest microsecond."""
    return (ts + 500) // 1000
