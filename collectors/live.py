"""Live capture on this machine: a private tracefs instance, binary pages streamed to Parquet.

The capture never touches the top-level buffer. It creates ``instances/tmigr-trace-<pid>``, sets
``trace_clock=mono``, turns pointer hashing off (the instance's own ``options/hash-ptr`` where
the kernel has one, else the top-level option, whose old value is put back), enables the events,
and polls every CPU's ``trace_pipe_raw`` without blocking (a blocked reader is woken by every
event and would make the capture feed itself). Pages go through the shared decoder and merger
(:mod:`.pipeline`) into the :class:`~tmigr_trace.store.TraceWriter`, so memory stays bounded.

Whatever ends the capture (duration, the workload's exit, Ctrl-C, SIGTERM, an exception), the
instance is removed and the top-level option restored; a SIGKILLed run's instance is removed by
the next run (:func:`cleanup_stale`: our naming pattern only, and only when that pid is gone).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tmigr_trace.cleanup import Interrupted, signals_blocked
from tmigr_trace.errors import TmigrError
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.schema import CONTEXT_EVENTS
from tmigr_trace.store import TraceWriter

from .pipeline import PageStreams, parse_saved_cmdlines
from .ringbuffer import PageLayout, check_header_event
from .topology import parse_stats, snapshot

PREFIX = "tmigr-trace-"
TRACEFS_CANDIDATES = ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")
POLL_S = 0.2
FEED_PAGES = 256
MERGE_MARGIN_NS = 500_000_000


def should_stop(stop: dict, elapsed: float, duration: float | None, proc: subprocess.Popen | None) -> bool:
    """A capture's loop ends on a signal (``stop["why"]`` already set by its handler), at its
    duration, or when its workload exits; the reason is left in ``stop["why"]``."""
    if stop["why"] is not None:
        return True
    if duration is not None and elapsed >= duration:
        stop["why"] = "duration"
    elif proc is not None and proc.poll() is not None:
        stop["why"] = f"workload exited ({proc.returncode})"
    return stop["why"] is not None


def start_workload(workload: list[str]) -> subprocess.Popen:
    """The command a capture records while it runs (one line if it cannot start)."""
    try:
        return subprocess.Popen(workload)
    except OSError as exc:
        raise TmigrError(f"cannot run the workload {workload[0]!r}: {exc.strerror}") from None


def keep_partial(writer: TraceWriter, meta: TraceMeta) -> None:
    """A capture that failed keeps what it wrote (a valid file, marked ``capture_error``) only
    if anything was written; else nothing is left."""
    try:
        if writer.rows:
            meta.extra["capture_error"] = True
            writer.close(meta)
        else:
            writer.abort()
    except Exception:
        writer.abort()


def find_tracefs() -> Path | None:
    for d in TRACEFS_CANDIDATES:
        if os.path.exists(f"{d}/trace_clock"):
            return Path(d)
    return None


def require_tracefs() -> Path:
    if os.geteuid() != 0:
        raise TmigrError("capture needs root: run it with sudo (or as root)")
    t = find_tracefs()
    if t is None:
        raise TmigrError("tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing")
    if not (t / "instances").is_dir():
        raise TmigrError(f"{t} has no instances/ directory (kernel too old for a private buffer)")
    return t


def cleanup_stale(tracefs: Path) -> list[str]:
    """Remove ``instances/tmigr-trace-<pid>`` whose pid is gone; returns the names removed."""
    from tmigr_trace.cleanup import clean_stale_instances

    return clean_stale_instances(tracefs)


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _read(path: Path) -> str:
    return path.read_text().strip()


def parse_cpu_list(text: str) -> list[int]:
    from .topology import parse_cpulist

    try:
        return parse_cpulist(text)
    except ValueError:
        raise TmigrError(f"bad CPU list {text!r} (example: 0,2-3)") from None


@dataclass
class Instance:
    """A private tracefs instance; :meth:`remove` undoes everything :meth:`create` did."""

    tracefs: Path
    name: str = field(default_factory=lambda: f"{PREFIX}{os.getpid()}")
    hash_ptr: str = "absent"  # "instance", "toplevel" or "absent"
    _toplevel_hash_old: str | None = None

    @property
    def path(self) -> Path:
        return self.tracefs / "instances" / self.name

    def create(self, events: list[str], buffer_kb: int, cpus: list[int] | None, overwrite: bool = True) -> list[str]:
        os.mkdir(self.path)
        p = self.path
        _write(p / "tracing_on", "0")
        try:
            _write(p / "trace_clock", "mono")
        except OSError:
            pass
        _write(p / "buffer_size_kb", str(buffer_kb))
        _write(p / "options/overwrite", "1" if overwrite else "0")
        if (p / "options/hash-ptr").exists():
            _write(p / "options/hash-ptr", "0")
            self.hash_ptr = "instance"
        elif (self.tracefs / "options/hash-ptr").exists():
            self._toplevel_hash_old = _read(self.tracefs / "options/hash-ptr")
            _write(self.tracefs / "options/hash-ptr", "0")
            self.hash_ptr = "toplevel"
        if cpus:
            mask = 0
            for c in cpus:
                mask |= 1 << c
            # tracing_cpumask takes comma-separated 32-bit hex words, most significant first
            words = []
            while True:
                words.append(f"{mask & 0xFFFFFFFF:x}")
                mask >>= 32
                if not mask:
                    break
            _write(p / "tracing_cpumask", ",".join(reversed(words)))
        enabled = []
        for ev in events:
            sys_, _, name = ev.partition(":")
            f = p / "events" / sys_ / (name or "") / "enable" if name else p / "events" / sys_ / "enable"
            try:
                _write(f, "1")
                enabled.append(ev)
            except OSError:
                pass
        return enabled

    @property
    def clock(self) -> str | None:
        m = re.search(r"\[(\S+)\]", _read(self.path / "trace_clock"))
        return m.group(1) if m else None

    def remove(self) -> None:
        if self.path.exists():
            try:
                _write(self.path / "tracing_on", "0")
            except OSError:
                pass
            for _ in range(50):
                try:
                    os.rmdir(self.path)
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    time.sleep(0.1)
        if self._toplevel_hash_old is not None:
            _write(self.tracefs / "options/hash-ptr", self._toplevel_hash_old)
            self._toplevel_hash_old = None


class _Stop(Exception):
    pass


@dataclass
class CaptureResult:
    path: Path
    events: int
    lost: int
    seconds: float
    meta: TraceMeta


def capture(out: Path, *, duration: float | None, buffer_kb: int = 4096, cpus: list[int] | None = None,
            with_context: bool = False, workload: list[str] | None = None, text: bool = False,
            force: bool = False, status: Callable[[dict], None] | None = None) -> CaptureResult:
    """Record the tmigr events of this machine into ``out`` (see module docstring)."""
    tracefs = require_tracefs()
    if not (tracefs / "events/timer_migration").is_dir():
        raise TmigrError("this kernel has no timer_migration events (needs v6.9+, SMP and NO_HZ_COMMON)")
    cleanup_stale(tracefs)
    events = ["timer_migration"] + (list(CONTEXT_EVENTS) if with_context else [])
    writer = TraceWriter(out, force=force)
    inst = Instance(tracefs)
    meta = TraceMeta(origin="live", source_format="text" if text else "raw")
    stop_reason = {"why": None}
    old_handlers = {}

    def on_signal(signum, frame):
        if stop_reason["why"] is not None:  # second signal: abort now (cleanup still runs)
            raise Interrupted(signum)
        stop_reason["why"] = signal.Signals(signum).name
        stop_reason["signum"] = signum

    # SIGHUP (the terminal or ssh session went away) stops like Ctrl-C and SIGTERM: the instance
    # must not keep recording after its reader is gone.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        old_handlers[sig] = signal.signal(sig, on_signal)
    fds: dict[int, int] = {}
    proc = None
    t0 = time.monotonic()
    ok = False
    try:
        enabled = inst.create(events, buffer_kb, cpus, overwrite=True)
        if not any(e.startswith("timer_migration") for e in enabled):
            raise TmigrError("could not enable timer_migration events in the instance")
        formats = {}
        for ev in enabled:
            sys_, _, name = ev.partition(":")
            for fmt in sorted((tracefs / "events" / sys_).glob(f"{name or '*'}/format")):
                formats[fmt.parent.name] = fmt.read_text()
        layout = PageLayout.parse(_read(tracefs / "events/header_page"))
        check_header_event(_read(tracefs / "events/header_event"))
        sub = inst.path / "buffer_subbuf_size_kb"
        if sub.exists() and int(_read(sub)) * 1024 != layout.page_size:
            raise TmigrError("instance sub-buffer size differs from events/header_page; not supported")
        streams = PageStreams(formats, layout)
        parser = None
        if text:
            from tmigr_trace.importers.text import TextParser

            parser = TextParser(meta)
            fds[-1] = os.open(inst.path / "trace_pipe", os.O_RDONLY | os.O_NONBLOCK)
        else:
            for d in sorted((inst.path / "per_cpu").glob("cpu[0-9]*"), key=lambda p: int(p.name[3:])):
                cpu = int(d.name[3:])
                if cpus and cpu not in cpus:
                    continue
                try:
                    fds[cpu] = os.open(d / "trace_pipe_raw", os.O_RDONLY | os.O_NONBLOCK)
                except OSError:
                    pass
        if stop_reason["why"] is not None:  # interrupted while starting: nothing was recorded
            raise Interrupted(stop_reason["signum"])
        _write(inst.path / "tracing_on", "1")
        t0 = time.monotonic()
        if workload:
            proc = start_workload(workload)
        page = layout.page_size
        rows = 0

        # per CPU and poll: read until the buffer is empty, feeding the decoder every FEED_PAGES
        # pages (bounded memory), but at most one buffer's worth (a writer faster than the reader
        # must not keep the loop from the other CPUs)
        max_pages = max(FEED_PAGES, buffer_kb * 1024 // page)
        busy = {"pages": 0}
        comms_read = [0.0]

        def poll(final: bool) -> int:
            """Reads what every CPU has; returns the bytes read (0 = all buffers empty)."""
            nonlocal rows
            now_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
            n = nbytes = 0
            busy["pages"] = 0
            for cpu, fd in fds.items():
                got = 0
                more = True
                while more and got < max_pages:
                    chunks = []
                    while True:
                        try:
                            b = os.read(fd, page if cpu >= 0 else 1 << 16)
                        except BlockingIOError:
                            more = False
                            break
                        except OSError as exc:
                            if exc.errno in (errno.EAGAIN, errno.EINTR):
                                more = False
                                break
                            raise
                        if not b:
                            more = False
                            break
                        chunks.append(b)
                        if len(chunks) >= FEED_PAGES:
                            break
                    if not chunks:
                        break
                    got += len(chunks)
                    data = b"".join(chunks)
                    nbytes += len(data)
                    if cpu < 0:
                        t = parser.feed(data)
                        if t is not None:
                            writer.write(t)
                            n += t.num_rows
                    else:
                        n += streams.feed(cpu, data)
                if cpu >= 0:
                    busy["pages"] = max(busy["pages"], got)
            if final or time.monotonic() - comms_read[0] >= 1.0:  # before rows are emitted: the
                _read_comms(tracefs, streams)                     # kernel's table forgets
                comms_read[0] = time.monotonic()
            t = streams.emit(None if final else now_ns - MERGE_MARGIN_NS)
            if t is not None:
                writer.write(t)
            rows += n
            return nbytes

        while True:
            elapsed = time.monotonic() - t0
            if should_stop(stop_reason, elapsed, duration, proc):
                break
            start = time.monotonic()
            poll(False)
            if status:
                status({"elapsed": elapsed, "events": rows, "lost": _lost_now(inst, fds),
                        "rate": rows / elapsed if elapsed > 0 else 0.0})
            # a CPU that filled an eighth of its buffer since the last poll: poll again at once
            if busy["pages"] * 8 < max_pages:
                time.sleep(max(0.0, POLL_S - (time.monotonic() - start)))
        _write(inst.path / "tracing_on", "0")
        # drain what is left (tracing off: nothing new arrives); a page may hold no tmigr event
        # (only padding or time stamps), so stop on an empty read, not on zero events
        for _ in range(100000):
            if poll(True) == 0:
                break
        if parser is not None:
            t = parser.finish()
            if t is not None:
                writer.write(t)
        t = streams.emit(None)
        if t is not None:
            writer.write(t)
        ok = True
    finally:
        with signals_blocked():  # a signal during the cleanup waits until the instance is gone
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
            bstats = {}
            try:
                for d in (inst.path / "per_cpu").glob("cpu[0-9]*"):
                    bstats[d.name[3:]] = parse_stats((d / "stats").read_text())
                _read_comms(tracefs, streams)
                clock = inst.clock
            except (OSError, NameError, UnboundLocalError):
                clock = None
            for fd in fds.values():
                os.close(fd)
            inst.remove()
            if not ok:
                keep_partial(writer, meta)
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
    seconds = time.monotonic() - t0
    topo = snapshot("/")
    topo["buffer_stats"] = bstats
    meta.topology = topo
    meta.formats = formats
    meta.kernel_release = topo.get("release")
    meta.clock = clock
    meta.pointer_mode = "raw" if not text or inst.hash_ptr != "absent" else "hashed"
    if not text:
        streams.finish_meta(meta, bstats)
    else:
        from .topology import lost_from_stats

        for c, s in bstats.items():
            if lost_from_stats(s):
                meta.lost_events[c] = lost_from_stats(s)
    meta.extra["capture"] = {"instance": inst.name, "events": enabled, "buffer_kb": buffer_kb,
                             "cpus": cpus, "hash_ptr": inst.hash_ptr, "stop": stop_reason["why"],
                             "seconds": round(seconds, 3), "workload": workload,
                             "backend": "trace_pipe" if text else "trace_pipe_raw"}
    path = writer.close(meta)
    return CaptureResult(path, writer.rows, meta.lost_total, seconds, meta)


def _read_comms(tracefs: Path, streams: PageStreams) -> None:
    """pid -> comm from the kernel's saved_cmdlines (a small ring of recently seen tasks): merged
    at every poll, later entries win, as the shell collector's appended snapshots are read."""
    try:
        streams.comms.update(parse_saved_cmdlines((tracefs / "saved_cmdlines").read_text(errors="replace")))
    except OSError:
        pass


def _lost_now(inst: Instance, fds: dict[int, int]) -> int:
    from .topology import lost_from_stats

    n = 0
    for cpu in fds:
        if cpu < 0:
            continue
        try:
            n += lost_from_stats(parse_stats((inst.path / f"per_cpu/cpu{cpu}/stats").read_text()))
        except OSError:
            pass
    return n
