"""Which tasks' events does a perf-tracepoint BPF program (what `capture --backend bcc` attaches)
miss that a raw-tracepoint program on the same tracepoint sees? Counts both per task name.

    sudo python3 scripts/bcc_perf_vs_raw.py [SECONDS]

A diagnostic for docs/bcc.md ("Not counted by the kernel"): the perf path (`perf_trace_##call()`,
then `trace_call_bpf()`) can skip a call before the program runs; the raw path
(`__bpf_trace_run()`) has its own per-program recursion guard. Counts that differ by a few at the
edges come from the two attaches not being simultaneous.
"""

from __future__ import annotations

import sys
import time

from tmigr_trace.collectors.bcc_loader import import_bcc, use_kernel_source

TRACEPOINTS = {"timer_expire_entry": "timer", "timer_cancel": "timer", "tmigr_handle_remote": "timer_migration"}
PRELUDE = r"""
struct key_t { char comm[16]; u32 path; u32 tp; };
BPF_HASH(counts, struct key_t, u64, 4096);
static inline int count(u32 path, u32 tp) {
    struct key_t k = {};
    bpf_get_current_comm(&k.comm, sizeof(k.comm));
    k.path = path;
    k.tp = tp;
    counts.increment(k);
    return 0;
}
"""


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    bcc = import_bcc()
    use_kernel_source()
    names = list(TRACEPOINTS)
    src = PRELUDE + "".join(f"int perf_{i}(void *ctx) {{ return count(0, {i}); }}\n"
                            f"int raw_{i}(struct bpf_raw_tracepoint_args *ctx) {{ return count(1, {i}); }}\n"
                            for i in range(len(names)))
    b = bcc.BPF(text=src.encode(), cflags=["-w"])
    try:
        for i, tp in enumerate(names):
            b.attach_tracepoint(tp=f"{TRACEPOINTS[tp]}:{tp}".encode(), fn_name=f"perf_{i}".encode())
            b.attach_raw_tracepoint(tp=tp.encode(), fn_name=f"raw_{i}".encode())
        time.sleep(seconds)
        res: dict[tuple[str, str], list[int]] = {}
        for k, v in b["counts"].items():
            res.setdefault((k.comm.decode(errors="replace"), names[k.tp]), [0, 0])[k.path] = v.value
    finally:
        b.cleanup()
    for (comm, tp), (perf, raw) in sorted(res.items()):
        print(f"{comm:18s} {tp:22s} perf {perf:7d} raw {raw:7d}{'  <-- differs' if perf != raw else ''}")


if __name__ == "__main__":
    main()
