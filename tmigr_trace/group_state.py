"""The group state word of a ``--group-state`` BCC capture: per group, its rows for
:func:`tmigr_trace.replay.seq_order.seq_order`, and the summary ``info`` shows.

A row's ``migr_state`` is ``union tmigr_state`` as read by the BPF handler; where its parts lie in
the word was read from BTF at capture time and is kept in ``meta.extra.capture.group_state``
(``active_offset``, ``migrator_offset``, ``seq_offset``: byte offsets in the little-endian word).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .metadata import TraceMeta
from .replay.seq_order import GroupStateRow, SeqOrder, seq_order

UPDATE_EVENTS = ("tmigr_group_set_cpu_active", "tmigr_group_set_cpu_inactive")
COLUMNS = ["ts", "cpu", "seq", "event", "group", "active", "migrator", "migr_state", "migr_seq"]


@dataclass
class GroupSeqSummary:
    """One group's state words in a trace (``info``): counts and what :func:`seq_order` found."""

    group: str
    rows: int
    updates: int
    first_seq: int
    last_seq: int        # unwrapped: last_seq - first_seq updates between the first and last row
    missing_updates: int
    reordered: int
    late: int
    duplicates: int


def byte_offsets(meta: TraceMeta) -> tuple[int, int]:
    """Byte offsets of ``active`` and ``migrator`` in the word (from the capture's BTF reading)."""
    gs = (meta.extra.get("capture") or {}).get("group_state") or {}
    return int(gs.get("active_offset", 0)), int(gs.get("migrator_offset", 1))


def late_reads(df: pd.DataFrame, meta: TraceMeta) -> np.ndarray:
    """Per row: an update whose word's active/migrator differ from the traced ones, i.e. the word
    was read after another CPU's later update (its seq is an upper bound)."""
    a_off, m_off = byte_offsets(meta)
    word = df["migr_state"].astype("Int64").fillna(0).to_numpy(dtype=np.int64)
    upd = df["event"].astype(str).isin(UPDATE_EVENTS).to_numpy() & df["migr_state"].notna().to_numpy()
    act = df["active"].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
    mig = df["migrator"].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
    return upd & ((((word >> (8 * a_off)) & 0xFF) != act) | (((word >> (8 * m_off)) & 0xFF) != mig))


def rows_by_group(df: pd.DataFrame, meta: TraceMeta) -> dict[int, list[GroupStateRow]]:
    """Group pointer -> its rows with a state word, in stored (time) order; ``row`` is the row's
    position in ``df``."""
    have = df["migr_seq"].notna().to_numpy() & df["group"].notna().to_numpy()
    late = late_reads(df, meta)
    upd = df["event"].astype(str).isin(UPDATE_EVENTS).to_numpy()
    seq = df["migr_seq"].astype("Int64").fillna(0).to_numpy(dtype=np.int64)
    grp = df["group"].astype("UInt64").fillna(0).to_numpy(dtype=np.uint64)
    out: dict[int, list[GroupStateRow]] = {}
    for i in np.flatnonzero(have):
        out.setdefault(int(grp[i]), []).append(GroupStateRow(int(i), int(seq[i]), bool(upd[i]), bool(late[i])))
    return out


def orders(df: pd.DataFrame, meta: TraceMeta) -> dict[int, SeqOrder]:
    """Group pointer -> :func:`seq_order` of its rows."""
    return {g: seq_order(rows) for g, rows in rows_by_group(df, meta).items()}


def summarize(df: pd.DataFrame, meta: TraceMeta) -> list[GroupSeqSummary]:
    """Per group with state words: what ``info`` prints (empty when the capture has none)."""
    if "migr_seq" not in df or not df["migr_seq"].notna().any():
        return []
    out = []
    for g, rows in sorted(rows_by_group(df, meta).items()):
        o = seq_order(rows)
        vals = [o.unwrapped[r.row] for r in rows]
        out.append(GroupSeqSummary(
            group=f"{g:#x}", rows=len(rows), updates=sum(r.update for r in rows), first_seq=vals[0],
            last_seq=max(vals), missing_updates=sum(x.missing for x in o.gaps), reordered=len(o.reordered),
            late=len(o.late), duplicates=len(o.duplicates)))
    return out


def summary_dict(items: list[GroupSeqSummary]) -> dict:
    return {"groups": [asdict(x) for x in items]} if items else {}
