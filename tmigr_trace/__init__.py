"""tmigr-trace: capture, store and replay the Linux timer migration hierarchy's tracepoints."""

__version__ = "0.1.0"

from .trace import Trace, load  # noqa: E402

__all__ = ["Trace", "load", "replay", "__version__"]


def __getattr__(name: str):
    # Lazy: `tmigr_trace.replay(trace, model=...)` imports the replay engine and model on first use.
    # The replay subpackage is itself callable (see replay/__init__.py).
    if name == "replay":
        import importlib

        return importlib.import_module(".replay", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
