"""Scenario tests of the model written as data (tests/scenarios/*.json).

A scenario: a topology, a profile (+ faults, or `variants` each with its own faults), optional
`expect_shape`, and steps. A step calls a `Hierarchy` method with `args`/`kwargs` and checks, all
optional: `ret` (the method's return value, else `h.ret`), `records` (in order; each expected
record lists only the fields it checks; groups by id), `count` ({event: n}), `groups`, `cpus`,
`groupevt` (attributes), `livelock`. Variant-specific expectations sit under the variant's name.
"MAX" = KTIME_MAX, "NONE" = TMIGR_NONE.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tmigr_trace.replay.model import KTIME_MAX, TMIGR_NONE, Hierarchy, Topology, TmigrGroup

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.json"))


def val(v):
    if v == "MAX":
        return KTIME_MAX
    if v == "NONE":
        return TMIGR_NONE
    if isinstance(v, list):
        return [val(x) for x in v]
    if isinstance(v, dict):
        return {(int(k) if isinstance(k, str) and k.isdigit() else k): val(x) for k, x in v.items()}
    return v


def norm(v):
    return v.id if isinstance(v, TmigrGroup) else v


def check_step(h, step, exp, got_ret, records, where):
    if "ret" in exp:
        assert got_ret == val(exp["ret"]), f"{where}: ret {got_ret} != {exp['ret']}"
    if "records" in exp:
        want = exp["records"]
        names = [r[0] for r in records]
        assert len(records) == len(want), f"{where}: records {names} != {[w[0] for w in want]}"
        for i, ((name, fields), (wname, wfields)) in enumerate(zip(records, want)):
            assert name == wname, f"{where}: record {i} is {name}, want {wname}"
            for k, v in wfields.items():
                assert norm(fields.get(k)) == val(v), f"{where}: record {i} {name}.{k} = {norm(fields.get(k))!r}, want {v!r}"
    for name, n in exp.get("count", {}).items():
        assert sum(1 for r in records if r[0] == name) == n, f"{where}: count of {name}"
    for gid, attrs in exp.get("groups", {}).items():
        g = h.group(gid)
        for k, v in attrs.items():
            assert getattr(g, k) == val(v), f"{where}: {gid}.{k} = {getattr(g, k)!r}, want {v!r}"
    for gid, attrs in exp.get("groupevt", {}).items():
        e = h.group(gid).groupevt
        for k, v in attrs.items():
            assert getattr(e, k) == val(v), f"{where}: {gid}.groupevt.{k} = {getattr(e, k)!r}, want {v!r}"
    for cpu, attrs in exp.get("cpus", {}).items():
        t = h.cpus[int(cpu)]
        for k, v in attrs.items():
            assert getattr(t, k) == val(v), f"{where}: CPU{cpu}.{k} = {getattr(t, k)!r}, want {v!r}"
    if "livelock" in exp:
        want = exp["livelock"]
        assert h.livelock == (tuple(val(want)) if want is not None else None), f"{where}: livelock {h.livelock}"


def run(scn: dict, variant: str | None) -> None:
    faults = scn.get("faults")
    if variant is not None:
        faults = scn["variants"][variant].get("faults", faults)
    topo = Topology.from_metadata(scn["topology"])
    h = Hierarchy(topo, scn["profile"], faults=faults, **scn.get("options", {}))
    if "expect_shape" in scn:
        shape = h.shape()
        want = scn["expect_shape"]
        assert [list(g) for g in shape["groups"]] == want["groups"]
        assert {c: list(v) for c, v in shape["cpus"].items()} == {int(c): v for c, v in want["cpus"].items()}
    for n, step in enumerate(scn["steps"]):
        args = [val(a) for a in step.get("args", [])]
        kwargs = {k: val(v) for k, v in step.get("kwargs", {}).items()}
        res = getattr(h, step["call"])(*args, **kwargs)
        if isinstance(res, list):
            records, got_ret = res, h.ret
        else:
            records, got_ret = [], res
        where = f"{scn['name']} [{variant or '-'}] step {n} {step['call']}{tuple(step.get('args', []))}"
        check_step(h, step, step, got_ret, records, where)
        if variant is not None and variant in step:
            check_step(h, step, step[variant], got_ret, records, where)
    assert not [w for w in h.warnings if "livelock" not in w], h.warnings


CASES = []
for path in SCENARIOS:
    scn = json.loads(path.read_text())
    for variant in (scn.get("variants") or {None: None}):
        CASES.append(pytest.param(scn, variant, id=f"{path.stem}-{variant or 'main'}"))


@pytest.mark.parametrize("scn,variant", CASES)
def test_scenario(scn, variant):
    run(scn, variant)
