"""tmigr_trace.replay: replay a captured trace through the model, decision by decision.

``tmigr_trace.replay(trace, model=None, fault=None)`` returns a
:class:`~tmigr_trace.replay.result.ReplayResult` (the same object the CLI renders). This package
is callable so that the function and the package can share the name ``tmigr_trace.replay``.

Layout: ``identify`` (trace groups -> model groups), ``engine`` (the pure replay loop),
``result`` (counts and divergences), ``report`` (tables, --explain), ``api`` (trace I/O glue),
``model`` (the model of kernel/time/timer_migration.c).
"""

from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, trace, model=None, fault=None, **kw):
        from .api import replay

        return replay(trace, model=model, fault=fault, **kw)


sys.modules[__name__].__class__ = _CallableModule
