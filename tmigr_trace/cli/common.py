"""Helpers shared by the subcommands: duration parsing and error reporting."""

from __future__ import annotations

import re
import sys

from rich.console import Console

from ..errors import TmigrError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT = {"ms": 1e-3, "s": 1.0, None: 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """rtla-style duration: 10, 10s, 500ms, 2m, 1h -> seconds."""
    m = _DURATION.match(text)
    if not m:
        raise TmigrError(f"bad duration {text!r} (examples: 10s, 500ms, 2m)")
    return float(m.group(1)) * _UNIT[m.group(2)]


def fail(message: str, code: int = 2) -> None:
    """Print one line on stderr and exit."""
    err_console.print(f"tmigr-trace: error: {message}", markup=False)
    sys.exit(code)
