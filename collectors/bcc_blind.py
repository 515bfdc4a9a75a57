"""The BCC collector's blind intervals: which keep their ``seq`` gap, the rows' numbering that
follows, and what the capture's metadata says of them (docs/bcc.md, "Tasks BPF cannot see").

The kernel side (collectors/bcc_program.py) finds the intervals in which no BPF program ran and
gives each a ``seq`` number; :class:`GapCloser` decides, with the ftrace witness
(:mod:`.bcc_witness`), which of them give that number back, and renumbers the rows accordingly
before they are written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from .bcc_program import BlindInterval
from .bcc_witness import BlindWitness

if TYPE_CHECKING:
    from .bcc_capture import CpuCounts

BLIND_HOW = ("a handler on sched:sched_switch notes the task switched in; when the next event a handler sees "
             "on that CPU is another task's, no BPF program ran while that task was current (the kernel "
             "gives none of its events to BPF): [switch-in, that event] is blind, and holds one seq no row "
             "has (docs/bcc.md, 'Tasks BPF cannot see')")
WITNESS_HOW = ("an ftrace instance records the capture's tracepoints for the blind tasks only (set_event_pid, "
               "each added when its first blind interval is found); an interval of a task watched since before "
               "it, read past its end, with no event of the task in it and nothing lost, gives its seq back")
MAX_BLIND_KEPT = 100_000  # intervals listed in the metadata (all are counted per CPU and task)

class GapCloser:
    """The blind intervals' fate and the rows' ``seq`` that follows from it. An interval is decided
    once its end is below the merge watermark (so before any row after it is written): closed when
    the witness (:mod:`.bcc_witness`) proves the task had no event in it, else kept. A kept one
    keeps its seq gap; a closed one gives its seq number back: every later row of its CPU is
    renumbered one lower, so the gaps the replay sees are the drops and the kept intervals."""

    def __init__(self, witness: BlindWitness | None) -> None:
        self.witness = witness
        self.undecided: list[BlindInterval] = []
        self.closed: dict[int, list[int]] = {}            # cpu -> closed seqs (kernel numbering), sorted
        self.decided: list[tuple[BlindInterval, bool, dict[str, int]]] = []

    def add(self, found: list[BlindInterval]) -> None:
        self.undecided.extend(found)
        if self.witness is not None and found:
            self.witness.watch({b.pid for b in found})

    def decide(self, watermark: int | None) -> None:
        """Decides every interval that ended before ``watermark`` (all of them with None)."""
        if self.witness is not None:
            self.witness.poll(final=watermark is None)
        keep = []
        for b in sorted(self.undecided, key=lambda b: (b.cpu, b.seq)):
            if watermark is not None and b.end_ns >= watermark:
                keep.append(b)
                continue
            v = self.witness.verdict(b.cpu, b.start_ns, b.end_ns, b.pid) if self.witness is not None else None
            seen: dict[str, int] = {}
            for w in (v.events if v else []):
                seen[w.event] = seen.get(w.event, 0) + 1
            closed = bool(v and v.clear)
            if closed:
                lst = self.closed.setdefault(b.cpu, [])
                lst.insert(int(np.searchsorted(lst, b.seq)), b.seq)
            self.decided.append((b, closed, seen))
        self.undecided = keep
        if self.witness is not None and watermark is not None and self.witness.read_until >= watermark:
            self.witness.forget(watermark)

    def renumber(self, t: pa.Table) -> pa.Table:
        """``t`` with each row's seq lowered by the closed gaps before it on its CPU."""
        if not self.closed:
            return t
        seq = t.column("seq").to_numpy().copy()
        cpu = t.column("cpu").to_numpy()
        for c, lst in self.closed.items():
            rows = cpu == c
            if rows.any():
                seq[rows] -= np.searchsorted(np.asarray(lst, dtype=np.int64), seq[rows])
        return t.set_column(t.schema.get_field_index("seq"), "seq", pa.array(seq, t.schema.field("seq").type))

    def new_seq(self, b: BlindInterval) -> int:
        return b.seq - int(np.searchsorted(np.asarray(self.closed.get(b.cpu, []), dtype=np.int64), b.seq))


def blind_summary(gaps: GapCloser, counts: dict[int, CpuCounts], checked: bool, stop_ns: int | None) -> dict:
    """What the capture could not see, for ``meta.extra.capture.blind``: per CPU and per task the
    blind intervals (count, ns), the intervals themselves ([cpu, start_ns, end_ns, pid, comm, seq,
    witnessed]: seq the gap's number in the rows' numbering, null when the witness closed it;
    witnessed the events the witness saw there, by name), time order, at most MAX_BLIND_KEPT, and
    per CPU the task switched in last and not seen before the window closed (``open_at_stop``:
    [cpu, since_ns, stop_ns, pid, comm]; blind or not, unknown)."""
    if not checked:
        return {"checked": False, "why": "no usable sched:sched_switch format: blind intervals not detected"}
    by_task: dict[str, list[int]] = {}
    witnessed: dict[str, int] = {}
    rows = []
    for b, closed, seen in sorted(gaps.decided, key=lambda d: (d[0].start_ns, d[0].cpu)):
        t = by_task.setdefault(f"{b.comm}-{b.pid}", [0, 0])
        t[0] += 1
        t[1] += b.end_ns - b.start_ns
        for k, n in seen.items():
            witnessed[k] = witnessed.get(k, 0) + n
        rows.append([b.cpu, b.start_ns, b.end_ns, b.pid, b.comm, None if closed else gaps.new_seq(b), seen])
    w = gaps.witness
    return {
        "checked": True, "how": BLIND_HOW,
        "intervals_total": sum(c.blind_n for c in counts.values()),
        "ns_total": sum(c.blind_ns for c in counts.values()),
        "gaps_kept": sum(c.blind_n for c in counts.values()) - sum(len(v) for v in gaps.closed.values()),
        "per_cpu": {str(c): {"intervals": cc.blind_n, "ns": cc.blind_ns, "unrecorded": cc.blind_unrecorded,
                             "closed": len(gaps.closed.get(c, []))}
                    for c, cc in sorted(counts.items()) if cc.blind_n},
        "by_task": {k: {"intervals": n, "ns": ns} for k, (n, ns) in sorted(by_task.items())},
        "witness": None if w is None else {
            "instance": w.inst.name, "how": WITNESS_HOW, "watched_pids": sorted(w.watched),
            "events_seen_in_intervals": witnessed, "lost": w.lost_count, "error": w.error},
        "intervals": rows[:MAX_BLIND_KEPT],
        "open_at_stop": [[c, cc.pending[2], stop_ns, cc.pending[0], cc.pending[1]]
                         for c, cc in sorted(counts.items()) if cc.pending is not None and stop_ns is not None],
    }
