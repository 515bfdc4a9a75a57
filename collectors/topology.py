"""Topology snapshot of a box: one implementation for a live system and for a copied directory.

``snapshot(root)`` reads the files under ``root`` at their usual paths (``proc/cmdline``,
``sys/devices/system/cpu/online``, ...). With ``root="/"`` that is the running system; with the
``topology/`` directory of a shell-collector tarball (docs/capture-layout.md) it is the box the
capture came from, because the collector copies exactly these files. Keys (read by the model):

``possible``, ``present``, ``online`` (lists of ints), ``node_of_cpu`` {str(cpu): node},
``smt_siblings`` {str(cpu): [cpus]}, ``isolated``, ``nohz_full`` (lists), ``hz`` (int or None),
``uname``, ``release``, ``cmdline``, ``config`` {CONFIG_*: value} (relevant options only, when
``/proc/config.gz`` exists), ``buffer_stats`` {str(cpu): {...}} (filled by the collectors).
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from tmigr_trace.cpulist import parse_cpulist  # noqa: F401  (re-exported for collectors)

# The options that change how the hierarchy is built or how its timers behave.
RELEVANT_CONFIG = (
    "CONFIG_HZ", "CONFIG_NO_HZ_COMMON", "CONFIG_NO_HZ_IDLE", "CONFIG_NO_HZ_FULL", "CONFIG_NR_CPUS",
    "CONFIG_SMP", "CONFIG_NUMA", "CONFIG_HOTPLUG_CPU", "CONFIG_PREEMPT", "CONFIG_PREEMPT_RT",
    "CONFIG_PREEMPT_DYNAMIC", "CONFIG_PREEMPT_LAZY", "CONFIG_HIGH_RES_TIMERS", "CONFIG_SCHED_SMT",
    "CONFIG_SCHED_MC", "CONFIG_CPU_ISOLATION", "CONFIG_RING_BUFFER", "CONFIG_TRACING", "CONFIG_IKHEADERS",
    "CONFIG_DEBUG_INFO_BTF", "CONFIG_BPF_EVENTS",
)


def _read(root: Path, rel: str) -> str | None:
    try:
        return (root / rel).read_text(errors="replace").strip()
    except OSError:
        return None


def read_config(root: Path) -> dict[str, str]:
    p = root / "proc/config.gz"
    try:
        with gzip.open(p, "rt", errors="replace") as f:
            text = f.read()
    except (OSError, EOFError):
        return {}
    cfg: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
        if m and m.group(1) in RELEVANT_CONFIG:
            cfg[m.group(1)] = m.group(2).strip('"')
        m = re.match(r"^# (CONFIG_\w+) is not set", line)
        if m and m.group(1) in RELEVANT_CONFIG:
            cfg[m.group(1)] = "n"
    return cfg


def parse_stats(text: str) -> dict[str, int | float]:
    """per_cpu/cpuN/stats -> {'entries': .., 'overrun': .., 'commit_overrun': .., 'dropped_events': ..}."""
    out: dict[str, int | float] = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        k, v = line.split(":", 1)
        key = k.strip().replace(" ", "_")
        try:
            out[key] = int(v.strip())
        except ValueError:
            try:
                out[key] = float(v.strip())
            except ValueError:
                pass
    return out


def lost_from_stats(stats: dict[str, int | float]) -> int:
    """Events the ring buffer lost on one CPU: overwritten + commit overruns + dropped."""
    return int(stats.get("overrun", 0)) + int(stats.get("commit_overrun", 0)) + int(stats.get("dropped_events", 0))


def snapshot(root: str | os.PathLike = "/") -> dict[str, Any]:
    """Topology of the box whose files are under ``root`` (``/`` = this machine)."""
    root = Path(root)
    cpu = "sys/devices/system/cpu"
    topo: dict[str, Any] = {}
    for key in ("possible", "present", "online", "isolated", "nohz_full"):
        topo[key] = parse_cpulist(_read(root, f"{cpu}/{key}"))
    node_of_cpu: dict[str, int] = {}
    node_dir = root / "sys/devices/system/node"
    if node_dir.is_dir():
        for d in sorted(node_dir.glob("node[0-9]*")):
            for c in parse_cpulist(_read(root, f"sys/devices/system/node/{d.name}/cpulist")):
                node_of_cpu[str(c)] = int(d.name[4:])
    smt: dict[str, list[int]] = {}
    cpu_dir = root / cpu
    if cpu_dir.is_dir():
        for d in sorted(cpu_dir.glob("cpu[0-9]*"), key=lambda p: int(p.name[3:])):
            sib = _read(root, f"{cpu}/{d.name}/topology/thread_siblings_list")
            if sib is not None:
                smt[d.name[3:]] = parse_cpulist(sib)
    topo["node_of_cpu"] = node_of_cpu
    topo["smt_siblings"] = smt
    release = _read(root, "proc/sys/kernel/osrelease")
    uname = _read(root, "uname")
    if uname is None and root == Path("/"):
        try:  # the same text the shell collector stores (`uname -a`)
            uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, timeout=5).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            uname = None
        if not uname:
            u = os.uname()
            uname = f"{u.sysname} {u.nodename} {u.release} {u.version} {u.machine}"
    topo["uname"] = uname
    topo["release"] = release or (uname.split()[2] if uname and len(uname.split()) > 2 else None)
    topo["cmdline"] = _read(root, "proc/cmdline")
    cfg = read_config(root)
    topo["config"] = cfg
    hz = cfg.get("CONFIG_HZ")
    topo["hz"] = int(hz) if hz and hz.isdigit() else None
    # isolcpus= / nohz_full= on the command line when sysfs does not say (old kernels)
    cmd = topo["cmdline"] or ""
    if not topo["nohz_full"]:
        m = re.search(r"(?:^|\s)nohz_full=(\S+)", cmd)
        if m:
            topo["nohz_full"] = parse_cpulist(m.group(1))
    topo["buffer_stats"] = {}
    return topo
