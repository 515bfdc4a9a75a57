"""The contract of the machine-readable outputs (``--json``, ``--jsonl``).

Every JSON document the CLI prints carries ``schema`` (which document: ``tmigr-trace/info``,
``tmigr-trace/replay``, ``tmigr-trace/replay-record``), ``schema_version`` (this module's
:data:`JSON_SCHEMA_VERSION`: bumped when a key changes meaning or disappears; new keys do not bump
it) and ``tool_version``. Each document has a JSON Schema (draft 2020-12) shipped with the package in
``tmigr_trace/schemas/<name>.schema.json``; the tests validate real outputs against them.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

JSON_SCHEMA_VERSION = 1
SCHEMAS = ("info", "replay", "replay-record")


def envelope(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with the contract keys first."""
    from . import __version__

    if name not in SCHEMAS:
        raise ValueError(name)
    return {"schema": f"tmigr-trace/{name}", "schema_version": JSON_SCHEMA_VERSION,
            "tool_version": __version__, **payload}


def dumps(name: str, payload: dict[str, Any]) -> str:
    """One JSON document on one line (keys of the payload sorted)."""
    return json.dumps(envelope(name, dict(sorted(payload.items()))))


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one output, from the installed package data."""
    return json.loads(resources.files("tmigr_trace").joinpath("schemas", f"{name}.schema.json").read_text())
