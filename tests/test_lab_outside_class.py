"""The lab produces the outside class: plain ftrace text of the top-level instance, as users send it.

* no boot: the sysfs glob order (Python and busybox sh agree), CPU lists with ranges, the x86 boot
  announcement parser on real guest dmesg text (1-node SMT guests split the list), oops detection,
  the option checks that fail before a boot;
* `lab` marker: one boot-time-traced, text-only guest (7.3, 16 vCPUs, 2 nodes, SMT 2, maxcpus=3,
  glob onlining) and the text it shipped; the committed outside-class fixtures import with the
  plain importer; a kernel whose linux-base-* package is not on the mirror is fetched.
"""

from __future__ import annotations

import lzma
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tmigr_trace.errors import TmigrError

from conftest import FIXTURES, run_cli

ROOT = Path(__file__).resolve().parent.parent
LIB_SH = ROOT / "collectors" / "lab" / "lib.sh"
OUTSIDE = FIXTURES / "outside-class"
BUSYBOX = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if Path(p).exists()), None)
HAVE_TOOLS = shutil.which("qemu-system-x86_64") is not None and BUSYBOX is not None
needs_lab = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-system-x86 / busybox-static not installed (scripts/setup.sh)")
needs_busybox = pytest.mark.skipif(BUSYBOX is None, reason="busybox not installed")
LAB_KERNEL = os.environ.get("TMIGR_LAB_TEST_KERNEL", "7.3")


# --- glob order and CPU lists (no boot) -----------------------------------------------------------

def test_glob_order_is_string_order_of_the_cpu_directories():
    from tmigr_trace.collectors.lab.run import glob_order

    assert glob_order(range(16)) == [0, 1, 10, 11, 12, 13, 14, 15, 2, 3, 4, 5, 6, 7, 8, 9]
    # the outside-lab provenance (a): maxcpus=3 on 16 vCPUs, SMT 2 boots 0, 2, 4; init onlines the rest
    assert glob_order([1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]) == [1, 10, 11, 12, 13, 14, 15, 3, 5, 6, 7, 8, 9]
    assert glob_order(range(32))[:14] == [0, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 2, 20]


