"""One lab run: kernel -> initramfs -> QEMU -> capture tarball -> Parquet (origin "lab").

The guest writes the capture tarball (raw per-CPU buffers, formats, topology, trace.txt) as raw
bytes to a virtio serial port (virtio-pci and the virtio console are built into Debian's kernels,
so no module is needed); QEMU stores it in a file on the host. The console (ttyS0) carries
``LAB-xxx:`` progress lines and, on failure, one ``LAB-FAIL: reason`` line.

Text-only runs (``--text-out``, ``--boot-trace``) capture like a user outside the lab: the events
are recorded in the top-level tracefs instance (from early boot with ``--boot-trace``:
``trace_event=timer_migration:*`` on the kernel command line) and the guest ships only the text
of the top-level ``trace`` file: no topology, no bring-up order, no metadata.

Nothing is written under the output names unless the run succeeded: the tarball and the Parquet
file are written to temporary names and renamed at the end.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shlex
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tmigr_trace.cpulist import parse_cpulist
from tmigr_trace.errors import TmigrError
from tmigr_trace.metadata import TraceMeta
from tmigr_trace.store import TraceWriter, check_output_path

from . import initramfs, kernels, qemu

DEFAULT_BUFFER_KB = 2048

# The guest's console marks (init.sh) -> the phase that begins there, for progress callbacks.
PHASE_MARKS = (("LAB-BOOTED:", "online"), ("LAB-SCENARIO:", "capture"), ("LAB-SCENARIO-DONE:", "shutdown"))


def phase_watcher(phase: Callable[[str], None]) -> Callable[[str], None]:
    """A console callback that reports each phase once, as its mark appears: online (the guest
    is at init: tracing starts, late CPUs come online), capture (the scenario runs), shutdown
    (the capture is packed and shipped, the guest powers off)."""
    seen: set[str] = set()

    def watch(console: str) -> None:
        for mark, name in PHASE_MARKS:
            if name not in seen and mark in console:
                seen.add(name)
                phase(name)

    return watch


@dataclass
class LabRun:
    """What the host knows after a successful run."""

    kernel: kernels.KernelImage
    topology: qemu.Topology
    scenario: str
    duration: float
    accel: str
    argv: list[str]
    tarball: bytes
    console: str
    seconds: float
    marks: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    text_only: bool = False  # `tarball` is then the text of the top-level trace file
    tcg_threads: str = "single"
    text_source: str = "trace"  # text-only: the file read, trace or trace_pipe (no header, consumed)


def _tail(console: str, n: int = 4) -> str:
    lines = [ln.strip() for ln in console.splitlines() if ln.strip() and not ln.startswith("[qemu]")]
    qemu_lines = [ln for ln in console.splitlines() if ln.startswith("[qemu]")]
    picked = lines[-n:] + qemu_lines[-1:]
    return " | ".join(s[:160] for s in picked) or "(empty console)"


def _marks(console: str) -> dict[str, float]:
    out = {}
    for m in re.finditer(r"^(LAB-[A-Z-]+):.*?uptime=([\d.]+)", console, re.M):
        out[m.group(1)] = float(m.group(2))
    return out


def qemu_argv(img: kernels.KernelImage, topo: qemu.Topology, initrd: Path, console: Path, out: Path,
              accel: str, buffer_kb: int, extra_cmdline: list[str] | None = None,
              tcg_threads: str = "single") -> list[str]:
    cmdline = ["console=ttyS0", "panic=-1", "loglevel=4", *topo.cmdline(), *(extra_cmdline or [])]
    return [
        qemu.find_qemu(), "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
        "-machine", "pc", *(qemu.KVM_ACCEL if accel == "kvm" else qemu.tcg_accel(tcg_threads)),
        *topo.qemu_args(buffer_kb),
        "-kernel", str(img.vmlinuz), "-initrd", str(initrd),
        "-append", " ".join(x for x in cmdline if x),
        "-chardev", f"file,id=con,path={console}", "-serial", "chardev:con",
        "-device", "virtio-serial-pci",
        "-chardev", f"file,id=out,path={out}", "-device", "virtserialport,chardev=out,name=tmigr-out",
    ]


def _probe_kvm(img: kernels.KernelImage, cache: Path) -> bool:
    """Boot 2 vCPUs under KVM until the guest init reports LAB-BOOTED (30 s at most; a working KVM needs a few)."""
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        d = Path(tmp)
        topo = qemu.Topology(cpus=2, nodes=1, smt=1)
        initramfs.build(d / "initrd.gz", {"LAB_SCENARIO": "all-idle", "LAB_DURATION": 1, "LAB_NODES": 1,
                                         "LAB_SMT": 1, "LAB_CPUS": 2}, use_capture_script=False)
        argv = qemu_argv(img, topo, d / "initrd.gz", d / "console.log", d / "out.bin", "kvm", 256)
        r = qemu.boot(argv, d / "console.log", 30, watch="LAB-BOOTED")
        return "LAB-BOOTED" in r.console


def default_timeout(topo: qemu.Topology, duration: float, accel: str, tcg_threads: str = "single") -> float:
    # Measured under single-threaded TCG: 16 vCPUs boot+capture ~25 s, 64 vCPUs ~100 s; the
    # scenarios run ~2x slower than wall time there. Generous: a timeout only catches hangs.
    base = 120 + 4 * topo.cpus + 4 * duration
    if accel == "tcg" and tcg_threads == "multi":
        return base * 2  # one host thread per vCPU on few host cores: slower
    return base if accel == "tcg" else base / 2


# What a kernel prints when it oopses (x86 die(), page faults, BUG()); printed on the console at
# loglevel=4 (pr_emerg/pr_alert), and re-printed from dmesg by the guest init as "LAB-OOPS:".
_OOPS_RE = re.compile(r"^(?:\[[\s\d.]+\]\s*)?((?:Oops|BUG|kernel BUG at [^:]*|general protection fault"
                      r"|int3|invalid opcode|stack segment)(?::|\s+\[#)[^\n]*)", re.M)


def find_oops(console: str) -> str | None:
    """The first oops/BUG line of a guest console, or None."""
    m = re.search(r"^LAB-OOPS: (.*)$", console, re.M)
    if m:
        return m.group(1).strip()
    m = _OOPS_RE.search(console)
    return m.group(1).strip() if m else None


def boot_trace_cmdline(buffer_kb: int, trace_clock: str | None = None, events: str | None = None) -> list[str]:
    """Kernel command line of boot-time tracing in the top-level instance: timer_migration:*
    enabled from early boot (before the boot CPUs are brought up: their setup events are
    recorded), a per-CPU ring buffer of buffer_kb, optionally the trace clock and other events
    (`events`: ``timer:*,sched:sched_switch,irq:*``, appended to the same trace_event= list)."""
    out = ["trace_event=timer_migration:*" + (f",{events}" if events else ""), f"trace_buf_size={buffer_kb}K"]
    if trace_clock:
        out.append(f"trace_clock={trace_clock}")
    return out


def run_guest(img: kernels.KernelImage, topo: qemu.Topology, scenario: str, duration: float, cache: Path,
              buffer_kb: int = DEFAULT_BUFFER_KB, timeout: float | None = None, accel: str | None = None,
              env: dict[str, str] | None = None, extra_cmdline: list[str] | None = None,
              online_delay: float = 0.0, tcg_threads: str = "single", text_only: bool = False,
              boot_trace: bool = False, trace_clock: str | None = None, hash_ptr: bool = False,
              phase: Callable[[str], None] | None = None, extra_events: str | None = None,
              trace_pipe: bool = False) -> LabRun:
    """Boot the guest, run the scenario, and return the capture tarball (bytes) it shipped out
    (text_only: the text of the top-level trace file). `phase` is told boot, online, capture,
    shutdown as the guest reaches them. Text-only runs may also record `extra_events` (other
    events in the same buffer, e.g. ``timer:*,sched:sched_switch,irq:*``: on the trace_event= list
    with `boot_trace`, else written to set_event by the init) and ship what a reader of
    `trace_pipe` got instead of the `trace` file (`trace_pipe`: read from the start of the
    capture to its end, no header)."""
    topo.check()
    if tcg_threads not in qemu.TCG_THREADS:
        raise TmigrError(f"--tcg-threads {tcg_threads!r}: single or multi")
    if boot_trace and not text_only:
        raise TmigrError("--boot-trace records in the top-level instance: it needs the text-only mode (--text-out)")
    check_online_order((env or {}).get("LAB_ONLINE_ORDER"), topo)
    if trace_clock is not None and not re.fullmatch(r"[a-z0-9_-]+", trace_clock):
        raise TmigrError(f"--trace-clock {trace_clock!r}: a clock name like local, global, mono, boot, x86-tsc")
    if scenario not in initramfs.scenarios():
        raise TmigrError(f"unknown scenario {scenario!r} (known: {', '.join(initramfs.scenarios())})")
    if extra_events is not None and not re.fullmatch(r"[A-Za-z0-9_]+:[A-Za-z0-9_*]+(,[A-Za-z0-9_]+:[A-Za-z0-9_*]+)*",
                                                     extra_events):
        raise TmigrError(f"extra events {extra_events!r}: a list like timer:*,sched:sched_switch,irq:*")
    if (extra_events or trace_pipe) and not text_only:
        raise TmigrError("extra events and trace_pipe apply to text-only runs (--text-out)")
    if accel is None:
        accel = "kvm" if qemu.kvm_usable(cache, lambda: _probe_kvm(img, cache)) else "tcg"
    if timeout is None:
        timeout = default_timeout(topo, duration, accel, tcg_threads)
    config: dict[str, object] = {
        "LAB_SCENARIO": scenario, "LAB_DURATION": f"{duration:g}", "LAB_CPUS": topo.cpus,
        "LAB_NODES": topo.nodes, "LAB_SMT": topo.smt, "LAB_BUFFER_KB": buffer_kb,
        "LAB_ONLINE_DELAY": f"{online_delay:g}",
    }
    if topo.node_cpulists is not None:
        config["LAB_NODE_CPUS"] = " ".join(topo.node_cpulists)
    if text_only:
        config.update({"LAB_MODE": "text", "LAB_BOOT_TRACE": int(boot_trace), "LAB_HASH_PTR": int(hash_ptr)})
        if trace_clock and not boot_trace:
            config["LAB_TRACE_CLOCK"] = trace_clock
        if extra_events and not boot_trace:
            config["LAB_EXTRA_EVENTS"] = extra_events
        if trace_pipe:
            config["LAB_READ"] = "trace_pipe"
    if boot_trace:
        extra_cmdline = [*boot_trace_cmdline(buffer_kb, trace_clock, extra_events), *(extra_cmdline or [])]
    for k, v in (env or {}).items():
        config[k] = v
    runs = cache / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix=f"{img.release}-", dir=runs))
    try:
        initrd = initramfs.build(d / "initrd.gz", config)
        console, out = d / "console.log", d / "out.tar"
        argv = qemu_argv(img, topo, initrd, console, out, accel, buffer_kb, extra_cmdline, tcg_threads)
        if phase is not None:
            phase("boot")
        r = qemu.boot(argv, console, timeout, on_console=phase_watcher(phase) if phase is not None else None)
        text = r.console
        where = f"kernel {img.release}" + (", TCG multi-threaded" if accel == "tcg" and tcg_threads == "multi" else "")
        fail = re.search(r"^LAB-FAIL: (.*)$", text, re.M)
        if fail:
            raise TmigrError(f"lab guest failed ({where}): {fail.group(1).strip()}; console tail: {_tail(text)}")
        oops = find_oops(text)
        if oops:
            hint = " (known with --tcg-threads multi on 7.x; retry, or use single)" if tcg_threads == "multi" else ""
            saved = runs / "last-oops.console.log"  # the whole oops (call trace) for a bug report
            saved.write_text(text)
            raise TmigrError(f"lab guest oopsed ({where}): {oops[:200]}{hint}; console: {saved}")
        if "Kernel panic" in text:
            m = re.search(r"Kernel panic[^\n]*", text)
            raise TmigrError(f"lab guest panicked ({where}): {m.group(0).strip()}; console tail: {_tail(text)}")
        if r.timed_out:
            raise TmigrError(f"lab guest timed out after {timeout:.0f} s ({where}, {accel}); console tail: {_tail(text)}")
        m = re.search(r"^LAB-OUT: bytes=(\d+) sha256=([0-9a-f]+)", text, re.M)
        if not m or "LAB-DONE" not in text:
            raise TmigrError(f"lab guest stopped before shipping its capture ({where}, qemu exit "
                             f"{r.returncode}); console tail: {_tail(text)}")
        data = out.read_bytes() if out.exists() else b""
        size, digest = int(m.group(1)), m.group(2)
        data = data[:size]
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise TmigrError(f"lab capture corrupted in transit ({len(data)} of {size} bytes arrived, {where})")
        return LabRun(img, topo, scenario, duration, accel, argv, data, text, r.seconds, _marks(text),
                      {k: str(v) for k, v in (env or {}).items()}, text_only, tcg_threads,
                      "trace_pipe" if trace_pipe else "trace")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _read_tar(data: bytes) -> dict[str, bytes]:
    """Files of a capture tarball, keyed by path inside the capture (a single top directory, as
    tmigr-capture.sh writes it, is removed)."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        for m in tf.getmembers():
            if m.isfile():
                f = tf.extractfile(m)
                files[m.name.removeprefix("./")] = f.read() if f else b""
    tops = {n.split("/", 1)[0] for n in files}
    if len(tops) == 1 and all("/" in n for n in files):
        top = tops.pop() + "/"
        files = {n[len(top):]: v for n, v in files.items()}
    return files


