"""Entry point: builds the typer app from the subcommand modules and turns errors into one line."""

from __future__ import annotations

import sys

import typer

from ..errors import TmigrError
from .common import fail

app = typer.Typer(
    name="tmigr-trace",
    help="Capture, store and replay the Linux timer migration hierarchy (tmigr) tracepoints.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _register() -> None:
    # One module per subcommand; each exposes register(app). Imported here so that `--help`
    # lists them in workflow order.
    from . import cmd_capture, cmd_diff, cmd_doctor, cmd_export, cmd_import, cmd_info, cmd_lab, cmd_replay, cmd_report

    for mod in (cmd_capture, cmd_import, cmd_info, cmd_replay, cmd_report, cmd_diff, cmd_export, cmd_lab, cmd_doctor):
        mod.register(app)


_register()


def main() -> None:
    try:
        app(standalone_mode=True)
    except TmigrError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
