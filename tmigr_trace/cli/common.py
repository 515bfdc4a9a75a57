"""Helpers shared by the subcommands: output streams, tables, progress, durations, errors.

Conventions (README, Command line): results go to stdout, diagnostics (summaries of a file
written, progress, notes about the run) to stderr. On a terminal tables are drawn by rich; when
stdout is not a terminal (a pipe, CI logs, mail) they are plain aligned text with no box drawing
and no wrapped cells. Progress bars appear only when stderr is a terminal and ``-q`` is not given.
rich is imported on first use, so that ``--help`` stays fast.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..errors import TmigrError

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class Verbosity:
    """The global -q/-v (the subcommands' own -q adds to it)."""

    quiet: bool = False
    verbose: int = 0


VERBOSITY = Verbosity()


@lru_cache(maxsize=None)
def _console(stderr: bool) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def __getattr__(name: str) -> Any:
    # `from .common import out_console` keeps working; the console (and rich) is built on first use.
    if name == "out_console":
        return _console(False)
    if name == "err_console":
        return _console(True)
    raise AttributeError(name)


def out(text: str = "") -> None:
    """A result line on stdout (never markup)."""
    _console(False).print(text, markup=False)


def stream_is_terminal(stderr: bool) -> bool:
    """rich's ``Console.is_terminal``, without importing rich (60-100 ms) when the stream is
    plainly not a terminal (no isatty, none of the variables that make rich pretend it is one)."""
    stream = sys.stderr if stderr else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if not (isatty is not None and isatty()) and not any(
            os.environ.get(v) for v in ("FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE")):
        return False
    return _console(stderr).is_terminal


def diag(text: str) -> None:
    """A diagnostic line on stderr (never markup), unless -q; plain when stderr is no terminal."""
    if VERBOSITY.quiet:
        return
    if stream_is_terminal(True):
        _console(True).print(text, markup=False)
    else:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def stdout_is_terminal() -> bool:
    return _console(False).is_terminal


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                right: Sequence[str] = (), caption: str | None = None, bold_rows: Sequence[int] = ()) -> None:
    """A table on stdout: rich on a terminal, plain aligned columns otherwise.

    ``right``: columns aligned right (numbers); ``bold_rows``: row numbers highlighted on a terminal.
    """
    rows = [[("" if v is None else str(v)) for v in r] for r in rows]
    if stdout_is_terminal():
        from rich.table import Table

        t = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
        for c in columns:
            t.add_column(c, justify="right" if c in right else "left", overflow="fold")
        for n, r in enumerate(rows):
            t.add_row(*r, style="bold" if n in bold_rows else None)
        _console(False).print(t)
        return
    sys.stdout.write(plain_table(title, columns, rows, right, caption))
    sys.stdout.flush()


def plain_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]],
                right: Sequence[str] = (), caption: str | None = None) -> str:
    """Columns padded to their widest cell, two spaces apart, no wrapping (for pipes and logs)."""
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if col in right else c.ljust(w)
                         for c, w, col in zip(cells, widths, columns)).rstrip()

    out_lines = ([title] if title else []) + [line(columns)] + [line(r) for r in rows]
    if caption:
        out_lines.append(caption)
    return "\n".join(out_lines) + "\n"


def rich_table_rows(table: Any) -> tuple[list[str], list[list[str]]]:
    """Headers and cells of a rich Table (to print it plain)."""
    cols = [str(c.header) for c in table.columns]
    cells = [[str(x) for x in c.cells] for c in table.columns]
    return cols, [list(r) for r in zip(*cells)]


def print_rich_table(table: Any) -> None:
    """Print a rich Table built elsewhere (replay/report.py): as is on a terminal, plain when piped."""
    if stdout_is_terminal():
        _console(False).print(table)
        return
    cols, rows = rich_table_rows(table)
    right = [str(c.header) for c in table.columns if c.justify == "right"]
    sys.stdout.write(plain_table(str(table.title) if table.title else None, cols, rows, right,
                                 str(table.caption) if table.caption else None))
    sys.stdout.flush()


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
    sys.stderr.write(f"tmigr-trace: error: {message}\n")
    sys.exit(code)


def exit_codes(codes: dict[int, str]) -> str:
    """The 'Exit status' epilog of a subcommand's --help (the README lists the same)."""
    rows = {**codes, 2: codes.get(2, "bad input or usage: one line on stderr"),
            130: codes.get(130, "interrupted (Ctrl-C)")}
    return "\b\nExit status:\n" + "\n".join(f"  {k:<4} {v}" for k, v in sorted(rows.items()))


def complete_faults(incomplete: str) -> list[str]:
    """Shell completion of --fault: the model's historical bugs (imported only when completing)."""
    from ..replay.model import FAULTS

    return [f for f in FAULTS if f.startswith(incomplete)]


def complete_models(incomplete: str) -> list[str]:
    """Shell completion of --model: the model's profiles."""
    from ..replay.model.profiles import PROFILES

    return [p for p in PROFILES if p.startswith(incomplete)]
