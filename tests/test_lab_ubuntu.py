"""Ubuntu generic kernels in the lab (collectors/lab/kernels.py): --kernel spec parsing, resolution
against a real excerpt of Ubuntu's Packages lists (fixtures/ubuntu-packages/, see its README.md),
dpkg version ordering, names and provenance of Ubuntu releases, and the `--set ubuntu` corpus set.
No network and no QEMU: the apt test reads the fixture through a private apt state in tmp_path."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tmigr_trace.collectors.lab import kernels
from tmigr_trace.collectors.lab import outside_corpus as oc
from tmigr_trace.collectors.lab import run
from tmigr_trace.errors import TmigrError

from conftest import FIXTURES

PACKAGES = FIXTURES / "ubuntu-packages"


def fixture_entries() -> list[kernels.KernelEntry]:
    """The fixture's kernels as `UbuntuApt.kernels()` returns them (sorted by `ubuntu_order`)."""
    out = []
    for f in sorted(PACKAGES.glob("*.Packages")):
        suite = f.name.removesuffix(".Packages")
        for stanza in f.read_text().split("\n\n"):
            fields = dict(ln.split(": ", 1) for ln in stanza.splitlines() if ": " in ln)
            if "Package" in fields:
                pkg = fields["Package"]
                out.append(kernels.KernelEntry(pkg.removeprefix("linux-image-unsigned-"), pkg, fields["Version"],
                                               suite, distro="ubuntu"))
    return sorted(out, key=kernels.ubuntu_order)


# --- spec parsing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, part", [
    ("ubuntu:7.0", "7.0"), ("ubuntu:7.0.0-44", "7.0.0-44"), ("ubuntu:7.0.0-44-generic", "7.0.0-44-generic"),
    ("7.0.0-44-generic", "7.0.0-44-generic"), ("linux-image-unsigned-6.17.0-41-generic", "6.17.0-41-generic"),
    ("Ubuntu:6.17", "6.17"), ("7.3", None), ("6.12.43", None), ("7.3.4+deb13-amd64", None), ("7.3-amd64", None),
])
def test_ubuntu_spec(spec, part):
    assert kernels.ubuntu_spec(spec) == part


def test_empty_ubuntu_spec_is_one_clear_error():
    with pytest.raises(TmigrError, match=r"give a series \(ubuntu:7.0\)"):
        kernels.ubuntu_spec("ubuntu:")


# --- resolution (the real Packages excerpt) -------------------------------------------------------

def test_series_picks_the_highest_abi_number_native_build_first():
    es = fixture_entries()
    e = kernels.resolve("ubuntu:7.0", es)
    # noble-updates carries 7.0.0-44.44~24.04.1 (HWE) too: the native build sorts last, as dpkg orders them
    assert (e.release, e.version, e.suite, e.distro) == ("7.0.0-44-generic", "7.0.0-44.44", "resolute-updates", "ubuntu")
    assert e.package == "linux-image-unsigned-7.0.0-44-generic"
    assert kernels.resolve("ubuntu:7.0.0", es).release == "7.0.0-44-generic"
    assert kernels.resolve("ubuntu:6.17", es).release == "6.17.0-42-generic"
    assert kernels.resolve("ubuntu:6.14", es).suite == "plucky-updates"      # 6.14.0-37.37 over ~24.04.1
    assert kernels.resolve("ubuntu:6.11", es).release == "6.11.0-29-generic"


@pytest.mark.parametrize("spec", ["ubuntu:7.0.0-28", "ubuntu:7.0.0-28-generic", "7.0.0-28-generic",
                                  "linux-image-unsigned-7.0.0-28-generic"])
def test_exact_release(spec):
    e = kernels.resolve(spec, fixture_entries())
    assert (e.release, e.version, e.suite) == ("7.0.0-28-generic", "7.0.0-28.28", "resolute-updates")


def test_a_release_only_in_one_suite():
    es = fixture_entries()
    assert (kernels.resolve("ubuntu:6.17.0-5", es).suite, kernels.resolve("ubuntu:6.17.0-22", es).suite) == (
        "questing", "noble-updates")
    assert kernels.resolve("ubuntu:7.0.0-14", es).version == "7.0.0-14.14"   # resolute, over ~24.04.3


def test_unknown_ubuntu_kernels_are_one_line_errors():
    es = fixture_entries()
    with pytest.raises(TmigrError, match=r"no such Ubuntu generic kernel .* \(7\.0 has 7\.0\.0-14, .*7\.0\.0-44\)$"):
        kernels.resolve("ubuntu:7.0.0-45", es)
    with pytest.raises(TmigrError, match=r"series available: 6\.8, 6\.11, 6\.14, 6\.17, 7\.0\)$"):
        kernels.resolve("ubuntu:6.15", es)
    with pytest.raises(TmigrError, match="give a series like ubuntu:7.0"):
        kernels.resolve("ubuntu:7.0-44", es)
    for spec in ("ubuntu:7.0.0-45", "ubuntu:6.15", "ubuntu:x"):
        with pytest.raises(TmigrError) as exc:
            kernels.resolve(spec, es)
        assert "\n" not in str(exc.value)