_SYSCPU = ("topology/sys/devices/system/cpu/", "topology/")
_SYSNODE = ("topology/sys/devices/system/node/", "topology/")


def guest_topology(files: dict[str, bytes]) -> dict:
    """Topology as the guest saw it (from the tarball's topology/ files; both the
    tmigr-capture.sh sysfs-mirror layout and the minimal capture's flat one)."""
    def txt(*names: str) -> str | None:
        for name in names:
            if name in files:
                return files[name].decode(errors="replace").strip()
        return None

    topo: dict = {}
    for k in ("possible", "present", "online", "offline", "isolated", "nohz_full"):
        v = txt(*(pre + k for pre in _SYSCPU))
        if v is not None:
            topo[k] = v
    cmd = txt("topology/proc/cmdline", "topology/cmdline")
    if cmd is not None:
        topo["cmdline"] = cmd
    nodes = {}
    cpus: dict[str, dict] = {}
    for name, data in files.items():
        m = re.match(r"topology/(?:sys/devices/system/node/)?node(\d+)(?:/|\.)cpulist$", name)
        if m:
            nodes[m.group(1)] = data.decode().strip()
        m = re.match(r"topology/(?:sys/devices/system/cpu/)?cpu(\d+)/(?:topology/)?(\w+)$", name)
        if m and m.group(2) != "online":
            cpus.setdefault(m.group(1), {})[m.group(2)] = data.decode().strip()
    if nodes:
        topo["nodes"] = dict(sorted(nodes.items(), key=lambda kv: int(kv[0])))
    if cpus:
        topo["cpu"] = dict(sorted(cpus.items(), key=lambda kv: int(kv[0])))
        sibs = {c.get("thread_siblings_list") for c in cpus.values() if c.get("thread_siblings_list")}
        if sibs:
            topo["smt"] = max(len(parse_cpulist(s)) for s in sibs)
    return topo


