"""`tmigr-trace lab kernels|run|scenarios`: real Debian and Ubuntu kernels under QEMU with any topology."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from ..errors import TmigrError
from .common import exit_codes, parse_duration

lab_app = typer.Typer(help="Boot real Debian and Ubuntu kernels under QEMU with an emulated NUMA/SMT topology and capture tmigr traces.",
                      short_help="Debian/Ubuntu kernels under QEMU, any NUMA/SMT topology: capture.",
                      no_args_is_help=True)

_CACHE_HELP = "lab cache directory (default $TMIGR_LAB_CACHE or ~/.cache/tmigr-trace/lab)"


@lab_app.command("kernels", epilog=exit_codes({0: "listed"}))
def kernels_cmd(
    cache: Optional[str] = typer.Option(None, "--cache", help=_CACHE_HELP),
    refresh: bool = typer.Option(False, "--refresh", help="re-download the package lists"),
    series: Optional[str] = typer.Option(None, "--series", help="only this series (6.1 is 6.1.x, not 6.12), or a point release (6.12.43; Ubuntu: 7.0.0-44)"),
    distro: str = typer.Option("debian", "--distro", help="debian (default), ubuntu (generic kernels, CONFIG_HZ=1000) or all"),
) -> None:
    """List the Debian amd64 (or Ubuntu generic) kernels the lab can fetch, which are cached, and their tmigr tracepoints."""
    from ..collectors.lab import kernels
    from .common import diag, out

    if distro not in ("debian", "ubuntu", "all"):
        raise TmigrError(f"--distro {distro!r}: debian, ubuntu or all")
    c = kernels.cache_dir(cache)
    apts = [apt_class(c) for name, apt_class in (("debian", kernels.PrivateApt), ("ubuntu", kernels.UbuntuApt))
            if distro in (name, "all")]
    entries = []
    for apt in apts:
        if refresh:
            apt.update(force=True)
        entries += apt.kernels()
    cached = {k.release: k for k in kernels.cached_kernels(c)}
    out(f"{'release':<28} {'package version':<22} {'suite':<19} {'cached':<7} tmigr tracepoints")
    shown = 0
    for e in entries:
        if series and not in_series(e.point, series):
            continue
        shown += 1
        hit = cached.get(e.release)
        mark = "yes" if hit is not None and hit.version == e.version else "-"
        out(f"{e.release:<28} {e.version:<22} {e.suite:<19} {mark:<7} {kernels.tracepoint_summary(e.release, c)}")
    suites = [*(kernels.SUITES if distro != "ubuntu" else ()), *(kernels.UBUNTU_SUITES if distro != "debian" else ())]
    diag(f"{shown} of {len(entries)} kernels in {', '.join(suites)}; cache {c}")
    if series and kernels.version_tuple(series) < (6, 9):
        diag(f"note: {series} has no tmigr tracepoints (they arrived in v6.9)")


def in_series(upstream: str, series: str) -> bool:
    """'6.1' matches 6.1 and 6.1.x, not 6.12: compared component by component (Ubuntu: '7.0.0-44'
    matches 7.0.0-44 only, '7.0' every 7.0.0-N)."""
    want = series.strip().split(".")
    return upstream.split(".")[:len(want)] == want


def check_tmigr_kernel(spec: str) -> None:
    """A kernel before 6.9 has no timer_migration tracepoints: say so before fetching and booting it."""
    from ..collectors.lab.kernels import version_tuple

    ubuntu = spec.strip().lower().startswith("ubuntu:") or spec.strip().endswith("-generic")
    spec = re.sub(r"^ubuntu:", "", spec.strip(), flags=re.I).removeprefix("linux-image-unsigned-").removeprefix("linux-image-")
    if re.match(r"\d+\.\d+", spec) and version_tuple(spec) < (6, 9):
        name = f"ubuntu:{spec}" if ubuntu and not spec.endswith("-generic") else spec
        use = "ubuntu:6.11 or later" if ubuntu else "6.12 or later"
        raise TmigrError(f"--kernel {name}: no tmigr tracepoints before 6.9 (kernel/time/timer_migration.c "
                         f"and its timer_migration events arrived in v6.9); use {use}")


@lab_app.command("scenarios", epilog=exit_codes({0: "listed"}))
def scenarios_cmd() -> None:
    """List the guest scenarios with their whole description."""
    import shutil
    import textwrap

    from ..collectors.lab import initramfs
    from .common import out, stdout_is_terminal

    docs = initramfs.scenarios()
    width = max(map(len, docs)) + 2
    for name, doc in docs.items():
        if stdout_is_terminal():   # wrapped under a hanging indent; piped: one line each
            cols = max(60, shutil.get_terminal_size().columns)
            out(textwrap.fill(doc, cols, initial_indent=f"{name:<{width}}", subsequent_indent=" " * width))
        else:
            out(f"{name:<{width}}{doc}")


@lab_app.command("run", epilog=exit_codes({0: "captured and written", 2: "bad options, a kernel without tmigr tracepoints (before 6.9), or the guest failed (one line: oops, panic, timeout, console tail)"}))
def run_cmd(
    out: Optional[Path] = typer.Option(None, "-o", "--output", help="Parquet file to write"),
    tar: Optional[Path] = typer.Option(None, "--tar", help="also save the capture tarball (.tar, .tar.gz, .tar.xz)"),
    kernel: str = typer.Option("7.3", "--kernel", help="Debian kernel: series (7.3), point release (6.12.43) or release (7.3.4+deb13-amd64); Ubuntu generic kernel (CONFIG_HZ=1000): ubuntu:7.0 (newest 7.0.0-N), ubuntu:7.0.0-44 or 7.0.0-44-generic"),
    kernel_image: Optional[Path] = typer.Option(None, "--kernel-image", help="boot this bzImage instead of a Debian or Ubuntu package's kernel"),
    cpus: int = typer.Option(16, "--cpus", help="vCPUs"),
    nodes: int = typer.Option(2, "--nodes", help="NUMA nodes (CPUs split evenly, one socket each)"),
    smt: int = typer.Option(2, "--smt", help="threads per core"),
    maxcpus: Optional[int] = typer.Option(None, "--maxcpus", help="boot with maxcpus=N; the guest onlines the rest after tracing started (setup events)"),
    isolcpus: Optional[str] = typer.Option(None, "--isolcpus", help="kernel isolcpus= value"),
    nohz_full: Optional[str] = typer.Option(None, "--nohz-full", help="kernel nohz_full= value"),
    online_order: Optional[str] = typer.Option(None, "--online-order", help="order of the late onlining (with --maxcpus): ascending (default), nodes (round-robin over the nodes, node 1 first), glob (sysfs glob order: cpu1 cpu10 cpu11 ... cpu2 ...) or a CPU list '16,1-15,17-31'"),
    hotplug_cpus: Optional[str] = typer.Option(None, "--hotplug-cpus", help="CPUs the hotplug scenarios offline and online again (hotplug-one: the first; migrator-hotplug: all)"),
    text_out: Optional[Path] = typer.Option(None, "--text-out", help="text-only run: record in the top-level instance and write only the text of its trace file here (.xz/.gz by name), as a user outside the lab would send it"),
    boot_trace: bool = typer.Option(False, "--boot-trace", help="text-only: trace_event=timer_migration:* and trace_buf_size= (--buffer-kb) on the kernel command line: events from early boot"),
    trace_clock: Optional[str] = typer.Option(None, "--trace-clock", help="text-only: trace clock of the top-level instance (with --boot-trace: trace_clock= on the command line); default: the kernel's (local)"),
    hash_ptr: bool = typer.Option(False, "--hash-ptr", help="text-only: keep the hash-ptr option on (pointers printed hashed); default off (raw pointers)"),
    tcg_threads: str = typer.Option("single", "--tcg-threads", help="TCG: single (default, dependable) or multi (one host thread per vCPU: slower here, intermittently oopses 7.x)"),
    text: bool = typer.Option(True, "--text/--no-text", help="also ship trace.txt (the text of the same window) in the tarball"),
    console_out: Optional[Path] = typer.Option(None, "--console-out", help="also save the guest's serial console log here (e.g. the ftrace_dump of scenario ftrace-dump)"),
    latency_format: bool = typer.Option(False, "--latency-format", help="also ship lab/trace-latency.txt: the same window printed by the guest with options/latency-format on (not with --text-out)"),
    scenario: str = typer.Option("idle-churn", "--scenario", help="guest scenario (tmigr-trace lab scenarios)"),
    duration: str = typer.Option("10s", "-d", "--duration", help="scenario duration (10s, 500ms, 2m)"),
    buffer_kb: int = typer.Option(2048, "--buffer-kb", help="per-CPU ring buffer size in the guest"),
    accel: Optional[str] = typer.Option(None, "--accel", help="kvm or tcg (default: KVM if a probe boot works, else TCG)"),
    timeout: Optional[str] = typer.Option(None, "--timeout", help="kill the guest after this long (default from topology and duration)"),
    mem: Optional[int] = typer.Option(None, "--mem", help="guest memory in MiB (default from CPUs and buffer size)"),
    cache: Optional[str] = typer.Option(None, "--cache", help=_CACHE_HELP),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite outputs"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="print nothing on success"),
) -> None:
    """Boot a kernel with the given topology, run a scenario, capture timer_migration:* and import it."""
    from ..collectors.lab import qemu, run
    from . import progress
    from .common import diag

    if kernel_image is None:
        check_tmigr_kernel(kernel)
    if accel not in (None, "kvm", "tcg"):
        raise TmigrError("--accel: kvm or tcg")
    if latency_format and text_out is not None:
        raise TmigrError("--latency-format ships a second text beside a capture tarball: not with --text-out")
    from ..store import check_output_path

    console_p = check_output_path(console_out, force) if console_out is not None else None
    topo = qemu.Topology(cpus=cpus, nodes=nodes, smt=smt, maxcpus=maxcpus, isolcpus=isolcpus,
                         nohz_full=nohz_full, mem_mb=mem)
    with progress.phases(f"lab run {kernel_image or kernel}", quiet) as phase:
        result, path, rows, meta = run.lab_run(
            kernel, str(kernel_image) if kernel_image else None, topo, scenario, parse_duration(duration),
            str(out) if out else None, str(tar) if tar else None, force=force, cache_override=cache,
            buffer_kb=buffer_kb, timeout=parse_duration(timeout) if timeout else None, accel=accel,
            env={**({"LAB_ONLINE_ORDER": online_order} if online_order else {}), **({} if text else {"LAB_TEXT": "0"}),
                 **({"LAB_LATENCY_FORMAT": "1"} if latency_format else {}),
                 **({"LAB_HOTPLUG_CPUS": hotplug_cpus.replace(",", " ")} if hotplug_cpus else {})} or None,
            tcg_threads=tcg_threads, text_out=str(text_out) if text_out else None, boot_trace=boot_trace,
            trace_clock=trace_clock, hash_ptr=hash_ptr, phase=phase)
    if console_p is not None:
        run.write_atomic(console_p, result.console.encode())
    if quiet:
        return
    marks = result.marks
    boot = marks.get("LAB-BOOTED")
    if text_out is not None:
        lines = result.tarball.count(b": tmigr_")
        what = f"{text_out}: {lines} events of trace text" + (f", {path}: {rows} events" if path else "")
    else:
        what = f"{path}: {rows} events" if path else f"{tar}: capture saved"
    diag(
        f"{what} (kernel {result.kernel.release}, {topo.cpus} vCPUs/{topo.nodes} nodes/smt {topo.smt}, "
        f"{result.accel}{' multi-threaded' if result.accel == 'tcg' and tcg_threads == 'multi' else ''}, scenario {scenario}; guest booted in {boot:.1f} s, run {result.seconds:.0f} s wall)"
        if boot is not None else f"{what} ({result.seconds:.0f} s)")


@lab_app.command("import", epilog=exit_codes({0: "imported"}))
def import_cmd(
    tarball: Path = typer.Argument(..., help="lab capture tarball (lab run --tar, fixtures/lab/*.tar.gz)"),
    out: Path = typer.Option(..., "-o", "--output", help="Parquet file to write"),
    force: bool = typer.Option(False, "--force", "-f", help="overwrite the output"),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="print nothing on success"),
) -> None:
    """Import a lab capture tarball with the lab's metadata (origin lab, bring-up order)."""
    from ..collectors.lab import run
    from .common import diag

    if not tarball.exists():
        raise TmigrError(f"{tarball}: no such file")
    path, rows, meta = run.import_lab_tarball(tarball, out, force=force)
    order = meta.topology.get("bringup_order")
    if not quiet:
        diag(f"{path}: {rows} events (lab capture{', bring-up order ' + ','.join(map(str, order)) if order else ', no bring-up order recorded'})")


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")
