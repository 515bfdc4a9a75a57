"""Which replay core runs: the mypyc-compiled modules or their pure-Python sources.

setup.py may compile ``engine``, ``model.hierarchy`` and ``model.structs`` with mypyc (see
docs/DEVELOPING.md). The extension modules land next to the ``.py`` files, and Python's import
system prefers an extension over the source of the same name, so an extension built from an older
source would silently shadow an edited ``.py``. The build therefore records the sha256 of every
source it compiled (and of the sources in ``DEPENDS``, whose types the compiled code relies on) in
``_native_build.json``; :func:`select` (called first thing by ``replay/__init__.py``) uses the
compiled modules only if that record exists, names a successful compile, every hash matches the
current ``.py`` and ``TMIGR_TRACE_PURE`` is not set. Otherwise all
three modules come from their ``.py`` files together (never a mix), and a stale or unrecorded build
is reported once on stderr. The pure-Python sources are the reference; the compiled modules must
give the same results (tests/test_native.py).

Only the standard library here: setup.py reads the names below from this file.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Mapping

PACKAGE = "tmigr_trace.replay"
# (module under PACKAGE, source path under replay/), in dependency order
MODULES = (("model.structs", "model/structs.py"), ("model.hierarchy", "model/hierarchy.py"), ("engine", "engine.py"))
# The uncompiled replay modules the compiled ones import: the compiled code checks the types they
# declare at run time (an attribute declared `list` is rejected if it holds anything else), so a
# build compiled against an older version of one of them is stale too. Recorded as "depends" in
# the build record; tests/test_native.py derives this list from the compiled modules' imports.
DEPENDS = ("result.py", "model/profiles.py", "model/topology.py")
# mypyc's shared library for the group: tmigr_trace/replay/_native__mypyc.<EXT_SUFFIX>
GROUP = f"{PACKAGE}._native"
GROUP_LIB = "_native__mypyc"
BUILD_RECORD = "_native_build.json"
PURE_ENV = "TMIGR_TRACE_PURE"
NO_MYPYC_ENV = "TMIGR_TRACE_NO_MYPYC"

_status: dict[str, Any] | None = None


def env_flag(name: str, environ: Mapping[str, str] = os.environ) -> bool:
    """True when the variable is set to anything but empty or 0 (``NAME=1``)."""
    return environ.get(name, "").strip() not in ("", "0")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extension_file(stem: Path) -> Path | None:
    """The extension module for this interpreter at ``stem`` (a path without suffix), if built."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        p = stem.with_name(stem.name + suffix)
        if p.is_file():
            return p
    return None


def rebuild_hint(pkg_dir: Path | None = None) -> str:
    """The command that rebuilds the compiled core of the package in ``pkg_dir`` (default: this one)."""
    root = (pkg_dir or Path(__file__).resolve().parent).parent
    if (root / "setup.py").is_file() and (root / "pyproject.toml").is_file():
        return f"pip install -e {root}"  # a source checkout (editable install)
    return "reinstall tmigr-trace"