def _lab_file(files: dict[str, bytes], name: str) -> str | None:
    for key in (f"lab/{name}", name):
        if key in files:
            return files[key].decode(errors="replace")
    return None


_TS = r"(?:\[\s*\d+\.\d+\]\s?)?"
_NODE_LINE = re.compile(_TS + r"\.\.\.\. node\s+#\d+, CPUs:(.*)$")
_CONT_LINE = re.compile(_TS + r"((?:\s*#\d+)+)\s*$")


def boot_announced(dmesg: str) -> list[int]:
    """The CPUs x86's announce_cpu() listed while the boot brought them up, in its order, from the
    dmesg lines between ``smpboot: x86: Booting SMP configuration:`` and ``smp: Brought up``.

    Each ``.... node #N, CPUs:  #2 #4`` line starts when the node changes; the CPUs are appended
    with pr_cont(). Another message in between (``calibrate_delay_direct() ...`` from a CPU
    coming up, the ``MDS CPU bug present and SMT on`` warning) ends that line, and the rest of the
    list then follows as a line of bare ``#N`` tokens. On 2+ node guests every change of node
    starts a new ``.... node`` line, so the split is rare; on 1-node SMT guests the siblings'
    pass (v6.5+ kicks the primary threads first) usually lands on such a bare line."""
    out: list[int] = []
    inside = False
    for line in dmesg.splitlines():
        if not inside:
            inside = "Booting SMP configuration:" in line
            continue
        if "smp: Brought up" in line or "smpboot: Total of" in line:
            break
        m = _NODE_LINE.search(line) or _CONT_LINE.match(line)
        if m:
            out += [int(x) for x in re.findall(r"#(\d+)", m.group(1))]
    return out


