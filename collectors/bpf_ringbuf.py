"""Reading a BPF ring buffer map directly through mmap, in batches: no Python call per record.

libbpf's ``ring_buffer__consume()`` (which BCC's ``open_ring_buffer`` wraps) calls back once per
record; from Python that is a ctypes callback of about 2-3 us each, more than the rest of the
capture costs per event. The map's memory layout is a kernel ABI (kernel/bpf/ringbuf.c,
``bpf_ringbuf_mmap_kern``; include/uapi/linux/bpf.h ``BPF_RINGBUF_*``):

* page 0 (read-write): ``consumer_pos`` (u64), advanced by the reader;
* page 1 (read-only): ``producer_pos`` (u64);
* then the data area of ``max_entries`` bytes, mapped twice in a row, so a record that wraps
  around the end is contiguous in memory.

Each record is an 8-byte header (``u32 len`` with bit 31 ``BPF_RINGBUF_BUSY_BIT`` while not yet
committed and bit 30 ``BPF_RINGBUF_DISCARD_BIT``, ``u32 pg_off``) then ``len`` bytes, padded to 8.
The collector's records all have the same size, so the unread part of the ring is a strided array
of records: one numpy view finds the committed prefix and copies it out at once.
"""

from __future__ import annotations

import mmap

import numpy as np

BUSY_BIT = 1 << 31
DISCARD_BIT = 1 << 30
HDR = 8


class FixedRingReader:
    """Consumer of a BPF ring buffer whose records are all ``record_size`` bytes."""

    def __init__(self, map_fd: int, size: int, record_size: int):
        if size & (size - 1):
            raise ValueError("a BPF ring buffer's size is a power of two")
        page = mmap.PAGESIZE
        self.size = size
        self.record_size = record_size
        self.stride = -(-(record_size + HDR) // 8) * 8
        self._cons_map = mmap.mmap(map_fd, page, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=0)
        self._data_map = mmap.mmap(map_fd, page + 2 * size, mmap.MAP_SHARED, mmap.PROT_READ, offset=page)
        self._cons = np.frombuffer(self._cons_map, dtype=np.uint64, count=1)
        self._prod = np.frombuffer(self._data_map, dtype=np.uint64, count=1)
        self._data = np.frombuffer(self._data_map, dtype=np.uint8, offset=page)
        self.discarded = 0

    def consume(self, max_bytes: int | None = None) -> bytes:
        """The committed records from the consumer position on, concatenated (headers removed);
        the consumer position moves past them, freeing their space for the kernel."""
        cons = int(self._cons[0])
        avail = int(self._prod[0]) - cons
        n = avail // self.stride
        if max_bytes is not None:
            n = min(n, max(1, max_bytes // self.record_size))
        if n <= 0:
            return b""
        start = cons & (self.size - 1)
        n = min(n, self.size // self.stride)
        recs = self._data[start:start + n * self.stride].reshape(n, self.stride)
        hdr = recs[:, :4].copy().view("<u4").ravel()
        busy = np.flatnonzero(hdr & BUSY_BIT)
        if busy.size:  # records are committed out of order: stop at the first one still busy
            n = int(busy[0])
            recs, hdr = recs[:n], hdr[:n]
        if n == 0:
            return b""
        length = hdr & ~np.uint32(BUSY_BIT | DISCARD_BIT)
        if (length != self.record_size).any():
            raise ValueError(f"ring buffer record of {int(length[length != self.record_size][0])} bytes, "
                             f"expected {self.record_size}")
        keep = (hdr & DISCARD_BIT) == 0
        self.discarded += int(n - np.count_nonzero(keep))
        out = np.ascontiguousarray(recs[keep, HDR:HDR + self.record_size]).tobytes()
        self._cons[0] = cons + n * self.stride  # release: x86-64/arm64 stores of one u64 are atomic
        return out

    def close(self) -> None:
        for name in ("_cons", "_prod", "_data"):
            setattr(self, name, None)
        for m in (self._cons_map, self._data_map):
            try:
                m.close()
            except (BufferError, ValueError):
                pass
