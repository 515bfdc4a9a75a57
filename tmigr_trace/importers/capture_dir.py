"""Import a capture of the shell collector (tarball or extracted directory, docs/capture-layout.md).

The pages go through the same decoder and merger as the live ``tmigr-trace capture``
(``tmigr_trace.collectors.pipeline``), and the topology through the same snapshot function, so
a tarball and a live capture of the same window give the same rows.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from pathlib import Path

from ..errors import TmigrError
from ..metadata import TraceMeta
from ..store import TraceWriter

# Pages decoded per CPU per round: small enough that the decoder's per-column arrays (~8 bytes x
# ~60 events x 256 pages) are recycled by the allocator instead of faulted in fresh each time
# (benchmarks/decode_raw.py: 2048-page chunks decode ~30 % slower on this VM).
CHUNK_PAGES = 256


def _find_top(root: Path) -> Path:
    if (root / "per_cpu").is_dir():
        return root
    tops = [d for d in root.iterdir() if d.is_dir() and (d / "per_cpu").is_dir()]
    if len(tops) != 1:
        raise TmigrError(f"{root}: not a capture (expected one directory with per_cpu/ inside)")
    return tops[0]


def read_manifest(top: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    p = top / "manifest"
    if p.exists():
        for line in p.read_text(errors="replace").splitlines():
            k, sep, v = line.partition("=")
            if sep:
                out[k.strip()] = v.strip()
    return out


def read_formats(top: Path) -> dict[str, str]:
    """events/<system>/<event>/format -> {event: text}."""
    return {p.parent.name: p.read_text(errors="replace") for p in sorted((top / "events").glob("*/*/format"))}


def import_capture(path: Path, writer: TraceWriter, meta: TraceMeta) -> None:
    """Decode a capture tarball (.tar, .tar.gz) or its extracted directory into ``writer``."""
    path = Path(path)
    tmp = None
    try:
        if path.is_dir():
            root = path
        else:
            try:
                tf = tarfile.open(path, "r:*")
            except (tarfile.TarError, OSError) as exc:
                raise TmigrError(f"{path}: not a capture tarball ({exc})") from None
            tmp = tempfile.mkdtemp(prefix="tmigr-import-")
            with tf:
                try:
                    tf.extractall(tmp, filter="data")
                except TypeError:  # Python without extraction filters
                    tf.extractall(tmp)
            root = Path(tmp)
        import_capture_dir(_find_top(root), writer, meta)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _lab_bringup(top: Path) -> dict | None:
    """The CPU bring-up order recorded by a kernel-lab guest (lab/ files), or None."""
    lab = top / "lab"
    if not lab.is_dir():
        return None
    from ..collectors.lab.run import bringup

    return bringup({f"lab/{f.name}": f.read_bytes() for f in lab.iterdir() if f.is_file()})


def import_capture_dir(top: Path, writer: TraceWriter, meta: TraceMeta) -> None:
    from ..collectors.pipeline import PageStreams, parse_saved_cmdlines
    from ..collectors.ringbuffer import PageLayout, check_header_event
    from ..collectors.topology import parse_stats, snapshot

    man = read_manifest(top)
    formats = read_formats(top)
    if not formats:
        raise TmigrError(f"{top}: capture has no events/*/*/format files")
    try:
        layout = PageLayout.parse((top / "events/header_page").read_text())
        check_header_event((top / "events/header_event").read_text())
    except (OSError, ValueError) as exc:
        raise TmigrError(f"{top}: bad or missing events/header_page or header_event ({exc})") from None
    streams = PageStreams(formats, layout)
    if (top / "saved_cmdlines").exists():
        streams.comms.update(parse_saved_cmdlines((top / "saved_cmdlines").read_text(errors="replace")))

    files = {}
    for d in sorted((top / "per_cpu").glob("cpu[0-9]*"), key=lambda p: int(p.name[3:])):
        if (d / "raw").exists() and (d / "raw").stat().st_size:
            files[int(d.name[3:])] = open(d / "raw", "rb")
    chunk = CHUNK_PAGES * layout.page_size
    try:
        # Round-robin over the CPUs; a row is final once every CPU that still has pages has
        # decoded past it.
        live = dict(files)
        while live:
            for cpu, f in list(live.items()):
                data = f.read(chunk)
                if not data:
                    del live[cpu]
                    continue
                streams.feed(cpu, data)
            marks = [streams.last_ts.get(c) for c in live]
            if live and all(m is not None for m in marks):
                t = streams.emit(min(marks))
                if t is not None:
                    writer.write(t)
        t = streams.emit(None)
        if t is not None:
            writer.write(t)
    finally:
        for f in files.values():
            f.close()

    topo = snapshot(top / "topology") if (top / "topology").is_dir() else {}
    bstats = {}
    for d in (top / "per_cpu").glob("cpu[0-9]*"):
        if (d / "stats").exists():
            bstats[d.name[3:]] = parse_stats((d / "stats").read_text(errors="replace"))
    if topo:
        topo["buffer_stats"] = bstats
    lab = _lab_bringup(top)
    if lab is not None:
        # A kernel-lab capture: the order the kernel prepared its CPUs makes setup masks decidable.
        topo["bringup_order"] = lab["order"]
        meta.extra.setdefault("lab", {})["bringup"] = lab
    streams.finish_meta(meta, bstats or None)
    meta.formats = formats
    meta.topology = topo
    meta.kernel_release = meta.kernel_release or topo.get("release")
    meta.clock = man.get("clock")
    meta.origin = "shell-collector" if man.get("tool") == "tmigr-capture.sh" else meta.origin
    if lab is not None:
        meta.origin = "lab"
    meta.source_format = "capture"
    hp = man.get("hash_ptr", "")
    meta.pointer_mode = "raw"  # binary pages always hold raw pointers
    meta.extra["capture"] = {k: v for k, v in man.items()}
    meta.extra["capture"]["hash_ptr_text"] = hp