def check_online_order(order: str | None, topo: qemu.Topology) -> None:
    """--online-order: ascending, nodes, glob, or a CPU list (ranges allowed) of existing CPUs."""
    if order is None or order in ("ascending", "nodes", "glob"):
        return
    bad = TmigrError(f"--online-order {order!r}: ascending, nodes, glob or a CPU list like 16,1-15,17-31")
    if not re.fullmatch(r"[\d\s,-]+", order):
        raise bad
    try:
        cpus = parse_cpulist(",".join(order.replace(",", " ").split()))
    except (ValueError, TmigrError):
        raise bad from None
    if not cpus:
        raise bad
    if any(c >= topo.cpus for c in cpus):
        raise TmigrError(f"--online-order {order!r}: CPU {max(cpus)} does not exist (--cpus {topo.cpus})")


def glob_order(cpus) -> list[int]:
    """CPUs in the order a shell glob ``/sys/devices/system/cpu/cpu[0-9]*`` lists their
    directories (sorted as strings: cpu1 cpu10 cpu11 ... cpu19 cpu2 cpu20 ...), the order a user's
    init that loops over sysfs onlines them in (``--online-order glob``)."""
    return sorted(cpus, key=lambda c: f"cpu{c}")


def bringup(files: dict[str, bytes]) -> dict | None:
    """The order in which the guest's kernel prepared its CPUs (the tmigr prepare callback runs
    once per CPU, on its first bring-up), from the lab files the guest added to its capture:

    * boot CPUs: the boot CPU, then the order of x86's ``Booting SMP configuration`` lines in
      ``lab/dmesg.txt`` (``announce_cpu()`` runs when a CPU is kicked, right after its prepare
      states; since v6.5 x86 kicks the primary SMT threads first, then their siblings;
      `boot_announced` reads them, also when another message split the list);
    * late CPUs: the first onlining of each CPU the init/scenario did (``lab/onlined``), checked
      against the kernel's own ``Booting Node N Processor C`` lines.

    Returns ``{"order", "boot", "late", "source"}`` or None (no lab files, or they disagree)."""
    dmesg = _lab_file(files, "dmesg.txt")
    boot_online = _lab_file(files, "boot_online")
    if dmesg is None or boot_online is None:
        return None
    boot_set = set(parse_cpulist(boot_online.strip()))
    announced = boot_announced(dmesg)
    rest = sorted(boot_set - set(announced))
    if len(rest) != 1 or set(announced) - boot_set:
        return None  # the boot CPU is the one CPU not announced
    boot = rest + announced
    hot = [int(c) for c in re.findall(r"Booting Node \d+ Processor (\d+) APIC", dmesg)]
    kernel_late = list(dict.fromkeys(c for c in hot if c not in boot_set))
    log = _lab_file(files, "onlined") or ""
    init_late = list(dict.fromkeys(int(ln.split()[0]) for ln in log.splitlines()
                                   if ln.strip() and int(ln.split()[0]) not in boot_set))
    if kernel_late and init_late and kernel_late != init_late:
        return None
    late = kernel_late or init_late
    return {"order": boot + late, "boot": boot, "late": late,
            "source": "dmesg (Booting SMP configuration, Booting Node N Processor C) + lab/onlined"}


