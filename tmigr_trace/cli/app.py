"""The typer app: the subcommands, their options and --help (tmigr_trace/cli/main.py runs it).

Startup is kept light (``--help`` < 0.3 s, ``benchmarks/cli_help.py``): the subcommand modules
import only typer at module level; pandas, pyarrow, rich and the replay load when a command runs.
"""

from __future__ import annotations

import typer

from .common import VERBOSITY

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


from .main import COMMANDS  # one module per subcommand, cmd_<name>.py, each with register(app)
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


def run(only: str | None) -> None:
    """Parse the command line with click and run the command (``only``: the subcommand named
    first, the only one built; None: all of them, for --help and completion)."""
    _register(only)
    click_command(only)(standalone_mode=True)
