"""`tmigr-trace report` / `diff` on real lab captures: 6.12 vs 7.3.4 (same topology and scenario),
numbers checked against values computed here, independently, from the Parquet rows; the HTML
opened in Debian's headless Chromium; a historical-bug fault fails the gate, healthy captures pass."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES, run_cli

LAB, REGRESS = FIXTURES / "lab", FIXTURES / "regress"
# idle-churn on 16 vCPUs, 2 nodes, SMT 2 (fixtures/lab/provenance.json, fixtures/README.md)
BASELINE = [LAB / "lab-6.12.107+deb13-16cpu-2node-smt2-boot.tar.gz", LAB / "lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz",
            LAB / "lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz"]
CANDIDATE = [LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-boot.tar.gz", LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz",
             REGRESS / "lab-7.3.4-16cpu-late-run1.tar.gz", REGRESS / "lab-7.3.4-16cpu-late-run2.tar.gz"]
GATE = "divergences>0,lateness_p99>+20%,handoffs_per_s>+50%"
KTIME_MAX = 2**63 - 1
STATE = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
CPU_EVENTS = ("tmigr_cpu_idle", "tmigr_cpu_active", "tmigr_cpu_new_timer", "tmigr_cpu_new_timer_idle",
              "tmigr_cpu_online", "tmigr_cpu_offline", "tmigr_cpu_available", "tmigr_cpu_unavailable")


def _rows(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def expected_numbers(path: Path) -> dict:
    """The report's statistics recomputed row by row from the Parquet file (a second, plain
    implementation of the definitions in docs/report.md)."""
    import tmigr_trace

    meta = tmigr_trace.load(path).meta
    node = {int(c): int(n) for c, n in meta.topology["node_of_cpu"].items()}
    rows = _rows(path)
    last_mig: dict[int, int] = {}
    handoffs = 0
    for r in rows:
        if r["event"] in STATE:
            g, m = r["group"], r["migrator"]
            if g in last_mig and last_mig[g] != m and 0xFF not in (last_mig[g], m):
                handoffs += 1
            last_mig[g] = m
    remote = [r for r in rows if r["event"] == "tmigr_handle_remote_cpu"]
    same = sum(node[r["cpu"]] == node[r["target_cpu"]] for r in remote)
    published: dict[int, int] = {}
    late = []
    for r in rows:
        ev, cpu = r["event"], r["cpu"]
        if ev == "tmigr_handle_remote_cpu":
            if r["target_cpu"] in published:
                late.append((r["ts"] - published.pop(r["target_cpu"])) / 1e3)
        elif ev == "tmigr_cpu_active":
            published.pop(cpu, None)
        elif ev in ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle"):
            if r["nextevt"] not in (None, KTIME_MAX):
                published[cpu] = r["nextevt"]
            elif ev == "tmigr_cpu_idle":
                published.pop(cpu, None)
    trail: dict[int, int] = {}
    walks = []
    for r in rows:
        ev, cpu = r["event"], r["cpu"]
        if ev == "tmigr_group_set_cpu_inactive":
            trail[cpu] = trail.get(cpu, 0) + 1
        elif ev in CPU_EVENTS:
            if ev == "tmigr_cpu_idle" and trail.get(cpu):
                walks.append(trail[cpu])
            trail[cpu] = 0
        elif ev == "tmigr_group_set_cpu_active":
            trail[cpu] = 0
    armed = sum(1 for r in rows if r["event"] in ("tmigr_cpu_idle", "tmigr_cpu_new_timer_idle")
                and r["wakeup"] is not None and r["wakeup"] != KTIME_MAX)
    return {"events": len(rows), "handoffs": handoffs, "remote": len(remote), "same": same,
            "cross": len(remote) - same, "lateness": np.array(late), "walks": np.array(walks), "armed": armed}


class Tables(HTMLParser):
    """Text of every <table id=...> cell, and the ids of figures holding an <svg>."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: set[str] = set()
        self._table = self._figure = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "figure":
            self._figure = a.get("id")
        elif tag == "svg" and self._figure:
            self.figures.add(self._figure)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _table(tables: Tables, tid: str) -> list[dict[str, str]]:
    head, *body = tables.tables[tid]
    return [dict(zip(head, row)) for row in body]


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    from tmigr_trace.importers import import_file

    base = tmp_path_factory.mktemp("report-captures")
    out = {}
    for side, srcs in (("baseline", BASELINE), ("candidate", CANDIDATE)):
        (base / side).mkdir()
        out[side] = []
        for src in srcs:
            dst = base / side / (src.name.removesuffix(".tar.gz") + ".parquet")
            import_file(src, dst)
            out[side].append(dst)
    return out


