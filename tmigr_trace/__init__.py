"""tmigr-trace: capture, store and replay the Linux timer migration hierarchy's tracepoints."""

__version__ = "0.1.0"

from .trace import Trace, load  # noqa: E402

__all__ = ["Trace", "load", "__version__"]
