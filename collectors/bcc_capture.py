"""Live capture through BCC: BPF programs on every ``timer_migration:*`` tracepoint, into Parquet.

The tracepoints are discovered from tracefs (``events/timer_migration/*/format``: the set differs
by kernel version), the BPF C is generated from those format files (:mod:`.bcc_program`), compiled
by BCC and attached with ``attach_tracepoint``. Records arrive in one BPF ring buffer (per-CPU perf
buffers where the kernel lacks ring buffers, or with ``buffer="perf"``), are decoded in batches
into store columns, merged into time order across CPUs below a watermark (records of different
CPUs reach the ring in reservation order, not time order) and streamed to the
:class:`~tmigr_trace.store.TraceWriter`: the same schema, metadata and loss accounting as the
ftrace path, with ``clock = mono`` (``bpf_ktime_get_ns``).

Nothing of it outlives the process: BPF programs and their tracepoint links are held by file
descriptors, so even a SIGKILL detaches them. The capture detaches explicitly on every other exit
(duration, workload exit, Ctrl-C, SIGTERM, SIGHUP, an exception) before it writes the file.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa

from tmigr_trace.errors import TmigrError
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.schema import CONTEXT_EVENTS
from tmigr_trace.store import TraceWriter, conform

from .bcc_blind import GapCloser, blind_summary
from .bcc_loader import import_bcc, use_kernel_source
from .bcc_program import SWITCH_HANDLER, RecordDecoder, generate, group_field, switch_format_ok
from .bcc_witness import BlindWitness
from .bpf_proginfo import RUN_CNT_OFFSET, RUN_TIME_NS_OFFSET, prog_info, prog_recursion_misses
from .bpf_ringbuf import FixedRingReader
from .btf_layout import group_state_layout
from .live import CaptureResult, cleanup_stale, keep_partial, require_tracefs, should_stop, start_workload
from .ringbuffer import EventFormat, parse_format
from .topology import snapshot

POLL_S = 0.1
RING_SCALE = 4
MERGE_MARGIN_NS = 500_000_000
GROUP_STATE_READ = ("bpf_probe_read_kernel of group->migr_state in the BPF handler of the event, after the "
                    "kernel's update (tmigr_group_set_cpu_*: after the successful cmpxchg): the word then, "
                    "equal to the update's result unless another CPU updated the group in between")
CLOCK_SOURCE = "bpf_ktime_get_ns (CLOCK_MONOTONIC, ktime_get_mono_fast_ns: the clock of trace_clock=mono)"


def switch_format(tracefs: Path) -> EventFormat | None:
    """sched:sched_switch's format, which the blind-interval check reads (None if absent or odd)."""
    try:
        fmt = parse_format((tracefs / "events/sched/sched_switch/format").read_text(), system="sched")
    except (OSError, ValueError):
        return None
    return fmt if switch_format_ok(fmt) else None


@dataclass(frozen=True)
class CpuCounts:
    """One CPU's kernel-side counters: ``seq`` numbers given (events + blind intervals), events
    dropped (buffer full), blind intervals (count, ns, records lost) and the task switched in last
    but not seen yet (``pending``: (pid, comm, since) at the end of the capture, else None)."""

    seq: int
    drops: int
    blind_n: int = 0
    blind_ns: int = 0
    blind_unrecorded: int = 0
    pending: tuple[int, str, int] | None = None

    @property
    def events(self) -> int:
        return self.seq - self.blind_n


def discover_formats(tracefs: Path, with_context: bool = False) -> list[EventFormat]:
    """Every ``timer_migration:*`` tracepoint this kernel has (plus the context events)."""
    paths = sorted((tracefs / "events/timer_migration").glob("*/format"))
    if with_context:
        for ev in CONTEXT_EVENTS:
            sys_, _, name = ev.partition(":")
            p = tracefs / "events" / sys_ / name / "format"
            if p.exists():
                paths.append(p)
    out = []
    for p in paths:
        try:
            out.append(parse_format(p.read_text(), system=p.parent.parent.name))
        except (OSError, ValueError):
            continue
    return out


