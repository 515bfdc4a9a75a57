"""Which tasks does no BPF program run for? Per current task: the events an ftrace instance
recorded, those a perf-tracepoint BPF program (what `capture --backend bcc` attaches) ran for, those
a raw-tracepoint BPF program ran for, and the samples of a cpu-clock perf event's BPF program.

    sudo python3 scripts/bcc_blind_tasks.py [SECONDS]

A diagnostic for docs/bcc.md ("Tasks BPF cannot see"). Every program counts with atomic adds
(a plain `++` on a map value loses increments when two CPUs or a softirq and a task update the
same key: an earlier version of this script read that as the perf path skipping events) and only
while a control map is 1, so both BPF paths count the same window; the ftrace instance records a
little longer (it is started before and stopped after that window). Prints the tasks that ftrace
saw and no BPF program did, then the totals per tracepoint of the other tasks.
"""

from __future__ import annotations

import collections
import ctypes
import os
import sys
import time
from pathlib import Path

from tmigr_trace.collectors.bcc_loader import import_bcc, use_kernel_source
from tmigr_trace.collectors.bpf_proginfo import prog_recursion_misses
from tmigr_trace.importers.text import HEADER_RE

TRACEFS = Path("/sys/kernel/tracing")
EVENTS = [("timer", "timer_expire_entry"), ("timer", "timer_start"), ("timer", "timer_cancel"),
          ("timer", "hrtimer_expire_entry"), ("irq", "softirq_entry"), ("irq", "irq_handler_entry"),
          ("sched", "sched_switch"), ("sched", "sched_wakeup"), ("timer_migration", "tmigr_handle_remote"),
          ("timer_migration", "tmigr_cpu_idle"), ("timer_migration", "tmigr_update_events")]
PERF, RAW, SAMPLE = 0, 1, 2
PRELUDE = r"""
struct key_t { u32 tid; u32 path; u32 ev; };
BPF_HASH(counts, struct key_t, u64, 65536);
BPF_ARRAY(control, u32, 1);
static inline int count(u32 path, u32 ev) {
    u32 z = 0;
    u32 *on = control.lookup(&z);
    if (!on || !*on)
        return 0;
    struct key_t k = {};
    k.tid = (u32)bpf_get_current_pid_tgid();
    k.path = path;
    k.ev = ev;
    u64 zero = 0, *v = counts.lookup_or_try_init(&k, &zero);
    if (v)
        __sync_fetch_and_add(v, 1);
    return 0;
}
int sample(struct bpf_perf_event_data *ctx) { return count(2, 0); }
"""


def ftrace_counts(trace: str, names: list[str]) -> collections.Counter:
    """(tid, event index) -> events in the instance's text output (the text importer's line
    pattern)."""
    out: collections.Counter = collections.Counter()
    for line in trace.splitlines():
        m = HEADER_RE.match(line)
        if m and m.group("event") in names:
            out[(int(m.group("pid")), names.index(m.group("event")))] += 1
    return out


def comm_of(tid: int) -> str:
    try:
        return Path(f"/proc/{tid}/comm").read_text().strip()
    except OSError:
        return "?"


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    events = [(s, n) for s, n in EVENTS if (TRACEFS / "events" / s / n).is_dir()]
    names = [n for _, n in events]
    bcc = import_bcc()
    use_kernel_source()
    src = PRELUDE + "".join(f"int perf_{i}(void *ctx) {{ return count(0, {i}); }}\n"
                            f"int raw_{i}(struct bpf_raw_tracepoint_args *ctx) {{ return count(1, {i}); }}\n"
                            for i in range(len(events)))
    b = bcc.BPF(text=src.encode(), cflags=["-w"])
    inst = TRACEFS / "instances" / f"bcc-blind-{os.getpid()}"
    inst.mkdir()
    try:
        for i, (s, n) in enumerate(events):
            b.attach_tracepoint(tp=f"{s}:{n}".encode(), fn_name=f"perf_{i}".encode())
            b.attach_raw_tracepoint(tp=n.encode(), fn_name=f"raw_{i}".encode())
        b.attach_perf_event(ev_type=bcc.PerfType.SOFTWARE, ev_config=bcc.PerfSWConfig.CPU_CLOCK,
                            fn_name=b"sample", sample_freq=997)
        (inst / "buffer_size_kb").write_text("16384")
        for s, n in events:
            (inst / "events" / s / n / "enable").write_text("1")
        b["control"][ctypes.c_int(0)] = ctypes.c_uint32(1)
        time.sleep(seconds)
        b["control"][ctypes.c_int(0)] = ctypes.c_uint32(0)
        (inst / "tracing_on").write_text("0")
        bpf: collections.Counter = collections.Counter()
        for k, v in b["counts"].items():
            bpf[(k.tid, k.path, k.ev)] = v.value
        misses = {f"{p}:{names[i]}": prog_recursion_misses(b.funcs[f"{p}_{i}".encode()].fd)
                  for i in range(len(events)) for p in ("perf", "raw")}
        ft = ftrace_counts((inst / "trace").read_text(), names)
    finally:
        b.cleanup()
        for s, n in events:
            try:
                (inst / "events" / s / n / "enable").write_text("0")
            except OSError:
                pass
        inst.rmdir()
    seen = {t for t, _, _ in bpf}
    blind = sorted({t for t, _ in ft} - seen)
    print(f"{seconds:.0f} s, recursion misses {({k: v for k, v in misses.items() if v}) or 0}")
    print("tasks ftrace recorded and no BPF program ran for (perf tracepoint, raw tracepoint, cpu-clock):")
    for t in blind:
        per = {names[e]: n for (tid, e), n in sorted(ft.items()) if tid == t}
        print(f"  {comm_of(t)}-{t}: {per}")
    samples = sum(n for (t, p, _), n in bpf.items() if p == SAMPLE)
    print(f"cpu-clock samples (997 Hz per CPU): {samples}, of them in those tasks: "
          f"{sum(n for (t, p, _), n in bpf.items() if p == SAMPLE and t in blind)}")
    print("the other tasks, per tracepoint: ftrace (a slightly longer window) / perf tracepoint / raw tracepoint")
    for i, n in enumerate(names):
        f = sum(v for (t, e), v in ft.items() if e == i and t not in blind)
        p = sum(v for (t, pa, e), v in bpf.items() if e == i and pa == PERF)
        r = sum(v for (t, pa, e), v in bpf.items() if e == i and pa == RAW)
        print(f"  {n:24s} {f:8d} {p:8d} {r:8d}{'' if p == r else '  <-- perf and raw differ'}")


if __name__ == "__main__":
    main()
