"""Where ``struct tmigr_group``'s state word lies, read from the running kernel's BTF at run time.

``capture --backend bcc --group-state`` reads each group's ``migr_state`` (an ``atomic_t`` holding
``union tmigr_state {u32 state; struct {u8 active; u8 migrator; u16 seq;}}``,
kernel/time/timer_migration.h) through the group pointer the tracepoint records. The offset of
that member, and those of ``active``/``migrator``/``seq`` inside the union, come from
``/sys/kernel/btf/vmlinux`` (CONFIG_DEBUG_INFO_BTF), never from a constant: the struct is private
to kernel/time and its layout changes with the kernel version and its configuration (the lock's
size with lockdep, for one).

The BTF is parsed by libbpf (``libbpf.so.1``, a dependency of Debian's BCC), through its stable
API: ``btf__load_vmlinux_btf``, ``btf__find_by_name_kind``, ``btf__type_by_id``,
``btf__name_by_offset``; the ``struct btf_type``/``struct btf_member`` records it returns are the
kernel's UAPI (include/uapi/linux/btf.h).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

from tmigr_trace.errors import TmigrError

VMLINUX_BTF = Path("/sys/kernel/btf/vmlinux")
LIBBPF = "libbpf.so.1"

# include/uapi/linux/btf.h
BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_ARRAY, BTF_KIND_STRUCT, BTF_KIND_UNION = 1, 2, 3, 4, 5
BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT = 8, 9, 10, 11
_MODIFIERS = (BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT)


class _BtfType(ctypes.Structure):
    _fields_ = [("name_off", ctypes.c_uint32), ("info", ctypes.c_uint32), ("size_or_type", ctypes.c_uint32)]


class _BtfMember(ctypes.Structure):
    _fields_ = [("name_off", ctypes.c_uint32), ("type", ctypes.c_uint32), ("offset", ctypes.c_uint32)]


@dataclass(frozen=True)
class Member:
    """A struct/union member as BTF describes it: byte offset within its parent, type id."""

    name: str
    byte_offset: int
    type_id: int


@dataclass(frozen=True)
class GroupStateLayout:
    """Byte offsets of the group state word and of its parts, and where they were read from."""

    migr_state_offset: int   # of tmigr_group.migr_state
    word_size: int           # sizeof(union tmigr_state): 4
    active_offset: int       # in the word
    migrator_offset: int
    seq_offset: int
    seq_size: int            # bytes: 2
    source: str

    def to_dict(self) -> dict:
        return {"struct": "tmigr_group", "member": "migr_state", "offset": self.migr_state_offset,
                "word_size": self.word_size, "active_offset": self.active_offset,
                "migrator_offset": self.migrator_offset, "seq_offset": self.seq_offset, "seq_size": self.seq_size,
                "source": self.source}


class _Btf:
    """The running kernel's BTF, loaded by libbpf (freed on close)."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(LIBBPF)
        except OSError as exc:
            raise TmigrError(f"--group-state needs libbpf ({LIBBPF}, Debian package libbpf1): {exc}") from None
        lib.btf__load_vmlinux_btf.restype = ctypes.c_void_p
        lib.btf__find_by_name_kind.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
        lib.btf__find_by_name_kind.restype = ctypes.c_int32
        lib.btf__type_by_id.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        lib.btf__type_by_id.restype = ctypes.c_void_p
        lib.btf__name_by_offset.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        lib.btf__name_by_offset.restype = ctypes.c_char_p
        lib.btf__free.argtypes = [ctypes.c_void_p]
        self.lib = lib
        self.btf = lib.btf__load_vmlinux_btf()
        if not self.btf:
            raise TmigrError(f"--group-state needs the kernel's BTF ({VMLINUX_BTF}, CONFIG_DEBUG_INFO_BTF): "
                             f"libbpf could not load it")

    def close(self) -> None:
        if self.btf:
            self.lib.btf__free(self.btf)
            self.btf = None

    def find(self, name: str, kind: int) -> int:
        tid = self.lib.btf__find_by_name_kind(self.btf, name.encode(), kind)
        if tid <= 0:
            what = {BTF_KIND_STRUCT: "struct", BTF_KIND_UNION: "union"}.get(kind, "type")
            raise TmigrError(f"--group-state: the kernel's BTF has no {what} {name}")
        return tid

    def kind_and_size(self, tid: int) -> tuple[int, int, int]:
        """(kind, size or referenced type, vlen) of type ``tid``."""
        t = _BtfType.from_address(self.lib.btf__type_by_id(self.btf, tid))
        return (t.info >> 24) & 0x1F, t.size_or_type, t.info & 0xFFFF

    def resolve(self, tid: int) -> int:
        """``tid`` with typedefs and qualifiers peeled off."""
        kind, ref, _ = self.kind_and_size(tid)
        while kind in _MODIFIERS:
            tid = ref
            kind, ref, _ = self.kind_and_size(tid)
        return tid

    def members(self, tid: int) -> list[Member]:
        """Members of a struct or union (bitfields are refused: none of ours is one)."""
        addr = self.lib.btf__type_by_id(self.btf, tid)
        t = _BtfType.from_address(addr)
        kflag, vlen = t.info >> 31, t.info & 0xFFFF
        out = []
        for i in range(vlen):
            m = _BtfMember.from_address(addr + ctypes.sizeof(_BtfType) + i * ctypes.sizeof(_BtfMember))
            bits = m.offset & 0xFFFFFF if kflag else m.offset
            if bits % 8 or (kflag and m.offset >> 24):
                raise TmigrError("--group-state: a bitfield where tmigr_state has bytes")
            name = self.lib.btf__name_by_offset(self.btf, m.name_off) or b""
            out.append(Member(name.decode(), bits // 8, m.type))
        return out

    def flat_members(self, tid: int, base: int = 0) -> dict[str, tuple[int, int]]:
        """Name -> (byte offset, type id) of every named member, anonymous structs/unions flattened."""
        out: dict[str, tuple[int, int]] = {}
        for m in self.members(tid):
            inner = self.resolve(m.type_id)
            kind, _, _ = self.kind_and_size(inner)
            if not m.name and kind in (BTF_KIND_STRUCT, BTF_KIND_UNION):
                out.update(self.flat_members(inner, base + m.byte_offset))
            elif m.name:
                out[m.name] = (base + m.byte_offset, inner)
        return out

    def size_of(self, tid: int) -> int:
        kind, size, _ = self.kind_and_size(self.resolve(tid))
        return size


def group_state_layout() -> GroupStateLayout:
    """The offsets of ``tmigr_group.migr_state`` and of ``active``/``migrator``/``seq`` in it."""
    if not VMLINUX_BTF.exists():
        raise TmigrError(f"--group-state needs the kernel's BTF: no {VMLINUX_BTF} (CONFIG_DEBUG_INFO_BTF)")
    btf = _Btf()
    try:
        group = btf.flat_members(btf.find("tmigr_group", BTF_KIND_STRUCT))
        if "migr_state" not in group:
            raise TmigrError("--group-state: struct tmigr_group has no migr_state in this kernel's BTF")
        offset, atomic = group["migr_state"]
        word_size = btf.size_of(atomic)
        state = btf.flat_members(btf.find("tmigr_state", BTF_KIND_UNION))
        missing = [n for n in ("active", "migrator", "seq") if n not in state]
        if missing:
            raise TmigrError(f"--group-state: union tmigr_state has no {', '.join(missing)} in this kernel's BTF")
        union_size = btf.size_of(btf.find("tmigr_state", BTF_KIND_UNION))
        if word_size != union_size or word_size != 4:
            raise TmigrError(f"--group-state: migr_state is {word_size} bytes and union tmigr_state "
                             f"{union_size}; expected one 32-bit word")
        return GroupStateLayout(
            migr_state_offset=offset, word_size=word_size, active_offset=state["active"][0],
            migrator_offset=state["migrator"][0], seq_offset=state["seq"][0], seq_size=btf.size_of(state["seq"][1]),
            source=f"BTF {VMLINUX_BTF} (libbpf)")
    finally:
        btf.close()


if __name__ == "__main__":
    print(group_state_layout())
