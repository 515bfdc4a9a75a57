"""Leave nothing behind: outputs appear whole or not at all, whatever stops the process.

Every temporary thing a command makes (the hidden ``.NAME.partial-PID`` beside an output, the
``.NAME.lock`` that keeps a second writer off the same output, a tarball's extraction directory)
is recorded in a small per-process file under the state directory
(``$TMIGR_TRACE_STATE_DIR``, else ``$XDG_CACHE_HOME/tmigr-trace/inflight``). The process removes
them itself on success, on an error and on every catchable signal (:func:`install_signal_handlers`:
the signal becomes an :class:`Interrupted` exception, so ``finally`` blocks run); what a SIGKILL
or a power cut leaves is removed by the next command of any kind (:func:`clean_stale`), once the
recorded process (pid and start time, so a reused pid is not mistaken for it) is gone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
from pathlib import Path
from typing import Iterator

from .errors import TmigrError

STATE_ENV = "TMIGR_TRACE_STATE_DIR"
PARTIAL_RE = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)$")
EXTRACT_PREFIX = "tmigr-import-"
# The signals whose default action ends the process and that a process can catch.
CATCHABLE = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
                                              "SIGALRM", "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGXFSZ")
                  if hasattr(signal, n))


class Interrupted(BaseException):
    """A terminating signal arrived: unwind (``finally`` blocks clean up) and exit 128 + signum.

    Not a KeyboardInterrupt: click turns those into "Aborted!" and exit 1, which for ``replay``
    means "divergences found"."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    """Turn SIGINT, SIGTERM, SIGHUP and the other terminating signals into :class:`Interrupted`."""
    for sig in (signal.SIGINT, *CATCHABLE):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, _raise_interrupted)


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold back the catchable signals (delivered after the block) while cleaning up."""
    sigs = set(CATCHABLE) | {signal.SIGINT}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# -- the per-process record ---------------------------------------------------------------------

def state_dir() -> Path:
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tmigr-trace" / "inflight"


