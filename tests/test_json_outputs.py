"""The JSON outputs that came with `replay --which-bug`, `diff` and `report`: each carries the
envelope (schema, schema_version, tool_version) and validates against its JSON Schema in
tmigr_trace/schemas/, on real captures (an LKML excerpt of March 2024, lab guests of 6.12 and 7.3.4)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest

from tmigr_trace import __version__
from tmigr_trace.jsonout import JSON_SCHEMA_VERSION, load_schema

from conftest import FIXTURES, HOST_618, run_cli
from test_report import expected_numbers

LKML = FIXTURES / "lkml-2024-03-boot-delays" / "tglx-87sf0sldbi.txt"
LAB_612 = FIXTURES / "lab" / "lab-6.12.107+deb13-16cpu-2node-smt2-late.tar.gz"
LAB_734 = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
RUN1, RUN2 = FIXTURES / "regress" / "lab-7.3.4-16cpu-late-run1.tar.gz", FIXTURES / "regress" / "lab-7.3.4-16cpu-late-run2.tar.gz"


def _validate(name: str, doc: dict) -> None:
    jsonschema.validate(doc, load_schema(name), cls=jsonschema.Draft202012Validator)


def _envelope(name: str, doc: dict) -> None:
    assert list(doc)[:3] == ["schema", "schema_version", "tool_version"]
    assert (doc["schema"], doc["schema_version"], doc["tool_version"]) == (f"tmigr-trace/{name}", JSON_SCHEMA_VERSION,
                                                                           __version__)


def _remote_expiries(path: Path) -> int:
    return sum(1 for e in pq.read_table(path, columns=["event"]).column("event").to_pylist()
               if e == "tmigr_handle_remote_cpu")


# --- replay --which-bug --json -------------------------------------------------------------------------

def test_which_bug_json_on_the_lkml_excerpt(imported):
    """tglx's excerpt, replayed as 6.9-rc1: the 6.9 era's four faults, each with its fixing commit;
    the fixed kernel does not fit (exit 1), the early return on deactivation does."""
    proc = run_cli("replay", imported(LKML), "--which-bug", "--kernel", "6.9-rc1", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    _validate("which-bug", doc)
    _envelope("which-bug", doc)
    assert doc["era"] == "6.9" and doc["events"] == 12 and doc["exit_status"] == 1
    assert [(c["number"], c["commit"]) for c in doc["candidates"]] == [
        (1, "4b6f4c5a67c0"), (3, "f55acb1e44f3"), (6, "61f7fdf8fd00"), (11, "b729cc1ec21a")]
    assert (doc["baseline"]["checked"], doc["baseline"]["diverged"], doc["baseline"]["verdict"]) == (14, 2, "baseline")
    assert doc["verdict"].startswith("fits 4b6f4c5a67c0") and doc["fits"] == ["early_return_always"]
    with pytest.raises(jsonschema.ValidationError):
        _validate("which-bug", {**doc, "candidates": [{**doc["candidates"][0], "verdict": "maybe"}]})


def test_which_bug_json_on_a_fixed_kernel(imported):
    """A real 6.12.107 guest (6.14 era): the fixed model fits with no divergence (exit 0); #12
    (root_test_off_by_one, fixed by 868c9037df62 in 6.14-rc2) does not fit."""
    proc = run_cli("replay", imported(LAB_612), "--which-bug", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    _validate("which-bug", doc)
    assert doc["era"] == "6.14" and doc["exit_status"] == 0 and doc["baseline"]["diverged"] == 0
    assert doc["baseline"]["checked"] > 4000 and doc["verdict"].startswith("fits the fixed kernel")
    (c,) = doc["candidates"]
    assert (c["fault"], c["commit"], c["fixed_in"], c["verdict"]) == ("root_test_off_by_one", "868c9037df62",
                                                                      "6.14-rc2", "does not fit")
    assert c["diverged"] > 0 and sum(c["diverged_by_kind"].values()) == c["diverged"]


def test_which_bug_that_checked_nothing_exits_3(tmp_path):
    """The host's first three lines (tmigr_handle_remote only): no variant can fit or not fit."""
    import gzip

    lines = [ln for ln in gzip.open(HOST_618 / "trace.txt.gz", "rt") if not ln.startswith("#")][:3]
    (tmp_path / "three.txt").write_text("".join(lines))
    run_cli("import", tmp_path / "three.txt", "-o", tmp_path / "three.parquet", check=True)
    text = run_cli("replay", tmp_path / "three.parquet", "--which-bug")
    assert text.returncode == 3 and "verdict: nothing checked" in text.stdout and "fits the fixed" not in text.stdout
    proc = run_cli("replay", tmp_path / "three.parquet", "--which-bug", "--json")
    assert proc.returncode == 3
    doc = json.loads(proc.stdout)
    _validate("which-bug", doc)
    assert doc["exit_status"] == 3 and doc["baseline"]["checked"] == 0 and doc["verdict"].startswith("nothing checked")


