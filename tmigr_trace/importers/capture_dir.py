"""Import a capture of the shell collector (tarball or extracted directory, docs/capture-layout.md).

The pages go through the same decoder and merger as the live ``tmigr-trace capture``
(``tmigr_trace.collectors.pipeline``), and the topology through the same snapshot function, so
a tarball and a live capture of the same window give the same rows.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from pathlib import Path
from typing import Callable

from .. import cleanup, limits
from ..errors import TmigrError
from ..metadata import TraceMeta
from ..store import TraceWriter

# Pages decoded per CPU per round: small enough that the decoder's per-column arrays (~8 bytes x
# ~60 events x 256 pages) are recycled by the allocator instead of faulted in fresh each time
# (benchmarks/decode_raw.py: 2048-page chunks decode ~30 % slower on this VM).
CHUNK_PAGES = 256
CHUNK_BYTES = 4 << 20  # and at most this many bytes (a sub-buffer can be up to 1 MiB)
MAX_PAGE_BYTES = 1 << 23  # ring_buffer_subbuf_order_set(): at most order MAX_PAGE_ORDER (4 MiB on x86)


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


def import_capture(path: Path, writer: TraceWriter, meta: TraceMeta,
                   progress: Callable[[int], None] | None = None) -> None:
    """Decode a capture tarball (.tar, .tar.gz) or its extracted directory into ``writer``;
    ``progress(n)``: bytes of per-CPU ring-buffer data read."""
    path = Path(path)
    tmp = None
    try:
        if path.is_dir():
            root = path
            check_tree(root)
        else:
            try:
                tf = tarfile.open(path, "r:*")
            except (tarfile.TarError, OSError) as exc:
                raise TmigrError(f"{path}: not a capture tarball ({exc})") from None
            tmp = cleanup.make_private_dir(cleanup.EXTRACT_PREFIX)  # removed on any signal, and by the next run after a SIGKILL
            with tf:
                _extract(tf, path, tmp, meta)
            root = tmp
        try:
            import_capture_dir(_find_top(root), writer, meta, progress)
        except TmigrError as exc:
            if tmp is None:
                raise
            # name the tarball, not the temporary directory it was extracted into
            raise TmigrError(str(exc).replace(str(tmp), str(path))) from None
    finally:
        if tmp:
            with cleanup.signals_blocked():
                shutil.rmtree(tmp, ignore_errors=True)
                cleanup.unregister(tmp)


def _extract(tf: tarfile.TarFile, path: Path, dest: Path, meta: TraceMeta) -> None:
    """Extract the regular files and directories of a capture tarball, within the limits.

    Links, devices and FIFOs are never part of a capture: they are skipped and counted
    (``damaged["tar_members"]``). Sizes are bounded per member and in total (a tarball that
    expands without end is refused)."""
    budget = limits.max_decompressed(path.stat().st_size)
    total = members = 0
    names: set[str] = set()
    for m in tf:
        members += 1
        if members > limits.MAX_MEMBERS:
            raise TmigrError(f"{path}: more than {limits.MAX_MEMBERS} members: not a capture tarball")
        if not (m.isreg() or m.isdir()):
            meta.add_damaged("tar_members")
            continue
        if m.isreg():
            if m.name in names:  # a capture has each file once: the first one is kept
                meta.add_damaged("tar_members")
                continue
            names.add(m.name)
        if m.size > limits.MAX_MEMBER_BYTES:
            raise TmigrError(f"{path}: member {m.name[:80]} is {m.size} bytes (at most {limits.MAX_MEMBER_BYTES})")
        total += m.size
        if total > budget:
            raise TmigrError(f"{path}: expands to more than {budget} bytes (raise the limit with "
                             f"TMIGR_TRACE_MAX_DECOMPRESSED=BYTES)")
        try:
            tf.extract(m, dest, filter="data")
        except tarfile.FilterError:  # absolute paths, .. components: skipped
            meta.add_damaged("tar_members")
    # tarfile ends its iteration quietly at a damaged header: whatever follows would be lost
    # without a word. Past the last member there may only be the zero blocks of the end marker.
    fileobj = tf.fileobj
    if fileobj is not None:
        fileobj.seek(tf.offset)
        zeros = 0
        while block := fileobj.read(1 << 20):
            total += len(block)
            if block.count(0) != len(block):
                meta.add_damaged("tar_unreadable_tail")
                return
            zeros += len(block)
            if total > budget:
                break
        if zeros < tarfile.BLOCKSIZE:  # no end-of-archive marker: cut short after a whole member
            meta.add_damaged("tar_truncated")


def check_tree(root: Path) -> None:
    """Refuse a capture directory holding FIFOs, sockets or devices (reading one blocks or never ends)."""
    n = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            n += 1
            if n > limits.MAX_MEMBERS:
                raise TmigrError(f"{root}: more than {limits.MAX_MEMBERS} files: not a capture")
            p = Path(dirpath) / name
            try:
                st = os.stat(p)
            except OSError:
                continue  # a dangling link: read as absent
            if not stat.S_ISREG(st.st_mode):
                raise TmigrError(f"{p}: is not a regular file (a FIFO, socket or device has no place in a capture)")


def _lab_bringup(top: Path) -> dict | None:
    """The CPU bring-up order recorded by a kernel-lab guest (lab/ files), or None."""
    lab = top / "lab"
    if not lab.is_dir():
        return None
    from ..collectors.lab.run import bringup

    return bringup({f"lab/{f.name}": f.read_bytes() for f in lab.iterdir() if f.is_file()})


def import_capture_dir(top: Path, writer: TraceWriter, meta: TraceMeta,
                       progress: Callable[[int], None] | None = None) -> None:
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

    if not 64 <= layout.page_size <= MAX_PAGE_BYTES:
        raise TmigrError(f"{top}: events/header_page gives a page of {layout.page_size} bytes")
    cpu_dirs = {limits.cpu_id(d.name[3:], str(d)): d for d in (top / "per_cpu").glob("cpu[0-9]*")}
    files = {}
    for cpu, d in sorted(cpu_dirs.items()):
        if (d / "raw").is_file() and (d / "raw").stat().st_size:
            files[cpu] = open(d / "raw", "rb")
    chunk = max(1, min(CHUNK_PAGES, CHUNK_BYTES // layout.page_size)) * layout.page_size
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
                if progress:
                    progress(len(data))
            streams.write_ready(writer, live)
        t = streams.emit(None)
        if t is not None:
            writer.write(t)
        # a raw buffer is whole pages: a remainder is a page cut short (its events are lost)
        for cpu, rest in sorted(streams.partial.items()):
            meta.add_damaged("partial_pages", 1 if rest else 0, int(cpu))
    finally:
        for f in files.values():
            f.close()

    topo = snapshot(top / "topology") if (top / "topology").is_dir() else {}
    bstats = {}
    for cpu, d in cpu_dirs.items():
        if (d / "stats").is_file():
            bstats[str(cpu)] = parse_stats((d / "stats").read_text(errors="replace"))
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
