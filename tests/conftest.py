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


# The top reason of a trace whose ring buffer overwrote its head: its CPUs' events before their
# streams began, or an event an update proves gone, expired by a CPU whose stream had not begun
HEAD_LOST = "events of a CPU whose stream began late|its stream not begun"


# Lab traces above issue #11's 1 % not decidable, with the reason the replay gives and the bound
# measured (tenth session): an input the trace does not contain.
NOT_DECIDABLE_BEYOND_1PC = {
    # (10.6 %: the thirty-eighth set's pointerless 30-CPU boot trace, 11,743 of 40,793 events kept)
    "storm-node2-overwritten-16k-hashptr": (HEAD_LOST, 0.11),
    # (11.8 %: the fortieth set's SMT-4 pointerless 32-CPU boot trace, 12 KB per CPU)
    "smt4-uneven12+8+12-boot-node2-first-migrator-hotplug-overwritten-12k": (HEAD_LOST, 0.12),
    # (7.2 %: the forty-second set's SMT-4 16-CPU pointerless boot trace, 20 KB per CPU: its head-lost
    # CPUs count as silent until their first rows)
    # (3.3 % on its run list captured again: its top reason the CPUs whose streams began late)
    "smt4-boot-glob-migrator-hotplug-overwritten-20k": ("a silent CPU's untraced state change|" + HEAD_LOST, 0.075),
    # (the forty-third set: 2.9 % on a counter-clock boot trace, `now` bounded only by the proven
    # jiffies, 6.2 % on its run list captured again, whose migrator's head went too; 2.0 % on a
    # single-node SMT-2 boot trace whose head went: events its updates prove gone, expired unseen)
    "uneven6+10+4+10-boot-node2-first-staggered-online-overwritten-24k-clock-counter": (
        "due only after the proven jiffies", 0.065),
    "1node-smt2-boot-glob-hotplug-storm-cpu4-11-overwritten-12k": ("may have expired it remotely", 0.02),
    # (9.4 %: the thirty-ninth run list's 26-CPU pointerless boot trace captured again, 20 KB per CPU)
    "uneven10+6+10-boot-node2-first-hotplug-storm-node2-overwritten-20k": (HEAD_LOST,
                                                                           0.095),
    # (the forty-second to forty-fourth run lists captured again: 9.5 % on a late 8 KB counter-clock
    # trace whose busiest CPUs lost their heads; 10.3 % on an 8 KB pointerless boot trace)
    "uneven4+10+6+6-late-churn-overwritten-8k-clock-counter": ("a deactivation walk the trace does not show", 0.10),
    "uneven9+14-boot-cpu15-9-first-migrator-hotplug-overwritten-8k": (HEAD_LOST, 0.11),
    # (2.2 and 2.8 %: an Ubuntu 7.0 single-node SMT-4 boot trace and its run list captured again, 16 KB
    # per CPU, its head-lost CPUs silent)
    "smt4-boot-cpu13-6-first-migrator-hotplug-overwritten-16k-clock-global": (
        "a silent CPU's untraced state change|" + HEAD_LOST, 0.03),
    "overwritten": (HEAD_LOST, 0.08),      # the buffer dropped the head
    # (7.4 %: the thirty-seventh set's 16 KB-per-CPU boot trace, 2,500 of 11,500 events kept)
    # (3.6 %: the thirty-ninth set's 6.12.117 counter-clock boot trace, stamps scaled from raw counts)
    # (6.9 %: the fortieth set's 31-CPU counter-clock boot trace, a hotplug storm: the counter counts
    # events, so `now` is bounded only by the proven jiffies)
    "uneven15+16-boot-node1-first-hotplug-storm-node0-clock-counter": ("due only after the proven jiffies", 0.07),
    "clock-counter": ("due only after the proven jiffies", 0.04),          # `now` of remote handling
    "isolcpus1,13": ("CPU or group state not known", 0.0105),              # 1.02 %: silent CPUs 1 and 13
    # (eleventh session, the ninth set)
    "suspend-mem": ("due only after the proven jiffies", 0.04),    # CLOCK_MONOTONIC stops in suspend, the trace clock not
    "nooverwrite": ("a silent CPU's untraced state change", 0.055),  # full per-CPU buffers cut the streams
    "buf4k": (HEAD_LOST, 0.012),   # a 4 KB buffer overwrote the head
    "console.log": ("CPU or group state not known", 0.015),        # a console dump's interleaved lines
}


def set_params(*dirs: Path, pattern: str = "*.trace.txt.xz") -> dict:
    """parametrize() arguments for the traces of lab-set fixture folders, named by capture (and
    by subfolder when there are several)."""
    srcs = [p for d in dirs for p in sorted(d.glob(pattern))]
    return {"argvalues": srcs,
            "ids": [(f"{p.parent.name}/" if len(dirs) > 1 else "") + p.name.split(".trace")[0] for p in srcs]}


def replay_set_trace(imported, src: Path, min_checks: int):
    """Replay one lab-set capture as imported and hold it to `assert_set_trace`."""
    import tmigr_trace

    res = tmigr_trace.replay(imported(src))
    assert_set_trace(res, src.name)
    assert res.checked > min_checks, res.checked
    return res


def assert_set_trace(res, name: str) -> None:
    """A lab-set trace replayed: no divergence, and at most 1 % of its checks not decidable
    unless it is one of the traces above, with its own bound and top reason (one of the
    alternatives "|" separates)."""
    assert res.diverged == 0, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    frac = res.undecidable / max(res.checked, 1)
    known = next((v for k, v in NOT_DECIDABLE_BEYOND_1PC.items() if k in name), None)
    if known is None or frac <= 0.01:
        assert frac <= 0.01, (name, frac, res.undecidable_reasons)
        return
    why, bound = known
    top = max(((n, r) for rs in res.undecidable_reasons.values() for r, n in rs.items()), default=(0, ""))
    assert any(w in top[1] for w in why.split("|")) and frac <= bound, (name, top, frac)
