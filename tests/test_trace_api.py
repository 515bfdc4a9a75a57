"""The pandas reader API on real lab captures: exact values, windows and the analyses."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

import tmigr_trace
from tmigr_trace.errors import TmigrError
from tmigr_trace.schema import COLUMNS, KTIME_MAX, TMIGR_NONE, event_columns_markdown

from conftest import FIXTURES, ROOT

LATE = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
HOTPLUG = FIXTURES / "lab" / "lab-7.3.4+deb13-16cpu-2node-smt2-hotplug.tar.gz"


def _py(v):
    return None if v is pd.NA or v is None else (v if isinstance(v, str) else int(v))


def test_df_is_the_arrow_table_value_for_value(imported):
    t = tmigr_trace.load(imported(LATE))
    table, df = t.table, t.df
    assert list(df.columns) == table.column_names and len(df) == table.num_rows
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        assert [_py(v) for v in df[name].tolist()] == col.to_pylist(), name
    # The fixture holds what a float64 column loses: pointers above 2**53, KTIME_MAX, and nulls.
    groups = [g for g in table.column("group").to_pylist() if g is not None]
    assert max(groups) > 2**63 and len(set(groups)) == len(set(df["group"].dropna().tolist()))
    assert KTIME_MAX in table.column("wakeup").to_pylist() and (df["wakeup"] == KTIME_MAX).any()
    assert df["group"].isna().any() and str(df["group"].dtype) == "UInt64"
    assert str(df["wakeup"].dtype) == "Int64" and str(df["migrator"].dtype) == "UInt8"


def test_df_event_is_exact_and_its_columns_are_documented(imported):
    t = tmigr_trace.load(imported(LATE))
    d = t.df_event("tmigr_update_events")
    ref = t.table.filter(pa.compute.equal(t.table.column("event").cast(pa.string()), "tmigr_update_events"))
    assert d["child"].tolist() == [pd.NA if v is None else v for v in ref.column("child").to_pylist()]
    assert "family" not in d.columns                # a 7.3 kernel prints no family=
    doc = tmigr_trace.Trace.df_event.__doc__
    assert "`tmigr_update_events`" in doc and "`group_next_expiry`: update_events: group->next_expiry" in doc
    text = (ROOT / "docs" / "python-api.md").read_text()
    start = text.index("<!-- events:begin -->") + len("<!-- events:begin -->")
    assert text[start:text.index("<!-- events:end -->")].strip() == event_columns_markdown(), \
        "docs/python-api.md event table is stale: paste tmigr_trace.schema.event_columns_markdown()"
    with pytest.raises(TmigrError, match="unknown event"):
        t.df_event("tmigr_nope")


def test_window_selects_by_timestamp_everywhere(imported):
    t = tmigr_trace.load(imported(LATE))
    first, last = t.time_range
    lo, hi = first + 500_000_000, first + 1_000_000_000
    w = t.window(lo, hi)
    expect = t.df[(t.df["ts"] >= lo) & (t.df["ts"] < hi)].reset_index(drop=True)
    assert 0 < len(w.df) < len(t.df)
    pd.testing.assert_frame_equal(w.df, expect)
    assert w.num_events == len(expect) == sum(b.num_rows for b in w.iter_batches(100))
    idle = w.df_event("tmigr_cpu_idle")
    assert idle["ts"].between(lo, hi - 1).all() and len(idle) == (expect["event"] == "tmigr_cpu_idle").sum()
    assert w.window(None, lo + 100_000_000).time_range[1] < lo + 100_000_000          # windows nest
    with pytest.raises(TmigrError, match="before its start"):
        t.window(hi, lo)


def test_migrator_timeline_follows_the_group_state_events(imported):
    t = tmigr_trace.load(imported(LATE))
    m = t.df_groups_migrator()
    ev = t.df_event("tmigr_group_set_cpu_active")
    assert len(m) == len(ev) + len(t.df_event("tmigr_group_set_cpu_inactive"))
    for _, g in m.groupby("group"):
        assert (g["end"].iloc[:-1].to_numpy() == g["start"].iloc[1:].to_numpy()).all()   # contiguous
        assert (g["duration"] >= 0).all()
    none = t.df[t.df["migrator"] == TMIGR_NONE]
    assert m["migrator"].isna().sum() == len(none) > 0
    # Level 0: the migrator CPU is the one that owns the bit, e.g. on a lone CPU's activation.
    lvl0 = m[(m["lvl"] == 0) & (m["event"] == "active") & (m["active"] == m["childmask"])]
    assert len(lvl0) and (lvl0["migrator_cpu"] == lvl0["cpu"]).all()
    one = t.df_group_migrator(int(m["group"].iloc[0]))
    assert len(one) and (one["group"] == m["group"].iloc[0]).all()


def test_cpu_idle_intervals_and_remote_expiries(imported):
    t = tmigr_trace.load(imported(HOTPLUG))
    idle = t.df_cpus_idle()
    assert set(idle["state"]) >= {"idle", "active"}
    n = sum(len(t.df_event(e)) for e in ("tmigr_cpu_idle", "tmigr_cpu_active"))
    assert len(idle[idle["event"].isin(["tmigr_cpu_idle", "tmigr_cpu_active"])]) == n
    # The hotplug scenario offlines a CPU: it shows an offline interval.
    assert "offline" in set(idle["state"])
    cpu5 = t.df_cpu_idle(5)
    assert (cpu5["cpu"] == 5).all() and (cpu5["end"].iloc[:-1].to_numpy() == cpu5["start"].iloc[1:].to_numpy()).all()
    assert cpu5.loc[cpu5["state"] == "idle", "wakeup"].notna().all()
    r = t.df_remote_expiries()
    assert len(r) == len(t.df_event("tmigr_handle_remote_cpu")) > 0
    # parent is the idle CPU's own level-0 group, as that CPU's own events print it
    idle_evs = t.df_event("tmigr_cpu_idle")
    own = dict(zip(idle_evs["target_cpu"].tolist(), idle_evs["parent"].tolist()))
    assert all(own[c] == p for c, p in zip(r["target_cpu"].tolist(), r["parent"].tolist()))
    assert (r["cpu"] != r["target_cpu"]).sum() > len(r) / 2   # mostly another CPU's timers
    assert str(r["parent"].dtype) == "UInt64" and r["same_node"].notna().any()


def test_analysis_declares_its_events(imported):
    t = tmigr_trace.load(imported(LATE))
    if "tmigr_handle_remote_cpu" not in t.available_events:
        pytest.skip("fixture has remote expiries")
    empty = t.window(0, 1)
    assert empty.df.empty
    with pytest.raises(TmigrError, match="needs tmigr_handle_remote_cpu"):
        type(t).df_remote_expiries(_without_events(t))


def _without_events(t):
    """The same trace claiming no events (to see the declared-events error)."""
    w = t.window()
    w.available_events = []   # cached_property: overridable per instance
    return w
