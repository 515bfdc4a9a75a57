"""Every ftrace text dialect: bug-report excerpts (LKML, March 2024), console dumps in the latency
format, trace-cmd report -l, and a lab capture printed by the guest in the latency format."""

from __future__ import annotations

import gzip
import json
import tarfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tmigr_trace.importers import import_file
from tmigr_trace.importers.text_dialects import LATENCY_RE, needs_excerpt_parser, split_line
from tmigr_trace.schema import KTIME_MAX, TMIGR_EVENTS
from tmigr_trace.which_bug import faults_of_era, which_bug
from tmigr_trace.replay.model import get_profile

from conftest import FIXTURES, HOST_618, run_cli

LKML = FIXTURES / "lkml-2024-03-boot-delays"
LAB_LATENCY = FIXTURES / "lab-latency" / "lab-7.3.4+deb13-4cpu-1node-latency.tar.gz"
SAME_EXCERPT = ["tglx-87sf0sldbi.txt", "tglx-87plvwlbl2.txt", "boqun-ZfN14cRsXp0CS7KC.txt"]
FIELDS = ["cpu", "event", "pid", "comm", "irq_flags", "group", "parent", "child", "target_cpu", "lvl",
          "numa_node", "childmask", "active", "migrator", "wakeup", "nextevt", "group_next_expiry",
          "child_evt_expiry", "child_evtcpu", "group_active", "child_active"]


def rows(path: Path, tmigr_only: bool = True) -> list[dict]:
    table = pq.read_table(path)
    out = []
    for r in table.to_pylist():
        if tmigr_only and r["event"] not in TMIGR_EVENTS:
            continue
        out.append({k: r.get(k) for k in ["ts", *FIELDS]})
    return out


