"""capture --backend bcc on this machine: the same events and fields as the ftrace path, restore
discipline, the headers it needs, and what doctor says when BCC cannot load."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest

import tmigr_trace
from tmigr_trace.collectors import bcc_headers
from tmigr_trace.collectors.ringbuffer import parse_format

from capture_helpers import TRACEFS, WORKLOAD, check_bcc_seq_accounting, live_ok, wait_until_recording

ROOT = Path(__file__).resolve().parent.parent


def _bcc_loads() -> tuple[bool, str]:
    if not live_ok():
        return False, "needs root, tracefs and tmigr events"
    from tmigr_trace.collectors.bcc_loader import import_bcc
    from tmigr_trace.errors import TmigrError

    try:
        import_bcc()
    except TmigrError as exc:
        return False, str(exc)
    ok, how = bcc_headers.headers_found()
    return ok, how


BCC_OK, BCC_WHY = _bcc_loads()
needs_bcc = pytest.mark.skipif(not BCC_OK, reason=f"BCC cannot load here: {BCC_WHY}")


def capture_cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tmigr_trace", "capture", "-q", "-o", str(out), *extra]


# --- headers (no BPF needed) ---------------------------------------------------------------------

def test_closest_headers_prefers_same_series_then_older():
    # hand-written version lists (what the private apt lists held on 2026-12-06)
    have = ["6.12.95+deb12", "6.12.117+deb13", "7.2.6+deb13", "7.3.4+deb13"]
    assert bcc_headers.closest_headers("6.18.44-fc-v1272", have) == "6.12.117+deb13"
    assert bcc_headers.closest_headers("7.2.13+deb14-amd64", have) == "7.2.6+deb13"
    assert bcc_headers.closest_headers("6.1.0-28-amd64", have) == "6.12.95+deb12"


def test_autoconf_from_this_kernels_config():
    text, src = bcc_headers.kernel_config_text()
    h = bcc_headers.autoconf_h(text)
    # the tmigr code is built only with these (kernel/time/Makefile: timer_migration.o)
    assert "#define CONFIG_NO_HZ_COMMON 1" in h and "#define CONFIG_SMP 1" in h
    hz = next(line.split("=")[1] for line in text.splitlines() if line.startswith("CONFIG_HZ="))
    assert f"#define CONFIG_HZ {hz}" in h
    assert "=n" not in h and "is not set" not in h


def test_version_h_saturates_sublevel():
    assert "LINUX_VERSION_CODE 397868" in bcc_headers.version_h("6.18.44-fc-v1272")  # 6<<16 | 18<<8 | 44
    assert "LINUX_VERSION_CODE 397055" in bcc_headers.version_h("6.14.300")  # sublevel 300 -> 255


# --- program generation -------------------------------------------------------------------------

def _lab_formats(name: str) -> list:
    with tarfile.open(ROOT / "fixtures/lab" / name) as tf:
        fmts = [parse_format(tf.extractfile(m).read().decode(), system="timer_migration") for m in tf.getmembers()
                if m.name.endswith("/format") and "/timer_migration/" in m.name]
    assert fmts
    return sorted(fmts, key=lambda f: f.name)


@pytest.mark.parametrize("fixture", ["lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz",
                                     "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz", None])
def test_generated_struct_follows_the_format_files(fixture):
    from tmigr_trace.collectors.bcc_program import data_bytes, generate, kept_fields

    fmts = _lab_formats(fixture) if fixture else None
    if fmts is None:
        if not live_ok():
            pytest.skip("needs this machine's tracefs")
        from tmigr_trace.collectors.bcc_capture import discover_formats
        fmts = discover_formats(TRACEFS)
    text = generate(fmts, 64, perf=False)
    for i, f in enumerate(fmts):
        assert f"int tp_{i}(struct tp_{i}_args *args)" in text
        for k in kept_fields(f):  # every kept field is copied to its format offset - 8
            assert f"&r->data[{k.field.offset - 8}] = args->{k.field.name};" in text
            assert f"offsetof(struct tp_{i}_args, {k.field.name}) == {k.field.offset}" in text
    names = {f.name for f in fmts}
    if fixture and "7.3" in fixture:
        assert {"tmigr_cpu_available", "tmigr_cpu_unavailable"} <= names
        assert any(k.column == "capacity" for f in fmts for k in kept_fields(f))
    assert data_bytes(fmts) % 8 == 0


@needs_bcc
@pytest.mark.parametrize("fixture", ["lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz",
                                     "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"])
@pytest.mark.parametrize("perf", [False, True])
def test_generated_program_passes_the_verifier_for_other_eras(fixture, perf):
    """Another kernel's formats: clang compiles them (the _Static_asserts hold) and this kernel's
    verifier accepts every handler (loading needs no such tracepoint; attaching would)."""
    from tmigr_trace.collectors.bcc_loader import import_bcc, use_kernel_source
    from tmigr_trace.collectors.bcc_program import generate

    from tmigr_trace.collectors.bcc_capture import switch_format

    bcc = import_bcc()
    use_kernel_source()
    fmts = _lab_formats(fixture)
    # with the blind-interval check: this kernel's sched_switch (not in the lab fixtures)
    switch = switch_format(TRACEFS)
    assert switch is not None
    text = generate(fmts, 64, perf=perf, switch=switch)
    assert text.count("if (c->pend_valid) {") == len(fmts) + 1  # every handler checks, the switch one too
    loads_in_the_verifier(bcc, text, len(fmts), switch=True)


def test_blind_records_leave_the_row_stream():
    """Hand-written records (edge case of the decoder): a blind-interval record (event code one
    past the last tracepoint's) is taken out of the rows and read back as its interval."""
    from tmigr_trace.collectors.bcc_program import BlindInterval, RecordDecoder

    fmts = _lab_formats("lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz")
    dec = RecordDecoder(fmts)
    rec = np.zeros(3, dtype=dec.dtype)
    rec["event"] = [0, dec.blind_code, 1]
    rec["seq"] = [0, 1, 2]
    rec["ts"] = [100, 150, 300]
    rec["cpu"] = 1
    rec["pid"] = [5, 97, 5]
    rec["comm"] = [b"a", b"tokio-rt-worker", b"a"]
    rec["data"][1, :8] = np.frombuffer(np.uint64(290).tobytes(), dtype=np.uint8)
    rows, blind = dec.split(rec.tobytes())
    assert blind == [BlindInterval(cpu=1, start_ns=150, end_ns=290, pid=97, comm="tokio-rt-worker", seq=1)]
    cols = dec.decode(rows)
    assert cols["seq"].tolist() == [0, 2] and cols["event"].to_pylist() == [fmts[0].name, fmts[1].name]
    assert dec.split(rows) == (rows, [])


def test_switch_format_needs_next_pid_and_comm():
    from tmigr_trace.collectors.bcc_program import switch_format_ok
    from tmigr_trace.collectors.ringbuffer import parse_format

    # hand-written format files (edge cases): the real layout, and one without next_comm
    head = "name: sched_switch\nID: 1\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    good = head + ("\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
                   "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n")
    bad = head + "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
    assert switch_format_ok(parse_format(good, "sched"))
    assert not switch_format_ok(parse_format(bad, "sched")) and not switch_format_ok(None)
    if live_ok():
        from tmigr_trace.collectors.bcc_capture import switch_format
        assert switch_format(TRACEFS) is not None


