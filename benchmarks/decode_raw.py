"""Decode throughput of the binary ring-buffer reader (events/s) from saved raw pages.

    python benchmarks/decode_raw.py [CAPTURE.tar.gz] [--mb 100] [--chunk-pages 256] [--reference]

The pages of the capture (default: fixtures/live-6.18/capture-2cpu.tar.gz, its largest CPU) are
repeated to about 100 MiB and decoded in chunks of ``--chunk-pages`` pages (default: the importer's
``CHUNK_PAGES``) into store columns, as the importer and the live capture do. ``--reference``
times the pure-Python (numpy) page walk instead of the C extension. Capture loss at the highest
event rate is measured by ``benchmarks/capture_loss.py``.
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
import time
from pathlib import Path

from tmigr_trace.collectors import ringbuffer
from tmigr_trace.collectors.ringbuffer import Decoder, PageLayout
from tmigr_trace.importers.capture_dir import CHUNK_PAGES, _find_top, read_formats

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("capture", nargs="?", default=HERE / "fixtures/live-6.18/capture-2cpu.tar.gz")
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--chunk-pages", type=int, default=CHUNK_PAGES)
    ap.add_argument("--reference", action="store_true", help="the pure-Python page walk, not the C extension")
    ap.add_argument("--rounds", type=int, default=3, help="best of N rounds (the box is shared)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        with tarfile.open(a.capture) as tf:
            tf.extractall(d, filter="data")
        top = _find_top(Path(d))
        layout = PageLayout.parse((top / "events/header_page").read_text())
        dec = Decoder(read_formats(top), layout, fast=not a.reference)
        raw = max(((p, p.read_bytes()) for p in top.glob("per_cpu/*/raw")), key=lambda x: len(x[1]))[1]
    P = layout.page_size
    blob = raw * max(1, (a.mb << 20) // max(1, len(raw)))
    chunk = a.chunk_pages * P
    best = None
    rounds = []
    cpu_best = None
    for _ in range(a.rounds):
        t0 = time.perf_counter()
        c0 = time.process_time()
        n = 0
        for off in range(0, len(blob), chunk):
            _, k, _ = dec.decode(memoryview(blob)[off:off + chunk], 0, 0)
            n += k
        dt = time.perf_counter() - t0
        ct = time.process_time() - c0
        best = dt if best is None else min(best, dt)
        cpu_best = ct if cpu_best is None else min(cpu_best, ct)
        rounds.append(f"{n / dt / 1e6:.2f}")
    walk = "reference (numpy)" if a.reference else f"C extension ({'built' if ringbuffer.AVAILABLE else 'NOT built'})"
    print(f"{walk}, {a.chunk_pages}-page chunks: decoded {n:,} events from {len(blob) / 2**20:.0f} MiB of pages "
          f"in {best:.2f}s (best of {a.rounds}): {n / best / 1e6:.2f} M events/s, {len(blob) / best / 2**20:.0f} MiB/s "
          f"(rounds: {', '.join(rounds)} M events/s; CPU time {n / cpu_best / 1e6:.2f} M events/s)")


if __name__ == "__main__":
    main()
