"""The contract of the machine-readable outputs (``--json``, ``--jsonl``).

Every JSON document the CLI prints or writes carries ``schema`` (which document: ``tmigr-trace/info``,
``tmigr-trace/replay``, ``tmigr-trace/replay-record``, ``tmigr-trace/which-bug``, ``tmigr-trace/diff``,
``tmigr-trace/report`` for report.json), ``schema_version`` (this module's
:data:`JSON_SCHEMA_VERSION`: bumped when a key changes meaning or disappears; new keys do not bump
it) and ``tool_version``. Each document has a JSON Schema (draft 2020-12) shipped with the package in
``tmigr_trace/schemas/<name>.schema.json``; the tests validate real outputs against them.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

JSON_SCHEMA_VERSION = 1
SCHEMAS = ("info", "replay", "replay-record", "which-bug", "diff", "report")


def envelope(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with the contract keys first."""
    from . import __version__

    if name not in SCHEMAS:
        raise ValueError(name)
    return {"schema": f"tmigr-trace/{name}", "schema_version": JSON_SCHEMA_VERSION,
            "tool_version": __version__, **payload}


def plain(value: Any) -> Any:
    """A value json cannot write as is: numpy scalars and arrays as numbers and lists, the rest
    (paths, ...) as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def dumps(name: str, payload: dict[str, Any], indent: int | None = None, sort: bool = True) -> str:
    """One JSON document (on one line unless `indent`; the payload's keys sorted unless not `sort`)."""
    body = dict(sorted(payload.items())) if sort else payload
    return json.dumps(envelope(name, body), indent=indent, default=plain)


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one output, from the installed package data."""
    return json.loads(resources.files("tmigr_trace").joinpath("schemas", f"{name}.schema.json").read_text())
