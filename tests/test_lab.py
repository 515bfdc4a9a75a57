"""The kernel lab: a real Debian kernel under QEMU (16 vCPUs, 2 NUMA nodes, SMT 2, maxcpus=2 then
the rest onlined while tracing), imported and replayed; failures inside the guest; the committed
lab fixtures.

The boot tests need qemu-system-x86 + busybox-static (scripts/setup.sh installs them) and network
to deb.debian.org the first time (the kernel .deb is cached under the lab cache directory,
$TMIGR_LAB_CACHE or ~/.cache/tmigr-trace/lab). They are marked `lab`.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tmigr_trace.errors import TmigrError

from conftest import FIXTURES

LAB_KERNEL = os.environ.get("TMIGR_LAB_TEST_KERNEL", "7.3")
HAVE_TOOLS = shutil.which("qemu-system-x86_64") is not None and (
    Path("/bin/busybox").exists() or Path("/usr/bin/busybox").exists())
needs_lab = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-system-x86 / busybox-static not installed (scripts/setup.sh)")
KERNEL_PTR_MIN = 0xFFFF800000000000
SETUP = ("tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent")


def _tar_members(path: Path) -> dict[str, bytes]:
    from tmigr_trace.collectors.lab.run import _read_tar

    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return _read_tar(data)


# --- no boot -------------------------------------------------------------------------------------

def test_topology_qemu_args_and_checks():
    from tmigr_trace.collectors.lab.qemu import Topology

    t = Topology(cpus=16, nodes=2, smt=2, maxcpus=2)
    t.check()
    args = " ".join(t.qemu_args(1024))
    assert "-smp 16,sockets=2,cores=4,threads=2" in args
    assert "cpus=0-7" in args and "cpus=8-15" in args
    assert t.cmdline() == ["maxcpus=2"]
    with pytest.raises(TmigrError, match="multiple"):
        Topology(cpus=10, nodes=4, smt=2).check()
    with pytest.raises(TmigrError, match="maxcpus"):
        Topology(cpus=8, nodes=1, smt=1, maxcpus=9).check()


@needs_lab
def test_initramfs_is_a_valid_newc_archive(tmp_path):
    import subprocess

    from tmigr_trace.collectors.lab import initramfs

    p = initramfs.build(tmp_path / "i.gz", {"LAB_SCENARIO": "all-idle", "LAB_DURATION": 1})
    if not shutil.which("cpio"):
        pytest.skip("cpio not installed")
    names = subprocess.run(["cpio", "-t"], input=gzip.decompress(p.read_bytes()), capture_output=True,
                           check=True).stdout.decode().split()
    for n in ("init", "bin/busybox", "bin/sh", "lab/config", "lab/lib.sh", "lab/scenarios/idle-churn.sh"):
        assert n in names
    assert set(initramfs.scenarios()) >= {"idle-churn", "all-idle", "staggered-online", "migrator-hotplug",
                                          "isolated", "steady"}


def test_scenarios_are_valid_sh():
    import subprocess

    from tmigr_trace.collectors.lab import initramfs

    sh = shutil.which("busybox") or shutil.which("sh")
    for p in [*initramfs.SCENARIO_DIR.glob("*.sh"), initramfs.HERE / "init.sh", initramfs.HERE / "lib.sh",
              initramfs.HERE / "capture-min.sh"]:
        argv = [sh, "sh", "-n", str(p)] if sh.endswith("busybox") else [sh, "-n", str(p)]
        r = subprocess.run(argv, capture_output=True, text=True)
        assert r.returncode == 0, f"{p.name}: {r.stderr}"


def test_kernel_spec_resolution():
    from tmigr_trace.collectors.lab.kernels import KernelEntry, resolve

    es = [KernelEntry("6.12.43+deb12-amd64", "linux-image-6.12.43+deb12-amd64", "6.12.43-1~bpo12+1", "bookworm-backports"),
          KernelEntry("6.12.107+deb13-amd64", "linux-image-6.12.107+deb13-amd64", "6.12.107-1", "trixie"),
          KernelEntry("7.3-amd64", "linux-image-7.3-amd64", "7.3~rc7-1~exp1", "experimental"),
          KernelEntry("7.3.4+deb13-amd64", "linux-image-7.3.4+deb13-amd64", "7.3.4-1~bpo13+1", "trixie-backports")]
    assert resolve("6.12", es).release == "6.12.107+deb13-amd64"
    assert resolve("6.12.43", es).release == "6.12.43+deb12-amd64"
    assert resolve("7.3", es).release == "7.3.4+deb13-amd64"
    assert resolve("7.3-amd64", es).release == "7.3-amd64"
    with pytest.raises(TmigrError, match="no such Debian"):
        resolve("6.1", es)


# --- committed fixtures ---------------------------------------------------------------------------

LAB_FIXTURES = sorted((FIXTURES / "lab").glob("lab-*.tar.gz"))


@pytest.mark.parametrize("path", LAB_FIXTURES, ids=[p.name for p in LAB_FIXTURES])
def test_lab_fixture_layout(path):
    files = _tar_members(path)
    assert any(re.fullmatch(r"(per_cpu/cpu\d+/raw|raw/cpu\d+)", n) for n in files), "no raw buffers"
    assert any(n.endswith("tmigr_cpu_idle/format") for n in files)
    assert path.stat().st_size < 600 * 1024
    manifest = files["manifest"].decode()
    assert re.search(r"^hash_ptr=0", manifest, re.M)
    if "trace.txt" not in files:
        # The big captures leave the text out (--no-text): the binary pages hold raw pointers
        # by construction, their setup events are checked by tests/test_lab_fixtures_replay.py.
        assert re.search(r"^text=0", manifest, re.M) or "text=" not in manifest
        assert "lab/dmesg.txt" in files and "lab/onlined" in files
        return
    text = files["trace.txt"].decode()
    assert re.search(r"parent=ffff[0-9a-f]{12}", text), "pointers are not raw (hash-ptr 0)"
    assert "(____ptrval____)" not in text
    if "-late" in path.name:
        for ev in SETUP:
            assert f": {ev}:" in text, f"{ev} missing from a late-onlining capture"


# --- boots --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab_capture(tmp_path_factory):
    """One boot for the module: 16 vCPUs, 2 nodes, SMT 2, maxcpus=2 (the other CPUs are onlined
    while tracing), idle-churn 2 s. Returns (parquet, tarball)."""
    if not HAVE_TOOLS:
        pytest.skip("qemu-system-x86 / busybox-static not installed (scripts/setup.sh)")
    from tmigr_trace.collectors.lab import qemu, run

    d = tmp_path_factory.mktemp("lab")
    out, tar = d / "lab.parquet", d / "lab.tar.gz"
    topo = qemu.Topology(cpus=16, nodes=2, smt=2, maxcpus=2)
    phases: list[str] = []
    _, path, rows, _ = run.lab_run(LAB_KERNEL, None, topo, "idle-churn", 2.0, str(out), str(tar), buffer_kb=1024,
                                   phase=phases.append)
    assert path == out and rows > 100
    # The phases the CLI shows on a terminal, each once, in the order the guest reached them.
    assert phases == ["fetch", "boot", "online", "capture", "shutdown", "import"], phases
    return out, tar


@pytest.mark.lab
def test_lab_capture_has_setup_events_raw_pointers_topology(lab_capture):
    from tmigr_trace.store import open_parquet

    out, tar = lab_capture
    pf, meta = open_parquet(out)
    assert meta.origin == "lab"
    lab = meta.extra["lab"]
    assert lab["kernel"]["package"].startswith("linux-image-") and lab["kernel"]["version"]
    assert "qemu-system-x86_64" in lab["qemu_command"] and "maxcpus=2" in lab["qemu_command"]
    assert lab["emulated_topology"]["nodes"] == 2 and lab["emulated_topology"]["smt"] == 2
    from tmigr_trace.cpulist import parse_cpulist

    def cpus(v):
        return parse_cpulist(v) if isinstance(v, str) else sorted(int(c) for c in v)

    assert {str(k): cpus(v) for k, v in meta.topology["nodes"].items()} == {"0": list(range(8)), "1": list(range(8, 16))}
    assert meta.topology["emulated"]["smt"] == 2 and cpus(meta.topology["possible"]) == list(range(16))
    assert meta.pointer_mode == "raw"
    t = pf.read(columns=["event", "target_cpu", "group", "parent", "lvl", "numa_node"]).to_pandas()
    ev = t["event"].astype(str)
    # Setup of every late CPU: connect_cpu_parent for all 14 of them, node 1's group and the new root.
    late = set(t[ev == "tmigr_connect_cpu_parent"]["target_cpu"].astype(int))
    assert late == set(range(16)) - {0, 2}
    gs = t[ev == "tmigr_group_set"]
    assert {(int(r.lvl), int(r.numa_node)) for r in gs.itertuples()} >= {(0, 1), (1, -1)}
    assert (ev == "tmigr_connect_child_parent").sum() >= 2
    ptrs = t["parent"].dropna()
    assert len(ptrs) and (ptrs[ptrs != 0].astype("uint64") >= KERNEL_PTR_MIN).all()
    files = _tar_members(tar)
    assert "trace.txt" in files and any(n.endswith("/raw") for n in files)


@pytest.mark.lab
def test_lab_capture_replays_without_divergence(lab_capture):
    try:
        from tmigr_trace import replay as replay_fn
    except ImportError:
        replay_fn = None
    if not callable(replay_fn):
        pytest.skip("tmigr_trace.replay not available yet")
    res = replay_fn(str(lab_capture[0]))
    assert res.checked > 0
    if res.diverged:  # keep the real capture that diverged: it is the regression fixture to add
        keep = Path(os.environ.get("TMIGR_KEEP_DIR", "/tmp/tmigr-lab-divergences"))
        keep.mkdir(parents=True, exist_ok=True)
        kept = keep / f"lab-{time.strftime('%Y%m%dT%H%M%S')}.tar.gz"
        shutil.copy(lab_capture[1], kept)
        pytest.fail(f"{res.diverged} divergences (capture kept in {kept}): "
                    f"{[d.to_dict() for d in res.divergences[:3]]}")


@pytest.mark.lab
@needs_lab
def test_lab_guest_panic_is_one_clear_error_and_no_output(tmp_path):
    """A kernel panic in the guest (no init found) is one TmigrError line with the console tail."""
    from tmigr_trace.collectors.lab import kernels, qemu, run

    cache = kernels.cache_dir()
    img = kernels.fetch(LAB_KERNEL, cache)
    topo = qemu.Topology(cpus=2, nodes=1, smt=1)
    with pytest.raises(TmigrError) as ei:
        run.run_guest(img, topo, "all-idle", 1, cache, buffer_kb=256, accel="tcg", timeout=120,
                      extra_cmdline=["rdinit=/nonexistent", "root=/dev/nonexistent"])
    msg = str(ei.value)
    assert "\n" not in msg and "panic" in msg and "console tail" in msg


@pytest.mark.lab
@needs_lab
def test_lab_bad_kernel_image_and_timeout_leave_no_output(tmp_path):
    from tmigr_trace.collectors.lab import qemu, run

    junk = tmp_path / "vmlinuz"
    junk.write_bytes(b"not a kernel" * 100)
    out = tmp_path / "o.parquet"
    with pytest.raises(TmigrError) as ei:
        run.lab_run(None, str(junk), qemu.Topology(cpus=2, nodes=1, smt=1), "all-idle", 1, str(out),
                    accel="tcg", timeout=60)
    assert "\n" not in str(ei.value)
    assert not out.exists() and not list(tmp_path.glob(".o.parquet*"))
