"""QEMU for the lab: emulated NUMA/SMT topology, accelerator detection, one guest boot.

TCG (``-accel tcg,thread=single -cpu qemu64,vendor=GenuineIntel``) is the dependable path: it boots
Debian's 6.12 and 7.x kernels with any topology. Multi-threaded TCG (``thread=multi``, one host
thread per vCPU, as many users run their guests) is an option (``--tcg-threads multi``): slower on
a 2-core host and it intermittently oopses 7.x kernels (int3 during code patching); a run that
oopses fails in one line. ``-cpu max`` is not used. KVM is used only when a probe boot under it
actually reaches the guest's init (nested setups expose /dev/kvm but fail); the probe result is
cached per host kernel in the lab cache.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from tmigr_trace.errors import TmigrError

QEMU = "qemu-system-x86_64"
TCG_ACCEL = ["-accel", "tcg,thread=single", "-cpu", "qemu64,vendor=GenuineIntel"]
TCG_THREADS = ("single", "multi")


def tcg_accel(threads: str = "single") -> list[str]:
    """QEMU accelerator arguments for TCG with one host thread for all vCPUs (single) or one per
    vCPU (multi)."""
    if threads not in TCG_THREADS:
        raise TmigrError(f"--tcg-threads {threads!r}: single or multi")
    return ["-accel", f"tcg,thread={threads}", "-cpu", "qemu64,vendor=GenuineIntel"]
KVM_ACCEL = ["-accel", "kvm", "-cpu", "host"]


@dataclass
class Topology:
    """The emulated machine: CPUs split evenly over NUMA nodes (one socket per node), SMT threads."""

    cpus: int = 16
    nodes: int = 2
    smt: int = 2
    maxcpus: int | None = None  # kernel maxcpus=: the rest are onlined by the guest after capture start
    isolcpus: str | None = None
    nohz_full: str | None = None
    mem_mb: int | None = None

    def check(self) -> None:
        if self.cpus < 1 or self.nodes < 1 or self.smt < 1:
            raise TmigrError("--cpus, --nodes and --smt must be at least 1")
        if self.cpus % (self.nodes * self.smt):
            raise TmigrError(f"--cpus {self.cpus} is not a multiple of --nodes {self.nodes} x --smt {self.smt}")
        if self.cpus > 255:
            raise TmigrError("--cpus: at most 255 (no x2APIC/IOMMU setup in the lab machine)")
        if self.maxcpus is not None and not 1 <= self.maxcpus <= self.cpus:
            raise TmigrError(f"--maxcpus {self.maxcpus}: must be between 1 and --cpus {self.cpus}")

    @property
    def cores_per_node(self) -> int:
        return self.cpus // (self.nodes * self.smt)

    def memory_mb(self, buffer_kb: int) -> int:
        if self.mem_mb:
            return self.mem_mb
        per_cpu = buffer_kb // 1024 + 10
        mb = 384 + self.cpus * per_cpu
        step = 2 * self.nodes
        return (mb + step - 1) // step * step

    def node_cpus(self, node: int) -> tuple[int, int]:
        per = self.cpus // self.nodes
        return node * per, (node + 1) * per - 1

    def qemu_args(self, buffer_kb: int) -> list[str]:
        mem = self.memory_mb(buffer_kb)
        args = ["-m", f"{mem}M", "-smp",
                f"{self.cpus},sockets={self.nodes},cores={self.cores_per_node},threads={self.smt}"]
        if self.nodes > 1:
            per = mem // self.nodes
            for n in range(self.nodes):
                lo, hi = self.node_cpus(n)
                args += ["-object", f"memory-backend-ram,id=m{n},size={per}M",
                         "-numa", f"node,nodeid={n},cpus={lo}-{hi},memdev=m{n}"]
        return args

    def cmdline(self) -> list[str]:
        out = []
        if self.maxcpus is not None and self.maxcpus < self.cpus:
            out.append(f"maxcpus={self.maxcpus}")
        if self.isolcpus:
            out.append(f"isolcpus={self.isolcpus}")
        if self.nohz_full:
            out.append(f"nohz_full={self.nohz_full}")
        return out

    def as_dict(self) -> dict:
        d = asdict(self)
        d["threads_per_core"] = self.smt
        d["cores_per_node"] = self.cores_per_node
        d["node_cpus"] = {str(n): "%d-%d" % self.node_cpus(n) for n in range(self.nodes)}
        return d


def find_qemu() -> str:
    q = shutil.which(QEMU)
    if not q:
        raise TmigrError(f"{QEMU} not found: apt-get install qemu-system-x86 busybox-static (see docs/lab.md)")
    return q


def kvm_usable(cache: Path, probe) -> bool:
    """True if KVM works for real here. `probe()` boots a guest under KVM and returns success;
    its answer is cached per host kernel (nested KVM that exposes /dev/kvm but fails is common)."""
    if os.environ.get("TMIGR_LAB_ACCEL") in ("tcg", "kvm"):
        return os.environ["TMIGR_LAB_ACCEL"] == "kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    f = cache / "kvm-probe.json"
    key = platform.release()
    try:
        known = json.loads(f.read_text())
    except (OSError, ValueError):
        known = {}
    if key in known:
        return bool(known[key])
    ok = bool(probe())
    known[key] = ok
    f.write_text(json.dumps(known) + "\n")
    return ok


@dataclass
class BootResult:
    returncode: int | None
    console: str
    seconds: float
    timed_out: bool


def boot(argv: list[str], console: Path, timeout: float, watch: str | None = None,
         on_console: Callable[[str], None] | None = None) -> BootResult:
    """Run QEMU to completion (or timeout). If `watch` is given, stop as soon as it appears on the
    console (used by the KVM probe); `on_console` sees the console text as it grows (progress)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = False
    try:
        while True:
            try:
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            if on_console is not None and console.exists():
                on_console(console.read_text(errors="replace"))
            if watch and console.exists() and watch in console.read_text(errors="replace"):
                proc.kill()
                proc.wait()
                break
            if time.monotonic() - t0 > timeout:
                timed_out = True
                proc.kill()
                proc.wait()
                break
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    qemu_out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    text = console.read_text(errors="replace") if console.exists() else ""
    if qemu_out.strip():
        text += "\n[qemu] " + qemu_out.strip()
    return BootResult(proc.returncode, text, time.monotonic() - t0, timed_out)