def test_debian_specs_ignore_ubuntu_entries():
    deb = kernels.KernelEntry("7.0.13+deb13-amd64", "linux-image-7.0.13+deb13-amd64", "7.0.13-1~bpo13+1",
                              "trixie-backports")
    es = [deb, *fixture_entries()]
    assert kernels.resolve("7.0", es) is deb
    assert kernels.resolve("ubuntu:7.0", es).release == "7.0.0-44-generic"
    with pytest.raises(TmigrError, match="no such Debian"):
        kernels.resolve("6.17", es)          # Ubuntu's 6.17.0-N are not Debian 6.17.x


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="apt-cache not installed")
def test_ubuntu_apt_lists_the_fixture(tmp_path):
    apt = kernels.UbuntuApt(tmp_path)
    text = apt.sources.read_text()
    assert text.splitlines()[0] == (f"deb [arch=amd64 signed-by={tmp_path}/keyrings/ubuntu-archive-keyring.gpg] "
                                    "http://archive.ubuntu.com/ubuntu noble-updates main")
    assert [ln.split()[-2] for ln in text.splitlines()] == list(kernels.UBUNTU_SUITES)
    for f in PACKAGES.glob("*.Packages"):   # as apt-get update names them; no network (the lists are present)
        suite = f.name.removesuffix(".Packages")
        shutil.copyfile(f, apt.state / "lists" / f"archive.ubuntu.com_ubuntu_dists_{suite}_main_binary-amd64_Packages")
    es = apt.kernels()
    assert [(e.release, e.version, e.suite) for e in es] == [
        (e.release, e.version, e.suite) for e in fixture_entries()]
    assert all(e.distro == "ubuntu" for e in es)
    assert kernels.resolve("ubuntu:7.0", es).suite == "resolute-updates"
    assert not (tmp_path / "apt").exists()    # the Debian configuration is not touched


def test_dpkg_version_order():
    vs = ["7.0.0-44.44", "7.0.0-44.44~24.04.1", "1.0~rc1-1", "1.0-1", "1.0a-1", "1.0+b1-1", "1.0.1-1",
          "1.0-1~bpo12+1", "1:0.1-1", "1.0", "1.0~", "7.3~rc7-1~exp1", "7.3.4-1~bpo13+1", "7.3.4-1"]
    want = ["1.0~", "1.0~rc1-1", "1.0", "1.0-1~bpo12+1", "1.0-1", "1.0a-1", "1.0+b1-1", "1.0.1-1",
            "7.0.0-44.44~24.04.1", "7.0.0-44.44", "7.3~rc7-1~exp1", "7.3.4-1~bpo13+1", "7.3.4-1", "1:0.1-1"]
    assert sorted(vs, key=kernels.debian_version_key) == want
    if shutil.which("dpkg"):
        for a, b in zip(want, want[1:]):
            assert subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0, (a, b)


# --- cached kernels, names, versions ------------------------------------------------------------

def _cache_ubuntu(cache: Path, release: str, version: str, suite: str, hz: int = 1000) -> Path:
    d = cache / "kernels" / release
    d.mkdir(parents=True)
    (d / "vmlinuz").write_bytes(b"not a kernel")
    (d / "config").write_text(f"CONFIG_HZ_{hz}=y\nCONFIG_HZ={hz}\n")
    (d / "kernel.json").write_text(json.dumps({
        "release": release, "distro": "ubuntu", "package": f"linux-image-unsigned-{release}", "version": version,
        "suite": suite, "packages": [f"linux-image-unsigned-{release}={version}"], "missing": []}))
    return d


@pytest.mark.parametrize("spec", ["ubuntu:7.0.0-44", "ubuntu:7.0.0-44-generic", "7.0.0-44-generic"])
def test_a_cached_exact_release_needs_no_network(tmp_path, spec):
    _cache_ubuntu(tmp_path, "7.0.0-44-generic", "7.0.0-44.44", "resolute-updates")
    img = kernels.fetch(spec, tmp_path)
    assert (img.release, img.source, img.suite, img.version) == ("7.0.0-44-generic", "ubuntu", "resolute-updates",
                                                                 "7.0.0-44.44")
    assert kernels.config_hz(img) == 1000
    assert img.provenance()["source"] == "ubuntu" and img.provenance()["vmlinuz"].endswith("/vmlinuz")
    assert not (tmp_path / "apt-ubuntu").exists()


