"""tmigr-trace: capture, store and replay the Linux timer migration hierarchy's tracepoints."""

__version__ = "0.1.0"

__all__ = ["Trace", "load", "replay", "__version__"]


def __getattr__(name: str):
    # Lazy, so that the CLI starts fast (pandas and pyarrow load on first use):
    # `tmigr_trace.load` / `Trace` import the reader; `tmigr_trace.replay(trace, model=...)` the
    # replay engine and model (the replay subpackage is itself callable, see replay/__init__.py).
    import importlib

    if name in ("Trace", "load"):
        return getattr(importlib.import_module(".trace", __name__), name)
    if name == "replay":
        return importlib.import_module(".replay", __name__)
    if name in ("Trace", "load"):
        # Lazy too, so that `import tmigr_trace` (the CLI's first step) is quick and a Ctrl-C
        # during the start-up of `tmigr-trace` finds the CLI's handlers already in place.
        return getattr(importlib.import_module(".trace", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
