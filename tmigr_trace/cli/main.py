"""Entry point: builds the typer app from the subcommand modules and turns errors into one line."""

from __future__ import annotations

import os
import signal
import sys


def _startup_signal(signum, frame) -> None:
    """A signal while the CLI is still importing: nothing exists yet to clean; one line, then exit."""
    os.write(2, f"tmigr-trace: error: interrupted while starting ({signal.Signals(signum).name})\n".encode())
    os._exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _startup_signal)

import typer  # noqa: E402

from ..errors import TmigrError  # noqa: E402
from .common import fail  # noqa: E402

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
    from . import cmd_capture, cmd_doctor, cmd_export, cmd_import, cmd_info, cmd_lab, cmd_replay

    for mod in (cmd_capture, cmd_import, cmd_info, cmd_replay, cmd_export, cmd_lab, cmd_doctor):
        mod.register(app)


_register()


def main() -> None:
    from .. import cleanup

    cleanup.install_signal_handlers()
    try:
        if sys.argv[1:2] != ["doctor"]:  # doctor reports leftovers (and removes them with --clean)
            cleanup.clean_stale()
            cleanup.clean_stale_instances()
        app(standalone_mode=True)
    except TmigrError as exc:
        fail(str(exc), exc.exit_code)
    except cleanup.Interrupted as exc:
        fail(f"interrupted ({exc})", 128 + exc.signum)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # a bug: one line, the traceback in a file to attach to a report
        cause = _interrupt_in_chain(exc)
        if cause is not None:  # a signal raised inside code that wraps exceptions (class creation)
            fail(f"interrupted ({cause})", 128 + cause.signum)
        fail(f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''} "
             f"(traceback in {_save_traceback()}; please report it)", 70)
    finally:
        cleanup.remove_own()


def _interrupt_in_chain(exc: BaseException):
    from ..cleanup import Interrupted

    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 20:
        if isinstance(e, Interrupted):
            return e
        e = e.__cause__ or e.__context__
        seen += 1
    return None


def _save_traceback() -> str:
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="tmigr-trace-crash-", suffix=".txt")
    with open(fd, "w") as f:
        f.write(traceback.format_exc())
    return path
