"""Property-based fuzzing of every importer and the Parquet reader (tests/fuzz_inputs.py): real
seeds from fixtures/, damaged by hypothesis (truncation, byte flips, line edits, hostile tar
members); only "imported and counted" or "refused with one line" may come out.

A derandomized sample (the same cases on every run, so CI is deterministic); the long run with
thousands of cases is ``python benchmarks/fuzz.py`` (README: figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import tmigr_trace
from fuzz_inputs import damaged, run_case, seeds

SEEDS = {s.name: s for s in seeds()}
SAMPLE = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def parquet_reference(tmp_path_factory):
    p = tmp_path_factory.mktemp("ref") / "seed.parquet"
    p.write_bytes(SEEDS["trace.parquet"].data)
    return tmigr_trace.load(p).table


@pytest.mark.parametrize("name", list(SEEDS))
def test_damaged_input_is_imported_and_counted_or_refused(name: str, tmp_path_factory, parquet_reference):
    seed = SEEDS[name]
    work = tmp_path_factory.mktemp("fuzz")

    @SAMPLE
    @given(damaged(seed))
    def case(variant):
        what, data = variant
        # generous per-case limit: a hang is minutes, a loaded machine is seconds
        out = run_case(seed, data, work, timeout_s=120, reference_table=parquet_reference)
        assert out.kind in ("imported", "refused"), f"{name}, {what}: {out.kind}: {out.detail}"

    case()


def test_undamaged_seeds_import_whole(tmp_path: Path):
    """The oracle's baseline: every seed imports with nothing counted (so a count means damage)."""
    for seed in SEEDS.values():
        out = run_case(seed, seed.data, tmp_path)
        assert out.kind == "imported" and out.events > 0, (seed.name, out)
        assert not {k: v for k, v in out.counted.items() if k not in ("unknown_events",)}, (seed.name, out.counted)