@pytest.fixture(scope="module")
def lkml(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    base = tmp_path_factory.mktemp("lkml")
    out = {}
    for src in sorted(LKML.glob("*.txt")):
        path, meta, _ = import_file(src, base / f"{src.stem}.parquet")
        out[src.name] = (path, meta)
    return out


def test_lkml_excerpts_are_stored_unchanged_with_provenance():
    prov = json.loads((LKML / "provenance.json").read_text())
    assert set(prov["files"]) == {p.name for p in LKML.glob("*.txt")}
    for name, p in prov["files"].items():
        assert p["url"] == f"https://lore.kernel.org/all/{p['message_id']}/"
    boqun = (LKML / "boqun-ZfN14cRsXp0CS7KC.txt").read_text()
    assert "> > [  236.446896]   <idle>-0         3d.... 2929469us : tmigr_group_set_cpu_inactive" in boqun
    assert "\t\tdata->remote = false;\n\t\n" in boqun          # the mail's tabs and blanks kept


def test_ftrace_dump_excerpt_rows(lkml):
    """The dmesg-prefixed latency excerpt: CPU from the flags field, us stamps, fields as printed."""
    path, meta = lkml["tglx-87sf0sldbi.txt"]
    r = rows(path)
    assert len(r) == 11 and {x["cpu"] for x in r} == {0, 3}
    idle3 = [x for x in r if x["event"] == "tmigr_cpu_idle" and x["cpu"] == 3]
    assert idle3 == [dict(idle3[0], ts=2_929_470_000, pid=0, comm="<idle>", irq_flags="d....",
                          nextevt=KTIME_MAX, wakeup=KTIME_MAX)]
    upd = [x for x in r if x["event"] == "tmigr_update_events"]
    assert [(x["cpu"], x["ts"], x["group_next_expiry"], x["nextevt"]) for x in upd] == [
        (3, 2_928_469_000, 2_934_000_000, 3_103_000_000), (0, 2_928_477_000, 2_934_000_000, 3_103_000_000)]
    last = [x for x in r if x["event"] == "tmigr_group_set_cpu_inactive"][-1]
    assert (last["cpu"], last["active"], last["migrator"], last["childmask"]) == (3, 0, 0xFF, 8)
    d = meta.extra["text_dialect"]
    assert d["parser"] == "excerpt"
    assert d["dialects"] == ["console-prefix", "latency"]
    assert d["skipped_lines"] == 11 and d["event_lines"] == 12 and d["duplicate_lines"] == 0
    assert d["skipped_examples"][0] == "On Thu, Mar 14 2024 at 21:45, Thomas Gleixner wrote:"
    assert "time_start" in d["ts_meaning"]["latency-us"]
    assert meta.unknown_events == {} and meta.malformed_lines == 11   # every non-event line, as before
    assert meta.pointer_mode == "hashed"


def test_quoted_copies_of_one_excerpt_give_the_same_rows(lkml):
    """Quoted once (> ), twice (> > ) or not at all: the same 11 tmigr rows; a mail's second
    quotation of lines it showed before is dropped as a duplicate."""
    base = rows(lkml[SAME_EXCERPT[0]][0])
    for name in SAME_EXCERPT[1:]:
        assert rows(lkml[name][0]) == base, name
    d = lkml["tglx-87plvwlbl2.txt"][1].extra["text_dialect"]
    assert d["dialects"] == ["console-prefix", "latency", "mail-quoting"]
    assert d["duplicate_lines"] == 3
    d = lkml["boqun-ZfN14cRsXp0CS7KC.txt"][1].extra["text_dialect"]
    assert d["dialects"] == ["console-prefix", "latency", "mail-quoting"] and d["duplicate_lines"] == 0


def test_excerpt_without_prefix_and_timer_events(lkml):
    """The second boot: no dmesg prefix, indented lines, timer events with symbolic flags."""
    path, meta = lkml["tglx-87msr0l94p.txt"]
    r = rows(path)
    assert [(x["cpu"], x["event"], x["ts"]) for x in r] == [
        (2, "tmigr_update_events", 3_016_627_000), (2, "tmigr_group_set_cpu_inactive", 3_016_628_000),
        (2, "tmigr_cpu_idle", 3_016_629_000), (0, "tmigr_group_set_cpu_inactive", 3_016_684_000),
        (0, "tmigr_cpu_idle", 3_016_685_000), (0, "tmigr_cpu_new_timer_idle", 3_024_623_000)]
    every = pq.read_table(path).to_pylist()
    start = [x for x in every if x["event"] == "timer_start"]
    assert [(x["comm"], x["pid"], x["cpu"], x["expires"]) for x in start] == [("kcompact", 42, 1, 4294670348)]
    d = meta.extra["text_dialect"]
    assert d["duplicate_lines"] == 3 and meta.malformed_lines == d["skipped_lines"]


def test_info_shows_the_skipped_lines(lkml):
    path, _ = lkml["tglx-87plvwlbl2.txt"]
    proc = run_cli("info", path, "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)["text_dialect"]
    assert (d["skipped_lines"], d["blank_lines"], d["duplicate_lines"], d["event_lines"]) == (24, 27, 3, 14)
    proc = run_cli("info", path)
    assert "non-event lines" in proc.stdout and "time_start" in proc.stdout


def test_lkml_excerpts_replay(lkml):
    for name, (path, _) in lkml.items():
        proc = run_cli("replay", path, "--kernel", "6.9-rc1", "--json")
        assert proc.returncode in (0, 1), proc.stderr
        res = json.loads(proc.stdout)
        assert res["model_profile"] == "6.9" and res["checked"] > 0, name


def test_which_bug_tries_the_6_9_faults_with_their_commits(lkml):
    path, _ = lkml["tglx-87sf0sldbi.txt"]
    proc = run_cli("replay", path, "--which-bug", "--kernel", "6.9-rc1", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    res = json.loads(proc.stdout)
    assert res["era"] == "6.9"
    tried = {c["fault"]: (c["commit"], c["fixed_in"]) for c in res["candidates"]}
    assert tried == {"early_return_always": ("4b6f4c5a67c0", "6.9-rc1"),
                     "no_stale_wakeup_reset": ("f55acb1e44f3", "6.9-rc2"),
                     "no_evtcpu_refresh": ("61f7fdf8fd00", "6.9-rc3"),
                     "unpublished_groupmask": ("b729cc1ec21a", "6.13")}
    verdicts = {c["fault"]: c["verdict"] for c in res["candidates"]}
    assert verdicts["early_return_always"] == "fits"
    assert {v for f, v in verdicts.items() if f != "early_return_always"} == {"same"}
    assert res["verdict"].startswith("fits 4b6f4c5a67c0 (fixed in 6.9-rc1), not the fixed kernel")
    # the fixed model: CPU3's update expected but not traced, and its wakeup later than CPU0's
    # queued event (3103000000, traced by CPU0's own update 1 ms earlier)
    assert res["baseline"]["diverged"] == 2 and res["baseline"]["warmup_events"] == 5
    bad = run_cli("replay", path, "--which-bug", "--fault", "early_return_always")
    assert bad.returncode == 2 and "not with --fault" in bad.stderr and "Traceback" not in bad.stderr


def test_which_bug_names_4b6f4c5a67c0_on_the_lkml_excerpts(lkml):
    """Issue 17's fragments: each excerpt starts from an unknown state. What it proves is enough:
    the group is the root (parent=00000000), the last active CPU leaves it idle (migrator=ff), and
    another CPU's event is queued (its own tmigr_update_events). The fixed kernel traces the root's
    update and returns a wakeup no later than that event; the kernel returned KTIME_MAX with no
    update: the early return on deactivation that 4b6f4c5a67c0 removed."""
    for name in lkml:
        found = which_bug(str(lkml[name][0]), kernel="6.9-rc1")
        assert found.fits and found.fits[0] == "early_return_always", name
        assert found.verdict.startswith("fits 4b6f4c5a67c0 (fixed in 6.9-rc1), not the fixed kernel"), name
        # only the last idle CPU's decision diverges under the fixed model; the setup checks agree
        assert found.baseline.diverged_by_kind == {"expiry": 1, "wakeup": 1}, name
        early = next(c for c in found.candidates if c.fault == "early_return_always")
        assert early.diverged == 0, name


def test_which_bug_on_a_fixed_kernel(imported):
    """A real 6.12.107 capture: the fixed 6.14-era model fits with no divergence; the faults that
    change what it traced do not fit (#1 gives expiry divergences, #12 a second root)."""
    path = imported(FIXTURES / "lab" / "lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz")
    found = which_bug(str(path), all_faults=True)
    assert found.era == "6.14" and found.baseline.diverged == 0 and found.fixed_fits
    verdicts = {c.fault: c.verdict for c in found.candidates}
    assert verdicts["early_return_always"] == verdicts["root_test_off_by_one"] == "does not fit"
    assert found.verdict.startswith("fits the fixed kernel")
    assert faults_of_era(get_profile("6.14")) == ["root_test_off_by_one"]
    assert faults_of_era(get_profile("6.9")) == ["early_return_always", "no_stale_wakeup_reset",
                                                 "no_evtcpu_refresh", "unpublished_groupmask"]


def test_lab_latency_format_gives_the_rows_of_the_standard_text(tmp_path: Path):
    """The guest printed one window twice: trace with options/latency-format off and on."""
    with tarfile.open(LAB_LATENCY) as tar:
        names = {Path(m.name).relative_to(Path(m.name).parts[0]).as_posix(): m for m in tar.getmembers()
                 if len(Path(m.name).parts) > 1}
        for inner in ("trace.txt", "lab/trace-latency.txt"):
            (tmp_path / Path(inner).name).write_bytes(tar.extractfile(names[inner]).read())
    lat_text = (tmp_path / "trace-latency.txt").read_text()
    assert "# nop latency trace" in lat_text and "[00" not in lat_text
    _, std_meta, n_std = import_file(tmp_path / "trace.txt", tmp_path / "std.parquet")
    _, lat_meta, n_lat = import_file(tmp_path / "trace-latency.txt", tmp_path / "lat.parquet")
    assert n_std == n_lat == 473
    assert std_meta.extra["text_dialect"]["parser"] == "standard"
    assert lat_meta.extra["text_dialect"]["dialects"] == ["latency"]
    assert lat_meta.extra["text_dialect"]["skipped_lines"] == 0
    std, lat = rows(tmp_path / "std.parquet", False), rows(tmp_path / "lat.parquet", False)
    same = [k for k in FIELDS if k != "comm"]
    for s, l in zip(std, lat):
        assert {k: s[k] for k in same} == {k: l[k] for k in same}
        assert l["comm"] == s["comm"][:8].strip()      # lat_print_generic prints "%8.8s"
    # us since the buffer's time_start: one offset for every row, at the format's 1 us resolution
    offsets = [s["ts"] - l["ts"] for s, l in zip(std, lat)]
    assert max(offsets) - min(offsets) <= 1000 and min(offsets) > 0
    assert all(l["ts"] % 1000 == 0 for l in lat)


def test_trace_cmd_report_l_gives_the_rows_of_report(tmp_path: Path):
    """trace-cmd report -l (CPU and flags run together, no brackets) vs report of the same trace.dat."""
    _, meta, n = import_file(HOST_618 / "report-l.txt.gz", tmp_path / "l.parquet")
    import_file(HOST_618 / "report-same-window.txt.gz", tmp_path / "r.parquet")
    assert n == 36 and meta.extra["text_dialect"]["dialects"] == ["latency"]
    same = [k for k in FIELDS if k not in ("irq_flags", "comm")]  # -l cuts comm to 8 characters
    a, b = rows(tmp_path / "l.parquet", False), rows(tmp_path / "r.parquet", False)
    assert [{k: x[k] for k in ["ts", *same]} for x in a] == [{k: x[k] for k in ["ts", *same]} for x in b]
    assert a[0]["irq_flags"] == "..s.." and a[0]["cpu"] == 1 and a[0]["comm"] == "tmigr-tr"
    assert all(x["comm"] == y["comm"][:8] for x, y in zip(a, b))


# -- hand-written snippets (parser edge cases, marked as such) --------------------------------------

SERIAL_LOG = (
    # HAND-WRITTEN: a serial console with other kernel messages between ftrace_dump lines, CRLF,
    # a caller id, and one line a mail client wrapped (the continuation is key=value only).
    "[  236.300000] Dumping ftrace buffer:\r\n"
    "[  236.300001] ---------------------------------\r\n"
    "[  236.318158][    C3]   <idle>-0         3..s.. 2928466us : tmigr_handle_remote: group=aecb05cb lvl=0\r\n"
    "[  236.320000] usb 1-1: new high-speed USB device number 2 using xhci-hcd\r\n"
    "<4>[  236.357809]   <idle>-0         3d.s.. 2928469us : tmigr_update_events: child=00000000 group=aecb05cb\r\n"
    "group_lvl=0 child_active=0 group_active=8 nextevt=3103000000 next_expiry=2934000000 child_evt_expiry=0 child_evtcpu=0\r\n"
    "Mar 14 12:00:01 board kernel: [  236.460916]   <idle>-0         3d.... 2929470us!: tmigr_cpu_idle: cpu=3 parent=aecb05cb nextevt=9223372036854775807 wakeup=9223372036854775807\r\n"
    ">> [  236.473721]   <idle>-0         3d.... 2934471us : tmigr_cpu_new_timer_idle: cpu=3 parent=aecb05cb nextevt=9223372036854775807\n"
    ">> wakeup=9223372036854775807\n"
    "[  236.500000] ---------------------------------\r\n"
)


def test_serial_log_with_crlf_wrapping_and_interleaved_messages(tmp_path: Path):
    src = tmp_path / "console.log"
    src.write_bytes(SERIAL_LOG.encode())
    _, meta, n = import_file(src, tmp_path / "c.parquet")
    r = rows(tmp_path / "c.parquet")
    assert [(x["event"], x["ts"]) for x in r] == [
        ("tmigr_handle_remote", 2_928_466_000), ("tmigr_update_events", 2_928_469_000),
        ("tmigr_cpu_idle", 2_929_470_000), ("tmigr_cpu_new_timer_idle", 2_934_471_000)]
    assert r[1]["group_next_expiry"] == 2_934_000_000 and r[1]["child_evtcpu"] == 0
    assert r[3]["wakeup"] == KTIME_MAX
    d = meta.extra["text_dialect"]
    assert d["wrapped_lines"] == 2 and d["skipped_lines"] == 4
    assert d["dialects"] == ["console-prefix", "crlf", "latency", "mail-quoting", "wrapped"]


def test_latency_line_shapes():
    # HAND-WRITTEN: the four stamp forms of lat_print_timestamp / trace-cmd -l, 3-digit CPUs.
    m = LATENCY_RE.match("kworker/-1198      1d.... 2923481us : timer_start: timer=ffd09a61")
    assert (m["comm"], m["pid"], m["cpu"], m["flags"], m["usint"]) == ("kworker/", "1198", "1", "d....", "2923481")
    m = LATENCY_RE.match("  <idle>-0       127dNh1. 12.500us@: tmigr_cpu_idle: cpu=127")
    assert (m["cpu"], m["flags"], m["usint"], m["usfrac"], m["mark"]) == ("127", "dNh1.", "12", "500", "@")
    m = LATENCY_RE.match("  <idle>-0         0d..1   123: tmigr_cpu_idle: cpu=0")
    assert (m["count"], m["flags"]) == ("123", "d..1")
    assert split_line("> >  [  1.000000] x\r").text == "x"
    assert split_line(">>> a").depth == 3


def test_standard_text_keeps_the_fast_path():
    """Routing: a tracefs trace file (comments, events, LOST markers) stays on the C path."""
    head = gzip.open(HOST_618 / "trace.txt.gz").read(1 << 20)
    assert not needs_excerpt_parser(head)
    assert not needs_excerpt_parser(gzip.open(HOST_618 / "report.txt.gz").read(1 << 20))
    assert needs_excerpt_parser((LKML / "tglx-87sf0sldbi.txt").read_bytes())
    assert needs_excerpt_parser(gzip.open(HOST_618 / "report-l.txt.gz").read())


def test_lab_latency_capture_still_imports_as_a_capture(tmp_path: Path):
    """The extra lab/trace-latency.txt does not disturb the capture import (raw buffers)."""
    proc = run_cli("lab", "import", LAB_LATENCY, "-o", tmp_path / "cap.parquet")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(run_cli("info", tmp_path / "cap.parquet", "--json", check=True).stdout)["events"] == 473


def test_lab_latency_format_is_refused_with_text_out(tmp_path: Path):
    proc = run_cli("lab", "run", "--latency-format", "--text-out", tmp_path / "x.trace.txt")
    assert proc.returncode == 2 and "not with --text-out" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_real_serial_console_ftrace_dump(tmp_path: Path):
    """A guest's serial console with sysrq-z's ftrace_dump: the dumped lines are the last events of
    the same buffer's trace text, at the same stamps (time_start 0), minus what printk dropped."""
    lab = FIXTURES / "lab-latency"
    _, meta, n_con = import_file(lab / "lab-7.3.4+deb13-4cpu-ftrace-dump.console.log.xz", tmp_path / "c.parquet")
    _, _, n_txt = import_file(lab / "lab-7.3.4+deb13-4cpu-ftrace-dump.trace.txt.xz", tmp_path / "t.parquet")
    assert (n_con, n_txt) == (812, 1840)
    d = meta.extra["text_dialect"]
    assert d["dialects"] == ["console-prefix", "latency"] and d["skipped_lines"] == 12
    assert d["skipped_examples"][:2] == ["[    0.028000] ..MP-BIOS bug: 8254 timer not connected to IO-APIC",
                                         "LAB-BOOTED: 7.3.4+deb13-amd64 online=0-3 uptime=12.13"]
    con, txt = rows(tmp_path / "c.parquet", False), rows(tmp_path / "t.parquet", False)[-n_con:]
    pointers = {"group", "parent", "child"}
    for c, t in zip(con, txt):
        assert c["ts"] == t["ts"] and c["comm"] == t["comm"][:8]
        for k in FIELDS:
            if k != "comm" and c[k] != t[k]:
                assert k in pointers and c[k] is None, (k, c, t)   # printed (____ptrval____)