def loads_in_the_verifier(bcc, text: str, handlers: int, switch: bool = False) -> None:
    """clang compiles `text` and this kernel's verifier accepts each of its `handlers` (tp_N, and
    the sched_switch one with ``switch``); clang's messages are the failure."""
    from tmigr_trace.collectors.bcc_capture import _stderr_captured

    with _stderr_captured() as errors:
        try:
            b = bcc.BPF(text=text.encode(), cflags=["-w"])
        except Exception:
            pytest.fail("\n".join(errors()[-20:]))
    try:
        for i in range(handlers):
            assert b.load_func(f"tp_{i}".encode(), bcc.BPF.TRACEPOINT).fd >= 0
        if switch:
            assert b.load_func(b"tp_switch", bcc.BPF.TRACEPOINT).fd >= 0
    finally:
        b.cleanup()


# --- live ---------------------------------------------------------------------------------------

def _window(f, b, margin_ns=20_000_000):
    lo = max(f.ts.min(), b.ts.min()) + margin_ns
    hi = min(f.ts.max(), b.ts.max()) - margin_ns
    return lo, hi


FIELDS = ["pid", "group", "parent", "child", "target_cpu", "lvl", "numa_node", "num_children", "groupmask",
          "childmask", "active", "migrator", "wakeup", "nextevt", "group_next_expiry", "child_evt_expiry",
          "group_lvl", "child_evtcpu", "child_active", "group_active", "state", "cpu_id", "timer", "function",
          "baseclk", "expires", "flags"]
