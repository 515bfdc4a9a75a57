"""The mypyc-compiled replay core (setup.py, replay/_native.py) against its pure-Python reference.

* the test environment runs the compiled core when its build produced it;
* real captures replay to the same ``--json`` under the compiled core and under
  ``TMIGR_TRACE_PURE=1`` (each in its own process);
* a stale build (a source edited after the compile) falls back to pure Python for all three
  modules together and says so once on stderr.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, HOST_618, run_cli
from tmigr_trace.replay import _native, native_status

REPLAY = Path(_native.__file__).resolve().parent
LAB = FIXTURES / "lab"
LATE = LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-late.tar.gz"
HOTPLUG = LAB / "lab-7.3.4+deb13-16cpu-2node-smt2-hotplug.tar.gz"
# a multi-threaded TCG capture: concurrent remote walks, reordered steps, the alternatives' paths
MTTCG = FIXTURES / "outside-class" / "twentieth" / "6.12.88-24cpu-4node-boot-node3-first-migrator-hotplug-multi.trace.txt.xz"
CORE = [f"{_native.PACKAGE}.{mod}" for mod, _ in _native.MODULES]


def _why_not_compiled() -> str | None:
    """None if this environment runs the compiled core; else why not, failing on a build defect."""
    st = native_status()
    if st["compiled"]:
        return None
    build = st["build"] or {}
    reason = st["reason"]
    if _native.env_flag(_native.PURE_ENV):
        return f"{_native.PURE_ENV}=1 forces the pure-Python replay core"
    if f"{_native.NO_MYPYC_ENV}=1" in build.get("reason", ""):
        return f"built with {_native.NO_MYPYC_ENV}=1: no compiled replay core to test"
    if build and not build.get("compiled"):
        pytest.fail(f"the build did not compile the replay core: {build.get('reason')} "
                    f"(fix it, or build with {_native.NO_MYPYC_ENV}=1 to go pure Python on purpose)")
    return f"the installed compiled core is not current ({reason}): rebuild with {_native.rebuild_hint()}"


@pytest.fixture(scope="module")
def compiled():
    why = _why_not_compiled()
    if why:
        pytest.skip(why)


def _status_in_subprocess(env: dict[str, str], cwd: Path | None = None) -> tuple[dict, str]:
    code = ("import json, importlib, tmigr_trace.replay as r\n"
            f"for m in {CORE!r}: importlib.import_module(m)\n"
            "print(json.dumps(r.native_status()))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout), p.stderr


# --- (a) the compiled core is the one in use ----------------------------------------------------

def test_compiled_core_in_use(compiled):
    import importlib

    for m in CORE:
        importlib.import_module(m)
    st = native_status()
    assert st["compiled"], st["reason"]
    for name, m in st["modules"].items():
        assert m["loaded"] == "compiled", (name, m)
        assert Path(m["file"]).parent in (REPLAY, REPLAY / "model")
        assert isinstance(sys.modules[name].__spec__.loader, importlib.machinery.ExtensionFileLoader)
    assert set(st["build"]["sources"]) == {rel for _, rel in _native.MODULES}
    assert set(st["build"]["depends"]) == set(_native.DEPENDS)


# --- (b) compiled and pure give the same replay -----------------------------------------------------

@pytest.mark.parametrize("src,fault", [(LATE, None), (LATE, "unpublished_groupmask"), (HOTPLUG, None),
                                       (HOST_618 / "trace.txt.gz", None), (MTTCG, None)],
                         ids=["late", "late+unpublished_groupmask", "hotplug", "host-6.18", "mttcg-4node"])
def test_compiled_and_pure_replay_agree(compiled, imported, monkeypatch, src, fault):
    trace = imported(src)
    args = ["replay", trace, "--json"] + (["--fault", fault] if fault else [])
    monkeypatch.delenv(_native.PURE_ENV, raising=False)
    fast = run_cli(*args)
    monkeypatch.setenv(_native.PURE_ENV, "1")
    pure = run_cli(*args)
    st, _ = _status_in_subprocess(dict(os.environ))
    assert not st["compiled"] and st["reason"] == f"{_native.PURE_ENV}=1"
    assert fast.returncode == pure.returncode and fast.returncode in (0, 1), (fast.stderr, pure.stderr)
    assert json.loads(fast.stdout) == json.loads(pure.stdout)
    if fault:
        assert json.loads(fast.stdout)["diverged"] > 0  # the divergence path ran compiled too


# --- (c) stale builds fall back to pure Python ------------------------------------------------------
# Hand-made package directories (copies of the real sources, empty stand-ins for extension files):
# they test the decision, not a trace.

def _fake_build(d: Path, compiled: bool = True, lib: bool = True) -> Path:
    """A replay package directory with the three sources, stand-in extensions and a build record."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    hashes = {}
    for _, rel in _native.MODULES:
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPLAY / rel, d / rel)
        (d / (rel.removesuffix(".py") + suffix)).write_bytes(b"")
        hashes[rel] = hashlib.sha256((d / rel).read_bytes()).hexdigest()
    depends = {}
    for rel in _native.DEPENDS:
        shutil.copyfile(REPLAY / rel, d / rel)
        depends[rel] = hashlib.sha256((d / rel).read_bytes()).hexdigest()
    if lib:
        (d / (_native.GROUP_LIB + suffix)).write_bytes(b"")
    rec = {"compiled": True, "reason": "mypyc test", "mypy": "test", "sources": hashes, "depends": depends} \
        if compiled else {"compiled": False, "reason": "mypyc failed: test"}
    (d / _native.BUILD_RECORD).write_text(json.dumps(rec))
    return d


