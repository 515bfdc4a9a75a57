"""Bad input: one clear line on stderr, exit status 2, no traceback, nothing half-written."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import HOST_618, run_cli


def assert_clean_failure(proc, *, mentions: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tmigr-trace: error: ") and mentions in lines[0], lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout


def assert_nothing_written(directory: Path, keep: set[str]) -> None:
    assert {p.name for p in directory.iterdir()} == keep


def _real_trace_bytes() -> bytes:
    with gzip.open(HOST_618 / "trace.txt.gz", "rb") as f:
        return f.read()


CASES = {
    "not a trace": (lambda p: p.write_text("hello\nthis is a shopping list\n"), "not a trace"),
    "binary garbage": (lambda p: p.write_bytes(bytes(range(256)) * 4), "not a trace"),
    "empty file": (lambda p: p.write_bytes(b""), "empty file"),
    "truncated gzip": (lambda p: p.write_bytes(gzip.compress(_real_trace_bytes())[:5000]), "truncated or corrupt gzip"),
    "parquet of another schema": (lambda p: pq.write_table(pa.table({"x": [1, 2]}), p), "already a Parquet file"),
    "only other events": (lambda p: p.write_text(
        "  bash-42  [001] ..... 12.5: sched_switch: prev_comm=bash prev_pid=42\n"), "no timer_migration events"),
}


@pytest.mark.parametrize("case", CASES)
def test_import_rejects(case: str, tmp_path: Path):
    make, mentions = CASES[case]
    src = tmp_path / "input"
    make(src)
    proc = run_cli("import", src, "-o", tmp_path / "out.parquet")
    assert_clean_failure(proc, mentions=mentions)
    assert_nothing_written(tmp_path, {"input"})


def test_import_missing_file(tmp_path: Path):
    assert_clean_failure(run_cli("import", tmp_path / "nope.txt", "-o", tmp_path / "o.parquet"), mentions="no such file")
    assert_nothing_written(tmp_path, set())


def test_import_refuses_to_overwrite(tmp_path: Path):
    out = tmp_path / "out.parquet"
    out.write_bytes(b"precious")
    src = tmp_path / "trace.txt.gz"
    shutil.copy(HOST_618 / "trace.txt.gz", src)
    assert_clean_failure(run_cli("import", src, "-o", out), mentions="output exists (use --force")
    assert out.read_bytes() == b"precious"
    proc = run_cli("import", src, "-o", out, "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:4] == b"PAR1"
    assert_nothing_written(tmp_path, {"out.parquet", "trace.txt.gz"})


def test_failed_overwrite_keeps_the_old_output(tmp_path: Path):
    """--force with a bad input must not destroy the existing output."""
    out = tmp_path / "out.parquet"
    out.write_bytes(b"precious")
    src = tmp_path / "bad.gz"
    src.write_bytes(gzip.compress(_real_trace_bytes())[:5000])
    assert_clean_failure(run_cli("import", src, "-o", out, "--force"), mentions="truncated")
    assert out.read_bytes() == b"precious"
    assert_nothing_written(tmp_path, {"out.parquet", "bad.gz"})


def test_info_rejects_parquet_of_another_schema(tmp_path: Path):
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), other)
    assert_clean_failure(run_cli("info", other), mentions="Parquet file of another schema")


@pytest.mark.parametrize("content", [b"", b"not parquet at all"])
def test_info_rejects_non_parquet(tmp_path: Path, content: bytes):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(content)
    assert_clean_failure(run_cli("info", bad), mentions="not a readable Parquet file")


def test_info_missing_file(tmp_path: Path):
    assert_clean_failure(run_cli("info", tmp_path / "missing.parquet"), mentions="no such file")


def test_bad_option_is_a_usage_error(tmp_path: Path):
    proc = run_cli("import", HOST_618 / "trace.txt.gz", "-o", tmp_path / "o.parquet", "--format", "bogus")
    assert_clean_failure(proc, mentions="unknown format 'bogus'")
