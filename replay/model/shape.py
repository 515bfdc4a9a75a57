"""The tree shape of a real capture, from its setup events, in the form of `Hierarchy.shape()`.

Setup tracepoints (``tmigr_group_set``, ``tmigr_connect_child_parent``,
``tmigr_connect_cpu_parent``) name groups by pointer. Groups are renamed ``GRP{lvl}:{n}`` with n
the order of their ``tmigr_group_set`` on that level, which is exactly how the model numbers the
groups it creates, so a model built from the same topology and bring-up order must produce an
identical shape, group for group and mask for mask.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["shape_from_setup_events"]


def shape_from_setup_events(records: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """`records`: (event name, fields) in trace order, pointers as any hashable value.

    Returns ``{"groups": [(id, lvl, node, parent id, groupmask-or-None, num_children)],
    "cpus": {cpu: (group id, groupmask)}, "pointers": {pointer: id}}``; groups are listed in
    creation order. A connect event for a pointer never announced by ``tmigr_group_set``
    (capture started after boot) creates the group on the fly from the event's level."""
    ids: dict[Any, str] = {}
    per_level: dict[int, int] = {}
    info: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    cpus: dict[int, tuple[str, int]] = {}

    def name(ptr: Any, lvl: int, node: Any) -> str:
        if ptr in ids:
            return ids[ptr]
        n = per_level.get(lvl, 0)
        per_level[lvl] = n + 1
        gid = f"GRP{lvl}:{n}"
        ids[ptr] = gid
        info[gid] = {"lvl": lvl, "node": node, "parent": None, "mask": None, "num_children": 0}
        order.append(gid)
        return gid

    def node_of(f: Mapping[str, Any]) -> Any:
        v = f.get("numa_node")
        return f.get("family") if v is None else v

    for ev, f in records:
        if ev == "tmigr_group_set":
            name(f["group"], int(f["lvl"]), node_of(f))
        elif ev == "tmigr_connect_child_parent":
            plvl = int(f["lvl"])
            parent = name(f["parent"], plvl, node_of(f))
            child = ids.get(f["child"]) or name(f["child"], plvl - 1, None)
            info[child]["parent"] = parent
            info[child]["mask"] = int(f["groupmask"])
            info[parent]["num_children"] = int(f["num_children"])
        elif ev == "tmigr_connect_cpu_parent":
            parent = name(f["parent"], int(f["lvl"]), node_of(f))
            cpus[int(f["target_cpu"])] = (parent, int(f["groupmask"]))
            info[parent]["num_children"] = int(f["num_children"])
    groups = [(g, info[g]["lvl"], info[g]["node"], info[g]["parent"], info[g]["mask"],
               info[g]["num_children"]) for g in order]
    return {"groups": groups, "cpus": dict(sorted(cpus.items())), "pointers": ids}
