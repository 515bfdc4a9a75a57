"""Debian and Ubuntu kernels for the lab: private apt configurations, listing, download and extraction.

The system's apt sources are never touched. Everything lives under the lab cache directory
(``$TMIGR_LAB_CACHE``, default ``~/.cache/tmigr-trace/lab``)::

    apt/etc/sources.list      the suites we look at (bookworm-backports, trixie, trixie-backports,
                              sid, experimental), signed by the system's debian-archive-keyring
    apt/state, apt/cache      apt's lists, status file and archives (private)
    debs/                     downloaded .debs (``apt-get download``)
    kernels/<release>/        ``vmlinuz``, ``config``, ``kernel.json`` (package, version, suite) and,
                              once a lab run booted it, ``formats/`` (measured tracepoint formats)

Debian packages a kernel either as one ``linux-image-<release>`` (6.12.y: vmlinuz in /boot) or,
from 6.19 on, as a ``linux-image-<release>`` metapackage over ``linux-binary-<release>``
(``/boot`` or ``/usr/lib/modules/<release>/vmlinuz``) and ``linux-base-<release>`` (config). Both
are handled; the lab needs no module (virtio-pci and the virtio console are built in). The mirror
lacks ``linux-base-*`` for some releases (6.18.1x, 6.19.x, 7.0.x, 7.1.x): those are fetched without
it (no ``config`` in the cache; ``kernel.json`` lists the missing packages).

Ubuntu's generic kernels (``--kernel ubuntu:7.0``, ``ubuntu:7.0.0-44``, ``7.0.0-44-generic``) come
through a second private configuration, because they differ from Debian's where the replay is
sensitive: CONFIG_HZ=1000 (Debian: 250), Ubuntu's own config and its own stable backports::

    apt-ubuntu/etc/sources.list   archive.ubuntu.com, suites UBUNTU_SUITES, component main, signed by
                                  keyrings/ubuntu-archive-keyring.gpg (taken from Debian's
                                  ubuntu-keyring package, fetched through the Debian configuration)
    apt-ubuntu/state, apt-ubuntu/cache

An Ubuntu kernel is ``linux-image-unsigned-<release>`` (``/boot/vmlinuz-<release>``, release
``7.0.0-44-generic``); its config is ``/usr/src/linux-headers-<release>/.config`` of the small
``linux-headers-<release>`` package (``/boot/config-<release>`` is in the ~160 MB linux-modules
package, which the lab does not fetch). Both are cached like Debian's, ``kernel.json`` with
``"distro": "ubuntu"``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tmigr_trace.errors import TmigrError

SUITES = ("bookworm-backports", "trixie", "trixie-backports", "sid", "experimental")
MIRROR = os.environ.get("TMIGR_LAB_MIRROR", "http://deb.debian.org/debian")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
FLAVOUR = "amd64"
_IMAGE_RE = re.compile(r"^linux-image-(\d+\.\d+(?:\.\d+)?(?:\+deb\d+(?:\.\d+)?)?)-amd64$")

# Ubuntu: the suites with kernels that have tmigr (>= 6.9): noble's HWE kernels (6.11, 6.14, 6.17,
# 7.0), plucky (6.14), questing (6.17), resolute (7.0). Component main holds linux-image-unsigned-*.
UBUNTU_SUITES = ("noble-updates", "plucky-updates", "questing", "questing-updates", "resolute", "resolute-updates")
UBUNTU_MIRROR = os.environ.get("TMIGR_LAB_UBUNTU_MIRROR", "http://archive.ubuntu.com/ubuntu")
UBUNTU_KEYRING = "ubuntu-archive-keyring.gpg"  # in Debian's ubuntu-keyring package, /usr/share/keyrings/
_UBUNTU_IMAGE_RE = re.compile(r"^linux-image-unsigned-(\d+\.\d+\.\d+-\d+-generic)$")
# What names an Ubuntu kernel: ubuntu:SPEC, or a generic release (7.0.0-44-generic, the uname -r).
_UBUNTU_RELEASE_RE = re.compile(r"^\d+\.\d+\.\d+-\d+-generic$")


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """The lab cache: --cache option, else $TMIGR_LAB_CACHE, else ~/.cache/tmigr-trace/lab."""
    if override:
        p = Path(override)
    elif os.environ.get("TMIGR_LAB_CACHE"):
        p = Path(os.environ["TMIGR_LAB_CACHE"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        p = base / "tmigr-trace" / "lab"
    p.mkdir(parents=True, exist_ok=True)
    return p


@dataclass
class KernelEntry:
    """One fetchable (or cached) Debian or Ubuntu kernel."""

    release: str  # uname -r, e.g. 7.3.4+deb13-amd64 or 7.0.0-44-generic
    package: str  # linux-image-<release> (Ubuntu: linux-image-unsigned-<release>)
    version: str  # package version, e.g. 7.3.4-1~bpo13+1 or 7.0.0-44.44
    suite: str
    cached: bool = False
    distro: str = "debian"  # debian | ubuntu

    @property
    def upstream(self) -> str:
        """The upstream version: 7.3.4 (Debian), 7.0.0 (Ubuntu numbers only the series)."""
        if self.distro == "ubuntu":
            return self.release.split("-")[0]
        return self.release.split("+")[0].removesuffix("-amd64")

    @property
    def point(self) -> str:
        """What tells the builds of a series apart: the upstream point release (Debian, 7.3.4) or
        the ABI number (Ubuntu, 7.0.0-44: Ubuntu's stable backports move it, not the version)."""
        return self.release.removesuffix("-generic") if self.distro == "ubuntu" else self.upstream


@dataclass
class KernelImage:
    """An extracted kernel ready to boot."""

    release: str
    vmlinuz: Path
    config: Path | None
    package: str | None = None
    version: str | None = None
    suite: str | None = None
    source: str = "debian"  # debian | ubuntu | file
    packages: list[str] = field(default_factory=list)

    @property
    def upstream(self) -> str:
        return self.release.split("+")[0].split("-")[0]

    @property
    def label(self) -> str:
        """The kernel's part of a corpus file name: the upstream version of a Debian kernel
        (7.3.4), the whole release of an Ubuntu one (7.0.0-44-generic: its version is always
        X.Y.0, the ABI number and the flavour say which build it is)."""
        if self.source == "ubuntu" or _UBUNTU_RELEASE_RE.match(self.release):
            return self.release
        return self.upstream

    def provenance(self) -> dict:
        d = asdict(self)
        d["vmlinuz"] = str(self.vmlinuz)
        d["config"] = str(self.config) if self.config else None
        return d


def version_tuple(text: str) -> tuple[int, ...]:
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        return (0,)
    return tuple(int(x) for x in m.groups(default="0"))


def predicted_tracepoints(release: str) -> list[str]:
    """The timer_migration event set a kernel of this version is expected to have (§5 table)."""
    v = version_tuple(release)
    if v < (6, 9):
        return []
    common = ["tmigr_group_set", "tmigr_connect_child_parent", "tmigr_connect_cpu_parent",
              "tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive", "tmigr_cpu_new_timer",
              "tmigr_cpu_active", "tmigr_handle_remote_cpu", "tmigr_cpu_idle",
              "tmigr_cpu_new_timer_idle", "tmigr_update_events", "tmigr_handle_remote"]
    hot = ["tmigr_cpu_available", "tmigr_cpu_unavailable"] if v >= (6, 19) else ["tmigr_cpu_online", "tmigr_cpu_offline"]
    return sorted(common + hot)


def tracepoint_summary(release: str, cache: Path) -> str:
    """Short description of the tracepoint set: measured if a lab run cached the formats."""
    fdir = cache / "kernels" / release / "formats"
    if fdir.is_dir():
        names = sorted(p.name for p in fdir.iterdir())
        if not names:
            return "none (measured)"
        extra = []
        for n in ("tmigr_connect_cpu_parent",):
            f = fdir / n
            if f.exists() and "capacity" in f.read_text():
                extra.append("+capacity")
            if f.exists() and "childmask" in f.read_text():
                extra.append("childmask")
        hot = ("available/unavailable" if "tmigr_cpu_available" in names
               else "online/offline" if "tmigr_cpu_online" in names else "?")
        return f"{len(names)} events, {hot}{' ' + ' '.join(extra) if extra else ''} (measured)"
    names = predicted_tracepoints(release)
    if not names:
        return "none (predicted: before 6.9)"
    hot = "available/unavailable" if "tmigr_cpu_available" in names else "online/offline"
    return f"{len(names)} events, {hot} (predicted)"


class PrivateApt:
    """apt-get/apt-cache with their own sources, state and cache under the lab cache (Debian's
    mirror; `UbuntuApt` is the same for Ubuntu's archive)."""

    ROOT = "apt"  # under the lab cache

    def __init__(self, cache: Path):
        self.cache = cache
        self.root = cache / self.ROOT
        self.sources = self.root / "etc" / "sources.list"
        self.state = self.root / "state"
        self.archives = self.root / "cache"
        for d in (self.root / "etc", self.state / "lists" / "partial", self.archives / "archives" / "partial"):
            d.mkdir(parents=True, exist_ok=True)
        (self.state / "status").touch()
        text = self.sources_text()
        if not self.sources.exists() or self.sources.read_text() != text:
            self.sources.write_text(text)

    def sources_text(self) -> str:
        """The private sources.list: Debian's suites, signed by the system's debian-archive-keyring."""
        return "".join(f"deb [arch=amd64 signed-by={KEYRING}] {MIRROR} {s} main\n" for s in SUITES)

    def options(self) -> list[str]:
        o = {
            "Dir::Etc::SourceList": self.sources, "Dir::Etc::SourceParts": "/dev/null",
            "Dir::Etc::Preferences": "/dev/null", "Dir::Etc::PreferencesParts": "/dev/null",
            "Dir::State": self.state, "Dir::State::status": self.state / "status",
            "Dir::Cache": self.archives, "APT::Architecture": "amd64", "Acquire::Languages": "none",
            "APT::Sandbox::User": "root" if os.geteuid() == 0 else os.environ.get("USER", ""),
            "Debug::NoLocking": "true",
        }
        out: list[str] = []
        for k, v in o.items():
            out += ["-o", f"{k}={v}"]
        return out

    def _run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        if not shutil.which(tool):
            raise TmigrError(f"{tool} not found (the lab needs Debian's apt to fetch kernels; or use --kernel-image)")
        proc = subprocess.run([tool, *self.options(), *args], cwd=cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
            raise TmigrError(f"{tool} {' '.join(args[:2])} failed: {tail[0]}")
        return proc.stdout

    def lists_present(self) -> bool:
        return any((self.state / "lists").glob("*_Packages*"))

    def update(self, force: bool = False) -> None:
        if force or not self.lists_present():
            self._run("apt-get", "-q", "update")

    def kernels(self) -> list[KernelEntry]:
        """All generic amd64 kernel images in the configured suites, oldest first."""
        self.update()
        names = []
        for line in self._run("apt-cache", "search", "--names-only", r"^linux-image-[0-9].*-amd64$").splitlines():
            name = line.split(" - ")[0].strip()
            if _IMAGE_RE.match(name):
                names.append(name)
        if not names:
            return []
        entries = madison_entries(self._run("apt-cache", "madison", *names), "linux-image-")
        out = sorted(entries, key=lambda e: (version_tuple(e.release), _debver_key(e.version)))
        return out

    def search_names(self, regex: str) -> list[str]:
        """Package names matching ``regex`` in the private lists."""
        self.update()
        return [line.split(" - ")[0].strip() for line in
                self._run("apt-cache", "search", "--names-only", regex).splitlines()]

    def show(self, package: str) -> dict[str, str]:
        text = self._run("apt-cache", "show", package)
        stanza = text.split("\n\n")[0]
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if ":" in line and not line.startswith(" "):
                k, v = line.split(":", 1)
                fields[k] = v.strip()
        return fields

    def has(self, package: str, version: str) -> bool:
        """True if the configured suites carry this package at this version."""
        try:
            return bool(self._run("apt-cache", "show", f"{package}={version}").strip())
        except TmigrError:
            return False

    def download(self, package: str, version: str, dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        found = list(dest.glob(f"{package}_{_quote_ver(version)}_*.deb"))
        if found:
            return found[0]
        self._run("apt-get", "-q", "download", f"{package}={version}", cwd=dest)
        found = list(dest.glob(f"{package}_{_quote_ver(version)}_*.deb"))
        if not found:
            raise TmigrError(f"apt-get download {package}={version}: no .deb appeared in {dest}")
        return found[0]


class UbuntuApt(PrivateApt):
    """The private apt configuration for Ubuntu's archive (``apt-ubuntu/`` under the lab cache):
    UBUNTU_SUITES of UBUNTU_MIRROR, component main, signed by the Ubuntu archive keyring the lab
    took from Debian's ubuntu-keyring package (`ubuntu_keyring`). The system's apt is not used."""

    ROOT = "apt-ubuntu"

    def sources_text(self) -> str:
        key = ubuntu_keyring_path(self.cache)
        return "".join(f"deb [arch=amd64 signed-by={key}] {UBUNTU_MIRROR} {s} main\n" for s in UBUNTU_SUITES)

    def update(self, force: bool = False) -> None:
        """Download the lists (the keyring first: apt checks the InRelease signatures with it)."""
        if force or not self.lists_present():
            ubuntu_keyring(self.cache)
            self._run("apt-get", "-q", "update")

    def kernels(self) -> list[KernelEntry]:
        """All generic amd64 kernels (linux-image-unsigned-X.Y.0-N-generic) in UBUNTU_SUITES,
        oldest first: by series, ABI number, then package version (a release that both noble's HWE
        backport, 7.0.0-44.44~24.04.1, and its own series, 7.0.0-44.44, carry sorts the native build
        last, so it is the one picked)."""
        self.update()
        names = [n for n in self.search_names(r"^linux-image-unsigned-[0-9].*-generic$") if _UBUNTU_IMAGE_RE.match(n)]
        if not names:
            return []
        entries = madison_entries(self._run("apt-cache", "madison", *names), "linux-image-unsigned-", "ubuntu")
        return sorted(entries, key=ubuntu_order)


def madison_entries(text: str, prefix: str, distro: str = "debian") -> list[KernelEntry]:
    """KernelEntry per (package, version) of ``apt-cache madison`` output (``pkg | version |
    mirror suite/component arch Packages``); the release is the package name without `prefix`."""
    entries: dict[tuple[str, str], KernelEntry] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3:
            continue
        pkg, ver, where = parts[0], parts[1], parts[2]
        suite = where.split()[1].split("/")[0] if len(where.split()) > 1 else "?"
        release = pkg.removeprefix(prefix)
        entries.setdefault((pkg, ver), KernelEntry(release, pkg, ver, suite, distro=distro))
    return list(entries.values())


def ubuntu_order(e: KernelEntry) -> tuple:
    """Sort key of Ubuntu kernels: series, ABI number, package version (Debian ordering)."""
    abi = re.match(r"\d+\.\d+\.\d+-(\d+)", e.release)
    return (version_tuple(e.release), int(abi.group(1)) if abi else 0, debian_version_key(e.version))


def debian_version_key(version: str) -> tuple:
    """A sort key that orders package versions as dpkg does (epoch, upstream, revision; '~' sorts
    before anything, even the end: 7.0.0-44.44~24.04.1 < 7.0.0-44.44)."""
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return (int(epoch or 0), _dpkg_part_key(upstream), _dpkg_part_key(revision))


def _dpkg_part_key(text: str) -> tuple:
    """dpkg's verrevcmp as a key: alternating non-digit runs (each character weighted: '~' lowest,
    then the end, letters, other characters) and digit runs (numerically)."""
    out: list = []
    for nondigit, digits in re.findall(r"(\D*)(\d*)", text):
        if not nondigit and not digits:
            continue
        weights = [-1 if c == "~" else ord(c) if c.isalpha() else ord(c) + 256 for c in nondigit]
        out.append((*weights, 0))
        out.append(int(digits or 0))
    out.append((0,))  # the end: after every digit run, before '~' ('1.0~rc1' < '1.0' < '1.0.1')
    return tuple(out)


def ubuntu_keyring_path(cache: Path) -> Path:
    """Where the lab keeps the Ubuntu archive keyring (a copy, never installed on the system)."""
    return cache / "keyrings" / UBUNTU_KEYRING


def ubuntu_keyring(cache: Path) -> Path:
    """The Ubuntu archive keyring, fetched once: Debian's ``ubuntu-keyring`` package (signed by
    debian-archive-keyring, through the Debian private configuration) is downloaded and only
    ``usr/share/keyrings/ubuntu-archive-keyring.gpg`` is extracted into the lab cache."""
    dest = ubuntu_keyring_path(cache)
    if dest.is_file() and dest.stat().st_size > 0:
        return dest
    apt = PrivateApt(cache)
    apt.update()
    versions = [ln.split("|")[1].strip() for ln in apt._run("apt-cache", "madison", "ubuntu-keyring").splitlines()
                if ln.count("|") >= 2]
    if not versions:
        raise TmigrError(f"ubuntu-keyring: not in the Debian suites {', '.join(SUITES)} "
                         "(its keyring checks Ubuntu's archive)")
    version = max(versions, key=debian_version_key)
    deb = apt.download("ubuntu-keyring", version, cache / "debs")
    member = f"usr/share/keyrings/{UBUNTU_KEYRING}"
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        _extract(deb, Path(tmp), [f"*/{member}"])
        src = Path(tmp) / member
        if not src.is_file():
            raise TmigrError(f"{deb.name}: no {member} in it")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    (dest.parent / "ubuntu-keyring.json").write_text(json.dumps({"package": "ubuntu-keyring", "version": version,
                                                                 "deb": deb.name}, indent=1) + "\n")
    return dest


def _extract(deb: Path, root: Path, patterns: list[str]) -> None:
    """Extract only the members of `deb` that match the tar wildcards `patterns` into `root`."""
    members = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    proc = subprocess.run(["tar", "-x", "-C", str(root), "--wildcards", *patterns], input=members, capture_output=True)
    if proc.returncode not in (0, 2):
        raise TmigrError(f"extracting {deb.name}: {proc.stderr.decode().strip()}")


def _quote_ver(version: str) -> str:
    # apt-get download names files with ':' percent-encoded (epochs); kernels have none.
    return version.replace(":", "%3a")


def _debver_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"(\d+)", v))


def ubuntu_spec(spec: str) -> str | None:
    """The Ubuntu part of a --kernel SPEC, or None for a Debian one: 'ubuntu:7.0' -> '7.0',
    'ubuntu:7.0.0-44' -> '7.0.0-44', '7.0.0-44-generic' (an Ubuntu release: what uname -r says)
    -> itself. Debian's releases never end in -generic."""
    s = spec.strip()
    if s.lower().startswith("ubuntu:"):
        rest = s[len("ubuntu:"):].strip().removeprefix("linux-image-unsigned-").removeprefix("linux-image-")
        if not rest:
            raise TmigrError("--kernel ubuntu:: give a series (ubuntu:7.0) or a release (ubuntu:7.0.0-44)")
        return rest
    s = s.removeprefix("linux-image-unsigned-").removeprefix("linux-image-")
    return s if _UBUNTU_RELEASE_RE.match(s) else None


def resolve_ubuntu(spec: str, entries: list[KernelEntry]) -> KernelEntry:
    """The Ubuntu kernel of `spec` (`ubuntu_spec`'s part): '7.0' or '7.0.0' -> the newest
    7.0.0-N-generic (highest ABI number), '7.0.0-44' or '7.0.0-44-generic' -> that release (the
    native build if noble's HWE backport carries it too). `entries`: `UbuntuApt.kernels()`."""
    ub = sorted((e for e in entries if e.distro == "ubuntu"), key=ubuntu_order)
    m = re.fullmatch(r"(\d+\.\d+)(?:\.(\d+))?(?:-(\d+)(?:-generic)?)?", spec)
    if not m or (m.group(3) and not m.group(2)):
        raise TmigrError(f"--kernel ubuntu:{spec}: give a series like ubuntu:7.0 or a release like ubuntu:7.0.0-44 "
                         "(or 7.0.0-44-generic)")
    series = m.group(1)
    want = f"{series}.{m.group(2) or 0}" + (f"-{m.group(3)}-generic" if m.group(3) else "")
    if m.group(3):
        cands = [e for e in ub if e.release == want]
    else:
        cands = [e for e in ub if e.upstream == want]
    if cands:
        return cands[-1]
    same = [e.point for e in ub if e.upstream == f"{series}.{m.group(2) or 0}"]
    if same:
        raise TmigrError(f"--kernel ubuntu:{spec}: no such Ubuntu generic kernel in {', '.join(UBUNTU_SUITES)} "
                         f"({series} has {', '.join(dict.fromkeys(same))})")
    avail = sorted({".".join(e.upstream.split(".")[:2]) for e in ub}, key=version_tuple)
    raise TmigrError(f"--kernel ubuntu:{spec}: no such Ubuntu generic kernel in {', '.join(UBUNTU_SUITES)} "
                     f"(series available: {', '.join(avail) or 'none'})")


def resolve(spec: str, entries: list[KernelEntry]) -> KernelEntry:
    """--kernel SPEC: '7.3' -> newest 7.3.x, '6.12.43' -> that point release, or an exact release
    or package name. Release candidates (experimental 'linux-image-7.3-amd64') are only picked by
    their exact name. Ubuntu kernels ('ubuntu:7.0', 'ubuntu:7.0.0-44', '7.0.0-44-generic') are
    looked up among the Ubuntu entries (`resolve_ubuntu`), Debian specs among the Debian ones."""
    ub = ubuntu_spec(spec)
    if ub is not None:
        return resolve_ubuntu(ub, entries)
    entries = [e for e in entries if e.distro == "debian"]
    spec = spec.strip().removeprefix("linux-image-")
    pure = re.fullmatch(r"\d+\.\d+(\.\d+)?", spec) is not None
    exact = [e for e in entries if e.release == spec or (not pure and e.release == f"{spec}-amd64")]
    if exact:
        return exact[-1]
    parts = spec.split(".")
    if not pure:
        raise TmigrError(f"--kernel {spec!r}: give a version like 7.3, 6.12.43 or a release like 7.3.4+deb13-amd64")
    cands = [e for e in entries if "+deb" in e.release and e.upstream.split(".")[:len(parts)] == parts]
    if not cands:
        avail = sorted({".".join(e.upstream.split(".")[:2]) for e in entries}, key=version_tuple)
        raise TmigrError(f"--kernel {spec}: no such Debian amd64 kernel in {', '.join(SUITES)} "
                         f"(series available: {', '.join(avail)})")
    return cands[-1]


def cached_kernels(cache: Path) -> list[KernelImage]:
    out = []
    for d in sorted((cache / "kernels").glob("*/kernel.json")):
        try:
            out.append(_load_image(d.parent))
        except (OSError, ValueError, TypeError):
            continue
    return out


def _load_image(d: Path) -> KernelImage:
    info = json.loads((d / "kernel.json").read_text())
    cfg = d / "config"
    return KernelImage(release=info["release"], vmlinuz=d / "vmlinuz", config=cfg if cfg.exists() else None,
                       package=info.get("package"), version=info.get("version"), suite=info.get("suite"),
                       source=info.get("distro", "debian"), packages=info.get("packages", []))


def fetch(spec: str, cache: Path, refresh: bool = False) -> KernelImage:
    """Get the kernel SPEC into the cache (download + dpkg -x) and return it (Ubuntu specs:
    `fetch_ubuntu`)."""
    ub = ubuntu_spec(spec)
    if ub is not None:
        return fetch_ubuntu(ub, cache, refresh)
    found = _cached_or_entry(PrivateApt, cache, refresh, lambda img: img.release == spec or (
        img.release == f"{spec}-amd64" and "+" in spec), lambda apt: resolve(spec, apt.kernels()))
    if isinstance(found, KernelImage):
        return found
    apt, entry, kdir = found
    debdir = cache / "debs"
    fields = apt.show(f"{entry.package}={entry.version}")
    pkgs = [(entry.package, entry.version)]
    missing: list[str] = []
    for dep in re.split(r",\s*", fields.get("Depends", "")):
        name = dep.split()[0] if dep else ""
        if name.startswith(("linux-binary-", "linux-base-")):
            # The mirror does not always carry every package of a split kernel: linux-base-*
            # (config, System.map) is missing for 6.18.1x, 6.19.x, 7.0.x and 7.1.x while
            # linux-binary-* (the vmlinuz) is there. Fetch what exists; the vmlinuz is required.
            if apt.has(name, entry.version):
                pkgs.append((name, entry.version))
            else:
                missing.append(f"{name}={entry.version}")
    debs = [apt.download(p, v, debdir) for p, v in pkgs]
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        root = Path(tmp)
        for deb in debs:
            # Only the kernel image and its config: skips the ~100 MB of modules on disk.
            _extract(deb, root, ["*/vmlinuz*", "*/config*"])
        vmlinuz = _first(root, [f"boot/vmlinuz-{entry.release}", f"usr/lib/modules/{entry.release}/vmlinuz"])
        config = _first(root, [f"boot/config-{entry.release}", f"usr/lib/modules/{entry.release}/config"])
        if vmlinuz is None:
            gone = f" (not on the mirror: {', '.join(missing)})" if missing else ""
            raise TmigrError(f"{entry.package} {entry.version}: no vmlinuz in {', '.join(d.name for d in debs)}{gone}")
        kdir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(vmlinuz, kdir / "vmlinuz")
        if config is not None:
            shutil.copyfile(config, kdir / "config")
    info = {"release": entry.release, "package": entry.package, "version": entry.version, "suite": entry.suite,
            "packages": [f"{p}={v}" for p, v in pkgs], "missing": missing}
    (kdir / "kernel.json").write_text(json.dumps(info, indent=1) + "\n")
    return _load_image(kdir)


def _cached_or_entry(apt_class: Callable[[Path], PrivateApt], cache: Path, refresh: bool,
                     exact: Callable[[KernelImage], bool], resolved: Callable[[PrivateApt], KernelEntry]
                     ) -> KernelImage | tuple[PrivateApt, KernelEntry, Path]:
    """The opening of both fetches: a cached image matching `exact` needs no network and no
    private apt directory (unless `refresh`); else the package the private apt resolves, already
    cached at that version, or the apt, the entry and its cache directory to fill."""
    if not refresh:
        for img in cached_kernels(cache):
            if exact(img):
                return img
    apt = apt_class(cache)
    if refresh:
        apt.update(force=True)
    entry = resolved(apt)
    kdir = cache / "kernels" / entry.release
    if (kdir / "kernel.json").exists() and (kdir / "vmlinuz").exists():
        img = _load_image(kdir)
        if img.version == entry.version:
            return img
    return apt, entry, kdir


def fetch_ubuntu(spec: str, cache: Path, refresh: bool = False) -> KernelImage:
    """Get the Ubuntu kernel `spec` (`ubuntu_spec`'s part) into the cache and return it: download
    linux-image-unsigned-<release> and linux-headers-<release> of the same version through
    `UbuntuApt`, extract only ``/boot/vmlinuz-<release>`` and the headers' ``.config``."""
    exact = spec if spec.endswith("-generic") else f"{spec}-generic"
    found = _cached_or_entry(UbuntuApt, cache, refresh, lambda img: img.source == "ubuntu" and img.release == exact,
                             lambda apt: resolve_ubuntu(spec, apt.kernels()))
    if isinstance(found, KernelImage):
        return found
    apt, entry, kdir = found
    headers = f"linux-headers-{entry.release}"
    pkgs = [(entry.package, entry.version)]
    missing: list[str] = []
    if apt.has(headers, entry.version):
        pkgs.append((headers, entry.version))
    else:
        missing.append(f"{headers}={entry.version}")
    debs = [apt.download(p, v, cache / "debs") for p, v in pkgs]
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        root = Path(tmp)
        for deb in debs:
            _extract(deb, root, [f"*/boot/vmlinuz-{entry.release}", f"*/usr/src/linux-headers-{entry.release}/.config"])
        vmlinuz = _first(root, [f"boot/vmlinuz-{entry.release}"])
        config = _first(root, [f"usr/src/linux-headers-{entry.release}/.config"])
        if vmlinuz is None:
            raise TmigrError(f"{entry.package} {entry.version}: no boot/vmlinuz-{entry.release} in {debs[0].name}")
        kdir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(vmlinuz, kdir / "vmlinuz")
        if config is not None:
            shutil.copyfile(config, kdir / "config")
    info = {"release": entry.release, "distro": "ubuntu", "package": entry.package, "version": entry.version,
            "suite": entry.suite, "packages": [f"{p}={v}" for p, v in pkgs], "missing": missing}
    (kdir / "kernel.json").write_text(json.dumps(info, indent=1) + "\n")
    return _load_image(kdir)


def config_hz(img: KernelImage) -> int | None:
    """CONFIG_HZ of a cached kernel's config (Debian: 250, Ubuntu generic: 1000), or None."""
    if img.config is None or not img.config.is_file():
        return None
    m = re.search(r"^CONFIG_HZ=(\d+)$", img.config.read_text(errors="replace"), re.M)
    return int(m.group(1)) if m else None


def _first(root: Path, rels: list[str]) -> Path | None:
    for r in rels:
        p = root / r
        if p.exists():
            return p
    return None


def image_from_file(path: str | os.PathLike) -> KernelImage:
    """--kernel-image PATH: any bzImage; its release is read from the bzImage header."""
    p = Path(path)
    if not p.is_file():
        raise TmigrError(f"{p}: no such kernel image")
    release = bzimage_release(p) or p.name
    cfg = None
    for cand in (p.with_name(p.name.replace("vmlinuz", "config")), p.parent / "config"):
        if cand != p and cand.is_file():
            cfg = cand
            break
    return KernelImage(release=release, vmlinuz=p.resolve(), config=cfg, source="file")


def bzimage_release(path: Path) -> str | None:
    """The kernel release string from a bzImage's setup header (kernel_version pointer at 0x20e)."""
    try:
        with open(path, "rb") as f:
            head = f.read(0x10000)
    except OSError:
        return None
    if len(head) < 0x210 or head[0x202:0x206] != b"HdrS":
        return None
    off = int.from_bytes(head[0x20E:0x210], "little") + 0x200
    if off <= 0x200 or off >= len(head):
        return None
    raw = head[off:off + 256].split(b"\0")[0].decode("ascii", "replace")
    return raw.split()[0] if raw else None


def record_formats(cache: Path, release: str, formats: dict[str, str]) -> None:
    """Remember the measured tracepoint formats of a booted kernel (for `lab kernels`)."""
    fdir = cache / "kernels" / release / "formats"
    fdir.mkdir(parents=True, exist_ok=True)
    for name, text in formats.items():
        (fdir / name).write_text(text)
