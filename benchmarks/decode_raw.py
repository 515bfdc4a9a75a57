"""Decode throughput of the binary ring-buffer reader (events/s) from saved raw pages.

    python benchmarks/decode_raw.py [CAPTURE.tar.gz] [--repeat N]

The pages of the capture (default: fixtures/live-6.18/capture-2cpu.tar.gz) are repeated to
about 100 MB and decoded in 2048-page chunks, as the importer does.
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
import time
from pathlib import Path

from tmigr_trace.collectors.ringbuffer import Decoder, PageLayout
from tmigr_trace.importers.capture_dir import _find_top, read_formats

HERE = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("capture", nargs="?", default=HERE / "fixtures/live-6.18/capture-2cpu.tar.gz")
    ap.add_argument("--mb", type=int, default=100)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        with tarfile.open(a.capture) as tf:
            tf.extractall(d, filter="data")
        top = _find_top(Path(d))
        layout = PageLayout.parse((top / "events/header_page").read_text())
        dec = Decoder(read_formats(top), layout)
        raw = max(((p, p.read_bytes()) for p in top.glob("per_cpu/*/raw")), key=lambda x: len(x[1]))[1]
    # keep only pages with data, repeat them
    P = layout.page_size
    pages = [raw[i:i + P] for i in range(0, len(raw), P)]
    blob = b"".join(pages) * max(1, (a.mb << 20) // max(1, len(raw)))
    chunk = 2048 * P
    t0 = time.perf_counter()
    n = 0
    for off in range(0, len(blob), chunk):
        _, k, _ = dec.decode(memoryview(blob)[off:off + chunk], 0, 0)
        n += k
    dt = time.perf_counter() - t0
    print(f"decoded {n:,} events from {len(blob) / 2**20:.0f} MiB of pages in {dt:.2f}s: "
          f"{n / dt / 1e6:.2f} M events/s, {len(blob) / dt / 2**20:.0f} MiB/s")


if __name__ == "__main__":
    main()