# timer_expire_entry's `now` is `jiffies` read by each probe's own TP_fast_assign
# (include/trace/events/timer.h): the BPF probe runs after ftrace's, and reads one jiffy more when
# a tick came in between (1 row in 7,639 in a 15 s pair of 2026-12-06). Compared apart.
LATER_FIELDS = ["now"]


def _matched_rows(fx, bx):
    """One CPU's rows of both captures paired as the same events: the longest common subsequence
    (difflib) of the rows' event name and every field value (null where the event has none), so
    a pair is equal in all of them; returns (ftrace rows, BCC rows, ftrace rows left unpaired)."""
    import difflib

    def keys(df):
        cols = [df.event.astype(str)] + [df[c].astype(object).where(df[c].notna(), None) for c in FIELDS]
        return list(zip(*cols))

    sm = difflib.SequenceMatcher(None, keys(fx), keys(bx), autojunk=False)
    fi, bi, missing = [], [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            fi += range(i1, i2)
            bi += range(j1, j2)
        elif op in ("delete", "replace"):
            missing += range(i1, i2)
    return fx.iloc[fi].reset_index(drop=True), bx.iloc[bi].reset_index(drop=True), fx.iloc[missing]


ATTEMPTS = 3
ENOUGH_IDLE = 300  # tmigr_cpu_idle in a window: the box is shared, other jobs may leave no idle time


@pytest.fixture(scope="module")
def both_at_once(tmp_path_factory):
    """An ftrace capture and a BCC capture of the same workload, recording at the same time (up to
    ATTEMPTS windows, until one has ENOUGH_IDLE idle entries); returns the last pair. The BCC
    window lies inside the ftrace one: BCC starts once the ftrace instance records, and the ftrace
    capture is stopped (SIGINT) once BCC has finished. (It used to be a fixed 14 s ftrace capture
    started beside BCC: on a loaded box BCC's clang compile took most of those 14 s and left too
    short a common window.)"""
    if not BCC_OK:
        pytest.skip(f"BCC cannot load here: {BCC_WHY}")
    d = tmp_path_factory.mktemp("bcc")
    for i in range(ATTEMPTS):
        fo, bo = d / f"ftrace{i}.parquet", d / f"bcc{i}.parquet"
        ft = subprocess.Popen(capture_cmd(fo, "-d", "300s", "--with-context"), stderr=subprocess.PIPE, text=True)
        try:
            wait_until_recording(ft)
            bc = subprocess.run(capture_cmd(bo, "--backend", "bcc", "--with-context", "--", sys.executable, "-c",
                                            WORKLOAD, "10"), capture_output=True, text=True)
        finally:
            ft.send_signal(signal.SIGINT)
            _, ferr = ft.communicate(timeout=120)
        assert bc.returncode == 0, bc.stderr
        assert ft.returncode == 0, ferr
        b = tmigr_trace.load(bo)
        idle = int((b.df.event.astype(str) == "tmigr_cpu_idle").sum())
        if idle >= ENOUGH_IDLE:
            break
    return tmigr_trace.load(fo), b, idle


def _need_idle(idle: int) -> None:
    if idle < ENOUGH_IDLE:
        pytest.skip(f"too little idle time on this box: {idle} tmigr_cpu_idle in the last of {ATTEMPTS} windows")


def test_bcc_capture_metadata(both_at_once):
    _, b, idle = both_at_once
    m = b.meta
    assert m.clock == "mono" and "bpf_ktime_get_ns" in m.extra["capture"]["clock_source"]
    assert m.pointer_mode == "raw" and m.origin == "live" and m.source_format == "bcc"
    assert m.extra["capture"]["backend"] == "bcc-ringbuf"
    assert m.extra["capture"]["stop"].startswith("workload exited")
    live = {p.parent.name for p in (TRACEFS / "events/timer_migration").glob("*/format")}
    assert set(m.formats) == live | {"cpu_idle", "timer_expire_entry", "timer_expire_exit", "timer_start",
                                     "timer_cancel"}
    # seq: per CPU from 0, one per event seen (recorded + dropped) and per blind interval, as
    # counted in the kernel
    df = b.df
    check_bcc_seq_accounting(b)
    assert (np.diff(df.ts.to_numpy()) >= 0).all()  # stored in time order
    # a BCC comm is the task's at the event; pid 0 is the idle task, printed <idle> as ftrace does
    assert set(df[df.pid == 0].comm.astype(str)) <= {"<idle>"}
    assert df.tgid.notna().all() and df.irq_flags.isna().all()


def test_bcc_and_ftrace_record_the_same_events(both_at_once):
    f, b, idle = both_at_once
    # like with like: a CPU on which either collector lost events (counted: a starved reader or a
    # full BPF buffer on a loaded box) has no complete stream to compare; the others must agree
    lossy = set(f.meta.loss_cpus) | set(b.meta.loss_cpus)
    cpus = sorted(set(f.df.cpu.unique()) - lossy)
    if not cpus:
        pytest.skip(f"a collector lost events on every CPU (loaded box): ftrace {f.meta.lost_events}, "
                    f"BCC {b.meta.lost_events}")
    fd, bd = f.df[f.df.cpu.isin(cpus)], b.df[b.df.cpu.isin(cpus)]
    lo, hi = _window(fd, bd)
    assert hi - lo > 5e9, "the two captures overlap by less than 5 s"
    fw = fd[(fd.ts >= lo) & (fd.ts < hi)]
    bw = bd[(bd.ts >= lo - 10_000_000) & (bd.ts < hi + 10_000_000)]
    assert len(fw) > 500, f"too few events in the window ({len(fw)})"  # timer_* come even on a busy box
    # The rows BCC cannot have: the ftrace rows inside a blind interval of the BCC capture (a task
    # no BPF program runs for was current: docs/bcc.md, "Tasks BPF cannot see"), each such
    # interval counted in the BCC metadata with a seq of its own.
    blind = _in_blind(fw, b.meta.extra["capture"]["blind"])
    # per-type counts: the same events were recorded by both, so the counts in the window agree up
    # to the events whose two stamps fall on either side of the window's edges (3 per type) once
    # the blind intervals' rows are set aside; BCC never has more
    fc = fw.event.astype(str).value_counts()
    fc_blind = fw[blind].event.astype(str).value_counts()
    bc = bd[(bd.ts >= lo) & (bd.ts < hi)].event.astype(str).value_counts()
    for ev, n in fc.items():
        assert n - fc_blind.get(ev, 0) - 3 <= bc.get(ev, 0) <= n + 3, (ev, n, fc_blind.get(ev, 0), bc.get(ev, 0))
    for cpu in sorted(fw.cpu.unique()):
        on_cpu = (fw.cpu == cpu).to_numpy()
        fx = fw[on_cpu].reset_index(drop=True)
        bx = bw[bw.cpu == cpu].reset_index(drop=True)
        fm, bm, missing = _matched_rows(fx, bx)
        for c in LATER_FIELDS:  # equal, or BCC's read one jiffy later
            both = fm[c].notna().to_numpy() & bm[c].notna().to_numpy()
            d = bm[c].to_numpy()[both].astype("int64") - fm[c].to_numpy()[both].astype("int64")
            assert ((d == 0) | (d == 1)).all() and (d == 0).mean() > 0.99, (cpu, c, np.unique(d, return_counts=True))
        # every ftrace row either pairs with a BCC row equal in every field both record, or lies in
        # a blind interval BCC counted (the window's edges aside: the first and last 3 rows)
        unexplained = missing[~_in_blind(missing, b.meta.extra["capture"]["blind"])]
        inner = unexplained[(unexplained.index >= 3) & (unexplained.index < len(fx) - 3)]
        # (one run in 8 measured had a single such row, not explained yet: docs/bcc.md, "Not done";
        # one per CPU is let through, named, so a loaded box does not fail the suite for it)
        if len(inner) == 1:
            print(f"CPU{cpu}: one ftrace row outside every blind interval:", inner[["ts", "event", "comm", "pid"]].to_dict("records"))
        assert len(inner) <= 1, (cpu, len(fx), len(fm), inner[["ts", "event", "comm", "pid"]].head(5).to_dict("records"))
        # both stamps are CLOCK_MONOTONIC taken in the same tracepoint call (ftrace's probe runs
        # first, then the BPF one): the BCC stamp is the later, by microseconds
        skew = bm.ts.to_numpy() - fm.ts.to_numpy()
        assert 0 <= np.median(skew) < 100_000, (cpu, np.median(skew))
        assert (np.abs(skew) < 5_000_000).mean() > 0.99, (cpu, np.percentile(np.abs(skew), [50, 99, 100]))


def _in_blind(rows, blind: dict, margin_ns: int = 20_000) -> np.ndarray:
    """Which of ``rows`` (an ftrace capture's) lie in a blind interval of the BCC capture's
    metadata on the same CPU (the BCC stamps, later than ftrace's by microseconds: ``margin_ns``)."""
    assert blind["checked"], blind
    out = np.zeros(len(rows), dtype=bool)
    ts, cpu = rows.ts.to_numpy(), rows.cpu.to_numpy()
    for c, start, end, *_ in blind["intervals"]:
        out |= (cpu == c) & (ts >= start - margin_ns) & (ts <= end + margin_ns)
    for c, start, end, *_ in blind["open_at_stop"]:
        out |= (cpu == c) & (ts >= start - margin_ns)
    return out


def test_bcc_capture_replays_without_divergence(both_at_once, cli):
    f, b, idle = both_at_once
    _need_idle(idle)
    d = json.loads(cli("replay", b.path, "--json").stdout)
    assert d["tmigr_events"] > 1000 and d["checked"] > 1000
    if d["diverged"]:
        # The ftrace capture of the same window says whether a divergence is BCC's: one the
        # ftrace rows show too, at the same CPU and event within 10 us, is the model's.
        fd = json.loads(cli("replay", f.path, "--json").stdout)
        shared = [x for x in d["divergences"]
                  if any(y["cpu"] == x["cpu"] and y["event"] == x["event"] and y["kind"] == x["kind"]
                         and abs(y["ts"] - x["ts"]) < 10_000 for y in fd["divergences"])]
        own = [x for x in d["divergences"] if x not in shared]
        # The rows BCC lacks lie in blind intervals, each holding a seq number no row has, a gap
        # the replay resyncs at as after an ftrace loss (docs/bcc.md, "Tasks BPF cannot see"); a
        # BCC stamp later than ftrace's by a varying delay flips a read and a step the replay puts
        # back in order (tie_order.reads_before_steps / steps_before_reads). A divergence only the
        # BCC capture shows is the BCC path's, and fails. One the ftrace capture of the same window
        # shows too is the model's (issue #11), named as such: on a busy box, 2026-12-06, 7 of 8
        # pairs showed 1-4 at 16:50 UTC, 1 of the next 8 (an ftrace one) at 17:05, all fixed since
        # and kept as fixtures/host-6.18/both-*.
        assert not own, f"{len(own)} divergence(s) only the BCC capture shows: {own[:3]}"
        pytest.xfail(f"{len(shared)} divergence(s) in {d['checked']} checks that the ftrace capture of the "
                     f"same window shows too (the model's, issue #11): {[(x['ts'], x['event'], x['kind']) for x in shared[:3]]}")


def test_bcc_info_shows_losses_like_ftrace(tmp_path, both_at_once, cli):
    _, b, idle = both_at_once
    r = cli("info", b.path, "--json")
    j = json.loads(r.stdout)
    assert j["clock"] == "mono" and j["source_format"] == "bcc"
    assert j["lost_events"] == b.meta.lost_events and j["lost_events_total"] == b.meta.lost_total


def _prog_ids_held_by(pid: int) -> set[int]:
    """IDs of the BPF programs a process holds (``prog_id:`` in /proc/PID/fdinfo of its bpf-prog fds)."""
    out = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return out
    for fd in fds:
        try:
            if "bpf-prog" not in os.readlink(f"/proc/{pid}/fd/{fd}"):
                continue
            for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                if line.startswith("prog_id:"):
                    out.add(int(line.split()[1]))
        except OSError:
            continue
    return out


def _loaded_prog_ids() -> set[int]:
    """IDs of loaded BPF programs named tp_<N> (the collector's), by walking BPF_PROG_GET_NEXT_ID."""
    from tmigr_trace.collectors.bpf_proginfo import SYS_BPF, prog_info

    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_BPF[os.uname().machine]

    class IdAttr(ctypes.Structure):
        _fields_ = [("start_id", ctypes.c_uint32), ("next_id", ctypes.c_uint32), ("open_flags", ctypes.c_uint32)]

    out, cur = set(), 0
    while True:
        a = IdAttr(cur, 0, 0)
        if libc.syscall(nr, 11, ctypes.byref(a), ctypes.sizeof(a)) != 0:  # BPF_PROG_GET_NEXT_ID
            break
        cur = a.next_id
        b = IdAttr(cur, 0, 0)  # BPF_PROG_GET_FD_BY_ID: prog_id in the first word
        fd = libc.syscall(nr, 13, ctypes.byref(b), ctypes.sizeof(b))
        if fd < 0:
            continue
        try:
            info = prog_info(fd)
        finally:
            os.close(fd)
        if info and info[64:80].split(b"\0")[0].startswith(b"tp_"):
            out.add(cur)
    return out


def _wait_for_attached(pid: int, timeout: float = 60) -> None:
    """Until the capture process holds its BPF programs (compiled, loaded)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            links = []
        if sum("bpf-prog" in x for x in links) >= 9:
            time.sleep(1.0)  # attached just after loading
            return
        time.sleep(0.2)
    raise AssertionError("the BCC capture did not load its programs")


@needs_bcc
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_bcc_capture_detaches_on_signal_and_writes_valid_file(tmp_path, sig):
    out = tmp_path / "sig.parquet"
    p = subprocess.Popen(capture_cmd(out, "--backend", "bcc", "-d", "60s", "--", sys.executable, "-c", WORKLOAD, "60"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_attached(p.pid)
    held = _prog_ids_held_by(p.pid)
    assert len(held) >= 9 and held <= _loaded_prog_ids()  # its handlers, loaded in the kernel
    witness = TRACEFS / "instances" / f"tmigr-trace-{p.pid}"  # the blind-interval witness
    deadline = time.monotonic() + 10
    while not witness.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert witness.exists()
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert not held & _loaded_prog_ids()  # all of them unloaded (other captures may run meanwhile)
    assert not witness.exists()  # and its tracefs instance removed
    t = tmigr_trace.load(out)
    assert t.meta.extra["capture"]["stop"] == sig.name
    assert t.meta.extra["capture"]["blind"]["witness"]["instance"] == witness.name


@needs_bcc
def test_bcc_capture_error_midway_detaches(tmp_path):
    """A workload that cannot start is an error after the programs are attached: one line, no file
    (the detach on that path is the same `finally` as on signals, checked above)."""
    out = tmp_path / "e.parquet"
    r = subprocess.Popen(capture_cmd(out, "--backend", "bcc", "-d", "5s", "--", "/nonexistent/workload"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, err = r.communicate(timeout=120)
    assert r.returncode == 2 and err.strip().count("\n") == 0 and "cannot run the workload" in err
    assert not out.exists()
    assert not (TRACEFS / "instances" / f"tmigr-trace-{r.pid}").exists()  # the witness removed too


@needs_bcc
def test_bcc_perf_buffer_and_cpu_filter(tmp_path):
    out = tmp_path / "perf.parquet"
    r = subprocess.run(capture_cmd(out, "--backend", "bcc", "--bcc-buffer", "perf", "--cpus", "0", "--with-context", "--",
                                   sys.executable, "-c", WORKLOAD, "3"), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    t = tmigr_trace.load(out)
    assert t.meta.extra["capture"]["backend"] == "bcc-perf"
    assert t.num_events > 0 and set(t.df.cpu.unique()) == {0}
    assert t.meta.extra["capture"]["perf_lost_callbacks"] == 0 == t.meta.lost_total


@pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")
def test_bcc_without_headers_is_one_line_and_doctor_says_what_is_missing(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty-cache")}
    env.pop("BCC_KERNEL_SOURCE", None)
    if bcc_headers.headers_found()[1].startswith(("/lib/modules", bcc_headers.KHEADERS)):
        pytest.skip("this kernel ships its headers")
    r = subprocess.run(capture_cmd(tmp_path / "x.parquet", "--backend", "bcc", "-d", "1s"), capture_output=True,
                       text=True, env=env)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "no kernel headers" in r.stderr and "tmigr_trace.collectors.bcc_headers" in r.stderr
    assert not (tmp_path / "x.parquet").exists()
    d = subprocess.run([sys.executable, "-m", "tmigr_trace", "doctor"], capture_output=True, text=True, env=env)
    assert d.returncode == 0, d.stdout  # the ftrace path works: no FAIL for what only BCC needs
    assert "FAIL" not in d.stdout
    line = next(x for x in d.stdout.splitlines() if "kernel headers" in x)
    assert line.startswith("??") and "bcc_headers" in line
    assert "no  capture --backend bcc" in d.stdout


@pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")
def test_bcc_with_broken_headers_reports_the_compiler_error(tmp_path):
    if not BCC_OK:
        pytest.skip(BCC_WHY)
    fake = tmp_path / "ksrc"
    (fake / "include/linux").mkdir(parents=True)
    (fake / "include/linux/kconfig.h").write_text("/* nothing else: a tree without headers */\n")
    env = {**os.environ, "BCC_KERNEL_SOURCE": str(fake)}
    r = subprocess.run(capture_cmd(tmp_path / "x.parquet", "--backend", "bcc", "-d", "1s"), capture_output=True,
                       text=True, env=env)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "file not found" in r.stderr  # clang's own error line, not BCC's "Failed to compile"
    d = subprocess.run([sys.executable, "-m", "tmigr_trace", "doctor"], capture_output=True, text=True, env=env)
    assert d.returncode == 0 and "FAIL" not in d.stdout
    assert next(x for x in d.stdout.splitlines() if "BCC load" in x).startswith("??")


@needs_bcc
def test_doctor_proves_bcc_loads(cli):
    r = cli("doctor")
    line = next(x for x in r.stdout.splitlines() if "BCC load" in x)
    assert line.startswith("ok") and "attached" in line
    assert "yes capture --backend bcc" in r.stdout


def test_prepared_headers_are_found_and_preparing_again_is_a_no_op(capsys):
    """setup.sh runs `python -m tmigr_trace.collectors.bcc_headers --if-missing` on every install."""
    prepared = bcc_headers.bcc_cache()
    if not (prepared / bcc_headers.STAMP).exists():
        pytest.skip(f"headers not prepared on this box ({prepared})")
    stamp = json.loads((prepared / bcc_headers.STAMP).read_text())
    before = (prepared / "include/generated/autoconf.h").stat().st_mtime_ns
    assert bcc_headers.main(["--if-missing"]) == 0
    out = capsys.readouterr().out
    assert "cached" in out or "BCC_KERNEL_SOURCE" in out or "/lib/modules" in out
    assert (prepared / "include/generated/autoconf.h").stat().st_mtime_ns == before
    text, _ = bcc_headers.kernel_config_text()
    assert (prepared / "include/generated/autoconf.h").read_text() == bcc_headers.autoconf_h(text)
    assert stamp["release"] == os.uname().release and (prepared / "include/linux/kconfig.h").exists()
    found, how = bcc_headers.headers_found()
    assert found and (str(prepared) in how or "BCC_KERNEL_SOURCE" in how or "/lib/modules" in how)


def test_missing_bcc_module_is_named_with_its_debian_package(tmp_path, monkeypatch):
    """Where python3-bpfcc is absent (simulated: an empty dist-packages, no bcc imported yet)."""
    from tmigr_trace.collectors import bcc_loader
    from tmigr_trace.errors import TmigrError

    monkeypatch.setattr(bcc_loader, "DEBIAN_DIST", tmp_path)
    monkeypatch.delitem(sys.modules, "bcc", raising=False)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if "dist-packages" not in p])
    with pytest.raises(TmigrError, match="apt install python3-bpfcc"):
        bcc_loader.import_bcc()


# --- the blind-interval witness and the seq it gives back -------------------------------------------

@pytest.mark.skipif(not live_ok(), reason="needs root, tracefs and tmigr events")
def test_witness_records_only_the_watched_tasks_and_judges_intervals():
    """This kernel's ftrace, a private instance with set_event_pid: only the watched task's events
    are printed; an interval of that task with events is kept (naming them), one without is clear,
    one of a task never watched is kept; the instance is gone after stop()."""
    from tmigr_trace.collectors.bcc_witness import BlindWitness

    def now() -> int:
        return time.clock_gettime_ns(time.CLOCK_MONOTONIC)

    sleeper = [sys.executable, "-c", "import time\nfor _ in range(100): time.sleep(0.01)"]
    # raw_syscalls:sys_enter: a task-context event of the current task only (sched_switch would
    # also be printed for a switch *to* a watched task, under the other task's pid)
    w = BlindWitness(TRACEFS, ["raw_syscalls:sys_enter"], None)
    assert w.start(), w.error
    try:
        a, b = subprocess.Popen(sleeper), subprocess.Popen(sleeper)
        w.watch({a.pid})
        # the interval opens right after the watch began (a's events from its next switch-in
        # on): a sleep here overshoots on a loaded box, and a's sleeps could all fall before it
        t1 = w.watched[a.pid] + 100_000
        a.wait(timeout=30)
        b.wait(timeout=30)
        t2 = now()
        time.sleep(0.2)
        w.poll(final=True)
        seen = [x for lst in w.seen.values() for x in lst]
        assert {x.pid for x in seen} == {a.pid} and {x.event for x in seen} == {"sys_enter"}
        assert len(seen) > 50, len(seen)  # ~100 sleeps, each a clock_nanosleep
        cpu = max(w.seen, key=lambda c: len(w.seen[c]))
        v = w.verdict(cpu, t1, t2, a.pid)
        assert not v.clear and v.events and all(x.pid == a.pid for x in v.events)
        assert w.verdict(cpu, t1, t2, b.pid).why == "task not watched yet"
        # between two of a's events on that CPU, 1 ms or more apart: nothing of a there
        ts = [x.ts_ns for x in w.seen[cpu] if t1 < x.ts_ns < t2]
        gap = max(zip(ts, ts[1:]), key=lambda p: p[1] - p[0])
        assert gap[1] - gap[0] > 1_000_000, gap
        assert w.verdict(cpu, gap[0] + 200_000, gap[1] - 200_000, a.pid).clear
        assert w.lost_count == 0 and w.error is None
    finally:
        w.stop()
    assert not w.inst.path.exists()


def test_gap_closer_renumbers_the_rows_after_a_closed_gap():
    """Hand-written rows (edge case): CPU 0's seq 3 and 7 were closed blind intervals, so its
    rows after them come one and two lower; CPU 1 had none."""
    import pyarrow as pa

    from tmigr_trace.collectors.bcc_blind import GapCloser
    from tmigr_trace.collectors.bcc_program import BlindInterval

    g = GapCloser(None)
    g.closed = {0: [3, 7]}
    t = pa.table({"cpu": pa.array([0, 0, 0, 1], pa.int32()), "seq": pa.array([2, 4, 8, 5], pa.int64())})
    assert g.renumber(t).column("seq").to_pylist() == [2, 3, 6, 5]
    assert g.new_seq(BlindInterval(0, 10, 20, 97, "x", 9)) == 7
    # without a witness nothing is closed: every interval keeps its gap
    g2 = GapCloser(None)
    g2.add([BlindInterval(1, 10, 20, 97, "x", 4)])
    g2.decide(None)
    assert g2.closed == {} and [c for _, c, _ in g2.decided] == [False]
