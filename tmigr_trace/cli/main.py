"""Entry point: runs the typer app (cli/app.py) and turns errors into one line.

Startup is kept light (``--help`` < 0.3 s, ``benchmarks/cli_help.py``): the subcommand modules
import only typer at module level; pandas, pyarrow, rich and the replay load when a command runs.
``tmigr-trace import SRC -o OUT`` in its plain forms does not load typer or click at all
(:func:`fast_import_args`: ~40 ms of a command that may take 0.4 s).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def _startup_signal(signum, frame) -> None:
    """A signal while the CLI is still importing: nothing exists yet to clean; one line, then exit."""
    os.write(2, f"tmigr-trace: error: interrupted while starting ({signal.Signals(signum).name})\n".encode())
    os._exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _startup_signal)

from ..errors import TmigrError  # noqa: E402
from .common import fail  # noqa: E402

# One module per subcommand, cmd_<name>.py, each exposing register(app); in workflow order (`--help`).
COMMANDS = ("capture", "import", "info", "replay", "report", "diff", "export", "lab", "doctor")


def __getattr__(name: str):
    # `from tmigr_trace.cli.main import app` keeps working; typer is imported on first use.
    if name in ("app", "version_text", "click_command"):
        from . import app as _app

        return getattr(_app, name)
    raise AttributeError(name)


def fast_import_args(argv: list[str]) -> dict | None:
    """The arguments of ``import SRC -o OUT [--format F] [--kernel R] [-f|--force] [-q|--quiet]``
    (after the word ``import``) in their plain forms, parsed without typer and click; None for
    anything else (help, a value that looks like an option, an empty one, a repeated, combined or
    unknown option, ``--opt=value``, ``--``, a missing SRC or -o): typer parses those, and says
    what is wrong, as before."""
    valued = {"-o": "out", "--output": "out", "--format": "fmt", "--kernel": "kernel"}
    flags = {"-f": "force", "--force": "force", "-q": "quiet", "--quiet": "quiet"}
    args: dict = {"src": None, "out": None, "fmt": None, "kernel": None, "force": False, "quiet": False}
    seen: set[str] = set()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in valued:
            if i + 1 >= len(argv) or not argv[i + 1] or argv[i + 1].startswith("-"):
                return None
            key, value, i = valued[a], argv[i + 1], i + 2
        elif a in flags:
            key, value, i = flags[a], True, i + 1
        elif not a or a.startswith("-") or "src" in seen:
            return None
        else:
            key, value, i = "src", a, i + 1
        if key in seen:
            return None
        seen.add(key)
        args[key] = value
    if "src" not in seen or "out" not in seen:
        return None
    args["src"], args["out"] = Path(args["src"]), Path(args["out"])
    return args


# Subcommands after which the process ends at once (os._exit): an import has closed and renamed its
# file and flushed its output, and the interpreter's teardown (numpy's and pyarrow's ~10^5 objects
# freed one by one, a last garbage collection) would add ~50 ms to a ~0.5 s command for nothing.
FAST_EXIT = frozenset({"import"})


def main() -> None:
    try:
        _main()
    except SystemExit as exc:
        if _invoked_subcommand() in FAST_EXIT:
            _exit_now(exc.code)
        raise


def _exit_now(code) -> None:
    """sys.exit(code)'s status and message, without the interpreter's teardown."""
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code or 0)


def _main() -> None:
    from .. import cleanup

    cleanup.install_signal_handlers()
    try:
        if sys.argv[1:2] != ["doctor"]:  # doctor reports leftovers (and removes them with --clean)
            cleanup.clean_stale()
            cleanup.clean_stale_instances()
        only = _invoked_subcommand()
        fast = fast_import_args(sys.argv[2:]) if only == "import" else None
        if fast is not None:
            from .import_run import run_import

            run_import(**fast)
            sys.exit(0)  # as click's standalone mode ends a command
        from .app import run

        run(only)
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


def _invoked_subcommand() -> str | None:
    """The subcommand named first on the command line (None for completion, options first, --help)."""
    if any(k.endswith("_COMPLETE") for k in os.environ) or len(sys.argv) < 2:
        return None
    name = sys.argv[1]
    return name if name in COMMANDS else None


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
