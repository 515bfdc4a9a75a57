"""The ring-buffer page decoder: encoding corner cases (built by the kernel's rules) and real pages."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from tmigr_trace.collectors.ringbuffer import (RB_MISSED_EVENTS, RB_MISSED_STORED, Decoder, PageLayout,
                                               PageStats, lat_flags, parse_format)

HANDLE_REMOTE = """name: tmigr_handle_remote
ID: 499
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:void * group;\toffset:8;\tsize:8;\tsigned:0;
\tfield:unsigned int lvl;\toffset:16;\tsize:4;\tsigned:0;

print fmt: "group=%p lvl=%d", REC->group, REC->lvl
"""
LAYOUT = PageLayout()


def payload(group: int, lvl: int, pid: int = 7, flags: int = 0x10, pc: int = 0) -> bytes:
    return struct.pack("<HBBiQI", 499, flags, pc, pid, group, lvl) + b"\0" * 4  # 24 bytes


def rec(type_len: int, delta: int, body: bytes = b"") -> bytes:
    return struct.pack("<I", (delta << 5) | type_len) + body


def page(ts: int, records: bytes, missed: int | None = None, flag_only: bool = False) -> bytes:
    commit = len(records)
    tail = b""
    if missed is not None:
        commit |= RB_MISSED_EVENTS
        if not flag_only:
            commit |= RB_MISSED_STORED
            tail = struct.pack("<Q", missed)
    data = records + tail
    return struct.pack("<QQ", ts, commit) + data + b"\0" * (LAYOUT.data_size - len(data))


def decode(pages: bytes, seq0: int = 0):
    dec = Decoder({"tmigr_handle_remote": HANDLE_REMOTE}, LAYOUT)
    st = PageStats()
    cols, n, nxt = dec.decode(pages, 3, seq0, st)
    return cols, n, nxt, st


def test_format_parse():
    f = parse_format(HANDLE_REMOTE)
    assert (f.name, f.id, f.size) == ("tmigr_handle_remote", 499, 20)
    assert [(x.name, x.offset, x.size) for x in f.fields][-2:] == [("group", 8, 8), ("lvl", 16, 4)]


def test_small_big_extend_padding_and_absolute():
    g = 0xFFFF8881003D7580
    recs = (rec(6, 10, payload(g, 0))                                   # small event: type_len*4 = 24
            + rec(30, 5, struct.pack("<I", 3))                           # time extend: 3<<27 | 5
            + rec(0, 1, struct.pack("<I", 28) + payload(g, 1))           # type_len 0: array[0] = 24 + 4
            + rec(29, 4, struct.pack("<I", 24) + b"\0" * 20)             # discarded event (array[0]+4 bytes): delta counts
            + rec(31, 0, struct.pack("<I", 80))                          # absolute 80<<27
            + rec(6, 2, payload(g, 2)))
    cols, n, nxt, st = decode(page(1000, recs + rec(29, 0)))
    assert n == 3 and nxt == 3
    t1 = 1000 + 10
    t2 = t1 + (3 << 27) + 5 + 1
    assert list(cols["ts"]) == [t1, t2, (80 << 27) + 2]
    assert cols["lvl"].to_pylist() == [0, 1, 2]
    assert cols["group"].to_pylist() == [g] * 3
    assert cols["event"].to_pylist() == ["tmigr_handle_remote"] * 3
    assert cols["irq_flags"].to_pylist() == ["..s.."] * 3
    assert list(cols["pid"]) == [7, 7, 7]


def test_absolute_timestamp_keeps_the_msbs():
    base = (0x18 << 59) + 12345          # a clock with the 5 MSBs set (e.g. counter/x86-tsc)
    low = (base + 1000) & ((1 << 59) - 1)
    recs = rec(6, 0, payload(1, 0)) + rec(31, low & ((1 << 27) - 1), struct.pack("<I", low >> 27)) + rec(6, 0, payload(1, 1))
    cols, n, _, _ = decode(page(base, recs))
    assert [int(x) & ((1 << 64) - 1) for x in cols["ts"]] == [base, base + 1000]


def test_missed_events_make_a_seq_gap():
    p1 = page(100, rec(6, 1, payload(1, 0)) + rec(6, 1, payload(1, 0)))
    p2 = page(200, rec(6, 1, payload(1, 0)), missed=5)
    p3 = page(300, rec(6, 1, payload(1, 0)), missed=0, flag_only=True)
    cols, n, nxt, st = decode(p1 + p2 + p3, seq0=10)
    assert list(cols["seq"]) == [10, 11, 17, 19]
    assert (st.missed_pages, st.missed_counted, st.missed_uncounted) == (2, 5, 1)
    assert nxt == 20


def test_unknown_event_ids_are_counted_not_decoded():
    other = struct.pack("<HBBi", 12, 0, 0, 1) + b"\0" * 8
    cols, n, _, st = decode(page(0, rec(4, 1, other) + rec(6, 1, payload(1, 0))))
    assert n == 1 and st.unknown_ids == {12: 1}


def test_empty_and_many_pages():
    pages = page(0, b"") + b"".join(page(i * 1000, b"".join(rec(6, 1, payload(i, j)) for j in range(100))) for i in range(50))
    cols, n, _, _ = decode(pages)
    assert n == 5000
    assert np.all(np.diff(cols["ts"]) > 0)
    assert cols["group"].to_pylist()[::100] == list(range(50))


@pytest.mark.parametrize("flags,pc,text", [(0x01, 4, "d..4."), (0x01 | 0x04 | 0x20, 2, "dN.2."), (0x10, 0, "..s.."),
                                           (0x24 | 0x10, 0, ".Ns.."), (0x01, 0x15, "d..51"), (0x81, 0, "D....")])
def test_lat_flags(flags, pc, text):
    assert lat_flags(flags, pc) == text


def test_header_page_of_this_kernel_parses():
    from pathlib import Path

    p = Path("/sys/kernel/tracing/events/header_page")
    if not p.exists():
        pytest.skip("no tracefs")
    lay = PageLayout.parse(p.read_text())
    assert lay.page_size % 4096 == 0 and lay.data_offset == 16
