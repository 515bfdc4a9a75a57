"""Builds the optional fast paths; the rest is in pyproject.toml.

* C: the text importer and the ring-buffer page walk. Without a C compiler the build still succeeds
  and the importer and the binary decoder use their pure-Python reference paths (same rows, slower).
* mypyc: the replay core (replay/engine.py, replay/model/hierarchy.py, replay/model/structs.py),
  compiled with mypyc from the `mypy` build requirement. If mypy is missing, mypyc rejects the code
  or the C compile fails, one warning is printed and the package is pure Python.
  TMIGR_TRACE_NO_MYPYC=1 skips it. The build records the sha256 of each compiled source in
  replay/_native_build.json; at run time replay/_native.py uses the compiled modules only while
  the sources still match (docs/DEVELOPING.md).
"""

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import shutil
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_native_names():
    # module list, group and record names: one definition, shared with the run-time check
    spec = importlib.util.spec_from_file_location("_tmigr_trace_native_names", os.path.join(HERE, "replay", "_native.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NATIVE = _load_native_names()
# mypy flags for the mypyc compile: the replay code is not fully mypy-clean, and these error codes
# must not stop the build (mypyc's own errors still do, and then the package is pure Python)
MYPY_FLAGS = ["--ignore-missing-imports", *(f"--disable-error-code={code}" for code in (
    "arg-type", "assignment", "attr-defined", "has-type", "index", "misc", "operator", "union-attr", "var-annotated"))]
# placeholders, filled in by OptionalBuildExt when mypyc runs (dropped when it does not)
MYPYC_EXTENSIONS = [Extension(f"{NATIVE.PACKAGE}.{mod}", [], optional=True) for mod, _ in NATIVE.MODULES] + \
                   [Extension(f"{NATIVE.PACKAGE}.{NATIVE.GROUP_LIB}", [], optional=True)]
MYPYC_NAMES = {ext.name for ext in MYPYC_EXTENSIONS}
MYPYC_CACHE = os.path.join(HERE, "build", "mypyc-cache")  # compiled cores by input hash (build/ is git-ignored)


def _replace_file(src, dst):
    """Copy by rename: a process that has the old extension module mapped keeps its inode."""
    if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(src):
        with open(src, "rb") as a, open(dst, "rb") as b:
            if a.read() == b.read():
                return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = f"{dst}.{os.getpid()}.tmp"
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dst)


class OptionalBuildExt(build_ext):
    def run(self):
        self._mypyc = {"compiled": False, "reason": "not attempted"}
        self._mypyc_cached = None
        try:
            super().run()
        except Exception as exc:  # no compiler: the pure-Python path still works
            print(f"warning: C fast path not built ({exc}); text import will be slower")
            self._mypyc = {"compiled": False, "reason": f"build_ext failed ({exc})"}
        self._mypyc_finish()

    def build_extensions(self):
        self._failed = set()
        self._mypyc_prepare()
        if not self._mypyc["compiled"] or self._mypyc_cached:
            self._mypyc_drop()  # nothing to compile
        super().build_extensions()
        if self._mypyc["compiled"] and self._failed & MYPYC_NAMES:
            self._mypyc = {"compiled": False, "reason": f"C compile of {', '.join(sorted(self._failed & MYPYC_NAMES))} failed"}
            self._mypyc_warn()
            self._mypyc_drop()
        if self._mypyc["compiled"]:
            self._mypyc_cache_sync()
        # _mypyc_finish puts them into the source tree (by rename), not setuptools' in-place copy
        self.extensions = [e for e in self.extensions if e.name not in MYPYC_NAMES]

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._failed.add(ext.name)
            if ext.name not in MYPYC_NAMES:
                print(f"warning: C fast path not built ({exc}); text import will be slower")

    # --- mypyc -------------------------------------------------------------------------------------

    def _mypyc_prepare(self):
        """Generate the C code of the replay core and fill the placeholder extensions, or drop them."""
        if NATIVE.env_flag(NATIVE.NO_MYPYC_ENV):
            self._mypyc = {"compiled": False, "reason": f"skipped: {NATIVE.NO_MYPYC_ENV}=1"}
            return
        try:
            import mypy.version
            from mypyc.build import mypycify
        except Exception as exc:
            self._mypyc = {"compiled": False, "reason": f"mypy/mypyc not importable ({exc})"}
            self._mypyc_warn()
            return
        # mypyc names a module after its path (walking up __init__.py files): compile a staged copy
        # under tmigr_trace/replay/ so that replay/engine.py becomes tmigr_trace.replay.engine
        base = os.path.abspath(os.path.join(self.build_temp, "mypyc"))
        stage = os.path.join(base, "src")
        shutil.rmtree(stage, ignore_errors=True)
        pkg = os.path.join(stage, *NATIVE.PACKAGE.split("."))
        src = os.path.join(HERE, "replay")
        hashes = {}
        for d, dirs, files in os.walk(src):
            dirs[:] = [x for x in dirs if x != "__pycache__"]
            for f in files:
                if f.endswith(".py"):
                    rel = os.path.relpath(os.path.join(d, f), src).replace(os.sep, "/")
                    with open(os.path.join(d, f), "rb") as fh:
                        data = fh.read()
                    os.makedirs(os.path.dirname(os.path.join(pkg, rel)), exist_ok=True)
                    with open(os.path.join(pkg, rel), "wb") as fh:
                        fh.write(data)
                    hashes[rel] = hashlib.sha256(data).hexdigest()
        open(os.path.join(stage, "tmigr_trace", "__init__.py"), "w").close()
        version = mypy.version.__version__
        record = {"compiled": True, "reason": f"mypyc {version}", "mypy": version,
                  "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
                  "sources": {rel: hashes[rel] for _, rel in NATIVE.MODULES},
                  "depends": {rel: hashes[rel] for rel in NATIVE.DEPENDS}}
        # the same inputs (every replay source, mypy, this file, the interpreter) give the same
        # modules: reuse them from build/mypyc-cache instead of another C compile
        with open(os.path.abspath(__file__), "rb") as fh:
            me = fh.read().decode()
        key = hashlib.sha256(json.dumps([version, sys.version, record["ext_suffix"], me, sorted(hashes.items())]).encode()).hexdigest()[:16]
        self._mypyc_key = key
        cached = os.path.join(MYPYC_CACHE, key)
        if all(os.path.isfile(os.path.join(cached, os.path.basename(f))) for f in self._mypyc_outputs(".")):
            self._mypyc = {**record, "reason": f"mypyc {version} (cached build {key})"}
            self._mypyc_cached = cached
            return
        # relative paths from the staging root: module names, and file names in compiled tracebacks
        paths = [*MYPY_FLAGS, f"--cache-dir={os.path.join(base, 'cache')}", *(f"{NATIVE.PACKAGE.replace('.', '/')}/{rel}" for _, rel in NATIVE.MODULES)]
        out = io.StringIO()
        cwd = os.getcwd()
        try:
            os.chdir(stage)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                exts = mypycify(paths, group_name=NATIVE.GROUP, target_dir=os.path.join(base, "c"))
        except (Exception, SystemExit) as exc:  # mypyc reports its errors through sys.exit
            lines = [ln for ln in (out.getvalue() + "\n" + str(exc)).splitlines() if ": error:" in ln]
            first = lines[0] if lines else (str(exc) or type(exc).__name__)
            more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
            self._mypyc = {"compiled": False, "reason": f"mypyc failed: {first}{more}"}
            self._mypyc_warn()
            return
        finally:
            os.chdir(cwd)
        by_name = {e.name: e for e in exts}
        if set(by_name) != MYPYC_NAMES:
            self._mypyc = {"compiled": False, "reason": f"mypyc produced unexpected modules {sorted(by_name)}"}
            self._mypyc_warn()
            return
        for ext in self.extensions:
            if ext.name in by_name:
                made = by_name[ext.name]
                for attr in ("sources", "include_dirs", "depends", "extra_compile_args"):
                    setattr(ext, attr, list(getattr(made, attr)))
        self._mypyc = record

    def _mypyc_cache_sync(self):
        """Cached build: put its modules into build_lib. Fresh build: keep a copy (newest 4 kept)."""
        pkg = os.path.join(self.build_lib, *NATIVE.PACKAGE.split("."))
        if self._mypyc_cached:
            for f in self._mypyc_outputs(pkg):
                _replace_file(os.path.join(self._mypyc_cached, os.path.basename(f)), f)
            return
        try:
            tmp = os.path.join(MYPYC_CACHE, f".{self._mypyc_key}.{os.getpid()}")
            os.makedirs(tmp, exist_ok=True)
            for f in self._mypyc_outputs(pkg):
                shutil.copyfile(f, os.path.join(tmp, os.path.basename(f)))
            os.replace(tmp, os.path.join(MYPYC_CACHE, self._mypyc_key))
            old = sorted((e for e in os.scandir(MYPYC_CACHE) if not e.name.startswith(".")), key=lambda e: e.stat().st_mtime)
            for e in old[:-4]:
                shutil.rmtree(e.path, ignore_errors=True)
        except OSError:
            pass  # a cache is only a shortcut

    def _mypyc_warn(self):
        print(f"warning: replay core not compiled with mypyc ({self._mypyc['reason']}); it runs as pure Python (slower)")

    def _mypyc_outputs(self, pkg_dir):
        """The extension files of the replay core in the directory of tmigr_trace.replay."""
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        return [os.path.join(pkg_dir, *name[len(NATIVE.PACKAGE) + 1:].split(".")) + suffix for name in sorted(MYPYC_NAMES)]

    def _mypyc_drop(self):
        """No mypyc compile: no placeholder is built, and no earlier build's module is shipped."""
        self.extensions = [e for e in self.extensions if e.name not in MYPYC_NAMES]
        for f in self._mypyc_outputs(os.path.join(self.build_lib, *NATIVE.PACKAGE.split("."))):
            if os.path.exists(f):
                os.remove(f)

    def _mypyc_finish(self):
        """Write the build record next to the modules: in build_lib (wheels) and in the source tree (editable)."""
        dirs = [os.path.join(self.build_lib, *NATIVE.PACKAGE.split("."))]
        if self.inplace:
            dirs.append(os.path.join(HERE, self.get_finalized_command("build_py").get_package_dir(NATIVE.PACKAGE)))
            for built, inplace in zip(self._mypyc_outputs(dirs[0]), self._mypyc_outputs(dirs[1])):
                if self._mypyc["compiled"]:
                    _replace_file(built, inplace)
                elif os.path.exists(inplace):  # modules of an earlier in-place build are leftovers now
                    os.remove(inplace)
        for d in dirs:
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, NATIVE.BUILD_RECORD), "w") as fh:
                json.dump(self._mypyc, fh, indent=1, sort_keys=True)
                fh.write("\n")


setup(
    ext_modules=[Extension("tmigr_trace.importers._ftrace_text", ["tmigr_trace/importers/_ftrace_text.c"],
                           extra_compile_args=["-O2"], optional=True),
                 Extension("tmigr_trace.collectors._ringbuffer", ["collectors/_ringbuffer.c"],
                           extra_compile_args=["-O2"], optional=True),
                 *MYPYC_EXTENSIONS],
    cmdclass={"build_ext": OptionalBuildExt},
)