def test_decide_uses_compiled_only_when_every_source_matches(tmp_path):
    d = _fake_build(tmp_path / "replay")
    st = _native.decide(d, environ={})
    assert st["compiled"] and st["warn"] is None
    assert all(not f.endswith(".py") for f in st["modules"].values())

    assert _native.decide(d, environ={_native.PURE_ENV: "1"}) | {"build": None} == \
        {"compiled": False, "reason": f"{_native.PURE_ENV}=1", "warn": None, "build": None,
         "modules": {f"{_native.PACKAGE}.{m}": str(d / rel) for m, rel in _native.MODULES}}
    assert _native.decide(d, environ={_native.PURE_ENV: "0"})["compiled"]

    with open(d / "model" / "hierarchy.py", "a") as f:
        f.write("# edited after the build\n")
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "stale" in st["reason"] and "model/hierarchy.py" in st["reason"]
    assert all(f.endswith(".py") for f in st["modules"].values())  # all three, not just the edited one
    assert st["warn"] and "\n" not in st["warn"] and "Rebuild:" in st["warn"]


def _uncompiled_imports() -> set[str]:
    """Replay sources (relative to replay/) that the compiled modules import and that are not
    compiled themselves, read from their import statements."""
    import ast
    compiled = {rel for _, rel in _native.MODULES}
    out = set()
    for rel in compiled:
        pkg = (REPLAY / rel).parent
        for node in ast.walk(ast.parse((REPLAY / rel).read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = pkg
                for _ in range(node.level - 1):
                    base = base.parent
                target = base.joinpath(*(node.module or "").split("."))
                for cand in (target.with_suffix(".py"), target / "__init__.py"):
                    if cand.is_file() and cand.name != "__init__.py":
                        r = cand.relative_to(REPLAY).as_posix()
                        if r not in compiled:
                            out.add(r)
    return out


def test_decide_stale_when_a_dependency_changed(tmp_path):
    """result.py is not compiled, but the compiled engine checks the types it declares (a build
    that saw `divergences: list` rejects a DivergenceLog): editing it makes the build stale too,
    and so does a record from before dependencies were recorded."""
    assert "result.py" in _native.DEPENDS
    assert set(_native.DEPENDS) == _uncompiled_imports()
    d = _fake_build(tmp_path / "a")
    assert _native.decide(d, environ={})["compiled"]
    with open(d / "result.py", "a") as f:
        f.write("# edited after the build\n")
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "stale" in st["reason"] and "result.py" in st["reason"] and st["warn"]

    d = _fake_build(tmp_path / "b")
    rec = json.loads((d / _native.BUILD_RECORD).read_text())
    del rec["depends"]
    (d / _native.BUILD_RECORD).write_text(json.dumps(rec))
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "result.py" in st["reason"]


def test_decide_other_fallbacks(tmp_path):
    d = _fake_build(tmp_path / "a")
    (d / _native.BUILD_RECORD).unlink()
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "without a build record" in st["reason"] and st["warn"]

    d = _fake_build(tmp_path / "b", lib=False)
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "incomplete" in st["reason"] and st["warn"]

    # a later build that did not compile: its own warning was at build time
    d = _fake_build(tmp_path / "c", compiled=False)
    st = _native.decide(d, environ={})
    assert not st["compiled"] and st["reason"] == "not compiled at build time: mypyc failed: test" and not st["warn"]

    d = tmp_path / "d"
    for _, rel in _native.MODULES:
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPLAY / rel, d / rel)
    st = _native.decide(d, environ={})
    assert not st["compiled"] and "no mypyc extension modules" in st["reason"] and not st["warn"]


def _package_copy(tmp: Path) -> Path:
    """tmigr_trace with its replay subpackage, copied into tmp/pkgs (as installed: replay inside)."""
    root = tmp / "pkgs"
    ign = shutil.ignore_patterns("__pycache__")
    shutil.copytree(Path(__import__("tmigr_trace").__file__).parent, root / "tmigr_trace", ignore=ign)
    shutil.rmtree(root / "tmigr_trace" / "replay", ignore_errors=True)
    shutil.copytree(REPLAY, root / "tmigr_trace" / "replay", ignore=ign)
    return root


def test_stale_package_imports_pure_sources_and_warns_once(tmp_path, imported):
    """A whole package (real extensions if this build has them) whose engine.py was edited."""
    root = _package_copy(tmp_path)
    rep = root / "tmigr_trace" / "replay"
    if not native_status()["compiled"]:
        _fake_build(rep)  # stand-ins: importing one of them would fail, so a pass proves they were not
    with open(rep / "engine.py", "a") as f:
        f.write("\n# edited after the build\n")
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(_native.PURE_ENV, None)
    st, err = _status_in_subprocess(env, cwd=tmp_path)
    assert not st["compiled"] and "stale" in st["reason"] and "engine.py" in st["reason"]
    for name, m in st["modules"].items():
        assert m["loaded"] == "pure" and m["file"].startswith(str(rep)) and m["file"].endswith(".py"), (name, m)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "stale" in lines[0] and "Rebuild:" in lines[0], err

    # and the pure core replays a real capture there
    code = ("import sys, tmigr_trace\n"
            "r = tmigr_trace.replay(sys.argv[1]); print(r.checked, r.agreed, r.diverged)")
    p = subprocess.run([sys.executable, "-c", code, str(imported(LATE))], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    from tmigr_trace.replay.api import replay

    res = replay(str(imported(LATE)))
    assert p.stdout.split() == [str(res.checked), str(res.agreed), str(res.diverged)]


def test_copied_compiled_package_stays_compiled(compiled, tmp_path):
    """The extensions are found next to the sources wherever the package lives (as in a wheel)."""
    root = _package_copy(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(_native.PURE_ENV, None)
    st, err = _status_in_subprocess(env, cwd=tmp_path)
    assert st["compiled"], st["reason"]
    for m in st["modules"].values():
        assert m["loaded"] == "compiled" and m["file"].startswith(str(root)), m
    assert not err.strip(), err
