"""Entry point: builds the typer app from the subcommand modules and turns errors into one line.

Startup is kept light (``--help`` < 0.3 s, ``benchmarks/cli_help.py``): the subcommand modules
import only typer at module level; pandas, pyarrow, rich and the replay load when a command runs.
"""

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
from .common import VERBOSITY, fail  # noqa: E402

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
    # Plain bool flags: typer coerces other types through pydantic, 0.15 s more for every command.
    verbose: bool = typer.Option(False, "-v", "--verbose", help="timings and phases on stderr"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                           help="print the version (tool, schemas, replay core) and exit"),
) -> None:
    """Capture, store and replay the Linux timer migration hierarchy (tmigr) tracepoints.

    Results go to stdout, diagnostics and progress to stderr; piped output is plain text.
    """
    VERBOSITY.quiet, VERBOSITY.verbose = quiet, int(verbose)


# One module per subcommand, cmd_<name>.py, each exposing register(app); in workflow order (`--help`).
COMMANDS = ("capture", "import", "info", "replay", "report", "diff", "export", "lab", "doctor")
_registered: set[str] = set()


def _register(only: str | None = None) -> None:
    """Import and register the subcommand modules: all of them, or only the one being run
    (``import`` of a trace.dat then loads none of the other eight: ~15 ms of start-up)."""
    import importlib

    for name in COMMANDS if only is None else (only,):
        if name not in _registered:
            _registered.add(name)
            importlib.import_module(f".cmd_{name}", __package__).register(app)
    if only is None:  # --help lists them in workflow order, whatever was registered first
        order = {n: i for i, n in enumerate(COMMANDS)}
        app.registered_commands.sort(key=lambda c: order.get(c.name, len(order)))
        app.registered_groups.sort(key=lambda g: order.get(g.name, len(order)))


def click_command(only: str | None = None):
    """The click command typer builds, with its flags defaulting to False instead of None: typer
    coerces a value that is not a bool (None) through pydantic, which costs 0.15 s of start-up on
    every command (benchmarks/cli_help.py). ``only``: build just that subcommand (the one being
    run: building all of them costs 30-110 ms, benchmarks/import_tracedat.py)."""
    from types import SimpleNamespace

    from .fast_params import use_plain_coercion

    names = SimpleNamespace(help_option_names=app.info.context_settings["help_option_names"])
    commands, groups = app.registered_commands, app.registered_groups
    if only is not None:
        app.registered_commands = [c for c in commands if c.name == only]
        app.registered_groups = [g for g in groups if g.name == only]
    try:
        root = typer.main.get_command(app)
    finally:
        app.registered_commands, app.registered_groups = commands, groups
    todo = [root]
    while todo:
        cmd = todo.pop()
        flags = [*cmd.params, cmd.get_help_option(names)]
        for param in flags:
            if param is not None and getattr(param, "is_flag", False) and param.default is None:
                param.default = False
            if param is not None:
                use_plain_coercion(param)  # str/Path options without pydantic (cli/fast_params.py)
        todo.extend(getattr(cmd, "commands", {}).values())
    return root


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
        _register(only)
        click_command(only)(standalone_mode=True)
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
