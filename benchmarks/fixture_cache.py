"""Real traces of the repository imported once into Parquet, for the benchmarks (a cache keyed on
the source file and on the importer's own code: a Parquet an older importer made is stale)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def short_name(src: Path) -> str:
    """fixtures/host-6.18/trace.txt.gz -> host-trace; X.tar.gz / X.trace.txt.xz -> X."""
    n = src.name
    for suf in (".tar.gz", ".trace.txt.xz", ".txt.xz", ".txt.gz", ".parquet", ".dat.xz", ".dat",
                ".perfetto-trace.gz", ".perfetto-trace"):
        if n.endswith(suf):
            n = n[: -len(suf)]
            break
    return f"host-{n}" if src.parent.name == "host-6.18" else n


def to_parquet(src: Path, cache: Path) -> Path | None:
    """`tmigr-trace import src` into `cache` once; None (and one line on stderr) if it fails. A
    Parquet store (a live capture kept as a fixture) is used as it is."""
    if src.suffix == ".parquet":
        return src
    cache.mkdir(parents=True, exist_ok=True)
    st = src.stat()
    code = b"".join(p.read_bytes() for p in sorted((ROOT / "tmigr_trace" / "importers").glob("*.py")))
    key = hashlib.sha1(f"{src}:{st.st_size}:{st.st_mtime_ns}:".encode() + code).hexdigest()[:12]
    out = cache / f"{short_name(src)}-{key}.parquet"
    if not out.exists():
        p = subprocess.run(["tmigr-trace", "import", str(src), "-o", str(out), "--force"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"# {src}: import failed: {p.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            return None
    return out


KTIME_MAX = (1 << 63) - 1
EXPIRY_COLUMNS = ("wakeup", "nextevt", "group_next_expiry", "child_evt_expiry")


def shifted_copy(table, k: int, shift: int, seq_step: int):
    """Copy number `k` of a real trace's rows for a big benchmark input: stamps and real expiries
    (not 0, not KTIME_MAX) moved `k * shift` ns later, per-CPU seq `k * seq_step` on."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if name == "ts":
            col = pc.add(col, k * shift)
        elif name == "seq":
            col = pc.add(col, k * seq_step)
        elif name in EXPIRY_COLUMNS:
            real = pc.and_(pc.greater(col, 0), pc.not_equal(col, KTIME_MAX))
            col = pc.if_else(real, pc.add(col, k * shift), col)
        cols[name] = col
    return pa.table(cols, schema=table.schema)
