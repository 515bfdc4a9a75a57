"""The kernel's CPU-list notation ("0-3,8,10-11"), both ways: one parser, one formatter."""

from __future__ import annotations

from typing import Iterable


def parse_cpulist(text: str | None) -> list[int]:
    """'0-3,8,10-11' -> [0, 1, 2, 3, 8, 10, 11]; empty, None or '(null)' -> [].

    6.12 kernels print an empty nohz_full mask as '(null)'.
    """
    out: list[int] = []
    text = (text or "").strip()
    for part in ("" if text == "(null)" else text).replace(" ", "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        hi = hi.split(":")[0]  # "0-15:2/4" strides do not occur in these files; keep the range
        out.extend(range(int(lo), int(hi or lo) + 1))
    return sorted(set(out))


def format_cpulist(cpus: Iterable[int]) -> str:
    """[0, 1, 2, 3, 8] -> '0-3,8' (sorted, ranges of consecutive CPUs)."""
    cs = sorted(set(cpus))
    out: list[str] = []
    i = 0
    while i < len(cs):
        j = i
        while j + 1 < len(cs) and cs[j + 1] == cs[j] + 1:
            j += 1
        out.append(str(cs[i]) if i == j else f"{cs[i]}-{cs[j]}")
        i = j + 1
    return ",".join(out)