def lab_topology(files: dict[str, bytes]) -> dict:
    """What the lab adds to the guest's topology: ``bringup_order`` (when the capture has the lab
    files), read by the replay to build the model in the kernel's order."""
    b = bringup(files)
    return {"bringup_order": b["order"]} if b else {}


def formats_of(files: dict[str, bytes]) -> dict[str, str]:
    out = {}
    for name, data in files.items():
        m = re.match(r"(?:.*/)?events/timer_migration/(\w+)/format$", name)
        if m:
            out[m.group(1)] = data.decode(errors="replace")
    return out


def lab_meta(run: LabRun, files: dict[str, bytes]) -> TraceMeta:
    meta = TraceMeta(origin="lab", kernel_release=run.kernel.release, source_format="capture")
    meta.formats = formats_of(files)
    meta.topology = guest_topology(files)
    meta.topology.update(lab_topology(files))
    meta.topology["emulated"] = run.topology.as_dict()
    clock = files.get("trace_clock", b"").decode()
    m = re.search(r"\[(\w+)\]", clock) or re.search(r"^clock=(\w+)", files.get("manifest", b"").decode(), re.M)
    meta.clock = m.group(1) if m else None
    meta.pointer_mode = "raw"
    meta.extra["lab"] = {
        "kernel": run.kernel.provenance(),
        "qemu_command": shlex.join(run.argv),
        "accel": run.accel,
        "tcg_threads": run.tcg_threads if run.accel == "tcg" else None,
        "scenario": run.scenario,
        "duration_s": run.duration,
        "emulated_topology": run.topology.as_dict(),
        "wall_seconds": round(run.seconds, 1),
        "guest_uptime_marks": run.marks,
        "online_order": (run.env or {}).get("LAB_ONLINE_ORDER", "ascending"),
        "bringup": bringup(files),
    }
    return meta


