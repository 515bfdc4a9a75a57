"""From per-CPU page streams to time-ordered store batches (shared by live capture and import).

Each CPU's buffer is in time order; the store wants one table in global time order (the replay
reads it in stored order). :class:`PageStreams` decodes each CPU's pages as they come and merges:
a row is emitted once no CPU can still deliver an earlier one, i.e. below a *watermark* given by
the caller (live: the clock at the start of the last poll minus a margin; import: the smallest
last-decoded time among the CPUs that still have data). Memory stays bounded by the rate times
the margin, whatever the length of the capture.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tmigr_trace.arrow_np import column_values, from_numpy, strings, take_table
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.store import conform

from .ringbuffer import Decoder, PageLayout, PageStats, Records


def _sorted(ts: np.ndarray) -> bool:
    return ts.size < 2 or bool((ts[1:] >= ts[:-1]).all())


def parse_saved_cmdlines(text: str) -> dict[int, str]:
    out: dict[int, str] = {0: "<idle>"}
    for line in text.splitlines():
        pid, _, comm = line.strip().partition(" ")
        if pid.isdigit() and comm:
            out[int(pid)] = comm
    return out


class PageStreams:
    def __init__(self, formats: dict[str, str], layout: PageLayout):
        self.decoder = Decoder(formats, layout)
        self.layout = layout
        self.page = layout.page_size
        self.partial: dict[int, bytes] = {}
        self.seq: dict[int, int] = {}
        self.stats: dict[int, PageStats] = {}
        self.pending: list[pa.Table] = []           # decoded chunks (reference decoder)
        self.pending_records: list[Records] = []    # walked chunks (fast decoder)
        self.last_ts: dict[int, int] = {}
        self.comms: dict[int, str] = {0: "<idle>"}
        self.unknown_comm: str | None = None  # comm of a pid not in `comms` (trace.dat: "<...>")
        self.events = 0
        self._comm_table: tuple[dict[int, str], np.ndarray, list[str]] | None = None

    def feed(self, cpu: int, data: bytes) -> int:
        """Add bytes read from CPU ``cpu``'s raw pipe (any split); returns events decoded."""
        held = self.partial.pop(cpu, None)
        buf = held + data if held else data  # whole pages (trace.dat, capture files): no copy
        whole = len(buf) - len(buf) % self.page
        if whole < len(buf):
            self.partial[cpu] = bytes(buf[whole:])  # a copy: the caller may reuse its buffer
        if whole == 0:
            return 0
        st = self.stats.setdefault(cpu, PageStats())
        if self.decoder.fast:  # records now, columns once per merged batch (emit)
            rec, nxt = self.decoder.walk_records(memoryview(buf)[:whole], cpu, self.seq.get(cpu, 0), st)
            n = len(rec)
            if n:
                self.pending_records.append(rec)
                self.last_ts[cpu] = int(rec.ts[-1])
        else:
            cols, n, nxt = self.decoder.decode(memoryview(buf)[:whole], cpu, self.seq.get(cpu, 0), st)
            if n:
                self.pending.append(conform(cols, n))
                self.last_ts[cpu] = int(cols["ts"][-1])
        self.seq[cpu] = nxt
        self.events += n
        return n

    def write_ready(self, writer, cpus) -> None:
        """Write what every CPU in ``cpus`` has passed: the merge is complete up to the slowest
        one's last time stamp (readers that walk the CPUs' pages in turn)."""
        marks = [self.last_ts.get(c) for c in cpus]
        if cpus and all(m is not None for m in marks):
            t = self.emit(min(marks))
            if t is not None:
                writer.write(t)

    def emit(self, watermark: int | None) -> pa.Table | None:
        """Rows with ts < watermark (all rows when None), sorted by (ts, cpu, seq).

        Each pending table is one decoded chunk of one CPU, in that CPU's time order, so the rows
        below the watermark are a prefix of it: split with a binary search and zero-copy slices
        (a chunk whose times go backwards is split with a mask), then merge the prefixes.
        """
        if self.pending_records:
            return self._emit_records(watermark)
        if not self.pending:
            return None
        ready, keep = [], []
        for t in self.pending:
            if watermark is None:
                ready.append(t)
                continue
            ts = column_values(t.column("ts"))
            if _sorted(ts):
                k = int(np.searchsorted(ts, watermark, side="left"))
                if k:
                    ready.append(t.slice(0, k))
                if k < t.num_rows:
                    keep.append(t.slice(k))
            else:
                later = ts >= watermark
                if (~later).any():
                    ready.append(t.filter(from_numpy(~later, pa.bool_())))
                if later.any():
                    keep.append(t.filter(from_numpy(later, pa.bool_())))
        self.pending = keep
        if not ready:
            return None
        # In (cpu, chunk) order the rows are in (cpu, seq) order, so a stable sort on ts alone gives
        # (ts, cpu, seq); each CPU's rows are one sorted run, which the stable sort merges in O(n).
        ready.sort(key=lambda part: part.column("cpu")[0].as_py())
        t = pa.concat_tables(ready).unify_dictionaries().combine_chunks() if len(ready) > 1 else ready[0]
        order = np.argsort(column_values(t.column("ts")), kind="stable")
        if not np.array_equal(order, np.arange(order.size)):
            t = take_table(t, order)  # numpy gathers: all-null columns stay as they are
        return self._with_comm(t)

    def _emit_records(self, watermark: int | None) -> pa.Table | None:
        """:meth:`emit` for the fast decoder: the records below the watermark are split off each
        CPU's pending chunks, merged in time order, and only then turned into store columns."""
        ready: list[Records] = []
        keep: list[Records] = []
        for rec in self.pending_records:
            if watermark is None:
                ready.append(rec)
                continue
            ts = rec.ts
            if rec.ordered is None:  # checked once per chunk, not at every emit it waits through
                rec.ordered = _sorted(ts)
            if rec.ordered:
                k = int(np.searchsorted(ts, watermark, side="left"))
                if k:
                    ready.append(rec.select(slice(0, k)))
                if k < ts.size:
                    keep.append(rec.select(slice(k, None)))
            else:
                later = ts >= watermark
                if not later.all():
                    ready.append(rec.select(~later))
                if later.any():
                    keep.append(rec.select(later))
        self.pending_records = keep
        if not ready:
            return None
        ready.sort(key=lambda part: int(part.cpu[0]))  # (cpu, chunk) order: see emit
        cols, n = self.decoder.merged_columns(ready)
        return self._with_comm(conform(cols, n))

    def _comm_lookup(self) -> tuple[np.ndarray, list[str], np.ndarray | None]:
        """The pids with a saved name, sorted, their names, and a table pid -> rank in them (-1:
        none; None when a pid is negative or above 2^23, beyond any pid_max). Rebuilt when
        ``comms`` changed: a live capture merges saved_cmdlines at every poll."""
        if self._comm_table is None or self._comm_table[0] != self.comms:
            snapshot = dict(self.comms)
            pids = np.array(sorted(snapshot), dtype=np.int64)
            lut = None
            if not pids.size or (pids[0] >= 0 and pids[-1] < 1 << 23):
                lut = np.full(int(pids[-1]) + 1 if pids.size else 0, -1, dtype=np.int32)
                lut[pids] = np.arange(pids.size, dtype=np.int32)
            self._comm_table = (snapshot, pids, [snapshot[int(p)] for p in pids], lut)
        return self._comm_table[1], self._comm_table[2], self._comm_table[3]

    def _with_comm(self, t: pa.Table) -> pa.Table:
        """The comm column from the pid (a table lookup, else a binary search, in the saved
        names: no per-row Python)."""
        pids = column_values(t.column("pid"))
        known_pids, known_names, lut = self._comm_lookup()
        if lut is not None:
            inside = (pids >= 0) & (pids < lut.size)
            pos_c = np.where(inside, lut[np.where(inside, pids, 0)] if lut.size else -1, -1)
            found = pos_c >= 0
        else:
            pids = pids.astype(np.int64)
            pos = np.searchsorted(known_pids, pids)
            pos_c = np.minimum(pos, max(known_pids.size - 1, 0))
            found = (known_pids[pos_c] == pids) if known_pids.size else np.zeros(pids.size, dtype=bool)
        names = known_names + ([self.unknown_comm] if self.unknown_comm is not None else [])
        if not names:
            return t
        unknown = len(known_names)  # code of unknown_comm (when set)
        codes = np.where(found, pos_c, unknown)
        # only the names this batch uses go into its dictionary
        used = np.bincount(codes, minlength=len(names) + 1)[: len(names)] > 0
        if not used.any():
            return t
        remap = np.cumsum(used, dtype=np.int32) - 1
        idx = remap[np.minimum(codes, len(names) - 1)]
        valid = None if self.unknown_comm is not None else found
        comm = pa.DictionaryArray.from_arrays(from_numpy(idx, pa.int32(), valid),
                                              strings([names[i] for i in np.flatnonzero(used)]))
        return t.set_column(t.schema.get_field_index("comm"), "comm", comm)

    def finish_meta(self, meta: TraceMeta, buffer_stats: dict[str, dict] | None = None) -> None:
        """Lost events: exact from the buffer stats when known, else from the page flags."""
        unknown: dict[str, int] = {}
        for cpu, st in sorted(self.stats.items()):
            for tid, c in st.unknown_ids.items():
                unknown[f"id{tid}"] = unknown.get(f"id{tid}", 0) + c
            if st.missed_uncounted and not buffer_stats:
                meta.lost_unknown_cpus = sorted(set(meta.lost_unknown_cpus) | {cpu})
            if not buffer_stats and st.missed_counted:
                meta.add_lost(cpu, st.missed_counted)
        if buffer_stats:
            from .topology import lost_from_stats

            for cpu, s in buffer_stats.items():
                n = lost_from_stats(s)
                if n:
                    meta.lost_events[str(cpu)] = n
        for k, v in unknown.items():
            meta.unknown_events[k] = meta.unknown_events.get(k, 0) + v
        for cpu, st in sorted(self.stats.items()):
            meta.add_damaged("corrupt_pages", st.bad_pages, int(cpu))
        meta.extra.setdefault("pages", {})
        for cpu, st in sorted(self.stats.items()):
            meta.extra["pages"][str(cpu)] = {"pages": st.pages, "events": st.events, "missed_pages": st.missed_pages,
                                             "missed_counted": st.missed_counted, "corrupt_pages": st.bad_pages}