def decide(pkg_dir: Path, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Decide, without importing anything, whether the compiled core in ``pkg_dir`` may be used.

    Returns ``{"compiled", "reason", "warn", "modules", "build"}``: ``modules`` maps each module's
    full name to the file that is to be imported, ``warn`` is the one-line stderr warning for a
    stale or unrecorded build (None when there is nothing to warn about).
    """
    sources = {f"{PACKAGE}.{mod}": pkg_dir / rel for mod, rel in MODULES}
    exts = {f"{PACKAGE}.{mod}": extension_file(pkg_dir / rel.removesuffix(".py")) for mod, rel in MODULES}
    lib = extension_file(pkg_dir / GROUP_LIB)
    rec_path = pkg_dir / BUILD_RECORD
    try:
        record = json.loads(rec_path.read_text())
    except FileNotFoundError:
        record = None
    except (OSError, ValueError) as exc:
        record = {"compiled": False, "reason": f"unreadable {BUILD_RECORD}: {exc}"}
    found = [p for p in [*exts.values(), lib] if p is not None]

    def pure(reason: str, warn: bool = False) -> dict[str, Any]:
        msg = None
        if warn:
            msg = (f"tmigr-trace: {reason}; using the pure-Python replay core (slower). "
                   f"Rebuild: {rebuild_hint(pkg_dir)}  (or set {PURE_ENV}=1)")
        return {"compiled": False, "reason": reason, "warn": msg,
                "modules": {k: str(v) for k, v in sources.items()}, "build": record}

    if env_flag(PURE_ENV, environ):
        return pure(f"{PURE_ENV}=1")
    if not found:
        if record is not None and not record.get("compiled"):
            return pure(f"not compiled at build time: {record.get('reason', 'unknown reason')}")
        if record is not None and record.get("ext_suffix") not in (None, *importlib.machinery.EXTENSION_SUFFIXES):
            return pure(f"compiled for another Python ({record['ext_suffix']})", warn=True)
        return pure("not compiled (no mypyc extension modules installed)")
    if record is None:
        return pure(f"compiled extensions without a build record ({BUILD_RECORD})", warn=True)
    if not record.get("compiled"):
        # a later build did not compile; its extensions are leftovers of an earlier one
        return pure(f"not compiled at build time: {record.get('reason', 'unknown reason')}")
    missing = [rel for mod, rel in MODULES if exts[f"{PACKAGE}.{mod}"] is None] + ([GROUP_LIB] if lib is None else [])
    if missing:
        return pure(f"incomplete compiled core (missing {', '.join(missing)})", warn=True)
    hashes = {**record.get("depends", {}), **record.get("sources", {})}
    changed = []
    for rel in [rel for _, rel in MODULES] + list(DEPENDS):
        try:
            cur = sha256(pkg_dir / rel)
        except OSError:
            cur = None
        if cur is None or hashes.get(rel) != cur:
            changed.append(rel)
    if changed:
        return pure(f"compiled replay core is stale ({', '.join(changed)} changed since it was built)", warn=True)
    return {"compiled": True, "reason": f"mypyc {record.get('mypy', '?')}, sources match the build",
            "warn": None, "modules": {k: str(v) for k, v in exts.items()}, "build": record}


class _PureFinder(importlib.abc.MetaPathFinder):
    """Imports the compiled-core modules from their ``.py`` files, ahead of any extension."""

    def __init__(self, files: Mapping[str, str]):
        self.files = dict(files)

    def find_spec(self, fullname, path=None, target=None):
        f = self.files.get(fullname)
        return importlib.util.spec_from_file_location(fullname, f) if f else None


def select() -> dict[str, Any]:
    """Decide once per process (before any of the three modules is imported) and enforce it."""
    global _status
    if _status is not None:
        return _status
    pkg_dir = Path(__file__).resolve().parent
    st = decide(pkg_dir)
    if not st["compiled"]:
        already = [m for m in st["modules"] if m in sys.modules]
        if already:  # cannot happen through the package; refuse a mixed core rather than hide it
            raise ImportError(f"{', '.join(already)} imported before {PACKAGE} chose its replay core")
        sys.meta_path.insert(0, _PureFinder(st["modules"]))
    if st["warn"]:
        print(st["warn"], file=sys.stderr)
    _status = st
    return st


def native_status() -> dict[str, Any]:
    """Whether the replay core runs compiled (mypyc) or as pure Python, and why.

    ``{"compiled": bool, "reason": str, "modules": {name: {"file", "loaded"}}, "build": record}``:
    ``file`` is the file each of the three modules is imported from, ``loaded`` is "compiled" or
    "pure" once it has been imported (None before), ``build`` the build record if there is one.
    """
    st = select()
    modules = {}
    for name, f in st["modules"].items():
        mod = sys.modules.get(name)
        loaded = None
        if mod is not None:
            compiled = isinstance(getattr(mod.__spec__, "loader", None), importlib.machinery.ExtensionFileLoader)
            loaded = "compiled" if compiled else "pure"
        modules[name] = {"file": f, "loaded": loaded}
    return {"compiled": st["compiled"], "reason": st["reason"], "modules": modules, "build": st["build"]}
