"""`tmigr-trace doctor`: what this machine offers for capturing tmigr events, and how to fix the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import typer

from .common import exit_codes


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
    rows += _bcc_checks(root and bool(ev))
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


def _bcc_checks(can_load: bool) -> list[tuple[str, bool | None, str]]:
    """BCC (capture --backend bcc): module, headers, and a real compile+load+attach. Never FAIL:
    the default ftrace path needs none of it ("??" says what is missing and how to get it)."""
    from ..collectors.bcc_headers import headers_found
    from ..collectors.bcc_loader import import_bcc
    from ..errors import TmigrError

    rows: list[tuple[str, bool | None, str]] = []
    try:
        bcc = import_bcc()
        have_bcc = True
        rows.append(("BCC", True, f"python3-bpfcc {getattr(bcc, '__version__', '?')} ({Path(bcc.__file__).parent})"))
    except TmigrError as exc:
        have_bcc = False
        rows.append(("BCC", None, f"{exc} (only capture --backend bcc needs it)"))
    have_hdr, how = headers_found()
    rows.append(("kernel headers", True if have_hdr else None, how if have_hdr else f"{how} (BCC only)"))
    if have_bcc and have_hdr and can_load:
        code = ("from tmigr_trace.collectors.bcc_capture import load_check\n"
                "from tmigr_trace.errors import TmigrError\n"
                "try:\n    print(load_check())\nexcept TmigrError as e:\n    print('ERROR', e)\n")
        try:
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
            out = (r.stdout.strip().splitlines() or [r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "?"])[-1]
            rows.append(("BCC load", not out.startswith("ERROR") and r.returncode == 0, out.removeprefix("ERROR ")))
        except subprocess.TimeoutExpired:
            rows.append(("BCC load", False, "compiling the test program took over 120 s"))
        # a failed load is not a FAIL of the machine: report it as unknown for the default path
        if rows[-1][1] is False:
            rows[-1] = (rows[-1][0], None, rows[-1][2])
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
    from .common import out_console

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
    bcc = bool(d.get("BCC load"))
    why = ("" if bcc else ": " + next((f"{n}: {t}" for n, ok, t in rows if n in ("BCC", "kernel headers", "BCC load")
                                          and not ok), "needs root and the tmigr events"))
    out_console.print(f"  {'yes' if bcc else 'no ':3} capture --backend bcc (BPF programs via BCC){why}", markup=False)
    if not live:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor", short_help="What capturing needs here; which backends and replay core work.",
                epilog=exit_codes({0: "live capture possible here", 1: "live capture not possible (the FAIL lines say why)"}))(doctor_cmd)
