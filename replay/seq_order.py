"""The order of one group's state updates, from the ``seq`` of its state word (``--group-state``).

Every successful update of a group's ``union tmigr_state`` increments its 16-bit ``seq``
(``tmigr_active_up()``/``tmigr_inactive_up()``, kernel/time/timer_migration.c: ``newstate.seq++``
before ``atomic_try_cmpxchg()``), and each is traced once, right after its cmpxchg, as
``tmigr_group_set_cpu_active``/``_inactive`` (since v6.11, commit 92506741521f). The trace
stamps those events after the cmpxchg, on each CPU's own clock read, so two CPUs updating one
group within a microsecond or two can be stored in the other order; ``seq`` says which came first.

:func:`seq_order` takes one group's rows that carry ``migr_seq``, in the traced stream order, and
returns the kernel's order with what does not fit: updates missing from the trace (lost events),
rows the stream has in the other order than ``seq``, and rows whose value cannot be the update's
own. Pure and deterministic: no I/O, no model state.

What a row's ``seq`` is (docs/bcc.md, "Group state word"): the BPF handler reads the word after
the update, so for an update row it is the update's own ``seq`` unless another CPU updated the
group in between (then it is a later one: the caller marks such a row ``late`` when the word's
``active``/``migrator`` differ from the traced ones; two update rows with one ``seq`` are the
same case not caught that way). For a row of another event (``tmigr_update_events``,
``tmigr_handle_remote``) it is the state when the handler ran: after update ``seq`` and before
``seq + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

SEQ_MODULO = 1 << 16   # seq is a u16 (union tmigr_state)


@dataclass(frozen=True)
class GroupStateRow:
    """One row of one group: the caller's id for it, its ``migr_seq``, whether the event is an
    update (``tmigr_group_set_cpu_*``), and whether its word was read after a later update."""

    row: int
    seq: int
    update: bool
    late: bool = False


@dataclass(frozen=True)
class Gap:
    """``missing`` updates of the group lie between update rows ``after`` and ``before``."""

    after: int
    before: int
    missing: int


@dataclass(frozen=True)
class SeqOrder:
    """The kernel's order of one group's rows, and where the trace does not fit it (row ids)."""

    order: tuple[int, ...]                     # every row, in the kernel's order
    unwrapped: dict[int, int]                  # row -> seq without the u16 wrap (first row: as read)
    gaps: tuple[Gap, ...]                      # updates the trace lacks (lost or never recorded)
    reordered: tuple[tuple[int, int], ...]     # (a, b): stream has a before b, seq has b first
    duplicates: tuple[tuple[int, int], ...]    # two update rows with one seq: one read is late
    late: tuple[int, ...]                      # update rows marked late: their seq is an upper bound

    @property
    def exact(self) -> bool:
        """The order is the kernel's for every row: no late read, no duplicate, no gap."""
        return not (self.gaps or self.duplicates or self.late)


def unwrap(seqs: list[int]) -> list[int]:
    """u16 values in stream order -> integers, each the one nearest to the previous value
    (updates of a group between two traced rows are far fewer than 32768)."""
    out: list[int] = []
    for s in seqs:
        if not 0 <= s < SEQ_MODULO:
            raise ValueError(f"seq {s} is not a u16")
        if not out:
            out.append(s)
            continue
        prev = out[-1]
        delta = (s - prev) % SEQ_MODULO
        if delta >= SEQ_MODULO // 2:
            delta -= SEQ_MODULO
        out.append(prev + delta)
    return out