def import_lab_tarball(tar: str | Path, out: str | Path, force: bool = False) -> tuple[Path, int, TraceMeta]:
    """Import a lab capture tarball (e.g. a committed fixture): the shared importer, which also
    reads the lab's CPU bring-up order (``topology.bringup_order``) and marks the origin ``lab``."""
    from tmigr_trace.importers import import_file

    path, meta, rows = import_file(tar, out, force=force)
    return path, rows, meta


def import_tarball(data: bytes, writer: TraceWriter, meta: TraceMeta, files: dict[str, bytes]) -> str:
    """Decode the capture with the shared importer (same code as the live/shell capture).
    Returns what was decoded. Until the binary decoder exists, falls back to the text of the same
    window (trace.txt, raw pointers)."""
    try:
        from tmigr_trace.importers.capture_dir import import_capture  # type: ignore
    except ModuleNotFoundError:
        import_capture = None
    if import_capture is not None:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "capture.tar"
            p.write_bytes(data)
            saved = dict(meta.topology)
            import_capture(p, writer, meta)
            for k, v in saved.items():
                meta.topology.setdefault(k, v)
        meta.origin = "lab"
        return "raw per-CPU buffers (importers.capture_dir)"
    from tmigr_trace.importers import import_text_blocks

    text = files.get("trace.txt")
    if not text:
        raise TmigrError("lab capture has no trace.txt and no binary decoder is installed")
    import_text_blocks(iter([text]), writer, meta)
    meta.origin = "lab"
    return "trace.txt (binary decoder not available yet)"


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def finish(run: LabRun, out: Path | None, tar_out: Path | None, force: bool, cache: Path) -> tuple[Path | None, int, TraceMeta]:
    """Import the shipped tarball into `out` (Parquet) and/or save it as `tar_out`."""
    files = _read_tar(run.tarball)
    formats = formats_of(files)
    if run.kernel.source in ("debian", "ubuntu"):  # a cached kernel: `lab kernels` shows what it measured
        kernels.record_formats(cache, run.kernel.release, formats)
    meta = lab_meta(run, files)
    rows = 0
    path = None
    if out is not None:
        with TraceWriter(out, force=force) as writer:
            decoded = import_tarball(run.tarball, writer, meta, files)
            meta.extra["lab"]["decoded_from"] = decoded
            if writer.rows == 0:
                raise TmigrError(f"lab capture from kernel {run.kernel.release} holds no timer_migration events")
            rows = writer.rows
            path = writer.close(meta)
    if tar_out is not None:
        data = run.tarball
        if tar_out.name.endswith((".gz", ".tgz")):
            import gzip

            data = gzip.compress(data, 9, mtime=0)
        else:
            data = compress_for(tar_out, data)
        write_atomic(tar_out, data)
    return path, rows, meta