class TimeMerger:
    """Decoded batches -> rows in (ts, cpu, seq) order, released once below a watermark."""

    def __init__(self) -> None:
        self.pending: list[pa.Table] = []

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table)

    def emit(self, watermark: int | None) -> pa.Table | None:
        if not self.pending:
            return None
        t = pa.concat_tables(self.pending).unify_dictionaries().combine_chunks() if len(self.pending) > 1 \
            else self.pending[0]
        ts = t.column("ts").to_numpy()
        order = np.lexsort((t.column("seq").to_numpy(), t.column("cpu").to_numpy(), ts))
        k = ts.size if watermark is None else int(np.searchsorted(ts[order], watermark, side="left"))
        self.pending = [t.take(pa.array(order[k:]))] if k < ts.size else []
        if k == 0:
            return None
        return t.take(pa.array(order[:k]))


@dataclass
class BccProbe:
    """The loaded BPF object and what it is attached to; :meth:`detach` undoes :meth:`attach`."""

    formats: list[EventFormat]
    buffer: str                      # "ringbuf" or "perf"
    record_size: int = 0             # perf samples come padded to 8 bytes after a u32 size
    bpf: object = None
    attached: list[str] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    perf_lost: int = 0
    ring_bytes: int = 0
    reader: object = None            # FixedRingReader over the ring buffer's mmap
    migr_state_offset: int | None = None  # --group-state: tmigr_group.migr_state's offset (BTF)
    switch: EventFormat | None = None     # sched_switch's format: blind-interval check, else None

    def load(self, buffer_kb: int, cpus: list[int] | None) -> None:
        bcc = import_bcc()
        ncpu = len(_online_cpus())
        # one shared ring for all CPUs, holding about as many events as ftrace's per-CPU buffers of
        # the same --buffer-kb (a record here is ~3x an ftrace entry: RING_SCALE), in a power of
        # two of pages (a ring buffer rule)
        ring_pages = 1 << max(0, (max(1, buffer_kb * ncpu * RING_SCALE // 4) - 1).bit_length())
        self.ring_bytes = ring_pages * mmap.PAGESIZE
        text = generate(self.formats, ring_pages, perf=self.buffer == "perf", cpu_filter=cpus is not None,
                        migr_state_offset=self.migr_state_offset, switch=self.switch)
        with _stderr_captured() as errors:
            try:
                self.bpf = bcc.BPF(text=text.encode(), cflags=["-w"])
            except Exception as exc:
                failed = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            else:
                failed = None
        if failed is not None:
            detail = next((ln.strip() for ln in errors() if "error" in ln.lower()), failed)
            raise TmigrError(f"BCC could not compile/load the BPF program: {detail}") from None
        if cpus is not None:
            allowed = self.bpf["allowed"]
            for c in cpus:
                if c < len(allowed):
                    allowed[ctypes.c_int(c)] = ctypes.c_uint8(1)
        self._open_buffer(buffer_kb)

    def _open_buffer(self, buffer_kb: int) -> None:
        chunks = self.chunks

        if self.buffer == "perf":
            n = self.record_size

            def on_event(cpu, data, size):
                chunks.append(ctypes.string_at(data, min(size, n)))

            def on_lost(lost):
                self.perf_lost += lost

            pages = 1 << max(0, (max(1, buffer_kb // 4) - 1).bit_length())
            self.bpf["events"].open_perf_buffer(on_event, page_cnt=pages, lost_cb=on_lost)
        else:  # read the ring's memory in batches (collectors/bpf_ringbuf.py), no callback per record
            self.reader = FixedRingReader(self.bpf["events"].map_fd, self.ring_bytes, self.record_size)

    def attach(self) -> None:
        for i, fmt in enumerate(self.formats):
            tp = f"{fmt.system}:{fmt.name}"
            try:
                self.bpf.attach_tracepoint(tp=tp.encode(), fn_name=f"tp_{i}".encode())
            except Exception as exc:
                raise TmigrError(f"BCC could not attach to {tp}: {exc}") from None
            self.attached.append(tp)
        if self.switch is not None:
            tp = "sched:sched_switch"
            try:
                self.bpf.attach_tracepoint(tp=tp.encode(), fn_name=SWITCH_HANDLER.encode())
            except Exception as exc:
                raise TmigrError(f"BCC could not attach to {tp}: {exc}") from None
            self.attached.append(tp)

    def record(self, on: bool) -> None:
        """Open or close the recording window of every handler at once."""
        self.bpf["control"][ctypes.c_int(0)] = ctypes.c_uint32(1 if on else 0)

    def consume(self) -> bytes:
        """Everything the buffer holds now, as one run of records."""
        if self.buffer != "perf":
            return self.reader.consume()
        self.bpf.perf_buffer_poll(timeout=0)
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data

    def counts(self) -> dict[int, CpuCounts]:
        """CPU -> its kernel-side counters (:class:`CpuCounts`)."""
        vals = self.bpf["counts"].getvalue(ctypes.c_int(0))
        out = {}
        for c in _possible_cpus():
            if c < len(vals):
                v = vals[c]
                pending = (int(v.pend_pid), bytes(v.pend_comm).split(b"\0")[0].decode("utf-8", "replace"),
                           int(v.pend_since)) if v.pend_valid else None
                out[c] = CpuCounts(int(v.seq), int(v.drops), int(v.blind_n), int(v.blind_ns),
                                   int(v.blind_unrecorded), pending)
        return out

    def recursion_misses(self) -> dict[str, int]:
        """Tracepoint -> events its program did not run for (``bpf_prog_info.recursion_misses``)."""
        out = {}
        for i, fmt in enumerate(self.formats):
            fn = self.bpf.funcs.get(f"tp_{i}".encode()) if self.bpf is not None else None
            if fn is not None:
                n = prog_recursion_misses(fn.fd)
                if n:
                    out[fmt.name] = n
        return out

    def run_stats(self) -> dict:
        """Runs and ns spent in the handlers (the sched_switch one included), in all and per
        tracepoint (``by_tracepoint``: name -> [runs, ns]); kernel.bpf_stats_enabled=1 only, else zeros."""
        runs = ns = 0
        per: dict[str, list[int]] = {}
        handlers = [(f"tp_{i}", fmt.name) for i, fmt in enumerate(self.formats)]
        if self.switch is not None:
            handlers.append((SWITCH_HANDLER, "sched_switch"))
        for fn_name, name in handlers:
            fn = self.bpf.funcs.get(fn_name.encode()) if self.bpf is not None else None
            info = prog_info(fn.fd) if fn is not None else None
            if info is not None and len(info) >= RUN_CNT_OFFSET + 8:
                t = int.from_bytes(info[RUN_TIME_NS_OFFSET:RUN_TIME_NS_OFFSET + 8], "little")
                n = int.from_bytes(info[RUN_CNT_OFFSET:RUN_CNT_OFFSET + 8], "little")
                ns += t
                runs += n
                if n:
                    per[name] = [n, t]
        return {"runs": runs, "run_time_ns": ns, "by_tracepoint": per}

    def detach(self) -> None:
        if self.bpf is not None and self.attached:
            try:
                self.record(False)
            except Exception:
                pass
        for tp in reversed(self.attached):
            try:
                self.bpf.detach_tracepoint(tp=tp.encode())
            except Exception:
                pass
        self.attached.clear()

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        if self.bpf is not None:
            self.detach()
            try:
                self.bpf.cleanup()
            except Exception:
                pass
            self.bpf = None


class _stderr_captured:
    """Collects what libbcc/clang write to fd 2 (compile errors, warnings) instead of the terminal."""

    def __enter__(self):
        import tempfile

        self._file = tempfile.TemporaryFile(mode="w+b")
        sys.stderr.flush()
        self._saved = os.dup(2)
        os.dup2(self._file.fileno(), 2)
        return self.lines

    def lines(self) -> list[str]:
        self._file.seek(0)
        return self._file.read().decode("utf-8", "replace").splitlines()

    def __exit__(self, *exc) -> None:
        sys.stderr.flush()
        os.dup2(self._saved, 2)
        os.close(self._saved)


def load_check() -> str:
    """Compile, load and attach one handler, then detach: what `doctor` runs to prove BCC works."""
    tracefs = require_tracefs()
    formats = discover_formats(tracefs)[:1]
    if not formats:
        raise TmigrError("no timer_migration tracepoints to attach to")
    use_kernel_source()            # points BCC at the prepared headers (BCC_KERNEL_SOURCE)
    probe = BccProbe(formats, "ringbuf" if ring_buffer_supported() else "perf", RecordDecoder(formats).record_size)
    try:
        probe.load(64, None)
        probe.attach()
    finally:
        probe.close()
    return f"compiled, loaded and attached one handler ({probe.buffer})"


def _cpulist(path: str) -> list[int]:
    from .topology import parse_cpulist

    try:
        return parse_cpulist(Path(path).read_text().strip())
    except (OSError, ValueError):
        return list(range(os.cpu_count() or 1))


def _online_cpus() -> list[int]:
    return _cpulist("/sys/devices/system/cpu/online")


def _possible_cpus() -> list[int]:
    return _cpulist("/sys/devices/system/cpu/possible")


def ring_buffer_supported() -> bool:
    """BPF_MAP_TYPE_RINGBUF exists from v5.8 on."""
    from .lab.kernels import version_tuple

    return version_tuple(os.uname().release) >= (5, 8)


def capture_bcc(out: Path, *, duration: float | None, buffer_kb: int = 4096, cpus: list[int] | None = None,
                with_context: bool = False, workload: list[str] | None = None, text: bool = False,
                force: bool = False, buffer: str = "auto", group_state: bool = False,
                status: Callable[[dict], None] | None = None) -> CaptureResult:
    """Record this machine's tmigr events through BCC into ``out`` (see module docstring)."""
    if text:
        raise TmigrError("--text reads ftrace's trace_pipe: not with --backend bcc")
    tracefs = require_tracefs()
    if not (tracefs / "events/timer_migration").is_dir():
        raise TmigrError("this kernel has no timer_migration events (needs v6.9+, SMP and NO_HZ_COMMON)")
    formats = discover_formats(tracefs, with_context)
    if not formats:
        raise TmigrError(f"no readable format file under {tracefs}/events/timer_migration")
    if buffer not in ("auto", "ringbuf", "perf"):
        raise TmigrError(f"--bcc-buffer {buffer!r}: use auto, ringbuf or perf")
    if buffer == "auto":
        buffer = "ringbuf" if ring_buffer_supported() else "perf"
    import_bcc()
    headers = use_kernel_source()
    layout = group_state_layout() if group_state else None  # from BTF, before anything is created
    writer = TraceWriter(out, force=force)
    meta = TraceMeta(origin="live", source_format="bcc")
    decoder = RecordDecoder(formats, layout)
    switch = switch_format(tracefs)
    probe = BccProbe(formats, buffer, decoder.record_size,
                     migr_state_offset=layout.migr_state_offset if layout else None, switch=switch)
    merger = TimeMerger()
    stop = {"why": None}
    old_handlers = {}

    def on_signal(signum, frame):
        if stop["why"] is not None:  # second signal: abort now (cleanup still runs)
            raise KeyboardInterrupt
        stop["why"] = signal.Signals(signum).name

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        old_handlers[sig] = signal.signal(sig, on_signal)
    proc = None
    ok = False
    rows = 0
    t0 = time.monotonic()
    counts: dict[int, CpuCounts] = {}
    t_stop_ns: int | None = None
    witness = BlindWitness(tracefs, [f"{f.system}:{f.name}" for f in formats], cpus) if switch is not None else None
    gaps = GapCloser(witness)
    partial = b""
    t_stop = t0
    misses: dict[str, int] = {}
    shown = {"at": 0.0, "lost": 0}
    prog_stats: dict = {}

    def drain(final: bool) -> int:
        """Reads and stores what the buffer holds; returns the bytes read."""
        nonlocal rows, partial
        got = probe.consume()
        data = partial + got
        whole = len(data) - len(data) % decoder.record_size
        partial = data[whole:]
        if whole:
            recs, found = decoder.split(data[:whole])
            gaps.add(found)
            if recs:
                cols = decoder.decode(recs)
                merger.add(conform(cols, len(recs) // decoder.record_size))
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        watermark = None if final else now - MERGE_MARGIN_NS
        gaps.decide(watermark)  # before any row after an interval is written
        t = merger.emit(watermark)
        if t is not None:
            t = gaps.renumber(t)
            writer.write(t)
            rows += t.num_rows
        return len(got)

    try:
        if status:
            status({"phase": "compiling BPF", "elapsed": 0.0, "events": 0, "lost": 0, "rate": 0.0})
        probe.load(buffer_kb, cpus)
        probe.attach()
        if witness is not None:
            cleanup_stale(tracefs)
            witness.start()
        probe.record(True)
        t0 = time.monotonic()
        if workload:
            proc = start_workload(workload)
        while True:
            elapsed = time.monotonic() - t0
            if should_stop(stop, elapsed, duration, proc):
                break
            start = time.monotonic()
            got = drain(False)
            if status:
                # reading the drop counters is a bpf() syscall, during which the kernel skips BPF
                # programs on this CPU (bpf_disable_instrumentation): once a second, not per poll
                if time.monotonic() - shown["at"] >= 1.0:
                    shown["lost"] = sum(c.drops for c in probe.counts().values())
                    shown["at"] = time.monotonic()
                status({"phase": "capturing", "elapsed": elapsed, "events": rows, "lost": shown["lost"],
                        "rate": rows / elapsed if elapsed > 0 else 0.0})
            # a poll that found an eighth of the ring filled: poll again at once
            if probe.buffer == "perf" or got * 8 < probe.ring_bytes:
                time.sleep(max(0.0, POLL_S - (time.monotonic() - start)))
        probe.record(False)  # nothing new arrives; what the buffer holds is read below
        t_stop_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        t_stop = time.monotonic()
        probe.detach()
        drain(True)
        counts = probe.counts()
        misses = probe.recursion_misses()
        prog_stats = probe.run_stats()
        ok = True
    finally:
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        probe.close()
        if witness is not None:
            witness.stop()
        if not ok:
            keep_partial(writer, meta)
    seconds = (t_stop if ok else time.monotonic()) - t0
    bcc = import_bcc()
    topo = snapshot("/")
    meta.topology = topo
    meta.formats = {f.name: f.text for f in formats}
    meta.kernel_release = topo.get("release")
    meta.clock = "mono"
    meta.pointer_mode = "raw"
    for cpu, cc in sorted(counts.items()):
        if cc.drops:
            meta.add_lost(cpu, cc.drops)
    if misses:
        # the kernel counts these per program, not per CPU: every CPU may have lost some
        meta.lost_unknown_cpus = sorted(c for c, cc in counts.items() if cc.seq)
    meta.extra["capture"] = {
        "backend": f"bcc-{buffer}", "events": [f"{f.system}:{f.name}" for f in formats], "buffer_kb": buffer_kb,
        "cpus": cpus, "stop": stop["why"], "seconds": round(seconds, 3), "workload": workload,
        "clock_source": CLOCK_SOURCE, "bcc_version": getattr(bcc, "__version__", None), "kernel_headers": headers,
        "per_cpu": {str(c): {"events": cc.events, "dropped": cc.drops, "blind_intervals": cc.blind_n,
                             "blind_gaps": cc.blind_n - len(gaps.closed.get(c, []))}
                    for c, cc in sorted(counts.items()) if cc.seq or cc.drops},
        "blind": blind_summary(gaps, counts, switch is not None, t_stop_ns),
        "recursion_misses": misses,
        "bpf_prog_stats": prog_stats,
        "perf_lost_callbacks": probe.perf_lost if buffer == "perf" else None,
        "irq_flags": "not recorded (a BPF program cannot read a tracepoint's common_flags)",
        "group_state": None if layout is None else {
            **layout.to_dict(), "events": [f.name for f in formats if group_field(f) is not None],
            "read": GROUP_STATE_READ},
    }
    path = writer.close(meta)
    return CaptureResult(path, writer.rows, meta.lost_total, seconds, meta)
