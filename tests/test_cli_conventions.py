"""The command line's conventions, driven as a user drives it: in a pseudo-terminal and piped.

--version, exit codes (--help and README), plain output when piped, progress on a terminal only,
JSON outputs against their JSON Schemas, a replay that checked nothing, lab argument checks.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from tmigr_trace.jsonout import JSON_SCHEMA_VERSION, SCHEMAS, load_schema

from conftest import FIXTURES, HOST_618, ROOT, run_cli

LATE = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
BIG = FIXTURES / "lab" / "lab-7.3.4+deb13-64cpu-4node-smt2-late-nodes.tar.gz"
BOX = set("─│┃━┏┓┗┛┡┩└┘┌┐├┤┬┴┼╇╈═║╔╗╚╝")


def run_in_pty(*args: str, timeout: float = 300) -> tuple[int, str]:
    """Run `python -m tmigr_trace ARGS` with stdin/stdout/stderr on a pseudo-terminal; returns the
    exit status and everything the terminal received."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "40"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "tmigr_trace", *map(str, args)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:            # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode(errors="replace")


# --- --version, --help, exit codes -----------------------------------------------------------------

def test_version_names_tool_schemas_and_replay_core():
    from tmigr_trace import __version__
    from tmigr_trace.replay import native_status
    from tmigr_trace.schema import SCHEMA_VERSION

    r = run_cli("--version", check=True)
    assert r.stdout.startswith(f"tmigr-trace {__version__}\n")
    assert f"event schema {SCHEMA_VERSION}, JSON output schema {JSON_SCHEMA_VERSION}" in r.stdout
    core = native_status()
    assert ("compiled (mypyc)" if core["compiled"] else f"pure Python ({core['reason']})") in r.stdout


