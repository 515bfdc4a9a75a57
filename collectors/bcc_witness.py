"""An ftrace instance that watches the tasks BPF cannot see, for the BCC collector's blind intervals.

On some kernels no BPF program runs while certain tasks are current (docs/bcc.md, "Tasks BPF
cannot see"), but ftrace still records the interrupt and softirq events on their stacks. The BCC
capture finds those tasks' runs (blind intervals) as it goes; this witness is a private tracefs
instance (``instances/tmigr-trace-<pid>``, the ftrace collector's naming, so a stale one is
removed like theirs) recording the capture's tracepoints for those tasks only (``set_event_pid``,
their pids added as they are found). For a blind interval it tells whether those events were
there: none (a watched task, the instance read past the interval, nothing lost) lets the capture
close the interval's ``seq`` gap; some are counted by name. It never changes what BCC records.
"""

from __future__ import annotations

import bisect
import errno
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from tmigr_trace.importers.text import HEADER_RE, parse_ts

from .live import Instance

# no pid can be this (pid_max is at most 2^22): an empty set_event_pid would record every task
NO_TASK = 4194303
WATCH_BUFFER_KB = 1024
MARGIN_NS = 50_000  # ftrace's stamp is taken before the BPF one of the same call, by microseconds
POLL_NS = 100_000_000  # the merge watermark is 500 ms behind: reading every 100 ms keeps ahead of it
RETAIN_NS = 10_000_000_000  # events kept this long behind the watermark; a longer interval keeps its gap


@dataclass(frozen=True)
class Witnessed:
    """An event of a watched task, as the instance printed it (stamp to the microsecond)."""

    cpu: int
    ts_ns: int
    pid: int
    event: str


@dataclass
class Verdict:
    """What the witness says of one blind interval: ``clear`` (watched, read past, nothing lost,
    no event of the task in it) or not, and the events it saw there."""

    clear: bool
    events: list[Witnessed] = field(default_factory=list)
    why: str = ""


class BlindWitness:
    """The instance, its pid list and what it has printed so far (see module docstring)."""

    def __init__(self, tracefs: Path, events: list[str], cpus: list[int] | None) -> None:
        self.inst = Instance(tracefs)
        self.events = events
        self.cpus = cpus
        self.watched: dict[int, int] = {}     # pid -> CLOCK_MONOTONIC ns when it was added
        self.seen: dict[int, list[Witnessed]] = {}   # cpu -> events, in stamp order
        self.read_until = 0                    # every event stamped before this has been read
        self.fd: int | None = None
        self._partial = b""
        self.error: str | None = None
        self.lost_count = 0
        self.forgotten_before = 0

    def start(self) -> bool:
        """Create the instance (tracing nobody yet); False, with ``error`` set, if it cannot be."""
        try:
            enabled = self.inst.create(self.events, WATCH_BUFFER_KB, self.cpus, overwrite=False)
            (self.inst.path / "set_event_pid").write_text(f"{NO_TASK}\n")
            if set(enabled) != set(self.events):
                raise OSError(errno.EINVAL, f"could not enable {sorted(set(self.events) - set(enabled))}")
            (self.inst.path / "tracing_on").write_text("1")
            self.fd = os.open(self.inst.path / "trace_pipe", os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            self.error = f"no witness instance: {exc}"
            self.stop()
            return False
        return True

    def watch(self, pids: set[int]) -> None:
        """Record these tasks' events from now on."""
        new = sorted(p for p in pids if p not in self.watched and p > 0)
        if not new or self.fd is None:
            return
        try:  # os-level: Python's append mode seeks to the end, which tracefs refuses (EINVAL)
            fd = os.open(self.inst.path / "set_event_pid", os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, " ".join(map(str, new)).encode() + b"\n")
            finally:
                os.close(fd)
        except OSError as exc:
            self.error = f"set_event_pid: {exc}"
            return
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        for p in new:
            self.watched[p] = now

    def poll(self, final: bool = False) -> None:
        """Read everything the instance holds (without blocking), at most every POLL_NS unless
        ``final`` (the capture polls its ring much more often under load)."""
        if self.fd is None:
            return
        start = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        if not final and start - self.read_until < POLL_NS:
            return
        chunks = [self._partial]
        while True:
            try:
                b = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError as exc:
                self.error = f"trace_pipe: {exc}"
                return
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
        cut = data.rfind(b"\n") + 1
        self._partial = data[cut:]
        for line in data[:cut].decode("utf-8", "replace").splitlines():
            m = HEADER_RE.match(line)      # the text importer's event line
            if m:
                w = Witnessed(int(m["cpu"]), parse_ts(m["sec"], m["frac"]), int(m["pid"]), m["event"])
                lst = self.seen.setdefault(w.cpu, [])
                if lst and lst[-1].ts_ns > w.ts_ns:  # trace_pipe merges CPUs by stamp: rare
                    lst.insert(bisect.bisect_right([x.ts_ns for x in lst], w.ts_ns), w)
                else:
                    lst.append(w)
        self.lost_count = self.lost()
        self.read_until = start

    def lost(self) -> int:
        """Events the instance could not keep (its per-CPU stats: overrun and dropped)."""
        total = 0
        for stats in (self.inst.path / "per_cpu").glob("cpu*/stats"):
            try:
                text = stats.read_text()
            except OSError:
                continue
            for key in ("overrun", "dropped events"):
                m = re.search(rf"^{key}: (\d+)", text, re.M)
                total += int(m.group(1)) if m else 0
        return total

    def verdict(self, cpu: int, start_ns: int, end_ns: int, pid: int) -> Verdict:
        """What the witness saw of task ``pid`` on ``cpu`` between the interval's ends."""
        if self.fd is None or self.error:
            return Verdict(False, why=self.error or "no witness")
        since = self.watched.get(pid)
        if since is None or since > start_ns - MARGIN_NS:
            return Verdict(False, why="task not watched yet")
        if self.read_until < end_ns + MARGIN_NS:
            return Verdict(False, why="not read that far")
        if end_ns - start_ns > RETAIN_NS // 2 or start_ns - MARGIN_NS < self.forgotten_before:
            return Verdict(False, why="longer than the witness keeps its events")
        lst = self.seen.get(cpu, [])
        lo = bisect.bisect_left([w.ts_ns for w in lst], start_ns - MARGIN_NS) if lst else 0
        events = []
        for w in lst[lo:]:
            if w.ts_ns > end_ns + MARGIN_NS:
                break
            if w.pid == pid:
                events.append(w)
        if events:
            return Verdict(False, events, "events of the task there")
        if self.lost_count:
            return Verdict(False, why="the witness lost events")
        return Verdict(True)

    def forget(self, watermark: int) -> None:
        """Drop the events stamped more than RETAIN_NS before ``watermark`` (an interval that began
        before them is kept whatever they were: :meth:`verdict`)."""
        cut = watermark - RETAIN_NS
        if cut <= self.forgotten_before:
            return
        for cpu, lst in self.seen.items():
            k = bisect.bisect_left([w.ts_ns for w in lst], cut)
            if k:
                self.seen[cpu] = lst[k:]
        self.forgotten_before = cut

    def stop(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        try:
            self.inst.remove()
        except OSError:
            pass
