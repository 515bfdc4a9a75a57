"""The C page walk (collectors/_ringbuffer.c) against the pure-Python reference walk.

Both decoders must give identical columns, event counts, seq numbering and page statistics on
real raw pages (this box's 6.18 capture, the lab's 6.12 / 7.x guests), on the hand-built corner
cases of test_ringbuffer.py and on corrupted copies of real pages.
"""

from __future__ import annotations

import struct
import tarfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from tmigr_trace.collectors import ringbuffer
from tmigr_trace.collectors.ringbuffer import Decoder, PageLayout, PageStats
from tmigr_trace.importers.capture_dir import _find_top, read_formats

from test_ringbuffer import HANDLE_REMOTE, LAYOUT, page, payload, rec

pytestmark = pytest.mark.skipif(not ringbuffer.AVAILABLE, reason="C extension not built (pip install -e .)")
FIX = Path(__file__).resolve().parent.parent / "fixtures"
CAPTURES = sorted([FIX / "live-6.18/capture-2cpu.tar.gz", *(FIX / "lab").glob("*.tar.gz")])


def both(formats, layout, buf, seq0=0, cpu=0):
    out = []
    for fast in (True, False):
        dec = Decoder(formats, layout, fast=fast)
        assert dec.fast is fast
        st = PageStats()
        cols, n, nxt = dec.decode(buf, cpu, seq0, st)
        out.append((cols, n, nxt, st))
    return out


