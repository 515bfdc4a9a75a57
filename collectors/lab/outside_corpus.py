"""A corpus of the "outside class" made with the lab: plain ftrace text of the top-level instance,
what a kernel engineer outside the lab sends (no topology, no bring-up order, no metadata).

    python3 -m tmigr_trace.collectors.lab.outside_corpus --out DIR [--only NAME ...] [--list]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set extra [--out corpus-lab2] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set third [--out corpus-lab3] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set fourth [--out corpus-lab4] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set fifth [--out corpus-lab5] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set sixth [--out corpus-lab6] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set seventh [--out corpus-lab7] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set eighth [--out corpus-lab8] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set ninth [--out corpus-lab9] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set tenth [--out corpus-lab10] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set eleventh [--out corpus-lab11] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twelfth [--out corpus-lab12] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirteenth [--out corpus-lab13] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set fourteenth [--out corpus-lab14] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set fifteenth [--out corpus-lab15] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set sixteenth [--out corpus-lab16] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set seventeenth [--out corpus-lab17] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set eighteenth [--out corpus-lab18] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set nineteenth [--out corpus-lab19] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twentieth [--out corpus-lab20] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-first [--out corpus-lab21] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-second [--out corpus-lab22] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-third [--out corpus-lab23] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-fourth [--out corpus-lab24] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-fifth [--out corpus-lab25] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-sixth [--out corpus-lab26] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-seventh [--out corpus-lab27] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-eighth [--out corpus-lab28] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set twenty-ninth [--out corpus-lab29] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirtieth [--out corpus-lab30] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-first [--out corpus-lab31] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-second [--out corpus-lab32] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-third [--out corpus-lab33] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-fourth [--out corpus-lab34] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-fifth [--out corpus-lab35] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-sixth [--out corpus-lab36] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set ubuntu [--out corpus-lab-ubuntu] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-seventh [--out corpus-lab37] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-eighth [--out corpus-lab38] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set thirty-ninth [--out corpus-lab39] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set fortieth [--out corpus-lab40] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set forty-first [--out corpus-lab41] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set forty-second [--out corpus-lab42] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set forty-third [--out corpus-lab43] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --set forty-fourth [--out corpus-lab44] [--only ...]
    python3 -m tmigr_trace.collectors.lab.outside_corpus --out DIR --fixtures fixtures/outside-class --pick NAME ...

Each run is one `lab run --text-out NAME.trace.txt.xz` (collectors/lab/run.py); the runs, their
QEMU options, kernel command lines, what the init did, events, sizes and measured times go to
OUT/provenance.json and the table OUT/PROVENANCE.md (regenerated from the JSON after every run, so
an interrupted corpus keeps what it made). A run whose guest oopses (known with multi-threaded TCG
on 7.x) is retried once and the oops is recorded.
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tmigr_trace.cpulist import format_cpulist
from tmigr_trace.errors import TmigrError
from tmigr_trace.importers import text_header

from . import kernels, qemu, run


@dataclass
class Spec:
    name: str  # <what>; the file is <kernel>-<cpus>cpu-<nodes>node-<what>.trace.txt.xz (Ubuntu: <kernel> is
    # the whole release, 7.0.0-44-generic-16cpu-...)
    kernel: str  # --kernel series, point release or release; Ubuntu: ubuntu:7.0.0-44 (kernels.ubuntu_spec)
    cpus: int = 16
    nodes: int = 2
    smt: int = 2
    maxcpus: int | None = None
    order: str | None = None  # --online-order
    isolcpus: str | None = None
    boot_trace: bool = True
    scenario: str = "hotplug-one"
    duration: float = 2.0
    threads: str = "single"
    hotplug: str | None = None
    trace_clock: str | None = None
    hash_ptr: bool = False
    buffer_kb: int = 2048
    nohz_full: str | None = None  # nohz_full= on the kernel command line (qemu.Topology.nohz_full)
    node_cpus: str | None = None  # uneven nodes: each node's CPU list, "/"-separated ("0-7/8-11")
    events: str | None = None  # other events in the same buffer ("timer:*,sched:sched_switch,irq:*")
    cmdline: str | None = None  # more kernel command-line words ("nohz=off", "rcu_nocbs=1-15", "threadirqs")
    pipe: bool = False  # ship what a reader of trace_pipe consumed (no header) instead of the trace file
    possible: int | None = None  # QEMU -smp N,maxcpus=M: M possible CPUs, M - N empty hotplug slots
    scenario_env: str | None = None  # more guest variables for the scenario ("LAB_SUSPEND=freeze LAB_SUSPEND_ROUNDS=2")
    console: bool = False  # also keep the guest's serial console (NAME.console.log.xz: the ftrace_dump of ftrace-dump)


RUNS = [
    # class (a): boot-time tracing, maxcpus=3, glob onlining, one offline/online, per series
    Spec("boot-glob-hotplug", "7.3", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug", "7.2", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug", "7.1", maxcpus=3, order="glob"),
    Spec("boot-glob-hotplug", "7.0", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug", "6.19", maxcpus=3, order="glob"),
    Spec("boot-glob-hotplug", "6.18", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug", "6.12", maxcpus=3, order="glob"),
    # class (b): isolcpus, all CPUs up at boot, events enabled after boot (no setup events)
    Spec("isolcpus6-9-late", "7.3", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn", duration=3),
    Spec("isolcpus6-9-late", "6.19", isolcpus="domain,6-9", boot_trace=False, scenario="isolated", duration=3,
         threads="multi"),
    Spec("isolcpus6-9-late", "6.18", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn", duration=3),
    # class (c): 32 vCPUs, boot-time tracing, maxcpus=3, node 1's CPU 16 onlined first
    Spec("boot-remote-node-first", "7.3", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle"),
    Spec("boot-remote-node-first", "7.2", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle",
         threads="multi"),
    Spec("boot-remote-node-first", "6.12", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle"),
    # other topologies
    Spec("smt2-boot-glob-idle", "7.2", nodes=1, maxcpus=3, order="glob", scenario="all-idle"),
    Spec("nosmt-boot-allup-idle", "6.18", cpus=8, nodes=1, smt=1, scenario="all-idle"),
    Spec("nosmt-boot-glob-hotplug", "7.3", cpus=8, nodes=1, smt=1, maxcpus=2, order="glob"),
    Spec("nosmt-late-churn", "7.1", nodes=4, smt=1, boot_trace=False, scenario="idle-churn", duration=3),
    Spec("smt2-late-churn", "7.0", nodes=1, boot_trace=False, scenario="idle-churn", duration=3),
    Spec("smt2-boot-glob-churn", "6.12", nodes=4, maxcpus=3, order="glob", scenario="idle-churn", duration=3),
    Spec("smt2-boot-glob-churn", "7.3", nodes=4, maxcpus=3, order="glob", scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("smt2-boot-glob-churn", "7.0", cpus=32, maxcpus=3, order="glob", scenario="idle-churn", duration=3),
    Spec("smt2-boot-allup-idle", "7.1", scenario="all-idle", trace_clock="global"),
    Spec("boot-glob-migrator-hotplug", "7.3", cpus=32, nodes=4, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=4),
    Spec("late-churn-hashptr", "6.19", boot_trace=False, scenario="idle-churn", duration=3, hash_ptr=True),
    Spec("late-churn", "6.12", boot_trace=False, scenario="idle-churn", duration=3),
    # more of the classes above on other series / with multi-threaded TCG
    Spec("isolcpus6-9-late", "6.12", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn", duration=3),
    Spec("isolcpus6-9-late", "7.0", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("boot-remote-node-first-hotplug", "7.3", cpus=32, maxcpus=3, order="16,1-15,17-31", threads="multi",
         hotplug="20"),
    Spec("boot-remote-node-first", "6.19", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle"),
    Spec("boot-remote-node-first", "7.1", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle",
         trace_clock="mono"),
    Spec("smt2-boot-glob-hotplug", "6.18", cpus=32, nodes=4, maxcpus=3, order="glob"),
    Spec("smt2-boot-glob-idle", "7.3", cpus=64, nodes=4, maxcpus=4, order="glob", scenario="all-idle",
         buffer_kb=1024),
]

# The second set (`--set extra`, written to corpus-lab2): what the first set does not vary and real
# users' traces do. Kernels: point releases other than the newest of a series, 6.16/6.17 and the
# 7.3 release candidate; 6.12.43, 6.16.12 and 6.17.8 lack 5eb579dfd46b (imbalanced NUMA trees,
# bug #14: divergences there may be true ones). Topologies: 3 nodes, 12/24/48 vCPUs, SMT 4, a node
# with fewer online CPUs than the other (an explicit --online-order that leaves CPUs offline).
# Buffers and clocks: an overwritten ring buffer (the text starts mid-stream), the local,
# x86-tsc, mono_raw, boot, uptime and counter trace clocks, hash-ptr kept with boot-time tracing.
# Runs: 6-10 s of churn, other isolcpus ranges, offline/online of the boot CPUs and migrators.
EXTRA_RUNS = [
    # point releases and series not in the first set
    Spec("boot-nodes-rr-hotplug", "6.12.43", cpus=32, maxcpus=3, order="nodes", hotplug="17"),
    Spec("boot-glob-hotplug", "6.16.12", cpus=32, maxcpus=3, order="glob"),
    Spec("boot-nodes-rr-churn", "6.17.8", cpus=32, maxcpus=3, order="nodes", scenario="idle-churn", duration=3),
    Spec("late-churn-6s", "6.17.13", boot_trace=False, scenario="idle-churn", duration=6),
    Spec("boot-glob-hotplug", "7.0.4", maxcpus=3, order="glob"),
    Spec("smt2-boot-glob-churn", "7.3-amd64", maxcpus=3, order="glob", scenario="idle-churn", duration=3),
    Spec("isolcpus1-3,12-15-late", "7.2.6", isolcpus="domain,1-3,12-15", boot_trace=False,
         scenario="idle-churn", duration=4),
    Spec("boot-remote-node-first", "6.19.6", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle"),
    Spec("late-churn", "7.1.3", nodes=4, boot_trace=False, scenario="idle-churn", duration=4),
    Spec("boot-glob-hotplug1", "6.18.5", maxcpus=3, order="glob", hotplug="1"),
    # topologies not in the first set
    Spec("smt2-boot-glob-churn", "7.3", cpus=24, nodes=3, maxcpus=3, order="glob", scenario="idle-churn",
         duration=4),
    Spec("nosmt-late-churn", "6.18", cpus=24, nodes=3, smt=1, boot_trace=False, scenario="idle-churn", duration=4),
    Spec("smt2-boot-glob-idle", "7.2", cpus=48, maxcpus=3, order="glob", scenario="all-idle", buffer_kb=1024),
    Spec("smt2-boot-glob-hotplug", "6.19", cpus=48, nodes=3, maxcpus=3, order="glob", buffer_kb=1024),
    Spec("smt4-boot-glob-hotplug", "7.1", smt=4, maxcpus=3, order="glob"),
    Spec("nosmt-boot-glob-churn", "7.3", cpus=12, nodes=1, smt=1, maxcpus=3, order="glob", scenario="idle-churn",
         duration=4),
    Spec("nosmt-late-churn", "6.17.13", cpus=12, nodes=3, smt=1, boot_trace=False, scenario="idle-churn",
         duration=4),
    Spec("boot-node1-3cpus-churn", "7.0", maxcpus=3, order="3-7,8-10", scenario="idle-churn", duration=3),
    Spec("boot-node1-4cpus-hotplug", "6.19", cpus=32, maxcpus=3, order="3-15,16-19", hotplug="17"),
    Spec("boot-remote-nodes-first", "7.1", cpus=24, nodes=3, maxcpus=2, order="16,8,2-7,9-15,17-23",
         scenario="all-idle"),
    Spec("boot-maxcpus1-glob-hotplug", "6.18", maxcpus=1, order="glob"),
    # overwritten ring buffers: the text starts mid-stream (entries-in-buffer < entries-written, a
    # "##### CPU N buffer started ####" line where each CPU's kept events begin); 64-128 KB per CPU did
    # not overwrite in 8 s of churn (the busiest CPU writes ~900 events), 16 KB did on 6.19 and 7.1 but
    # not on 7.3.4 with 16 vCPUs, nor 8 KB (2627/2627 events): 32 vCPUs and 8 KB there
    Spec("late-churn-8s-overwritten", "7.3", cpus=32, boot_trace=False, scenario="idle-churn", duration=8,
         buffer_kb=8),
    Spec("boot-glob-churn-6s-overwritten", "6.19", maxcpus=3, order="glob", scenario="idle-churn", duration=6,
         buffer_kb=16),
    Spec("late-steady-8s-overwritten", "7.1", cpus=32, boot_trace=False, scenario="steady", duration=8,
         buffer_kb=12),
    # trace clocks and pointer hashing
    Spec("late-churn-clock-local", "7.2", boot_trace=False, scenario="idle-churn", duration=4, trace_clock="local"),
    Spec("boot-glob-hotplug-clock-x86-tsc", "7.0", maxcpus=3, order="glob", trace_clock="x86-tsc"),
    Spec("boot-allup-idle-clock-mono_raw", "6.18", scenario="all-idle", trace_clock="mono_raw"),
    Spec("late-churn-clock-boot", "7.3", nodes=4, boot_trace=False, scenario="idle-churn", duration=4,
         trace_clock="boot"),
    Spec("boot-glob-churn-clock-uptime", "7.1", maxcpus=3, order="glob", scenario="idle-churn", duration=3,
         trace_clock="uptime"),
    Spec("late-churn-clock-counter", "6.19", boot_trace=False, scenario="idle-churn", duration=3,
         trace_clock="counter"),
    Spec("boot-glob-hotplug-hashptr", "7.3", maxcpus=3, order="glob", hash_ptr=True),
    # longer churn, other isolcpus ranges, offline/online of other CPUs
    Spec("late-churn-10s", "7.3", boot_trace=False, scenario="idle-churn", duration=10, buffer_kb=4096),
    Spec("smt2-boot-glob-churn-8s", "6.12", nodes=4, maxcpus=3, order="glob", scenario="idle-churn", duration=8,
         buffer_kb=4096),
    Spec("isolcpus8-15-late-isolated", "7.3", isolcpus="nohz,domain,8-15", boot_trace=False, scenario="isolated",
         duration=4),
    Spec("isolcpus2-5-boot-glob-hotplug", "6.18", maxcpus=3, order="glob", isolcpus="domain,2-5"),
    Spec("migrator-hotplug-8s", "7.0", maxcpus=3, order="glob", scenario="migrator-hotplug", duration=8,
         hotplug="1 8 9"),
    Spec("nosmt-boot-allup-hotplug0", "7.3", cpus=8, nodes=1, smt=1, hotplug="0"),
    Spec("boot-nodes-staggered", "7.3", cpus=32, nodes=4, maxcpus=2, order="nodes", scenario="staggered-online",
         duration=6),
    # heavier churn (many CPUs, several seconds) on more point releases: where overlapping steps
    # and untraced lookups interleave most
    Spec("late-churn-6s", "7.2.9", cpus=48, nodes=3, boot_trace=False, scenario="idle-churn", duration=6,
         buffer_kb=4096),
    Spec("smt2-boot-glob-churn-6s", "7.1.7", cpus=32, nodes=4, maxcpus=3, order="glob", scenario="idle-churn",
         duration=6, buffer_kb=4096),
    Spec("boot-nodes-rr-churn", "7.0.9", cpus=24, nodes=3, maxcpus=3, order="nodes", scenario="idle-churn",
         duration=4),
    Spec("late-churn-6s", "6.19.10", cpus=32, boot_trace=False, scenario="idle-churn", duration=6, buffer_kb=4096),
    Spec("smt2-boot-glob-churn", "6.18.9", cpus=32, nodes=4, maxcpus=3, order="glob", scenario="idle-churn",
         duration=4),
    Spec("boot-glob-churn-6s", "6.17.13", cpus=48, maxcpus=3, order="glob", scenario="idle-churn", duration=6,
         buffer_kb=4096),
    Spec("boot-glob-migrator-hotplug-8s", "7.3", cpus=24, nodes=3, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=8),
    Spec("late-churn-multi", "7.2", cpus=24, nodes=3, boot_trace=False, scenario="idle-churn", duration=4,
         threads="multi"),
    # second instances of what the runs above found hard: hash-ptr kept with boot tracing, CPUs
    # isolated at the end of each node in a late trace, more churn on many CPUs
    Spec("boot-glob-hotplug-hashptr", "6.19", cpus=32, maxcpus=3, order="glob", hash_ptr=True),
    Spec("isolcpus5-7,13-15-late", "6.18", isolcpus="domain,5-7,13-15", boot_trace=False, scenario="idle-churn",
         duration=4),
    Spec("smt2-boot-glob-churn-6s", "7.3", cpus=48, maxcpus=3, order="glob", scenario="idle-churn", duration=6,
         buffer_kb=4096),
    Spec("late-churn-6s", "6.19", cpus=32, nodes=4, boot_trace=False, scenario="idle-churn", duration=6,
         buffer_kb=4096),
]

# The third set (`--set third`, written to corpus-lab3): fresh captures nobody has replayed, varying
# what the first two sets hold constant. Kernels: point releases in neither set (6.12.95 from
# bookworm-backports, 6.18.12, 6.19.8, 6.19.11, 7.0.10, 7.1.8, 7.2.11) next to the cached newest
# ones. Topologies: 20 vCPUs, 40 vCPUs on 5 nodes, 64 vCPUs churning, 8 vCPUs on 2 nodes without
# SMT. Boot-time tracing with the default ascending onlining (maxcpus, no order), the nodes onlined
# last node first, an interleaved explicit order. Offline/online of other CPUs (the last CPU, the
# first CPU of node 1, an isolated CPU, the migrators of four nodes in a late trace), overwritten
# buffers on 7.2 and 6.12 (boot-time), hash-ptr kept on 7.2 (boot) and 6.18 (late), the tai and
# perf trace clocks, isolcpus of a whole node, of alternate CPUs (nohz) and of node 1's last CPUs
# with boot tracing, 8 s of churn on 40 vCPUs, staggered onlining on 6.18.
THIRD_RUNS = [
    # new point releases
    Spec("boot-ascending-hotplug19", "7.1.8", cpus=20, maxcpus=3, hotplug="19"),
    Spec("boot-reverse-nodes-churn", "7.0.10", cpus=40, nodes=5, maxcpus=3, order="32-39,24-31,16-23,8-15,1-7",
         scenario="idle-churn", duration=3),
    Spec("nosmt-boot-interleaved-hotplug4", "6.19.11", cpus=8, smt=1, maxcpus=2, order="4,2,6,3,7,5",
         hotplug="4"),
    Spec("late-churn-8s-overwritten", "7.2.11", cpus=32, boot_trace=False, scenario="idle-churn", duration=8,
         buffer_kb=8),
    Spec("boot-glob-churn-6s-overwritten", "6.12.95", maxcpus=3, order="glob", scenario="idle-churn", duration=6,
         buffer_kb=16),
    Spec("late-churn-hashptr", "6.18.12", cpus=20, boot_trace=False, scenario="idle-churn", duration=3,
         hash_ptr=True),
    Spec("boot-glob-hotplug-clock-tai", "6.19.8", maxcpus=3, order="glob", trace_clock="tai"),
    Spec("late-migrator-hotplug-8s", "7.1.8", cpus=32, nodes=4, boot_trace=False, scenario="migrator-hotplug",
         duration=8, hotplug="9 17 25 31"),
    Spec("late-steady-6s", "7.0.10", cpus=20, boot_trace=False, scenario="steady", duration=6),
    # other topologies, clocks, isolcpus and hotplug on the cached newest releases
    Spec("smt2-boot-glob-churn", "7.3", cpus=64, nodes=4, maxcpus=4, order="glob", scenario="idle-churn",
         duration=2, buffer_kb=1024),
    Spec("boot-ascending-hotplug12-hashptr", "7.2", cpus=24, maxcpus=4, hotplug="12", hash_ptr=True),
    Spec("late-churn-clock-perf", "7.0", cpus=20, boot_trace=False, scenario="idle-churn", duration=3,
         trace_clock="perf"),
    Spec("isolcpus10-19-late", "7.1", cpus=20, isolcpus="domain,10-19", boot_trace=False, scenario="idle-churn",
         duration=3),
    Spec("isolcpus1,3,5,7-late-isolated", "7.3", cpus=8, smt=1, isolcpus="nohz,domain,1,3,5,7", boot_trace=False,
         scenario="isolated", duration=3),
    Spec("isolcpus12-15-boot-ascending-hotplug13", "6.12", maxcpus=3, isolcpus="domain,12-15", hotplug="13"),
    Spec("late-churn-8s", "6.19", cpus=40, nodes=5, boot_trace=False, scenario="idle-churn", duration=8,
         buffer_kb=4096),
    Spec("boot-staggered-ascending", "6.18", cpus=20, maxcpus=2, scenario="staggered-online", duration=5),
]

# The fourth set (`--set fourth`, written to corpus-lab4): fresh captures varying what the first
# three sets hold constant. Kernels: point releases in none of them (6.12.74 from bookworm-backports,
# 6.12.107, 6.16.3, 6.19.13, 7.0.7, 7.0.12, 7.2.12) next to the cached newest ones. Topologies: 12
# vCPUs on 3 nodes (SMT 2 and without SMT), 28 vCPUs on 2 nodes, 48 vCPUs on 6 nodes, 16 and 32
# vCPUs on 4 nodes without SMT. Boot-time tracing with the nodes' CPUs interleaved one by one, the
# highest CPU first (descending), a node left with one online CPU whose offline empties the node
# (three CPUs offlined and onlined in turn). Overwritten buffers with churn on 6.18 (boot), 7.0 (late)
# and 7.3 (boot), hash-ptr kept on a 6.16 boot trace, the global (boot) and mono (late) trace clocks,
# isolcpus of a single CPU and of a mixed list (one CPU + a node's last three, nohz) with an isolated
# CPU offlined, a multi-threaded TCG run on 6.12 (the 7.x oopses are not known there), 12 s steady.
# With SMT 2, maxcpus=N boots the first N primary threads (0, 2, 4, ...): explicit orders list CPU 1.
FOURTH_RUNS = [
    # new point releases
    Spec("boot-interleaved-nodes-hotplug4", "6.12.107", cpus=12, nodes=3, maxcpus=2, order="4,8,1,5,9,3,6,10,7,11",
         hotplug="4"),
    Spec("nosmt-boot-highest-first-hotplug12", "7.0.12", cpus=16, nodes=4, smt=1, maxcpus=2,
         order="15,14,13,12,11,10,9,8,7,6,5,4,3,2", hotplug="12"),
    Spec("nosmt-boot-node2-1cpu-migrator-hotplug", "6.19.13", cpus=12, nodes=3, smt=1, maxcpus=2, order="8,4,2,5",
         scenario="migrator-hotplug", duration=4, hotplug="8 5 1"),
    Spec("late-steady-12s", "7.2.12", cpus=28, boot_trace=False, scenario="steady", duration=12, buffer_kb=4096),
    Spec("nosmt-late-churn-8s-overwritten", "7.0.7", cpus=32, nodes=4, smt=1, boot_trace=False, scenario="idle-churn",
         duration=8, buffer_kb=8),
    Spec("boot-glob-hotplug-hashptr", "6.16.3", cpus=24, maxcpus=3, order="glob", hash_ptr=True),
    Spec("isolcpus2,9-11-boot-ascending-hotplug10", "6.12.74", cpus=12, nodes=3, maxcpus=3,
         isolcpus="nohz,domain,2,9-11", hotplug="10"),
    Spec("nosmt-late-churn-multi", "6.12.107", cpus=12, nodes=3, smt=1, boot_trace=False, scenario="idle-churn",
         duration=4, threads="multi"),
    # other topologies, clocks, isolcpus and overwritten buffers on the cached newest releases
    Spec("boot-nodes-rr-idle", "7.3", cpus=48, nodes=6, maxcpus=3, order="nodes", scenario="all-idle",
         buffer_kb=1024),
    Spec("boot-glob-churn-6s-overwritten", "7.3", cpus=24, nodes=3, maxcpus=3, order="glob", scenario="idle-churn",
         duration=6, buffer_kb=16),
    Spec("smt2-boot-glob-churn-6s-overwritten", "6.18", nodes=4, maxcpus=3, order="glob", scenario="idle-churn",
         duration=6, buffer_kb=16),
    Spec("boot-nodes-rr-hotplug27-clock-global", "6.18", cpus=28, maxcpus=3, order="nodes", hotplug="27",
         trace_clock="global"),
    Spec("nosmt-late-churn-clock-mono", "7.3", nodes=4, smt=1, boot_trace=False, scenario="idle-churn", duration=4,
         trace_clock="mono"),
    Spec("isolcpus5-late-isolated", "7.1", cpus=12, nodes=3, isolcpus="domain,5", boot_trace=False,
         scenario="isolated", duration=4),
]

# The fifth set (`--set fifth`, written to corpus-lab5): fresh captures varying what the first four
# sets hold constant. Kernels: the only Debian point releases in none of them are 6.12.y ones from
# bookworm-backports (6.12.57, 6.12.69, 6.12.85, 6.12.90 (-2, +deb12.1), 6.12.94: before and after
# the 2026-03 posting of the 5eb579dfd46b backport for 6.12.y, with node 1/2 CPUs onlined first on
# the newest), the other series on their newest releases (6.16.12, 6.17.13 there). Topologies: odd
# vCPU counts (10 on 5 nodes, 14 with 7 cores per node or 7 cores x SMT 2 on one node, 18 on 3
# nodes, 36 on 3 nodes x SMT 4 and on 6 nodes without SMT). Boot-time tracing with all CPUs up at
# boot and churn (SMT 4; nohz_full=1-9 alone, no isolcpus), staggered onlining in glob order, a
# whole node's CPUs (and CPU 0's SMT sibling) made migrator and offlined/onlined one after the
# other on 7.2 (all up at boot), migrator-hotplug on 6.12. Overwritten buffers on 6.12 (late), 7.2
# and 7.0 (boot, node 1 first on 7.0), hash-ptr kept on a late 7.0 trace, the counter clock with
# boot tracing and x86-tsc on a late trace, isolcpus as a bare list (no flags) of CPU 0's SMT
# sibling and a node-2 CPU, 10 s of steady (36 vCPUs, late) and churn (36 vCPUs, boot) runs,
# multi-threaded TCG on 6.16 (never run multi-threaded) with boot tracing.
FIFTH_RUNS = [
    # new point releases (6.12.y only: every 6.16-7.3 release Debian offers is in an earlier set)
    Spec("smt4-boot-allup-churn", "6.12.90", cpus=36, nodes=3, smt=4, scenario="idle-churn", duration=3),
    Spec("boot-remote-nodes-first-idle", "6.12.94", cpus=18, nodes=3, maxcpus=2, order="12,6,1-5,7-11,13-17",
         scenario="all-idle"),
    Spec("late-churn-8s-overwritten", "6.12.85", cpus=10, nodes=5, boot_trace=False, scenario="idle-churn",
         duration=8, buffer_kb=8),
    Spec("nosmt-boot-ascending-hotplug7-clock-counter", "6.12.69", cpus=14, smt=1, maxcpus=3, hotplug="7",
         trace_clock="counter"),
    Spec("nosmt-boot-glob-migrator-hotplug", "6.12.57", cpus=18, nodes=3, smt=1, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=4),
    # other topologies, isolation, clocks, hotplug and buffers on the other series
    Spec("boot-nodes-rr-hotplug9-multi", "6.16.12", cpus=10, nodes=5, maxcpus=3, order="nodes", hotplug="9",
         threads="multi"),
    Spec("nosmt-late-steady-10s", "6.17.13", cpus=36, nodes=6, smt=1, boot_trace=False, scenario="steady",
         duration=10, buffer_kb=4096),
    Spec("nosmt-nohz_full1-9-boot-allup-churn", "6.18", cpus=10, smt=1, nohz_full="1-9", scenario="idle-churn",
         duration=3),
    Spec("isolcpus1,13-late-isolated", "6.19", cpus=18, nodes=3, isolcpus="1,13", boot_trace=False,
         scenario="isolated", duration=4),
    Spec("nosmt-late-churn-hashptr", "7.0", cpus=14, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         hash_ptr=True),
    Spec("nosmt-boot-node1-first-churn-6s-overwritten", "7.0", cpus=14, smt=1, maxcpus=2, order="7,2-6,8-13",
         scenario="idle-churn", duration=6, buffer_kb=12),
    Spec("boot-staggered-glob", "7.1", cpus=18, nodes=3, maxcpus=2, order="glob", scenario="staggered-online",
         duration=6),
    Spec("boot-allup-migrator-hotplug-node2", "7.2", cpus=18, nodes=3, scenario="migrator-hotplug", duration=4,
         hotplug="12 13 14 15 16 17 1"),
    Spec("smt2-boot-glob-churn-6s-overwritten", "7.2", cpus=14, nodes=1, maxcpus=3, order="glob",
         scenario="idle-churn", duration=6, buffer_kb=12),
    Spec("boot-glob-churn-10s", "7.3", cpus=36, nodes=3, maxcpus=3, order="glob", scenario="idle-churn",
         duration=10, buffer_kb=4096),
    Spec("smt2-late-churn-clock-x86-tsc", "7.3", cpus=10, nodes=1, boot_trace=False, scenario="idle-churn",
         duration=4, trace_clock="x86-tsc"),
]

# The sixth set (`--set sixth`, written to corpus-lab6): fresh captures of what kernel engineers
# outside the lab send, varying what the first five sets hold constant. Boot-time tracing with
# maxcpus=1 (only the boot CPU up at boot, every other CPU onlined by the init: 64 vCPUs on one node,
# 7 vCPUs, and 28 vCPUs with node 1 torn down and rebuilt); boot-time tracing with every CPU up at
# boot and small buffers, so the boot head (the boot CPUs' setup events) is overwritten. Long
# captures (15-20 s, 4-8 MB per CPU) of small boxes (8-16 vCPUs). Hotplug storms (the new
# hotplug-storm scenario: several CPUs offlined one after the other, then onlined in another
# order, round after round): a whole node (node 1 of 24 and 28 vCPUs, node 2 of 9 vCPUs), CPUs of
# both nodes (16 and 48 vCPUs), every CPU but cpu0 (12 vCPUs). Topologies: 2 nodes x SMT 2 with
# 24/28/48 vCPUs, 8 vCPUs on 2 nodes x SMT 2, one node with 12 and 64 vCPUs, 7 and 9 vCPUs. Clocks:
# local (default, and written explicitly on the command line), global, mono_raw and boot.
# isolcpus with managed_irq and nohz_full together, cpu0's SMT sibling isolated (boot-time, all up
# on 6.18; onlined late on 7.3). Multi-threaded TCG on 6.17 (never run multi-threaded before).
# Every series 6.12 (newest: 6.12.117) and 6.16-7.3 at least once.
SIXTH_RUNS = [
    # boot-time tracing with maxcpus=1: only the boot CPU up, everything else onlined later
    Spec("smt2-boot-maxcpus1-glob-idle", "7.3", cpus=64, nodes=1, maxcpus=1, order="glob", scenario="all-idle",
         buffer_kb=1024),
    Spec("nosmt-boot-maxcpus1-hotplug-storm", "6.16", cpus=7, nodes=1, smt=1, maxcpus=1, scenario="hotplug-storm",
         duration=4, hotplug="2 5 6"),
    Spec("boot-maxcpus1-nodes-rr-hotplug-storm-node1", "6.19", cpus=28, maxcpus=1, order="nodes",
         scenario="hotplug-storm", duration=4),
    # boot-time tracing, every CPU up at boot, small buffers: the boot head is overwritten
    Spec("smt2-boot-allup-churn-6s-overwritten", "6.19", cpus=12, nodes=1, scenario="idle-churn", duration=6,
         buffer_kb=16),
    Spec("boot-allup-churn-overwritten-clock-global-multi", "6.17", cpus=28, scenario="idle-churn", duration=4,
         buffer_kb=12, trace_clock="global", threads="multi"),
    # long captures of small boxes, larger buffers
    Spec("boot-allup-steady-16s-clock-mono_raw", "7.1", scenario="steady", duration=16, buffer_kb=8192,
         trace_clock="mono_raw"),
    Spec("boot-allup-churn-15s", "6.12", scenario="idle-churn", duration=15, buffer_kb=8192),
    Spec("nosmt-late-churn-20s-clock-boot", "7.0", cpus=8, nodes=1, smt=1, boot_trace=False, scenario="idle-churn",
         duration=20, buffer_kb=8192, trace_clock="boot"),
    Spec("boot-allup-steady-18s-clock-local", "7.3", cpus=8, scenario="steady", duration=18, buffer_kb=4096,
         trace_clock="local"),
    # hotplug storms: several CPUs offlined, then onlined in another order, repeatedly
    Spec("boot-allup-hotplug-storm-node1", "7.2", cpus=24, scenario="hotplug-storm", duration=4),
    Spec("late-hotplug-storm-3,9,12,6,15", "6.12", boot_trace=False, scenario="hotplug-storm", duration=6,
         hotplug="3 9 12 6 15"),
    Spec("nosmt-boot-ascending-hotplug-storm-node2", "7.0", cpus=9, nodes=3, smt=1, maxcpus=2,
         scenario="hotplug-storm", duration=4),
    Spec("boot-glob-hotplug-storm-24,25,47,1", "6.18", cpus=48, maxcpus=3, order="glob", scenario="hotplug-storm",
         duration=4, hotplug="24 25 47 1", buffer_kb=1024),
    Spec("nosmt-late-hotplug-storm-all-but-cpu0", "7.1", cpus=12, nodes=1, smt=1, boot_trace=False,
         scenario="hotplug-storm", duration=4, hotplug="1-11"),
    # isolcpus with managed_irq and nohz_full, cpu0's SMT sibling isolated
    Spec("isolcpus1-3-managed_irq-nohz_full-boot-allup-isolated", "6.18", isolcpus="nohz,domain,managed_irq,1-3",
         nohz_full="1-3", scenario="isolated", duration=4),
    Spec("isolcpus1,12-13-managed_irq-nohz_full-boot-glob-isolated", "7.3", cpus=24, maxcpus=3, order="glob",
         isolcpus="managed_irq,domain,1,12-13", nohz_full="1,12-13", scenario="isolated", duration=3),
]

# The seventh set (`--set seventh`, written to corpus-lab7): what engineers outside the lab send and
# the first six sets never made. Other events in the same buffer: timer_migration:* next to
# timer:*, sched:sched_switch and irq:* (on the boot command line's trace_event= list, or written
# to set_event after boot), so the tmigr lines are a small part of the text (buffers of 4-8 MB per
# CPU). Uneven NUMA nodes (explicit per-node CPU lists, qemu.Topology.node_cpulists: 8+4 vCPUs
# with SMT 2, 7+5+3 and 24+16 without SMT; the sockets are then the largest equal blocks inside
# one node). Kernel command lines that change when CPUs go idle or where the work runs: nohz=off
# (the tick never stops: few idle transitions), isolcpus=nohz,... alone (tick isolation without
# domain isolation), rcu_nocbs=, threadirqs (with irq:* and sched_switch events). Long hotplug
# storms (12-14 s, 6-7 rounds of several CPUs offlined and onlined). The text a reader of
# trace_pipe consumed from the start of the capture (no header; CPUs' events merged as read, while
# they were written) instead of the trace file. Series 6.12 and 6.16-7.3 on their newest releases,
# 6-40 vCPUs.
ALL_EVENTS = "timer:*,sched:sched_switch,irq:*"
SEVENTH_RUNS = [
    # other event types interleaved with the tmigr lines
    Spec("boot-glob-hotplug-mixed-events", "7.3", maxcpus=3, order="glob", events=ALL_EVENTS, buffer_kb=8192),
    Spec("nosmt-late-churn-mixed-events", "6.12", cpus=8, nodes=1, smt=1, boot_trace=False, scenario="idle-churn",
         duration=3, events=ALL_EVENTS, buffer_kb=8192),
    Spec("boot-allup-churn-timer-events", "7.1", cpus=24, nodes=3, scenario="idle-churn", duration=2,
         events="timer:*", buffer_kb=4096),
    Spec("threadirqs-late-churn-irq-sched-events", "6.16", cpus=20, boot_trace=False, scenario="idle-churn",
         duration=3, cmdline="threadirqs", events="irq:*,sched:sched_switch", buffer_kb=4096),
    # uneven NUMA nodes
    Spec("uneven8+4-boot-glob-churn", "7.2", cpus=12, node_cpus="0-7/8-11", maxcpus=3, order="glob",
         scenario="idle-churn", duration=3),
    Spec("nosmt-uneven7+5+3-boot-allup-hotplug-storm-node2", "6.19", cpus=15, nodes=3, smt=1,
         node_cpus="0-6/7-11/12-14", scenario="hotplug-storm", duration=4),
    Spec("nosmt-uneven24+16-late-churn", "7.0", cpus=40, smt=1, node_cpus="0-23/24-39", boot_trace=False,
         scenario="idle-churn", duration=2),
    # kernel command lines: the tick never stops, tick isolation alone, offloaded RCU callbacks
    Spec("nohz-off-boot-glob-hotplug", "6.17", maxcpus=3, order="glob", cmdline="nohz=off", duration=3),
    # (late churn under nohz=off, "smt2-nohz-off-late-churn" on 6.18 with 6 vCPUs, gave no tmigr event at all:
    # the text holds nothing to send; offline/online under nohz=off instead)
    Spec("smt2-nohz-off-late-hotplug-storm-3,4,5", "6.18", cpus=6, nodes=1, cmdline="nohz=off", boot_trace=False,
         scenario="hotplug-storm", duration=4, hotplug="3 4 5"),
    Spec("nosmt-isolcpus-nohz2-5-only-late-isolated", "7.3", cpus=8, nodes=1, smt=1, isolcpus="nohz,2-5",
         boot_trace=False, scenario="isolated", duration=3),
    Spec("rcu_nocbs1-15-boot-glob-churn", "7.0", maxcpus=3, order="glob", cmdline="rcu_nocbs=1-15",
         scenario="idle-churn", duration=3),
    # long hotplug storms: several CPUs offlined and onlined, round after round, for 12-14 s
    Spec("boot-allup-hotplug-storm-14s-3,6,9,12,15", "7.1", scenario="hotplug-storm", duration=14,
         hotplug="3 6 9 12 15", buffer_kb=4096),
    Spec("nosmt-late-hotplug-storm-12s-node1,2,11", "6.19", cpus=12, nodes=3, smt=1, boot_trace=False,
         scenario="hotplug-storm", duration=12, hotplug="4-7 2 11", buffer_kb=4096),
    # the text a trace_pipe reader consumed (no header)
    Spec("boot-glob-churn-trace-pipe", "7.2", cpus=20, maxcpus=3, order="glob", scenario="idle-churn", duration=3,
         pipe=True),
    Spec("smt2-late-churn-trace-pipe-timer-sched-events", "6.12", cpus=6, nodes=1, boot_trace=False,
         scenario="idle-churn", duration=3, pipe=True, events="timer:*,sched:sched_switch", buffer_kb=4096),
]

# The eighth set (`--set eighth`, written to corpus-lab8): what the first seven never did. Possible
# CPUs above the present ones (QEMU `-smp N,maxcpus=M`, Spec.possible / qemu.Topology.possible:
# M - N hotplug-capable empty slots; tmigr sizes its tree from num_possible_cpus(), the present CPUs
# fill node 0 first), and the kernel's nr_cpus= (fewer possible CPUs than the slots) and
# possible_cpus= parameters. Larger trees: 80 vCPUs on 4 nodes all up at boot, and 2 nodes with a
# whole level more than usual (80 of 144 possible CPUs: 72 per node, three levels per node under the top).
# Boot-time tracing with maxcpus=2, an overwritten buffer and hash-ptr kept together. isolcpus=domain
# of CPU 0's SMT sibling (CPU 1) with that isolated CPU offlined and onlined (7.1). The 6.12 series at
# its oldest Debian point releases the private apt still offers (6.12.43, downloaded; 6.12.57,
# cached) with boot tracing and hotplug. Late traces with 1-ms sleepers on every CPU for 8 s (the new
# dense-churn scenario) on 7.2 and 6.18. About 45 s of wall time each on the 2-core host.
EIGHTH_RUNS = [
    # possible CPUs above present/online ones
    Spec("possible24-boot-glob-hotplug", "7.3", possible=24, maxcpus=3, order="glob"),
    Spec("possible32-boot-ascending-hotplug9", "6.12.57", possible=32, maxcpus=3, hotplug="9"),
    Spec("nosmt-possible32-late-churn", "6.17", nodes=4, smt=1, possible=32, boot_trace=False,
         scenario="idle-churn", duration=3),
    Spec("possible32-nr_cpus20-boot-ascending-hotplug15", "7.1", possible=32, maxcpus=4, hotplug="15",
         cmdline="nr_cpus=20"),
    Spec("possible_cpus24-boot-allup-hotplug9", "6.18", hotplug="9", cmdline="possible_cpus=24"),
    # larger trees: 80 vCPUs on 4 nodes; 2 nodes with a whole level more (144 possible CPUs)
    Spec("smt2-boot-allup-idle", "7.3", cpus=80, nodes=4, scenario="all-idle", duration=2, buffer_kb=1024),
    # (16 present of 144 possible, "possible144-boot-glob-churn" on 6.19, put every present CPU in node 0:
    # the lazily built tree stopped at level 1; present CPUs in node 1 too take 80 of them)
    Spec("possible144-boot-allup-idle", "6.19", cpus=80, possible=144, scenario="all-idle", duration=2,
         buffer_kb=1024),
    # boot tracing, maxcpus=2, overwritten buffer and hash-ptr kept, combined
    Spec("boot-maxcpus2-glob-churn-overwritten-hashptr", "7.0", maxcpus=2, order="glob", scenario="idle-churn",
         duration=4, buffer_kb=12, hash_ptr=True),
    # CPU 0's SMT sibling isolated, then offlined and onlined
    Spec("isolcpus1-boot-glob-hotplug1", "7.1", isolcpus="domain,1", maxcpus=3, order="glob", hotplug="1"),
    # the oldest 6.12 point release still offered
    Spec("boot-glob-hotplug", "6.12.43", maxcpus=3, order="glob"),
    # dense churn: 1-ms sleepers on every CPU for 8 s
    Spec("late-dense-churn-8s", "7.2", boot_trace=False, scenario="dense-churn", duration=8, buffer_kb=4096),
    Spec("late-dense-churn-8s", "6.18", boot_trace=False, scenario="dense-churn", duration=8, buffer_kb=4096),
]

# The ninth set (`--set ninth`, written to corpus-lab9): what sets one to eight never varied. Deeper
# trees: 144 vCPUs all present on 2 nodes (72 per node: three levels per node, a fourth above), more
# than 8 nodes (9 and 10: two levels above the nodes). The machine going to sleep inside the trace
# (the new suspend scenario): suspend to RAM (S3: freeze_secondary_cpus() offlines every CPU but CPU 0
# and brings them back, a mass hotplug), real on 4 vCPUs (7.3, and twice on 6.12), the same sequence
# without the firmware sleep (pm_test=core twice, late, 16 vCPUs; pm_test=processors, 32 vCPUs); not
# suspend-to-idle (the RTC alarm does not wake it in the lab's QEMU). Trace options users set on the
# command line (trace_options=): the whole trace file in the latency format, record-tgid with noirq-info, and
# nooverwrite with a 16 KB buffer on 6.12.73 and 7.3 (the head is kept, the rest dropped: the opposite
# loss of an overwritten buffer); a 4 KB buffer (heavy overwrite). A console ftrace_dump (scenario
# ftrace-dump, the serial console kept as NAME.console.log.xz beside the text). Workloads: CPU hogs on half the
# CPUs while the others idle (the new hogs scenario), many pinned sleepers with periods of their own
# plus timer bursts (sleepers). nohz_full on all but two CPUs with a housekeeping CPU offlined and
# onlined; isolcpus=domain,managed_irq across the node boundary with an isolated node-1 CPU
# hotplugged. Kernels: 6.12.73 and the first 6.12.90 build (6.12.90-1, `6.12.90+deb12-amd64`), the
# point releases no set used, next to the series' newest.
NINTH_RUNS = [
    # the machine sleeps inside the trace
    # (16 vCPUs, "boot-allup-suspend-mem" on 7.3, timed out after 196 s: after a real S3 under TCG the
    # kernel brings each CPU back in 1.5-9 s; 4 vCPUs take 27 s. pm_test=core goes through the same
    # freeze_secondary_cpus()/thaw without the firmware sleep and resumes in about 1 s)
    Spec("nosmt-boot-allup-suspend-mem", "7.3", cpus=4, smt=1, scenario="suspend", duration=3),
    Spec("late-suspend-mem-pm_test-core-2rounds", "6.12", boot_trace=False, scenario="suspend", duration=4,
         scenario_env="LAB_SUSPEND_ROUNDS=2 LAB_PM_TEST=core"),
    Spec("nosmt-boot-allup-suspend-mem-2rounds", "6.12", cpus=4, smt=1, scenario="suspend", duration=4,
         scenario_env="LAB_SUSPEND_ROUNDS=2"),
    Spec("boot-glob-suspend-mem-pm_test-processors", "7.2", cpus=32, nodes=4, maxcpus=3, order="glob",
         scenario="suspend", duration=3, scenario_env="LAB_PM_TEST=processors"),
    # (suspend-to-idle, "boot-glob-suspend-freeze" on 7.1 with LAB_SUSPEND=freeze, never woke up: the RTC alarm
    # does not end s2idle in this QEMU (16 vCPUs: timed out after 196 s; 4 vCPUs with the RTC's wakeup
    # enabled: after 90 s); the text of a sleeping machine cannot be shipped)
    # trace options and buffer sizes users set on the command line
    Spec("boot-glob-hotplug-trace_options-latency-format", "7.0", maxcpus=3, order="glob",
         cmdline="trace_options=latency-format"),
    Spec("late-churn-trace_options-record-tgid-noirq-info", "6.18", boot_trace=False, scenario="idle-churn",
         duration=3, cmdline="trace_options=record-tgid,noirq-info"),
    Spec("boot-glob-churn-nooverwrite-16k", "6.12.73", maxcpus=3, order="glob", scenario="idle-churn", duration=4,
         buffer_kb=16, cmdline="trace_options=nooverwrite"),
    # (the same nooverwrite run on 7.3: a release with 5eb579dfd46b)
    Spec("boot-glob-churn-nooverwrite-16k", "7.3", maxcpus=3, order="glob", scenario="idle-churn", duration=4,
         buffer_kb=16, cmdline="trace_options=nooverwrite"),
    Spec("late-churn-6s-buf4k", "6.12.90+deb12-amd64", boot_trace=False, scenario="idle-churn", duration=6,
         buffer_kb=4),
    # a console ftrace_dump (sysrq-z), the console kept beside the text
    Spec("boot-glob-ftrace-dump-console", "7.3", maxcpus=3, order="glob", scenario="ftrace-dump", duration=1,
         console=True),
    # workloads: hogs on half the CPUs, many sleepers with their own periods and timer bursts
    Spec("boot-allup-hogs", "6.16", scenario="hogs", duration=4),
    Spec("late-sleepers-bursts", "7.2", nodes=4, boot_trace=False, scenario="sleepers", duration=4),
    # nohz_full on all but two CPUs, a housekeeping CPU hotplugged; isolcpus across the node boundary
    Spec("nohz_full2-15-boot-allup-hotplug1", "7.1", nohz_full="2-15", hotplug="1", duration=3),
    Spec("isolcpus6-11-managed_irq-boot-nodes-rr-hotplug8", "6.17", maxcpus=3, order="nodes",
         isolcpus="domain,managed_irq,6-11", hotplug="8"),
    # more than 8 nodes: two levels above the nodes
    Spec("nosmt-boot-nodes-rr-idle", "6.19", cpus=18, nodes=9, smt=1, maxcpus=2, order="nodes", scenario="all-idle"),
    Spec("nosmt-boot-glob-hotplug21", "7.2", cpus=40, nodes=10, smt=1, maxcpus=3, order="glob", hotplug="21"),
    # a deeper tree: 144 vCPUs, 72 per node
    Spec("smt2-boot-allup-idle", "7.3", cpus=144, scenario="all-idle", duration=2, buffer_kb=512),
]

# The tenth set (`--set tenth`, written to corpus-lab10): only multi-threaded TCG (`-accel
# tcg,thread=multi`, one host thread per vCPU: the vCPUs really run concurrently and the host
# preempts vCPU threads, e.g. between a cmpxchg and its tracepoint), which the earlier sets used in
# a handful of runs only, on the topologies of the outside class (2 nodes = 2 sockets, SMT 2, 8-32
# vCPUs). Kernels: series 6.12 to 7.3 on point releases never run multi-threaded (6.12.86, 6.12.88
# (never run at all), 6.18.12, 6.19.11, 6.19.13, 7.0.10, 7.1.7, 7.1.8 (7.1 never multi-threaded),
# 7.2.12, the 7.3 release candidate) next to the releases of the outside examples (7.2.13, 7.3.4).
# Classes: boot-time tracing with maxcpus=3, glob onlining and an offline/online of one CPU (cpu5,
# a node-1 CPU, CPU 0's sibling); events enabled late with all CPUs up (churn; isolcpus=domain,6-9
# as in the outside example, 2-5,10-13 and node 1's last four); 24/32 vCPUs with node 1's first
# CPU onlined first; boot-time churn and dense churn; one with hash-ptr kept.
TENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug-multi", "7.3-amd64", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug-multi", "7.2.12", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug-multi", "7.1.8", maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug12-multi", "6.12.88", maxcpus=3, order="glob", hotplug="12", threads="multi"),
    Spec("boot-glob-hotplug1-multi", "6.19.13", cpus=8, maxcpus=3, order="glob", hotplug="1",
         threads="multi"),
    # (b) events enabled after boot, all CPUs up, isolcpus ranges and churn
    Spec("isolcpus6-9-late-multi", "7.3.4", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    Spec("isolcpus2-5,10-13-late-multi", "7.1.7", isolcpus="domain,2-5,10-13", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("isolcpus20-23-late-isolated-multi", "6.18.12", cpus=24, isolcpus="domain,20-23", boot_trace=False,
         scenario="isolated", duration=3, threads="multi"),
    Spec("late-churn-multi", "7.2.13", boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    Spec("late-churn-hashptr-multi", "6.12.86", cpus=12, boot_trace=False, scenario="idle-churn", duration=3,
         hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-multi", "7.0.10", cpus=32, maxcpus=3, order="16,1-15,17-31", scenario="all-idle",
         threads="multi"),
    Spec("boot-remote-node-first-hotplug13-multi", "6.19.11", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="13", threads="multi"),
    # churn with boot-time tracing, dense churn late
    Spec("boot-glob-churn-multi", "7.3.4", maxcpus=3, order="glob", scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-dense-churn-multi", "7.0.10", cpus=8, boot_trace=False, scenario="dense-churn", duration=3,
         threads="multi"),
    # 32 vCPUs: glob onlining (cpu1, cpu10-cpu19, cpu2, cpu20-...) with a node-1 CPU hotplugged; churn on
    # every CPU after node 1's first CPU came up first
    Spec("boot-glob-hotplug21-multi", "6.18.12", cpus=32, maxcpus=3, order="glob", hotplug="21", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.1.7", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="idle-churn", duration=3, threads="multi"),
]

# The eleventh set (`--set eleventh`, written to corpus-lab11): more multi-threaded TCG captures of
# the outside class's shapes (2 nodes = 2 sockets, SMT 2), emphasising concurrency: 24 and 32 vCPUs
# only. Boot-time tracing with maxcpus=3, glob or node-1-first onlining and an offline/online (a
# node-0 CPU, a node-1 CPU, CPU 0's sibling, node 1's first CPU, the migrator of each node's first
# group while it is the group's only busy CPU); boot-time churn; events enabled late with all CPUs up
# and many CPUs waking at once: churn, dense churn (1-ms sleepers), sleepers with periods of their
# own + timer bursts, CPU hogs switching halves. Kernels: series 6.12 to 7.3, point releases the
# tenth set ran (6.12.88, 6.18.12, 6.19.13, 7.0.10, 7.1.7, 7.1.8, 7.2.12, 7.2.13, 7.3.4) and six it
# did not (6.12.94, 6.12.117, 6.18.15, 6.19.14, 7.0.13, 7.1.13).
ELEVENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug9-multi", "7.3.4", cpus=24, maxcpus=3, order="glob", hotplug="9", threads="multi"),
    Spec("boot-glob-hotplug17-multi", "7.2.13", cpus=32, maxcpus=3, order="glob", hotplug="17", threads="multi"),
    Spec("boot-glob-hotplug-multi", "6.12.94", cpus=24, maxcpus=3, order="glob", threads="multi"),
    Spec("boot-glob-hotplug1-multi", "7.0.13", cpus=32, maxcpus=3, order="glob", hotplug="1", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first, offline/online of one CPU
    Spec("boot-remote-node-first-hotplug20-multi", "7.1.13", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-hotplug12-multi", "6.18.15", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="12", threads="multi"),
    Spec("boot-remote-node-first-hotplug2-multi", "6.19.14", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="2", threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.2.12", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) boot-time tracing with churn on every CPU
    Spec("boot-glob-churn-multi", "6.12.117", cpus=32, maxcpus=3, order="glob", scenario="idle-churn",
         duration=3, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.1.8", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="idle-churn", duration=3, threads="multi"),
    # (d) events enabled late, all CPUs up: churn, dense churn, sleepers, hogs
    # (32 vCPUs on 7.3.4 oopsed twice, 10.6 s into the boot: `Oops: int3` at sched_clock_cpu+0x9 on
    # CPU 18, the known multi-threaded TCG code-patching hazard; 24 vCPUs instead)
    Spec("late-churn-multi", "7.3.4", cpus=24, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-dense-churn-multi", "6.19.13", cpus=24, boot_trace=False, scenario="dense-churn", duration=3,
         threads="multi"),
    Spec("late-dense-churn-multi", "7.2.12", cpus=32, boot_trace=False, scenario="dense-churn", duration=2,
         threads="multi"),
    Spec("late-sleepers-multi", "7.0.10", cpus=24, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "6.12.88", cpus=32, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("late-hogs-multi", "7.1.7", cpus=24, boot_trace=False, scenario="hogs", duration=3, threads="multi"),
    Spec("late-hogs-multi", "6.18.12", cpus=32, boot_trace=False, scenario="hogs", duration=3, threads="multi"),
]

# The twelfth set (`--set twelfth`, written to corpus-lab12): a fresh measurement after the tenth and
# eleventh sets' false divergences were fixed: multi-threaded TCG again, the outside class's shapes
# (2 nodes = 2 sockets, SMT 2), each capture differing from both sets in at least one way. Kernels:
# point releases neither set ran (6.12.57, 6.12.69, 6.12.73, 6.12.85, 6.12.90, 6.18.5, 6.18.9, 6.19.8,
# 6.19.10, 7.0.4, 7.0.12, 7.1.3, 7.2.9, 7.2.11; 7.3 has only 7.3.4 and the release candidate, at 24
# vCPUs); 16, 20 and 28 vCPUs next to 24 and 32; isolcpus ranges with boot-time tracing (an isolated
# CPU hotplugged, a range across the node boundary); hash-ptr kept with boot-time tracing
# (`(____ptrval____)`); runs of 3-4 s and 8-10 s; the migrator-hotplug and hotplug-storm scenarios
# (boot-time and late); late enabling with churn, sleepers and hogs.
TWELFTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, other vCPU counts, hotplug of one CPU
    Spec("boot-glob-hotplug13-multi", "6.12.57", cpus=20, maxcpus=3, order="glob", hotplug="13", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.0.4", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    # (b) isolcpus with boot-time tracing: an isolated CPU hotplugged; a range across the node boundary
    Spec("isolcpus4-7-boot-glob-hotplug5-multi", "7.0.12", cpus=24, maxcpus=3, order="glob",
         isolcpus="domain,4-7", hotplug="5", threads="multi"),
    Spec("isolcpus12-15-boot-allup-churn-multi", "6.19.10", cpus=28, isolcpus="domain,12-15",
         scenario="idle-churn", duration=3, threads="multi"),
    # (c) hash-ptr kept with boot-time tracing: pointers print as (____ptrval____)
    Spec("boot-glob-hotplug-hashptr-multi", "7.2.11", cpus=16, maxcpus=3, order="glob", hash_ptr=True,
         threads="multi"),
    Spec("boot-remote-node-first-churn-hashptr-multi", "6.18.9", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="idle-churn", duration=3, hash_ptr=True, threads="multi"),
    # (d) migrator-hotplug and hotplug-storm, boot-time and late
    Spec("boot-glob-migrator-hotplug-multi", "7.1.3", cpus=20, maxcpus=3, order="glob", scenario="migrator-hotplug",
         duration=4, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "6.18.5", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-glob-hotplug-storm-node1-multi", "6.19.8", cpus=16, maxcpus=3, order="glob", scenario="hotplug-storm",
         duration=4, threads="multi"),
    Spec("late-hotplug-storm-multi", "7.2.9", cpus=24, boot_trace=False, scenario="hotplug-storm", duration=4,
         hotplug="13,17,21,5", threads="multi"),
    # (e) events enabled late, all CPUs up: 8-10 s of churn and sleepers, hogs, dense churn
    Spec("late-churn-8s-multi", "6.12.73", cpus=20, boot_trace=False, scenario="idle-churn", duration=8,
         buffer_kb=4096, threads="multi"),
    Spec("late-sleepers-10s-multi", "6.12.69", cpus=16, boot_trace=False, scenario="sleepers", duration=10,
         buffer_kb=4096, threads="multi"),
    Spec("late-hogs-4s-multi", "7.3.4", cpus=24, boot_trace=False, scenario="hogs", duration=4, threads="multi"),
    Spec("late-dense-churn-multi", "7.3-amd64", cpus=24, boot_trace=False, scenario="dense-churn", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "6.12.85", cpus=28, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("late-hogs-multi", "6.12.90", cpus=32, boot_trace=False, scenario="hogs", duration=3, threads="multi"),
]

# The thirteenth set (`--set thirteenth`, written to corpus-lab13): one more fresh measurement on the
# engine that fixed the tenth to twelfth sets' false divergences: multi-threaded TCG, the outside class's
# shapes (2 nodes = 2 sockets, SMT 2), 16-32 vCPUs, mostly boot-time traces (where the last sets still
# diverged): maxcpus=3, node 1's first CPU onlined first or glob onlining, with an offline/online, the
# migrator-hotplug scenario, churn or a hotplug storm of node 1; two late-enabled runs (churn, sleepers).
# 7.3.x at 24 vCPUs (7.3.4 oopses more often under multi-threaded TCG; the lab retries once).
THIRTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-hotplug17-multi", "7.2.13", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="17", threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.10", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.12.94", cpus=16, maxcpus=3, order="8,1-7,9-15",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-hotplug10-multi", "7.1.8", cpus=20, maxcpus=3, order="10,1-9,11-19",
         hotplug="10", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.3-amd64", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="idle-churn", duration=3, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, glob onlining: offline/online, migrator-hotplug, churn
    Spec("boot-glob-hotplug6-multi", "7.3.4", cpus=24, maxcpus=3, order="glob", hotplug="6", threads="multi"),
    Spec("boot-glob-churn-multi", "6.19.13", cpus=28, maxcpus=3, order="glob", scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("boot-glob-migrator-hotplug-multi", "6.18.12", cpus=28, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-glob-hotplug21-multi", "7.2.12", cpus=32, maxcpus=3, order="glob", hotplug="21", threads="multi"),
    # (c) boot-time tracing, node 1's first CPU onlined first, then node 1 offlined and onlined twice
    Spec("boot-remote-node-first-hotplug-storm-multi", "6.19.14", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="hotplug-storm", duration=4, threads="multi"),
    # (d) events enabled late, all CPUs up: churn, sleepers
    Spec("late-churn-multi", "7.0.13", cpus=24, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "6.18.15", cpus=20, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The fourteenth set (`--set fourteenth`, written to corpus-lab14): a fresh measurement of the engine
# of c1505c0 (the thirteenth set's rows 123 and 316 fixed) before its next change: multi-threaded TCG,
# the outside class's shapes (2 nodes = 2 sockets, SMT 2), 16-32 vCPUs, six runs at the outside
# examples' 16 vCPUs and three at 32. Every kernel/vCPU pair is new to all sets: 7.2.9, 6.18.9,
# 6.19.13, 7.0.10, 6.18.12 and 6.12.107 (downloaded; only run at 12 vCPUs before) at 16 vCPUs,
# 7.3.4 and 6.12.117 at 20, 7.3.4, 7.1.7 and 7.2.13 at 28, 6.19.11, 7.0.12 and 6.17.13 (multi-threaded
# once before) at 32. Boot-time tracing with maxcpus=3: (a) glob onlining + sleep 1 s, offline/online
# of one CPU, sleep 1 s (cpu5 as in the 7.2.13 outside example, a node-1 CPU); (b) node 1's first
# CPU onlined first (idle as in the 7.3.4 32-vCPU example, with a hotplug, with churn); (c) the
# migrator-hotplug scenario (glob, node 1 first); (d) isolcpus=domain,6-9 (late with churn as in the
# 7.3.4 outside example, and boot-time with an isolated CPU offlined/onlined); (e) late-enabled
# churn, sleepers and dense churn. 7.3.4 at 20 and 28 vCPUs (it oopses more often under
# multi-threaded TCG; the lab retries once).
FOURTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug5-multi", "7.2.9", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    Spec("boot-glob-hotplug5-multi", "6.12.107", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    Spec("boot-glob-hotplug13-multi", "7.3.4", cpus=20, maxcpus=3, order="glob", hotplug="13", threads="multi"),
    Spec("boot-glob-hotplug25-multi", "6.19.11", cpus=32, maxcpus=3, order="glob", hotplug="25", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "7.0.12", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug9-multi", "6.18.9", maxcpus=3, order="8,1-7,9-15", hotplug="9",
         threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.3.4", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="idle-churn", duration=3, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, migrator-hotplug (the second CPU of each node made busy, offlined, onlined)
    Spec("boot-glob-migrator-hotplug-multi", "7.1.7", cpus=28, maxcpus=3, order="glob", scenario="migrator-hotplug",
         duration=4, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "6.12.117", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) isolcpus=domain,6-9: late with churn (the 7.3.4 outside example's shape); boot-time, cpu7 hotplugged
    Spec("isolcpus6-9-late-churn-multi", "6.19.13", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    Spec("isolcpus6-9-boot-glob-hotplug7-multi", "7.0.10", maxcpus=3, order="glob", isolcpus="domain,6-9",
         hotplug="7", threads="multi"),
    # (e) events enabled late, all CPUs up: churn, sleepers, dense churn
    Spec("late-churn-multi", "7.2.13", cpus=28, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "6.17.13", cpus=32, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("late-dense-churn-multi", "6.18.12", boot_trace=False, scenario="dense-churn", duration=3,
         threads="multi"),
]

# The fifteenth set (`--set fifteenth`, written to corpus-lab15): a fresh measurement of the engine of
# 1f1f8b6 (the fourteenth set fixed) before its next change: multi-threaded TCG, the outside class's
# shapes (2 nodes = 2 sockets, SMT 2), 16-32 vCPUs, five runs at the outside examples' 16 vCPUs and
# two at 32. Every kernel/vCPU pair is new to all sets: 7.0.7 (downloaded; only run at 32 before),
# 6.19.10, 6.19.14 and 7.0.9 (downloaded; only run at 24 before) at 16 vCPUs, 7.2.9 and 7.1.13 at 20,
# 7.1.3, 7.2.11 and 6.12.69 at 24, 7.3-amd64 (the release candidate), 6.18.15 and 7.1.8 at 28,
# 7.0.4 and 6.19.8 at 32 (7.3.4 has no free even vCPU count in 16-32 left). Boot-time tracing with
# maxcpus=3: (a) glob onlining + sleep 1 s, offline/online of one CPU, sleep 1 s (cpu5 as in the
# 7.2.13 outside example, on 7.0.7 at 16 vCPUs; hash-ptr kept on 6.19.10 and 7.1.3, pointers printed
# as `(____ptrval____)`); (b) node 1's first CPU onlined first (idle at 32 vCPUs as in the 7.3.4
# example, a node-1 CPU hotplugged at 32, a node-0 CPU hotplugged at 28); (c) the migrator-hotplug
# scenario (node 1 first, glob); (d) isolcpus=domain,6-9 (late with churn as in the 7.3.4 outside
# example; boot-time with isolated cpu6 offlined/onlined); (e) a hotplug storm of node 1 (node 1
# first, then node 1 offlined and onlined twice); (f) late-enabled churn and sleepers.
FIFTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug5-multi", "7.0.7", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    Spec("boot-glob-hotplug5-hashptr-multi", "6.19.10", maxcpus=3, order="glob", hotplug="5", hash_ptr=True,
         threads="multi"),
    Spec("boot-glob-hotplug14-hashptr-multi", "7.1.3", cpus=24, maxcpus=3, order="glob", hotplug="14",
         hash_ptr=True, threads="multi"),
    Spec("boot-glob-hotplug9-multi", "7.2.9", cpus=20, maxcpus=3, order="glob", hotplug="9", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "7.0.4", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug21-multi", "6.19.8", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="21", threads="multi"),
    Spec("boot-remote-node-first-hotplug5-multi", "7.3-amd64", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="5", threads="multi"),
    # (c) boot-time tracing, maxcpus=3, migrator-hotplug (the second CPU of each node made busy, offlined, onlined)
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.1.13", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-glob-migrator-hotplug-multi", "6.18.15", cpus=28, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) isolcpus=domain,6-9: late with churn (the 7.3.4 outside example's shape); boot-time, cpu6 hotplugged
    Spec("isolcpus6-9-late-churn-multi", "7.0.9", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    Spec("isolcpus6-9-boot-glob-hotplug6-multi", "6.19.14", maxcpus=3, order="glob", isolcpus="domain,6-9",
         hotplug="6", threads="multi"),
    # (e) boot-time tracing, node 1's first CPU onlined first, then node 1 offlined and onlined twice
    Spec("boot-remote-node-first-hotplug-storm-node1-multi", "7.2.11", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="hotplug-storm", duration=4, threads="multi"),
    # (f) events enabled late, all CPUs up: churn, sleepers
    Spec("late-churn-multi", "6.12.69", cpus=24, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "7.1.8", cpus=28, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The sixteenth set (`--set sixteenth`, written to corpus-lab16): a fresh measurement of the engine of
# f9092bc (the fifteenth set fixed) before its next change: multi-threaded TCG, the outside class's
# shapes (2 nodes = 2 sockets, SMT 2), 16-32 vCPUs. The last two sets' divergences were all in 32-vCPU
# boot traces with node 1's first CPU onlined first (vCPUs stalling mid-walk), so eight runs are of
# that shape at 32 vCPUs and one at 28 (30 and 26 vCPUs are not multiples of 2 nodes x SMT 2). Every
# kernel/vCPU pair is new to all sets: 6.19.11, 6.12.86 and 6.12.85 at 16 vCPUs, 7.2.12 at 20, 6.17.13
# at 24, 7.1.13 at 28, 6.12.57, 7.1.3, 7.2.9, 6.19.13, 7.3-amd64 (the release candidate), 6.18.15,
# 7.0.9 and 6.12.73 at 32 (all cached; 7.3.4, 7.2.13, 7.1.8 and 6.18.12 have no free even vCPU count in
# 16-32 left). Boot-time tracing with maxcpus=3: (a) glob onlining + sleep 1 s, offline/online of cpu5
# (as in the 7.2.13 outside example), sleep 1 s, at 16 vCPUs; (b) node 1's first CPU onlined first at
# 32 vCPUs (idle as in the 7.3.4 32-vCPU example; a node-1 CPU, node 1's first CPU itself and a node-0
# CPU hotplugged; churn), and churn at 28; (c) the migrator-hotplug scenario (node 1 first, 32 vCPUs);
# (d) a hotplug storm of node 1 (node 1 first, 32 vCPUs, node 1 offlined and onlined twice). Late:
# (e) isolcpus=domain,6-9 with churn (the 7.3.4 outside example's shape); (f) churn and sleepers.
SIXTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of cpu5
    Spec("boot-glob-hotplug5-multi", "6.19.11", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    Spec("boot-glob-hotplug5-multi", "6.12.86", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "6.12.57", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-idle-multi", "7.3-amd64", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug20-multi", "7.1.3", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-hotplug16-multi", "6.18.15", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="16", threads="multi"),
    Spec("boot-remote-node-first-hotplug5-multi", "6.19.13", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="5", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.2.9", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.1.13", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="idle-churn", duration=3, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, node 1 first, migrator-hotplug (the second CPU of each node made
    # busy, offlined, onlined)
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.9", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) boot-time tracing, node 1's first CPU onlined first, then node 1 offlined and onlined twice
    Spec("boot-remote-node-first-hotplug-storm-node1-multi", "6.12.73", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="hotplug-storm", duration=4, threads="multi"),
    # (e) isolcpus=domain,6-9, all CPUs up, events enabled late, churn (the 7.3.4 outside example's shape)
    Spec("isolcpus6-9-late-churn-multi", "6.12.85", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    # (f) events enabled late, all CPUs up: churn, sleepers
    Spec("late-churn-multi", "6.17.13", cpus=24, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("late-sleepers-multi", "7.2.12", cpus=20, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The seventeenth set (`--set seventeenth`, written to corpus-lab17): a fresh measurement of the engine of
# 593d1b3 (the sixteenth set fixed) before its next change: multi-threaded TCG, the outside class's
# shapes (2 nodes = 2 sockets, SMT 2), 16-32 vCPUs. The sixteenth set's divergences were all in
# node-1-first boot traces at 28-32 vCPUs, so eight runs are of that shape: six at 32 vCPUs, two at 28.
# Every kernel/vCPU pair is new to all sets: 6.19.6 and 6.12.74 (downloaded for this set; no other
# cached kernel had 16 vCPUs free but 6.16.3) and 6.16.3 at 16 vCPUs, 7.2.11 at 20, 7.2.9 and 7.0.13 at
# 28, 6.19.14, 6.12.86, 6.12.69, 6.12.107, 6.12.94 and 6.16.3 at 32 (6.12.y and 6.16.3 lack
# 5eb579dfd46b). Boot-time tracing with maxcpus=3: (a) glob onlining + sleep 1 s, offline/online of cpu5
# (as in the 7.2.13 outside example), sleep 1 s, at 16 vCPUs; (b) node 1's first CPU onlined first
# (idle as in the 7.3.4 32-vCPU example; a node-1 CPU, node 1's first CPU itself and a node-0 CPU
# hotplugged; churn at 32 and 28); (c) the migrator-hotplug scenario (node 1 first, 28 vCPUs). Late:
# (d) isolcpus=domain,6-9 with churn (the 7.3.4 outside example's shape); (e) churn.
SEVENTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of cpu5
    Spec("boot-glob-hotplug5-multi", "6.19.6", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    Spec("boot-glob-hotplug5-multi", "6.12.74", maxcpus=3, order="glob", hotplug="5", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "6.19.14", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-idle-multi", "6.12.86", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug20-multi", "6.12.69", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-hotplug16-multi", "6.12.107", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="16", threads="multi"),
    Spec("boot-remote-node-first-hotplug5-multi", "6.16.3", cpus=32, maxcpus=3, order="16,1-15,17-31",
         hotplug="5", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.12.94", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.2.9", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="idle-churn", duration=3, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, node 1 first, migrator-hotplug (the second CPU of each node made
    # busy, offlined, onlined)
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.13", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) isolcpus=domain,6-9, all CPUs up, events enabled late, churn (the 7.3.4 outside example's shape)
    Spec("isolcpus6-9-late-churn-multi", "6.16.3", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    # (e) events enabled late, all CPUs up: churn
    Spec("late-churn-multi", "7.2.11", cpus=20, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
]

# The eighteenth set (`--set eighteenth`, written to corpus-lab18): a fresh measurement of the engine of
# 8c60a47 (the seventeenth set's survey) before its next change: multi-threaded TCG, 2 nodes = 2 sockets,
# 16-32 vCPUs. Ten runs are of the hardest shape (boot-time tracing, maxcpus=3, node 1's first CPU
# onlined first) at 24, 28, 30 and 32 vCPUs; 30 vCPUs are not a multiple of 2 nodes x SMT 2, so that run
# is without SMT (2 x 15 cores, maxcpus=3 boots CPUs 0-2, "15,1-14,16-29" onlines CPU 15 first). Every
# kernel/vCPU pair is new to all sets: 6.12.74 and 7.2.6 (downloaded; only run at 16 before) at 32
# vCPUs, 6.12.88, 6.16.12, 6.18.5, 6.19.8 and 7.1.3 at 28, 6.17.8 (downloaded; only run at 32 before),
# 7.0.7, 6.12.43 and 6.18.9 at 24, 7.3.4 at 30 (it has no free even vCPU count in 16-32 left), 7.3-amd64
# (the release candidate) at 20, 6.17.8 at 16. Boot-time tracing with maxcpus=3: (a) node 1's first CPU
# onlined first: idle (as in the 7.3.4 32-vCPU example), a node-1 CPU, node 1's first CPU itself and a
# node-0 CPU hotplugged, churn, the migrator-hotplug scenario (the second CPU of each node made busy,
# offlined, onlined); (b) glob onlining + sleep 1 s, offline/online of a node-1 CPU, sleep 1 s. Late:
# (c) isolcpus=domain,6-9 with churn (the 7.3.4 outside example's shape); (d) sleepers.
EIGHTEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "6.12.74", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("nosmt-boot-remote-node-first-idle-multi", "7.3.4", cpus=30, smt=1, maxcpus=3, order="15,1-14,16-29",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug15-multi", "6.12.88", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="15", threads="multi"),
    Spec("boot-remote-node-first-hotplug12-multi", "6.17.8", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="12", threads="multi"),
    Spec("boot-remote-node-first-hotplug5-multi", "6.19.8", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="5", threads="multi"),
    Spec("boot-remote-node-first-hotplug20-multi", "7.1.3", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.2.6", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.18.5", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "6.16.12", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.7", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, glob onlining, offline/online of a node-1 CPU
    Spec("boot-glob-hotplug13-multi", "7.3-amd64", cpus=20, maxcpus=3, order="glob", hotplug="13", threads="multi"),
    Spec("boot-glob-hotplug14-multi", "6.12.43", cpus=24, maxcpus=3, order="glob", hotplug="14", threads="multi"),
    # (c) isolcpus=domain,6-9, all CPUs up, events enabled late, churn (the 7.3.4 outside example's shape)
    Spec("isolcpus6-9-late-churn-multi", "6.17.8", isolcpus="domain,6-9", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    # (d) events enabled late, all CPUs up: sleepers
    Spec("late-sleepers-multi", "6.18.9", cpus=24, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The nineteenth set (`--set nineteenth`, written to corpus-lab19): a fresh measurement of the engine of
# eaa6f9a (the eighteenth set) before its next change: multi-threaded TCG, the outside class's shapes and
# other topologies of the outside class (4 nodes, 1 node). Seven runs are of the hardest shape (2 nodes =
# 2 sockets, SMT 2, boot-time tracing, maxcpus=3, node 1's first CPU onlined first) at 20, 24, 28 and 32
# vCPUs on 6.12.y, 6.17, 6.18, 6.19, 7.0, 7.1 and 7.2 (no 7.3 release has 20-32 vCPUs left: 7.3 is in the
# 64-vCPU run). Every kernel/vCPU pair is new to all sets: 6.12.85 at 32, 7.2.6, 6.17.8 and 7.0.12 at 28,
# 6.19.6 and 6.18.5 at 24, 7.1.7 at 20 (hardest shape); 6.12.95 (downloaded; only run at 16 before) at 32,
# 6.16.12 at 24 and 7.3-amd64 (the release candidate) at 64 (4 nodes); 6.19.10 at 12 (1 node); 7.2.11 at
# 28 and 7.0.9 at 20 (glob); 7.0.4 at 24 (late). Boot-time tracing with maxcpus=3: (a) node 1's first CPU
# onlined first: idle (as in the 7.3.4 32-vCPU example), a node-1 CPU, node 1's first CPU itself and a
# node-0 CPU hotplugged, churn, the migrator-hotplug scenario (the second CPU of each node made busy,
# offlined, onlined); (b) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2 or node-3 first CPU
# onlined first: 32 vCPUs with node 3's first CPU hotplugged, 24 vCPUs with churn, 64 vCPUs single-threaded
# TCG with node 3's first CPU hotplugged; (c) 1 node, 12 vCPUs, glob onlining, offline/online of cpu9;
# (d) 2 nodes, glob onlining, offline/online of a node-1 CPU and of a node-0 CPU. Late: (e) sleepers.
NINETEENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("boot-remote-node-first-idle-multi", "6.12.85", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-hotplug20-multi", "7.2.6", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-hotplug14-multi", "6.17.8", cpus=28, maxcpus=3, order="14,1-13,15-27",
         hotplug="14", threads="multi"),
    Spec("boot-remote-node-first-hotplug5-multi", "6.19.6", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="5", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "7.1.7", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.18.5", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.12", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (b) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node2-first-hotplug24-multi", "6.12.95", cpus=32, nodes=4, maxcpus=3, order="16,1-15,17-31",
         hotplug="24", threads="multi"),
    Spec("boot-node3-first-churn-multi", "6.16.12", cpus=24, nodes=4, maxcpus=3, order="18,1-17,19-23",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-node3-first-hotplug48", "7.3-amd64", cpus=64, nodes=4, maxcpus=3, order="48,1-47,49-63",
         hotplug="48", buffer_kb=1024),
    # (c) 1 node, boot-time tracing, maxcpus=3, glob onlining, offline/online of cpu9
    Spec("boot-glob-hotplug9-multi", "6.19.10", cpus=12, nodes=1, maxcpus=3, order="glob", hotplug="9",
         threads="multi"),
    # (d) boot-time tracing, maxcpus=3, glob onlining, offline/online of a node-1 CPU, of a node-0 CPU
    Spec("boot-glob-hotplug20-multi", "7.2.11", cpus=28, maxcpus=3, order="glob", hotplug="20", threads="multi"),
    Spec("boot-glob-hotplug6-multi", "7.0.9", cpus=20, maxcpus=3, order="glob", hotplug="6", threads="multi"),
    # (e) events enabled late, all CPUs up: sleepers
    Spec("late-sleepers-multi", "7.0.4", cpus=24, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The twentieth set (`--set twentieth`, written to corpus-lab20): a fresh measurement of the engine of
# 238ed66 (the nineteenth set's two divergences: a 4-node node-3-first churn boot trace, a 2-node glob-
# onlining hotplug boot trace) before its next change: multi-threaded TCG, 20-28 vCPUs, 2 and 4 nodes. Every
# kernel/vCPU pair is new to all sets (every kernel the mirror carries is cached; none was downloaded):
# 6.19.8, 7.2.6 and 6.12.88 at 24, 6.16.3 at 28 and 7.0.7 at 20 (4 nodes); 6.17.8 at 20, 7.2.9 at 26,
# 6.12.107 and 7.0.4 at 28 (glob); 7.3.4 at 26, 7.1.8 at 22, 6.18.9 at 20, 7.0.10 at 28 (node 1 first);
# 7.3-amd64 (the release candidate) at 22 (late). vCPU counts that are not a multiple of nodes x SMT 2 are
# without SMT (4 x 7 or 4 x 5 cores, 2 x 13 or 2 x 11 cores). Boot-time tracing with maxcpus=3: (a) 4 nodes
# (node i = CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2 or node-3 first CPU onlined first: churn, node 3's
# first CPU hotplugged, the migrator-hotplug scenario (the second CPU of each node made busy, offlined,
# onlined), node 2's first CPU hotplugged (no SMT, 28 vCPUs), churn (no SMT, 20 vCPUs); (b) 2 nodes, glob
# onlining, offline/online of node 1's first CPU, of a node-1 CPU, of a node-0 CPU, of the last CPU;
# (c) 2 nodes, node 1's first CPU onlined first: idle (as in the 7.3.4 32-vCPU example), node 1's first
# CPU itself hotplugged, churn, the migrator-hotplug scenario. Late: (d) isolcpus=domain,6-9 with churn
# (the 7.3.4 outside example's shape).
TWENTIETH_RUNS = [
    # (a) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node3-first-churn-multi", "6.19.8", cpus=24, nodes=4, maxcpus=3, order="18,1-17,19-23",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-node2-first-hotplug18-multi", "7.2.6", cpus=24, nodes=4, maxcpus=3, order="12,1-11,13-23",
         hotplug="18", threads="multi"),
    Spec("boot-node3-first-migrator-hotplug-multi", "6.12.88", cpus=24, nodes=4, maxcpus=3,
         order="18,1-17,19-23", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug14-multi", "6.16.3", cpus=28, nodes=4, smt=1, maxcpus=3,
         order="21,1-20,22-27", hotplug="14", threads="multi"),
    Spec("nosmt-boot-node2-first-churn-multi", "7.0.7", cpus=20, nodes=4, smt=1, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug10-multi", "6.17.8", cpus=20, maxcpus=3, order="glob", hotplug="10", threads="multi"),
    Spec("nosmt-boot-glob-hotplug20-multi", "7.2.9", cpus=26, smt=1, maxcpus=3, order="glob", hotplug="20",
         threads="multi"),
    Spec("boot-glob-hotplug3-multi", "6.12.107", cpus=28, maxcpus=3, order="glob", hotplug="3", threads="multi"),
    Spec("boot-glob-hotplug27-multi", "7.0.4", cpus=28, maxcpus=3, order="glob", hotplug="27", threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("nosmt-boot-remote-node-first-idle-multi", "7.3.4", cpus=26, smt=1, maxcpus=3, order="13,1-12,14-25",
         scenario="all-idle", threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug11-multi", "7.1.8", cpus=22, smt=1, maxcpus=3,
         order="11,1-10,12-21", hotplug="11", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.18.9", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.10", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) isolcpus=domain,6-9, all CPUs up, events enabled late, churn (the 7.3.4 outside example's shape)
    Spec("nosmt-isolcpus6-9-late-churn-multi", "7.3-amd64", cpus=22, smt=1, isolcpus="domain,6-9",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
]

# The twenty-first set (`--set twenty-first`, written to corpus-lab21): a fresh measurement of the engine of
# fc92b83 (the twentieth set's two divergences: a 4-node node-3-first migrator-hotplug boot trace, a late
# isolcpus=domain,6-9 churn capture without SMT) before its next change: multi-threaded TCG, 14-30 vCPUs,
# 1, 2 and 4 nodes. Every kernel/vCPU pair is new to all sets (every kernel the mirror carries is cached;
# none was downloaded): 6.12.95 and 6.19.10 at 24, 7.0.7 at 28, 7.2.6 and 6.18.5 at 20 (4 nodes); 7.1.3 at
# 26, 6.19.14 at 20, 7.2.12 at 30 (node 1 first); 7.3-amd64 (the release candidate) at 26 and 6.16.3 at 20
# (glob); 6.12.86 at 14 (1 node); 7.0.9 at 28, 7.3.4 at 22, 6.17.13 at 20 (late isolcpus). vCPU counts that
# are not a multiple of nodes x SMT 2 are without SMT (4 x 7 or 4 x 5 cores, 2 x 11, 2 x 13 or 2 x 15
# cores). Boot-time tracing with maxcpus=3: (a) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2
# or node-3 first CPU onlined first: the migrator-hotplug scenario (the second CPU of each node made busy,
# offlined, onlined) with node 3 first (SMT 2, 24 vCPUs; no SMT, 28 vCPUs) and node 2 first (no SMT, 20
# vCPUs), churn (node 2 first, no SMT), node 3's first CPU hotplugged (node 3 first, SMT 2); (b) 2 nodes,
# node 1's first CPU onlined first: a node-1 CPU hotplugged, churn, the migrator-hotplug scenario; (c) 2
# nodes, glob onlining, offline/online of a node-1 CPU (one with hash-ptr kept: pointers print as
# `(____ptrval____)`); (d) 1 node, glob onlining, the migrator-hotplug scenario. Late: (e)
# isolcpus=domain,6-9 with churn (the 7.3.4 outside example's shape), isolcpus=domain,2-3 with sleepers (no
# SMT), isolcpus=domain,8-9 (the last core of node 0) with churn.
TWENTY_FIRST_RUNS = [
    # (a) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node3-first-migrator-hotplug-multi", "6.12.95", cpus=24, nodes=4, maxcpus=3,
         order="18,1-17,19-23", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "7.0.7", cpus=28, nodes=4, smt=1, maxcpus=3,
         order="21,1-20,22-27", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-migrator-hotplug-multi", "7.2.6", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="10,1-9,11-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-churn-multi", "6.18.5", cpus=20, nodes=4, smt=1, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-node3-first-hotplug18-multi", "6.19.10", cpus=24, nodes=4, maxcpus=3, order="18,1-17,19-23",
         hotplug="18", threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("nosmt-boot-remote-node-first-hotplug20-multi", "7.1.3", cpus=26, smt=1, maxcpus=3,
         order="13,1-12,14-25", hotplug="20", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.19.14", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.2.12", cpus=30, smt=1, maxcpus=3,
         order="15,1-14,16-29", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of a node-1 CPU
    Spec("nosmt-boot-glob-hotplug19-hashptr-multi", "7.3-amd64", cpus=26, smt=1, maxcpus=3, order="glob",
         hotplug="19", hash_ptr=True, threads="multi"),
    Spec("boot-glob-hotplug15-multi", "6.16.3", cpus=20, maxcpus=3, order="glob", hotplug="15", threads="multi"),
    # (d) 1 node, boot-time tracing, maxcpus=3, glob onlining, the migrator-hotplug scenario
    Spec("boot-glob-migrator-hotplug-multi", "6.12.86", cpus=14, nodes=1, maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (e) isolcpus=domain,..., all CPUs up, events enabled late: churn or sleepers
    Spec("isolcpus6-9-late-churn-multi", "7.0.9", cpus=28, isolcpus="domain,6-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-isolcpus2-3-late-sleepers-multi", "7.3.4", cpus=22, smt=1, isolcpus="domain,2-3", boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
    Spec("isolcpus8-9-late-churn-multi", "6.17.13", cpus=20, isolcpus="domain,8-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
]

# The twenty-second set (`--set twenty-second`, written to corpus-lab22): a fresh measurement of the engine of
# 9cfbda2 (the twenty-first set's two divergences: a 2-node glob-onlining hotplug boot trace, a 2-node node-1-
# first migrator-hotplug boot trace without SMT) before its next change: multi-threaded TCG, 10-26 vCPUs, 1, 2
# and 4 nodes. Every kernel/vCPU pair is new to all sets (every kernel the mirror carries is cached; none was
# downloaded): 6.18.12 at 18, 7.1.7 at 22, 6.12.73 at 24, 7.2.11 at 26 (glob); 6.19.6 at 20, 7.0.12 at 12,
# 6.12.57 at 24, 7.3-amd64 (the release candidate) at 12 (4 nodes); 7.0.13 at 22, 6.18.5 at 26, 6.16.12 at
# 18 (node 1 first); 7.3.4 at 18, 6.17.8 at 22 (late); 7.1.3 at 10 (1 node). vCPU counts that are not a
# multiple of nodes x SMT 2 are without SMT (2 x 9, 2 x 11 or 2 x 13 cores, 4 x 5 or 4 x 3 cores). Boot-time
# tracing with maxcpus=3: (a) 2 nodes, glob onlining, offline/online of a node-0 CPU (cpu7; cpu11, the last
# CPU of node 0), of a node-1 CPU (cpu17; cpu13, node 1's first); (b) 4 nodes (node i = CPUs [i*cpus/4,
# (i+1)*cpus/4)), a node-2 or node-3 first CPU onlined first: the migrator-hotplug scenario (the second CPU
# of each node made busy, offlined, onlined) with node 3 first (no SMT, 20 and 12 vCPUs), node 3's first CPU
# hotplugged with node 2 first (no SMT, 12 vCPUs), churn with node 2 first (SMT 2, 24 vCPUs); (c) 2 nodes,
# node 1's first CPU onlined first: the migrator-hotplug scenario, a hotplug storm of the whole of node 1
# (offlined and onlined twice), churn; (d) 1 node, glob onlining, churn. Late: (e) isolcpus=domain,4-7 with
# churn (no SMT), sleepers (no SMT).
TWENTY_SECOND_RUNS = [
    # (a) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("nosmt-boot-glob-hotplug7-multi", "6.18.12", cpus=18, smt=1, maxcpus=3, order="glob", hotplug="7",
         threads="multi"),
    Spec("nosmt-boot-glob-hotplug17-multi", "7.1.7", cpus=22, smt=1, maxcpus=3, order="glob", hotplug="17",
         threads="multi"),
    Spec("boot-glob-hotplug11-multi", "6.12.73", cpus=24, maxcpus=3, order="glob", hotplug="11", threads="multi"),
    Spec("nosmt-boot-glob-hotplug13-multi", "7.2.11", cpus=26, smt=1, maxcpus=3, order="glob", hotplug="13",
         threads="multi"),
    # (b) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "6.19.6", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="15,1-14,16-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-hotplug9-multi", "7.0.12", cpus=12, nodes=4, smt=1, maxcpus=3, order="6,1-5,7-11",
         hotplug="9", threads="multi"),
    Spec("boot-node2-first-churn-multi", "6.12.57", cpus=24, nodes=4, maxcpus=3, order="12,1-11,13-23",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "7.3-amd64", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.0.13", cpus=22, smt=1, maxcpus=3,
         order="11,1-10,12-21", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug-storm-node1-multi", "6.18.5", cpus=26, smt=1, maxcpus=3,
         order="13,1-12,14-25", scenario="hotplug-storm", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-churn-multi", "6.16.12", cpus=18, smt=1, maxcpus=3, order="9,1-8,10-17",
         scenario="idle-churn", duration=3, threads="multi"),
    # (d) 1 node, boot-time tracing, maxcpus=3, glob onlining, churn
    Spec("boot-glob-churn-multi", "7.1.3", cpus=10, nodes=1, maxcpus=3, order="glob", scenario="idle-churn",
         duration=3, threads="multi"),
    # (e) all CPUs up, events enabled late: isolcpus=domain,4-7 with churn, sleepers
    Spec("nosmt-isolcpus4-7-late-churn-multi", "7.3.4", cpus=18, smt=1, isolcpus="domain,4-7", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-late-sleepers-multi", "6.17.8", cpus=22, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
]

# The twenty-third set (`--set twenty-third`, written to corpus-lab23): a fresh measurement of the engine of
# 54ca35d (the twenty-second set's divergences, in three captures: a 2-node glob-onlining hotplug boot trace, a
# late sleepers capture without SMT, a 4-node node-3-first migrator-hotplug boot trace without SMT) before its
# next change: multi-threaded TCG, 14-28 vCPUs, 2 and 4 nodes. Every kernel/vCPU pair is new to all sets (every
# kernel the mirror carries is cached; none was downloaded): 6.12.94 at 20, 6.18.9 at 22, 7.2.12 at 18
# (glob); 6.12.74 at 24, 6.19.11 at 28, 6.19.13 at 20 (4 nodes); 7.0.9 at 26, 6.16.3 at 18 (node 1 first);
# 6.12.43 at 22 (glob, hotplug storm); 7.3-amd64 (the release candidate) at 14, 7.1.13 at 22, 7.0.12 at 20
# (late). vCPU counts that are not a multiple of nodes x SMT 2 are without SMT (2 x 7, 2 x 9, 2 x 11 or 2 x 13
# cores, 4 x 7 or 4 x 5 cores). Boot-time tracing with maxcpus=3: (a) 2 nodes, glob onlining, offline/online
# of cpu9 (the last CPU of node 0), of cpu11 (node 1's first), of cpu14 (a node-1 CPU); (b) 4 nodes (node i =
# CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2 or node-3 first CPU onlined first: the migrator-hotplug scenario
# (the second CPU of each node made busy, offlined, onlined) with node 3 first (SMT 2, 24 vCPUs; no SMT, 20
# vCPUs) and node 2 first (no SMT, 28 vCPUs); (c) 2 nodes, node 1's first CPU onlined first: the
# migrator-hotplug scenario (no SMT, 26 and 18 vCPUs); (d) 2 nodes, glob onlining, a hotplug storm of the
# whole of node 1 (offlined and onlined twice). Late: (e) sleepers (no SMT, 14 and 22 vCPUs),
# isolcpus=domain,6-9 with churn (the 7.3.4 outside example's shape).
TWENTY_THIRD_RUNS = [
    # (a) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug9-multi", "6.12.94", cpus=20, maxcpus=3, order="glob", hotplug="9", threads="multi"),
    Spec("nosmt-boot-glob-hotplug11-multi", "6.18.9", cpus=22, smt=1, maxcpus=3, order="glob", hotplug="11",
         threads="multi"),
    Spec("nosmt-boot-glob-hotplug14-multi", "7.2.12", cpus=18, smt=1, maxcpus=3, order="glob", hotplug="14",
         threads="multi"),
    # (b) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first, migrator hotplug
    Spec("boot-node3-first-migrator-hotplug-multi", "6.12.74", cpus=24, nodes=4, maxcpus=3, order="18,1-17,19-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-migrator-hotplug-multi", "6.19.11", cpus=28, nodes=4, smt=1, maxcpus=3,
         order="14,1-13,15-27", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "6.19.13", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="15,1-14,16-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first, migrator hotplug
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.0.9", cpus=26, smt=1, maxcpus=3,
         order="13,1-12,14-25", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "6.16.3", cpus=18, smt=1, maxcpus=3,
         order="9,1-8,10-17", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, a hotplug storm of the whole of node 1
    Spec("nosmt-boot-glob-hotplug-storm-node1-multi", "6.12.43", cpus=22, smt=1, maxcpus=3, order="glob",
         scenario="hotplug-storm", duration=4, threads="multi"),
    # (e) all CPUs up, events enabled late: sleepers, isolcpus=domain,6-9 with churn
    Spec("nosmt-late-sleepers-multi", "7.3-amd64", cpus=14, smt=1, boot_trace=False, scenario="sleepers",
         duration=3, threads="multi"),
    Spec("nosmt-late-sleepers-multi", "7.1.13", cpus=22, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("isolcpus6-9-late-churn-multi", "7.0.12", cpus=20, isolcpus="domain,6-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
]

# The twenty-fourth set (`--set twenty-fourth`, written to corpus-lab24): a fresh measurement of the engine of
# b12a193 (after f22a4b8, 6fbe4a8 and b87eab3 mended the twenty-third set's four divergences, in three captures: a
# 2-node glob-onlining hotplug-storm boot trace, a 2-node node-1-first migrator-hotplug boot trace and a 4-node
# node-3-first migrator-hotplug boot trace, both without SMT): multi-threaded TCG, 12-26 vCPUs, 2 and 4 nodes.
# Every kernel/vCPU pair is new to all sets (every kernel the mirror carries is cached; none was downloaded):
# 6.12.107 at 22, 7.1.8 at 26, 6.19.8 at 20 (glob); 6.12.85 at 24, 6.12.88 at 20, 7.2.9 at 12 (4 nodes); 6.17.13
# at 22, 7.3.4 at 14 (node 1 first); 6.18.15 at 18 (glob, hotplug storm), 7.0.10 at 12 (4 nodes, hotplug
# storm); 6.19.14 at 26, 6.12.69 at 20, 7.1.7 at 18 (late). vCPU counts that are not a multiple of nodes x SMT
# 2 are without SMT (2 x 7, 2 x 9, 2 x 11 or 2 x 13 cores, 4 x 5 or 4 x 3 cores). Boot-time tracing with
# maxcpus=3: (a) 2 nodes, glob onlining, offline/online of cpu15 (a node-1 CPU), of cpu12 (the last CPU of node
# 0), of cpu10 (node 1's first); (b) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2 or node-3
# first CPU onlined first: the migrator-hotplug scenario (the second CPU of each node made busy, offlined,
# onlined) with node 3 first (SMT 2, 24 vCPUs; no SMT, 12 vCPUs) and node 2 first (no SMT, 20 vCPUs); (c) 2
# nodes, node 1's first CPU onlined first: the migrator-hotplug scenario (no SMT, 22 and 14 vCPUs); (d) hotplug
# storms: of the whole of node 1 (2 nodes, glob onlining), of the whole of node 3 (4 nodes, node 2's first CPU
# onlined first), each offlined and onlined twice. Late: (e) sleepers (no SMT, 26 vCPUs), isolcpus=domain,6-9
# with churn (the 7.3.4 outside example's shape), churn (no SMT, 18 vCPUs).
TWENTY_FOURTH_RUNS = [
    # (a) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("nosmt-boot-glob-hotplug15-multi", "6.12.107", cpus=22, smt=1, maxcpus=3, order="glob", hotplug="15",
         threads="multi"),
    Spec("nosmt-boot-glob-hotplug12-multi", "7.1.8", cpus=26, smt=1, maxcpus=3, order="glob", hotplug="12",
         threads="multi"),
    Spec("boot-glob-hotplug10-multi", "6.19.8", cpus=20, maxcpus=3, order="glob", hotplug="10", threads="multi"),
    # (b) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first, migrator hotplug
    Spec("boot-node3-first-migrator-hotplug-multi", "6.12.85", cpus=24, nodes=4, maxcpus=3, order="18,1-17,19-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-migrator-hotplug-multi", "6.12.88", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="10,1-9,11-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "7.2.9", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first, migrator hotplug
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "6.17.13", cpus=22, smt=1, maxcpus=3,
         order="11,1-10,12-21", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.3.4", cpus=14, smt=1, maxcpus=3,
         order="7,1-6,8-13", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) boot-time tracing, maxcpus=3, a hotplug storm of the whole last node
    Spec("nosmt-boot-glob-hotplug-storm-node1-multi", "6.18.15", cpus=18, smt=1, maxcpus=3, order="glob",
         scenario="hotplug-storm", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-hotplug-storm-node3-multi", "7.0.10", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="6,1-5,7-11", scenario="hotplug-storm", duration=4, threads="multi"),
    # (e) all CPUs up, events enabled late: sleepers, isolcpus=domain,6-9 with churn, churn
    Spec("nosmt-late-sleepers-multi", "6.19.14", cpus=26, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("isolcpus6-9-late-churn-multi", "6.12.69", cpus=20, isolcpus="domain,6-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-late-churn-multi", "7.1.7", cpus=18, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
]

# The twenty-fifth set (`--set twenty-fifth`, written to corpus-lab25): a fresh measurement of the engine of
# 6b456bb (the twenty-fourth set, replayed with the engine of b12a193, diverged four times in two captures: a
# 2-node glob-onlining hotplug boot trace with SMT and a 4-node node-3-first migrator-hotplug boot trace without
# SMT): multi-threaded TCG, 12-30 vCPUs, 2 and 4 nodes. Every kernel/vCPU pair is new to all sets (only cached
# kernels; none was downloaded), the point releases the sets used least: 6.12.73 at 28, 6.19.10 at 20, 7.1.3 at
# 22 (glob); 6.12.86 at 24, 6.19.11 at 20, 7.0.4 at 12 (4 nodes); 7.0.12 at 22, 6.12.95 at 28 (node 1 first);
# 6.18.12 at 22 (glob, hotplug storm), 7.2.6 at 12 (4 nodes, hotplug storm); 6.18.5 at 30, 7.0.9 at 22, 6.12.57
# at 28 (late). vCPU counts that are not a multiple of nodes x SMT 2 are without SMT (2 x 11 or 2 x 15 cores,
# 4 x 5 or 4 x 3 cores). Boot-time tracing with maxcpus=3: (a) 2 nodes, glob onlining, offline/online of cpu20
# (a node-1 CPU, SMT 2), of cpu9 (the last CPU of node 0, SMT 2), of cpu11 (node 1's first, no SMT); (b) 4
# nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)), a node-2 or node-3 first CPU onlined first: the
# migrator-hotplug scenario (the second CPU of each node made busy, offlined, onlined) with node 2 first (SMT 2,
# 24 vCPUs; no SMT, 12 vCPUs) and node 3 first (no SMT, 20 vCPUs); (c) 2 nodes, node 1's first CPU onlined
# first: the migrator-hotplug scenario (no SMT, 22 vCPUs; SMT 2, 28 vCPUs); (d) hotplug storms: of the whole
# of node 1 (2 nodes, glob onlining), of the whole of node 3 (4 nodes, node 3's first CPU onlined first, so the
# CPU the bring-up began with goes offline too), each offlined and onlined twice. Late: (e) sleepers (no SMT,
# 30 vCPUs), isolcpus=domain,6-9 with churn (no SMT, 22 vCPUs), churn (SMT 2, 28 vCPUs).
TWENTY_FIFTH_RUNS = [
    # (a) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug20-multi", "6.12.73", cpus=28, maxcpus=3, order="glob", hotplug="20", threads="multi"),
    Spec("boot-glob-hotplug9-multi", "6.19.10", cpus=20, maxcpus=3, order="glob", hotplug="9", threads="multi"),
    Spec("nosmt-boot-glob-hotplug11-multi", "7.1.3", cpus=22, smt=1, maxcpus=3, order="glob", hotplug="11",
         threads="multi"),
    # (b) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first, migrator hotplug
    Spec("boot-node2-first-migrator-hotplug-multi", "6.12.86", cpus=24, nodes=4, maxcpus=3, order="12,1-11,13-23",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "6.19.11", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="15,1-14,16-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-migrator-hotplug-multi", "7.0.4", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="6,1-5,7-11", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first, migrator hotplug
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.0.12", cpus=22, smt=1, maxcpus=3,
         order="11,1-10,12-21", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-remote-node-first-migrator-hotplug-multi", "6.12.95", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) boot-time tracing, maxcpus=3, a hotplug storm of the whole last node
    Spec("nosmt-boot-glob-hotplug-storm-node1-multi", "6.18.12", cpus=22, smt=1, maxcpus=3, order="glob",
         scenario="hotplug-storm", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug-storm-node3-multi", "7.2.6", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="hotplug-storm", duration=4, threads="multi"),
    # (e) all CPUs up, events enabled late: sleepers, isolcpus=domain,6-9 with churn, churn
    Spec("nosmt-late-sleepers-multi", "6.18.5", cpus=30, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-isolcpus6-9-late-churn-multi", "7.0.9", cpus=22, smt=1, isolcpus="domain,6-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("late-churn-multi", "6.12.57", cpus=28, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
]

# The twenty-sixth set (`--set twenty-sixth`, written to corpus-lab26): a fresh measurement of the engine of
# 5f08bc5 (the twenty-fifth set, replayed with the engine of 6b456bb, diverged twice in two captures: a late
# isolcpus churn capture without SMT and a 4-node node-3-first hotplug-storm boot trace without SMT), imitating
# the outside class closely: multi-threaded TCG, 20-30 vCPUs, 2 nodes with SMT 2 in nine runs. Every kernel/vCPU
# pair is new to all sets (only cached kernels; none was downloaded); the 2-node SMT-2 counts (multiples of 4)
# are left only on 6.12.y and 6.19.6: 6.12.43 at 28, 6.12.74 at 28, 6.12.107 at 24, 6.12.86 at 20 (glob);
# 6.12.90 at 24, 6.12.69 at 28, 6.12.85 at 20 (node 1 first); 6.12.95 at 20, 6.19.6 at 28, 7.3-amd64 at 30
# (late isolcpus); 7.2.13 at 26, 7.1.13 at 30 (late); 6.12.117 at 24 (4 nodes). The newer series run without
# SMT at 26 and 30 vCPUs (2 x 13 or 2 x 15 cores). Boot-time tracing with maxcpus=3: (a) 2 nodes, SMT 2, glob
# onlining, offline/online of cpu14 (node 1's first), cpu27 (the last CPU), cpu7 (a node-0 CPU), cpu15 (a
# node-1 CPU); (b) 2 nodes, SMT 2, node 1's first CPU onlined first, then the rest: idle (as in the 7.3.4
# 32-vCPU example) at 24 and 28 vCPUs, churn at 20; (e) 4 nodes (node i = CPUs [i*6, (i+1)*6)), SMT 2, node 3's
# first CPU onlined first, a hotplug storm of the whole of node 3 (the CPU the bring-up began with goes offline
# too), offlined and onlined twice. Late, all CPUs up: (c) isolcpus=domain,2-5 (node 0, SMT 2) with churn,
# isolcpus=domain,16-18 (node 1, SMT 2, half a core) with sleepers, isolcpus=domain,20-21 (node 1, no SMT) with
# churn; (d) sleepers (no SMT, 26 vCPUs), churn (no SMT, 30 vCPUs).
TWENTY_SIXTH_RUNS = [
    # (a) 2 nodes, SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug14-multi", "6.12.43", cpus=28, maxcpus=3, order="glob", hotplug="14", threads="multi"),
    Spec("boot-glob-hotplug27-multi", "6.12.74", cpus=28, maxcpus=3, order="glob", hotplug="27", threads="multi"),
    Spec("boot-glob-hotplug7-multi", "6.12.107", cpus=24, maxcpus=3, order="glob", hotplug="7", threads="multi"),
    Spec("boot-glob-hotplug15-multi", "6.12.86", cpus=20, maxcpus=3, order="glob", hotplug="15", threads="multi"),
    # (b) 2 nodes, SMT 2, boot-time tracing, maxcpus=3, node 1's first CPU onlined first, then the rest
    Spec("boot-remote-node-first-idle-multi", "6.12.90", cpus=24, maxcpus=3, order="12,1-11,13-23",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-idle-multi", "6.12.69", cpus=28, maxcpus=3, order="14,1-13,15-27",
         scenario="all-idle", threads="multi"),
    Spec("boot-remote-node-first-churn-multi", "6.12.85", cpus=20, maxcpus=3, order="10,1-9,11-19",
         scenario="idle-churn", duration=3, threads="multi"),
    # (c) all CPUs up, events enabled late, isolcpus=domain,A-B inside one node
    Spec("isolcpus2-5-late-churn-multi", "6.12.95", cpus=20, isolcpus="domain,2-5", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("isolcpus16-18-late-sleepers-multi", "6.19.6", cpus=28, isolcpus="domain,16-18", boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
    Spec("nosmt-isolcpus20-21-late-churn-multi", "7.3-amd64", cpus=30, smt=1, isolcpus="domain,20-21",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    # (d) all CPUs up, events enabled late: sleepers, churn
    Spec("nosmt-late-sleepers-multi", "7.2.13", cpus=26, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-late-churn-multi", "7.1.13", cpus=30, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    # (e) 4 nodes, SMT 2, boot-time tracing, maxcpus=3, node 3's first CPU onlined first, hotplug storm of node 3
    Spec("boot-node3-first-hotplug-storm-node3-multi", "6.12.117", cpus=24, nodes=4, maxcpus=3,
         order="18,1-17,19-23", scenario="hotplug-storm", duration=4, threads="multi"),
]

# The twenty-seventh set (`--set twenty-seventh`, written to corpus-lab27): a fresh measurement of the engine of
# 8b730d1 (the twenty-sixth set, replayed with the engine of 5f08bc5, diverged once in one capture: a 2-node
# SMT-2 glob-onlining hotplug boot trace on 6.12.43), on the newer series this time (the twenty-sixth was mostly
# 6.12.y): multi-threaded TCG, 8-30 vCPUs, 1, 2 and 4 nodes. Every kernel/vCPU pair is new to all sets (only
# cached kernels; none was downloaded); on 6.16.y-7.3 the counts left with SMT 2 (multiples of nodes x 2) are 8
# and 12, so the larger runs are without SMT (2 x 7 to 2 x 15 cores): 6.18.9 at 12, 6.17.8 at 26, 7.2.11 at 22
# (glob); 6.19.8 at 12, 7.0.12 at 30, 7.1.8 at 18 (node 1 first); 7.3-amd64 at 8, 6.16.12 at 12 (4 nodes);
# 7.2.12 at 26, 7.0.4 at 14, 6.19.6 at 12, 6.17.13 at 30 (late); 6.16.3 at 12 (1 node). Boot-time tracing with
# maxcpus=3: (a) 2 nodes, glob onlining, offline/online of cpu6 (node 1's first, SMT 2), cpu25 (the last CPU,
# no SMT), cpu16 (a node-1 CPU, no SMT); (b) 2 nodes, node 1's first CPU onlined first, then the rest: the
# migrator-hotplug scenario (the second CPU of each node made busy, offlined, onlined) with SMT 2 at 12 vCPUs and
# without SMT at 18, a hotplug storm of the whole of node 1 (the CPU the bring-up began with goes offline too)
# without SMT at 30; (c) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)): node 2's first CPU onlined first with
# migrator hotplug (SMT 2, 8 vCPUs: one core per node), node 3's first CPU onlined first with a hotplug storm of
# the whole of node 3 (no SMT, 12 vCPUs); (e) 1 node, SMT 2, 12 vCPUs, glob onlining, offline/online of cpu10.
# Late, all CPUs up: (d) sleepers (no SMT, 26 vCPUs), churn (no SMT, 14 vCPUs), isolcpus=domain,8-10 (node 1,
# SMT 2, a core and a half) with sleepers, churn for 7 s (no SMT, 30 vCPUs, 4 MiB buffer).
TWENTY_SEVENTH_RUNS = [
    # (a) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug6-multi", "6.18.9", cpus=12, maxcpus=3, order="glob", hotplug="6", threads="multi"),
    Spec("nosmt-boot-glob-hotplug25-multi", "6.17.8", cpus=26, smt=1, maxcpus=3, order="glob", hotplug="25",
         threads="multi"),
    Spec("nosmt-boot-glob-hotplug16-multi", "7.2.11", cpus=22, smt=1, maxcpus=3, order="glob", hotplug="16",
         threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug, hotplug storm
    Spec("boot-remote-node-first-migrator-hotplug-multi", "6.19.8", cpus=12, maxcpus=3, order="6,1-5,7-11",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.1.8", cpus=18, smt=1, maxcpus=3,
         order="9,1-8,10-17", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug-storm-node1-multi", "7.0.12", cpus=30, smt=1, maxcpus=3,
         order="15,1-14,16-29", scenario="hotplug-storm", duration=4, threads="multi"),
    # (c) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node2-first-migrator-hotplug-multi", "7.3-amd64", cpus=8, nodes=4, maxcpus=3, order="4,1-3,5-7",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug-storm-node3-multi", "6.16.12", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="hotplug-storm", duration=4, threads="multi"),
    # (d) all CPUs up, events enabled late: sleepers, churn, isolcpus=domain,8-10 with sleepers, churn for 7 s
    Spec("nosmt-late-sleepers-multi", "7.2.12", cpus=26, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-late-churn-multi", "7.0.4", cpus=14, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("isolcpus8-10-late-sleepers-multi", "6.19.6", cpus=12, isolcpus="domain,8-10", boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
    Spec("nosmt-late-churn-7s-multi", "6.17.13", cpus=30, smt=1, boot_trace=False, scenario="idle-churn",
         duration=7, buffer_kb=4096, threads="multi"),
    # (e) 1 node, SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of cpu10
    Spec("boot-glob-hotplug10-multi", "6.16.3", cpus=12, nodes=1, maxcpus=3, order="glob", hotplug="10",
         threads="multi"),
]

# The twenty-eighth set (`--set twenty-eighth`, written to corpus-lab28): a fresh measurement of the engine of
# 650ea03 (the twenty-seventh set, replayed with the engine of 8b730d1, diverged three times in two captures: a
# 4-node node-3-first hotplug storm on 6.16.12 and a 4-node node-2-first migrator hotplug on 7.3), in the classes
# where the last sets found false divergences: multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes, on 6.12.y and
# 6.16.y-7.3. Every kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded): 6.17.8 at 8,
# 7.1.7 at 8, 6.18.12 at 12, 6.12.107 at 20 (4 nodes); 6.12.86 at 28, 7.3-amd64 at 10, 6.19.10 at 18 (glob);
# 7.0.7 at 12, 7.2.6 at 22, 6.16.3 at 26 (node 1 first); 6.19.13 at 30, 7.1.3 at 18, 6.12.57 at 12 (late).
# Boot-time tracing with maxcpus=3: (a) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)): node 2's first CPU
# onlined first with migrator hotplug (SMT 2, 8 vCPUs: one core per node), node 3's first CPU onlined first with
# a hotplug storm of the whole of node 3 (SMT 2, 8 vCPUs), node 2's first CPU onlined first with a hotplug storm
# of the whole of node 2 (cpu6-8, the CPU the bring-up began with too; no SMT, 12 vCPUs), node 3's first CPU
# onlined first with migrator hotplug (no SMT, 20 vCPUs); (b) 2 nodes, glob onlining, offline/online of cpu14
# (node 1's first, SMT 2, 28 vCPUs), cpu7 (a node-1 CPU, no SMT, 10 vCPUs), cpu17 (the last CPU, no SMT, 18
# vCPUs); (c) 2 nodes, node 1's first CPU onlined first, then the rest: migrator hotplug with SMT 2 at 12 vCPUs
# and without SMT at 26, a hotplug storm of the whole of node 1 without SMT at 22. Late, all CPUs up: (d)
# sleepers (no SMT, 30 vCPUs), churn (no SMT, 18 vCPUs), isolcpus=domain,9-10 (node 1, SMT 2: halves of two
# cores) with sleepers.
TWENTY_EIGHTH_RUNS = [
    # (a) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node2-first-migrator-hotplug-multi", "6.17.8", cpus=8, nodes=4, maxcpus=3, order="4,1-3,5-7",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-node3-first-hotplug-storm-node3-multi", "7.1.7", cpus=8, nodes=4, maxcpus=3, order="6,1-5,7",
         scenario="hotplug-storm", duration=4, threads="multi"),
    Spec("nosmt-boot-node2-first-hotplug-storm-node2-multi", "6.18.12", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="6,1-5,7-11", scenario="hotplug-storm", duration=4, hotplug="6-8", threads="multi"),
    Spec("nosmt-boot-node3-first-migrator-hotplug-multi", "6.12.107", cpus=20, nodes=4, smt=1, maxcpus=3,
         order="15,1-14,16-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug14-multi", "6.12.86", cpus=28, maxcpus=3, order="glob", hotplug="14", threads="multi"),
    Spec("nosmt-boot-glob-hotplug7-multi", "7.3-amd64", cpus=10, smt=1, maxcpus=3, order="glob", hotplug="7",
         threads="multi"),
    Spec("nosmt-boot-glob-hotplug17-multi", "6.19.10", cpus=18, smt=1, maxcpus=3, order="glob", hotplug="17",
         threads="multi"),
    # (c) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug, hotplug storm
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.0.7", cpus=12, maxcpus=3, order="6,1-5,7-11",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug-storm-node1-multi", "7.2.6", cpus=22, smt=1, maxcpus=3,
         order="11,1-10,12-21", scenario="hotplug-storm", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "6.16.3", cpus=26, smt=1, maxcpus=3,
         order="13,1-12,14-25", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (d) all CPUs up, events enabled late: sleepers, churn, isolcpus=domain,9-10 with sleepers
    Spec("nosmt-late-sleepers-multi", "6.19.13", cpus=30, smt=1, boot_trace=False, scenario="sleepers",
         duration=3, threads="multi"),
    Spec("nosmt-late-churn-multi", "7.1.3", cpus=18, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("isolcpus9-10-late-sleepers-multi", "6.12.57", cpus=12, isolcpus="domain,9-10", boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
]

# The twenty-ninth set (`--set twenty-ninth`, written to corpus-lab29): a fresh measurement of the engine of
# 255fa3e (frozen in a worktree and replayed with the pure-Python core), in the classes where the last sets found
# false divergences: multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes, on 6.12.y and 6.18.y-7.2. Every kernel/vCPU
# pair is new to all sets (only cached kernels; none was downloaded): 6.12.43 at 20, 6.12.94 at 28, 6.12.74 at 20
# (glob); 7.2.11 at 8, 6.19.11 at 22, 7.0.9 at 14 (node 1 first); 6.18.9 at 8, 7.1.8 at 12 (4 nodes); 7.2.9 at 18,
# 6.12.85 at 12, 6.18.12 at 30, 7.0.10 at 26 (late).
# Boot-time tracing with maxcpus=3: (a) 2 nodes, SMT 2, glob onlining, offline/online of cpu10 (node 1's first, 20
# vCPUs), cpu27 (the last CPU, 28 vCPUs), cpu13 (a node-1 CPU, 20 vCPUs); (b) 2 nodes, node 1's first CPU onlined
# first, then the rest: migrator hotplug with SMT 2 at 8 vCPUs, churn without SMT at 22, migrator hotplug without
# SMT at 14; (c) 4 nodes (node i = CPUs [i*cpus/4, (i+1)*cpus/4)): node 2's first CPU onlined first with migrator
# hotplug (SMT 2, 8 vCPUs: one core per node), node 3's first CPU onlined first with a hotplug storm of the whole
# of node 3 (cpu9-11, the CPU the bring-up began with too; no SMT, 12 vCPUs). Late, all CPUs up: (d)
# isolcpus=domain,12-14 (node 1, no SMT, 18 vCPUs) with sleepers, isolcpus=domain,2-5 (node 0, SMT 2: two whole
# cores, 12 vCPUs) with churn, sleepers (no SMT, 30 vCPUs), churn (no SMT, 26 vCPUs).
TWENTY_NINTH_RUNS = [
    # (a) 2 nodes, SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug10-multi", "6.12.43", cpus=20, maxcpus=3, order="glob", hotplug="10", threads="multi"),
    Spec("boot-glob-hotplug27-multi", "6.12.94", cpus=28, maxcpus=3, order="glob", hotplug="27", threads="multi"),
    Spec("boot-glob-hotplug13-multi", "6.12.74", cpus=20, maxcpus=3, order="glob", hotplug="13", threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug, churn
    Spec("boot-remote-node-first-migrator-hotplug-multi", "7.2.11", cpus=8, maxcpus=3, order="4,1-3,5-7",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-churn-multi", "6.19.11", cpus=22, smt=1, maxcpus=3, order="11,1-10,12-21",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.0.9", cpus=14, smt=1, maxcpus=3,
         order="7,1-6,8-13", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node2-first-migrator-hotplug-multi", "6.18.9", cpus=8, nodes=4, maxcpus=3, order="4,1-3,5-7",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug-storm-node3-multi", "7.1.8", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="hotplug-storm", duration=4, hotplug="9-11", threads="multi"),
    # (d) all CPUs up, events enabled late: isolcpus=domain with sleepers and churn, sleepers, churn
    Spec("nosmt-isolcpus12-14-late-sleepers-multi", "7.2.9", cpus=18, smt=1, isolcpus="domain,12-14",
         boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
    Spec("isolcpus2-5-late-churn-multi", "6.12.85", cpus=12, isolcpus="domain,2-5", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-late-sleepers-multi", "6.18.12", cpus=30, smt=1, boot_trace=False, scenario="sleepers",
         duration=3, threads="multi"),
    Spec("nosmt-late-churn-multi", "7.0.10", cpus=26, smt=1, boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
]

# The thirtieth set (`--set thirtieth`, written to corpus-lab30): a fresh measurement of the engine of 942e9e7
# (frozen in a worktree and replayed with the pure-Python core), in the classes where the last sets found false
# divergences: multi-threaded TCG, 8-28 vCPUs, 2 and 4 nodes, on 6.12.y and 6.16.y-7.3. Every kernel/vCPU pair is
# new to all sets (only cached kernels; none was downloaded): 7.2.12 at 12, 6.18.5 at 12, 6.12.90+deb12 at 28
# (glob); 6.16.12 at 14, 6.17.13 at 18, 7.0.13 at 12 (node 1 first); 6.19.8 at 8, 6.12.69 at 12, 7.1.7 at 12 (4
# nodes); 7.2.13 at 22, 6.19.14 at 14, 7.3-amd64 at 18 (late).
# Boot-time tracing with maxcpus=3: (a) 2 nodes, SMT 2, glob onlining, offline/online of cpu6 (node 1's first, 12
# vCPUs), cpu11 (the last CPU, 12 vCPUs), cpu17 (a node-1 CPU, 28 vCPUs); (b) 2 nodes, node 1's first CPU onlined
# first, then the rest: migrator hotplug without SMT at 14 vCPUs, churn without SMT at 18, a hotplug storm of the
# whole of node 1 (cpu6-11, the CPU the bring-up began with too) with SMT 2 at 12; (c) 4 nodes (node i = CPUs
# [i*cpus/4, (i+1)*cpus/4)): node 2's first CPU onlined first with migrator hotplug (SMT 2, 8 vCPUs: one core per
# node), node 3's first CPU onlined first with a hotplug storm of the whole of node 3 (cpu9-11; no SMT, 12 vCPUs),
# node 2's first CPU onlined first with a hotplug storm of the whole of node 2 (cpu6-8; no SMT, 12 vCPUs). Late,
# all CPUs up: (d) sleepers (no SMT, 22 vCPUs), isolcpus=domain,9-11 (node 1, no SMT, 14 vCPUs) with churn,
# isolcpus=domain,3-5 (node 0, no SMT, 18 vCPUs) with sleepers.
THIRTIETH_RUNS = [
    # (a) 2 nodes, SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU
    Spec("boot-glob-hotplug6-multi", "7.2.12", cpus=12, maxcpus=3, order="glob", hotplug="6", threads="multi"),
    Spec("boot-glob-hotplug11-multi", "6.18.5", cpus=12, maxcpus=3, order="glob", hotplug="11", threads="multi"),
    Spec("boot-glob-hotplug17-multi", "6.12.90+deb12-amd64", cpus=28, maxcpus=3, order="glob", hotplug="17",
         threads="multi"),
    # (b) 2 nodes, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug, churn, storm
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "6.16.12", cpus=14, smt=1, maxcpus=3,
         order="7,1-6,8-13", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-churn-multi", "6.17.13", cpus=18, smt=1, maxcpus=3, order="9,1-8,10-17",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("boot-remote-node-first-hotplug-storm-node1-multi", "7.0.13", cpus=12, maxcpus=3, order="6,1-5,7-11",
         scenario="hotplug-storm", duration=4, threads="multi"),
    # (c) 4 nodes, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first
    Spec("boot-node2-first-migrator-hotplug-multi", "6.19.8", cpus=8, nodes=4, maxcpus=3, order="4,1-3,5-7",
         scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug-storm-node3-multi", "6.12.69", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="9,1-8,10-11", scenario="hotplug-storm", duration=4, hotplug="9-11", threads="multi"),
    Spec("nosmt-boot-node2-first-hotplug-storm-node2-multi", "7.1.7", cpus=12, nodes=4, smt=1, maxcpus=3,
         order="6,1-5,7-11", scenario="hotplug-storm", duration=4, hotplug="6-8", threads="multi"),
    # (d) all CPUs up, events enabled late: sleepers, isolcpus=domain with churn and sleepers
    Spec("nosmt-late-sleepers-multi", "7.2.13", cpus=22, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-isolcpus9-11-late-churn-multi", "6.19.14", cpus=14, smt=1, isolcpus="domain,9-11",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-isolcpus3-5-late-sleepers-multi", "7.3-amd64", cpus=18, smt=1, isolcpus="domain,3-5",
         boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
]

# The thirty-first set (`--set thirty-first`, written to corpus-lab31): a fresh measurement of the engine of 988a709
# (frozen in a worktree and replayed with the pure-Python core), this time on mostly larger machines: multi-threaded
# TCG, 12-30 vCPUs (all but two at 20-30), 2 and 4 nodes, on 6.12.y and 6.16.y-7.2 (7.3 has no free pair left below
# 33 vCPUs). Every resolved kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded); with 2
# nodes and SMT 2, or 4 nodes, the vCPUs must be a multiple of 4, and the only such pairs left at 16-32 are of
# 6.12.117 and 6.12.90 (+deb12, +deb12.1): 6.12.117 at 28, 7.2.11 at 12, 6.19.11 at 12 (glob); 7.0.4 at 30,
# 6.17.13 at 26, 6.16.12 at 30 (node 1 first); 6.12.90+deb12 at 20 and 24, 6.12.90+deb12.1 at 28 (4 nodes; the
# upstream 6.12.90 was at 24 and 28 before, in the other Debian build); 6.18.9 at 30, 7.1.7 at 26, 6.17.8 at 30
# (late).
# Boot-time tracing with maxcpus=3: (a) 2 nodes, SMT 2, glob onlining, offline/online of cpu21 (a node-1 CPU, 28
# vCPUs), cpu9 (a node-1 CPU, 12 vCPUs), cpu7 (a node-1 CPU, 12 vCPUs, hashed pointers); (b) 2 nodes, no SMT, node
# 1's first CPU onlined first, then the rest: migrator hotplug at 30 vCPUs, churn at 26, a hotplug storm of the
# whole of node 1 (cpu15-29, the CPU the bring-up began with too) at 30; (c) 4 nodes (node i = CPUs [i*cpus/4,
# (i+1)*cpus/4)): node 1's first CPU onlined first with migrator hotplug (no SMT, 20 vCPUs), node 2's first CPU
# onlined first with migrator hotplug (SMT 2, 24 vCPUs), node 3's first CPU onlined first with a hotplug storm of
# the whole of node 3 (cpu21-27; no SMT, 28 vCPUs). Late, all CPUs up: (d) sleepers (no SMT, 30 vCPUs),
# isolcpus=domain,16-18 (node 1, no SMT, 26 vCPUs) with churn, isolcpus=domain,3-5 (node 0, no SMT, 30 vCPUs) with
# sleepers.
THIRTY_FIRST_RUNS = [
    # (a) 2 nodes, SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of one node-1 CPU
    Spec("boot-glob-hotplug21-multi", "6.12.117", cpus=28, maxcpus=3, order="glob", hotplug="21", threads="multi"),
    Spec("boot-glob-hotplug9-multi", "7.2.11", cpus=12, maxcpus=3, order="glob", hotplug="9", threads="multi"),
    Spec("boot-glob-hotplug7-hashptr-multi", "6.19.11", cpus=12, maxcpus=3, order="glob", hotplug="7",
         hash_ptr=True, threads="multi"),
    # (b) 2 nodes, no SMT, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug, churn,
    # storm
    Spec("nosmt-boot-remote-node-first-migrator-hotplug-multi", "7.0.4", cpus=30, smt=1, maxcpus=3,
         order="15,1-14,16-29", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-remote-node-first-churn-multi", "6.17.13", cpus=26, smt=1, maxcpus=3, order="13,1-12,14-25",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug-storm-node1-multi", "6.16.12", cpus=30, smt=1, maxcpus=3,
         order="15,1-14,16-29", scenario="hotplug-storm", duration=4, threads="multi"),
    # (c) 4 nodes, boot-time tracing, maxcpus=3, a node-1, node-2 or node-3 first CPU onlined first
    Spec("nosmt-boot-node1-first-migrator-hotplug-multi", "6.12.90+deb12-amd64", cpus=20, nodes=4, smt=1,
         maxcpus=3, order="5,1-4,6-19", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("boot-node2-first-migrator-hotplug-multi", "6.12.90+deb12-amd64", cpus=24, nodes=4, maxcpus=3,
         order="12,1-11,13-23", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-boot-node3-first-hotplug-storm-node3-multi", "6.12.90+deb12.1-amd64", cpus=28, nodes=4, smt=1,
         maxcpus=3, order="21,1-20,22-27", scenario="hotplug-storm", duration=4, hotplug="21-27", threads="multi"),
    # (d) all CPUs up, events enabled late: sleepers, isolcpus=domain with churn and sleepers
    Spec("nosmt-late-sleepers-multi", "6.18.9", cpus=30, smt=1, boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-isolcpus16-18-late-churn-multi", "7.1.7", cpus=26, smt=1, isolcpus="domain,16-18",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-isolcpus3-5-late-sleepers-multi", "6.17.8", cpus=30, smt=1, isolcpus="domain,3-5",
         boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
]

# The thirty-second set (`--set thirty-second`, written to corpus-lab32): a fresh measurement of the engine of a02753d
# (frozen in a worktree and replayed with the pure-Python core) that varies the topology instead of the vCPU count
# (the counts that 2-node SMT-2 and 4-node layouts need, multiples of 4, are nearly used up at 16-32 vCPUs, and 7.3
# has no free even count): multi-threaded TCG, 12-30 vCPUs, odd counts without SMT on uneven nodes (`node_cpus`),
# 1, 2, 3 and 4 nodes, isolcpus, nohz_full and empty hotplug slots, on 6.12.y and 6.16.y-7.3. Every resolved
# kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded): 7.3-amd64 at 13, 6.19.13 at 15,
# 6.12.73 at 18 (glob); 7.3.4 at 17, 7.0.7 at 22, 6.16.12 at 26 (node 1 first); 7.1.13 at 27, 6.18.15 at 25
# (3 and 4 nodes); 7.2.6 at 23, 6.19.6 at 30, 6.17.8 at 19 (late); 6.12.95 at 12 (of 20 possible CPUs).
# Boot-time tracing with maxcpus=3: (a) glob onlining, offline/online of one CPU: cpu9 (node 1, no SMT, uneven
# nodes 0-6/7-12, 13 vCPUs), cpu11 (node 2 of 3 even nodes, no SMT, 15 vCPUs), cpu13 (node 1, SMT 2, uneven nodes
# 0-11/12-17: three sockets of 3 cores x 2 threads, 18 vCPUs); (b) 2 nodes, no SMT, node 1's first CPU onlined
# first, then the rest: migrator hotplug on uneven nodes 0-8/9-16 (17 vCPUs), churn at 22, a hotplug storm of the
# whole of node 1 (cpu13-25, the CPU the bring-up began with too) at 26; (c) 3 and 4 nodes, no SMT, node 2's first
# CPU onlined first: migrator hotplug on 3 even nodes (27 vCPUs, cpu18 first), a hotplug storm of the whole of node
# 2 (cpu13-18) on 4 uneven nodes 0-6/7-12/13-18/19-24 (25 vCPUs). Late, all CPUs up: (d) sleepers with
# isolcpus=domain,14-16 (node 1, no SMT, uneven nodes 0-11/12-22, 23 vCPUs), churn with nohz_full=2-5 (3 nodes,
# SMT 2, 30 vCPUs), sleepers on one node (no SMT, 19 vCPUs). (e) Boot-time tracing, maxcpus=3, glob onlining, 12
# present of 20 possible CPUs (2 nodes of 10, SMT 2: node 1 has two present CPUs and 8 empty slots), offline/online
# of cpu10 (node 1's first).
THIRTY_SECOND_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU: uneven 2 nodes or 3 nodes
    Spec("nosmt-uneven7+6-boot-glob-hotplug9-multi", "7.3-amd64", cpus=13, smt=1, node_cpus="0-6/7-12", maxcpus=3,
         order="glob", hotplug="9", threads="multi"),
    Spec("nosmt-boot-glob-hotplug11-multi", "6.19.13", cpus=15, nodes=3, smt=1, maxcpus=3, order="glob",
         hotplug="11", threads="multi"),
    Spec("uneven12+6-boot-glob-hotplug13-multi", "6.12.73", cpus=18, node_cpus="0-11/12-17", maxcpus=3,
         order="glob", hotplug="13", threads="multi"),
    # (b) 2 nodes, no SMT, boot-time tracing, maxcpus=3, node 1's first CPU onlined first: migrator hotplug (uneven
    # nodes), churn, storm
    Spec("nosmt-uneven9+8-boot-remote-node-first-migrator-hotplug-multi", "7.3.4", cpus=17, smt=1,
         node_cpus="0-8/9-16", maxcpus=3, order="9,1-8,10-16", scenario="migrator-hotplug", duration=4,
         threads="multi"),
    Spec("nosmt-boot-remote-node-first-churn-multi", "7.0.7", cpus=22, smt=1, maxcpus=3, order="11,1-10,12-21",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-boot-remote-node-first-hotplug-storm-node1-multi", "6.16.12", cpus=26, smt=1, maxcpus=3,
         order="13,1-12,14-25", scenario="hotplug-storm", duration=4, threads="multi"),
    # (c) 3 or 4 nodes, no SMT, boot-time tracing, maxcpus=3, node 2's first CPU onlined first
    Spec("nosmt-boot-node2-first-migrator-hotplug-multi", "7.1.13", cpus=27, nodes=3, smt=1, maxcpus=3,
         order="18,1-17,19-26", scenario="migrator-hotplug", duration=4, threads="multi"),
    Spec("nosmt-uneven7+6+6+6-boot-node2-first-hotplug-storm-node2-multi", "6.18.15", cpus=25, nodes=4, smt=1,
         node_cpus="0-6/7-12/13-18/19-24", maxcpus=3, order="13,1-12,14-24", scenario="hotplug-storm", duration=4,
         hotplug="13-18", threads="multi"),
    # (d) all CPUs up, events enabled late: isolcpus=domain with sleepers, nohz_full with churn, sleepers on 1 node
    Spec("nosmt-uneven12+11-isolcpus14-16-late-sleepers-multi", "7.2.6", cpus=23, smt=1, node_cpus="0-11/12-22",
         isolcpus="domain,14-16", boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
    Spec("nohz_full2-5-late-churn-multi", "6.19.6", cpus=30, nodes=3, nohz_full="2-5", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-late-sleepers-multi", "6.17.8", cpus=19, nodes=1, smt=1, boot_trace=False, scenario="sleepers",
         duration=3, threads="multi"),
    # (e) empty hotplug slots: 12 present of 20 possible CPUs, boot-time tracing, glob onlining, offline/online of
    # node 1's first CPU
    Spec("possible20-boot-glob-hotplug10-multi", "6.12.95", cpus=12, possible=20, maxcpus=3, order="glob",
         hotplug="10", threads="multi"),
]

# The thirty-third set (`--set thirty-third`, written to corpus-lab33): a fresh measurement of the engine of e97d70e
# (frozen in a worktree and replayed with the pure-Python core) that again varies the topology rather than the vCPU
# count, this time around the thirty-second set's one false divergence (a 4-node uneven boot trace with a hotplug
# storm of node 2, several CPUs running remote expiries at the same moment): multi-threaded TCG, 18-31 vCPUs, uneven
# nodes (`node_cpus`) with and without SMT, 2, 3 and 4 nodes, isolcpus, nohz_full and empty hotplug slots, on 6.12.y
# and 6.16.y-7.3. Every resolved kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded):
# 7.3-amd64 at 25, 7.3.4 at 23, 6.16.12 at 29, 6.12.88 at 27 (4 nodes); 7.1.13 at 21, 6.18.15 at 26, 7.0.13 at 27
# (3 nodes); 6.17.13 at 19, 7.2.9 at 22 (glob); 6.19.13 at 21, 7.2.12 at 31, 6.12.107 at 18 (late).
# Boot-time tracing with maxcpus=3: (a) 4 uneven nodes, no SMT, a node-2 or node-3 first CPU onlined first, then
# the rest: a hotplug storm of the whole of node 2 (cpu12-18) on 0-5/6-11/12-18/19-24 (25 vCPUs), a hotplug storm
# of the whole of node 3 (cpu18-22) on 0-5/6-11/12-17/18-22 (23 vCPUs), migrator hotplug with node 2 first on
# 0-7/8-14/15-21/22-28 (29 vCPUs), migrator hotplug with node 3 first on 0-6/7-13/14-20/21-26 (27 vCPUs); (b) 3
# nodes: node 1's first CPU onlined first with churn (even, no SMT, 21 vCPUs), node 2's first CPU onlined first
# with a hotplug storm of the whole of node 2 (cpu18-25; uneven nodes 0-9/10-17/18-25 with SMT 2: 13 sockets of one
# core x 2 threads, 26 vCPUs), node 1's first CPU onlined first with migrator hotplug (even, no SMT, 27 vCPUs); (c)
# glob onlining on uneven 2-node layouts, offline/online of one node-1 CPU: cpu14 (no SMT, 0-11/12-18, 19 vCPUs),
# cpu15 (SMT 2, 0-13/14-21: 11 sockets of one core x 2 threads, 22 vCPUs). Late, all CPUs up: (d) sleepers with
# isolcpus=domain,8-10 (node 1 of 3 even nodes, no SMT, 21 vCPUs), churn with nohz_full=17-20 (node 2 of 4 uneven
# nodes 0-7/8-15/16-23/24-30, no SMT, 31 vCPUs), sleepers on 3 nodes with SMT 2 and 18 present of 24 possible CPUs
# (node 2 has two present CPUs and 6 empty slots).
THIRTY_THIRD_RUNS = [
    # (a) 4 uneven nodes, no SMT, boot-time tracing, maxcpus=3, a node-2 or node-3 first CPU onlined first: hotplug
    # storm of that node, migrator hotplug
    Spec("nosmt-uneven6+6+7+6-boot-node2-first-hotplug-storm-node2-multi", "7.3-amd64", cpus=25, nodes=4, smt=1,
         node_cpus="0-5/6-11/12-18/19-24", maxcpus=3, order="12,1-11,13-24", scenario="hotplug-storm", duration=4,
         hotplug="12-18", threads="multi"),
    Spec("nosmt-uneven6+6+6+5-boot-node3-first-hotplug-storm-node3-multi", "7.3.4", cpus=23, nodes=4, smt=1,
         node_cpus="0-5/6-11/12-17/18-22", maxcpus=3, order="18,1-17,19-22", scenario="hotplug-storm", duration=4,
         hotplug="18-22", threads="multi"),
    Spec("nosmt-uneven8+7+7+7-boot-node2-first-migrator-hotplug-multi", "6.16.12", cpus=29, nodes=4, smt=1,
         node_cpus="0-7/8-14/15-21/22-28", maxcpus=3, order="15,1-14,16-28", scenario="migrator-hotplug",
         duration=4, threads="multi"),
    Spec("nosmt-uneven7+7+7+6-boot-node3-first-migrator-hotplug-multi", "6.12.88", cpus=27, nodes=4, smt=1,
         node_cpus="0-6/7-13/14-20/21-26", maxcpus=3, order="21,1-20,22-26", scenario="migrator-hotplug",
         duration=4, threads="multi"),
    # (b) 3 nodes, boot-time tracing, maxcpus=3, a node-1 or node-2 first CPU onlined first: churn, storm, migrator
    # hotplug
    Spec("nosmt-boot-node1-first-churn-multi", "7.1.13", cpus=21, nodes=3, smt=1, maxcpus=3, order="7,1-6,8-20",
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("uneven10+8+8-boot-node2-first-hotplug-storm-node2-multi", "6.18.15", cpus=26, nodes=3,
         node_cpus="0-9/10-17/18-25", maxcpus=3, order="18,1-17,19-25", scenario="hotplug-storm", duration=4,
         hotplug="18-25", threads="multi"),
    Spec("nosmt-boot-node1-first-migrator-hotplug-multi", "7.0.13", cpus=27, nodes=3, smt=1, maxcpus=3,
         order="9,1-8,10-26", scenario="migrator-hotplug", duration=4, threads="multi"),
    # (c) uneven 2 nodes, boot-time tracing, maxcpus=3, glob onlining, offline/online of one node-1 CPU
    Spec("nosmt-uneven12+7-boot-glob-hotplug14-multi", "6.17.13", cpus=19, smt=1, node_cpus="0-11/12-18",
         maxcpus=3, order="glob", hotplug="14", threads="multi"),
    Spec("uneven14+8-boot-glob-hotplug15-multi", "7.2.9", cpus=22, node_cpus="0-13/14-21", maxcpus=3, order="glob",
         hotplug="15", threads="multi"),
    # (d) all CPUs up, events enabled late, 3 or 4 nodes: isolcpus=domain with sleepers, nohz_full with churn,
    # sleepers with empty hotplug slots
    Spec("nosmt-isolcpus8-10-late-sleepers-multi", "6.19.13", cpus=21, nodes=3, smt=1, isolcpus="domain,8-10",
         boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
    Spec("nosmt-uneven8+8+8+7-nohz_full17-20-late-churn-multi", "7.2.12", cpus=31, nodes=4, smt=1,
         node_cpus="0-7/8-15/16-23/24-30", nohz_full="17-20", boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("possible24-late-sleepers-multi", "6.12.107", cpus=18, nodes=3, possible=24, boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
]

# The thirty-fourth set (`--set thirty-fourth`, written to corpus-lab34): a fresh measurement of the engine of 9742b2e
# (frozen in a worktree and replayed with the pure-Python core) that again varies the topology rather than the vCPU
# count, around the thirty-third set's false divergences (several CPUs expiring timers at the root at once in 3- and
# 4-node boot traces, and a late capture of a nohz_full layout): multi-threaded TCG, 18-31 vCPUs, uneven nodes
# (`node_cpus`) with and without SMT, 3 and 4 nodes, isolcpus and nohz_full on a non-zero node, on 6.12.y and
# 6.16.y-7.3, every run 3 s. Every resolved kernel/vCPU pair is new to all sets (only cached kernels; none was
# downloaded): 7.3-amd64 at 27, 7.3.4 at 31, 6.16.3 at 23, 7.0.10 at 29 (4 nodes); 6.18.12 at 21, 6.19.10 at 26,
# 7.1.3 at 25 (3 nodes); 6.17.8 at 18, 7.2.11 at 30 (nohz_full); 6.12.74 at 19, 7.2.13 at 27 (isolcpus); 6.12.85 at
# 22 (glob).
# Boot-time tracing with maxcpus=3: (a) 4 uneven nodes, no SMT, a node-1, node-2 or node-3 first CPU onlined first,
# then the rest: a hotplug storm of the whole of node 1 (cpu8-13) on 0-7/8-13/14-20/21-26 (27 vCPUs), migrator
# hotplug with node 3 first on 0-6/7-14/15-23/24-30 (31 vCPUs), churn with node 2 first on 0-5/6-10/11-16/17-22 (23
# vCPUs), a hotplug storm of the whole of node 3 (cpu23-28) on 0-6/7-14/15-22/23-28 (29 vCPUs); (b) 3 nodes: node 2's
# first CPU onlined first with a hotplug storm of the whole of node 2 (cpu14-20; even, no SMT, 21 vCPUs), node 1's
# first CPU onlined first with churn (uneven nodes 0-7/8-17/18-25 with SMT 2: 13 sockets of one core x 2 threads, 26
# vCPUs), node 2's first CPU onlined first with migrator hotplug (uneven 0-8/9-16/17-24, no SMT, 25 vCPUs); (e) glob
# onlining on uneven 3 nodes with SMT 2 (0-7/8-13/14-21: 11 sockets of one core x 2 threads, 22 vCPUs),
# offline/online of node 1's cpu10. Late, all CPUs up: (c) sleepers with nohz_full=8-9 (node 1 of 3 even nodes, SMT
# 2, 18 vCPUs), churn with nohz_full=24-26 (node 3 of 4 uneven nodes 0-7/8-15/16-22/23-29, no SMT, 30 vCPUs); (d)
# sleepers with isolcpus=domain,8-10 (node 1 of 3 uneven nodes 0-6/7-12/13-18, no SMT, 19 vCPUs), churn with
# isolcpus=domain,14-17 (node 2 of 4 uneven nodes 0-5/6-12/13-20/21-26, no SMT, 27 vCPUs).
THIRTY_FOURTH_RUNS = [
    # (a) 4 uneven nodes, no SMT, boot-time tracing, maxcpus=3, a node-1, node-2 or node-3 first CPU onlined first:
    # hotplug storm of that node, migrator hotplug, churn
    Spec("nosmt-uneven8+6+7+6-boot-node1-first-hotplug-storm-node1-multi", "7.3-amd64", cpus=27, nodes=4, smt=1,
         node_cpus="0-7/8-13/14-20/21-26", maxcpus=3, order="8,1-7,9-26", scenario="hotplug-storm", duration=3,
         hotplug="8-13", threads="multi"),
    Spec("nosmt-uneven7+8+9+7-boot-node3-first-migrator-hotplug-multi", "7.3.4", cpus=31, nodes=4, smt=1,
         node_cpus="0-6/7-14/15-23/24-30", maxcpus=3, order="24,1-23,25-30", scenario="migrator-hotplug",
         duration=3, threads="multi"),
    Spec("nosmt-uneven6+5+6+6-boot-node2-first-churn-multi", "6.16.3", cpus=23, nodes=4, smt=1,
         node_cpus="0-5/6-10/11-16/17-22", maxcpus=3, order="11,1-10,12-22", scenario="idle-churn", duration=3,
         threads="multi"),
    Spec("nosmt-uneven7+8+8+6-boot-node3-first-hotplug-storm-node3-multi", "7.0.10", cpus=29, nodes=4, smt=1,
         node_cpus="0-6/7-14/15-22/23-28", maxcpus=3, order="23,1-22,24-28", scenario="hotplug-storm", duration=3,
         hotplug="23-28", threads="multi"),
    # (b) 3 nodes, boot-time tracing, maxcpus=3, a node-1 or node-2 first CPU onlined first: storm, churn, migrator
    # hotplug
    Spec("nosmt-boot-node2-first-hotplug-storm-node2-multi", "6.18.12", cpus=21, nodes=3, smt=1, maxcpus=3,
         order="14,1-13,15-20", scenario="hotplug-storm", duration=3, hotplug="14-20", threads="multi"),
    Spec("uneven8+10+8-boot-node1-first-churn-multi", "6.19.10", cpus=26, nodes=3, node_cpus="0-7/8-17/18-25",
         maxcpus=3, order="8,1-7,9-25", scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-uneven9+8+8-boot-node2-first-migrator-hotplug-multi", "7.1.3", cpus=25, nodes=3, smt=1,
         node_cpus="0-8/9-16/17-24", maxcpus=3, order="17,1-16,18-24", scenario="migrator-hotplug", duration=3,
         threads="multi"),
    # (c) all CPUs up, events enabled late, nohz_full on a few CPUs of a non-zero node: sleepers, churn
    Spec("nohz_full8-9-late-sleepers-multi", "6.17.8", cpus=18, nodes=3, nohz_full="8-9", boot_trace=False,
         scenario="sleepers", duration=3, threads="multi"),
    Spec("nosmt-uneven8+8+7+7-nohz_full24-26-late-churn-multi", "7.2.11", cpus=30, nodes=4, smt=1,
         node_cpus="0-7/8-15/16-22/23-29", nohz_full="24-26", boot_trace=False, scenario="idle-churn", duration=3,
         threads="multi"),
    # (d) all CPUs up, events enabled late, isolcpus=domain on 3 or 4 uneven nodes: sleepers, churn
    Spec("nosmt-uneven7+6+6-isolcpus8-10-late-sleepers-multi", "6.12.74", cpus=19, nodes=3, smt=1,
         node_cpus="0-6/7-12/13-18", isolcpus="domain,8-10", boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("nosmt-uneven6+7+8+6-isolcpus14-17-late-churn-multi", "7.2.13", cpus=27, nodes=4, smt=1,
         node_cpus="0-5/6-12/13-20/21-26", isolcpus="domain,14-17", boot_trace=False, scenario="idle-churn",
         duration=3, threads="multi"),
    # (e) uneven 3 nodes with SMT 2, boot-time tracing, maxcpus=3, glob onlining, offline/online of node 1's cpu10
    Spec("uneven8+6+8-boot-glob-hotplug10-multi", "6.12.85", cpus=22, nodes=3, node_cpus="0-7/8-13/14-21",
         maxcpus=3, order="glob", hotplug="10", duration=3, threads="multi"),
]

# The thirty-fifth set (`--set thirty-fifth`, written to corpus-lab35): a fresh measurement of the engine of 407394a
# (frozen in a worktree and replayed with the pure-Python core) on the topologies and scenarios the recent sets used
# least: multi-threaded TCG, 15-30 vCPUs, uneven 3- and 4-node layouts (`node_cpus`) with and without SMT, isolcpus and
# nohz_full on node 2 or 3, empty hotplug slots; late captures with dense churn, hogs, steady churn and sleepers, boot
# traces with staggered onlining, hotplug storms of a non-zero node and migrator hotplug; on 6.12.y and 6.16.y-7.3,
# every run 3 s. Every resolved kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded):
# 7.3.4 at 27, 6.19.11 at 26, 7.1.8 at 21, 6.18.5 at 23, 6.16.3 at 15, 7.0.12 at 26 (late); 7.3-amd64 at 29, 6.12.117
# at 22, 6.17.13 at 21, 7.0.9 at 30, 7.2.9 at 25, 6.12.86 at 18 (boot).
# Late, all CPUs up, events enabled while the CPUs are busy: (a) 1-ms dense churn with nohz_full=21-24 (node 3 of 4
# uneven nodes 0-6/7-12/13-19/20-26, no SMT, 27 vCPUs); hogs with isolcpus=domain,16-19 (node 2 of 3 uneven nodes
# 0-7/8-13/14-25 with SMT 2: 13 sockets of one core x 2 threads, 26 vCPUs); steady churn on every other CPU (4
# uneven nodes 0-4/5-8/9-14/15-20, no SMT, 21 vCPUs); sleepers with nohz_full=16-18 (node 2 of 3 uneven nodes
# 0-8/9-14/15-22, no SMT, 23 vCPUs); hogs with isolcpus=domain,22-25 (node 3 of 4 uneven nodes 0-5/6-11/12-19/20-25
# with SMT 2, 26 vCPUs); (b) dense churn with empty hotplug slots: 15 present of 21 possible CPUs (3 nodes of 7, no
# SMT: node 2 has one present CPU, cpu14, and 6 empty slots).
# Boot-time tracing with maxcpus=3, a non-zero node's first CPU onlined first, then the rest: (c) staggered onlining
# (one CPU at a time, churn on the CPUs already online) with node 3 first on 4 uneven nodes 0-6/7-13/14-22/23-28 (no
# SMT, 29 vCPUs) and with node 2 first on 3 uneven nodes 0-7/8-11/12-21 (SMT 2, 22 vCPUs); (d) a hotplug storm of the
# whole of node 2 (cpu14-20) with node 2 first on 3 uneven nodes 0-7/8-13/14-20 (no SMT, 21 vCPUs), a hotplug storm
# of the whole of node 1 (cpu8-13) with node 3 first on 4 uneven nodes 0-7/8-13/14-21/22-29 (SMT 2, 30 vCPUs); (e)
# migrator hotplug with node 2 first on 4 uneven nodes 0-5/6-12/13-18/19-24 (no SMT, 25 vCPUs) and with node 1 first
# on 3 uneven nodes 0-5/6-9/10-17 (SMT 2, 18 vCPUs).
THIRTY_FIFTH_RUNS = [
    # (a) all CPUs up, events enabled late, uneven 3 or 4 nodes: dense churn, hogs, steady, sleepers; nohz_full or
    # isolcpus=domain on node 2 or 3
    Spec("nosmt-uneven7+6+7+7-nohz_full21-24-late-dense-churn-multi", "7.3.4", cpus=27, nodes=4, smt=1,
         node_cpus="0-6/7-12/13-19/20-26", nohz_full="21-24", boot_trace=False, scenario="dense-churn", duration=3,
         threads="multi"),
    Spec("uneven8+6+12-isolcpus16-19-late-hogs-multi", "6.19.11", cpus=26, nodes=3, node_cpus="0-7/8-13/14-25",
         isolcpus="domain,16-19", boot_trace=False, scenario="hogs", duration=3, threads="multi"),
    Spec("nosmt-uneven5+4+6+6-late-steady-multi", "7.1.8", cpus=21, nodes=4, smt=1, node_cpus="0-4/5-8/9-14/15-20",
         boot_trace=False, scenario="steady", duration=3, threads="multi"),
    Spec("nosmt-uneven9+6+8-nohz_full16-18-late-sleepers-multi", "6.18.5", cpus=23, nodes=3, smt=1,
         node_cpus="0-8/9-14/15-22", nohz_full="16-18", boot_trace=False, scenario="sleepers", duration=3,
         threads="multi"),
    Spec("uneven6+6+8+6-isolcpus22-25-late-hogs-multi", "7.0.12", cpus=26, nodes=4, node_cpus="0-5/6-11/12-19/20-25",
         isolcpus="domain,22-25", boot_trace=False, scenario="hogs", duration=3, threads="multi"),
    # (b) empty hotplug slots: 15 present of 21 possible CPUs on 3 nodes, all up, events enabled late, dense churn
    Spec("nosmt-possible21-late-dense-churn-multi", "6.16.3", cpus=15, nodes=3, smt=1, possible=21, boot_trace=False,
         scenario="dense-churn", duration=3, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, staggered onlining with a node-3 or node-2 first CPU first
    Spec("nosmt-uneven7+7+9+6-boot-node3-first-staggered-online-multi", "7.3-amd64", cpus=29, nodes=4, smt=1,
         node_cpus="0-6/7-13/14-22/23-28", maxcpus=3, order="23,1-22,24-28", scenario="staggered-online",
         duration=3, threads="multi"),
    Spec("uneven8+4+10-boot-node2-first-staggered-online-multi", "6.12.117", cpus=22, nodes=3,
         node_cpus="0-7/8-11/12-21", maxcpus=3, order="12,1-11,13-21", scenario="staggered-online", duration=3,
         threads="multi"),
    # (d) boot-time tracing, maxcpus=3, a non-zero node first: hotplug storm of the whole of node 2 or node 1
    Spec("nosmt-uneven8+6+7-boot-node2-first-hotplug-storm-node2-multi", "6.17.13", cpus=21, nodes=3, smt=1,
         node_cpus="0-7/8-13/14-20", maxcpus=3, order="14,1-13,15-20", scenario="hotplug-storm", duration=3,
         hotplug="14-20", threads="multi"),
    Spec("uneven8+6+8+8-boot-node3-first-hotplug-storm-node1-multi", "7.0.9", cpus=30, nodes=4,
         node_cpus="0-7/8-13/14-21/22-29", maxcpus=3, order="22,1-21,23-29", scenario="hotplug-storm", duration=3,
         hotplug="8-13", threads="multi"),
    # (e) boot-time tracing, maxcpus=3, a non-zero node first: migrator hotplug
    Spec("nosmt-uneven6+7+6+6-boot-node2-first-migrator-hotplug-multi", "7.2.9", cpus=25, nodes=4, smt=1,
         node_cpus="0-5/6-12/13-18/19-24", maxcpus=3, order="13,1-12,14-24", scenario="migrator-hotplug",
         duration=3, threads="multi"),
    Spec("uneven6+4+8-boot-node1-first-migrator-hotplug-multi", "6.12.86", cpus=18, nodes=3, node_cpus="0-5/6-9/10-17",
         maxcpus=3, order="6,1-5,7-17", scenario="migrator-hotplug", duration=3, threads="multi"),
]

# The thirty-sixth set (`--set thirty-sixth`, written to corpus-lab36): a fresh measurement of the engine of bab4179
# (frozen in a worktree and replayed with the pure-Python core) on the text variations of traces from other boxes,
# the topologies held to what the recent sets used (multi-threaded TCG, 18-31 vCPUs, 2-, 3- and 4-node layouts,
# most of them uneven (`node_cpus`), with and without SMT), on 6.12.y and 6.16.y-7.3, every run 3 s: half the runs
# with hashed pointers (hash-ptr kept 1: hashed, or `(____ptrval____)` where the guest's pointer-hash key was not
# set yet), four other trace clocks (global, mono, x86-tsc, boot; with boot-time tracing on the command line), the
# serial-console ftrace_dump (scenario ftrace-dump, the console kept as NAME.console.log.xz beside the trace file),
# what a reader of trace_pipe consumed (no header), other events in the same buffer (timer:*, sched:sched_switch,
# irq:* next to timer_migration:*), and a ring buffer that overwrote its head (8 KB per CPU: a 512 KB buffer holds
# more than 10,000 tmigr events per CPU, and a 3-s TCG run writes a few hundred). Every resolved kernel/vCPU pair is
# new to all sets (only cached kernels; none was downloaded): 7.3.4 at 21, 6.19.8 at 22, 7.1.3 at 27, 6.16.12 at
# 19, 7.0.4 at 18, 6.12.94 at 26 (boot); 6.18.15 at 22, 7.2.6 at 29, 6.17.8 at 25, 7.3-amd64 at 23, 6.12.88 at 31,
# 7.0.7 at 30 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: the ftrace_dump of 3 s of churn on 3 uneven nodes
# 0-6/7-12/13-20 (no SMT, 21 vCPUs); offline/online of cpu13 (node 2 of 3 even nodes, SMT 2, 18 vCPUs) with
# timer:*, sched:sched_switch and irq:* on the trace_event= list (8 MB per CPU); offline/online of cpu15 (node 2 of 4
# uneven nodes 0-6/7-12/13-19/20-25, no SMT, 26 vCPUs) with the global clock and hashed pointers; (b) a non-zero
# node's first CPU onlined first, then the rest: dense churn with an 8-KB buffer (node 2 first on 4 uneven nodes
# 0-5/6-10/11-16/17-21, no SMT, 22 vCPUs: the boot head is overwritten), a hotplug storm of the whole of node 1
# (cpu9-14) with node 1 first on 3 uneven nodes 0-8/9-14/15-26 (no SMT, 27 vCPUs), the boot clock and hashed
# pointers, migrator hotplug with node 1 first on 2 uneven nodes 0-10/11-18 (no SMT, 19 vCPUs), the x86-tsc clock
# and hashed pointers. Late, all CPUs up: (c) hogs read through trace_pipe with hashed pointers (2 uneven nodes
# 0-13/14-21 with SMT 2: 11 sockets of one core x 2 threads, 22 vCPUs), sleepers with the mono clock and hashed
# pointers (3 uneven nodes 0-9/10-18/19-28, no SMT, 29 vCPUs), steady churn with hashed pointers (4 uneven nodes
# 0-6/7-12/13-18/19-24, no SMT, 25 vCPUs); (d) churn on 3 uneven nodes 0-7/8-14/15-22 (no SMT, 23 vCPUs), hogs on 4
# uneven nodes 0-7/8-15/16-23/24-30 (no SMT, 31 vCPUs), dense churn on 2 even nodes (no SMT, 30 vCPUs).
THIRTY_SIXTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: the console ftrace_dump, other events in the same buffer,
    # the global clock with hashed pointers
    Spec("nosmt-uneven7+6+8-boot-glob-ftrace-dump-console-multi", "7.3.4", cpus=21, nodes=3, smt=1,
         node_cpus="0-6/7-12/13-20", maxcpus=3, order="glob", scenario="ftrace-dump", duration=3, console=True,
         threads="multi"),
    Spec("boot-glob-hotplug13-mixed-events-multi", "7.0.4", cpus=18, nodes=3, maxcpus=3, order="glob",
         hotplug="13", duration=3, events=ALL_EVENTS, buffer_kb=8192, threads="multi"),
    Spec("nosmt-uneven7+6+7+6-boot-glob-hotplug15-clock-global-hashptr-multi", "6.12.94", cpus=26, nodes=4, smt=1,
         node_cpus="0-6/7-12/13-19/20-25", maxcpus=3, order="glob", hotplug="15", duration=3,
         trace_clock="global", hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: an overwritten boot head, the boot and x86-tsc
    # clocks with hashed pointers
    Spec("nosmt-uneven6+5+6+5-boot-node2-first-dense-churn-overwritten-8k-multi", "6.19.8", cpus=22, nodes=4,
         smt=1, node_cpus="0-5/6-10/11-16/17-21", maxcpus=3, order="11,1-10,12-21", scenario="dense-churn",
         duration=3, buffer_kb=8, threads="multi"),
    Spec("nosmt-uneven9+6+12-boot-node1-first-hotplug-storm-node1-clock-boot-hashptr-multi", "7.1.3", cpus=27,
         nodes=3, smt=1, node_cpus="0-8/9-14/15-26", maxcpus=3, order="9,1-8,10-26", scenario="hotplug-storm",
         duration=3, hotplug="9-14", trace_clock="boot", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven11+8-boot-remote-node-first-migrator-hotplug-clock-x86-tsc-hashptr-multi", "6.16.12",
         cpus=19, smt=1, node_cpus="0-10/11-18", maxcpus=3, order="11,1-10,12-18", scenario="migrator-hotplug",
         duration=3, trace_clock="x86-tsc", hash_ptr=True, threads="multi"),
    # (c) all CPUs up, events enabled late, hashed pointers: hogs through trace_pipe, sleepers with the mono
    # clock, steady churn
    Spec("uneven14+8-late-hogs-trace-pipe-hashptr-multi", "6.18.15", cpus=22, node_cpus="0-13/14-21",
         boot_trace=False, scenario="hogs", duration=3, pipe=True, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven10+9+10-late-sleepers-clock-mono-hashptr-multi", "7.2.6", cpus=29, nodes=3, smt=1,
         node_cpus="0-9/10-18/19-28", boot_trace=False, scenario="sleepers", duration=3, trace_clock="mono",
         hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven7+6+6+6-late-steady-hashptr-multi", "6.17.8", cpus=25, nodes=4, smt=1,
         node_cpus="0-6/7-12/13-18/19-24", boot_trace=False, scenario="steady", duration=3, hash_ptr=True,
         threads="multi"),
    # (d) all CPUs up, events enabled late, raw pointers, the local clock: churn, hogs, dense churn
    Spec("nosmt-uneven8+7+8-late-churn-multi", "7.3-amd64", cpus=23, nodes=3, smt=1, node_cpus="0-7/8-14/15-22",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    Spec("nosmt-uneven8+8+8+7-late-hogs-multi", "6.12.88", cpus=31, nodes=4, smt=1,
         node_cpus="0-7/8-15/16-23/24-30", boot_trace=False, scenario="hogs", duration=3, threads="multi"),
    Spec("nosmt-late-dense-churn-multi", "7.0.7", cpus=30, smt=1, boot_trace=False, scenario="dense-churn",
         duration=3, threads="multi"),
]

# The Ubuntu set (`--set ubuntu`, written to corpus-lab-ubuntu): the outside class on Ubuntu's generic kernels
# (linux-image-unsigned-X.Y.0-N-generic from archive.ubuntu.com, kernels.UbuntuApt): CONFIG_HZ=1000 where every
# Debian kernel of the other sets has 250, so the expiries lie on a 1-ms jiffies grid (the replay infers tick_ns
# 1000000 instead of 4000000 and its tick-wide tolerances are four times tighter), Ubuntu's own config and its own
# stable backports (the version is always X.Y.0; the ABI number says which build). Multi-threaded TCG, 12-32 vCPUs,
# every run 3 s, pinned to exact releases: 6.11 (6.11.0-17, 6.11.0-29: noble's HWE builds), 6.14 (6.14.0-27 HWE,
# 6.14.0-37 plucky's own build), 6.17 (6.17.0-5 questing's release kernel, 6.17.0-22 and 6.17.0-35 HWE, 6.17.0-42
# from noble-updates) and 7.0 (7.0.0-14, 7.0.0-28, 7.0.0-38, 7.0.0-44: resolute's own builds, picked over noble's
# ~24.04 HWE builds of the same release).
# Boot-time tracing with maxcpus=3: (a) glob onlining, sleep 1.5 s, offline/online of one CPU, sleep 1.5 s (the shape
# of the 7.2.13 16-vCPU outside example: 2 nodes, SMT 2): cpu5 (node 0) at 16 vCPUs as there, node 1's cpu13 at 20
# and cpu21 at 28; (b) node 1's first CPU onlined first on 2 nodes: idle at 32 vCPUs (the 7.3.4 32-vCPU example's
# shape), offline/online of cpu17 at 24; (c) 3 uneven nodes: glob onlining with offline/online of node 2's cpu17
# (0-7/8-12/13-20, no SMT, 21 vCPUs), node 1's first CPU first with churn (0-7/8-17/18-25, SMT 2: 13 sockets of one
# core x 2 threads, 26 vCPUs); (d) 4 uneven nodes: node 3's first CPU first with migrator hotplug
# (0-6/7-14/15-23/24-29, no SMT, 30 vCPUs).
# Late, all CPUs up, events enabled after boot: (e) isolcpus=domain,6-9 with churn at 16 vCPUs (the 7.3.4 outside
# example's shape), isolcpus=domain,14-17 (node 1) with sleepers at 24; (f) churn on 4 uneven nodes with SMT 2
# (0-5/6-11/12-19/20-25, 26 vCPUs); (g) nohz_full=8-11 (node 1 of 2, SMT 2, 12 vCPUs) with churn.
UBUNTU_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, offline/online of one CPU (cpu5 as in the outside example, then
    # node-1 CPUs)
    Spec("boot-glob-hotplug5-multi", "ubuntu:7.0.0-44", maxcpus=3, order="glob", hotplug="5", duration=3,
         threads="multi"),
    Spec("boot-glob-hotplug13-multi", "ubuntu:6.17.0-22", cpus=20, maxcpus=3, order="glob", hotplug="13",
         duration=3, threads="multi"),
    Spec("boot-glob-hotplug21-multi", "ubuntu:6.11.0-29", cpus=28, maxcpus=3, order="glob", hotplug="21",
         duration=3, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, node 1's first CPU onlined first, 2 nodes at 24-32 vCPUs
    Spec("boot-remote-node-first-idle-multi", "ubuntu:6.17.0-42", cpus=32, maxcpus=3, order="16,1-15,17-31",
         scenario="all-idle", duration=3, threads="multi"),
    Spec("boot-remote-node-first-hotplug17-multi", "ubuntu:7.0.0-14", cpus=24, maxcpus=3, order="12,1-11,13-23",
         hotplug="17", duration=3, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, 3 uneven nodes: glob onlining + offline/online, node 1 first + churn
    Spec("nosmt-uneven8+5+8-boot-glob-hotplug17-multi", "ubuntu:6.14.0-27", cpus=21, nodes=3, smt=1,
         node_cpus="0-7/8-12/13-20", maxcpus=3, order="glob", hotplug="17", duration=3, threads="multi"),
    Spec("uneven8+10+8-boot-node1-first-churn-multi", "ubuntu:6.11.0-17", cpus=26, nodes=3,
         node_cpus="0-7/8-17/18-25", maxcpus=3, order="8,1-7,9-25", scenario="idle-churn", duration=3,
         threads="multi"),
    # (d) boot-time tracing, maxcpus=3, 4 uneven nodes, node 3's first CPU first: migrator hotplug
    Spec("nosmt-uneven7+8+9+6-boot-node3-first-migrator-hotplug-multi", "ubuntu:7.0.0-38", cpus=30, nodes=4, smt=1,
         node_cpus="0-6/7-14/15-23/24-29", maxcpus=3, order="24,1-23,25-29", scenario="migrator-hotplug",
         duration=3, threads="multi"),
    # (e) all CPUs up, events enabled late, isolcpus=domain: churn (the outside example's 6-9), sleepers on node 1
    Spec("isolcpus6-9-late-churn-multi", "ubuntu:7.0.0-28", isolcpus="domain,6-9", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
    Spec("isolcpus14-17-late-sleepers-multi", "ubuntu:6.14.0-37", cpus=24, isolcpus="domain,14-17",
         boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
    # (f) all CPUs up, events enabled late, 4 uneven nodes with SMT 2: churn
    Spec("uneven6+6+8+6-late-churn-multi", "ubuntu:6.17.0-5", cpus=26, nodes=4, node_cpus="0-5/6-11/12-19/20-25",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
    # (g) all CPUs up, events enabled late, nohz_full on node 1: churn
    Spec("nohz_full8-11-late-churn-multi", "ubuntu:6.17.0-35", cpus=12, nohz_full="8-11", boot_trace=False,
         scenario="idle-churn", duration=3, threads="multi"),
]

# The thirty-seventh set (`--set thirty-seventh`, written to corpus-lab37): a fresh measurement of the engine of 0b76b0f
# (frozen in a worktree and replayed with the pure-Python core) on the text variations of traces from other boxes
# again, further than the thirty-sixth set (whose 329 false divergences in 4 of 13 traces came from them): other
# kernels and vCPU counts, multi-threaded TCG, 22-31 vCPUs, 2-, 3- and 4-node uneven layouts (`node_cpus`) with and
# without SMT, five of them 2-node SMT-2 layouts with more than 8 CPUs in a node (a node of two level-0 groups), on
# 6.12.y and 6.16.y-7.3, every run 3 s: hashed pointers on 10 of 12 runs (hash-ptr kept 1: hashed, or
# `(____ptrval____)` where the guest's pointer-hash key was not set yet), seven trace clocks (perf, mono_raw, global,
# x86-tsc, boot, counter, mono; with boot-time tracing on the command line), the serial-console ftrace_dump (scenario
# ftrace-dump, the console kept as NAME.console.log.xz beside the trace file), what a reader of trace_pipe consumed
# (no header) on a boot trace and a late one, other events in the same buffer on seven runs (subsets of timer:*,
# sched:sched_switch, sched:sched_wakeup, irq:*, power:cpu_idle and workqueue:* next to timer_migration:*), and two
# ring buffers that overwrote their head (16 KB per CPU with timer:* on a boot trace, 12 KB per CPU on late dense
# churn). Every resolved kernel/vCPU pair is new to all sets (only cached kernels; none was downloaded): 7.3.4 at 25,
# 7.0.10 at 22, 6.12.95 at 26, 6.18.5 at 22, 6.16.12 at 22, 7.1.3 at 29 (boot); 7.2.6 at 26, 6.19.8 at 30, 6.12.74
# at 30, 6.17.13 at 23, 7.3-amd64 at 31, 7.0.13 at 26 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: the ftrace_dump of 3 s of churn with the perf clock and hashed
# pointers on 3 uneven nodes 0-8/9-15/16-24 (no SMT, 25 vCPUs); migrator hotplug with timer:*,
# sched:sched_switch, sched:sched_wakeup, irq:*, power:cpu_idle and workqueue:* on the trace_event= list (8 MB per
# CPU), the global clock and hashed pointers on 2 uneven nodes 0-11/12-25 (SMT 2: 13 sockets of one core x 2
# threads, 26 vCPUs); offline/online of cpu24 (node 2) with irq:* and workqueue:*, the boot clock and hashed
# pointers on 3 uneven nodes 0-10/11-19/20-28 (no SMT, 29 vCPUs); (b) a non-zero node's first CPU onlined first,
# then the rest: offline/online of cpu19 (node 1's second level-0 group) read through trace_pipe with the mono_raw
# clock and hashed pointers (node 1 first on 2 uneven nodes 0-9/10-21, SMT 2, 22 vCPUs); a hotplug storm of the
# whole of node 1 (cpu5-10) with timer:* and a 16-KB buffer (the boot head is overwritten) and hashed pointers (node
# 3 first on 4 uneven nodes 0-4/5-10/11-15/16-21, no SMT, 22 vCPUs); staggered onlining with sched:sched_switch and
# power:cpu_idle, the x86-tsc clock and hashed pointers (node 1 first on 2 uneven nodes 0-7/8-21, SMT 2, 22 vCPUs).
# Late, all CPUs up: (c) sleepers read through trace_pipe with timer:* and sched:sched_wakeup, the counter clock and
# hashed pointers (2 uneven nodes 0-9/10-25, SMT 2, 26 vCPUs); dense churn with a 12-KB buffer (overwritten), the
# mono clock and hashed pointers (2 uneven nodes 0-13/14-29, SMT 2, 30 vCPUs); steady churn with hashed pointers (3
# uneven nodes 0-6/7-15/16-22, no SMT, 23 vCPUs); hogs with hashed pointers (3 uneven nodes 0-7/8-17/18-25, SMT 2,
# 26 vCPUs); (d) raw pointers, the local clock: dense churn with timer:*, irq:* and power:cpu_idle (4 uneven nodes
# 0-5/6-13/14-21/22-29, SMT 2, 30 vCPUs), churn with sched:sched_switch, sched:sched_wakeup and workqueue:* (4
# uneven nodes 0-9/10-16/17-23/24-30, no SMT, 31 vCPUs).
THIRTY_SEVENTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: the console ftrace_dump with the perf clock, all other events
    # in the same buffer, irq/workqueue events with the boot clock; hashed pointers
    Spec("nosmt-uneven9+7+9-boot-glob-ftrace-dump-console-clock-perf-hashptr-multi", "7.3.4", cpus=25, nodes=3,
         smt=1, node_cpus="0-8/9-15/16-24", maxcpus=3, order="glob", scenario="ftrace-dump", duration=3,
         console=True, trace_clock="perf", hash_ptr=True, threads="multi"),
    Spec("uneven12+14-boot-glob-migrator-hotplug-timer-sched-irq-power-workqueue-events-clock-global-hashptr-multi",
         "6.12.95", cpus=26, node_cpus="0-11/12-25", maxcpus=3, order="glob", scenario="migrator-hotplug",
         duration=3, events="timer:*,sched:sched_switch,sched:sched_wakeup,irq:*,power:cpu_idle,workqueue:*",
         buffer_kb=8192, trace_clock="global", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven11+9+9-boot-glob-hotplug24-irq-workqueue-events-clock-boot-hashptr-multi", "7.1.3", cpus=29,
         nodes=3, smt=1, node_cpus="0-10/11-19/20-28", maxcpus=3, order="glob", hotplug="24", duration=3,
         events="irq:*,workqueue:*", buffer_kb=8192, trace_clock="boot", hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: trace_pipe with the mono_raw clock, an overwritten
    # boot head with timer events, staggered onlining with sched/power events and the x86-tsc clock; hashed pointers
    Spec("uneven10+12-boot-node1-first-hotplug19-trace-pipe-clock-mono_raw-hashptr-multi", "7.0.10", cpus=22,
         node_cpus="0-9/10-21", maxcpus=3, order="10,1-9,11-21", hotplug="19", duration=3, pipe=True,
         trace_clock="mono_raw", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven5+6+5+6-boot-node3-first-hotplug-storm-node1-timer-events-overwritten-16k-hashptr-multi",
         "6.18.5", cpus=22, nodes=4, smt=1, node_cpus="0-4/5-10/11-15/16-21", maxcpus=3, order="16,1-15,17-21",
         scenario="hotplug-storm", duration=3, hotplug="5-10", events="timer:*", buffer_kb=16, hash_ptr=True,
         threads="multi"),
    Spec("uneven8+14-boot-node1-first-staggered-online-sched-power-events-clock-x86-tsc-hashptr-multi", "6.16.12",
         cpus=22, node_cpus="0-7/8-21", maxcpus=3, order="8,1-7,9-21", scenario="staggered-online", duration=3,
         events="sched:sched_switch,power:cpu_idle", buffer_kb=8192, trace_clock="x86-tsc", hash_ptr=True,
         threads="multi"),
    # (c) all CPUs up, events enabled late, hashed pointers: sleepers through trace_pipe with the counter clock, an
    # overwritten buffer with the mono clock, steady churn, hogs
    Spec("uneven10+16-late-sleepers-trace-pipe-timer-sched-events-clock-counter-hashptr-multi", "7.2.6", cpus=26,
         node_cpus="0-9/10-25", boot_trace=False, scenario="sleepers", duration=3, pipe=True,
         events="timer:*,sched:sched_wakeup", buffer_kb=4096, trace_clock="counter", hash_ptr=True, threads="multi"),
    Spec("uneven14+16-late-dense-churn-overwritten-12k-clock-mono-hashptr-multi", "6.19.8", cpus=30,
         node_cpus="0-13/14-29", boot_trace=False, scenario="dense-churn", duration=3, buffer_kb=12,
         trace_clock="mono", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven7+9+7-late-steady-hashptr-multi", "6.17.13", cpus=23, nodes=3, smt=1, node_cpus="0-6/7-15/16-22",
         boot_trace=False, scenario="steady", duration=3, hash_ptr=True, threads="multi"),
    Spec("uneven8+10+8-late-hogs-hashptr-multi", "7.0.13", cpus=26, nodes=3, node_cpus="0-7/8-17/18-25",
         boot_trace=False, scenario="hogs", duration=3, hash_ptr=True, threads="multi"),
    # (d) all CPUs up, events enabled late, raw pointers, the local clock: other events in the same buffer
    Spec("uneven6+8+8+8-late-dense-churn-timer-irq-power-events-multi", "6.12.74", cpus=30, nodes=4,
         node_cpus="0-5/6-13/14-21/22-29", boot_trace=False, scenario="dense-churn", duration=3,
         events="timer:*,irq:*,power:cpu_idle", buffer_kb=8192, threads="multi"),
    Spec("nosmt-uneven10+7+7+7-late-churn-sched-workqueue-events-multi", "7.3-amd64", cpus=31, nodes=4, smt=1,
         node_cpus="0-9/10-16/17-23/24-30", boot_trace=False, scenario="idle-churn", duration=3,
         events="sched:sched_switch,sched:sched_wakeup,workqueue:*", buffer_kb=8192, threads="multi"),
]

# The thirty-eighth set (`--set thirty-eighth`, written to corpus-lab38): a fresh measurement of the engine of c164cbc
# (frozen in a worktree and replayed with the pure-Python core) on what the last two sets found weak: traces without
# group pointers (hash-ptr kept 1 on all 12 runs: `(____ptrval____)` where the guest's pointer-hash key was not set
# yet, or hashed) on nodes with more than 8 CPUs (a node of two level-0 groups in every run), SMT 2 and no SMT, 2-,
# 3- and 4-node uneven layouts (`node_cpus`), multi-threaded TCG, 20-31 vCPUs, every run 3 s; mostly boot-time traces
# (8 of 12), other events in the same buffer on three runs, two ring buffers that overwrote their head (16 KB per CPU
# on a boot trace, 24 KB per CPU with timer:* on a late one), one trace_pipe read; on 6.12.y, 6.16.y-7.3 and three of
# Ubuntu's generic kernels (CONFIG_HZ=1000: 6.14.0-37, 6.17.0-42, 7.0.0-38). Every resolved Debian kernel/vCPU pair is
# new to all sets and no Ubuntu one repeats the Ubuntu set's (only cached kernels; none was downloaded): 7.1.13 at
# 31, 6.17.13 at 27, 7.3.4 at 29, 6.18.15 at 30, 7.2.13 at 30, 6.19.14 at 25, Ubuntu 7.0.0-38 at 26 and 6.17.0-42
# at 28 (boot); 7.0.12 at 27, 6.12.117 at 31, 6.16.3 at 22, Ubuntu 6.14.0-37 at 20 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: staggered onlining (one CPU at a time, churn on the CPUs
# already online) on 3 uneven nodes 0-9/10-20/21-30 (no SMT, 31 vCPUs: every node two level-0 groups); migrator
# hotplug of cpu1, cpu8 (node 1's second level-0 group: glob onlines cpu10-15 before cpu6-9), cpu17 and cpu23 read
# through trace_pipe on 4 uneven nodes 0-5/6-15/16-21/22-26 (no SMT, 27 vCPUs); offline/online of cpu20 (node 1) on
# 2 uneven nodes 0-9/10-25 (SMT 2: 13 sockets of one core x 2 threads, 26 vCPUs, Ubuntu 7.0.0-38); (b) a non-zero
# node's first CPU onlined first, then the rest: a hotplug storm of the whole of node 1 (cpu10-18) with node 2 first
# on 3 uneven nodes 0-9/10-18/19-28 (no SMT, 29 vCPUs); a hotplug storm of the whole of node 2 (cpu12-23, the node
# onlined first) with a 16-KB buffer (the boot head is overwritten) on 4 uneven nodes 0-5/6-11/12-23/24-29 (SMT 2,
# 30 vCPUs); offline/online of cpu21 with timer:*, sched:sched_switch and irq:* on the trace_event= list (8 MB per
# CPU), node 1 first on 2 uneven nodes 0-11/12-29 (SMT 2, 30 vCPUs); migrator hotplug with node 2 first on 3 uneven
# nodes 0-9/10-17/18-27 (SMT 2, 28 vCPUs, Ubuntu 6.17.0-42); (c) an explicit order: cpu20, then cpu9 (node 1), then
# node 0's rest, then node 1's: staggered onlining on 2 uneven nodes 0-8/9-24 (no SMT, 25 vCPUs).
# Late, all CPUs up: (d) dense churn with timer:* and a 24-KB buffer (overwritten) on 3 uneven nodes 0-10/11-17/18-26
# (no SMT, 27 vCPUs); churn with sched:sched_switch, sched:sched_wakeup and irq:* on 2 uneven nodes 0-13/14-30 (no
# SMT, 31 vCPUs); hogs on 2 uneven nodes 0-11/12-21 (SMT 2, 22 vCPUs); sleepers on 2 uneven nodes 0-8/9-19 (no SMT,
# 20 vCPUs, Ubuntu 6.14.0-37).
THIRTY_EIGHTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: staggered onlining, migrator hotplug through trace_pipe,
    # offline/online of a node-1 CPU (Ubuntu); hashed pointers
    Spec("nosmt-uneven10+11+10-boot-glob-staggered-online-hashptr-multi", "7.1.13", cpus=31, nodes=3, smt=1,
         node_cpus="0-9/10-20/21-30", maxcpus=3, order="glob", scenario="staggered-online", duration=3,
         hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven6+10+6+5-boot-glob-migrator-hotplug-trace-pipe-hashptr-multi", "6.17.13", cpus=27, nodes=4,
         smt=1, node_cpus="0-5/6-15/16-21/22-26", maxcpus=3, order="glob", scenario="migrator-hotplug", duration=3,
         hotplug="1 8 17 23", pipe=True, hash_ptr=True, threads="multi"),
    Spec("uneven10+16-boot-glob-hotplug20-hashptr-multi", "ubuntu:7.0.0-38", cpus=26, node_cpus="0-9/10-25",
         maxcpus=3, order="glob", hotplug="20", duration=3, hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: hotplug storms of a whole node (one with an
    # overwritten boot head), offline/online with other events, migrator hotplug (Ubuntu); hashed pointers
    Spec("nosmt-uneven10+9+10-boot-node2-first-hotplug-storm-node1-hashptr-multi", "7.3.4", cpus=29, nodes=3, smt=1,
         node_cpus="0-9/10-18/19-28", maxcpus=3, order="19,1-18,20-28", scenario="hotplug-storm", duration=3,
         hotplug="10-18", hash_ptr=True, threads="multi"),
    Spec("uneven6+6+12+6-boot-node2-first-hotplug-storm-node2-overwritten-16k-hashptr-multi", "6.18.15", cpus=30,
         nodes=4, node_cpus="0-5/6-11/12-23/24-29", maxcpus=3, order="12,1-11,13-29", scenario="hotplug-storm",
         duration=3, hotplug="12-23", buffer_kb=16, hash_ptr=True, threads="multi"),
    Spec("uneven12+18-boot-node1-first-hotplug21-timer-sched-irq-events-hashptr-multi", "7.2.13", cpus=30,
         node_cpus="0-11/12-29", maxcpus=3, order="12,1-11,13-29", hotplug="21", duration=3, events=ALL_EVENTS,
         buffer_kb=8192, hash_ptr=True, threads="multi"),
    Spec("uneven10+8+10-boot-node2-first-migrator-hotplug-hashptr-multi", "ubuntu:6.17.0-42", cpus=28, nodes=3,
         node_cpus="0-9/10-17/18-27", maxcpus=3, order="18,1-17,19-27", scenario="migrator-hotplug", duration=3,
         hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, an explicit order (cpu20, cpu9, node 0's rest, node 1's rest): staggered
    # onlining; hashed pointers
    Spec("nosmt-uneven9+16-boot-cpu20-9-first-staggered-online-hashptr-multi", "6.19.14", cpus=25, smt=1,
         node_cpus="0-8/9-24", maxcpus=3, order="20,9,3-8,10-19,21-24", scenario="staggered-online", duration=3,
         hash_ptr=True, threads="multi"),
    # (d) all CPUs up, events enabled late, hashed pointers: dense churn with timer events in an overwritten 24-KB
    # buffer, churn with sched/irq events, hogs, sleepers (Ubuntu)
    Spec("nosmt-uneven11+7+9-late-dense-churn-timer-events-overwritten-24k-hashptr-multi", "7.0.12", cpus=27,
         nodes=3, smt=1, node_cpus="0-10/11-17/18-26", boot_trace=False, scenario="dense-churn", duration=3,
         events="timer:*", buffer_kb=24, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven14+17-late-churn-sched-irq-events-hashptr-multi", "6.12.117", cpus=31, smt=1,
         node_cpus="0-13/14-30", boot_trace=False, scenario="idle-churn", duration=3,
         events="sched:sched_switch,sched:sched_wakeup,irq:*", buffer_kb=8192, hash_ptr=True, threads="multi"),
    Spec("uneven12+10-late-hogs-hashptr-multi", "6.16.3", cpus=22, node_cpus="0-11/12-21", boot_trace=False,
         scenario="hogs", duration=3, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven9+11-late-sleepers-hashptr-multi", "ubuntu:6.14.0-37", cpus=20, smt=1, node_cpus="0-8/9-19",
         boot_trace=False, scenario="sleepers", duration=3, hash_ptr=True, threads="multi"),
]

# The thirty-ninth set (`--set thirty-ninth`, written to corpus-lab39): a fresh measurement of the engine of 3d9c865
# (frozen in a worktree and replayed with the pure-Python core) on the text forms of traces from other boxes, further
# than the thirty-eighth set (whose 176 false divergences in 2 of 12 traces came from an overwritten boot head of a
# hotplug storm and a migrator-hotplug trace read through trace_pipe): other kernels and vCPU counts, multi-threaded
# TCG, 21-30 vCPUs, 2-, 3- and 4-node uneven layouts (`node_cpus`) with a node of more than 8 CPUs in every run (two
# level-0 groups), no SMT, SMT 2 and one 2-node SMT-4 layout, every run 3 s; hashed pointers on 10 of 12 runs (hash-ptr
# kept 1: `(____ptrval____)` where the guest's pointer-hash key was not set yet, or hashed), mostly boot-time traces (9
# of 12), other events in the same buffer on three runs, three trace clocks (global, x86-tsc, counter), two boot traces
# whose ring buffer overwrote its head (12 KB per CPU on a nosmt hotplug storm, 20 KB per CPU on an SMT-2 one), two
# trace_pipe reads (one boot, one late); on 6.12.y, 6.16.y-7.3 and three of Ubuntu's generic kernels (CONFIG_HZ=1000:
# 6.14.0-27, 7.0.0-44, 6.11.0-29). Every resolved Debian kernel/vCPU pair is new to all sets and no Ubuntu one repeats
# an earlier set's (only cached kernels; none was downloaded): 7.3-amd64 at 21, 6.18.9 at 26, 6.19.6 at 22, 7.0.4 at
# 26, 7.1.8 at 30, 6.12.117 at 25, 6.16.12 at 27, 6.17.13 at 29, Ubuntu 6.14.0-27 at 28 (boot); 7.2.12 at 22, Ubuntu
# 7.0.0-44 at 27 and 6.11.0-29 at 30 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: a hotplug storm of the whole of node 1 (cpu9-20: glob onlines
# cpu10-17 into its first level-0 group, cpu18-20 and cpu9 into the second) with a 12-KB buffer (the boot head is
# overwritten) on 2 uneven nodes 0-8/9-20 (no SMT, 21 vCPUs); staggered onlining (one CPU at a time, churn on the CPUs
# already online) with the x86-tsc clock on 3 uneven nodes 0-11/12-19/20-29 (SMT 2, 30 vCPUs); offline/online of
# cpu24 (alone in node 1's second level-0 group) with the counter clock and raw pointers on 2 uneven nodes
# 0-15/16-24 (no SMT, 25 vCPUs); (b) a non-zero node's first CPU onlined first, then the rest: a hotplug storm of the
# whole of node 2 (cpu16-25, the node onlined first) with a 20-KB buffer (the boot head is overwritten), node 2 first
# on 3 uneven nodes 0-9/10-15/16-25 (SMT 2: 13 sockets of one core x 2 threads, 26 vCPUs); migrator hotplug with node
# 1 first on 2 uneven nodes 0-11/12-27 with SMT 4 (7 sockets of one core x 4 threads, 28 vCPUs, Ubuntu 6.14.0-27);
# migrator hotplug of cpu2, cpu13 (node 1's second level-0 group), cpu16 and cpu21 with timer:* and workqueue:* on
# the trace_event= list (8 MB per CPU) and the global clock, node 3 first on 4 uneven nodes 0-4/5-14/15-19/20-25 (no
# SMT, 26 vCPUs); a hotplug storm of node 0's CPUs but cpu0 (cpu1-8) with irq:* and sched:sched_wakeup on the
# trace_event= list, node 2 first on 4 uneven nodes 0-8/9-14/15-20/21-26 (no SMT, 27 vCPUs); staggered onlining with
# node 1 first on 2 uneven nodes 0-12/13-28 (no SMT, 29 vCPUs); (c) an explicit order: cpu17, then cpu11 (node 1),
# then node 0's rest and cpu10, then node 1's rest: offline/online of cpu11 read through trace_pipe on 2 uneven nodes
# 0-9/10-21 (SMT 2, 22 vCPUs).
# Late, all CPUs up: (d) dense churn read through trace_pipe on 2 uneven nodes 0-12/13-21 (no SMT, 22 vCPUs); sleepers
# with timer:*, sched:sched_switch and power:cpu_idle (8 MB per CPU) on 3 uneven nodes 0-10/11-18/19-26 (no SMT, 27
# vCPUs, Ubuntu 7.0.0-44); hogs with raw pointers on 4 uneven nodes 0-9/10-15/16-23/24-29 (SMT 2, 30 vCPUs, Ubuntu
# 6.11.0-29).
THIRTY_NINTH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: a hotplug storm of node 1 with an overwritten boot head,
    # staggered onlining with the x86-tsc clock, offline/online of a lone second-group CPU with the counter clock
    Spec("nosmt-uneven9+12-boot-glob-hotplug-storm-node1-overwritten-12k-hashptr-multi", "7.3-amd64", cpus=21, smt=1,
         node_cpus="0-8/9-20", maxcpus=3, order="glob", scenario="hotplug-storm", duration=3, hotplug="9-20",
         buffer_kb=12, hash_ptr=True, threads="multi"),
    Spec("uneven12+8+10-boot-glob-staggered-online-clock-x86-tsc-hashptr-multi", "7.1.8", cpus=30, nodes=3,
         node_cpus="0-11/12-19/20-29", maxcpus=3, order="glob", scenario="staggered-online", duration=3,
         trace_clock="x86-tsc", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven16+9-boot-glob-hotplug24-clock-counter-multi", "6.12.117", cpus=25, smt=1,
         node_cpus="0-15/16-24", maxcpus=3, order="glob", hotplug="24", duration=3, trace_clock="counter",
         threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: a hotplug storm with an overwritten boot head, migrator
    # hotplug (SMT 4, Ubuntu; other events with the global clock), a storm of node 0 with other events, staggered
    # onlining; hashed pointers
    Spec("uneven10+6+10-boot-node2-first-hotplug-storm-node2-overwritten-20k-hashptr-multi", "6.18.9", cpus=26,
         nodes=3, node_cpus="0-9/10-15/16-25", maxcpus=3, order="16,1-15,17-25", scenario="hotplug-storm",
         duration=3, hotplug="16-25", buffer_kb=20, hash_ptr=True, threads="multi"),
    Spec("smt4-uneven12+16-boot-node1-first-migrator-hotplug-hashptr-multi", "ubuntu:6.14.0-27", cpus=28, smt=4,
         node_cpus="0-11/12-27", maxcpus=3, order="12,1-11,13-27", scenario="migrator-hotplug", duration=3,
         hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven5+10+5+6-boot-node3-first-migrator-hotplug-timer-workqueue-events-clock-global-hashptr-multi",
         "7.0.4", cpus=26, nodes=4, smt=1, node_cpus="0-4/5-14/15-19/20-25", maxcpus=3, order="20,1-19,21-25",
         scenario="migrator-hotplug", duration=3, hotplug="2 13 16 21", events="timer:*,workqueue:*",
         buffer_kb=8192, trace_clock="global", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven9+6+6+6-boot-node2-first-hotplug-storm-node0-irq-sched-events-hashptr-multi", "6.16.12",
         cpus=27, nodes=4, smt=1, node_cpus="0-8/9-14/15-20/21-26", maxcpus=3, order="15,1-14,16-26",
         scenario="hotplug-storm", duration=3, hotplug="1-8", events="irq:*,sched:sched_wakeup", buffer_kb=8192,
         hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven13+16-boot-node1-first-staggered-online-hashptr-multi", "6.17.13", cpus=29, smt=1,
         node_cpus="0-12/13-28", maxcpus=3, order="13,1-12,14-28", scenario="staggered-online", duration=3,
         hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, an explicit order (cpu17, cpu11, node 0's rest and cpu10, node 1's rest):
    # offline/online of cpu11 read through trace_pipe; hashed pointers
    Spec("uneven10+12-boot-cpu17-11-first-hotplug11-trace-pipe-hashptr-multi", "6.19.6", cpus=22,
         node_cpus="0-9/10-21", maxcpus=3, order="17,11,1-10,12-16,18-21", hotplug="11", duration=3, pipe=True,
         hash_ptr=True, threads="multi"),
    # (d) all CPUs up, events enabled late: dense churn through trace_pipe, sleepers with other events (Ubuntu), hogs
    # with raw pointers (Ubuntu)
    Spec("nosmt-uneven13+9-late-dense-churn-trace-pipe-hashptr-multi", "7.2.12", cpus=22, smt=1,
         node_cpus="0-12/13-21", boot_trace=False, scenario="dense-churn", duration=3, pipe=True, hash_ptr=True,
         threads="multi"),
    Spec("nosmt-uneven11+8+8-late-sleepers-timer-sched-power-events-hashptr-multi", "ubuntu:7.0.0-44", cpus=27,
         nodes=3, smt=1, node_cpus="0-10/11-18/19-26", boot_trace=False, scenario="sleepers", duration=3,
         events="timer:*,sched:sched_switch,power:cpu_idle", buffer_kb=8192, hash_ptr=True, threads="multi"),
    Spec("uneven10+6+8+6-late-hogs-multi", "ubuntu:6.11.0-29", cpus=30, nodes=4, node_cpus="0-9/10-15/16-23/24-29",
         boot_trace=False, scenario="hogs", duration=3, threads="multi"),
]

# The fortieth set (`--set fortieth`, written to corpus-lab40): a fresh measurement of the engine of 2b07967 (frozen
# in a worktree and replayed with the pure-Python core) on where it is weakest: boot-time traces that lost their head
# and traces without pointers (the thirty-ninth set's 373 false divergences in 4 of 12 traces came from them, 369 on
# one pointerless boot trace whose ring buffer overwrote its head). Other kernels and vCPU counts, multi-threaded TCG,
# 19-32 vCPUs, 2-, 3- and 4-node uneven layouts (`node_cpus`) with a node of 9-16 CPUs in every run (two level-0
# groups), no SMT, SMT 2 and one 3-node SMT-4 layout, every run 3 s; hashed pointers on 10 of 12 runs (hash-ptr kept
# 1: `(____ptrval____)` where the guest's pointer-hash key was not set yet, or hashed), mostly boot-time traces (10 of
# 12), seven boot traces whose ring buffer overwrote its head (8, 12, 16 and 24 KB per CPU: glob, a non-zero node
# first and explicit orders; hotplug storms of a node, migrator hotplug, staggered onlining, churn), the counter clock
# on two runs, other events in the same buffer on two, one trace_pipe read of a boot trace; on 6.12.y, 6.16.y-7.3
# and three of Ubuntu's generic kernels (CONFIG_HZ=1000: 7.0.0-14, 6.17.0-22, 6.11.0-17). Every resolved Debian
# kernel/vCPU pair is new to all sets and no Ubuntu one repeats an earlier set's (only cached kernels; none was
# downloaded): 7.1.7 at 23, 6.19.10 at 30, 7.0.9 at 27, 6.18.12 at 25, 6.16.3 at 29, 7.3.4 at 19, 6.12.117 at 26,
# 6.17.13 at 31, Ubuntu 7.0.0-14 at 32 and 6.17.0-22 at 26 (boot); 7.2.9 at 30, Ubuntu 6.11.0-17 at 28 (late).
# Boot-time tracing with maxcpus=3 and a small buffer (the boot head is overwritten), hashed pointers: (a) glob
# onlining: a hotplug storm of the whole of node 1 (cpu11-22: glob onlines cpu11-19 before cpu20-22) with 8 KB per
# CPU on 2 uneven nodes 0-10/11-22 (no SMT, 23 vCPUs); migrator hotplug of cpu2, cpu12, cpu17 and cpu25 with timer:*
# and sched:sched_wakeup in the same 24-KB buffer on 4 uneven nodes 0-8/9-14/15-22/23-28 (no SMT, 29 vCPUs); (b) a
# non-zero node's first CPU onlined first, then the rest: a hotplug storm of node 0's CPUs but cpu0 (cpu1-9) with 16
# KB per CPU, node 2 first on 3 uneven nodes 0-9/10-17/18-29 (SMT 2: 15 sockets of one core x 2 threads, 30 vCPUs);
# migrator hotplug of cpu1, cpu9, cpu14 and cpu22 with 12 KB per CPU, node 2 first on 3 uneven nodes 0-11/12-19/20-31
# with SMT 4 (8 sockets of one core x 4 threads, 32 vCPUs, Ubuntu 7.0.0-14); churn with 8 KB per CPU, node 1 first on
# 2 uneven nodes 0-8/9-18 (no SMT, 19 vCPUs); (c) an explicit order: cpu19 (node 2), then cpu9 (node 1), then the
# rest: a hotplug storm of the whole of node 1 (cpu9-18) with 16 KB per CPU on 3 uneven nodes 0-8/9-18/19-26 (no SMT,
# 27 vCPUs); cpu15 (node 2), cpu10 (node 1), cpu20 (node 3), then the rest: staggered onlining with 12 KB per CPU and
# the counter clock on 4 uneven nodes 0-9/10-14/15-19/20-24 (no SMT, 25 vCPUs).
# Boot-time tracing with maxcpus=3 and a large buffer: (d) migrator hotplug of cpu1, cpu7 (node 0's second level-0
# group), cpu16 and cpu24 read through trace_pipe with hashed pointers, glob onlining on 2 uneven nodes 0-13/14-25
# (SMT 2, 26 vCPUs); a hotplug storm of node 0's CPUs but cpu0 (cpu1-14) with the counter clock and raw pointers,
# node 1 first on 2 uneven nodes 0-14/15-30 (no SMT, 31 vCPUs: both nodes two level-0 groups); staggered onlining
# with irq:*, power:cpu_idle and workqueue:* on the trace_event= list (8 MB per CPU) and hashed pointers, node 3 first
# on 4 uneven nodes 0-9/10-15/16-19/20-25 (SMT 2, 26 vCPUs, Ubuntu 6.17.0-22).
# Late, all CPUs up: (e) dense churn with hashed pointers on 3 uneven nodes 0-11/12-17/18-29 (SMT 2, 30 vCPUs);
# steady churn with raw pointers on 4 uneven nodes 0-9/10-13/14-23/24-27 (SMT 2, 28 vCPUs, Ubuntu 6.11.0-17).
FORTIETH_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining, a small buffer (overwritten boot head): a hotplug storm of node
    # 1, migrator hotplug with timer/sched events; hashed pointers
    Spec("nosmt-uneven11+12-boot-glob-hotplug-storm-node1-overwritten-8k-hashptr-multi", "7.1.7", cpus=23, smt=1,
         node_cpus="0-10/11-22", maxcpus=3, order="glob", scenario="hotplug-storm", duration=3, hotplug="11-22",
         buffer_kb=8, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven9+6+8+6-boot-glob-migrator-hotplug-timer-sched-events-overwritten-24k-hashptr-multi", "6.16.3",
         cpus=29, nodes=4, smt=1, node_cpus="0-8/9-14/15-22/23-28", maxcpus=3, order="glob",
         scenario="migrator-hotplug", duration=3, hotplug="2 12 17 25", events="timer:*,sched:sched_wakeup",
         buffer_kb=24, hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first, a small buffer (overwritten boot head): a storm of node
    # 0, migrator hotplug (SMT 4, Ubuntu), churn; hashed pointers
    Spec("uneven10+8+12-boot-node2-first-hotplug-storm-node0-overwritten-16k-hashptr-multi", "6.19.10", cpus=30,
         nodes=3, node_cpus="0-9/10-17/18-29", maxcpus=3, order="18,1-17,19-29", scenario="hotplug-storm",
         duration=3, hotplug="1-9", buffer_kb=16, hash_ptr=True, threads="multi"),
    Spec("smt4-uneven12+8+12-boot-node2-first-migrator-hotplug-overwritten-12k-hashptr-multi", "ubuntu:7.0.0-14",
         cpus=32, nodes=3, smt=4, node_cpus="0-11/12-19/20-31", maxcpus=3, order="20,1-19,21-31",
         scenario="migrator-hotplug", duration=3, hotplug="1 9 14 22", buffer_kb=12, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven9+10-boot-node1-first-churn-overwritten-8k-hashptr-multi", "7.3.4", cpus=19, smt=1,
         node_cpus="0-8/9-18", maxcpus=3, order="9,1-8,10-18", scenario="idle-churn", duration=3, buffer_kb=8,
         hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, an explicit order, a small buffer (overwritten boot head): a storm of node 1,
    # staggered onlining with the counter clock; hashed pointers
    Spec("nosmt-uneven9+10+8-boot-cpu19-9-first-hotplug-storm-node1-overwritten-16k-hashptr-multi", "7.0.9", cpus=27,
         nodes=3, smt=1, node_cpus="0-8/9-18/19-26", maxcpus=3, order="19,9,1-8,10-18,20-26",
         scenario="hotplug-storm", duration=3, hotplug="9-18", buffer_kb=16, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven10+5+5+5-boot-cpu15-10-20-first-staggered-online-overwritten-12k-clock-counter-hashptr-multi",
         "6.18.12", cpus=25, nodes=4, smt=1, node_cpus="0-9/10-14/15-19/20-24", maxcpus=3,
         order="15,10,20,1-9,11-14,16-19,21-24", scenario="staggered-online", duration=3, buffer_kb=12,
         trace_clock="counter", hash_ptr=True, threads="multi"),
    # (d) boot-time tracing, maxcpus=3, a large buffer: migrator hotplug through trace_pipe (hashed pointers), a storm
    # of node 0 with the counter clock (raw pointers), staggered onlining with other events (Ubuntu, hashed pointers)
    Spec("uneven14+12-boot-glob-migrator-hotplug-trace-pipe-hashptr-multi", "6.12.117", cpus=26,
         node_cpus="0-13/14-25", maxcpus=3, order="glob", scenario="migrator-hotplug", duration=3,
         hotplug="1 7 16 24", pipe=True, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven15+16-boot-node1-first-hotplug-storm-node0-clock-counter-multi", "6.17.13", cpus=31, smt=1,
         node_cpus="0-14/15-30", maxcpus=3, order="15,1-14,16-30", scenario="hotplug-storm", duration=3,
         hotplug="1-14", trace_clock="counter", threads="multi"),
    Spec("uneven10+6+4+6-boot-node3-first-staggered-online-irq-power-workqueue-events-hashptr-multi",
         "ubuntu:6.17.0-22", cpus=26, nodes=4, node_cpus="0-9/10-15/16-19/20-25", maxcpus=3, order="20,1-19,21-25",
         scenario="staggered-online", duration=3, events="irq:*,power:cpu_idle,workqueue:*", buffer_kb=8192,
         hash_ptr=True, threads="multi"),
    # (e) all CPUs up, events enabled late: dense churn (hashed pointers), steady churn (Ubuntu, raw pointers)
    Spec("uneven12+6+12-late-dense-churn-hashptr-multi", "7.2.9", cpus=30, nodes=3, node_cpus="0-11/12-17/18-29",
         boot_trace=False, scenario="dense-churn", duration=3, hash_ptr=True, threads="multi"),
    Spec("uneven10+4+10+4-late-steady-multi", "ubuntu:6.11.0-17", cpus=28, nodes=4,
         node_cpus="0-9/10-13/14-23/24-27", boot_trace=False, scenario="steady", duration=3, threads="multi"),
]

# The forty-first set (`--set forty-first`, written to corpus-lab41): a fresh measurement of the engine of b3db34b
# (frozen in a worktree and replayed with the pure-Python core) on a mix as traces from other boxes come: half boot
# traces, half late ones. Other kernels and vCPU counts, multi-threaded TCG, 12-30 vCPUs, 2-, 3- and 4-node uneven
# layouts (`node_cpus`) with a node of 9-16 CPUs (two level-0 groups) on 6 of 12 runs, no SMT, SMT 2 and one 2-node
# SMT-4 layout, every run 3 s; hashed pointers on 10 of 12 runs (hash-ptr kept 1: `(____ptrval____)` where the guest's
# pointer-hash key was not set yet, or hashed), three ring buffers that overwrote their head (16 KB per CPU on a boot
# hotplug storm, 12 KB on late dense churn, 24 KB on late churn), one trace_pipe read of a boot trace, other events in
# the same buffer on three runs, three trace clocks (global, x86-tsc, boot); on 6.12.y, 6.16.y-7.3 and three of
# Ubuntu's generic kernels (CONFIG_HZ=1000: 6.17.0-5, 7.0.0-28, 6.14.0-37). Every resolved Debian kernel/vCPU pair is
# new to all sets and no Ubuntu one repeats an earlier set's (only cached kernels; none was downloaded): 7.2.11 at 25,
# 6.19.11 at 30, 7.1.7 at 21, 6.16.3 at 27, Ubuntu 6.17.0-5 at 24 and 7.0.0-28 at 12 (boot); 6.12.107 at 23, 6.17.13
# at 25, 6.18.5 at 18, 7.0.7 at 14, 7.3.4 at 15, Ubuntu 6.14.0-37 at 22 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: a hotplug storm of the whole of node 1 (cpu12-24: glob onlines
# cpu12-19 before cpu20-24) with 16 KB per CPU (the boot head is overwritten) and hashed pointers on 2 uneven nodes
# 0-11/12-24 (no SMT, 25 vCPUs); staggered onlining with the x86-tsc clock and hashed pointers on 2 uneven nodes
# 0-7/8-23 with SMT 4 (3 sockets of 2 cores x 4 threads, 24 vCPUs, Ubuntu 6.17.0-5); (b) a non-zero node's first CPU
# onlined first, then the rest: migrator hotplug of cpu2, cpu9 (node 0's second level-0 group), cpu13 and cpu25 with
# timer:* and sched:sched_switch on the trace_event= list (8 MB per CPU), the global clock and hashed pointers, node 2
# first on 3 uneven nodes 0-11/12-19/20-29 (SMT 2, 30 vCPUs); a hotplug storm of the whole of node 3 (cpu18-26, the
# node onlined first) with hashed pointers, node 3 first on 4 uneven nodes 0-5/6-11/12-17/18-26 (no SMT, 27 vCPUs);
# offline/online of cpu9 with irq:* and workqueue:* on the trace_event= list (8 MB per CPU) and hashed pointers, node
# 1 first on 2 uneven nodes 0-3/4-11 (SMT 2, 12 vCPUs, Ubuntu 7.0.0-28); (c) an explicit order: cpu14 (node 2), then
# cpu8 (node 1), then the rest: offline/online of cpu9 read through trace_pipe with hashed pointers on 3 uneven nodes
# 0-7/8-13/14-20 (no SMT, 21 vCPUs).
# Late, all CPUs up: (d) dense churn with 12 KB per CPU (overwritten) and hashed pointers on 3 uneven nodes
# 0-7/8-15/16-22 (no SMT, 23 vCPUs); sleepers with timer:*, sched:sched_wakeup and power:cpu_idle (8 MB per CPU) and
# hashed pointers on 2 uneven nodes 0-8/9-24 (no SMT, 25 vCPUs); churn with 24 KB per CPU (overwritten), the boot
# clock and hashed pointers on 4 uneven nodes 0-3/4-7/8-11/12-17 (SMT 2, 18 vCPUs); steady churn with raw pointers on
# 3 uneven nodes 0-3/4-7/8-13 (SMT 2, 14 vCPUs); hogs with hashed pointers on 2 uneven nodes 0-5/6-14 (no SMT, 15
# vCPUs); churn with raw pointers on 4 uneven nodes 0-5/6-11/12-15/16-21 (SMT 2, 22 vCPUs, Ubuntu 6.14.0-37).
FORTY_FIRST_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: a hotplug storm of node 1 with an overwritten boot head,
    # staggered onlining with the x86-tsc clock (SMT 4, Ubuntu); hashed pointers
    Spec("nosmt-uneven12+13-boot-glob-hotplug-storm-node1-overwritten-16k-hashptr-multi", "7.2.11", cpus=25, smt=1,
         node_cpus="0-11/12-24", maxcpus=3, order="glob", scenario="hotplug-storm", duration=3, hotplug="12-24",
         buffer_kb=16, hash_ptr=True, threads="multi"),
    Spec("smt4-uneven8+16-boot-glob-staggered-online-clock-x86-tsc-hashptr-multi", "ubuntu:6.17.0-5", cpus=24, smt=4,
         node_cpus="0-7/8-23", maxcpus=3, order="glob", scenario="staggered-online", duration=3,
         trace_clock="x86-tsc", hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: migrator hotplug with timer/sched events and the global
    # clock, a storm of the node onlined first, offline/online with irq/workqueue events (Ubuntu); hashed pointers
    Spec("uneven12+8+10-boot-node2-first-migrator-hotplug-timer-sched-events-clock-global-hashptr-multi", "6.19.11",
         cpus=30, nodes=3, node_cpus="0-11/12-19/20-29", maxcpus=3, order="20,1-19,21-29",
         scenario="migrator-hotplug", duration=3, hotplug="2 9 13 25", events="timer:*,sched:sched_switch",
         buffer_kb=8192, trace_clock="global", hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven6+6+6+9-boot-node3-first-hotplug-storm-node3-hashptr-multi", "6.16.3", cpus=27, nodes=4, smt=1,
         node_cpus="0-5/6-11/12-17/18-26", maxcpus=3, order="18,1-17,19-26", scenario="hotplug-storm", duration=3,
         hotplug="18-26", hash_ptr=True, threads="multi"),
    Spec("uneven4+8-boot-node1-first-hotplug9-irq-workqueue-events-hashptr-multi", "ubuntu:7.0.0-28", cpus=12,
         node_cpus="0-3/4-11", maxcpus=3, order="4,1-3,5-11", hotplug="9", duration=3, events="irq:*,workqueue:*",
         buffer_kb=8192, hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, an explicit order (cpu14, cpu8, the rest): offline/online of cpu9 read through
    # trace_pipe; hashed pointers
    Spec("nosmt-uneven8+6+7-boot-cpu14-8-first-hotplug9-trace-pipe-hashptr-multi", "7.1.7", cpus=21, nodes=3, smt=1,
         node_cpus="0-7/8-13/14-20", maxcpus=3, order="14,8,1-7,9-13,15-20", hotplug="9", duration=3, pipe=True,
         hash_ptr=True, threads="multi"),
    # (d) all CPUs up, events enabled late: dense churn and churn in overwritten buffers, sleepers with other events,
    # steady churn (raw pointers), hogs, churn (Ubuntu, raw pointers)
    Spec("nosmt-uneven8+8+7-late-dense-churn-overwritten-12k-hashptr-multi", "6.12.107", cpus=23, nodes=3, smt=1,
         node_cpus="0-7/8-15/16-22", boot_trace=False, scenario="dense-churn", duration=3, buffer_kb=12,
         hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven9+16-late-sleepers-timer-sched-power-events-hashptr-multi", "6.17.13", cpus=25, smt=1,
         node_cpus="0-8/9-24", boot_trace=False, scenario="sleepers", duration=3,
         events="timer:*,sched:sched_wakeup,power:cpu_idle", buffer_kb=8192, hash_ptr=True, threads="multi"),
    Spec("uneven4+4+4+6-late-churn-overwritten-24k-clock-boot-hashptr-multi", "6.18.5", cpus=18, nodes=4,
         node_cpus="0-3/4-7/8-11/12-17", boot_trace=False, scenario="idle-churn", duration=3, buffer_kb=24,
         trace_clock="boot", hash_ptr=True, threads="multi"),
    Spec("uneven4+4+6-late-steady-multi", "7.0.7", cpus=14, nodes=3, node_cpus="0-3/4-7/8-13", boot_trace=False,
         scenario="steady", duration=3, threads="multi"),
    Spec("nosmt-uneven6+9-late-hogs-hashptr-multi", "7.3.4", cpus=15, smt=1, node_cpus="0-5/6-14", boot_trace=False,
         scenario="hogs", duration=3, hash_ptr=True, threads="multi"),
    Spec("uneven6+6+4+6-late-churn-multi", "ubuntu:6.14.0-37", cpus=22, nodes=4, node_cpus="0-5/6-11/12-15/16-21",
         boot_trace=False, scenario="idle-churn", duration=3, threads="multi"),
]

# The forty-second set (`--set forty-second`, written to corpus-lab42): a fresh measurement of the engine of f4d5117
# (frozen in a worktree and replayed with the compiled core) on a mix as traces from other boxes come, with boot-time
# traces first: 7 boot traces and 5 late ones. Point releases the forty-first set did not use, multi-threaded TCG,
# 14-32 vCPUs, 1, 2, 3 and 4 nodes, uneven layouts (`node_cpus`) with a node of 9-16 CPUs (two level-0 groups) on
# most runs, no SMT, SMT 2 and SMT 4 (a 1-node 16-vCPU and a 3-node 32-vCPU layout), every run 3 s; hashed pointers on
# 9 of 12 runs (hash-ptr kept 1), seven ring buffers that overwrote their head (8, 12, 16 and 20 KB per CPU on five
# boot traces, 8 and 16 KB on two late ones), one trace_pipe read of a boot trace, other events in the same buffer
# on two boot traces (timer:* and sched:sched_switch; irq:* and workqueue:*), two trace clocks (x86-tsc on a boot
# trace, counter on a late one); on 6.12.y, 6.16.y-7.3 and three of Ubuntu's generic kernels (CONFIG_HZ=1000:
# 6.14.0-27, 7.0.0-44, 6.17.0-35). Every kernel/vCPU pair is new to all sets: 7.2.13 at 25, Ubuntu 6.14.0-27 at 16,
# 7.1.13 at 24, 6.19.14 at 28, 7.0.13 at 29, Ubuntu 7.0.0-44 at 28, 6.18.15 at 23 (boot); 6.12.73 at 26, 6.16.12 at
# 20, Ubuntu 6.17.0-35 at 32, 7.3-amd64 at 19, 6.12.90 at 14 (late).
# Boot-time tracing with maxcpus=3: (a) glob onlining: a hotplug storm of the whole of node 1 (cpu11-24) with 12 KB
# per CPU (the boot head is overwritten) and hashed pointers on 2 uneven nodes 0-10/11-24 (no SMT, 25 vCPUs); migrator
# hotplug of cpu1, cpu6, cpu10 and cpu14 with 20 KB per CPU (overwritten), the x86-tsc clock and hashed pointers on
# one node of 16 vCPUs with SMT 4 (two level-0 groups, Ubuntu 6.14.0-27); offline/online of cpu13 read through
# trace_pipe with hashed pointers on 2 uneven nodes 0-7/8-23 (SMT 2, 24 vCPUs); (b) a non-zero node's first CPU
# onlined first, then the rest: staggered onlining with 16 KB per CPU (overwritten) and hashed pointers, node 2 first
# on 3 uneven nodes 0-9/10-15/16-27 (SMT 2, 28 vCPUs); offline/online of cpu22 with timer:* and sched:sched_switch on
# the trace_event= list (8 MB per CPU) and hashed pointers, node 3 first on 4 uneven nodes 0-5/6-14/15-19/20-28 (no
# SMT, 29 vCPUs); a hotplug storm of node 0's CPUs but cpu0 (cpu1-11) with irq:* and workqueue:* on the trace_event=
# list (8 MB per CPU) and raw pointers, node 1 first on 3 uneven nodes 0-11/12-15/16-27 (SMT 2, 28 vCPUs, Ubuntu
# 7.0.0-44); (c) an explicit order: cpu15 (node 1), then cpu9 (node 1's first CPU), then the rest: migrator hotplug of
# cpu1, cpu10, cpu15 and cpu20 with 8 KB per CPU (overwritten) and hashed pointers on 2 uneven nodes 0-8/9-22 (no
# SMT, 23 vCPUs).
# Late, all CPUs up: (d) churn with 8 KB per CPU (overwritten), the counter clock and hashed pointers on 4 uneven nodes
# 0-3/4-13/14-19/20-25 (SMT 2, 26 vCPUs; dense churn there, and at 12 vCPUs, did not overwrite 8 or 12 KB: those three
# captures are kept); churn with 16 KB per CPU (overwritten) and hashed pointers on 3 uneven nodes 0-5/6-15/16-19 (SMT
# 2, 20 vCPUs); sleepers with raw pointers on 3 uneven nodes 0-7/8-23/24-31 with SMT 4 (4 sockets of 2 cores x 4
# threads, 32 vCPUs, Ubuntu 6.17.0-35); hogs with hashed pointers on 2 uneven nodes 0-5/6-18 (no SMT, 19 vCPUs); steady
# churn with raw pointers on 2 uneven nodes 0-4/5-13 (no SMT, 14 vCPUs).
FORTY_SECOND_RUNS = [
    # (a) boot-time tracing, maxcpus=3, glob onlining: a hotplug storm of node 1 with an overwritten boot head,
    # migrator hotplug on one SMT-4 node with an overwritten boot head and the x86-tsc clock (Ubuntu), offline/online
    # read through trace_pipe; hashed pointers
    Spec("nosmt-uneven11+14-boot-glob-hotplug-storm-node1-overwritten-12k-hashptr-multi", "7.2.13", cpus=25, smt=1,
         node_cpus="0-10/11-24", maxcpus=3, order="glob", scenario="hotplug-storm", duration=3, hotplug="11-24",
         buffer_kb=12, hash_ptr=True, threads="multi"),
    Spec("smt4-boot-glob-migrator-hotplug-overwritten-20k-clock-x86-tsc-hashptr-multi", "ubuntu:6.14.0-27", cpus=16,
         nodes=1, smt=4, maxcpus=3, order="glob", scenario="migrator-hotplug", duration=3, hotplug="1 6 10 14",
         buffer_kb=20, trace_clock="x86-tsc", hash_ptr=True, threads="multi"),
    Spec("uneven8+16-boot-glob-hotplug13-trace-pipe-hashptr-multi", "7.1.13", cpus=24, node_cpus="0-7/8-23",
         maxcpus=3, order="glob", hotplug="13", duration=3, pipe=True, hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: staggered onlining with an overwritten boot head,
    # offline/online with timer/sched events (hashed pointers), a storm of node 0 with irq/workqueue events (Ubuntu, raw
    # pointers)
    Spec("uneven10+6+12-boot-node2-first-staggered-online-overwritten-16k-hashptr-multi", "6.19.14", cpus=28, nodes=3,
         node_cpus="0-9/10-15/16-27", maxcpus=3, order="16,1-15,17-27", scenario="staggered-online", duration=3,
         buffer_kb=16, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven6+9+5+9-boot-node3-first-hotplug22-timer-sched-events-hashptr-multi", "7.0.13", cpus=29, nodes=4,
         smt=1, node_cpus="0-5/6-14/15-19/20-28", maxcpus=3, order="20,1-19,21-28", hotplug="22", duration=3,
         events="timer:*,sched:sched_switch", buffer_kb=8192, hash_ptr=True, threads="multi"),
    Spec("uneven12+4+12-boot-node1-first-hotplug-storm-node0-irq-workqueue-events-multi", "ubuntu:7.0.0-44", cpus=28,
         nodes=3, node_cpus="0-11/12-15/16-27", maxcpus=3, order="12,1-11,13-27", scenario="hotplug-storm",
         duration=3, hotplug="1-11", events="irq:*,workqueue:*", buffer_kb=8192, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, an explicit order (cpu15, cpu9, the rest): migrator hotplug with an
    # overwritten boot head; hashed pointers
    Spec("nosmt-uneven9+14-boot-cpu15-9-first-migrator-hotplug-overwritten-8k-hashptr-multi", "6.18.15", cpus=23,
         smt=1, node_cpus="0-8/9-22", maxcpus=3, order="15,9,3-8,10-14,16-22", scenario="migrator-hotplug",
         duration=3, hotplug="1 10 15 20", buffer_kb=8, hash_ptr=True, threads="multi"),
    # (d) all CPUs up, events enabled late: churn in overwritten buffers (one with the counter clock),
    # sleepers (SMT 4, Ubuntu, raw pointers), hogs, steady churn (raw pointers)
    # (dense churn did not overwrite 8 or 12 KB per CPU on 6.12.73: ~130-140 timer_migration events per CPU in 3 s at
    # 26 and at 12 vCPUs, 3642/3642, 3380/3380 and 1692/1692 entries; the three captures stay in corpus-lab42 as
    # 6.12.73-26cpu-4node-uneven4+10+6+6-late-dense-churn-overwritten-{12k,8k}-clock-counter-hashptr-multi and
    # 6.12.73-12cpu-2node-uneven2+10-late-dense-churn-overwritten-8k-clock-counter-hashptr-multi; idle churn instead)
    Spec("uneven4+10+6+6-late-churn-overwritten-8k-clock-counter-hashptr-multi", "6.12.73", cpus=26, nodes=4,
         node_cpus="0-3/4-13/14-19/20-25", boot_trace=False, scenario="idle-churn", duration=3, buffer_kb=8,
         trace_clock="counter", hash_ptr=True, threads="multi"),
    Spec("uneven6+10+4-late-churn-overwritten-16k-hashptr-multi", "6.16.12", cpus=20, nodes=3,
         node_cpus="0-5/6-15/16-19", boot_trace=False, scenario="idle-churn", duration=3, buffer_kb=16,
         hash_ptr=True, threads="multi"),
    Spec("smt4-uneven8+16+8-late-sleepers-multi", "ubuntu:6.17.0-35", cpus=32, nodes=3, smt=4,
         node_cpus="0-7/8-23/24-31", boot_trace=False, scenario="sleepers", duration=3, threads="multi"),
    Spec("nosmt-uneven6+13-late-hogs-hashptr-multi", "7.3-amd64", cpus=19, smt=1, node_cpus="0-5/6-18",
         boot_trace=False, scenario="hogs", duration=3, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven5+9-late-steady-multi", "6.12.90", cpus=14, smt=1, node_cpus="0-4/5-13", boot_trace=False,
         scenario="steady", duration=3, threads="multi"),
]

# The forty-third set (`--set forty-third`, written to corpus-lab43): a fresh measurement of the engine of 7ef5c3d
# (frozen in a worktree and replayed with the compiled core) on a mix as traces from other boxes come: 7 boot traces
# and 5 late ones. Debian point releases neither the forty-first nor the forty-second set used (6.12.57, 6.12.95,
# 6.18.9, 6.19.6, 6.19.13, 7.0.4, 7.0.10, 7.1.8, 7.2.6; every 6.16.y, 6.17.y and 7.3 release the lab can fetch was
# used there but 6.17.8, which lacks 5eb579dfd46b) and three of Ubuntu's generic kernels (CONFIG_HZ=1000: 7.0.0-34,
# 6.17.0-29, 6.11.0-29), multi-threaded TCG, 17-31 vCPUs, 1, 2, 3 and 4 nodes, uneven layouts (`node_cpus`) with a
# node of 9-16 CPUs on most runs, no SMT, SMT 2 and SMT 4, every run 3 s; hashed pointers on 9 of 12 runs. Every
# kernel/vCPU pair is new to all sets: 7.0.4 at 22, Ubuntu 7.0.0-34 at 24, 6.19.6 at 23, 6.12.95 at 30, 7.1.8 at 27,
# 7.2.6 at 18, Ubuntu 6.17.0-29 at 31 (boot); 6.19.13 at 26, 6.18.9 at 23, Ubuntu 6.11.0-29 at 24, 6.12.57 at 17,
# 7.0.10 at 30 (late).
# Boot-time tracing with maxcpus=3: (a) two single-node machines whose boot head is overwritten: a hotplug storm of
# cpu4-11 with glob onlining, 12 KB per CPU and hashed pointers (SMT 2, 22 vCPUs); migrator hotplug of cpu1, cpu9,
# cpu14 and cpu21 with an explicit order (cpu13, cpu6, the rest), 16 KB per CPU, the global clock and raw pointers
# (SMT 4, 24 vCPUs, Ubuntu 7.0.0-34); (b) a non-zero node's first CPU onlined first, then the rest: a hotplug storm
# of the whole of node 1 (cpu9-22, the node onlined first) with 8 KB per CPU (overwritten) and hashed pointers, node
# 1 first on 2 uneven nodes 0-8/9-22 (no SMT, 23 vCPUs); staggered onlining with 24 KB per CPU (overwritten), the
# counter clock and hashed pointers, node 2 first on 4 uneven nodes 0-5/6-15/16-19/20-29 (SMT 2, 30 vCPUs); a
# hotplug storm of node 0's CPUs but cpu0 (cpu1-15) with irq:* and workqueue:* on the trace_event= list (8 MB per
# CPU) and raw pointers, node 2 first on 3 uneven nodes 0-15/16-21/22-30 (no SMT, 31 vCPUs, Ubuntu 6.17.0-29); (c)
# glob onlining: migrator hotplug of cpu2, cpu10, cpu13 and cpu20 with timer:* and sched:sched_switch on the
# trace_event= list (8 MB per CPU) and hashed pointers on 3 uneven nodes 0-11/12-16/17-26 (no SMT, 27 vCPUs); (d) an
# explicit order: cpu12 (node 1), then cpu3 (node 0), then the rest: offline/online of cpu6 read through trace_pipe
# with hashed pointers on 2 uneven nodes 0-3/4-17 (SMT 2, 18 vCPUs).
# Late, all CPUs up: (e) churn with 8 KB per CPU (overwritten) and hashed pointers on 2 uneven nodes 0-9/10-25 (SMT 2,
# 26 vCPUs); sleepers with hashed pointers on 4 uneven nodes 0-3/4-12/13-17/18-22 (no SMT, 23 vCPUs); dense churn with
# hashed pointers on 3 uneven nodes 0-7/8-19/20-23 with SMT 4 (6 sockets of one core x 4 threads, 24 vCPUs, Ubuntu
# 6.11.0-29); hogs with 8 KB per CPU (overwritten) and raw pointers on 2 uneven nodes 0-3/4-16 (no SMT, 17 vCPUs);
# migrator hotplug of cpu3, cpu9, cpu15 and cpu24 with hashed pointers on 3 uneven nodes 0-13/14-19/20-29 (SMT 2, 30
# vCPUs).
FORTY_THIRD_RUNS = [
    # (a) boot-time tracing, maxcpus=3, one node, the boot head overwritten: a hotplug storm with glob onlining (SMT 2,
    # hashed pointers), migrator hotplug with an explicit order and the global clock (SMT 4, Ubuntu, raw pointers)
    Spec("smt2-boot-glob-hotplug-storm-cpu4-11-overwritten-12k-hashptr-multi", "7.0.4", cpus=22, nodes=1,
         maxcpus=3, order="glob", scenario="hotplug-storm", duration=3, hotplug="4-11", buffer_kb=12, hash_ptr=True,
         threads="multi"),
    Spec("smt4-boot-cpu13-6-first-migrator-hotplug-overwritten-16k-clock-global-multi", "ubuntu:7.0.0-34", cpus=24,
         nodes=1, smt=4, maxcpus=3, order="13,6,3-5,7-12,14-23", scenario="migrator-hotplug", duration=3,
         hotplug="1 9 14 21", buffer_kb=16, trace_clock="global", threads="multi"),
    # (b) boot-time tracing, maxcpus=3, a non-zero node first: a storm of the node onlined first (overwritten),
    # staggered onlining with the counter clock (overwritten), a storm of node 0 with irq/workqueue events (Ubuntu, raw
    # pointers)
    Spec("nosmt-uneven9+14-boot-node1-first-hotplug-storm-node1-overwritten-8k-hashptr-multi", "6.19.6", cpus=23,
         smt=1, node_cpus="0-8/9-22", maxcpus=3, order="9,1-8,10-22", scenario="hotplug-storm", duration=3,
         hotplug="9-22", buffer_kb=8, hash_ptr=True, threads="multi"),
    Spec("uneven6+10+4+10-boot-node2-first-staggered-online-overwritten-24k-clock-counter-hashptr-multi", "6.12.95",
         cpus=30, nodes=4, node_cpus="0-5/6-15/16-19/20-29", maxcpus=3, order="16,1-15,17-29",
         scenario="staggered-online", duration=3, buffer_kb=24, trace_clock="counter", hash_ptr=True,
         threads="multi"),
    Spec("nosmt-uneven16+6+9-boot-node2-first-hotplug-storm-node0-irq-workqueue-events-multi", "ubuntu:6.17.0-29",
         cpus=31, nodes=3, smt=1, node_cpus="0-15/16-21/22-30", maxcpus=3, order="22,1-21,23-30",
         scenario="hotplug-storm", duration=3, hotplug="1-15", events="irq:*,workqueue:*", buffer_kb=8192,
         threads="multi"),
    # (c) boot-time tracing, maxcpus=3, glob onlining: migrator hotplug with timer/sched events; hashed pointers
    Spec("nosmt-uneven12+5+10-boot-glob-migrator-hotplug-timer-sched-events-hashptr-multi", "7.1.8", cpus=27,
         nodes=3, smt=1, node_cpus="0-11/12-16/17-26", maxcpus=3, order="glob", scenario="migrator-hotplug",
         duration=3, hotplug="2 10 13 20", events="timer:*,sched:sched_switch", buffer_kb=8192, hash_ptr=True,
         threads="multi"),
    # (d) boot-time tracing, maxcpus=3, an explicit order (cpu12, cpu3, the rest): offline/online of cpu6 read through
    # trace_pipe; hashed pointers
    Spec("uneven4+14-boot-cpu12-3-first-hotplug6-trace-pipe-hashptr-multi", "7.2.6", cpus=18, node_cpus="0-3/4-17",
         maxcpus=3, order="12,3,4-11,13-17", hotplug="6", duration=3, pipe=True, hash_ptr=True, threads="multi"),
    # (e) all CPUs up, events enabled late: churn in an overwritten buffer, sleepers, dense churn (SMT 4, Ubuntu), hogs
    # in an overwritten buffer (raw pointers), migrator hotplug
    Spec("uneven10+16-late-churn-overwritten-8k-hashptr-multi", "6.19.13", cpus=26, node_cpus="0-9/10-25",
         boot_trace=False, scenario="idle-churn", duration=3, buffer_kb=8, hash_ptr=True, threads="multi"),
    Spec("nosmt-uneven4+9+5+5-late-sleepers-hashptr-multi", "6.18.9", cpus=23, nodes=4, smt=1,
         node_cpus="0-3/4-12/13-17/18-22", boot_trace=False, scenario="sleepers", duration=3, hash_ptr=True,
         threads="multi"),
    Spec("smt4-uneven8+12+4-late-dense-churn-hashptr-multi", "ubuntu:6.11.0-29", cpus=24, nodes=3, smt=4,
         node_cpus="0-7/8-19/20-23", boot_trace=False, scenario="dense-churn", duration=3, hash_ptr=True,
         threads="multi"),
    Spec("nosmt-uneven4+13-late-hogs-overwritten-8k-multi", "6.12.57", cpus=17, smt=1, node_cpus="0-3/4-16",
         boot_trace=False, scenario="hogs", duration=3, buffer_kb=8, threads="multi"),
    Spec("uneven14+6+10-late-migrator-hotplug-hashptr-multi", "7.0.10", cpus=30, nodes=3,
         node_cpus="0-13/14-19/20-29", boot_trace=False, scenario="migrator-hotplug", duration=3,
         hotplug="3 9 15 24", hash_ptr=True, threads="multi"),
]

# The forty-fourth set (`--set forty-fourth`, written to corpus-lab44): the engine of 7ef5c3d again (the same frozen
# worktree and compiled core as the forty-third), on what kernel engineers on other boxes send as plain text: mostly
# late traces (8 of 12: events enabled after boot, all CPUs up) and 4 boot traces, on larger machines: 26-48 vCPUs,
# 2, 3 and 4 uneven nodes (`node_cpus`), SMT 2 on 10 runs and no SMT on 2, every run 3 s, multi-threaded TCG. The
# default (local) trace clock on 9 runs, global on two, mono on one; hashed pointers on 6 runs (hash-ptr kept 1) and
# raw pointers on 6; two trace_pipe reads (a late and a boot trace), other events in the same buffer on three late
# runs (sched:*, timer:*, irq:*), two small buffers that overwrote (8 KB per CPU on late churn, 16 KB on a boot
# hotplug storm), isolcpus on one. Debian point releases none of the forty-first to forty-third sets used (6.12.69,
# 6.12.94, 6.18.12, 6.19.8, 6.19.10, 7.0.12, 7.1.3, 7.2.9, 7.2.12; no 6.16.y, 6.17.y or 7.3 release is left unused
# but 6.17.8, which lacks 5eb579dfd46b) and three of Ubuntu's generic kernels (CONFIG_HZ=1000: 6.11.0-17, 7.0.0-43,
# 6.17.0-41). Every kernel/vCPU pair is new to all sets: 6.12.69 at 36, 6.19.8 at 42, Ubuntu 6.11.0-17 at 48, 7.2.9
# at 29, 7.0.12 at 38, Ubuntu 7.0.0-43 at 34, 6.18.12 at 26, Ubuntu 6.17.0-41 at 32 (late); 7.1.3 at 40, 6.19.10 at
# 31, 7.2.12 at 44, 6.12.94 at 48 (boot).
# Late, all CPUs up: (a) steady churn with sched:* in the same buffer (set_event, 8 MB per CPU) and raw pointers on 2
# uneven nodes 0-11/12-35 (SMT 2, 36 vCPUs); sleepers read through trace_pipe with hashed pointers on 3 uneven nodes
# 0-15/16-27/28-41 (SMT 2, 42 vCPUs); hogs with hashed pointers on 4 uneven nodes 0-9/10-19/20-33/34-47 (SMT 2, 48
# vCPUs, Ubuntu 6.11.0-17); churn with 8 KB per CPU (overwritten) and hashed pointers on 2 uneven nodes 0-12/13-28 (no
# SMT, 29 vCPUs); dense churn with timer:* (8 MB per CPU), the mono clock and raw pointers on 3 uneven nodes
# 0-7/8-23/24-37 (SMT 2, 38 vCPUs); migrator hotplug of cpu3, cpu8, cpu20 and cpu27 with hashed pointers on 4 uneven
# nodes 0-5/6-17/18-23/24-33 (SMT 2, 34 vCPUs, Ubuntu 7.0.0-43); offline/online of cpu18 with irq:* (8 MB per CPU),
# the global clock and raw pointers on 2 uneven nodes 0-15/16-25 (SMT 2, 26 vCPUs); isolcpus=domain,12-17 (node 1's
# middle) with a busy loop on cpu12 and churn on the other isolated CPUs, hashed pointers, on 3 uneven nodes
# 0-9/10-21/22-31 (SMT 2, 32 vCPUs, Ubuntu 6.17.0-41).
# Boot-time tracing with maxcpus=3: (b) glob onlining: a hotplug storm of the whole of node 1 (cpu14-23) with 16 KB per
# CPU (the boot head is overwritten) and hashed pointers on 3 uneven nodes 0-13/14-23/24-39 (SMT 2, 40 vCPUs); (c)
# node 1 first: staggered onlining read through trace_pipe with raw pointers on 2 uneven nodes 0-11/12-30 (no SMT, 31
# vCPUs); (d) an explicit order: cpu30 (node 3), cpu18 (node 2), cpu8 (node 1), then the rest: migrator hotplug of
# cpu2, cpu9, cpu19 and cpu33 with the global clock and raw pointers on 4 uneven nodes 0-7/8-17/18-29/30-43 (SMT 2, 44
# vCPUs); (e) round-robin over the nodes (node 1 first): offline/online of cpu40 with raw pointers on 2 uneven nodes
# 0-15/16-47 (SMT 2, 48 vCPUs).
FORTY_FOURTH_RUNS = [
    # (a) all CPUs up, events enabled late: steady churn with sched events, sleepers through trace_pipe, hogs (Ubuntu),
    # churn in an overwritten buffer (no SMT), dense churn with timer events and the mono clock, migrator hotplug
    # (Ubuntu), offline/online with irq events and the global clock, isolcpus (Ubuntu)
    Spec("uneven12+24-late-steady-sched-events-multi", "6.12.69", cpus=36, node_cpus="0-11/12-35", boot_trace=False,
         scenario="steady", duration=3, events="sched:*", buffer_kb=8192, threads="multi"),
    Spec("uneven16+12+14-late-sleepers-trace-pipe-hashptr-multi", "6.19.8", cpus=42, nodes=3,
         node_cpus="0-15/16-27/28-41", boot_trace=False, scenario="sleepers", duration=3, pipe=True, hash_ptr=True,
         threads="multi"),
    Spec("uneven10+10+14+14-late-hogs-hashptr-multi", "ubuntu:6.11.0-17", cpus=48, nodes=4,
         node_cpus="0-9/10-19/20-33/34-47", boot_trace=False, scenario="hogs", duration=3, hash_ptr=True,
         threads="multi"),
    Spec("nosmt-uneven13+16-late-churn-overwritten-8k-hashptr-multi", "7.2.9", cpus=29, smt=1, node_cpus="0-12/13-28",
         boot_trace=False, scenario="idle-churn", duration=3, buffer_kb=8, hash_ptr=True, threads="multi"),
    Spec("uneven8+16+14-late-dense-churn-timer-events-clock-mono-multi", "7.0.12", cpus=38, nodes=3,
         node_cpus="0-7/8-23/24-37", boot_trace=False, scenario="dense-churn", duration=3, events="timer:*",
         buffer_kb=8192, trace_clock="mono", threads="multi"),
    Spec("uneven6+12+6+10-late-migrator-hotplug-hashptr-multi", "ubuntu:7.0.0-43", cpus=34, nodes=4,
         node_cpus="0-5/6-17/18-23/24-33", boot_trace=False, scenario="migrator-hotplug", duration=3,
         hotplug="3 8 20 27", hash_ptr=True, threads="multi"),
    Spec("uneven16+10-late-hotplug18-irq-events-clock-global-multi", "6.18.12", cpus=26, node_cpus="0-15/16-25",
         boot_trace=False, hotplug="18", duration=3, events="irq:*", buffer_kb=8192, trace_clock="global",
         threads="multi"),
    Spec("uneven10+12+10-isolcpus12-17-late-isolated-hashptr-multi", "ubuntu:6.17.0-41", cpus=32, nodes=3,
         node_cpus="0-9/10-21/22-31", isolcpus="domain,12-17", boot_trace=False, scenario="isolated", duration=3,
         hash_ptr=True, threads="multi"),
    # (b) boot-time tracing, maxcpus=3, glob onlining: a hotplug storm of node 1 with an overwritten boot head; hashed
    # pointers
    Spec("uneven14+10+16-boot-glob-hotplug-storm-node1-overwritten-16k-hashptr-multi", "7.1.3", cpus=40, nodes=3,
         node_cpus="0-13/14-23/24-39", maxcpus=3, order="glob", scenario="hotplug-storm", duration=3,
         hotplug="14-23", buffer_kb=16, hash_ptr=True, threads="multi"),
    # (c) boot-time tracing, maxcpus=3, node 1 first: staggered onlining read through trace_pipe; raw pointers
    Spec("nosmt-uneven12+19-boot-node1-first-staggered-online-trace-pipe-multi", "6.19.10", cpus=31, smt=1,
         node_cpus="0-11/12-30", maxcpus=3, order="12,1-11,13-30", scenario="staggered-online", duration=3,
         pipe=True, threads="multi"),
    # (d) boot-time tracing, maxcpus=3, an explicit order (cpu30, cpu18, cpu8, the rest): migrator hotplug with the
    # global clock; raw pointers
    Spec("uneven8+10+12+14-boot-cpu30-18-8-first-migrator-hotplug-clock-global-multi", "7.2.12", cpus=44, nodes=4,
         node_cpus="0-7/8-17/18-29/30-43", maxcpus=3, order="30,18,8,3-7,9-17,19-29,31-43",
         scenario="migrator-hotplug", duration=3, hotplug="2 9 19 33", trace_clock="global", threads="multi"),
    # (e) boot-time tracing, maxcpus=3, round-robin over the nodes: offline/online of cpu40; raw pointers
    Spec("uneven16+32-boot-nodes-rr-hotplug40-multi", "6.12.94", cpus=48, node_cpus="0-15/16-47", maxcpus=3,
         order="nodes", hotplug="40", duration=3, threads="multi"),
]

SETS = {"main": (RUNS, "corpus-lab", "# Lab captures of the outside class"),
        "extra": (EXTRA_RUNS, "corpus-lab2", "# Lab captures of the outside class: the second set (`--set extra`)"),
        "third": (THIRD_RUNS, "corpus-lab3", "# Lab captures of the outside class: the third set (`--set third`)"),
        "fourth": (FOURTH_RUNS, "corpus-lab4", "# Lab captures of the outside class: the fourth set (`--set fourth`)"),
        "fifth": (FIFTH_RUNS, "corpus-lab5", "# Lab captures of the outside class: the fifth set (`--set fifth`)"),
        "sixth": (SIXTH_RUNS, "corpus-lab6", "# Lab captures of the outside class: the sixth set (`--set sixth`)"),
        "seventh": (SEVENTH_RUNS, "corpus-lab7",
                    "# Lab captures of the outside class: the seventh set (`--set seventh`)"),
        "eighth": (EIGHTH_RUNS, "corpus-lab8",
                   "# Lab captures of the outside class: the eighth set (`--set eighth`)"),
        "ninth": (NINTH_RUNS, "corpus-lab9", "# Lab captures of the outside class: the ninth set (`--set ninth`)"),
        "tenth": (TENTH_RUNS, "corpus-lab10",
                  "# Lab captures of the outside class: the tenth set (`--set tenth`, multi-threaded TCG only)"),
        "eleventh": (ELEVENTH_RUNS, "corpus-lab11",
                     "# Lab captures of the outside class: the eleventh set (`--set eleventh`, multi-threaded TCG, "
                     "24-32 vCPUs)"),
        "twelfth": (TWELFTH_RUNS, "corpus-lab12",
                    "# Lab captures of the outside class: the twelfth set (`--set twelfth`, multi-threaded TCG, "
                    "16-32 vCPUs)"),
        "thirteenth": (THIRTEENTH_RUNS, "corpus-lab13",
                       "# Lab captures of the outside class: the thirteenth set (`--set thirteenth`, multi-threaded "
                       "TCG, 16-32 vCPUs)"),
        "fourteenth": (FOURTEENTH_RUNS, "corpus-lab14",
                       "# Lab captures of the outside class: the fourteenth set (`--set fourteenth`, multi-threaded "
                       "TCG, 16-32 vCPUs)"),
        "fifteenth": (FIFTEENTH_RUNS, "corpus-lab15",
                      "# Lab captures of the outside class: the fifteenth set (`--set fifteenth`, multi-threaded "
                      "TCG, 16-32 vCPUs)"),
        "sixteenth": (SIXTEENTH_RUNS, "corpus-lab16",
                      "# Lab captures of the outside class: the sixteenth set (`--set sixteenth`, multi-threaded "
                      "TCG, 16-32 vCPUs)"),
        "seventeenth": (SEVENTEENTH_RUNS, "corpus-lab17",
                        "# Lab captures of the outside class: the seventeenth set (`--set seventeenth`, "
                        "multi-threaded TCG, 16-32 vCPUs)"),
        "eighteenth": (EIGHTEENTH_RUNS, "corpus-lab18",
                       "# Lab captures of the outside class: the eighteenth set (`--set eighteenth`, "
                       "multi-threaded TCG, 16-32 vCPUs)"),
        "nineteenth": (NINETEENTH_RUNS, "corpus-lab19",
                       "# Lab captures of the outside class: the nineteenth set (`--set nineteenth`, "
                       "multi-threaded TCG, 12-64 vCPUs, 1, 2 and 4 nodes)"),
        "twentieth": (TWENTIETH_RUNS, "corpus-lab20",
                      "# Lab captures of the outside class: the twentieth set (`--set twentieth`, "
                      "multi-threaded TCG, 20-28 vCPUs, 2 and 4 nodes)"),
        "twenty-first": (TWENTY_FIRST_RUNS, "corpus-lab21",
                         "# Lab captures of the outside class: the twenty-first set (`--set twenty-first`, "
                         "multi-threaded TCG, 14-30 vCPUs, 1, 2 and 4 nodes)"),
        "twenty-second": (TWENTY_SECOND_RUNS, "corpus-lab22",
                          "# Lab captures of the outside class: the twenty-second set (`--set twenty-second`, "
                          "multi-threaded TCG, 10-26 vCPUs, 1, 2 and 4 nodes)"),
        "twenty-third": (TWENTY_THIRD_RUNS, "corpus-lab23",
                         "# Lab captures of the outside class: the twenty-third set (`--set twenty-third`, "
                         "multi-threaded TCG, 14-28 vCPUs, 2 and 4 nodes)"),
        "twenty-fourth": (TWENTY_FOURTH_RUNS, "corpus-lab24",
                          "# Lab captures of the outside class: the twenty-fourth set (`--set twenty-fourth`, "
                          "multi-threaded TCG, 12-26 vCPUs, 2 and 4 nodes)"),
        "twenty-fifth": (TWENTY_FIFTH_RUNS, "corpus-lab25",
                         "# Lab captures of the outside class: the twenty-fifth set (`--set twenty-fifth`, "
                         "multi-threaded TCG, 12-30 vCPUs, 2 and 4 nodes)"),
        "twenty-sixth": (TWENTY_SIXTH_RUNS, "corpus-lab26",
                         "# Lab captures of the outside class: the twenty-sixth set (`--set twenty-sixth`, "
                         "multi-threaded TCG, 20-30 vCPUs, 2 and 4 nodes)"),
        "twenty-seventh": (TWENTY_SEVENTH_RUNS, "corpus-lab27",
                           "# Lab captures of the outside class: the twenty-seventh set (`--set twenty-seventh`, "
                           "multi-threaded TCG, 8-30 vCPUs, 1, 2 and 4 nodes)"),
        "twenty-eighth": (TWENTY_EIGHTH_RUNS, "corpus-lab28",
                          "# Lab captures of the outside class: the twenty-eighth set (`--set twenty-eighth`, "
                          "multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes)"),
        "twenty-ninth": (TWENTY_NINTH_RUNS, "corpus-lab29",
                         "# Lab captures of the outside class: the twenty-ninth set (`--set twenty-ninth`, "
                         "multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes)"),
        "thirtieth": (THIRTIETH_RUNS, "corpus-lab30",
                      "# Lab captures of the outside class: the thirtieth set (`--set thirtieth`, "
                      "multi-threaded TCG, 8-28 vCPUs, 2 and 4 nodes)"),
        "thirty-first": (THIRTY_FIRST_RUNS, "corpus-lab31",
                         "# Lab captures of the outside class: the thirty-first set (`--set thirty-first`, "
                         "multi-threaded TCG, 12-30 vCPUs, 2 and 4 nodes)"),
        "thirty-second": (THIRTY_SECOND_RUNS, "corpus-lab32",
                          "# Lab captures of the outside class: the thirty-second set (`--set thirty-second`, "
                          "multi-threaded TCG, 12-30 vCPUs, 1, 2, 3 and 4 nodes, uneven nodes)"),
        "thirty-third": (THIRTY_THIRD_RUNS, "corpus-lab33",
                         "# Lab captures of the outside class: the thirty-third set (`--set thirty-third`, "
                         "multi-threaded TCG, 18-31 vCPUs, 2, 3 and 4 nodes, uneven nodes)"),
        "thirty-fourth": (THIRTY_FOURTH_RUNS, "corpus-lab34",
                          "# Lab captures of the outside class: the thirty-fourth set (`--set thirty-fourth`, "
                          "multi-threaded TCG, 18-31 vCPUs, 3 and 4 nodes, uneven nodes)"),
        "thirty-fifth": (THIRTY_FIFTH_RUNS, "corpus-lab35",
                         "# Lab captures of the outside class: the thirty-fifth set (`--set thirty-fifth`, "
                         "multi-threaded TCG, 15-30 vCPUs, 3 and 4 nodes, uneven nodes, late and boot-time)"),
        "thirty-sixth": (THIRTY_SIXTH_RUNS, "corpus-lab36",
                         "# Lab captures of the outside class: the thirty-sixth set (`--set thirty-sixth`, "
                         "multi-threaded TCG, 18-31 vCPUs, 2, 3 and 4 nodes, uneven nodes, hashed pointers, trace "
                         "clocks, ftrace_dump, trace_pipe, other events, an overwritten buffer)"),
        "ubuntu": (UBUNTU_RUNS, "corpus-lab-ubuntu",
                   "# Lab captures of the outside class on Ubuntu's generic kernels (`--set ubuntu`, CONFIG_HZ=1000, "
                   "multi-threaded TCG, 12-32 vCPUs, 2, 3 and 4 nodes)"),
        "thirty-seventh": (THIRTY_SEVENTH_RUNS, "corpus-lab37",
                           "# Lab captures of the outside class: the thirty-seventh set (`--set thirty-seventh`, "
                           "multi-threaded TCG, 22-31 vCPUs, 2, 3 and 4 nodes, uneven nodes, hashed pointers, trace "
                           "clocks, ftrace_dump, trace_pipe, other events, overwritten buffers)"),
        "thirty-eighth": (THIRTY_EIGHTH_RUNS, "corpus-lab38",
                          "# Lab captures of the outside class: the thirty-eighth set (`--set thirty-eighth`, "
                          "multi-threaded TCG, 20-31 vCPUs, 2, 3 and 4 nodes, uneven nodes of more than 8 CPUs, "
                          "hashed pointers, Debian and Ubuntu kernels, boot-time and late, other events, trace_pipe, "
                          "overwritten buffers)"),
        "thirty-ninth": (THIRTY_NINTH_RUNS, "corpus-lab39",
                         "# Lab captures of the outside class: the thirty-ninth set (`--set thirty-ninth`, "
                         "multi-threaded TCG, 21-30 vCPUs, 2, 3 and 4 nodes, uneven nodes of more than 8 CPUs, no SMT, "
                         "SMT 2 and SMT 4, hashed pointers, Debian and Ubuntu kernels, boot-time and late, other "
                         "events, trace clocks, trace_pipe, overwritten buffers)"),
        "fortieth": (FORTIETH_RUNS, "corpus-lab40",
                     "# Lab captures of the outside class: the fortieth set (`--set fortieth`, multi-threaded TCG, "
                     "19-32 vCPUs, 2, 3 and 4 nodes, uneven nodes of 9-16 CPUs, no SMT, SMT 2 and SMT 4, boot-time "
                     "traces that lost their head (small buffers), hashed pointers, Debian and Ubuntu kernels, the "
                     "counter clock, other events, trace_pipe)"),
        "forty-first": (FORTY_FIRST_RUNS, "corpus-lab41",
                        "# Lab captures of the outside class: the forty-first set (`--set forty-first`, "
                        "multi-threaded TCG, 12-30 vCPUs, 2, 3 and 4 nodes, uneven nodes (of 9-16 CPUs on half the "
                        "runs), SMT 1/2/4, half boot-time and half late traces, hashed pointers, Debian and Ubuntu "
                        "kernels, overwritten buffers, trace_pipe, other events, trace clocks)"),
        "forty-second": (FORTY_SECOND_RUNS, "corpus-lab42",
                         "# Lab captures of the outside class: the forty-second set (`--set forty-second`, "
                         "multi-threaded TCG, 14-32 vCPUs, 1, 2, 3 and 4 nodes, uneven nodes of 9-16 CPUs, SMT 1/2/4, "
                         "7 boot-time and 5 late traces, boot heads lost (small buffers), hashed pointers, Debian and "
                         "Ubuntu kernels, overwritten buffers, trace_pipe, other events, trace clocks)"),
        "forty-third": (FORTY_THIRD_RUNS, "corpus-lab43",
                        "# Lab captures of the outside class: the forty-third set (`--set forty-third`, "
                        "multi-threaded TCG, 17-31 vCPUs, 1, 2, 3 and 4 nodes, uneven nodes of 9-16 CPUs, SMT 1/2/4, "
                        "7 boot-time and 5 late traces, boot heads lost (small buffers, two single-node machines), "
                        "hashed pointers, Debian and Ubuntu kernels, overwritten buffers, trace_pipe, other events, "
                        "trace clocks)"),
        "forty-fourth": (FORTY_FOURTH_RUNS, "corpus-lab44",
                         "# Lab captures of the outside class: the forty-fourth set (`--set forty-fourth`, "
                         "multi-threaded TCG, 26-48 vCPUs, 2, 3 and 4 uneven nodes, SMT 2 and no SMT, 8 late and 4 "
                         "boot-time traces, plain text as other boxes send it: local, global and mono clocks, hashed "
                         "and raw pointers, trace_pipe, other events, overwritten buffers, isolcpus, Debian and "
                         "Ubuntu kernels)")}


def init_did(s: Spec) -> str:
    parts = []
    if s.boot_trace:
        parts.append("events on from early boot" + (f" (also {s.events})" if s.events else ""))
    else:
        parts.append("all CPUs up at boot; events enabled by init after boot (no setup events)"
                     if s.maxcpus is None else "events enabled by init after boot")
        parts.append(f"buffer_size_kb {s.buffer_kb}" + (f", trace_clock {s.trace_clock}" if s.trace_clock else "")
                     + (f", also {s.events} (set_event)" if s.events else ""))
    if s.pipe:
        parts.append("starts a reader of trace_pipe (cat, in the background)")
    if s.maxcpus is not None:
        glob = ("in sysfs glob order (cpu1, cpu10, cpu11, ...)" if s.cpus > 10
                else "in sysfs glob order (ascending below 11 CPUs)")
        order = {"glob": glob, None: "ascending", "nodes": "round-robin over the nodes (node 1 first)"}.get(
            s.order, f"in the order {s.order}")
        left = offline_left(s)
        if s.scenario == "staggered-online":
            parts.append(f"onlines the other CPUs {order}, one at a time, with churn on the CPUs already online")
        else:
            parts.append(f"onlines the other CPUs {order}" + (f" (CPUs {left} stay offline)" if left else ""))
    what = {
        "hotplug-one": (f"sleeps {s.duration:g} s (idle): cpu0 cannot be offlined (no "
                        "/sys/devices/system/cpu/cpu0/online on x86), so the offline/online of cpu0 did nothing"
                        if s.hotplug == "0" else
                        f"sleeps {s.duration / 2:g} s, offlines and onlines cpu{s.hotplug or 5}, "
                        f"sleeps {s.duration / 2:g} s"),
        "all-idle": f"sleeps {s.duration:g} s (idle)",
        "idle-churn": f"{s.duration:g} s of pinned sleep loops + loopback HTTP on every online CPU",
        "isolated": f"{s.duration:g} s: a busy loop on the first isolated CPU, churn on the others and one housekeeping CPU",
        "migrator-hotplug": (f"{max(1, int(s.duration) // 4)} round(s): per CPU of "
                             f"{s.hotplug or 'the second CPU of each node'}, makes it busy (the migrator of its "
                             "group), offlines and onlines it"),
        "dense-churn": f"{s.duration:g} s of pinned 1-ms sleep loops (+ loopback HTTP every tenth sleep) on every "
                       "online CPU",
        "steady": f"{s.duration:g} s of churn on every other online CPU (constant event rate)",
        "staggered-online": f"over {s.duration:g} s",
        "suspend": suspend_did(s),
        "ftrace-dump": (f"{s.duration:g} s of pinned sleep loops + loopback HTTP on every online CPU, stops "
                        "tracing, keeps the trace file, then sysrq-z: ftrace_dump() prints the same buffer on "
                        "the serial console"),
        "hogs": hogs_did(s),
        "sleepers": (f"{s.duration:g} s: per online CPU three pinned sleepers with periods of their own (1-250 ms, "
                     "different on every CPU) and, once a second, a burst of 20 back-to-back loopback HTTP "
                     "requests from one CPU (rotating)"),
        "hotplug-storm": (f"{max(1, int(s.duration) // 2)} round(s) over {s.duration:g} s: offlines CPUs "
                          f"{s.hotplug or 'of the last node (the whole node)'} one after the other and onlines "
                          "them in another order (reverse, then rotated), churn on up to four other online CPUs"),
    }.get(s.scenario, s.scenario)
    parts.append(what)
    parts.append("stops tracing, waits until the trace_pipe reader drained the buffer and ships what it read "
                 "(no header)" if s.pipe else "stops tracing and dumps the top-level trace file")
    return "; ".join(parts)


def _scenario_env(s: Spec) -> dict[str, str]:
    return dict(kv.partition("=")[::2] for kv in (s.scenario_env or "").split())


def suspend_did(s: Spec) -> str:
    e = _scenario_env(s)
    mode = e.get("LAB_SUSPEND", "mem")
    rounds = int(e.get("LAB_SUSPEND_ROUNDS", "1"))
    how = ("suspend to RAM (S3, mem_sleep deep: every CPU but CPU 0 offlined by freeze_secondary_cpus() and "
           "onlined again on resume)" if mode == "mem" else "suspend-to-idle (freeze: all CPUs parked idle)")
    if e.get("LAB_PM_TEST"):
        how += f", pm_test {e['LAB_PM_TEST']} (resumes by itself after 1 s)"
    else:
        how += f", woken by an RTC alarm after {e.get('LAB_SUSPEND_S', '2')} s"
    return (f"churn on every online CPU for {s.duration / 3:g} s, then {rounds} x [{how}; {s.duration / 3:g} s "
            "of churn]; rebinds the virtio console to ship")


def hogs_did(s: Spec) -> str:
    first = _scenario_env(s).get("LAB_HOG_CPUS")
    return (f"{s.duration:g} s: busy loops on {('CPUs ' + first) if first else 'the odd online CPUs'} for the first "
            "half, then on the other online CPUs but CPU 0 (the first ones stop); light churn (250 ms sleeps + "
            "loopback HTTP) on CPU 0")


def offline_left(s: Spec) -> str:
    """The CPUs an explicit --online-order list leaves offline (a node with fewer CPUs), as a list."""
    if s.maxcpus is None or not s.order or not re.fullmatch(r"[\d,\s-]+", s.order):
        return ""
    listed: set[int] = set(range(s.maxcpus))
    for part in s.order.replace(" ", ",").split(","):
        if part:
            lo, _, hi = part.partition("-")
            listed.update(range(int(lo), int(hi or lo) + 1))
    left = [c for c in range(s.cpus) if c not in listed]
    return format_cpulist(left)


def topology(s: Spec) -> qemu.Topology:
    """The emulated machine of a run: CPUs, nodes (even, or the Spec's uneven lists), SMT,
    possible CPUs and the isolation options."""
    return qemu.Topology(cpus=s.cpus, nodes=s.nodes, smt=s.smt, maxcpus=s.maxcpus, isolcpus=s.isolcpus,
                         nohz_full=s.nohz_full, node_cpulists=tuple(s.node_cpus.split("/")) if s.node_cpus else None,
                         possible=s.possible)


def one(s: Spec, out: Path, cache: Path) -> dict:
    img = kernels.fetch(s.kernel, cache)
    fname = f"{img.label}-{s.cpus}cpu-{s.nodes}node-{s.name}.trace.txt.xz"
    dest = out / fname
    topo = topology(s)
    env = {}
    if s.order:
        env["LAB_ONLINE_ORDER"] = s.order
    if s.hotplug:
        env["LAB_HOTPLUG_CPUS"] = s.hotplug
    for kv in (s.scenario_env or "").split():
        k, _, v = kv.partition("=")
        env[k] = v
    attempts = []
    for attempt in (1, 2):
        t0 = time.monotonic()
        try:
            r, _, _, _ = run.lab_run(img.release, None, topo, s.scenario, s.duration, None, force=True,
                                     cache_override=str(cache), buffer_kb=s.buffer_kb, accel="tcg",
                                     env=env or None, tcg_threads=s.threads, text_out=str(dest),
                                     boot_trace=s.boot_trace, trace_clock=s.trace_clock, hash_ptr=s.hash_ptr,
                                     extra_cmdline=s.cmdline.split() if s.cmdline else None,
                                     extra_events=s.events, trace_pipe=s.pipe)
            break
        except TmigrError as exc:
            attempts.append({"attempt": attempt, "seconds": round(time.monotonic() - t0, 1), "error": str(exc)[:300]})
            if "oopsed" not in str(exc) or attempt == 2:
                return {"file": fname, "spec": asdict(s), "failed": attempts}
    seconds = round(time.monotonic() - t0, 1)
    console = {}
    if s.console:
        cdest = out / fname.replace(".trace.txt.xz", ".console.log.xz")
        cdest.write_bytes(lzma.compress(r.console.encode()))
        ctext = r.console.encode()
        dropped = re.findall(rb"\*\* \d+ printk messages dropped \*\*", ctext)
        console = {"console": {"file": cdest.name, "bytes": cdest.stat().st_size,
                               "events": len(re.findall(rb"\btmigr_\w+: ", ctext)),
                               "dropped": ", ".join(m.decode() for m in dropped)}}
    suspend = {}
    if s.scenario == "suspend":
        suspend = {"suspend_log": [ln for ln in r.console.splitlines()
                                   if re.search(r"^(suspend |resumed |power states)|PM: (suspend|Waking|Low-level)"
                                                r"|ACPI: PM: Waking|non-boot CPUs", ln)][:12]}
    text = lzma.decompress(dest.read_bytes())
    cmdline = r.argv[r.argv.index("-append") + 1]
    accel = r.argv[r.argv.index("-accel") + 1]
    smp = r.argv[r.argv.index("-smp") + 1]
    hdr = text_header(text)
    tmigr = text.count(b": tmigr_")
    lines = sum(1 for ln in text.splitlines() if ln and not ln.startswith(b"#"))
    return {
        "file": fname, "spec": asdict(s), "kernel": img.release, "package": img.version,
        **({"distro": img.source, "suite": img.suite} if img.source == "ubuntu" else {}),
        "qemu": f"-accel {accel} -cpu qemu64,vendor=GenuineIntel -smp {smp}"
                + (" " + " ".join(f"-numa node,cpus={v}" for v in topo.as_dict()["node_cpus"].values())
                   if s.nodes > 1 else ""),
        "cmdline": cmdline, "init": init_did(s), "events": tmigr,
        **({"other_events": lines - tmigr} if s.events or lines != tmigr else {}),
        "entries": (f"entries-in-buffer/entries-written: {hdr['entries_in_buffer']}/{hdr['entries_written']}"
                    if hdr else "trace_pipe: no header" if s.pipe else None),
        "setup_events": text.count(b": tmigr_connect_cpu_parent:"),
        "bytes": dest.stat().st_size, "seconds": seconds, "guest_booted_s": r.marks.get("LAB-BOOTED"),
        "retries": attempts, "pointers": pointer_form(text), **console, **suspend,
    }


def pointer_form(text: bytes) -> str:
    """How the pointers of a trace text are printed: raw, (____ptrval____) or hashed."""
    m = re.search(rb" parent=(\S+)", text)
    if not m:
        return "?"
    v = m.group(1)
    if v == b"(____ptrval____)":
        return "ptrval"
    return "raw" if v.startswith(b"ffff") else "hashed"


def markdown(records: list[dict], title: str = "# Lab captures of the outside class") -> str:
    ok = [r for r in records if "failed" not in r]
    bad = [r for r in records if "failed" in r]
    ubuntu = any(r.get("distro") == "ubuntu" for r in ok)
    packages = ("Ubuntu generic kernel packages (linux-image-unsigned-*-generic, CONFIG_HZ=1000)" if ubuntu
                else "Debian kernel packages")
    lines = [
        title,
        "",
        "Plain ftrace text, as a kernel engineer outside the lab sends it: the `trace` file of the",
        "top-level tracefs instance, xz-compressed. No kernel release, no sysfs topology, no bring-up",
        "order: only the text (`tmigr-trace import X.trace.txt.xz -o X.parquet`, no `--kernel`). Made by",
        "`python3 -m tmigr_trace.collectors.lab.outside_corpus` (tmigr-trace's kernel lab, docs/lab.md):",
        f"{packages} under QEMU 7.2 TCG (`thread=single` or `thread=multi` as listed),",
        "`-cpu qemu64,vendor=GenuineIntel`, `-smp N,sockets=NODES,cores=N/(NODES*SMT),threads=SMT`, one",
        "`-numa node` per socket, busybox init, `hash-ptr` 0 unless noted. Boot-time tracing is",
        "`trace_event=timer_migration:*` + `trace_buf_size=` on the command line (setup events of the boot",
        "CPUs from early boot); late enabling writes `events/timer_migration/enable` after boot. The text",
        "is shipped through a virtio serial port (byte-exact, no carriage returns to strip). `entries` is",
        "the trace header's entries-in-buffer/entries-written (equal: the ring buffer overwrote nothing).",
        "Times are wall seconds of the whole run on a 2-core host (boot, scenario, dump, compression).",
        "",
        f"| file | kernel ({'Ubuntu package, suite' if ubuntu else 'Debian package'}) | QEMU | kernel command line (lab part) | what init did | entries | setup `connect_cpu_parent` | size | wall s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in ok:
        cmd = r["cmdline"].replace("console=ttyS0 panic=-1 loglevel=4", "").strip() or "-"
        note = {"ptrval": "; hash-ptr 1 kept: pointers print as `(____ptrval____)` (the guest's CRNG was "
                           "not ready: no RNG device, no RDRAND in qemu64, so the pointer-hash key was never set)",
                "hashed": "; hash-ptr 1 kept: hashed pointers"}.get(r.get("pointers", "raw"), "")
        retry = f" (retried: {r['retries'][0]['error'][:80]})" if r.get("retries") else ""
        pkg = f"{r['package']}, {r['suite']}" if r.get("suite") else r["package"]
        lines.append(f"| `{r['file']}` | {r['kernel']} ({pkg}) | `{r['qemu']}` | `{cmd}` | "
                     f"{r['init']}{note} | {(r.get('entries') or '?').split(': ')[-1]} | {r['setup_events']} | {r['bytes'] // 1024} KB | "
                     f"{r['seconds']:.0f}{retry} |")
    if bad:
        lines += ["", "## Runs that failed", "", "| file | attempts |", "|---|---|"]
        for r in bad:
            errs = "; ".join(f"#{a['attempt']} after {a['seconds']} s: {a['error']}" for a in r["failed"])
            lines.append(f"| `{r['file']}` | {errs.replace('|', '/')} |")
    lines.append("")
    return "\n".join(lines)


FIXTURE_TITLE = """# Outside-class fixtures (lab-made)

Test fixtures: a few small captures of the corpus below, copied byte for byte. Regenerate them with
`python3 -m tmigr_trace.collectors.lab.outside_corpus --out DIR --only NAME` and
`--fixtures fixtures/outside-class --pick NAME...` (the same run gives another text: timings differ)."""


def load_records(out: Path) -> list[dict]:
    """OUT/provenance.json (empty if none), with the pointer form of older records filled in."""
    pj = out / "provenance.json"
    records = json.loads(pj.read_text()) if pj.exists() else []
    for r in records:
        r["init"] = init_did(Spec(**r["spec"]))
        if "pointers" not in r and "failed" not in r and (out / r["file"]).exists():
            r["pointers"] = pointer_form(lzma.decompress((out / r["file"]).read_bytes()))
    return records


def write_fixtures(corpus: Path, dest: Path, picks: list[str]) -> list[str]:
    """Copy the corpus files whose names contain one of `picks` to `dest` with a README.md table."""
    import shutil

    records = load_records(corpus)
    chosen = [r for r in records if "failed" not in r and any(p in r["file"] for p in picks)]
    dest.mkdir(parents=True, exist_ok=True)
    for r in chosen:
        shutil.copyfile(corpus / r["file"], dest / r["file"])
    (dest / "README.md").write_text(markdown(chosen, FIXTURE_TITLE))
    return [r["file"] for r in chosen]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default="main", choices=sorted(SETS),
                    help="main: the first corpus (corpus-lab); extra: the second (corpus-lab2); "
                         "third: the third (corpus-lab3); fourth: the fourth (corpus-lab4); fifth: the fifth (corpus-lab5); "
                         "sixth: the sixth (corpus-lab6); seventh: the seventh (corpus-lab7); "
                         "eighth: the eighth (corpus-lab8); ninth: the ninth (corpus-lab9); "
                         "tenth: the tenth, multi-threaded TCG only (corpus-lab10); "
                         "eleventh: the eleventh, multi-threaded TCG, 24-32 vCPUs (corpus-lab11); "
                         "twelfth: the twelfth, multi-threaded TCG, 16-32 vCPUs (corpus-lab12); "
                         "thirteenth: the thirteenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab13); "
                         "fourteenth: the fourteenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab14); "
                         "fifteenth: the fifteenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab15); "
                         "sixteenth: the sixteenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab16); "
                         "seventeenth: the seventeenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab17); "
                         "eighteenth: the eighteenth, multi-threaded TCG, 16-32 vCPUs (corpus-lab18); "
                         "nineteenth: the nineteenth, multi-threaded TCG, 12-64 vCPUs, 1, 2 and 4 nodes "
                         "(corpus-lab19); "
                         "twentieth: the twentieth, multi-threaded TCG, 20-28 vCPUs, 2 and 4 nodes (corpus-lab20); "
                         "twenty-first: the twenty-first, multi-threaded TCG, 14-30 vCPUs, 1, 2 and 4 nodes "
                         "(corpus-lab21); "
                         "twenty-second: the twenty-second, multi-threaded TCG, 10-26 vCPUs, 1, 2 and 4 nodes "
                         "(corpus-lab22); "
                         "twenty-third: the twenty-third, multi-threaded TCG, 14-28 vCPUs, 2 and 4 nodes "
                         "(corpus-lab23); "
                         "twenty-fourth: the twenty-fourth, multi-threaded TCG, 12-26 vCPUs, 2 and 4 nodes "
                         "(corpus-lab24); "
                         "twenty-fifth: the twenty-fifth, multi-threaded TCG, 12-30 vCPUs, 2 and 4 nodes "
                         "(corpus-lab25); "
                         "twenty-sixth: the twenty-sixth, multi-threaded TCG, 20-30 vCPUs, 2 and 4 nodes "
                         "(corpus-lab26); "
                         "twenty-seventh: the twenty-seventh, multi-threaded TCG, 8-30 vCPUs, 1, 2 and 4 nodes "
                         "(corpus-lab27); "
                         "twenty-eighth: the twenty-eighth, multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes "
                         "(corpus-lab28); "
                         "twenty-ninth: the twenty-ninth, multi-threaded TCG, 8-30 vCPUs, 2 and 4 nodes "
                         "(corpus-lab29); "
                         "thirtieth: the thirtieth, multi-threaded TCG, 8-28 vCPUs, 2 and 4 nodes "
                         "(corpus-lab30); "
                         "thirty-first: the thirty-first, multi-threaded TCG, 12-30 vCPUs, 2 and 4 nodes "
                         "(corpus-lab31); "
                         "thirty-second: the thirty-second, multi-threaded TCG, 12-30 vCPUs, 1, 2, 3 and 4 nodes, "
                         "uneven nodes (corpus-lab32); "
                         "thirty-third: the thirty-third, multi-threaded TCG, 18-31 vCPUs, 2, 3 and 4 nodes, "
                         "uneven nodes (corpus-lab33); "
                         "thirty-fourth: the thirty-fourth, multi-threaded TCG, 18-31 vCPUs, 3 and 4 nodes, "
                         "uneven nodes (corpus-lab34); "
                         "thirty-fifth: the thirty-fifth, multi-threaded TCG, 15-30 vCPUs, 3 and 4 nodes, "
                         "uneven nodes, late and boot-time (corpus-lab35); "
                         "thirty-sixth: the thirty-sixth, multi-threaded TCG, 18-31 vCPUs, 2, 3 and 4 nodes, "
                         "uneven nodes, text variations (corpus-lab36); "
                         "ubuntu: Ubuntu's generic kernels (CONFIG_HZ=1000) 6.11-7.0, multi-threaded TCG, 12-32 "
                         "vCPUs, 2, 3 and 4 nodes (corpus-lab-ubuntu); "
                         "thirty-seventh: the thirty-seventh, multi-threaded TCG, 22-31 vCPUs, 2, 3 and 4 nodes, "
                         "uneven nodes, text variations (corpus-lab37); "
                         "thirty-eighth: the thirty-eighth, multi-threaded TCG, 20-31 vCPUs, 2, 3 and 4 nodes, "
                         "uneven nodes of more than 8 CPUs, hashed pointers, Debian and Ubuntu kernels "
                         "(corpus-lab38); "
                         "thirty-ninth: the thirty-ninth, multi-threaded TCG, 21-30 vCPUs, 2, 3 and 4 nodes, "
                         "uneven nodes of more than 8 CPUs, SMT 1/2/4, text forms of other boxes, Debian and Ubuntu "
                         "kernels (corpus-lab39); "
                         "fortieth: the fortieth, multi-threaded TCG, 19-32 vCPUs, 2, 3 and 4 nodes, uneven nodes "
                         "of 9-16 CPUs, SMT 1/2/4, boot traces that lost their head, hashed pointers, Debian and "
                         "Ubuntu kernels (corpus-lab40); "
                         "forty-first: the forty-first, multi-threaded TCG, 12-30 vCPUs, 2, 3 and 4 nodes, uneven "
                         "nodes, SMT 1/2/4, half boot and half late traces, hashed pointers, Debian and Ubuntu "
                         "kernels (corpus-lab41); "
                         "forty-second: the forty-second, multi-threaded TCG, 14-32 vCPUs, 1, 2, 3 and 4 nodes, "
                         "uneven nodes, SMT 1/2/4, 7 boot and 5 late traces, boot heads lost, hashed pointers, "
                         "Debian and Ubuntu kernels (corpus-lab42); "
                         "forty-third: the forty-third, multi-threaded TCG, 17-31 vCPUs, 1, 2, 3 and 4 nodes, uneven "
                         "nodes, SMT 1/2/4, 7 boot and 5 late traces, boot heads lost (two single-node machines), "
                         "hashed pointers, Debian and Ubuntu kernels (corpus-lab43); "
                         "forty-fourth: the forty-fourth, multi-threaded TCG, 26-48 vCPUs, 2, 3 and 4 uneven nodes, "
                         "SMT 2 and no SMT, 8 late and 4 boot traces, clocks, hashed and raw pointers, trace_pipe, "
                         "other events, isolcpus, Debian and Ubuntu kernels (corpus-lab44)")
    ap.add_argument("--out", help="default: corpus-lab (--set main), corpus-lab2 (--set extra), "
                                  "corpus-lab3 (--set third), corpus-lab4 (--set fourth), corpus-lab5 (--set fifth) "
                                  "corpus-lab6 (--set sixth), corpus-lab7 (--set seventh), corpus-lab8 (--set eighth), "
                                  "corpus-lab9 (--set ninth), corpus-lab10 (--set tenth), "
                                  "corpus-lab11 (--set eleventh), corpus-lab12 (--set twelfth) "
                                  "corpus-lab13 (--set thirteenth), corpus-lab14 (--set fourteenth), "
                                  "corpus-lab15 (--set fifteenth), corpus-lab16 (--set sixteenth) "
                                  "corpus-lab17 (--set seventeenth), corpus-lab18 (--set eighteenth) "
                                  "corpus-lab19 (--set nineteenth), corpus-lab20 (--set twentieth), "
                                  "corpus-lab21 (--set twenty-first), corpus-lab22 (--set twenty-second), "
                                  "corpus-lab23 (--set twenty-third), corpus-lab24 (--set twenty-fourth), "
                                  "corpus-lab25 (--set twenty-fifth), corpus-lab26 (--set twenty-sixth), "
                                  "corpus-lab27 (--set twenty-seventh), corpus-lab28 (--set twenty-eighth), "
                                  "corpus-lab29 (--set twenty-ninth), corpus-lab30 (--set thirtieth), "
                                  "corpus-lab31 (--set thirty-first), corpus-lab32 (--set thirty-second), "
                                  "corpus-lab33 (--set thirty-third), corpus-lab34 (--set thirty-fourth), "
                                  "corpus-lab35 (--set thirty-fifth), corpus-lab36 (--set thirty-sixth), "
                                  "corpus-lab-ubuntu (--set ubuntu), corpus-lab37 (--set thirty-seventh), "
                                  "corpus-lab38 (--set thirty-eighth), corpus-lab39 (--set thirty-ninth), "
                                  "corpus-lab40 (--set fortieth), corpus-lab41 (--set forty-first), "
                                  "corpus-lab42 (--set forty-second), corpus-lab43 (--set forty-third) "
                                  "or corpus-lab44 (--set forty-fourth)")
    ap.add_argument("--only", nargs="*", help="file-name substrings (e.g. 7.3 boot-glob)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--cache")
    ap.add_argument("--fixtures", help="copy the --pick files of the corpus --out to this folder (README.md)")
    ap.add_argument("--pick", nargs="*", default=[])
    ap.add_argument("--refresh", action="store_true", help="only rewrite OUT/PROVENANCE.md from OUT/provenance.json")
    a = ap.parse_args(argv)
    runs, default_out, title = SETS[a.set]
    out = Path(a.out or default_out)
    if a.refresh:
        (out / "PROVENANCE.md").write_text(markdown(load_records(out), title))
        return 0
    if a.fixtures:
        for f in write_fixtures(out, Path(a.fixtures), a.pick):
            print(f)
        return 0
    out.mkdir(parents=True, exist_ok=True)
    cache = kernels.cache_dir(a.cache)
    pj = out / "provenance.json"
    records = load_records(out)
    for s in runs:
        label = f"{s.kernel}-{s.cpus}cpu-{s.nodes}node-{s.name}"
        if a.only and not any(o in label for o in a.only):
            continue
        if a.list:
            print(label, asdict(s))
            continue
        try:
            rec = one(s, out, cache)
        except TmigrError as exc:
            rec = {"file": label, "spec": asdict(s), "failed": [{"attempt": 1, "seconds": 0, "error": str(exc)}]}
        records = [r for r in records if r["file"] != rec["file"]] + [rec]
        pj.write_text(json.dumps(records, indent=1) + "\n")
        (out / "PROVENANCE.md").write_text(markdown(records, title))
        print(f"{rec['file']}: " + (f"FAILED {rec['failed'][-1]['error']}" if "failed" in rec else
                                    f"{rec['events']} events, {rec['bytes']} B, {rec['seconds']} s"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