def compress_for(path: Path, data: bytes) -> bytes:
    """data compressed as the file name says (.gz, .xz; anything else: as is)."""
    if path.name.endswith((".gz", ".tgz")):
        import gzip

        return gzip.compress(data, 9, mtime=0)
    if path.name.endswith(".xz"):
        import lzma

        return lzma.compress(data, preset=9)
    return data


def finish_text(run: LabRun, text_out: Path | None, out: Path | None, force: bool) -> tuple[Path | None, int, TraceMeta | None]:
    """Text-only run: write the top-level trace text (compressed by its name) and/or import it into
    `out` exactly as `tmigr-trace import` would (no kernel release, no topology: what a user sends)."""
    from tmigr_trace.importers import import_file

    text = run.tarball
    if not text.startswith(b"# tracer:") and not (run.text_source == "trace_pipe" and text.strip()):
        raise TmigrError(f"lab guest shipped no trace text (kernel {run.kernel.release}): starts {text[:40]!r}")
    if b": tmigr_" not in text:
        raise TmigrError(f"lab trace text from kernel {run.kernel.release} holds no timer_migration events")
    if text_out is not None:
        write_atomic(text_out, compress_for(text_out, text))
    if out is None:
        return None, 0, None
    if text_out is not None:  # the file the user got, as `tmigr-trace import` would read it
        path, meta, rows = import_file(text_out, out, force=force)
        return path, rows, meta
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "trace.txt"
        src.write_bytes(text)
        path, meta, rows = import_file(src, out, force=force)
    return path, rows, meta


def provenance_json(run: LabRun) -> str:
    return json.dumps({"kernel": run.kernel.provenance(), "topology": run.topology.as_dict(),
                       "scenario": run.scenario, "duration": run.duration, "accel": run.accel,
                       "qemu": shlex.join(run.argv), "seconds": round(run.seconds, 1),
                       "marks": run.marks}, indent=1)