@pytest.fixture(scope="module")
def compare_report(sides, tmp_path_factory):
    """report --baseline 6.12 --candidate 7.3.4 on a local Dask cluster of 2 worker processes."""
    out = tmp_path_factory.mktemp("report")
    proc = run_cli("report", "--baseline", *sides["baseline"], "--candidate", *sides["candidate"], "-o", out,
                   "--fail-on", GATE, "--workers", "2")
    return proc, out


def test_report_json_numbers_match_the_parquet_rows(sides, compare_report):
    proc, out = compare_report
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "report.json").read_text())
    assert (doc["schema"], doc["schema_version"], doc["mode"]) == ("tmigr-trace/report", 1, "compare")
    assert doc["gate"]["exit_code"] == 0 and {v["status"] for v in doc["gate"]["verdicts"]} == {"pass"}
    for side in ("baseline", "candidate"):
        caps = doc["sides"][side]["captures"]
        assert [Path(c["path"]) for c in caps] == sides[side]
        pooled_late = []
        for c, path in zip(caps, sides[side]):
            exp = expected_numbers(path)
            assert c["events"] == exp["events"]
            assert c["scalars"]["handoffs"] == exp["handoffs"]
            assert (c["scalars"]["remote_expiries"], c["scalars"]["remote_same_node"],
                    c["scalars"]["remote_cross_node"]) == (exp["remote"], exp["same"], exp["cross"])
            assert c["scalars"]["idle_walks"] == exp["walks"].size
            assert c["statistics"]["idle_walk_levels"]["mean"] == pytest.approx(exp["walks"].mean())
            assert c["scalars"]["last_idle_wakeups"] == exp["armed"]
            lat = c["statistics"]["lateness"]
            assert lat["n"] == exp["lateness"].size > 20
            assert lat["p99"] == pytest.approx(np.percentile(exp["lateness"], 99))
            assert lat["min"] >= 0          # mono clock: a remote expiry is never before its expiry
            assert c["replay"]["diverged"] == 0 and c["kernel"].startswith("6.12" if side == "baseline" else "7.3.4")
            pooled_late.append(exp["lateness"])
        pooled = np.concatenate(pooled_late)
        stats = doc["sides"][side]["statistics"]["lateness"]
        assert stats["n"] == pooled.size
        assert doc["sides"][side]["metrics"]["lateness_p99"] == pytest.approx(np.percentile(pooled, 99))
    # the fleet aggregates per host too: all lab captures come from the guest "tmigr-lab"
    assert list(doc["sides"]["baseline"]["hosts"]) == ["tmigr-lab"]
    names = {c["statistic"] for c in doc["comparison"]}
    assert {"lateness", "handoffs_per_s", "handoffs_per_s_L0", "handoffs_per_s_L1", "idle_walk_levels",
            "remote_cross_node_per_s", "group_idle", "remote_only_wakeups_per_s"} <= names


def test_cliffs_delta_and_mwu_against_pairwise_counts(compare_report):
    """Cliff's delta of the report = P(B>A) - P(B<A) counted over all pairs of real samples."""
    from tmigr_trace.report.compare import compare_one

    doc = json.loads((compare_report[1] / "report.json").read_text())
    a = np.concatenate([expected_numbers(Path(c["path"]))["walks"] for c in doc["sides"]["baseline"]["captures"]])
    b = np.concatenate([expected_numbers(Path(c["path"]))["walks"] for c in doc["sides"]["candidate"]["captures"]])
    c = compare_one("idle_walk_levels", "levels", a.astype(float), b.astype(float))
    gt = (b[:, None] > a[None, :]).sum()
    lt = (b[:, None] < a[None, :]).sum()
    assert c.cliffs_delta == pytest.approx((gt - lt) / (a.size * b.size))
    assert c.ci_low <= c.mean_diff <= c.ci_high
    row = next(x for x in doc["comparison"] if x["statistic"] == "idle_walk_levels")
    assert row["cliffs_delta"] == pytest.approx(c.cliffs_delta)


