"""A `trace` file that proves itself whole, and lines its events' enabling never wrote.

A tracefs `trace` file's header says how many events the buffer holds and how many were written
(`entries-in-buffer/entries-written`); when both equal the number of event lines, no line was lost
anywhere, so a line the kernel's program order requires is missing because the kernel did not
trace it (a divergence), except while the events were being enabled one by one (a trace enabled
on a running machine starts with some types before others). Real lab captures of the outside
class (fixtures/outside-class, text only), imported as a user would.
"""

from __future__ import annotations

import lzma

import numpy as np
import pyarrow.compute as pc
import pytest
import tmigr_trace
from tmigr_trace.metadata import text_is_whole

from conftest import FIXTURES

# Events enabled after boot (`late`): the text starts while the types are being enabled.
LATE = FIXTURES / "outside-class" / "6.19.14-16cpu-2node-late-churn-hashptr.trace.txt.xz"


@pytest.fixture(scope="module")
def late(imported):
    return imported(LATE)


def test_header_recorded_and_whole(late):
    meta = tmigr_trace.load(late).meta
    assert meta.extra["text_header"] == {"entries_in_buffer": 3191, "entries_written": 3191, "cpus": 16}
    assert meta.extra["text_dialect"]["event_lines"] == 3191
    assert text_is_whole(meta)


def test_a_text_missing_a_line_is_not_whole(tmp_path):
    # Hand-edited copy of the real trace: one event line dropped (as a console or a mail does).
    lines = lzma.decompress(LATE.read_bytes()).splitlines(keepends=True)
    events = [k for k, ln in enumerate(lines) if not ln.startswith(b"#")]
    del lines[events[len(events) // 2]]
    src = tmp_path / "cut.trace.txt"
    src.write_bytes(b"".join(lines))
    out = tmp_path / "cut.parquet"
    tmigr_trace.importers.import_file(src, out)
    meta = tmigr_trace.load(out).meta
    assert meta.extra["text_header"]["entries_in_buffer"] == 3191
    assert meta.extra["text_dialect"]["event_lines"] == 3190
    assert not text_is_whole(meta)


def test_lines_missing_while_the_events_were_enabled_are_no_divergence(late):
    # CPU 14's deactivation at 9.814705 s traces tmigr_update_events and tmigr_cpu_idle but no
    # level-0 tmigr_group_set_cpu_inactive: that type's first row anywhere is 31 ms later.
    t = tmigr_trace.load(late).table.select(["ts", "cpu", "event"]).to_pandas()
    first_inactive = t.ts[t.event == "tmigr_group_set_cpu_inactive"].min()
    walk = t[(t.ts >= 9_814_705_000) & (t.ts <= 9_814_783_000)]
    assert walk.event.tolist() == ["tmigr_update_events", "tmigr_cpu_idle"] and set(walk.cpu) == {14}
    assert first_inactive == 9_846_414_000
    res = tmigr_trace.replay(late)
    assert len(res.divergences) == 0


def _without_row(path, row, out):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import mutations

    table, meta = mutations.load_table(path)
    mutations.write_table(mutations._delete_row(table, row), meta, out)


@pytest.mark.parametrize("event", ["tmigr_group_set_cpu_inactive", "tmigr_group_set_cpu_active"])
def test_a_level0_step_missing_after_the_enabling_is_a_divergence(late, tmp_path, event):
    table = tmigr_trace.load(late).table
    ev = table.column("event").to_pylist()
    lvl = table.column("lvl").to_pylist()
    ts = table.column("ts").to_numpy()
    first = min(t for t, e in zip(ts, ev) if e == event)
    # a level-0 step of the middle of the trace
    rows = [k for k, (e, lv) in enumerate(zip(ev, lvl)) if e == event and lv == 0 and ts[k] > first]
    row = rows[len(rows) // 2]
    cpu = table.column("cpu")[row].as_py()
    out = tmp_path / "deleted.parquet"
    _without_row(late, row, out)
    res = tmigr_trace.replay(str(out))
    here = [d for d in res.divergences if d.kind == "walk_levels" and d.cpu == cpu and "no event was lost" in d.what]
    assert here, [(d.index, d.kind, d.what) for d in res.divergences][:5]
    # reported where the line is missing: at the row that took its place (deactivation) or the
    # CPU's next row after tmigr_cpu_active (activation)
    cpus = np.asarray(pc.equal(table.column("cpu"), cpu).to_numpy(zero_copy_only=False))
    nxt = row + 1 + int(np.flatnonzero(cpus[row + 1:])[0])
    assert here[0].index in (row, nxt - 1)


# --- a ring buffer that overwrote its oldest events ------------------------------------------------
OVERWRITTEN = FIXTURES / "outside-class" / "overwritten" / "6.19.14-16cpu-2node-boot-glob-churn-6s-overwritten.trace.txt.xz"


@pytest.fixture(scope="module")
def overwritten(imported):
    return imported(OVERWRITTEN)


def test_overwritten_text_is_not_whole_and_its_cpus_start_apart(overwritten):
    from tmigr_trace.metadata import text_overwritten

    t = tmigr_trace.load(overwritten)
    assert t.meta.extra["text_header"] == {"entries_in_buffer": 3662, "entries_written": 6093, "cpus": 16}
    assert text_overwritten(t.meta) and not text_is_whole(t.meta)
    first = t.table.select(["ts", "cpu"]).to_pandas().groupby("cpu").ts.min()
    # each CPU's buffer kept its own newest events: the streams start 11 s apart
    assert first[11] == 6_170_930_000 and first[0] == 17_428_888_000


def test_cpus_not_started_yet_change_the_groups_unseen(overwritten):
    # Until its first row a CPU is silent: its activations and deactivations change its groups'
    # states and queues without a row. Before, 62 group_state, 14 remote and 10 expiry checks of
    # this trace diverged on those unseen steps.
    res = tmigr_trace.replay(overwritten)
    assert any("overwrote its oldest events" in n for n in res.notes)
    kinds = {d.kind for d in res.divergences}
    assert not kinds & {"group_state", "remote", "expiry", "setup"}, [(d.index, d.kind, d.what) for d in res.divergences]
    assert res.checked > 4000


def test_overwritten_replays_clean(overwritten):
    """A CPU not started yet may expire another idle CPU's due event unseen (as migrator):
    tmigr_handle_remote_cpu() resets that CPU's wakeup to KTIME_MAX and requeues its next event,
    so CPU2 then traces wakeup KTIME_MAX (row 306) and no new-timer walk for that event (row
    314): 3 false divergences until that was admitted (not decidable, with its reason)."""
    res = tmigr_trace.replay(overwritten)
    assert len(res.divergences) == 0
    reason = "a CPU not traced then (lost rows, or its stream not begun) may have expired it remotely"
    assert res.undecidable_reasons["wakeup"][reason] >= 1 and res.undecidable_reasons["walk_levels"][reason] >= 1
