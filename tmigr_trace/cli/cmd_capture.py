"""`tmigr-trace capture -d 10s -o OUT.parquet [-- WORKLOAD...]`: record this machine's tmigr events."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import exit_codes, parse_duration


def capture_cmd(
    out: Path = typer.Option(..., "-o", "--output", help="Parquet file to write"),
    duration: Optional[str] = typer.Option(None, "-d", "--duration", help="how long: 10s, 500ms, 2m (default: until the workload exits or Ctrl-C)"),
    buffer_kb: int = typer.Option(4096, "--buffer-kb", help="per-CPU ring buffer size of the capture's own instance, in KB"),
    cpus: Optional[str] = typer.Option(None, "-c", "--cpus", help="record only these CPUs, e.g. 0,2-3"),
    with_context: bool = typer.Option(False, "--with-context", help="also record power:cpu_idle, timer:timer_expire_entry, timer:timer_start, ..."),
    text: bool = typer.Option(False, "--text", help="read the text trace_pipe instead of the binary pages (fallback)"),
    backend: str = typer.Option("ftrace", "--backend", help="ftrace (tracefs instance, default) or bcc (BPF programs, docs/bcc.md)"),
    bcc_buffer: str = typer.Option("auto", "--bcc-buffer", help="bcc: ringbuf (one BPF ring buffer), perf (per-CPU perf buffers) or auto"),
    group_state: bool = typer.Option(False, "--group-state", help="bcc: also read each group's state word (active, migrator, seq) through BTF, docs/bcc.md"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite OUT if it exists"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="no live status line, no summary"),
    workload: Optional[List[str]] = typer.Argument(None, help="command to run during the capture (after --)"),
) -> None:
    """Capture the timer_migration tracepoints of this machine into a Parquet file.

    Uses its own tracefs instance (instances/tmigr-trace-<pid>) with trace_clock=mono and pointer
    hashing off, reads every CPU's binary ring-buffer pages, and streams them to OUT. Stops on the
    duration, when the workload exits, or on Ctrl-C/SIGTERM; the instance is always removed.
    """
    from ..collectors.live import capture, parse_cpu_list
    from ..errors import TmigrError
    from . import progress
    from .common import diag, err_console

    secs = parse_duration(duration) if duration else None
    if secs is None and not workload:
        raise TmigrError("give a duration (-d 10s) or a workload after --, or both")
    cpu_list = parse_cpu_list(cpus) if cpus else None
    if buffer_kb < 4:
        raise TmigrError("--buffer-kb must be at least 4")
    if backend not in ("ftrace", "bcc"):
        raise TmigrError(f"--backend {backend!r}: use ftrace or bcc")
    if backend == "ftrace" and bcc_buffer != "auto":
        raise TmigrError("--bcc-buffer is for --backend bcc")
    if backend == "ftrace" and group_state:
        raise TmigrError("--group-state is for --backend bcc (no tracepoint prints the state word's seq)")
    if backend == "bcc":
        from functools import partial

        from ..collectors.bcc_capture import capture_bcc

        capture = partial(capture_bcc, buffer=bcc_buffer, group_state=group_state)

    if not progress.enabled(quiet):
        res = capture(out, duration=secs, buffer_kb=buffer_kb, cpus=cpu_list, with_context=with_context,
                      workload=workload or None, force=force, text=text)
    else:
        with err_console.status("starting capture ...") as st:
            def show(s: dict) -> None:
                if s.get("phase") == "compiling BPF":
                    st.update("compiling and loading the BPF programs (BCC) ...")
                    return
                st.update(f"capturing  {s['elapsed']:6.1f}s  {s['events']:>10,} events  "
                          f"{s['rate']:>9,.0f}/s  lost {s['lost']:,}  (Ctrl-C stops)")
            res = capture(out, duration=secs, buffer_kb=buffer_kb, cpus=cpu_list, with_context=with_context,
                          workload=workload or None, text=text, force=force, status=show)
    if not quiet:
        c = res.meta.extra.get("capture", {})
        diag(f"{res.path}: {res.events} events in {res.seconds:.1f}s "
             f"({c.get('backend')}, clock {res.meta.clock}, pointers {res.meta.pointer_mode}, "
             f"lost {res.lost}; stopped: {c.get('stop')})")


def register(app: typer.Typer) -> None:
    app.command("capture", context_settings={"allow_interspersed_args": False},
                short_help="Capture this machine's tmigr tracepoints into Parquet (root).",
                epilog=exit_codes({0: "captured (also when stopped by Ctrl-C or SIGTERM: the capture is kept)",
                                   2: "cannot capture here (see tmigr-trace doctor) or bad options",
                                   130: "a second Ctrl-C: aborted, nothing written (the tracing state is still restored)"}))(capture_cmd)
