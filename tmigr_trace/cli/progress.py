"""Progress of the long commands (import, replay, export, lab run) on stderr, when it is a terminal.

A rich progress bar with bytes or events, rate and ETA when the total is known; nothing at all when
stderr is piped or ``-q`` is given (CI logs stay clean). The commands report through plain
callbacks (``advance(n)``, ``phase(name)``): the importers, the replay and the lab know nothing of
rich.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable, Iterator

from .common import VERBOSITY, _console, stream_is_terminal


def enabled(quiet: bool = False) -> bool:
    """Progress is shown on a terminal only, and not with -q."""
    return not (quiet or VERBOSITY.quiet) and stream_is_terminal(True)


class Bar:
    """One task of a live progress display (a no-op when progress is off); counts what it is
    told, for ``-v``'s closing line."""

    def __init__(self, progress: Any = None, task: Any = None):
        self._progress, self._task = progress, task
        self.count, self.passes = 0, 0

    def advance(self, n: int) -> None:
        self.count += n
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def update(self, **kw: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._task, **kw)

    def restart(self, description: str, total: float | None) -> None:
        """Start over (a new pass over the same data)."""
        self.passes += 1
        if self._progress is not None:
            self._progress.reset(self._task, total=total, description=description)


@contextlib.contextmanager
def bar(description: str, total: float | None = None, unit: str = "events", quiet: bool = False) -> Iterator[Bar]:
    """A progress bar on stderr: ``unit`` "bytes" (size, transfer speed) or "events" (count, /s).
    With ``-v``, one closing line says how much was read, how fast, in how many passes."""
    t0 = time.monotonic()
    with _bar(description, total, unit, quiet) as b:
        yield b
    if VERBOSITY.verbose and not (quiet or VERBOSITY.quiet):
        secs = max(time.monotonic() - t0, 1e-9)
        passes = f" in {b.passes} passes" if b.passes > 1 else ""
        _console(True).print(f"{description}: {b.count:,} {unit}{passes}, {secs:.2f} s "
                             f"({b.count / secs:,.0f} {unit}/s)", markup=False)


@contextlib.contextmanager
def _bar(description: str, total: float | None, unit: str, quiet: bool) -> Iterator[Bar]:
    if not enabled(quiet):
        yield Bar()
        return
    from rich.progress import (BarColumn, DownloadColumn, Progress, ProgressColumn, TaskProgressColumn,
                               TextColumn, TimeElapsedColumn, TimeRemainingColumn, TransferSpeedColumn)
    from rich.text import Text

    class EventsColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            total = f"/{int(task.total):,}" if task.total is not None else ""
            speed = f"  {task.speed:,.0f}/s" if task.speed else ""
            return Text(f"{int(task.completed):,}{total} {unit}{speed}")

    counted = [DownloadColumn(), TransferSpeedColumn()] if unit == "bytes" else [EventsColumn()]
    cols = [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), *counted,
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*cols, console=_console(True), transient=True) as progress:
        yield Bar(progress, progress.add_task(description, total=total))


@contextlib.contextmanager
def phases(title: str, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """A status line for a command made of phases (the lab: fetch, boot, online, capture,
    shutdown): ``phase(name)`` shows the new phase and how long the previous one took."""
    if not enabled(quiet):
        yield lambda name: None
        return
    t0 = [time.monotonic(), time.monotonic()]
    done: list[str] = []
    current = [""]
    with _console(True).status(title) as status:
        def phase(name: str) -> None:
            now = time.monotonic()
            if current[0]:
                done.append(f"{current[0]} {now - t0[1]:.1f}s")
            current[0], t0[1] = name, now
            status.update(f"{title}: [bold]{name}[/bold]  ({'  '.join(done) or 'starting'})")

        yield phase
    if current[0] and VERBOSITY.verbose:
        done.append(f"{current[0]} {time.monotonic() - t0[1]:.1f}s")
        _console(True).print(f"{title}: {', '.join(done)} (total {time.monotonic() - t0[0]:.1f}s)", markup=False)


def counting_trace(trace: Any, progress: Bar, what: str) -> Any:
    """The same :class:`tmigr_trace.Trace` whose batch reads advance a progress bar: the replay and
    the exporter read the trace in several passes (scan, clock, one replay per admitted era); each
    pass restarts the bar, named by its number."""
    from ..trace import Trace

    total = trace.num_events

    class CountingTrace(Trace):
        def __init__(self) -> None:  # a view of `trace`: same file, metadata and window
            self.__dict__.update({k: v for k, v in trace.__dict__.items()})
            self._passes = 0

        def iter_batches(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            self._passes += 1
            progress.restart(f"{what} (pass {self._passes})", total)
            for batch in super().iter_batches(*args, **kwargs):
                progress.advance(batch.num_rows)
                yield batch

    return CountingTrace()
