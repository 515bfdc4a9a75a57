"""Shared test helpers: fixture locations and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
HOST_618 = FIXTURES / "host-6.18"


def run_cli(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m tmigr_trace ARGS` as a user would, capturing output."""
    proc = subprocess.run([sys.executable, "-m", "tmigr_trace", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"})
    if check and proc.returncode != 0:
        raise AssertionError(f"tmigr-trace {' '.join(map(str, args))} failed: {proc.stderr}")
    return proc


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def imported(tmp_path_factory):
    """Import a fixture once per test session with the shared importer; returns its Parquet path."""
    from tmigr_trace.importers import import_file

    base = tmp_path_factory.mktemp("imported")
    cache: dict[Path, Path] = {}

    def get(src: Path) -> Path:
        if src not in cache:
            out = base / f"{len(cache)}-{src.name}.parquet"
            import_file(src, out)
            cache[src] = out
        return cache[src]

    return get


_MOUNTED_HERE: list[Path] = []


def pytest_configure(config) -> None:
    """Live tests need tracefs: mount it as root when a fresh machine has not, before collection
    (the live modules' skip conditions look at tracefs when they are imported); unmounted after."""
    tracefs = Path("/sys/kernel/tracing")
    if os.geteuid() == 0 and tracefs.is_dir() and not (tracefs / "instances").is_dir():
        if subprocess.run(["mount", "-t", "tracefs", "nodev", str(tracefs)]).returncode == 0:
            _MOUNTED_HERE.append(tracefs)


def pytest_unconfigure(config) -> None:
    for tracefs in _MOUNTED_HERE:
        subprocess.run(["umount", str(tracefs)])
