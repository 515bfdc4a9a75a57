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
import math
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
    """The emulated machine: CPUs split evenly over NUMA nodes (one socket per node), SMT threads.

    `node_cpulists` (one CPU list per node, e.g. ``("0-7", "8-11")``) splits them unevenly instead:
    the sockets are then the largest equal blocks of CPUs that each lie in one node (so the LLC and
    SMT siblings never span two nodes), e.g. 8+4 CPUs with SMT 2: 3 sockets of 2 cores x 2 threads."""

    cpus: int = 16
    nodes: int = 2
    smt: int = 2
    maxcpus: int | None = None  # kernel maxcpus=: the rest are onlined by the guest after capture start
    isolcpus: str | None = None
    nohz_full: str | None = None
    mem_mb: int | None = None
    node_cpulists: tuple[str, ...] | None = None  # explicit (uneven) CPUs of each node
    # QEMU -smp ...,maxcpus=: possible CPUs (hotplug-capable empty slots beyond the `cpus` present
    # ones; even nodes only, split over the possible CPUs: the present ones fill node 0 first)
    possible: int | None = None

    @property
    def slots(self) -> int:
        """Possible CPUs of the machine (present + empty hotplug slots)."""
        return self.possible or self.cpus

    def check(self) -> None:
        if self.cpus < 1 or self.nodes < 1 or self.smt < 1:
            raise TmigrError("--cpus, --nodes and --smt must be at least 1")
        if self.node_cpulists is not None:
            self._check_node_cpulists()
        elif self.cpus % (self.nodes * self.smt):
            raise TmigrError(f"--cpus {self.cpus} is not a multiple of --nodes {self.nodes} x --smt {self.smt}")
        if self.possible is not None:
            if self.node_cpulists is not None:
                raise TmigrError("possible CPUs (QEMU maxcpus=) with uneven nodes: not supported")
            if self.possible < self.cpus or self.possible % (self.nodes * self.smt):
                raise TmigrError(f"possible {self.possible}: at least --cpus {self.cpus} and a multiple of "
                                 f"--nodes {self.nodes} x --smt {self.smt}")
            if self.possible > 255:
                raise TmigrError("possible: at most 255 (no x2APIC/IOMMU setup in the lab machine)")
        if self.cpus > 255:
            raise TmigrError("--cpus: at most 255 (no x2APIC/IOMMU setup in the lab machine)")
        if self.maxcpus is not None and not 1 <= self.maxcpus <= self.cpus:
            raise TmigrError(f"--maxcpus {self.maxcpus}: must be between 1 and --cpus {self.cpus}")

    def _node_sets(self) -> list[list[int]]:
        from tmigr_trace.cpulist import parse_cpulist

        return [sorted(parse_cpulist(x)) for x in self.node_cpulists or ()]

    def _check_node_cpulists(self) -> None:
        sets = self._node_sets()
        bad = f"node CPU lists {'/'.join(self.node_cpulists or ())!r}"
        if len(sets) != self.nodes:
            raise TmigrError(f"{bad}: {len(sets)} lists for {self.nodes} nodes")
        flat = [c for s in sets for c in s]
        if any(not s for s in sets) or sorted(flat) != list(range(self.cpus)):
            raise TmigrError(f"{bad}: every CPU 0-{self.cpus - 1} in exactly one node, no node empty")
        if self.socket_cpus % self.smt:
            raise TmigrError(f"{bad}: no socket of whole SMT cores ({self.smt} threads) fits in one node")

    def _runs(self) -> list[tuple[int, int]]:
        """(first CPU, count) of each maximal run of consecutive CPUs of one node."""
        out = []
        for s in self._node_sets():
            for c in s:
                if out and out[-1][0] + out[-1][1] == c and c - 1 in s:
                    out[-1] = (out[-1][0], out[-1][1] + 1)
                else:
                    out.append((c, 1))
        return out

    @property
    def socket_cpus(self) -> int:
        """CPUs per socket: a whole node, or (uneven nodes) the largest block size dividing every
        node's runs of consecutive CPUs and their starts."""
        if self.node_cpulists is None:
            return self.slots // self.nodes
        return math.gcd(*[x for r in self._runs() for x in r])

    @property
    def sockets(self) -> int:
        return self.nodes if self.node_cpulists is None else self.cpus // self.socket_cpus

    @property
    def cores_per_node(self) -> int:
        """Cores per node (uneven nodes: per socket)."""
        if self.node_cpulists is not None:
            return self.socket_cpus // self.smt
        return self.slots // (self.nodes * self.smt)

    def node_cpulist(self, node: int) -> str:
        if self.node_cpulists is not None:
            return self.node_cpulists[node]
        return "%d-%d" % self.node_cpus(node)

    def memory_mb(self, buffer_kb: int) -> int:
        if self.mem_mb:
            return self.mem_mb
        per_cpu = buffer_kb // 1024 + 10
        mb = 384 + self.cpus * per_cpu
        step = 2 * self.nodes
        return (mb + step - 1) // step * step

    def node_cpus(self, node: int) -> tuple[int, int]:
        if self.node_cpulists is not None:
            s = self._node_sets()[node]
            return s[0], s[-1]
        per = self.slots // self.nodes
        return node * per, (node + 1) * per - 1

    def qemu_args(self, buffer_kb: int) -> list[str]:
        mem = self.memory_mb(buffer_kb)
        maxcpus = f",maxcpus={self.possible}" if self.possible else ""
        args = ["-m", f"{mem}M", "-smp",
                f"{self.cpus}{maxcpus},sockets={self.sockets},cores={self.cores_per_node},threads={self.smt}"]
        if self.nodes > 1:
            per = mem // self.nodes
            for n in range(self.nodes):
                cpus = ",".join(f"cpus={r}" for r in self.node_cpulist(n).split(","))
                args += ["-object", f"memory-backend-ram,id=m{n},size={per}M",
                         "-numa", f"node,nodeid={n},{cpus},memdev=m{n}"]
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
        if self.possible is None:
            del d["possible"]
        if self.node_cpulists is None:
            del d["node_cpulists"]
        else:
            d["node_cpulists"] = list(self.node_cpulists)
            d["sockets"] = self.sockets
        d["threads_per_core"] = self.smt
        d["cores_per_node"] = self.cores_per_node
        d["node_cpus"] = {str(n): self.node_cpulist(n) for n in range(self.nodes)}
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
