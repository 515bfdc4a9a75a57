"""`tmigr-trace export`: the Perfetto trace holds the stored trace's real content, and with --replay
exactly the divergences the replay reports.

Every check parses the written .pftrace back with Perfetto's own protos (no trace processor binary
is available offline) and compares it with the Parquet trace it came from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import tmigr_trace
from tmigr_trace.errors import TmigrError
from tmigr_trace.export_perfetto import export_perfetto
from tmigr_trace.schema import KTIME_MAX
from tmigr_trace.store import TraceWriter, conform

from conftest import FIXTURES, HOST_618, run_cli

pb = pytest.importorskip("perfetto.protos.perfetto.trace.perfetto_trace_pb2")

LAB = FIXTURES / "lab"
LATE = LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
HOTPLUG = LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-hotplug.tar.gz"
LATE_612 = LAB / "lab-6.12.43+deb12-16cpu-2node-smt2-late.tar.gz"


# --- reading a .pftrace back --------------------------------------------------------------------

@dataclass
class Ev:
    ts: int
    track: int
    type: int
    name: str | None
    ann: dict
    counter: int | None = None
    flows: tuple = ()            # TrackEvent.flow_ids
    ends_flows: tuple = ()       # TrackEvent.terminating_flow_ids


@dataclass
class Parsed:
    tracks: dict[int, object] = field(default_factory=dict)      # uuid -> TrackDescriptor
    events: list[Ev] = field(default_factory=list)

    def uuid(self, name: str) -> int:
        found = [u for u, t in self.tracks.items() if t.name == name]
        assert len(found) == 1, f"track {name!r}: {len(found)} found"
        return found[0]

    def children(self, uuid: int) -> dict[str, int]:
        return {t.name: u for u, t in self.tracks.items() if t.HasField("parent_uuid") and t.parent_uuid == uuid}

    def on(self, uuid: int, typ: int | None = None) -> list[Ev]:
        return [e for e in self.events if e.track == uuid and (typ is None or e.type == typ)]


def _value(da):
    kind = da.WhichOneof("value")
    if kind is not None:
        return getattr(da, kind)
    if len(da.dict_entries):
        return {e.name: _value(e) for e in da.dict_entries}
    if len(da.array_values):
        return [_value(v) for v in da.array_values]
    return None


def parse(path: Path) -> Parsed:
    trace = pb.Trace()
    trace.ParseFromString(path.read_bytes())
    out = Parsed()
    names: dict[int, str] = {}
    ann_names: dict[int, str] = {}
    TE = pb.TrackEvent
    for pkt in trace.packet:
        if pkt.sequence_flags & pb.TracePacket.SEQ_INCREMENTAL_STATE_CLEARED:
            names.clear()
            ann_names.clear()
        for n in pkt.interned_data.event_names:
            names[n.iid] = n.name
        for n in pkt.interned_data.debug_annotation_names:
            ann_names[n.iid] = n.name
        if pkt.HasField("track_descriptor"):
            td = pkt.track_descriptor
            assert td.uuid not in out.tracks, f"track {td.uuid} described twice"
            out.tracks[td.uuid] = td
        if pkt.HasField("track_event"):
            te = pkt.track_event
            assert te.track_uuid in out.tracks, "event on a track that was not described before it"
            name = names[te.name_iid] if te.name_iid else (te.name or None)
            ann = {ann_names[d.name_iid] if d.name_iid else d.name: _value(d) for d in te.debug_annotations}
            out.events.append(Ev(pkt.timestamp, te.track_uuid, te.type, name, ann,
                                 te.counter_value if te.type == TE.TYPE_COUNTER else None,
                                 tuple(te.flow_ids), tuple(te.terminating_flow_ids)))
    return out


# --- fixtures -------------------------------------------------------------------------------------

def _df(path: Path) -> pd.DataFrame:
    # Arrow-backed dtypes: u64 pointers and KTIME_MAX survive exactly (float64 would not).
    return tmigr_trace.load(path).table.to_pandas(types_mapper=pd.ArrowDtype)


def _export(trace: Path, tmp_path: Path, *args: str, name: str | None = None) -> tuple[Parsed, Path]:
    out = tmp_path / (name or trace.stem + ".pftrace")
    proc = run_cli("export", trace, "-o", out, *args)
    assert proc.returncode == 0, proc.stderr
    # The file is the product: its summary is a diagnostic (stderr), stdout stays empty.
    assert proc.stderr.startswith(f"wrote {out}") and proc.stdout == ""
    return parse(out), out


def _idle_pairs(df: pd.DataFrame) -> dict[int, list[tuple[int, int]]]:
    """Per recording CPU: (ts of tmigr_cpu_idle, ts of the next tmigr_cpu_active) in stored order."""
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    x = df[df["event"].astype(str).isin(["tmigr_cpu_idle", "tmigr_cpu_active"])]
    for cpu, g in x.groupby("cpu", sort=True):
        open_ts = None
        for ev, ts in zip(g["event"].astype(str), g["ts"]):
            if ev == "tmigr_cpu_idle" and open_ts is None:
                open_ts = int(ts)
            elif ev == "tmigr_cpu_active" and open_ts is not None:
                pairs[int(cpu)].append((open_ts, int(ts)))
                open_ts = None
    return pairs


def _slices(p: Parsed, uuid: int, name: str) -> list[tuple[int, int]]:
    TE = pb.TrackEvent
    out, stack = [], []
    for e in p.on(uuid):
        if e.type == TE.TYPE_SLICE_BEGIN:
            stack.append(e)
        elif e.type == TE.TYPE_SLICE_END:
            b = stack.pop()
            if b.name == name:
                out.append((b.ts, e.ts))
    return out


# --- content --------------------------------------------------------------------------------------

@pytest.mark.parametrize("src", [HOST_618 / "trace.txt.gz", LATE, HOTPLUG, LATE_612], ids=lambda p: p.name)
def test_cpu_tracks_idle_slices_and_instants(src, imported, tmp_path):
    trace = imported(src)
    df = _df(trace)
    p, _ = _export(trace, tmp_path)
    TE = pb.TrackEvent

    cpus_root = p.uuid("tmigr CPUs")
    cpu_tracks = p.children(cpus_root)
    assert set(cpu_tracks) == {f"CPU {c}" for c in df["cpu"].unique()}
    pairs = _idle_pairs(df)
    assert sum(map(len, pairs.values())) > 50
    for cpu in sorted(df["cpu"].unique()):
        u = cpu_tracks[f"CPU {cpu}"]
        # idle slices: exactly the (tmigr_cpu_idle, next tmigr_cpu_active) pairs, same timestamps
        assert _slices(p, u, "idle") == pairs.get(int(cpu), [])
        # tmigr_handle_remote_cpu instants with their target CPU, on the CPU that handled them
        rem = df[(df["event"].astype(str) == "tmigr_handle_remote_cpu") & (df["cpu"] == cpu)]
        got = [(e.ts, e.ann["cpu"], e.ann["wakeup"]) for e in p.on(u, TE.TYPE_INSTANT)
               if e.name == "tmigr_handle_remote_cpu"]
        assert got == [(int(r.ts), int(r.target_cpu), int(r.wakeup)) for r in rem.itertuples()]
        nt = df[(df["event"].astype(str) == "tmigr_cpu_new_timer") & (df["cpu"] == cpu)]
        assert [e.ts for e in p.on(u, TE.TYPE_INSTANT) if e.name == "tmigr_cpu_new_timer"] == nt["ts"].tolist()
    # the idle slice carries the kernel's wakeup deadline of that tmigr_cpu_idle
    idle = df[df["event"].astype(str) == "tmigr_cpu_idle"].set_index(["cpu", "ts"])
    begins = [e for e in p.events if e.type == TE.TYPE_SLICE_BEGIN and e.name == "idle"]
    assert begins
    for e in begins[:: max(1, len(begins) // 40)]:
        cpu = int(p.tracks[e.track].name.split()[1])
        row = idle.loc[(cpu, e.ts)]
        assert e.ann["wakeup"] == int(row["wakeup"]) and e.ann["nextevt"] == int(row["nextevt"])
    # every timestamp written is a stored timestamp (only --replay's setup divergences are placed)
    assert {e.ts for e in p.events} <= set(df["ts"].astype(int))


def _group_tracks(p: Parsed) -> dict[int, dict[str, int]]:
    """group pointer -> {"track": uuid, "active": uuid, ...} from the track names."""
    out = {}
    for name, u in p.children(p.uuid("tmigr hierarchy")).items():
        ptr = int(name.rsplit("@", 1)[1], 16)
        kids = {n.split(" ", 1)[1]: k for n, k in p.children(u).items()}
        out[ptr] = {"track": u, "name": name, **kids}
    return out


@pytest.mark.parametrize("src", [LATE, HOTPLUG, LATE_612, HOST_618 / "trace.txt.gz"], ids=lambda p: p.name)
def test_group_counters_equal_the_trace(src, imported, tmp_path):
    trace = imported(src)
    df = _df(trace)
    p, _ = _export(trace, tmp_path)
    groups = _group_tracks(p)
    state = df[df["event"].astype(str).isin(["tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive"])]
    assert set(state["group"].astype("uint64").unique()) <= set(groups)
    checked = 0
    for ptr, g in state.groupby("group"):
        t = groups[int(ptr)]
        act = [(e.ts, e.counter) for e in p.on(t["active"])]
        mig = [(e.ts, e.counter) for e in p.on(t["migrator"])]
        assert act == list(zip(g["ts"].astype(int), g["active"].astype(int)))
        assert mig == list(zip(g["ts"].astype(int), g["migrator"].astype(int)))
        checked += len(act)
        # the group's level and node are the kernel's, in the kernel's naming
        lvl, node = int(g["lvl"].iloc[0]), int(g["numa_node"].iloc[0])
        assert t["name"].startswith(f"GRP{lvl}:") and f" node {node} " in t["name"]
    assert checked == len(state) > 100
    upd = df[df["event"].astype(str) == "tmigr_update_events"]
    for ptr, g in upd.groupby("group"):
        got = [(e.ts, e.counter) for e in p.on(groups[int(ptr)]["next_expiry"])]
        want = [(int(ts), 0 if v == KTIME_MAX else int(v)) for ts, v in zip(g["ts"], g["group_next_expiry"])]
        assert got == want
        # the exact value (KTIME_MAX included) is on the group's event instants
        ev = [e for e in p.on(groups[int(ptr)]["events"]) if e.name == "tmigr_update_events"]
        assert [e.ann["group_next_expiry"] for e in ev] == g["group_next_expiry"].astype(int).tolist()


def test_lab_hierarchy_names_and_setup(imported, tmp_path):
    """16 CPUs on 2 nodes (7.3.4, late onlining): GRP1:0 above GRP0:0 (node 0) and GRP0:1 (node 1)."""
    trace = imported(LATE)
    df = _df(trace)
    p, _ = _export(trace, tmp_path)
    names = sorted(n.rsplit(" @", 1)[0] for n in p.children(p.uuid("tmigr hierarchy")))
    assert names == ["GRP0:0 node 0 CPUs 0-7", "GRP0:1 node 1 CPUs 8-15", "GRP1:0 node -1 CPUs 0-15"]
    for name, u in p.children(p.uuid("tmigr hierarchy")).items():
        short = name.split()[0]
        assert set(p.children(u)) == {f"{short} active", f"{short} migrator", f"{short} next_expiry",
                                      f"{short} events"}
        assert all(p.tracks[k].HasField("counter") for n, k in p.children(u).items() if not n.endswith("events"))
    setup = df[df["event"].astype(str).isin(["tmigr_group_set", "tmigr_connect_child_parent",
                                             "tmigr_connect_cpu_parent"])]
    got = [(e.ts, e.name) for e in p.on(p.uuid("setup"))]
    assert got == list(zip(setup["ts"].astype(int), setup["event"].astype(str)))
    assert len(got) == 18
    cp = [e for e in p.on(p.uuid("setup")) if e.name == "tmigr_connect_child_parent"]
    # the parent of both node groups is the cross-node group, named as in the hierarchy tracks
    assert {e.ann["parent name"] for e in cp} == {"GRP1:0"}
    assert {e.ann["child name"] for e in cp} == {"GRP0:0", "GRP0:1"}


def test_hotplug_offline_slices(imported, tmp_path):
    trace = imported(HOTPLUG)
    df = _df(trace)
    p, _ = _export(trace, tmp_path)
    cpu_tracks = p.children(p.uuid("tmigr CPUs"))
    for cpu in (1, 9):   # the migrators the scenario took down (fixtures/README.md)
        ev = df[(df["cpu"] == cpu) & df["event"].astype(str).isin(["tmigr_cpu_unavailable", "tmigr_cpu_available"])]
        ts = ev["ts"].astype(int).tolist()
        assert ev["event"].astype(str).tolist() == ["tmigr_cpu_unavailable", "tmigr_cpu_available"]
        assert _slices(p, cpu_tracks[f"CPU {cpu}"], "offline") == [(ts[0], ts[1])]
        # the CPU was active when it went down: no idle slice spans the offline one
        assert not [s for s in _slices(p, cpu_tracks[f"CPU {cpu}"], "idle") if s[0] < ts[1] and s[1] > ts[0]]


def test_streaming_batches_give_the_same_file(imported, tmp_path):
    trace = imported(LATE)
    a = export_perfetto(trace, tmp_path / "a.pftrace").path.read_bytes()
    b = export_perfetto(trace, tmp_path / "b.pftrace", batch_rows=97, chunk_packets=13).path.read_bytes()
    assert a == b


# --- --replay -------------------------------------------------------------------------------------

def _mutate_one_migrator(trace: Path, out: Path, nth: int = 200) -> int:
    src = tmigr_trace.load(trace)
    df = src.table.to_pandas(types_mapper=pd.ArrowDtype)
    i = df.index[df["event"].astype(str) == "tmigr_group_set_cpu_active"][nth]
    old = int(df.loc[i, "migrator"])
    df.loc[i, "migrator"] = 0x2 if old != 0x2 else 0x1
    tab = pa.Table.from_pandas(df, preserve_index=False)
    w = TraceWriter(out)
    w.write(conform({n: tab.column(n) for n in tab.column_names}))
    w.close(src.meta)
    return int(df.loc[i, "ts"])


def _divergence_instants(p: Parsed) -> list[Ev]:
    return p.on(p.uuid("divergences"), pb.TrackEvent.TYPE_INSTANT)


def _nulls(v):
    """None inside dictionaries and lists is written as "null" (top-level None args are left out)."""
    if isinstance(v, dict):
        return {k: _nulls(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_nulls(x) for x in v]
    return "null" if v is None else v


def _assert_instants_are(p: Parsed, res, first_ts: int) -> None:
    got = _divergence_instants(p)
    assert len(got) == len(res.divergences)
    for n, (e, d) in enumerate(zip(got, res.divergences)):
        dd = d.to_dict()
        # setup divergences of the hierarchy identification have no step: placed at the first event
        assert e.ts == (d.ts if d.index >= 0 else first_ts)
        assert e.name == f"{d.kind}: {d.what}" and e.ann["divergence"] == n
        assert (e.ann["kind"], e.ann["what"], e.ann["cpu"], e.ann["event"]) == (d.kind, d.what, d.cpu, d.event)
        assert e.ann["step"] == d.index if d.index >= 0 else str(e.ann["step"]).startswith("none")
        for key in ("expected", "observed"):
            assert e.ann.get(key) == (_nulls(dd[key]) if dd[key] is not None else None), key
        assert e.ann["classification"] == d.classification
        # the model's path from the CPU to the root, level by level, as the replay reports it
        assert json.dumps(e.ann.get("model path") or [], sort_keys=True) == \
            json.dumps(_nulls(dd["path"]), sort_keys=True)


def test_replay_divergences_are_the_replays(imported, tmp_path):
    trace = imported(LATE)
    first_ts = int(_df(trace)["ts"].iloc[0])
    # Whatever the replay reports for the capture itself (zero divergences is replay's own test) ...
    p, _ = _export(trace, tmp_path, "--replay")
    res0 = tmigr_trace.replay(trace)
    _assert_instants_are(p, res0, first_ts)
    assert res0.model_profile in p.tracks[p.uuid("divergences")].description

    # ... and for a copy with one migrator value changed: the change is reported, and exported.
    mutated = tmp_path / "mutated.parquet"
    ts = _mutate_one_migrator(trace, mutated)
    res = tmigr_trace.replay(mutated)
    mine = [d for d in res.divergences if d.ts == ts and d.kind == "group_state"]
    assert mine, "the replay does not report the changed migrator"
    p, out = _export(mutated, tmp_path, "--replay")
    _assert_instants_are(p, res, first_ts)
    # the changed value is what the group's migrator counter shows at that instant
    groups = _group_tracks(p)
    vals = [e.counter for t in groups.values() for e in p.on(t["migrator"]) if e.ts == ts]
    assert vals == [int(mine[0].observed["migrator"], 16)]
    # --model picks the profile; without --replay it is refused
    p2, _ = _export(mutated, tmp_path, "--replay", "--model", res.model_profile, name="model.pftrace")
    assert len(_divergence_instants(p2)) == len(res.divergences)
    proc = run_cli("export", mutated, "-o", tmp_path / "x.pftrace", "--model", res.model_profile)
    assert proc.returncode == 2 and "--model only applies with --replay" in proc.stderr


# --- the file and bad input ------------------------------------------------------------------------

def test_refuses_overwrite_and_bad_input(imported, tmp_path):
    trace = imported(HOST_618 / "trace.txt.gz")
    out = tmp_path / "t.pftrace"
    out.write_bytes(b"mine")
    proc = run_cli("export", trace, "-o", out)
    assert proc.returncode == 2 and proc.stderr.strip() == f"tmigr-trace: error: {out}: output exists (use --force to overwrite)"
    assert out.read_bytes() == b"mine"
    proc = run_cli("export", trace, "-o", out, "--force")
    assert proc.returncode == 0 and parse(out).events
    assert sorted(x.name for x in tmp_path.iterdir()) == ["t.pftrace"]   # no temporary left over

    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet\n")
    for args in ([bad, "-o", tmp_path / "o.pftrace"], [tmp_path / "missing.parquet", "-o", tmp_path / "o.pftrace"],
                 [trace, "-o", tmp_path / "nodir" / "o.pftrace"], [trace, "-o", trace, "--force"],
                 [trace, "-o", tmp_path / "o.pftrace", "--replay", "--model", "no-such-profile"]):
        proc = run_cli("export", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("tmigr-trace: error:")
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.pftrace").exists()
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".")]
    with pytest.raises(TmigrError):
        export_perfetto(bad, tmp_path / "o.pftrace")


# --- flows, window, CPU filter, group order (issue 14) ----------------------------------------------

def _cpu_of_track(p: Parsed, uuid: int) -> int:
    return int(p.tracks[uuid].name.split()[1])


@pytest.mark.parametrize("src", [LATE, HOST_618 / "trace.txt.gz"], ids=lambda p: p.name)
def test_flows_from_the_migrator_to_the_remote_cpu(src, imported, tmp_path):
    """Each tmigr_handle_remote_cpu starts a flow on the migrator's track that ends on the track of
    the CPU whose timers it expired, at the same timestamp."""
    trace = imported(src)
    df = _df(trace)
    p, _ = _export(trace, tmp_path)
    TE = pb.TrackEvent
    rem = df[df["event"].astype(str) == "tmigr_handle_remote_cpu"]
    assert len(rem) >= 15
    starts = {e.flows[0]: e for e in p.events if e.name == "tmigr_handle_remote_cpu" and e.flows}
    ends = {e.ends_flows[0]: e for e in p.events if e.ends_flows}
    assert len(starts) == len(ends) == len(rem)
    got = sorted((s.ts, _cpu_of_track(p, s.track), _cpu_of_track(p, ends[f].track), ends[f].ann["by CPU"])
                 for f, s in starts.items())
    want = sorted((int(r.ts), int(r.cpu), int(r.target_cpu), int(r.cpu)) for r in rem.itertuples())
    assert got == want
    assert all(ends[f].ts == s.ts and ends[f].type == TE.TYPE_INSTANT for f, s in starts.items())
    assert "tmigr_handle_remote_cpu" not in {e.name for e in ends.values()}


def test_divergences_linked_to_their_kernel_event(imported, tmp_path):
    trace = imported(LATE)
    mutated = tmp_path / "mutated.parquet"
    ts = _mutate_one_migrator(trace, mutated)
    res = tmigr_trace.replay(mutated)
    df = _df(mutated)
    p, _ = _export(mutated, tmp_path, "--replay")
    divs = _divergence_instants(p)
    stepped = [d for d in res.divergences if d.index >= 0]
    assert stepped and any(d.ts == ts for d in stepped)
    linked = [e for e in divs if e.ends_flows]
    # one flow per kernel event, to its first divergence
    assert len(linked) == len({d.index for d in stepped})
    for e in linked:
        d = res.divergences[e.ann["divergence"]]
        src = [x for x in p.events if e.ends_flows[0] in x.flows]
        assert len(src) == 1
        row = df.iloc[d.index]
        assert (src[0].ts, src[0].name) == (int(row["ts"]), str(row["event"])) == (d.ts, d.event)


def _window_expectation(df: pd.DataFrame, cpus: set[int], lo: int, hi: int):
    pairs = _idle_pairs(df)
    begins = {c: [b for b, e in pairs.get(c, []) if lo <= b < hi or (b < lo and e >= lo)] for c in cpus}
    ends = {c: [e for b, e in pairs.get(c, []) if lo <= e < hi] for c in cpus}
    return begins, ends


@pytest.mark.parametrize("batch_rows", [65536, 97])
def test_window_and_cpus(batch_rows, imported, tmp_path):
    trace = imported(LATE)
    df = _df(trace)
    t0 = int(df["ts"].iloc[0])
    lo, hi = t0 + 1_500_000_000, t0 + 3_500_000_000
    from tmigr_trace.export_perfetto import Window

    full, _ = _export(trace, tmp_path, name="full.pftrace")
    out = tmp_path / "w.pftrace"
    st = export_perfetto(trace, out, window=Window("1.5s", "3.5s", frozenset({0, 1, 2, 3, 8})), batch_rows=batch_rows)
    p = parse(out)
    TE = pb.TrackEvent
    cpu_tracks = p.children(p.uuid("tmigr CPUs"))
    assert set(cpu_tracks) == {"CPU 0", "CPU 1", "CPU 2", "CPU 3", "CPU 8"}
    begins, ends = _window_expectation(df, {0, 1, 2, 3, 8}, lo, hi)
    for cpu in (0, 1, 2, 3, 8):
        evs = p.on(cpu_tracks[f"CPU {cpu}"])
        assert [e.ts for e in evs if e.type == TE.TYPE_SLICE_BEGIN and e.name == "idle"] == begins[cpu]
        assert [e.ts for e in evs if e.type == TE.TYPE_SLICE_END] == ends[cpu]
        # the instants are the whole export's, cut to the window (flow ends only from shown CPUs)
        inst = [(e.ts, e.name, e.ann.get("by CPU")) for e in evs if e.type == TE.TYPE_INSTANT]
        full_cpu = full.children(full.uuid("tmigr CPUs"))[f"CPU {cpu}"]
        want = [(e.ts, e.name, e.ann.get("by CPU")) for e in full.on(full_cpu, TE.TYPE_INSTANT)
                if lo <= e.ts < hi and e.ann.get("by CPU", cpu) in (0, 1, 2, 3, 8)]
        assert inst == want
        assert sum(e.name == "tmigr_cpu_new_timer_idle" for e in evs) == \
            len(df[(df["cpu"] == cpu) & (df["ts"] >= lo) & (df["ts"] < hi)
                   & (df["event"].astype(str) == "tmigr_cpu_new_timer_idle")])
    assert sum(map(len, ends.values())) > 20 and any(b < lo for bs in begins.values() for b in bs)
    # every other event is inside the window; group counters are complete for the groups shown
    assert all(lo <= e.ts < hi for e in p.events if e.type != TE.TYPE_SLICE_BEGIN)
    groups = _group_tracks(p)
    state = df[df["event"].astype(str).isin(["tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive"])
               & (df["ts"] >= lo) & (df["ts"] < hi)]
    for ptr, g in state.groupby("group"):
        assert [(e.ts, e.counter) for e in p.on(groups[int(ptr)]["active"])] == \
            list(zip(g["ts"].astype(int), g["active"].astype(int)))
    assert st.exported < st.events == len(df)


def test_window_streaming_gives_the_same_file(imported, tmp_path):
    from tmigr_trace.export_perfetto import Window

    trace = imported(HOTPLUG)
    w = Window("1s", "3s", frozenset(range(0, 16, 3)))
    a = export_perfetto(trace, tmp_path / "a.pftrace", window=w).path.read_bytes()
    b = export_perfetto(trace, tmp_path / "b.pftrace", window=w, batch_rows=61).path.read_bytes()
    assert a == b


def test_window_cli_forms_and_bad_values(imported, tmp_path):
    trace = imported(LATE)
    t0 = int(_df(trace)["ts"].iloc[0])
    p1, _ = _export(trace, tmp_path, "--from", "2s", "--to", "3500ms", name="rel.pftrace")
    p2, _ = _export(trace, tmp_path, "--from", str(t0 + 2_000_000_000), "--to", str(t0 + 3_500_000_000),
                    name="abs.pftrace")
    assert [(e.ts, e.name, e.track) for e in p1.events] == [(e.ts, e.name, e.track) for e in p2.events]
    for args, msg in ((["--from", "2x"], "bad time"), (["--from", "3s", "--to", "2s"], "empty time window"),
                      (["--cpus", "99"], "--cpus 99"), (["--cpus", "a-b"], "not a CPU list")):
        proc = run_cli("export", trace, "-o", tmp_path / "bad.pftrace", *args)
        assert proc.returncode == 2 and msg in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "bad.pftrace").exists()


def test_group_tracks_ordered_by_level_and_node(imported, tmp_path):
    trace = imported(LAB / "lab-7.3.4+deb13-64cpu-4node-smt2-late-nodes.tar.gz")
    p, _ = _export(trace, tmp_path)
    kids = p.children(p.uuid("tmigr hierarchy"))
    ranked = sorted(kids, key=lambda n: p.tracks[kids[n]].sibling_order_rank)
    keys = [(int(n.split(":")[0][3:]), int(n.split(" node ")[1].split()[0])) for n in ranked]
    assert keys == sorted(keys, key=lambda k: (-k[0], k[1]))
    assert len({lvl for lvl, _ in keys}) >= 2 and len({node for _, node in keys}) >= 4
    assert p.tracks[p.uuid("tmigr hierarchy")].child_ordering == pb.TrackDescriptor.EXPLICIT


def test_no_progress_output_when_piped(imported, tmp_path):
    trace = imported(LATE)
    proc = run_cli("export", trace, "-o", tmp_path / "x.pftrace")
    # piped: no progress drawing, only the summary (a diagnostic: on stderr); -q: nothing at all
    assert proc.returncode == 0 and proc.stderr.startswith("wrote ") and "\x1b[" not in proc.stderr
    quiet = run_cli("export", trace, "-o", tmp_path / "y.pftrace", "-q")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


PREVIOUS_EXPORTER = "3833c62"  # the per-event TraceProtoBuilder exporter, before the columnar one


def _previous_exporter():
    """tmigr_trace/export_perfetto.py as it was at PREVIOUS_EXPORTER (from git history), or skip."""
    import importlib.util
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    p = subprocess.run(["git", "-C", str(root), "show", f"{PREVIOUS_EXPORTER}:tmigr_trace/export_perfetto.py"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"git history with {PREVIOUS_EXPORTER} not available")
    spec = importlib.util.spec_from_loader("tmigr_trace._export_previous", loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "tmigr_trace"
    sys.modules[spec.name] = mod
    exec(compile(p.stdout, "previous export_perfetto.py", "exec"), mod.__dict__)
    return mod.export_perfetto


@pytest.mark.parametrize("src", [HOST_618 / "trace.txt.gz", LATE_612,
                                 FIXTURES / "outside-class" / "6.19.14-16cpu-2node-late-churn-hashptr.trace.txt.xz"],
                         ids=lambda p: p.name)
def test_same_content_as_the_previous_exporter(src, imported, tmp_path):
    """The columnar encoder writes what the per-event builder wrote (every event, track name, type,
    name, argument and counter value), plus the flows and their end instants."""
    from collections import Counter

    from tmigr_trace.export_perfetto import REMOTE_EXPIRY_NAME

    previous = _previous_exporter()
    trace = imported(src)
    previous(trace, tmp_path / "a.pftrace")
    export_perfetto(trace, tmp_path / "b.pftrace")

    def content(p: Parsed) -> Counter:
        return Counter((e.ts, p.tracks[e.track].name, e.type, e.name, repr(sorted(e.ann.items())), e.counter)
                       for e in p.events if e.name != REMOTE_EXPIRY_NAME)

    a, b = parse(tmp_path / "a.pftrace"), parse(tmp_path / "b.pftrace")
    assert content(a) == content(b)
    assert len(a.events) > 1000
    assert {t.name for t in a.tracks.values()} == {t.name for t in b.tracks.values()}
