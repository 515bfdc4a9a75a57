"""`tmigr-trace doctor`: what this machine offers for capturing tmigr events, and how to fix the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import typer

from .common import out_console


def _checks() -> list[tuple[str, bool | None, str]]:
    from ..collectors.live import find_tracefs

    rows: list[tuple[str, bool | None, str]] = []
    root = os.geteuid() == 0
    rows.append(("root", root, "yes" if root else "no: run capture with sudo"))
    t = find_tracefs()
    rows.append(("tracefs", t is not None, str(t) if t else "not mounted: mount -t tracefs nodev /sys/kernel/tracing"))
    ev = sorted(p.name for p in (t / "events/timer_migration").glob("tmigr_*")) if t and root else []
    if t and not root:
        rows.append(("tmigr events", None, "unknown (tracefs needs root)"))
    else:
        rows.append(("tmigr events", bool(ev), f"{len(ev)}: {' '.join(e.removeprefix('tmigr_') for e in ev)}" if ev
                     else "none: kernel needs v6.9+ with SMP and NO_HZ_COMMON"))
    if t and root:
        inst = (t / "instances").is_dir()
        rows.append(("instances", inst, "yes (private buffer)" if inst else "no: kernel too old"))
        top = (t / "options/hash-ptr").exists()
        rows.append(("pointer hashing", True if top else None,
                     f"options/hash-ptr={(t / 'options/hash-ptr').read_text().strip()} (capture turns it off in its instance)"
                     if top else "no hash-ptr option: text shows hashed pointers; binary capture is raw anyway"))
        rows.append(("trace_clock mono", "mono" in (t / "trace_clock").read_text(), (t / "trace_clock").read_text().strip()))
    rel = os.uname().release
    hdr = Path(f"/lib/modules/{rel}/build/include/linux/kconfig.h").exists() or Path("/sys/kernel/kheaders.tar.xz").exists()
    rows.append(("kernel headers", hdr, "present" if hdr else f"absent: apt install linux-headers-{rel} (BCC only)"))
    try:
        r = subprocess.run(["python3", "-c", "import bcc"], capture_output=True, timeout=20, env={**os.environ, "PYTHONPATH": "/usr/lib/python3/dist-packages"})
        bcc = r.returncode == 0
    except (OSError, subprocess.SubprocessError):
        bcc = False
    rows.append(("BCC", bcc, "python3-bpfcc importable" if bcc else "absent: apt install python3-bpfcc (not PyPI 'bcc', an unrelated package)"))
    tc = shutil.which("trace-cmd")
    from ..collectors import ringbuffer

    rows.append(("binary decoder", True, "C page walk (collectors/_ringbuffer.c)" if ringbuffer.AVAILABLE
                 else "pure Python reference (about 8x slower): pip install -e . with a C compiler"))
    from ..replay import native_status
    from ..replay._native import PURE_ENV, rebuild_hint

    ns = native_status()
    if ns["compiled"]:
        rows.append(("replay core", True, f"compiled (mypyc): {ns['reason']}"))
    elif ns["reason"] == f"{PURE_ENV}=1":
        rows.append(("replay core", True, f"pure Python ({ns['reason']})"))
    else:
        rows.append(("replay core", None, f"pure Python (slower): {ns['reason']}; rebuild: {rebuild_hint()}"))
    rows.append(("trace-cmd", bool(tc), tc or "absent: apt install trace-cmd (optional; extract -B works for instances)"))
    return rows


def _leftovers(clean: bool) -> list[tuple[str, bool | None, str]]:
    """tracefs instances and temporary files of tmigr-trace processes that were killed."""
    from .. import cleanup

    if os.geteuid() != 0:
        return []
    stale = cleanup.stale_instances()
    rows: list[tuple[str, bool | None, str]] = []
    if not stale:
        rows.append(("leftover instances", True, "none"))
    for inst in stale:
        if clean:
            done = cleanup.remove_instance(inst)
            rows.append(("leftover instance", done, f"{inst}: {'removed' if done else 'could not remove it'}"))
        else:
            rows.append(("leftover instance", False, f"{inst}: left by a killed capture (its pid is gone) "
                         f"(tmigr-trace doctor --clean removes it)"))
    if clean:
        for path in cleanup.clean_stale():
            rows.append(("leftover file", True, f"{path}: removed"))
    return rows


def doctor_cmd(
    clean: bool = typer.Option(False, "--clean", help="remove the tracefs instances and temporary files of killed tmigr-trace runs"),
) -> None:
    """Report what capturing needs (root, tracefs, tmigr events, pointer hashing, BCC, headers), which backends work and whether the replay core is compiled."""
    rows = _checks() + _leftovers(clean)
    for name, ok, detail in rows:
        mark = "ok  " if ok else ("??  " if ok is None else "FAIL")
        out_console.print(f"{mark} {name:18} {detail}", markup=False)
    d = {n: ok for n, ok, _ in rows if not n.startswith("leftover")}
    live = bool(d.get("root") and d.get("tracefs") and d.get("tmigr events") and d.get("instances"))
    out_console.print("", markup=False)
    out_console.print("backends:", markup=False)
    out_console.print(f"  {'yes' if live else 'no ':3} capture (binary trace_pipe_raw, default)", markup=False)
    out_console.print(f"  {'yes' if live else 'no ':3} capture --text (trace_pipe)", markup=False)
    out_console.print(f"  {'yes' if live else 'no ':3} collectors/tmigr-capture.sh (busybox, tarball -> tmigr-trace import)", markup=False)
    bcc = bool(d.get("BCC") and d.get("kernel headers") and live)
    out_console.print(f"  {'yes' if bcc else 'no ':3} BCC (not used by capture; needs python3-bpfcc and headers)", markup=False)
    if not live:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_cmd)
