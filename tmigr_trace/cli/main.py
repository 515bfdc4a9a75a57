"""Entry point: builds the typer app from the subcommand modules and turns errors into one line.

Startup is kept light (``--help`` < 0.3 s, ``benchmarks/cli_help.py``): the subcommand modules
import only typer at module level; pandas, pyarrow, rich and the replay load when a command runs.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..errors import TmigrError
from .common import VERBOSITY, fail

app = typer.Typer(
    name="tmigr-trace",
    help="Capture, store and replay the Linux timer migration hierarchy (tmigr) tracepoints.",
    no_args_is_help=True,
    add_completion=True,           # --install-completion / --show-completion (bash, zsh, fish)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,         # plain click help: no rich import, no box drawing
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_STATUS = """Exit status: 0 success; 2 bad input or usage (one line on stderr); 130 interrupted."""


def version_text() -> str:
    """`--version`: the tool, the event and JSON schema versions, and which replay core runs."""
    from .. import __version__
    from ..replay import native_status
    from ..schema import SCHEMA_VERSION
    from ..jsonout import JSON_SCHEMA_VERSION

    ns = native_status()
    core = "compiled (mypyc)" if ns["compiled"] else f"pure Python ({ns['reason']})"
    return (f"tmigr-trace {__version__}\nevent schema {SCHEMA_VERSION}, JSON output schema "
            f"{JSON_SCHEMA_VERSION}\nreplay core: {core}")


def _version(value: bool) -> None:
    if value:
        print(version_text())
        raise typer.Exit(0)


@app.callback()
def _main(
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no progress, no summaries on stderr (results still on stdout)"),
    verbose: int = typer.Option(0, "-v", "--verbose", count=True, help="timings and phases on stderr"),
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="print the version (tool, schemas, replay core) and exit"),
) -> None:
    """Capture, store and replay the Linux timer migration hierarchy (tmigr) tracepoints.

    Results go to stdout, diagnostics and progress to stderr; piped output is plain text.
    """
    VERBOSITY.quiet, VERBOSITY.verbose = quiet, verbose


def _register() -> None:
    # One module per subcommand; each exposes register(app). Imported here so that `--help`
    # lists them in workflow order.
    from . import cmd_capture, cmd_doctor, cmd_export, cmd_import, cmd_info, cmd_lab, cmd_replay

    for mod in (cmd_capture, cmd_import, cmd_info, cmd_replay, cmd_export, cmd_lab, cmd_doctor):
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