def plain(v):
    if isinstance(v, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_dictionary(v.type):
            v = v.cast(pa.string())
        return v.to_pylist()
    return np.asarray(v).tolist()


def assert_same(fast, ref):
    (fc, fn, fnxt, fst), (rc, rn, rnxt, rst) = fast, ref
    assert (fn, fnxt) == (rn, rnxt)
    assert fst == rst
    assert set(fc) == set(rc)
    for k in rc:
        a, b = plain(fc[k]), plain(rc[k])
        assert a == b, k
        if isinstance(rc[k], np.ndarray):
            assert np.asarray(fc[k]).dtype == rc[k].dtype, k
        else:
            assert fc[k].type == rc[k].type, k


def load(path: Path, tmp_path: Path):
    try:
        with tarfile.open(path) as tf:
            tf.extractall(tmp_path, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:  # a lab fixture being rewritten right now
        pytest.skip(f"{path.name} unreadable ({exc})")
    top = _find_top(tmp_path)
    layout = PageLayout.parse((top / "events/header_page").read_text())
    raws = {int(p.parent.name[3:]): p.read_bytes() for p in top.glob("per_cpu/cpu*/raw")}
    return read_formats(top), layout, raws


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_real_pages_decode_identically(capture, tmp_path):
    formats, layout, raws = load(capture, tmp_path)
    total = 0
    for cpu, raw in sorted(raws.items()):
        if not raw:
            continue
        fast, ref = both(formats, layout, raw, seq0=5, cpu=cpu)
        assert_same(fast, ref)
        total += fast[1]
    assert total > 0


@pytest.mark.parametrize("capture", CAPTURES[:1] + CAPTURES[-1:], ids=lambda p: p.name)
def test_corrupted_real_pages_decode_identically(capture, tmp_path):
    """Random byte flips (headers, lengths, commit words): both walks follow the same rules."""
    formats, layout, raws = load(capture, tmp_path)
    raw = bytearray(max(raws.values(), key=len))
    rng = np.random.default_rng(12)
    for _ in range(40):
        bad = bytearray(raw)
        for pos in rng.integers(0, len(bad), size=max(1, len(bad) // 300)):
            bad[pos] = int(rng.integers(0, 256))
        fast, ref = both(formats, layout, bytes(bad))
        assert_same(fast, ref)


HR = {"tmigr_handle_remote": HANDLE_REMOTE}


@pytest.mark.parametrize("case", ["mixed", "abs_msb", "missed", "unknown", "empty_many", "overflow", "short_tail"])
def test_corner_case_pages_decode_identically(case):
    g = 0xFFFF8881003D7580
    if case == "mixed":
        buf = page(1000, rec(6, 10, payload(g, 0)) + rec(30, 5, struct.pack("<I", 3))
                   + rec(0, 1, struct.pack("<I", 28) + payload(g, 1)) + rec(29, 4, struct.pack("<I", 24) + b"\0" * 20)
                   + rec(31, 0, struct.pack("<I", 80)) + rec(6, 2, payload(g, 2)) + rec(29, 0))
    elif case == "abs_msb":
        base = (0x18 << 59) + 12345
        low = (base + 1000) & ((1 << 59) - 1)
        buf = page(base, rec(6, 0, payload(1, 0)) + rec(31, low & ((1 << 27) - 1), struct.pack("<I", low >> 27))
                   + rec(6, 0, payload(1, 1)))
    elif case == "missed":
        buf = (page(100, rec(6, 1, payload(1, 0)) * 2) + page(200, rec(6, 1, payload(1, 0)), missed=5)
               + page(300, rec(6, 1, payload(1, 0)), missed=0, flag_only=True))
    elif case == "unknown":
        buf = page(0, rec(4, 1, struct.pack("<HBBi", 12, 0, 0, 1) + b"\0" * 8) + rec(6, 1, payload(1, 0)))
    elif case == "empty_many":
        buf = page(0, b"") + b"".join(page(i * 1000, b"".join(rec(6, 1, payload(i, j)) for j in range(100)))
                                      for i in range(50))
    elif case == "overflow":
        # commit claims more than the data area, a type_len 0 record with a huge length word
        buf = (struct.pack("<QQ", 5, 0xFFFFF) + rec(6, 1, payload(1, 0)) + rec(0, 2, struct.pack("<I", 0xFFFFFFF0)))
        buf += b"\0" * (LAYOUT.page_size - len(buf))
    else:
        # the last record of the last page ends at the end of the buffer: the payload slot (24
        # bytes for this event) reaches past it and is clamped, as the reference gathers it
        last = rec(0, 1, struct.pack("<I", 8 + 4) + struct.pack("<HBBi", 499, 0x10, 0, 3))
        pad = rec(29, 7, struct.pack("<I", 4060)) + b"\0" * (4064 - 8)
        buf = page(1, rec(6, 1, payload(9, 1))) + struct.pack("<QQ", 50, LAYOUT.data_size) + pad + last
        assert len(buf) == 2 * LAYOUT.page_size
    fast, ref = both(HR, LAYOUT, buf, seq0=3, cpu=2)
    assert_same(fast, ref)
    if case == "short_tail":
        assert fast[1] == 2 and plain(fast[0]["ts"]) == [2, 58] and plain(fast[0]["pid"]) == [7, 3]


def test_fast_path_is_the_default_when_built():
    assert Decoder(HR, LAYOUT).fast is True


def merged_both(formats, layout, raws: dict[int, bytes], chunk_pages: int = 7):
    """The CPUs' records walked in chunks and merged: the C gather (Decoder.merged_columns) and
    Records.merge then Decoder.columns (numpy), on the same records."""
    dec = Decoder(formats, layout, fast=True)
    parts, seq = [], {}
    P = layout.page_size
    for cpu, raw in sorted(raws.items()):
        for at in range(0, len(raw) - len(raw) % P, chunk_pages * P):
            rec, seq[cpu] = dec.walk_records(raw[at: at + chunk_pages * P], cpu, seq.get(cpu, 0))
            if len(rec):
                parts.append(rec)
    fast, n = dec.merged_columns(parts)
    merged = ringbuffer.Records.merge(parts)
    return (fast, n), (dec.columns(merged), len(merged))


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_merge_and_gather_equal_the_numpy_columns(capture, tmp_path):
    formats, layout, raws = load(capture, tmp_path)
    (fast, n), (ref, m) = merged_both(formats, layout, {c: r for c, r in raws.items() if r})
    assert n == m > 0
    assert set(fast) == set(ref)
    for k in ref:
        assert plain(fast[k]) == plain(ref[k]), k
        assert (fast[k].type if isinstance(fast[k], pa.Array) else np.asarray(fast[k]).dtype) == \
            (ref[k].type if isinstance(ref[k], pa.Array) else np.asarray(ref[k]).dtype), k


def test_merge_and_gather_on_corrupted_real_pages():
    """Flipped bytes (unknown ids, odd lengths, times that go back within a chunk): same columns."""
    capture = CAPTURES[0]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        formats, layout, raws = load(capture, Path(d))
    rng = np.random.default_rng(7)
    for _ in range(10):
        bad = {}
        for cpu, raw in raws.items():
            b = bytearray(raw)
            for pos in rng.integers(0, max(1, len(b)), size=max(1, len(b) // 400)):
                if b:
                    b[pos] = int(rng.integers(0, 256))
            bad[cpu] = bytes(b)
        (fast, n), (ref, m) = merged_both(formats, layout, {c: r for c, r in bad.items() if r})
        assert n == m
        for k in ref:
            assert plain(fast[k]) == plain(ref[k]), k