def test_help_is_lazy_and_documents_exit_codes():
    """--help imports none of the heavy modules (the time is measured by benchmarks/cli_help.py),
    and every command lists its exit codes, the same as the README's table."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "tmigr_trace", "replay", "--help"],
                       capture_output=True, text=True, check=True)
    loaded = {ln.split("|")[-1].strip().split(".")[0] for ln in r.stderr.splitlines() if ln.startswith("import time:")}
    assert not loaded & {"pandas", "pyarrow", "numpy", "rich", "pydantic"}, loaded
    assert "--jsonl" in r.stdout and not BOX & set(r.stdout)
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("<!-- exit-codes:begin -->"):readme.index("<!-- exit-codes:end -->")]
    for cmd in (["capture"], ["import"], ["info"], ["replay"], ["export"], ["report"], ["diff"], ["doctor"], ["lab", "run"],
                ["lab", "kernels"], ["lab", "scenarios"], ["lab", "import"]):
        h = run_cli(*cmd, "--help", check=True).stdout
        codes = re.findall(r"^\s+(\d+)\s{2,}", h[h.index("Exit status:"):], re.M)
        assert codes and "0" in codes and "2" in codes, cmd
        row = next(ln for ln in table.splitlines() if ln.startswith(f"| `{' '.join(cmd)}`"))
        assert sorted(re.findall(r"\*\*(\d+)\*\*", row), key=int) == sorted(codes, key=int), (cmd, row)
    assert "3" in re.findall(r"^\s+(\d+)\s{2,}", run_cli("replay", "--help").stdout, re.M)


def test_completion_script_is_available():
    exe = Path(sys.executable).parent / "tmigr-trace"      # the installed command, as users run it
    r = subprocess.run([exe, "--show-completion", "bash"], capture_output=True, text=True)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    assert "_TMIGR_TRACE_COMPLETE" in r.stdout and "complete -o default -F _tmigr_trace_completion tmigr-trace" in r.stdout
    env = {**os.environ, "_TMIGR_TRACE_COMPLETE": "complete_bash", "COMP_WORDS": "tmigr-trace repl", "COMP_CWORD": "1"}
    assert subprocess.run([exe], env=env, capture_output=True, text=True).stdout.split() == ["replay"]
    # option values: --fault completes the model's historical bugs, --model its profiles
    from tmigr_trace.replay.model import FAULTS

    env = {**env, "COMP_WORDS": "tmigr-trace replay x.parquet --fault no_", "COMP_CWORD": "4"}
    assert subprocess.run([exe], env=env, capture_output=True, text=True).stdout.split() == \
        [f for f in FAULTS if f.startswith("no_")] == ["no_stale_wakeup_reset", "no_evtcpu_refresh"]
    env = {**env, "COMP_WORDS": "tmigr-trace replay x.parquet --model 6.1", "COMP_CWORD": "4"}
    assert "6.14" in subprocess.run([exe], env=env, capture_output=True, text=True).stdout.split()


# --- plain output when piped, CPU ranges, results vs diagnostics -------------------------------------

def test_piped_output_is_plain_and_aligned(imported, tmp_path):
    trace = imported(LATE)
    r = run_cli("info", trace, check=True)
    assert not BOX & set(r.stdout) and r.stderr == ""
    assert re.search(r"^cpus\s+0-15 \(16\)$", r.stdout, re.M)
    rows = [ln for ln in r.stdout.splitlines() if ln.startswith("tmigr_")]
    assert len(rows) == 13 and len({len(ln) for ln in rows}) == 1      # counts right-aligned in one column
    rep = run_cli("replay", trace)
    assert rep.returncode == 0 and not BOX & set(rep.stdout)
    head = rep.stdout.splitlines()[1].split()
    assert head == ["check", "checked", "agreed", "diverged", "not", "decidable", "warm-up"]
    import tmigr_trace

    res = tmigr_trace.replay(trace)           # the library's counts, printed as one aligned row
    total = next(ln for ln in rep.stdout.splitlines() if ln.startswith("total"))
    assert total.split()[1:4] == [str(res.checked), str(res.agreed), "0"] and res.checked > 1000
    assert rep.stdout.splitlines()[-1] == f"verdict: agreement: {res.checked} checks, none diverged (exit status 0)"
    # A file written: its summary is a diagnostic (stderr), stdout stays empty.
    imp = run_cli("import", LATE, "-o", tmp_path / "x.parquet", check=True)
    assert imp.stdout == "" and "3786 events" in imp.stderr
    assert run_cli("-q", "import", LATE, "-o", tmp_path / "x.parquet", "--force", check=True).stderr == ""


# --- progress: on a terminal, not when piped ---------------------------------------------------------

def test_import_and_replay_show_progress_on_a_terminal_only(tmp_path):
    src = HOST_618 / "trace.txt.gz"
    status, screen = run_in_pty("import", src, "-o", tmp_path / "a.parquet")
    assert status == 0, screen
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert "importing trace.txt.gz" in plain and re.search(r"[\d.]+(/[\d.?]+)? [kMG]?B", plain), plain
    assert "1828 events (text" in screen
    piped = run_cli("import", src, "-o", tmp_path / "b.parquet", check=True)
    assert "importing" not in piped.stderr and "\x1b[" not in piped.stderr + piped.stdout
    status, screen = run_in_pty("replay", tmp_path / "a.parquet")
    assert status == 0 and "replaying (pass 1)" in screen and "events" in screen and "ETA" in screen, screen
    assert "\x1b[" in screen                    # drawn with terminal control sequences
    piped = run_cli("replay", tmp_path / "a.parquet")
    assert "replaying" not in piped.stderr + piped.stdout and "\x1b[" not in piped.stdout
    status, screen = run_in_pty("-q", "replay", tmp_path / "a.parquet")
    assert status == 0 and "replaying (pass" not in screen
    status, screen = run_in_pty("export", tmp_path / "a.parquet", "-o", tmp_path / "a.pftrace")
    # the export's phases (scan, replay, write) with events done of the total
    assert status == 0 and "export: write" in screen and "events" in screen and "wrote " in screen, screen
    piped = run_cli("export", tmp_path / "a.parquet", "-o", tmp_path / "b.pftrace", check=True)
    assert "export: " not in piped.stderr and piped.stderr.startswith("wrote ")


def test_every_importer_reports_the_bytes_it_reads(tmp_path):
    """import_file's progress callback adds up to the file's size for trace.dat (compressed ring
    buffers included) and Perfetto, so the bar reaches its total; a capture tarball reports its
    per-CPU ring-buffer bytes (the sizes of the raw files in the tarball)."""
    import tarfile

    from tmigr_trace.importers import import_file

    for src in (FIXTURES / "tracedat" / "host-6.18.v7-zstd.dat", FIXTURES / "tracedat" / "host-6.18-sched.v7-zstd.dat",
                FIXTURES / "perfetto" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.denser.perfetto-trace"):
        told: list[int] = []
        import_file(src, tmp_path / "t.parquet", force=True, progress=told.append)
        assert sum(told) == src.stat().st_size and len(told) >= 1, src
    told = []
    import_file(LATE, tmp_path / "t.parquet", force=True, progress=told.append)
    with tarfile.open(LATE) as tar:
        raw = sum(m.size for m in tar.getmembers() if m.name.endswith("/raw") and "/per_cpu/cpu" in m.name)
    assert sum(told) == raw > 0
    status, screen = run_in_pty("import", FIXTURES / "tracedat" / "host-6.18-sched.v7-zstd.dat", "-o", tmp_path / "d.parquet")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert status == 0 and "importing host-6.18-sched.v7-zstd.dat" in plain and "208.8/208.8 kB" in plain, plain


def test_which_bug_and_report_show_progress_on_a_terminal_only(imported, tmp_path):
    """--which-bug names the replay under way (the fixed model, then each fault); report counts the
    captures analysed. Piped: no bar, only the report's per-capture diagnostic lines."""
    trace = imported(FIXTURES / "lab" / "lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz")
    status, screen = run_in_pty("replay", trace, "--which-bug")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    # the bar's last frame (drawn when it stops): the era's one fault, #12, after the fixed model
    assert status == 0 and "which bug: root_test_off_by_one" in plain and "1/2 replays" in plain, plain
    assert "verdict: fits the fixed kernel" in plain
    piped = run_cli("replay", trace, "--which-bug")
    assert piped.returncode == 0 and "replays" not in piped.stdout + piped.stderr and not BOX & set(piped.stdout)
    assert re.search(r"^fixed \(6\.14 as released\)\s+\d+\s+0\s+\d+\s+baseline$", piped.stdout, re.M), piped.stdout
    status, screen = run_in_pty("report", trace, trace, "-o", tmp_path / "r", "--workers", "0")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert status == 0 and "analysing captures" in plain and "2/2 captures" in plain, plain
    piped = run_cli("report", trace, "-o", tmp_path / "r", "--workers", "0", "-f")
    assert piped.returncode == 0 and "analysing" not in piped.stderr and "[1/1] captures" in piped.stderr
    quiet = run_cli("report", trace, "-o", tmp_path / "r", "--workers", "0", "-f", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_lab_phases_are_reported_in_order():
    """The lab's phase callback (no boot: the console marks of a real guest run, replayed)."""
    from tmigr_trace.collectors.lab.run import phase_watcher

    seen: list[str] = []
    watch = phase_watcher(seen.append)
    console = ""
    for line in ("Linux version 7.3.4+deb13-amd64", "LAB-BOOTED: 7.3.4 online=0-1 uptime=6.5",
                 "LAB-CAPTURE-STARTED: uptime=6.6", "LAB-ONLINE: 0-15 uptime=9.0",
                 "LAB-SCENARIO: idle-churn duration=3", "LAB-SCENARIO-DONE: uptime=12.1", "LAB-DONE: uptime=12.9"):
        console += line + "\n"
        watch(console)
        watch(console)                  # polled again: each phase is reported once
    assert seen == ["online", "capture", "shutdown"]


# --- JSON outputs and their schemas --------------------------------------------------------------------

def _validate(name: str, doc: dict) -> None:
    jsonschema.validate(doc, load_schema(name), cls=jsonschema.Draft202012Validator)


def test_every_schema_is_a_valid_json_schema_shipped_with_the_package():
    for name in SCHEMAS:
        jsonschema.Draft202012Validator.check_schema(load_schema(name))
    assert (ROOT / "pyproject.toml").read_text().count('"schemas/*.json"') == 1


def test_info_json_validates(imported):
    doc = json.loads(run_cli("info", imported(LATE), "--json", check=True).stdout)
    _validate("info", doc)
    assert doc["schema"] == "tmigr-trace/info" and doc["schema_version"] == JSON_SCHEMA_VERSION
    assert doc["cpus"] == list(range(16)) and doc["events"] == 3786
    with pytest.raises(jsonschema.ValidationError):
        _validate("info", {**doc, "events": "many"})


def test_replay_json_and_jsonl_stream_every_divergence(imported):
    """The 64-CPU capture against a model with the NUMA-imbalance bug: thousands of divergences,
    spilled to disk beyond the first 50; --json keeps the first 100, --json --all and --jsonl all."""
    trace = imported(BIG)
    args = ("replay", trace, "--fault", "imbalanced_numa", "--divergences-in-memory", "50")
    one = run_cli(*args, "--json")
    assert one.returncode == 1
    doc = json.loads(one.stdout)
    _validate("replay", doc)
    total = doc["divergences_total"]
    assert total > 1000 and len(doc["divergences"]) == 100 and doc["verdict"] == "diverged"
    every = json.loads(run_cli(*args, "--json", "--all").stdout)
    _validate("replay", every)
    assert len(every["divergences"]) == total and every["divergences"][:100] == doc["divergences"]
    lines = run_cli(*args, "--jsonl").stdout.splitlines()
    assert len(lines) == 1 + total
    records = [json.loads(ln) for ln in lines]
    for rec in records[:200] + records[-50:]:
        _validate("replay-record", rec)
    assert records[0]["record"] == "summary" and records[0]["divergences_total"] == total
    assert [r["n"] for r in records[1:]] == list(range(total))
    assert {k: v for k, v in records[-1].items() if k not in ("record", "n", "schema")} == \
        {"schema_version": 1, "tool_version": doc["tool_version"], **every["divergences"][-1]}


# --- a replay that checked nothing -----------------------------------------------------------------------

def test_replay_that_checked_nothing_says_so_with_exit_3(tmp_path):
    """The first three lines of the host's real trace (tmigr_handle_remote only): nothing the model
    can compare. Not an agreement: exit status 3, in text and JSON."""
    import gzip

    lines = [ln for ln in gzip.open(HOST_618 / "trace.txt.gz", "rt") if not ln.startswith("#")][:3]
    assert all(": tmigr_handle_remote:" in ln for ln in lines)
    src = tmp_path / "three.txt"
    src.write_text("".join(lines))
    run_cli("import", src, "-o", tmp_path / "three.parquet", check=True)
    r = run_cli("replay", tmp_path / "three.parquet")
    assert r.returncode == 3 and "verdict: nothing checked" in r.stdout and "verdict: agreement" not in r.stdout
    j = run_cli("replay", tmp_path / "three.parquet", "--json")
    assert j.returncode == 3
    doc = json.loads(j.stdout)
    _validate("replay", doc)
    assert doc["verdict"] == "nothing_checked" and doc["checked"] == 0 and doc["exit_status"] == 3


def test_replay_option_defaults_match_the_library():
    from tmigr_trace.cli.cmd_replay import DEFAULT_MEMORY
    from tmigr_trace.divergence_log import DEFAULT_MEMORY as LIB

    assert DEFAULT_MEMORY == LIB


# --- lab arguments ---------------------------------------------------------------------------------------

def test_lab_kernel_before_6_9_is_refused_in_one_line(tmp_path):
    r = run_cli("lab", "run", "--kernel", "6.1", "-o", tmp_path / "x.parquet")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "no tmigr tracepoints before 6.9" in r.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_lab_series_matches_whole_components():
    from tmigr_trace.cli.cmd_lab import in_series

    assert in_series("6.1.158", "6.1") and in_series("6.1", "6.1")
    assert not in_series("6.12.43", "6.1") and not in_series("6.19.14", "6.1")
    assert in_series("6.12.43", "6.12.43") and not in_series("6.12.107", "6.12.1")


def test_lab_scenarios_are_described_in_full():
    r = run_cli("lab", "scenarios", check=True)
    lines = r.stdout.splitlines()
    assert len(lines) == len(list((ROOT / "collectors" / "lab" / "scenarios").glob("*.sh")))
    hot = next(ln for ln in lines if ln.startswith("hotplug-one"))
    assert hot.endswith("Half the duration before the offline, half after the online.")
    assert all(ln.rstrip().endswith((".", ")")) for ln in lines), lines