def _lib_sh(script: str, sysfs: Path, **env: str) -> str:
    """Run a snippet with the guest's lib.sh sourced, its sysfs pointed at a temporary tree."""
    code = f". {LIB_SH}\nSYSCPU={sysfs}\n{script}\n"
    proc = subprocess.run([BUSYBOX, "sh", "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, check=True)
    return proc.stdout


@needs_busybox
def test_glob_onlining_order_in_the_guest_matches_python(tmp_path):
    """The guest's `glob` order is busybox sh's glob of cpu[0-9]*, the same as glob_order()."""
    from tmigr_trace.collectors.lab.run import glob_order

    for c in range(32):
        (tmp_path / f"cpu{c}").mkdir()
    (tmp_path / "cpufreq").mkdir()  # not a CPU: the glob is cpu[0-9]*
    (tmp_path / "offline").write_text("1,3,5-31\n")
    out = _lib_sh("online_order", tmp_path, LAB_ONLINE_ORDER="glob").split()
    offline = [1, 3, *range(5, 32)]
    assert [int(x) for x in out] == glob_order(offline)
    assert out[:5] == ["1", "10", "11", "12", "13"] and "cpufreq" not in out


@needs_busybox
def test_cpu_list_order_with_ranges_starts_on_node_1(tmp_path):
    """`--online-order 16,1-15,17-31` (the outside class (c)): ranges expand, the order is kept
    (before, `1-15` reached cpu_set as one word and those CPUs were silently skipped)."""
    assert _lib_sh("online_order", tmp_path, LAB_ONLINE_ORDER="16,1-15,17-31").split() == \
        [str(c) for c in [16, *range(1, 16), *range(17, 32)]]
    assert _lib_sh("online_order", tmp_path, LAB_ONLINE_ORDER="16 17 1").split() == ["16", "17", "1"]


# --- the boot CPUs' announcement in dmesg (no boot) -----------------------------------------------

# Verbatim from lab/dmesg.txt of real guest boots (tmigr-trace lab run --tar ... --scenario all-idle):
# 7.3.4+deb13-amd64, 16 vCPUs, 1 node, SMT 2, all CPUs online at boot. The list of CPUs that
# announce_cpu() prints with pr_cont() is split by the APs' calibrate_delay_direct() messages: the
# siblings' pass continues on a line of bare "#N" tokens.
DMESG_73_1NODE_SMT_SPLIT = """\
[    1.047788] smp: Bringing up secondary CPUs ...
[    1.054199] smpboot: x86: Booting SMP configuration:
[    1.054277] .... node  #0, CPUs:        #2  #4  #6  #8 #10 #12 #14
[    0.027413] calibrate_delay_direct() dropping max bogoMips estimate 1 = 13843102
[    0.027413] calibrate_delay_direct() dropping min bogoMips estimate 1 = 6603428
[    0.027413] calibrate_delay_direct() dropping min bogoMips estimate 1 = 8200062
[    1.663712]   #1  #3  #5  #7  #9 #11 #13 #15
[    0.027413] calibrate_delay_direct() dropping min bogoMips estimate 4 = 6613074
[    1.762977] MDS CPU bug present and SMT on, data leak possible. See https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln/mds.html for more details.
[    0.027413] calibrate_delay_direct() dropping max bogoMips estimate 3 = 14598545
[    2.338795] smp: Brought up 1 node, 16 CPUs
[    2.339033] smpboot: Total of 16 processors activated (83886.08 BogoMIPS)
"""
# 6.12.117+deb13-amd64, 32 vCPUs, 1 node, SMT 2, all online: one unbroken line.
DMESG_612_1NODE_SMT = """\
[    0.618515] smp: Bringing up secondary CPUs ...
[    0.624336] smpboot: x86: Booting SMP configuration:
[    0.624405] .... node  #0, CPUs:        #2  #4  #6  #8 #10 #12 #14 #16 #18 #20 #22 #24 #26 #28 #30  #1  #3  #5  #7  #9 #11 #13 #15 #17 #19 #21 #23 #25 #27 #29 #31
[    0.753339] MDS CPU bug present and SMT on, data leak possible. See https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln/mds.html for more details.
[    0.822462] smp: Brought up 1 node, 32 CPUs
"""
# 7.3.4+deb13-amd64, 16 vCPUs, 1 node, SMT 2, maxcpus=5 (the rest onlined later by the init).
DMESG_73_1NODE_MAXCPUS = """\
[    0.542279] smp: Bringing up secondary CPUs ...
[    0.547943] smpboot: x86: Booting SMP configuration:
[    0.547999] .... node  #0, CPUs:        #2  #4  #6  #8
[    0.885401] smp: Brought up 1 node, 5 CPUs
[    0.885401] smpboot: Total of 5 processors activated (26115.21 BogoMIPS)
[    4.202774] smpboot: Booting Node 0 Processor 1 APIC 0x1
[    4.338062] smpboot: Booting Node 0 Processor 3 APIC 0x3
"""


def test_boot_announcement_split_by_other_messages_on_a_1node_smt_guest():
    from tmigr_trace.collectors.lab.run import boot_announced, bringup

    assert boot_announced(DMESG_73_1NODE_SMT_SPLIT) == [2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15]
    files = {"lab/dmesg.txt": DMESG_73_1NODE_SMT_SPLIT.encode(), "lab/boot_online": b"0-15\n", "lab/onlined": b""}
    b = bringup(files)
    assert b is not None and b["order"] == [0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15] and b["late"] == []


def test_boot_announcement_one_line_and_late_cpus():
    from tmigr_trace.collectors.lab.run import boot_announced, bringup

    assert boot_announced(DMESG_612_1NODE_SMT) == [*range(2, 32, 2), *range(1, 32, 2)]
    files = {"lab/dmesg.txt": DMESG_73_1NODE_MAXCPUS.encode(), "lab/boot_online": b"0,2,4,6,8\n",
             "lab/onlined": b"1 4.34\n3 4.46\n"}
    b = bringup(files)
    assert b["boot"] == [0, 2, 4, 6, 8] and b["late"] == [1, 3]


def test_boot_announcement_of_committed_multi_node_fixtures():
    """2- and 4-node guests: one `.... node #N` line per change of node (real fixture tarballs)."""
    import gzip

    from tmigr_trace.collectors.lab.run import _read_tar, bringup

    f = _read_tar(gzip.decompress((FIXTURES / "lab" / "lab-7.3.4+deb13-64cpu-4node-smt2-late-nodes.tar.gz").read_bytes()))
    b = bringup(f)
    assert b["boot"] == [0, 2, 4, 6] and len(b["order"]) == 64 and b["late"][:5] == [16, 32, 48, 17, 33]
    f = _read_tar(gzip.decompress((FIXTURES / "lab" / "lab-6.12.43+deb12-32cpu-2node-smt2-late-nodes.tar.gz").read_bytes()))
    assert bringup(f)["boot"] == [0, 2]


# Verbatim from the console of a real 7.3.4+deb13-amd64 guest under multi-threaded TCG (16 vCPUs,
# 2 nodes, SMT 2, --boot-trace --maxcpus 3): an int3 at a just-patched static-branch site, 2.3 s
# into the boot (lines of the register dump and call trace left out).
CONSOLE_73_MTTCG_OOPS = """\
[    2.323914] Oops: int3: 0000 [#1] SMP PTI
[    2.326787] CPU: 2 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.3.4+deb13-amd64 #1 PREEMPT(lazy)  Debian 7.3.4-1~bpo13+1 
[    2.327453] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[    2.327882] RIP: 0010:sched_clock_cpu+0x9/0x1f0
[    2.332007] Call Trace:
[    2.344429] Kernel panic - not syncing: Fatal exception in interrupt
"""


def test_oops_lines_are_found():
    """A real oops console (above), then hand-written console lines (parser edge cases, in the
    shape of x86 die()/BUG output)."""
    from tmigr_trace.collectors.lab.run import find_oops

    assert find_oops(CONSOLE_73_MTTCG_OOPS) == "Oops: int3: 0000 [#1] SMP PTI"
    assert find_oops("[    2.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n").startswith("BUG: kernel NULL")
    assert find_oops("LAB-OOPS: Oops: general protection fault, probably for non-canonical address\n").startswith("Oops: general")
    assert find_oops("[    1.0] watchdog: BUG: soft lockup - CPU#3 stuck for 22s!\nLAB-DONE: uptime=3\n") is None
    assert find_oops("LAB-BOOTED: 7.3.4 online=0-15\n") is None


# --- option checks before any boot ----------------------------------------------------------------

@pytest.mark.parametrize("args, msg", [
    (["--boot-trace", "-o", "x.parquet"], "--text-out"),
    (["--text-out", "x.trace.txt.xz", "--tar", "x.tar"], "exclude"),
    (["--tcg-threads", "many", "--text-out", "x.trace.txt.xz"], "single or multi"),
    (["--hash-ptr", "-o", "x.parquet"], "text-only"),
    (["--online-order", "random", "-o", "x.parquet"], "--online-order"),
    (["--online-order", "16,1-15,17-31", "--cpus", "16", "-o", "x.parquet"], "does not exist"),
])
def test_bad_text_mode_options_are_one_line_errors(tmp_path, args, msg):
    r = run_cli("lab", "run", "--cache", str(tmp_path / "cache"), *[str(tmp_path / a) if a.startswith("x.") else a for a in args])
    assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("x.*"))


def test_tcg_threads_accel_arguments():
    from tmigr_trace.collectors.lab import qemu

    assert qemu.tcg_accel("multi")[:2] == ["-accel", "tcg,thread=multi"]
    assert qemu.tcg_accel() == qemu.TCG_ACCEL
    with pytest.raises(TmigrError):
        qemu.tcg_accel("many")


# --- committed outside-class fixtures (no boot) ---------------------------------------------------

OUTSIDE_FILES = sorted(OUTSIDE.glob("*.trace.txt.xz"))


def test_outside_class_fixtures_are_documented():
    readme = (OUTSIDE / "README.md").read_text()
    assert OUTSIDE_FILES
    for p in OUTSIDE_FILES:
        assert p.name in readme and p.stat().st_size < 60 * 1024


@pytest.mark.parametrize("path", OUTSIDE_FILES, ids=lambda p: p.name)
def test_outside_class_fixture_imports_as_plain_text(path, tmp_path):
    import tmigr_trace

    text = lzma.decompress(path.read_bytes()).decode()
    assert text.startswith("# tracer: nop\n")
    m = re.search(r"entries-in-buffer/entries-written: (\d+)/(\d+)", text)
    assert m and m.group(1) == m.group(2)  # nothing overwritten
    out = tmp_path / "t.parquet"
    r = run_cli("import", path, "-o", out)
    assert r.returncode == 0, r.stderr
    t = tmigr_trace.load(out)
    assert len(t.df) == int(m.group(1))
    # per event, the same counts as an independent grep of the text
    from collections import Counter

    want = Counter(re.findall(r"^\s*\S.*?\[\d{3}\] \S+\s+[\d.]+: (tmigr_\w+):", text, re.M))
    assert t.df["event"].astype(str).value_counts().to_dict() == dict(want)
    assert t.meta.kernel_release is None and not t.meta.topology.get("bringup_order")
    assert not t.meta.topology.get("nodes")
    ptrval = "(____ptrval____)" in text
    assert (t.meta.pointer_mode == "unavailable") == ptrval


# --- one real guest (lab) ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def boot_traced_text(tmp_path_factory):
    from tmigr_trace.collectors.lab import qemu, run

    d = tmp_path_factory.mktemp("outside")
    txt = d / "k.trace.txt.xz"
    topo = qemu.Topology(cpus=16, nodes=2, smt=2, maxcpus=3)
    r, _, _, _ = run.lab_run(LAB_KERNEL, None, topo, "hotplug-one", 1.0, None, buffer_kb=1024,
                             env={"LAB_ONLINE_ORDER": "glob"}, text_out=str(txt), boot_trace=True)
    return r, txt


@pytest.mark.lab
@needs_lab
def test_boot_traced_text_only_guest(boot_traced_text, tmp_path):
    from tmigr_trace.collectors.lab.run import glob_order

    r, txt = boot_traced_text
    cmdline = r.argv[r.argv.index("-append") + 1]
    assert "trace_event=timer_migration:*" in cmdline and "trace_buf_size=1024K" in cmdline and "maxcpus=3" in cmdline
    text = lzma.decompress(txt.read_bytes()).decode()
    # only the trace file: the ftrace header, then event lines
    assert text.startswith("# tracer: nop\n#\n# entries-in-buffer/entries-written: ")
    m = re.search(r"entries-written: (\d+)/(\d+)\s+#P:16", text)
    assert m and m.group(1) == m.group(2)
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert body and all(": tmigr_" in ln for ln in body)
    # setup events from early boot: the boot CPU's group and connect come first, in the first seconds
    first = body[0]
    assert "tmigr_group_set:" in first and "lvl=0" in first
    ts0 = float(re.search(r"\s(\d+\.\d+):", first).group(1))
    assert ts0 < 3.0
    cpus = [int(x) for x in re.findall(r"tmigr_connect_cpu_parent: cpu=(\d+) ", text)]
    boot, late = cpus[:3], cpus[3:]
    assert boot == [0, 2, 4]  # maxcpus=3: x86 kicks the primary threads first
    assert late == glob_order(set(range(16)) - {0, 2, 4})  # 1, 10, 11, ..., 15, 3, 5, ...
    after = text.split("tmigr_connect_cpu_parent: cpu=9 ")[1]  # hotplug-one: cpu5 off, then on again
    off = re.search(r"tmigr_cpu_(?:unavailable|offline): cpu=5 ", after)
    assert off and re.search(r"tmigr_cpu_(?:available|online): cpu=5 ", after[off.end():])
    assert re.search(r"parent=ffff[0-9a-f]{12}", text)  # hash-ptr 0: raw pointers

    # the plain import: no --kernel, no metadata topology, and it loads
    import tmigr_trace

    out = tmp_path / "k.parquet"
    res = run_cli("import", txt, "-o", out)
    assert res.returncode == 0, res.stderr
    t = tmigr_trace.load(out)
    assert t.meta.kernel_release is None and t.meta.origin != "lab"
    assert not t.meta.topology.get("bringup_order") and not t.meta.topology.get("nodes")
    assert "lab" not in t.meta.extra
    assert len(t.df) == int(m.group(1))


@pytest.mark.lab
@needs_lab
def test_kernel_without_linux_base_package_is_fetched():
    """6.19.x: the mirror has linux-image (metapackage) and linux-binary (vmlinuz), not linux-base."""
    import json

    from tmigr_trace.collectors.lab import kernels

    img = kernels.fetch("6.19", kernels.cache_dir())
    info = json.loads((img.vmlinuz.parent / "kernel.json").read_text())
    assert img.vmlinuz.stat().st_size > 5_000_000 and img.release.startswith("6.19.")
    assert any(p.startswith("linux-binary-") for p in info["packages"])
    assert any(p.startswith("linux-base-") for p in info["missing"])


@pytest.mark.lab
@needs_lab
def test_bringup_order_recorded_on_a_1node_smt_guest(tmp_path):
    """1 node, SMT 2, all CPUs online at boot: the order is recorded in the metadata (the sibling
    pass of the x86 announcement often continues on a bare `#N` line on such guests)."""
    import tmigr_trace
    from tmigr_trace.collectors.lab import qemu, run

    topo = qemu.Topology(cpus=16, nodes=1, smt=2)
    out = tmp_path / "n1.parquet"
    r, _, _, meta = run.lab_run(LAB_KERNEL, None, topo, "all-idle", 0.5, str(out), buffer_kb=512)
    want = [*range(0, 16, 2), *range(1, 16, 2)]
    assert meta.topology["bringup_order"] == want
    assert tmigr_trace.load(out).meta.topology["bringup_order"] == want
