"""Arrow buffers from glibc's allocator while a large read runs.

Arrow's default allocator (mimalloc) hands freed segments back to the OS and asks for
transparent huge pages, so each batch read faults in fresh 2 MiB pages that the kernel zeroes:
10-15 % of a replay's time and ~50 MiB of peak RSS on this project's test box. glibc's allocator
keeps and reuses them. The pool is process-wide, so it is switched only for the read (buffers
remember the pool they came from).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pyarrow as pa


@contextmanager
def system_memory_pool() -> Iterator[None]:
    """Use glibc's allocator for the Arrow buffers made inside the block (no-op unless the
    default is mimalloc)."""
    pool = pa.default_memory_pool()
    if pool.backend_name != "mimalloc":
        yield
        return
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(pool)
