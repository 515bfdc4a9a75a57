"""Plain str and Path options without pydantic: typer (0.2x) coerces every option value through
a pydantic ``TypeAdapter`` built on first use, which imports pydantic and builds the adapters:
0.1-0.3 s of every command (`python -X importtime -m tmigr_trace import ...`), as long as a whole
`tmigr-trace import trace.dat` of 400k events may take (benchmarks/import_tracedat.py).

A parameter annotated exactly ``str`` or ``Path`` (``Optional`` of them too), single-valued and
without a custom parser, gets the coercion typer's adapter performs: ``str(value)``, or
``Path(value)`` followed by typer's own path checks (``coerce_cli_path``: exists, file/dir,
readable, ...). Numbers, enums, lists keep typer's adapters. If typer's internals differ from
what this expects, nothing is changed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class _PlainCoercion:
    """Stands in for typer's ``RuntimeParam`` of one str or Path parameter."""

    def __init__(self, kind: type):
        self.kind = kind

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bytes):
            value = os.fsdecode(value)
        if self.kind is str:
            return str(value)
        from typer._param_types import coerce_cli_path

        path = value if isinstance(value, Path) else Path(value)
        return coerce_cli_path(path, param.type_descriptor.parameter_info, path_type=Path, param=param, ctx=ctx)


def use_plain_coercion(param: Any) -> None:
    """Give ``param`` the plain coercion when it is a single str or Path (see the module doc)."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not hasattr(param, "_runtime_param") or param._runtime_param is not None:
        return
    info = getattr(desc, "parameter_info", None)
    kind = desc.annotation
    if kind not in (str, Path) or info is None or getattr(info, "parser", None) is not None:
        return
    if getattr(desc, "file_annotation", None) is not None or param.multiple or param.nargs != 1:
        return
    param._runtime_param = _PlainCoercion(kind)