# --- diff --json, report.json ---------------------------------------------------------------------------

def test_diff_json_and_its_report_json(imported, tmp_path):
    """Two healthy 7.3.4 runs, the candidate replayed with bug #1 (early_return_always): the
    divergences fail the gate (exit 1); --json and the report.json written by -o agree."""
    a, b = imported(RUN1), imported(RUN2)
    proc = run_cli("diff", a, b, "--fault", "early_return_always", "--fail-on", "divergences>0", "--json",
                   "-o", tmp_path / "r", "--workers", "0", "-q")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    _validate("diff", doc)
    _envelope("diff", doc)
    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    _validate("report", rep)
    _envelope("report", rep)
    assert (doc["baseline"], doc["candidate"], doc["exit_status"]) == (str(a), str(b), 1)
    cand = rep["sides"]["candidate"]["captures"][0]
    assert doc["divergences"] == {"baseline": 0, "candidate": cand["replay"]["diverged"]} and cand["replay"]["diverged"] > 0
    assert cand["faults"] == ["early_return_always"]
    assert len(cand["divergences"]) == min(20, cand["replay"]["divergences_total"])
    assert {d["kind"] for d in cand["divergences"]} <= set(cand["replay"]["by_kind"])
    assert doc["comparison"] == rep["comparison"] and doc["gate"] == rep["gate"]
    (verdict,) = doc["gate"]["verdicts"]
    assert (verdict["status"], verdict["candidate"]) == ("fail", float(cand["replay"]["diverged"]))
    lateness = next(c for c in doc["comparison"] if c["statistic"] == "lateness")
    assert (lateness["n_a"], lateness["n_b"]) == (expected_numbers(a)["lateness"].size, expected_numbers(b)["lateness"].size)
    assert lateness["mean_a"] == pytest.approx(expected_numbers(a)["lateness"].mean())
    with pytest.raises(jsonschema.ValidationError):      # a compare report must have both sides
        _validate("report", {**rep, "sides": {"candidate": rep["sides"]["candidate"]}})


def test_one_set_report_json(imported, tmp_path):
    """report of one set (a 6.12.107 and a 7.3.4 guest): mode single, side 'captures', no comparison."""
    caps = [imported(LAB_612), imported(LAB_734)]
    proc = run_cli("report", *caps, "-o", tmp_path / "r", "--workers", "0", "-q")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    _validate("report", rep)
    _envelope("report", rep)
    assert rep["mode"] == "single" and list(rep["sides"]) == ["captures"] and rep["comparison"] == []
    assert rep["gate"] is None
    got = rep["sides"]["captures"]["captures"]
    assert [c["path"] for c in got] == [str(p) for p in caps]
    assert [c["events"] for c in got] == [pq.read_metadata(p).num_rows for p in caps]
    assert [c["kernel"][:6] for c in got] == ["6.12.1", "7.3.4+"]
    assert rep["sides"]["captures"]["totals"]["remote_expiries"] == sum(_remote_expiries(p) for p in caps)
    with pytest.raises(jsonschema.ValidationError):      # a one-set report has no comparison
        _validate("report", {**rep, "comparison": [{}]})
