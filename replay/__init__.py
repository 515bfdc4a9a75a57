"""tmigr_trace.replay: replay a captured trace through the model, decision by decision.

``tmigr_trace.replay(trace, model=None, fault=None)`` returns a
:class:`~tmigr_trace.replay.result.ReplayResult` (the same object the CLI renders). This package
is callable so that the function and the package can share the name ``tmigr_trace.replay``.

Layout: ``identify`` (trace groups -> model groups), ``engine`` (the pure replay loop),
``result`` (counts and divergences), ``report`` (tables, --explain), ``api`` (trace I/O glue),
``model`` (the model of kernel/time/timer_migration.c).

``engine``, ``model.hierarchy`` and ``model.structs`` may run compiled by mypyc; ``_native``
decides before anything imports them (pure Python when the build is stale or
``TMIGR_TRACE_PURE=1``), and :func:`native_status` says which and why.
"""

from __future__ import annotations

# first: choose the compiled or the pure-Python replay core before any of its modules is imported
from ._native import native_status, select as _select_core  # noqa: F401 (native_status is public)

_select_core()

import sys  # noqa: E402
import types  # noqa: E402


class _CallableModule(types.ModuleType):
    def __call__(self, trace, model=None, fault=None, **kw):
        from .api import replay

        return replay(trace, model=model, fault=fault, **kw)


sys.modules[__name__].__class__ = _CallableModule