def _start_time(pid: int) -> str | None:
    """The process start time (/proc/PID/stat field 22): tells a reused pid from the original."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, start: str | None) -> bool:
    now = _start_time(pid)
    if now is None:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return start is None
    return start is None or now == start


_OWN: list[str] = []  # paths this process made and has not removed yet


def _record_file() -> Path:
    return state_dir() / f"{os.getpid()}-{_start_time(os.getpid()) or 0}.json"


def _save_record() -> None:
    rec = _record_file()
    try:
        if not _OWN:
            rec.unlink(missing_ok=True)
            return
        rec.parent.mkdir(parents=True, exist_ok=True)
        tmp = rec.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "start": _start_time(os.getpid()), "paths": _OWN}))
        os.replace(tmp, rec)
    except OSError:
        pass  # no state directory (read-only home): the in-process cleanup still runs


def register(path: Path) -> None:
    """Remember a temporary path so that it is removed even if this process is killed."""
    _OWN.append(os.fspath(path))
    _save_record()


def unregister(path: Path) -> None:
    p = os.fspath(path)
    if p in _OWN:
        _OWN.remove(p)
        _save_record()


def make_private_dir(prefix: str) -> Path:
    """A new mode-700 directory in the temporary directory, recorded before it exists (a signal
    between its creation and its record would otherwise leave it behind)."""
    import secrets
    import tempfile

    base = Path(tempfile.gettempdir())
    for _ in range(100):
        d = base / f"{prefix}{os.getpid()}-{secrets.token_hex(4)}"
        register(d)
        try:
            d.mkdir(mode=0o700)
            return d
        except FileExistsError:
            unregister(d)
    raise TmigrError(f"{base}: cannot make a private directory")


def _remove(path: str, own: bool = False) -> bool:
    """Remove one recorded path if it still is one of ours (by its name); True when removed.
    A lock file of another (dead) process is removed only if nobody holds it."""
    p = Path(path)
    name = p.name
    if not (PARTIAL_RE.match(name) or name.startswith(EXTRACT_PREFIX) or name.endswith(".lock")
            or name.startswith("tmigr-divergences-")):
        return False
    try:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        elif name.endswith(".lock") and not own:
            return _remove_stale_lock(p)
        else:
            p.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError:
        return False


def remove_own() -> None:
    """Remove everything this process registered (the last step of every command)."""
    with signals_blocked():
        for path in list(_OWN):
            _remove(path, own=True)
        _OWN.clear()
        _save_record()


def clean_stale() -> list[str]:
    """Remove what killed tmigr-trace processes left behind; returns the paths removed."""
    removed: list[str] = []
    d = state_dir()
    try:
        records = list(d.glob("*.json"))
    except OSError:
        return removed
    for rec in records:
        try:
            data = json.loads(rec.read_text())
            pid, start, paths = int(data["pid"]), data.get("start"), list(data["paths"])
        except (OSError, ValueError, KeyError, TypeError):
            with contextlib.suppress(OSError):
                rec.unlink()
            continue
        if pid == os.getpid() or _alive(pid, start):
            continue
        for p in paths:
            if _remove(str(p)):
                removed.append(str(p))
        with contextlib.suppress(OSError):
            rec.unlink()
    return removed


def clean_stale_partials(out: Path) -> list[Path]:
    """Remove ``.OUT.partial-PID`` files beside ``out`` whose process is gone."""
    removed = []
    try:
        siblings = list(out.parent.glob(f".{glob_escape(out.name)}.partial-*"))
    except OSError:
        return removed
    for p in siblings:
        m = PARTIAL_RE.match(p.name)
        if m and m["name"] == out.name and not _alive(int(m["pid"]), None):
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def partial_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial-{os.getpid()}")


# -- tracefs instances of killed captures ----------------------------------------------------------

INSTANCE_PREFIX = "tmigr-trace-"
TRACEFS_CANDIDATES = ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")


def stale_instances(tracefs: Path | None = None) -> list[Path]:
    """``instances/tmigr-trace-<pid>`` whose capture process is gone (a SIGKILLed capture)."""
    roots = [tracefs] if tracefs is not None else [Path(d) for d in TRACEFS_CANDIDATES]
    found = []
    for root in roots:
        try:
            entries = sorted((root / "instances").glob(f"{INSTANCE_PREFIX}*"))
        except OSError:
            continue
        for inst in entries:
            m = re.fullmatch(rf"{INSTANCE_PREFIX}(\d+)", inst.name)
            if m and not _alive(int(m.group(1)), None):
                found.append(inst)
        if entries or tracefs is not None:
            break
    return found


def remove_instance(inst: Path) -> bool:
    """Stop and remove one tracefs instance (its buffers go with it)."""
    with contextlib.suppress(OSError):
        (inst / "tracing_on").write_text("0")
    try:
        os.rmdir(inst)
        return True
    except OSError:
        return False


def clean_stale_instances(tracefs: Path | None = None) -> list[str]:
    """Remove the instances of killed captures (root only; nothing else is touched)."""
    if os.geteuid() != 0:
        return []
    return [i.name for i in stale_instances(tracefs) if remove_instance(i)]


# -- one writer per output ----------------------------------------------------------------------

class OutputLock:
    """``flock`` on ``.NAME.lock`` beside the output: a second tmigr-trace writing the same output
    is refused at once. The kernel drops the lock when its holder dies; the file is removed by its
    holder, or by the next run once nobody holds it."""

    def __init__(self, out: Path):
        self.path = out.with_name(f".{out.name}.lock")
        self.fd: int | None = None
        register(self.path)  # before it exists: a signal at any point leaves it recorded
        try:
            self._acquire(out)
        except BaseException:
            unregister(self.path)
            raise

    def _acquire(self, out: Path) -> None:
        for _ in range(5):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise output_error(out, exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise TmigrError(f"{out}: another tmigr-trace (pid {holder}) is writing this output") from None
                raise
            # the file may have been removed by its previous holder between our open and flock
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                return
            os.close(fd)
        raise TmigrError(f"{out}: cannot lock the output (its lock file keeps changing)")

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self.fd)
        self.fd = None
        unregister(self.path)


def _remove_stale_lock(path: Path) -> bool:
    """Remove a lock file nobody holds (its holder was killed)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    try:
        if os.fstat(fd).st_ino == os.stat(path).st_ino:
            path.unlink()
            return True
    except OSError:
        pass
    finally:
        os.close(fd)
    return False


def output_error(out: Path, exc: BaseException) -> TmigrError:
    """One line for an output that cannot be written (read-only place, disk full, ...)."""
    text = str(exc).strip()
    reason = getattr(exc, "strerror", None) or (text.splitlines()[-1] if text else type(exc).__name__)
    return TmigrError(f"{out}: cannot write the output ({reason})")


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A locked, registered temporary path for ``out``; renamed into place when the block ends
    without error, removed otherwise. Write errors become one line."""
    clean_stale_partials(out)
    lock = OutputLock(out)
    tmp = partial_path(out)
    register(tmp)
    try:
        try:
            yield tmp
            os.replace(tmp, out)
        except OSError as exc:
            raise output_error(out, exc) from None
    finally:
        with signals_blocked():
            with contextlib.suppress(OSError):
                tmp.unlink()
            unregister(tmp)
            lock.release()
