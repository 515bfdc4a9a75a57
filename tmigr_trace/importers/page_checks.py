"""Damage checks of ring-buffer pages read from a file, before they are decoded.

A trace.dat has no checksums, so damage is found from what an intact page must satisfy
(``struct buffer_data_page``, kernel/trace/ring_buffer.c; ``rb_event_length`` and the time
rules of ``rb_update_write_stamp``):

* the header: the data length in ``commit`` (its low 27 bits) fits the page, and the other bits
  are the RB_MISSED_* flags (31, 30), sign-extended into the upper half of a 64-bit ``local_t``;
* the records: every event record ends inside the committed data, its ``common_type`` is one of
  the file's event formats and its payload holds at least that event's fields;
* time: within a page record times never go back; a page starts no earlier than the previous
  intact page of the CPU ended, and its records end no later than where the next page starts
  (unless that next page is itself out of order: then the next page is the damaged one). When
  two pages overlap in time, either the first one's deltas or the second one's start is off:
  both are dropped.

A page that fails is not decoded: its records of known event types are counted as damaged (and
the CPU's ``seq`` skips that many, a gap as for a flagged loss), and the first reasons are kept
as examples. The last page of a CPU has no
successor, so a too-large time delta there cannot be told from a long idle period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from tmigr_trace.collectors.ringbuffer import RB_MISSED_EVENTS, Decoder, PageLayout, parse_format

MAX_EXAMPLES = 5
COMMIT_MASK = (1 << 27) - 1
_I64_MAX = (1 << 63) - 1


@dataclass
class CpuDamage:
    """What was found damaged in one CPU's data."""

    pages: int = 0          # pages not imported because they failed a check
    records: int = 0        # event records of known types found on those pages (an estimate when the walk is off)
    missing_bytes: int = 0  # bytes the file should hold but does not (truncation, bad chunks)
    reasons: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def note(self, reason: str, example: str) -> None:
        self.reasons[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(example)

    @property
    def any(self) -> bool:
        return bool(self.pages or self.missing_bytes)


class PayloadSizes:
    """common_type -> the smallest payload its format allows (-1: no such event in the file), and
    the largest (events without dynamic fields: the fixed struct and its padding; else 2^62).

    A file stores the format of every event of its kernel (thousands): a format is parsed the
    first time its id is met in a page, not before.
    """

    def __init__(self, formats: dict[int, tuple[str, str]]):
        self.formats = formats
        self.min = np.full(1 << 16, -1, dtype=np.int64)
        self.max = np.full(1 << 16, 1 << 62, dtype=np.int64)
        self._done = np.zeros(1 << 16, dtype=bool)

    def ensure(self, types: np.ndarray) -> None:
        # ids are u16: a table instead of np.unique (which imports numpy.ma, ~20 ms, on first use)
        new = np.flatnonzero(np.bincount(types[~self._done[types]], minlength=1 << 16)) if types.size else types
        for eid in new.tolist():
            self._done[eid] = True
            if eid not in self.formats:
                continue
            system, text = self.formats[eid]
            try:
                fmt = parse_format(text, system)
            except ValueError:
                continue
            # dynamic arrays (__data_loc) live after the fixed fields: the fixed part is the minimum
            fixed = max([8] + [f.offset + f.size for f in fmt.fields if "__data_loc" not in f.ctype])
            self.min[eid] = fixed
            if not any("__data_loc" in f.ctype or f.ctype.endswith("[]") for f in fmt.fields):
                # the struct is padded to 8 bytes and the record to the ring's alignment (4, or 8)
                self.max[eid] = -(-fixed // 8) * 8 + 8


class PageChecker:
    """Checks one CPU's pages chunk by chunk, holding back one page to know its successor's time."""

    def __init__(self, cpu: int, decoder: Decoder, layout: PageLayout, sizes: PayloadSizes, damage: CpuDamage):
        self.cpu = cpu
        self.decoder = decoder
        self.layout = layout
        self.payload = sizes
        self.suspect_next = False  # the previous page overlapped this one in time: one of them is off
        self.damage = damage
        self.held = b""          # the last page of the previous chunk (its successor not yet seen)
        self.prev_end: int | None = None  # time of the last record of the last intact page
        self.page_no = 0         # pages of this CPU checked so far (for the examples)

    def feed(self, data: bytes | memoryview, final: bool = False) -> list[tuple[memoryview, int]]:
        """Whole pages in; out, the runs of intact pages ready to decode, each with the number of
        events estimated on the damaged pages right after it (the caller's ``seq`` skips them,
        so the gap marks the loss as a flagged loss does)."""
        P = self.layout.page_size
        if self.held and len(data) >= P:
            # the held page is checked against the first new one on its own (a 2-page buffer), so
            # that the chunk is not copied behind it
            first = memoryview(data)[:P]
            head, self.held = self.held + bytes(first), b""
            return self._feed(memoryview(head), final=False) + self._feed(memoryview(data), final)
        return self._feed(memoryview(self.held + bytes(data) if self.held else data), final)

    def _feed(self, buf: memoryview, final: bool) -> list[tuple[memoryview, int]]:
        P = self.layout.page_size
        n = len(buf) // P
        ready = n if final else max(0, n - 1)
        self.held = b"" if final or n == 0 else bytes(buf[(n - 1) * P: n * P])
        if ready == 0:
            return []
        bad, events = self._check(buf, n, ready)
        self.page_no += ready
        runs, start, skipped = [], 0, 0
        for p in np.flatnonzero(bad).tolist():
            if p > start or skipped:
                runs.append((buf[start * P: p * P], 0))
            runs[-1:] = [(runs[-1][0], runs[-1][1] + int(events[p]))] if runs else [(buf[:0], int(events[p]))]
            start, skipped = p + 1, 1
        if start < ready:
            runs.append((buf[start * P: ready * P], 0))
        return runs

    def _check(self, buf, n: int, ready: int) -> tuple[np.ndarray, np.ndarray]:
        L, P = self.layout, self.layout.page_size
        pages = np.frombuffer(buf, dtype=np.uint8, count=n * P).reshape(n, P)
        hdr_ts = pages[:, L.ts_offset: L.ts_offset + 8].copy().view("<u8").ravel()
        commit = pages[:, L.commit_offset: L.commit_offset + L.commit_size].copy()
        commit = commit.view("<u8" if L.commit_size == 8 else "<u4").ravel().astype(np.uint64)
        # local_t commit: the length in the low 27 bits (libtraceevent's COMMIT_MASK), the RB_MISSED
        # flags in bits 31 and 30; a 64-bit local_t holds bit 31 sign-extended (local_add() of the
        # int 1 << 31), so bits 32-63 are all ones exactly when bit 31 is set
        length = commit & np.uint64(COMMIT_MASK)
        high = commit >> np.uint64(32)
        sign = (commit & np.uint64(RB_MISSED_EVENTS)) != 0
        high_ok = (high == 0) | (sign & (high == np.uint64(0xFFFFFFFF)))
        spare = (commit & np.uint64(0x38000000)) != 0  # bits 27-29: never set
        reasons: dict[int, str] = {}
        for p in np.flatnonzero((length[:ready] > L.data_size) | ~high_ok[:ready] | spare[:ready]):
            reasons[int(p)] = f"bad commit word {int(commit[p]):#x} (data length {int(length[p])}, page holds {L.data_size})"
        ix = self.decoder.index_records(memoryview(buf)[: ready * P])
        self.payload.ensure(ix.type)
        lo, hi = self.payload.min[ix.type], self.payload.max[ix.type]
        page_end = ix.page * P + L.data_offset + length[ix.page].astype(np.int64)
        checks = (
            (ix.offset + ix.length > page_end, "record runs past the committed data"),
            (lo < 0, "unknown event id"),
            ((ix.length < lo) | (ix.length < 8), "record shorter than its event"),
            (ix.length > hi, "record longer than its event"),
            (ix.ts > np.uint64(_I64_MAX), "time stamp beyond 2^63"),
        )
        same_page = np.r_[False, ix.page[1:] == ix.page[:-1]]
        back = same_page & np.r_[False, ix.ts[1:] < ix.ts[:-1]]
        for mask, why in checks + ((back, "time goes back inside the page"),):
            for i in np.flatnonzero(mask)[:64]:
                reasons.setdefault(int(ix.page[i]), why)
        counts = np.bincount(ix.page, minlength=ready)
        plausible = (lo >= 0) & (ix.length >= lo) & (ix.length <= hi)
        events = np.bincount(ix.page[plausible], minlength=ready)  # the estimate of a damaged page's events
        first = np.full(ready, -1, dtype=np.int64)
        last = np.full(ready, -1, dtype=np.int64)
        if ix.page.size:
            starts = np.flatnonzero(np.r_[True, ix.page[1:] != ix.page[:-1]])
            ends = np.r_[starts[1:], ix.page.size] - 1
            first[ix.page[starts]] = ix.ts[starts].astype(np.int64)
            last[ix.page[ends]] = ix.ts[ends].astype(np.int64)
        # time order across pages: one pass over the pages (a few per thousand records), on
        # Python lists (exact ints, and no numpy scalar per access)
        hts = hdr_ts.tolist()
        counts_l, last_l = counts.tolist(), last.tolist()
        intact = ((length <= L.data_size) & high_ok).tolist()
        for p in range(ready):
            if self.suspect_next and counts_l[p]:
                self.suspect_next = False
                reasons.setdefault(p, "overlaps the previous page in time")
            if p in reasons or counts_l[p] == 0:
                continue
            if self.prev_end is not None and hts[p] < self.prev_end:
                reasons[p] = "page starts before the previous page ended"
                continue
            if p + 1 < n and intact[p + 1]:
                nxt = hts[p + 1]
                plausible_next = self.prev_end is None or nxt >= self.prev_end
                if plausible_next and nxt >= hts[p] and last_l[p] > nxt:
                    # this page's deltas too large, or the next page's start too small: drop both
                    reasons[p] = "page ends after the next page starts"
                    self.suspect_next = True
                    continue
                if plausible_next and nxt < hts[p]:
                    reasons[p] = "page starts after the next page"
                    continue
            self.prev_end = last_l[p]
        bad = np.zeros(ready, dtype=bool)
        for p, why in sorted(reasons.items()):
            bad[p] = True
            self.damage.pages += 1
            self.damage.records += int(events[p])
            self.damage.note(why, f"CPU {self.cpu} page {self.page_no + p}: {why}")
        return bad, events
