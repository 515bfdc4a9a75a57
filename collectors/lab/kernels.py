"""Debian kernels for the lab: a private apt configuration, listing, download and extraction.

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
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tmigr_trace.errors import TmigrError

SUITES = ("bookworm-backports", "trixie", "trixie-backports", "sid", "experimental")
MIRROR = os.environ.get("TMIGR_LAB_MIRROR", "http://deb.debian.org/debian")
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
FLAVOUR = "amd64"
_IMAGE_RE = re.compile(r"^linux-image-(\d+\.\d+(?:\.\d+)?(?:\+deb\d+(?:\.\d+)?)?)-amd64$")


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
    """One fetchable (or cached) Debian kernel."""

    release: str  # uname -r, e.g. 7.3.4+deb13-amd64
    package: str  # linux-image-<release>
    version: str  # Debian package version, e.g. 7.3.4-1~bpo13+1
    suite: str
    cached: bool = False

    @property
    def upstream(self) -> str:
        return self.release.split("+")[0].removesuffix("-amd64")


@dataclass
class KernelImage:
    """An extracted kernel ready to boot."""

    release: str
    vmlinuz: Path
    config: Path | None
    package: str | None = None
    version: str | None = None
    suite: str | None = None
    source: str = "debian"  # debian | file
    packages: list[str] = field(default_factory=list)

    @property
    def upstream(self) -> str:
        return self.release.split("+")[0].split("-")[0]

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
    """apt-get/apt-cache with their own sources, state and cache under the lab cache."""

    def __init__(self, cache: Path):
        self.root = cache / "apt"
        self.sources = self.root / "etc" / "sources.list"
        self.state = self.root / "state"
        self.archives = self.root / "cache"
        for d in (self.root / "etc", self.state / "lists" / "partial", self.archives / "archives" / "partial"):
            d.mkdir(parents=True, exist_ok=True)
        (self.state / "status").touch()
        text = "".join(f"deb [arch=amd64 signed-by={KEYRING}] {MIRROR} {s} main\n" for s in SUITES)
        if not self.sources.exists() or self.sources.read_text() != text:
            self.sources.write_text(text)

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
        entries: dict[tuple[str, str], KernelEntry] = {}
        for line in self._run("apt-cache", "madison", *names).splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 3:
                continue
            pkg, ver, where = parts[0], parts[1], parts[2]
            suite = where.split()[1].split("/")[0] if len(where.split()) > 1 else "?"
            release = pkg.removeprefix("linux-image-")
            entries.setdefault((pkg, ver), KernelEntry(release, pkg, ver, suite))
        out = sorted(entries.values(), key=lambda e: (version_tuple(e.release), _debver_key(e.version)))
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


def _quote_ver(version: str) -> str:
    # apt-get download names files with ':' percent-encoded (epochs); kernels have none.
    return version.replace(":", "%3a")


def _debver_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"(\d+)", v))


def resolve(spec: str, entries: list[KernelEntry]) -> KernelEntry:
    """--kernel SPEC: '7.3' -> newest 7.3.x, '6.12.43' -> that point release, or an exact release
    or package name. Release candidates (experimental 'linux-image-7.3-amd64') are only picked by
    their exact name."""
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
                       packages=info.get("packages", []))


def fetch(spec: str, cache: Path, refresh: bool = False) -> KernelImage:
    """Get the kernel SPEC into the cache (download + dpkg -x) and return it."""
    # A cached exact match needs no network.
    if not refresh:
        for img in cached_kernels(cache):
            if img.release == spec or (img.release == f"{spec}-amd64" and "+" in spec):
                return img
    apt = PrivateApt(cache)
    if refresh:
        apt.update(force=True)
    entry = resolve(spec, apt.kernels())
    kdir = cache / "kernels" / entry.release
    if (kdir / "kernel.json").exists() and (kdir / "vmlinuz").exists():
        img = _load_image(kdir)
        if img.version == entry.version:
            return img
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
            members = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
            proc = subprocess.run(["tar", "-x", "-C", str(root), "--wildcards", "*/vmlinuz*", "*/config*"],
                                  input=members, capture_output=True)
            if proc.returncode not in (0, 2):
                raise TmigrError(f"extracting {deb.name}: {proc.stderr.decode().strip()}")
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
