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
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tmigr_trace.metadata import TraceMeta
from tmigr_trace.store import conform

from .ringbuffer import Decoder, PageLayout, PageStats


def _sorted(ts: np.ndarray) -> bool:
    return ts.size < 2 or bool((ts[1:] >= ts[:-1]).all())


def _take(t: pa.Table, order: np.ndarray) -> pa.Table:
    """``t.take(order)``, skipping the columns that are all null (most of the schema's, per batch)."""
    idx = pa.array(order)
    cols = [c if c.null_count == len(c) else pc.take(c, idx) for c in t.columns]
    return pa.Table.from_arrays(cols, schema=t.schema)


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
        self.pending: list[pa.Table] = []
        self.last_ts: dict[int, int] = {}
        self.comms: dict[int, str] = {0: "<idle>"}
        self.unknown_comm: str | None = None  # comm of a pid not in `comms` (trace.dat: "<...>")
        self.events = 0

    def feed(self, cpu: int, data: bytes) -> int:
        """Add bytes read from CPU ``cpu``'s raw pipe (any split); returns events decoded."""
        buf = self.partial.pop(cpu, b"") + data
        whole = len(buf) - len(buf) % self.page
        if whole < len(buf):
            self.partial[cpu] = buf[whole:]
        if whole == 0:
            return 0
        st = self.stats.setdefault(cpu, PageStats())
        cols, n, nxt = self.decoder.decode(memoryview(buf)[:whole], cpu, self.seq.get(cpu, 0), st)
        self.seq[cpu] = nxt
        if n:
            self.pending.append(conform(cols, n))
            self.last_ts[cpu] = int(cols["ts"][-1])
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
        if not self.pending:
            return None
        ready, keep = [], []
        for t in self.pending:
            if watermark is None:
                ready.append(t)
                continue
            ts = t.column("ts").to_numpy()
            if _sorted(ts):
                k = int(np.searchsorted(ts, watermark, side="left"))
                if k:
                    ready.append(t.slice(0, k))
                if k < t.num_rows:
                    keep.append(t.slice(k))
            else:
                later = ts >= watermark
                if (~later).any():
                    ready.append(t.filter(pa.array(~later)))
                if later.any():
                    keep.append(t.filter(pa.array(later)))
        self.pending = keep
        if not ready:
            return None
        # In (cpu, chunk) order the rows are in (cpu, seq) order, so a stable sort on ts alone gives
        # (ts, cpu, seq); each CPU's rows are one sorted run, which the stable sort merges in O(n).
        ready.sort(key=lambda part: part.column("cpu")[0].as_py())
        t = pa.concat_tables(ready).unify_dictionaries().combine_chunks() if len(ready) > 1 else ready[0]
        order = np.argsort(t.column("ts").to_numpy(), kind="stable")
        if not np.array_equal(order, np.arange(order.size)):
            t = _take(t, order)
        return self._with_comm(t)

    def _with_comm(self, t: pa.Table) -> pa.Table:
        pids = t.column("pid").to_numpy(zero_copy_only=False)
        codes, uniq = pd.factorize(pids, sort=False)
        names = [self.comms.get(int(p), self.unknown_comm) for p in uniq]
        if all(n is None for n in names):
            return t
        # a row whose pid has no name is null: indices into the dictionary of the known names
        known = np.array([n is not None for n in names], dtype=bool)
        remap = np.cumsum(known, dtype=np.int32) - 1
        idx = remap[codes]
        mask = None if known.all() else ~known[codes]
        comm = pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32(), mask=mask),
                                              pa.array([n for n in names if n is not None], pa.string()))
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