def _chromium(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it as root)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=180)


def test_report_html_in_headless_chromium(sides, compare_report, tmp_path):
    proc, out = compare_report
    page = (out / "report.html").resolve()
    html_text = page.read_text()
    # self-contained: nothing to fetch (no script, stylesheet link, remote image or font)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|<script|<link|@import|url\((?!#)""", html_text)
    dom = _chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    t = Tables()
    t.feed(dom.stdout)
    assert {"fig-divergences", "fig-timeline-baseline", "fig-timeline-candidate", "fig-lateness", "fig-handoffs",
            "fig-walks", "fig-remote", "fig-group-idle"} <= t.figures
    assert {"gate", "captures", "kinds", "comparison", "stats-baseline", "stats-candidate"} <= set(t.tables)
    caps = _table(t, "captures")
    assert len(caps) == len(BASELINE) + len(CANDIDATE)
    for row, path in zip(caps, sides["baseline"] + sides["candidate"]):
        exp = expected_numbers(path)
        assert row["capture"] == path.stem and int(row["events"]) == exp["events"] and row["divergences"] == "0"
    base_stats = {r["statistic"]: r for r in _table(t, "stats-baseline")}
    late = np.concatenate([expected_numbers(p)["lateness"] for p in sides["baseline"]])
    assert int(base_stats["lateness"]["n"]) == late.size
    assert float(base_stats["lateness"]["p99"]) == pytest.approx(np.percentile(late, 99), rel=1e-3)
    shot = tmp_path / "report.png"
    res = _chromium("--window-size=1200,2400", f"--screenshot={shot}", page.as_uri())
    assert res.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_fault_fails_the_gate_and_healthy_captures_pass(sides, tmp_path):
    """The same gate on the same two healthy 7.3.4 captures: passes; with bug #1 (early_return_always)
    switched on in the candidate's replay, the divergences lead the report and the gate fails."""
    a, b = sides["candidate"][2], sides["candidate"][3]
    ok = run_cli("diff", a, b, "--fail-on", GATE, "--workers", "0", "-q")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "gate passed" in ok.stdout
    bad = run_cli("diff", a, b, "--fault", "early_return_always", "--fail-on", GATE, "--workers", "0", "-q",
                  "-o", tmp_path / "r")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "FAIL    divergences =" in bad.stdout
    doc = json.loads((tmp_path / "r" / "report.json").read_text())
    cand = doc["sides"]["candidate"]["captures"][0]
    assert cand["faults"] == ["early_return_always"] and cand["replay"]["diverged"] > 0
    assert doc["sides"]["candidate"]["totals"]["divergences"] == cand["replay"]["diverged"]
    assert doc["sides"]["baseline"]["totals"]["divergences"] == 0
    assert cand["stories"] and cand["stories"][0].startswith("Divergence 0 of")
    html_text = (tmp_path / "r" / "report.html").read_text()
    first = html_text.index('id="headline"')
    assert 'class="banner bad"' in html_text[first - 40:first + 40]
    assert f"{cand['replay']['diverged']} DIVERGENCES in 1 of 2 captures" in html_text
    assert html_text.index('id="divergences"') < html_text.index('id="comparison"')


