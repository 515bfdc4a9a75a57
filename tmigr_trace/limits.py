"""Limits on what an input may contain, and the check of stored rows against them.

Every importer (text, compressed text, capture tarball and directory, trace.dat) and the Parquet
reader go through these, so a hostile or damaged input either imports what is valid and counts
what was not (``TraceMeta.invalid_events``), or is refused with one line. The limits are those of
the kernel, with margin; none is ever reached by a real trace.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from .errors import TmigrError

# CONFIG_NR_CPUS is at most 8192 (arch/x86/Kconfig: NR_CPUS_RANGE_END with MAXSMP); arm64 allows
# 4096. A CPU id at or above this is damage, not a machine.
MAX_CPUS = 8192
# The hierarchy has at most ceil(log8(NR_CPUS)) + 1 levels (kernel/time/timer_migration.c,
# tmigr_init(): TMIGR_CHILDREN_PER_GROUP 8) plus NUMA levels: 7 at 8192 CPUs. 32 is far above.
MAX_LEVELS = 32
# A NUMA node id: MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT (at most 10); -1 is NUMA_NO_NODE.
MAX_NODES = 1 << 10
# One line of ftrace text: the kernel formats an event into a trace_seq of one page (4 KiB on
# x86, at most 64 KiB on arm64/ppc64 with 64K pages). A longer line is not ftrace output.
MAX_LINE_BYTES = 1 << 16
# Decompressed text / tarball: at most this many times the compressed size (real traces compress
# 8-30x with gzip/xz/zstd), and never less than MIN_DECOMPRESSED_BYTES.
MAX_COMPRESSION_RATIO = 1000
MIN_DECOMPRESSED_BYTES = 1 << 30
# One member of a capture tarball (a per-CPU raw buffer is a few MiB to a few hundred MiB).
MAX_MEMBER_BYTES = 16 << 30
MAX_MEMBERS = 100_000
# Parquet footers of real traces hold a few hundred KiB of metadata (formats, topology).
MAX_METADATA_BYTES = 64 << 20

# Column -> inclusive [low, high] range of valid values (null is always valid: the field is absent).
ROW_BOUNDS: dict[str, tuple[int, int]] = {
    "cpu": (0, MAX_CPUS - 1),
    "target_cpu": (0, MAX_CPUS - 1),
    "child_evtcpu": (0, MAX_CPUS - 1),
    "lvl": (0, MAX_LEVELS - 1),
    "group_lvl": (0, MAX_LEVELS - 1),
    "numa_node": (-1, MAX_NODES - 1),
}


def env_limit(name: str, default: int) -> int:
    """A limit overridable from the environment (TMIGR_TRACE_<NAME>, bytes), for the rare huge trace."""
    value = os.environ.get(f"TMIGR_TRACE_{name}")
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise TmigrError(f"TMIGR_TRACE_{name}={value!r}: not a number of bytes") from None


def max_decompressed(compressed_bytes: int) -> int:
    """Largest decompressed size accepted for an input of this compressed size."""
    default = max(MIN_DECOMPRESSED_BYTES, MAX_COMPRESSION_RATIO * compressed_bytes)
    return env_limit("MAX_DECOMPRESSED", default)


def require_regular_file(path: Path) -> os.stat_result:
    """Refuse FIFOs, sockets and devices before anything opens them (a FIFO's open blocks forever).

    tracefs files (``trace``) are regular files of size 0 and are accepted.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise TmigrError(f"{path}: no such file") from None
    except OSError as exc:
        raise TmigrError(f"{path}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        return st
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
        raise TmigrError(f"{path}: is {kind}, not a regular file (save it to a file first)")
    return st


@dataclass
class RowCheck:
    """Drops rows whose values no kernel can produce and counts them per column."""

    counts: dict[str, int] = field(default_factory=dict)

    def apply(self, table: pa.Table) -> pa.Table:
        from .arrow_np import from_numpy, out_of_range

        bad = None
        for name, (lo, hi) in ROW_BOUNDS.items():
            if name not in table.column_names:
                continue
            col = table.column(name)
            if col.null_count == len(col):
                continue
            out = out_of_range(col, lo, hi)  # numpy on the buffers: no pyarrow.compute import
            if out is None:
                import pyarrow.compute as pc

                out = pc.fill_null(pc.or_(pc.less(col, lo), pc.greater(col, hi)), False).to_numpy(
                    zero_copy_only=False)
            n = int(np.count_nonzero(out))
            if n:
                self.counts[name] = self.counts.get(name, 0) + n
                bad = out if bad is None else bad | out
        if bad is None:
            return table
        return table.filter(from_numpy(~bad, pa.bool_()))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def first_out_of_range(table: pa.Table) -> str | None:
    """'column=value' of the first stored value out of range, or None (the Parquet reader's check)."""
    for name, (lo, hi) in ROW_BOUNDS.items():
        if name not in table.column_names:
            continue
        col = table.column(name)
        if col.null_count == len(col):
            continue
        import pyarrow.compute as pc

        lo_v, hi_v = pc.min_max(col).values()
        for v in (lo_v.as_py(), hi_v.as_py()):
            if v is not None and not lo <= v <= hi:
                return f"{name}={v}"
    return None


def cpu_id(text: str, where: str) -> int:
    """A CPU number from a name (per_cpu/cpuN) bounded by MAX_CPUS."""
    if not text.isdigit() or len(text) > 6 or int(text) >= MAX_CPUS:
        raise TmigrError(f"{where}: CPU id {text[:20]!r} out of range (at most {MAX_CPUS - 1})")
    return int(text)