def seq_order(rows: list[GroupStateRow]) -> SeqOrder:
    """The kernel's order of one group's rows given in the traced stream order (see module doc).

    Updates are ordered by ``seq``; a non-update row goes after the update whose ``seq`` it read;
    equal keys keep the stream order."""
    values = unwrap([r.seq for r in rows])
    unwrapped = {r.row: v for r, v in zip(rows, values)}
    keyed = sorted(range(len(rows)), key=lambda i: (values[i], 0 if rows[i].update else 1, i))
    order = tuple(rows[i].row for i in keyed)

    reordered: list[tuple[int, int]] = []
    best = -1  # index of the update with the highest seq so far in stream order
    for i, r in enumerate(rows):
        if not r.update:
            continue
        if best >= 0 and values[i] < values[best]:
            reordered.append((rows[best].row, r.row))
        if best < 0 or values[i] > values[best]:
            best = i

    exact: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if r.update and not r.late:
            exact.setdefault(values[i], []).append(i)
    duplicates = [(rows[ix[0]].row, rows[j].row) for ix in exact.values() for j in ix[1:]]
    # reads that may stand for an earlier update: late rows, and all but one row of a duplicate;
    # each can fill one missing seq at or below its value (greedy from the lowest: a maximum match)
    floating = sorted([values[i] for i, r in enumerate(rows) if r.update and r.late]
                      + [v for v, ix in exact.items() for _ in ix[1:]])
    gaps: list[Gap] = []
    ordered = sorted(exact)
    for v0, v1 in zip(ordered, ordered[1:]):
        missing = 0 if floating else v1 - v0 - 1
        for slot in range(v0 + 1, v1) if floating else ():
            k = next((n for n, f in enumerate(floating) if f >= slot), None)
            if k is None:
                missing += 1
            else:
                floating.pop(k)
        if missing:
            gaps.append(Gap(rows[exact[v0][-1]].row, rows[exact[v1][0]].row, missing))
    late = tuple(r.row for r in rows if r.update and r.late)
    return SeqOrder(order, unwrapped, tuple(gaps), tuple(reordered), tuple(duplicates), late)


def update_chain(o: SeqOrder, rows: list[GroupStateRow]) -> list[int]:
    """The rows of the group's updates whose seq is exact (not late), in seq order: the chain
    :func:`kernel_order` keeps."""
    exact = {r.row for r in rows if r.update and not r.late}
    return [r for r in o.order if r in exact]


def kernel_order(cpus: list[int], chains: list[list[int]]) -> list[int] | None:
    """A stream order (row ids 0..n-1, ``cpus[i]`` the recording CPU of row i) changed as little
    as needed to respect each group's update ``chains`` (row ids in seq order, see
    :func:`update_chain`) as well as every CPU's own order: of the rows whose predecessors (on
    their CPU, in their chain) have all been placed, the first in stream order goes next. Rows
    that no chain holds back keep their order. None when the two orders contradict each other
    (a CPU's updates against their seq: a damaged trace)."""
    import heapq

    n = len(cpus)
    succ: list[list[int]] = [[] for _ in range(n)]
    preds = [0] * n
    last: dict[int, int] = {}
    for i, c in enumerate(cpus):
        if c in last:
            succ[last[c]].append(i)
            preds[i] += 1
        last[c] = i
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            succ[a].append(b)
            preds[b] += 1
    ready = [i for i in range(n) if preds[i] == 0]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        out.append(i)
        for j in succ[i]:
            preds[j] -= 1
            if preds[j] == 0:
                heapq.heappush(ready, j)
    return out if len(out) == n else None


def stream_permutation(cpus: list[int], groups: list[int], seqs: list[int], updates: list[bool],
                       late: list[bool]) -> list[int] | None:
    """For a buffer of rows in stream order (per row: recording CPU, group pointer, ``migr_seq``
    or -1 where the row has none, whether it is a ``tmigr_group_set_cpu_*`` update, whether its
    word was read late): the permutation of the rows into the kernel's order (:func:`kernel_order`
    over every group's :func:`update_chain`), or None when nothing moves or the orders contradict
    each other (then the stream order stays)."""
    by_group: dict[int, list[GroupStateRow]] = {}
    for i, (g, s) in enumerate(zip(groups, seqs)):
        if s >= 0:
            by_group.setdefault(g, []).append(GroupStateRow(i, s, updates[i], late[i]))
    chains = []
    for rows in by_group.values():
        o = seq_order(rows)
        if o.reordered:
            chains.append(update_chain(o, rows))
    if not chains:
        return None
    perm = kernel_order(cpus, chains)
    return None if perm is None or perm == list(range(len(cpus))) else perm