def test_one_set_report_and_partitioned_dataset(sides, tmp_path):
    """A one-set report of a host=/kernel= partitioned dataset: per-host aggregates by partition."""
    ds = tmp_path / "ds"
    for host, path in (("boxa", sides["candidate"][2]), ("boxb", sides["candidate"][3])):
        (ds / f"host={host}" / "kernel=7.3.4").mkdir(parents=True)
        shutil.copy(path, ds / f"host={host}" / "kernel=7.3.4" / path.name)
    proc = run_cli("report", ds, "-o", tmp_path / "out", "--workers", "0", "-q", "--fail-on", "divergences>0")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert doc["mode"] == "single" and list(doc["sides"]) == ["captures"]
    hosts = doc["sides"]["captures"]["hosts"]
    assert list(hosts) == ["boxa", "boxb"]
    for host, path in zip(hosts, (sides["candidate"][2], sides["candidate"][3])):
        assert hosts[host]["totals"]["remote_expiries"] == expected_numbers(path)["remote"]
    md = (tmp_path / "out" / "report.md").read_text()
    assert md.startswith("# tmigr-trace report") and "| lateness | us |" in md


@pytest.mark.parametrize("args, message", [
    (["report", "/nonexistent.parquet", "-o", "{out}"], "/nonexistent.parquet: no such file or directory"),
    (["report", "{a}", "-o", "{out}", "--fail-on", "latency>3"], "unknown metric 'latency'"),
    (["report", "{a}", "-o", "{out}", "--fail-on", "lateness_p99>+20%"], "a relative threshold needs a baseline"),
    (["report", "{a}", "-o", "{out}", "--fail-on", "lateness_p99 >> 3"], "expected METRIC OP VALUE"),
    (["report", "--baseline", "{a}", "-o", "{out}"], "--baseline and --candidate go together"),
    (["diff", "{a}", "{a}", "--fault", "nope"], "unknown fault 'nope'"),
    (["report", "{a}", "-o", "{taken}"], "already has report.json (use --force to overwrite)"),
    (["diff", "{a}", "{notparquet}", "--workers", "2"], "not a readable Parquet file"),   # before any worker starts
    (["report", "{a}", "-o", "{out}", "--timeline", "3"], "expected START:END"),
])
def test_bad_input_is_one_line(sides, tmp_path, args, message):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "report.json").write_text("mine")
    (tmp_path / "text.parquet").write_text("not parquet (hand-written)")
    fill = {"a": str(sides["candidate"][2]), "out": str(tmp_path / "o"), "taken": str(taken),
            "notparquet": str(tmp_path / "text.parquet")}
    extra = [] if "--workers" in args else ["--workers", "0"]
    proc = run_cli(*[x.format(**fill) for x in args], *extra, "-q")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert (taken / "report.json").read_text() == "mine"


def test_existing_dask_scheduler(sides, tmp_path):
    """--scheduler: the replays run on an already running cluster (here one on 127.0.0.1)."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp",
                      dashboard_address=None) as cluster:
        proc = run_cli("diff", sides["baseline"][1], sides["candidate"][2], "--scheduler", cluster.scheduler_address,
                       "--json", "-q", "--fail-on", "divergences>0")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["divergences"] == {"baseline": 0, "candidate": 0} and doc["gate"]["exit_code"] == 0
    assert any(c["statistic"] == "lateness" and c["n_a"] == expected_numbers(sides["baseline"][1])["lateness"].size
               for c in doc["comparison"])


def test_gate_cannot_decide_without_group_pointers(tmp_path):
    """A text trace printed with hash-ptr on and an unseeded CRNG has `(____ptrval____)` pointers:
    hand-offs are unknown, not zero, and a gate on them exits 3 (lateness is still measured)."""
    from tmigr_trace.importers import import_file

    path = tmp_path / "hashptr.parquet"
    import_file(FIXTURES / "outside-class" / "6.19.14-16cpu-2node-late-churn-hashptr.trace.txt.xz", path)
    proc = run_cli("report", path, "-o", tmp_path / "r", "--workers", "0", "-q",
                   "--fail-on", "handoffs_per_s>5,lateness_p99>1000000000")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "UNKNOWN handoffs_per_s has no value" in proc.stdout and "gate UNDECIDED" in proc.stdout
    cap = json.loads((tmp_path / "r" / "report.json").read_text())["sides"]["captures"]["captures"][0]
    assert cap["scalars"]["handoffs"] is None and "handoffs_per_s" not in cap["statistics"]
    assert cap["statistics"]["lateness"]["n"] == sum(1 for r in _rows(path) if r["event"] == "tmigr_handle_remote_cpu")