def lab_run(kernel: str | None, kernel_image: str | None, topo: qemu.Topology, scenario: str, duration: float,
            out: str | None, tar_out: str | None = None, force: bool = False, cache_override: str | None = None,
            buffer_kb: int = DEFAULT_BUFFER_KB, timeout: float | None = None, accel: str | None = None,
            env: dict[str, str] | None = None, online_delay: float = 0.0, tcg_threads: str = "single",
            text_out: str | None = None, boot_trace: bool = False, trace_clock: str | None = None,
            hash_ptr: bool = False, phase: Callable[[str], None] | None = None,
            extra_cmdline: list[str] | None = None, extra_events: str | None = None, trace_pipe: bool = False,
            ) -> tuple[LabRun, Path | None, int, TraceMeta | None]:
    """The whole `tmigr-trace lab run`. Output names are checked before the (long) boot.

    With `text_out` the run is text-only: the capture is the text of the top-level trace file
    (`boot_trace`: enabled from early boot on the kernel command line), written to `text_out`
    (.xz/.gz by name); `out` then holds what `tmigr-trace import text_out` gives. `phase` is told
    each phase as it begins: fetch, boot, online, capture, shutdown, import. `extra_cmdline`: more
    kernel command-line words (nohz=off, rcu_nocbs=, threadirqs); `extra_events`, `trace_pipe`:
    text-only runs, see `run_guest`."""
    if tcg_threads not in qemu.TCG_THREADS:
        raise TmigrError(f"--tcg-threads {tcg_threads!r}: single or multi")
    out_p = check_output_path(out, force) if out else None
    tar_p = check_output_path(tar_out, force) if tar_out else None
    text_p = check_output_path(text_out, force) if text_out else None
    if boot_trace and text_p is None:
        raise TmigrError("--boot-trace records in the top-level instance and ships its text: give --text-out OUT.trace.txt.xz")
    if text_p is not None and tar_p is not None:
        raise TmigrError("--text-out and --tar exclude each other (a text-only run ships no capture tarball)")
    if hash_ptr and text_p is None:
        raise TmigrError("--hash-ptr applies to text-only runs (--text-out)")
    if (extra_events or trace_pipe) and text_p is None:
        raise TmigrError("extra events and trace_pipe apply to text-only runs (--text-out)")
    if out_p is None and tar_p is None and text_p is None:
        raise TmigrError("give -o OUT.parquet, --tar OUT.tar[.gz] and/or --text-out OUT.trace.txt.xz")
    check_online_order((env or {}).get("LAB_ONLINE_ORDER"), topo)
    cache = kernels.cache_dir(cache_override)
    if phase is not None:
        phase("fetch")
    if kernel_image:
        img = kernels.image_from_file(kernel_image)
    else:
        img = kernels.fetch(kernel or "7.3", cache)
    if scenario == "isolated" and not (topo.isolcpus or topo.nohz_full):
        lo, hi = topo.node_cpus(0)
        iso = f"{hi - 1}-{hi}"
        topo.isolcpus, topo.nohz_full = f"domain,managed_irq,{iso}", iso
    t0 = time.monotonic()
    run = run_guest(img, topo, scenario, duration, cache, buffer_kb, timeout, accel, env, online_delay=online_delay,
                    tcg_threads=tcg_threads, text_only=text_p is not None, boot_trace=boot_trace,
                    trace_clock=trace_clock, hash_ptr=hash_ptr, phase=phase, extra_cmdline=extra_cmdline,
                    extra_events=extra_events, trace_pipe=trace_pipe)
    if phase is not None:
        phase("import")
    if text_p is not None:
        path, rows, tmeta = finish_text(run, text_p, out_p, force)
        return run, path, rows, tmeta
    path, rows, meta = finish(run, out_p, tar_p, force, cache)
    meta.extra["lab"]["total_seconds"] = round(time.monotonic() - t0, 1)
    return run, path, rows, meta
