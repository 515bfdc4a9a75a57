"""Importing BCC into this interpreter, and saying exactly why it cannot load.

BCC's Python module comes from Debian's ``python3-bpfcc`` (``/usr/lib/python3/dist-packages/bcc``;
PyPI's ``bcc`` is an unrelated package). It is pure Python over ``libbcc.so`` (ctypes), so any
CPython 3 can use it, but a venv or a pyenv interpreter does not look in Debian's dist-packages.
:func:`import_bcc` imports that one package from there by its path, without putting the whole of
dist-packages on ``sys.path`` (which would shadow the venv's numpy or pyarrow with Debian's).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

from tmigr_trace.errors import TmigrError

DEBIAN_DIST = Path("/usr/lib/python3/dist-packages")
INSTALL_HINT = "apt install python3-bpfcc (Debian's BCC; PyPI's 'bcc' is an unrelated package)"


def import_bcc():
    """The ``bcc`` module: this interpreter's own if it has one, else Debian's, by path."""
    mod = sys.modules.get("bcc")
    if mod is not None and hasattr(mod, "BPF"):
        return mod
    try:
        mod = importlib.import_module("bcc")
        if hasattr(mod, "BPF"):
            return mod
        sys.modules.pop("bcc", None)  # PyPI's unrelated 'bcc', or a namespace package
    except ImportError:
        pass
    init = DEBIAN_DIST / "bcc" / "__init__.py"
    if not init.exists():
        raise TmigrError(f"BCC is not installed: {INSTALL_HINT}")
    spec = importlib.util.spec_from_file_location("bcc", init, submodule_search_locations=[str(init.parent)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bcc"] = mod
    try:
        spec.loader.exec_module(mod)
    except Exception as exc:  # libbcc.so missing or of another version: one line says which
        sys.modules.pop("bcc", None)
        raise TmigrError(f"BCC ({init.parent}) does not import: {exc}") from None
    return mod


def use_kernel_source() -> str:
    """Point BCC at headers it can compile against (env BCC_KERNEL_SOURCE); returns where."""
    from .bcc_headers import headers_found, kernel_source

    src, how = kernel_source()
    if not headers_found()[0]:
        raise TmigrError(f"BCC has no kernel headers for {os.uname().release}: {how}")
    if src is not None and not os.environ.get("BCC_KERNEL_SOURCE") and not str(src).startswith("/lib/modules/"):
        os.environ["BCC_KERNEL_SOURCE"] = str(src)
    return how