def test_ubuntu_release_names_versions_and_tracepoints():
    img = kernels.KernelImage("7.0.0-44-generic", Path("/x/vmlinuz"), None, source="ubuntu")
    assert (img.upstream, img.label) == ("7.0.0", "7.0.0-44-generic")
    # a bzImage given with --kernel-image keeps Ubuntu's name too
    assert kernels.KernelImage("6.17.0-41-generic", Path("/x"), None, source="file").label == "6.17.0-41-generic"
    assert kernels.KernelImage("7.3.4+deb13-amd64", Path("/x"), None).label == "7.3.4"
    assert kernels.version_tuple("7.0.0-44-generic") == (7, 0, 0)
    assert "tmigr_cpu_available" in kernels.predicted_tracepoints("7.0.0-44-generic")
    assert "tmigr_cpu_online" in kernels.predicted_tracepoints("6.17.0-41-generic")
    assert kernels.predicted_tracepoints("6.8.0-155-generic") == []
    e = kernels.KernelEntry("7.0.0-44-generic", "linux-image-unsigned-7.0.0-44-generic", "7.0.0-44.44",
                            "resolute-updates", distro="ubuntu")
    assert (e.upstream, e.point) == ("7.0.0", "7.0.0-44")
    from tmigr_trace.replay.model.profiles import parse_release, select_profile

    assert parse_release("7.0.0-44-generic") == (7, 0, 0)
    assert select_profile(kernel_release="6.17.0-41-generic").name == "6.14"


def test_lab_kernels_series_filter():
    from tmigr_trace.cli.cmd_lab import in_series

    e = kernels.KernelEntry("7.0.0-44-generic", "p", "v", "s", distro="ubuntu")
    assert in_series(e.point, "7.0") and in_series(e.point, "7.0.0-44")
    assert not in_series(e.point, "7.0.0-4") and not in_series(e.point, "7.1")


def test_old_ubuntu_kernels_are_refused_before_fetching():
    from tmigr_trace.cli.cmd_lab import check_tmigr_kernel

    with pytest.raises(TmigrError, match=r"--kernel ubuntu:6\.8: no tmigr tracepoints before 6\.9.*ubuntu:6\.11"):
        check_tmigr_kernel("ubuntu:6.8")
    with pytest.raises(TmigrError, match=r"--kernel 6\.8\.0-155-generic: no tmigr"):
        check_tmigr_kernel("6.8.0-155-generic")
    check_tmigr_kernel("ubuntu:6.11")
    check_tmigr_kernel("7.0.0-44-generic")


# --- the corpus set -------------------------------------------------------------------------------

def test_the_ubuntu_set():
    runs, out, title = oc.SETS["ubuntu"]
    assert runs is oc.UBUNTU_RUNS and out == "corpus-lab-ubuntu" and "Ubuntu" in title
    assert len(runs) == 12
    es = fixture_entries()
    series: dict[str, set[str]] = {}
    for s in runs:
        assert s.threads == "multi" and s.duration == 3 and 9 <= s.cpus <= 32
        topo = oc.topology(s)
        topo.check()
        run.check_online_order(s.order, topo)
        e = kernels.resolve(s.kernel, es)      # every run names a kernel the archive carries
        series.setdefault(".".join(e.upstream.split(".")[:2]), set()).add(e.release)
    assert set(series) == {"6.11", "6.14", "6.17", "7.0"}
    assert len(series["6.17"]) >= 2 and len(series["7.0"]) >= 2
    assert {s.nodes for s in runs} >= {2, 3, 4} and any(s.node_cpus for s in runs)
    assert any(s.nohz_full and not s.boot_trace for s in runs)
    assert any(s.isolcpus and s.isolcpus.startswith("domain,") and not s.boot_trace for s in runs)
    assert any(s.boot_trace and s.maxcpus == 3 and s.order == "glob" and s.scenario == "hotplug-one" for s in runs)


def test_ubuntu_corpus_file_names(tmp_path, capsys):
    img = kernels.KernelImage("7.0.0-44-generic", Path("/x"), None, source="ubuntu")
    s = oc.UBUNTU_RUNS[0]
    assert f"{img.label}-{s.cpus}cpu-{s.nodes}node-{s.name}.trace.txt.xz" == \
        "7.0.0-44-generic-16cpu-2node-boot-glob-hotplug5-multi.trace.txt.xz"
    assert oc.main(["--set", "ubuntu", "--list", "--out", str(tmp_path / "c"), "--only", "ubuntu:7.0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(re.match(r"ubuntu:7\.0\.0-\d+-\d+cpu-\dnode-", ln) for ln in lines)


def test_provenance_table_names_the_ubuntu_packages():
    rec = {"file": "7.0.0-44-generic-16cpu-2node-x.trace.txt.xz", "spec": {}, "kernel": "7.0.0-44-generic",
           "package": "7.0.0-44.44", "distro": "ubuntu", "suite": "resolute-updates", "qemu": "-accel tcg",
           "cmdline": "console=ttyS0 panic=-1 loglevel=4 maxcpus=3", "init": "x", "entries": "a: 1/1",
           "setup_events": 3, "bytes": 2048, "seconds": 30.0}
    md = oc.markdown([rec], "# t")
    assert "Ubuntu generic kernel packages" in md and "CONFIG_HZ=1000" in md
    assert "| 7.0.0-44-generic (7.0.0-44.44, resolute-updates) |" in md
    assert "Debian kernel packages" in oc.markdown([{**rec, "distro": None, "suite": None}], "# t")
