"""`tmigr-trace import SRC -o OUT` in its plain forms runs without typer and click
(tmigr_trace/cli/main.py, fast_import_args); every other form goes through typer as before, so
help, usage errors and their messages stay typer's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tmigr_trace.cli.main import fast_import_args

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "tracedat"


@pytest.mark.parametrize("argv,expected", [
    (["a.dat", "-o", "b.parquet"], dict(src="a.dat", out="b.parquet")),
    (["-o", "b.parquet", "a.dat", "-q", "--force"], dict(src="a.dat", out="b.parquet", quiet=True, force=True)),
    (["a.dat", "--output", "b", "--format", "tracedat", "--kernel", "6.18.4", "-f", "--quiet"],
     dict(src="a.dat", out="b", fmt="tracedat", kernel="6.18.4", force=True, quiet=True)),
])
def test_plain_forms_are_parsed(argv, expected):
    args = fast_import_args(argv)
    want = dict(src=None, out=None, fmt=None, kernel=None, force=False, quiet=False)
    want.update(expected)
    want["src"], want["out"] = Path(want["src"]), Path(want["out"])
    assert args == want


@pytest.mark.parametrize("argv", [
    [], ["a.dat"], ["-o", "b"], ["a.dat", "-o"], ["a.dat", "-o", "-q"], ["a.dat", "-o", ""], ["", "-o", "b"],
    ["a.dat", "b.dat", "-o", "c"], ["a.dat", "-o", "b", "-o", "c"], ["a.dat", "-o", "b", "-q", "-q"],
    ["a.dat", "-o", "b", "--help"], ["a.dat", "-o", "b", "-h"], ["a.dat", "--output=b"], ["a.dat", "-ob"],
    ["a.dat", "-o", "b", "-fq"], ["a.dat", "-o", "b", "--"], ["-", "-o", "b"], ["a.dat", "-o", "b", "--verbose"],
    ["a.dat", "-o", "b", "--format"],
])
def test_other_forms_go_to_typer(argv):
    assert fast_import_args(argv) is None


def test_fast_and_typer_paths_write_the_same_file_and_summary(tmp_path):
    """The same import through both parsers (`--output=OUT` makes typer parse it)."""
    src = FIX / "host-6.18.v7-zstd.dat"
    fast = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(src), "-o", str(tmp_path / "a.parquet")],
                          capture_output=True, text=True)
    slow = subprocess.run([sys.executable, "-m", "tmigr_trace", "import", str(src), "--output=" + str(tmp_path / "b.parquet")],
                          capture_output=True, text=True)
    assert fast.returncode == slow.returncode == 0, (fast.stderr, slow.stderr)
    assert fast.stderr.replace("a.parquet", "X") == slow.stderr.replace("b.parquet", "X")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))
