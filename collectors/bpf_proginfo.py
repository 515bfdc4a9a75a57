"""``struct bpf_prog_info`` of a loaded BPF program, read with the bpf() syscall.

BCC does not expose ``BPF_OBJ_GET_INFO_BY_FD``; the capture needs two things from it: how often the
kernel skipped a program for recursion (``recursion_misses``, Linux 5.12) and, when
``kernel.bpf_stats_enabled`` is 1, the runs and run time of its handlers (the benchmark's in-kernel
cost per event). Offsets are those of include/uapi/linux/bpf.h, stable ABI (fields are appended).
"""

from __future__ import annotations

import ctypes
import os

SYS_BPF = {"x86_64": 321, "aarch64": 280, "riscv64": 280}
BPF_OBJ_GET_INFO_BY_FD = 15
PROG_INFO_SIZE = 232            # sizeof(struct bpf_prog_info), v6.x uapi/linux/bpf.h
RECURSION_MISSES_OFFSET = 208   # offsetof(struct bpf_prog_info, recursion_misses), v5.12+
RUN_TIME_NS_OFFSET, RUN_CNT_OFFSET = 192, 200  # counted while sysctl kernel.bpf_stats_enabled=1


def prog_info(fd: int) -> bytes | None:
    """``struct bpf_prog_info`` of a loaded program (BPF_OBJ_GET_INFO_BY_FD), or None."""
    nr = SYS_BPF.get(os.uname().machine)
    if nr is None:
        return None
    info = ctypes.create_string_buffer(PROG_INFO_SIZE)

    class Attr(ctypes.Structure):
        _fields_ = [("bpf_fd", ctypes.c_uint32), ("info_len", ctypes.c_uint32), ("info", ctypes.c_uint64)]

    attr = Attr(fd, PROG_INFO_SIZE, ctypes.addressof(info))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(nr, BPF_OBJ_GET_INFO_BY_FD, ctypes.byref(attr), ctypes.sizeof(attr)) != 0:
        return None
    return info.raw[:attr.info_len]


def prog_recursion_misses(fd: int) -> int:
    """How often the kernel skipped this program because a BPF program was already running on
    that CPU (``trace_call_bpf``'s ``bpf_prog_active`` guard: e.g. a softirq's event while one of
    our handlers ran, or while a bpf() map syscall ran there). 0 where the kernel cannot say."""
    info = prog_info(fd)
    if info is None or len(info) < RECURSION_MISSES_OFFSET + 8:
        return 0
    return int.from_bytes(info[RECURSION_MISSES_OFFSET:RECURSION_MISSES_OFFSET + 8], "little")
