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
    for suf in (".tar.gz", ".trace.txt.xz", ".txt.xz", ".txt.gz"):
        if n.endswith(suf):
            n = n[: -len(suf)]
            break
    return f"host-{n}" if src.parent.name == "host-6.18" else n


def to_parquet(src: Path, cache: Path) -> Path | None:
    """`tmigr-trace import src` into `cache` once; None (and one line on stderr) if it fails."""
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
