"""Version profiles: the kernel's behavioural eras as small named switches, plus historical faults.

One model, many kernels. A `Profile` only names *what differs* (see the version table of
docs/tmigr-kernel-reference.md §5); the transitions in `hierarchy.py` test these switches.

Setup strategies (how `tmigr_setup_groups` numbers masks and grows the root):

``connect_order``  v6.9 - v6.12: a child gets ``BIT(parent->num_children++)`` in connection order,
                   so the new CPU's branch gets 0x1 in a new root and the old root 0x2.
``prereserve``     v6.13 - v6.18 mainline (b729cc1ec21a): the first group created on a level has
                   its groupmask preset to 0x1 and, above level 0, slot 0 reserved: the old root is
                   0x1, the new branch 0x2.
``numa_root``      v6.19 and the 6.18.y/6.17.13/6.12.y stable backports of 5eb579dfd46b:
                   explicit ``tmigr_root``, per-node chains up to the cross-node level, a second
                   ``tmigr_setup_groups`` pass that links the old root through groups of its own node.

Faults (`FAULTS`) re-introduce fixed bugs by number of the reference's §6, so a test can show the
decision the buggy kernel made. A profile carries the faults its era really had (e.g. 6.13 has #12,
every kernel before 7.1 has #19); `Hierarchy(..., faults=...)` overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

__all__ = ["Profile", "PROFILES", "FAULTS", "select_profile", "get_profile", "parse_release",
           "release_profile", "STABLE_BACKPORTS", "candidate_profiles"]


# Fault name -> (reference §6 number, fixing commit, what the flag does in the model).
FAULTS: dict[str, tuple[int, str, str]] = {
    "early_return_always": (1, "4b6f4c5a67c0",
        "tmigr_update_events fast-returns for an ignored CPU event even without a parent: a "
        "single-level root never computes firstexp, the last idle CPU gets wakeup=KTIME_MAX"),
    "no_stale_wakeup_reset": (3, "f55acb1e44f3",
        "tmigr_handle_remote returns at once on a non-migrator even if its wakeup is set, so an "
        "overtaken idle migrator keeps its stale wakeup"),
    "no_evtcpu_refresh": (6, "61f7fdf8fd00",
        "tmigr_update_events keeps a queued event with unchanged expiry without refreshing its "
        "leaf CPU: the migrator expires the wrong CPU"),
    "unpublished_groupmask": (11, "b729cc1ec21a",
        "root growth without pre-reserved mask, and the walker activating the old root into the "
        "new root reads the not yet published groupmask 0: the new root gets migrator 0x00"),
    "root_test_off_by_one": (12, "868c9037df62",
        "v6.13 tests num_children == 1 on a new root (it is 2 after the reservation): the old "
        "root is never connected, two roots"),
    "imbalanced_numa": (14, "5eb579dfd46b",
        "pre-6.19 setup: a CPU of another node attaches to the current root's level, an old "
        "node-A root is linked under a node-B group below the cross-node level"),
    "remote_self_skip": (19, "d486b4934a8e",
        "tmigr_handle_remote_cpu skips timer_expire_remote for the local CPU: its due event is "
        "requeued with the same expiry and tmigr_handle_remote_up loops (livelock)"),
}


@dataclass(frozen=True)
class Profile:
    """Switches of one behavioural era. Compare by `name`."""

    name: str
    doc: str
    setup: str = "prereserve"                   # connect_order | prereserve | numa_root
    setup_on_target: bool = False               # v6.9/6.10: setup in the AP online callback
    late_init: bool = False                     # late_initcall (6.9/6.10, June-2026)
    prepares_before_onlines: bool = False       # June-2026: all boot prepares, then onlines
    old_root_activation: str = "always"         # if_migrator (6.9) | always | if_active (7.1+)
    old_root_via_available_cpu: bool = False    # June-2026: connect old root on an available CPU
                                                # (or unactivated), old-root pass keyed on start
    available_naming: bool = False              # tmigr_cpu_available/unavailable (6.19+)
    isolation: bool = False                     # domain-isolated CPUs excluded (6.19+)
    handoff: str = "online_but_self"            # online_but_self | first_available | same_tree
    inactive_trace_after_update: bool = False   # 6.9/6.10 tracepoint placement
    connect_field: str = "groupmask"            # childmask before 6.11 (format detection only)
    node_field: str = "numa_node"               # family in the June-2026 series
    capacity_field: bool = False                # 7.2-era connect events carry capacity
    per_capacity: bool = False                  # 7.2-era tip: one tree per CPU capacity
    family_by_capacity: bool = False            # June-2026: families are capacities if asymmetric
    default_faults: frozenset[str] = frozenset()
    releases: tuple[str, ...] = ()

    def with_faults(self, *names: str) -> frozenset[str]:
        return self.default_faults | frozenset(names)

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.name


_PRE71 = frozenset({"remote_self_skip"})

_P = [
    Profile("6.9", "v6.9/v6.10: setup on the incoming CPU at late init, masks in connection "
            "order, old root activated only if it has a migrator, childmask field names",
            setup="connect_order", setup_on_target=True, late_init=True,
            old_root_activation="if_migrator", inactive_trace_after_update=True,
            connect_field="childmask", default_faults=_PRE71 | {"imbalanced_numa"},
            releases=("6.9", "6.10")),
    Profile("6.11", "v6.11/v6.12: prepare callback on the control CPU, masks in connection "
            "order, old root activated unconditionally",
            setup="connect_order", default_faults=_PRE71 | {"imbalanced_numa"},
            releases=("6.11", "6.12")),
    Profile("6.13", "v6.13: new top pre-reserves slot 0 (old root 0x1) but the old root is never "
            "connected (bug #12)", setup="prereserve",
            default_faults=_PRE71 | {"imbalanced_numa", "root_test_off_by_one"}, releases=("6.13",)),
    Profile("6.14", "v6.14 .. v6.18 mainline: pre-reserved slot 0, old root connected",
            setup="prereserve", default_faults=_PRE71 | {"imbalanced_numa"},
            releases=("6.14", "6.15", "6.16", "6.17", "6.18")),
    Profile("6.18.y-numa", "6.18.y / 6.17.13+ / 6.12.y stable with the backported NUMA fix: "
            "6.19 setup (tmigr_root, per-node chains, second pass for the old root) with 6.18 "
            "tracepoints (tmigr_cpu_online/offline); what this machine's 6.18.44 runs",
            setup="numa_root", default_faults=_PRE71, releases=("6.18.y", "6.17.13", "6.12.y")),
    Profile("6.19", "v6.19 .. v7.0: NUMA-balanced trees, available/unavailable, isolation",
            setup="numa_root", available_naming=True, isolation=True, handoff="first_available",
            default_faults=_PRE71, releases=("6.19", "7.0")),
    Profile("7.1", "v7.1: old root activated only if observed active; local wheel always expired "
            "in remote handling", setup="numa_root", available_naming=True, isolation=True,
            handoff="first_available", old_root_activation="if_active", releases=("7.1",)),
    Profile("7.2-capacity", "7.2-era tip/timers/core: one tree per CPU capacity, capacity field "
            "in connect events", setup="numa_root", available_naming=True, isolation=True,
            handoff="same_tree", old_root_activation="if_active", capacity_field=True,
            per_capacity=True, releases=("7.2",)),
    Profile("june2026", "June-2026 RFC (Weisbecker): late_initcall, all prepares before onlines, "
            "old root connected through an available CPU, family = capacity or node",
            setup="numa_root", available_naming=True, isolation=True, handoff="first_available",
            late_init=True, prepares_before_onlines=True, old_root_activation="if_active",
            old_root_via_available_cpu=True, node_field="family", family_by_capacity=True),
]
PROFILES: dict[str, Profile] = {p.name: p for p in _P}
_ALIASES = {"6.10": "6.9", "6.12": "6.11", "6.15": "6.14", "6.16": "6.14", "6.17": "6.14",
            "6.18": "6.14", "7.0": "6.19", "6.18.y": "6.18.y-numa", "6.17.13": "6.18.y-numa",
            "6.12.y-numa": "6.18.y-numa", "7.2": "7.2-capacity", "family": "june2026"}


def get_profile(name: str | Profile) -> Profile:
    """A profile by name or alias (e.g. ``"6.18.y"``, ``"7.0"``); a Profile passes through."""
    if isinstance(name, Profile):
        return name
    key = _ALIASES.get(name, name)
    try:
        return PROFILES[key]
    except KeyError:
        raise KeyError(f"unknown model profile {name!r}; known: {', '.join(PROFILES)}") from None


def parse_release(release: str | None) -> tuple[int, int, int] | None:
    """'6.18.44-amd64' -> (6, 18, 44); '7.1.0-rc3' -> (7, 1, 0); None/garbage -> None."""
    if not release:
        return None
    m = re.match(r"\s*(\d+)\.(\d+)(?:\.(\d+))?", release)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def _fields_of(event: str, formats: Mapping[str, str], observed: Mapping[str, Sequence[str]]) -> set[str]:
    names: set[str] = set(observed.get(event, ()) or ())
    text = formats.get(event) or formats.get(f"timer_migration/{event}") or ""
    names.update(re.findall(r"field:[^;]*?\b(\w+)(?:\[\d*\])?;", text))
    names.update(re.findall(r"\b(\w+)=%", text))  # print fmt keys
    return names


def select_profile(formats: Mapping[str, str] | None = None,
                   observed_fields: Mapping[str, Sequence[str]] | None = None,
                   kernel_release: str | None = None) -> Profile:
    """Choose the profile for a trace. Formats and observed field names win over the release.

    `formats`: event name -> text of its tracefs ``format`` file (or any text containing
    ``field:...;`` lines); `observed_fields`: event name -> field/print-key names seen in the
    trace (text traces). Rules, in order:

    * ``family`` field anywhere -> ``june2026``; ``capacity`` in a connect event -> ``7.2-capacity``;
    * ``tmigr_cpu_available``/``unavailable`` exist -> 6.19+: ``7.1`` if the release is >= 7.1,
      else ``6.19``;
    * connect events print ``childmask`` -> ``6.9``;
    * otherwise (``groupmask``, online/offline) by release *including the stable point*
      (`release_profile`, `STABLE_BACKPORTS`): 6.11, 6.12.0-10 -> ``6.11``; 6.12.11-13, 6.13.0-2
      -> ``6.13``; 6.12.14+, 6.13.3+, 6.14..6.18.1 -> ``6.14``; 6.17.13+, 6.18.2+ ->
      ``6.18.y-numa``; a 6.19+ release whose trace shows no naming event and has no formats -> its
      own era (``6.19``, ``7.1``, ``7.2-capacity``); unknown release -> ``6.18.y-numa``.
    """
    formats = formats or {}
    observed = observed_fields or {}
    rel = parse_release(kernel_release)
    events = set(formats) | set(observed)
    events = {e.split("/")[-1].split(":")[-1] for e in events}
    all_fields: set[str] = set()
    for ev in events:
        all_fields |= _fields_of(ev, formats, observed)
    connect = (_fields_of("tmigr_connect_child_parent", formats, observed)
               | _fields_of("tmigr_connect_cpu_parent", formats, observed))
    if "family" in all_fields:
        return PROFILES["june2026"]
    if "capacity" in connect:
        return PROFILES["7.2-capacity"]
    if {"tmigr_cpu_available", "tmigr_cpu_unavailable"} & events:
        if rel is not None and rel[:2] >= (7, 1):
            return PROFILES["7.1"]
        return PROFILES["6.19"]
    if "childmask" in connect:
        return PROFILES["6.9"]
    if rel is None:
        return PROFILES["6.18.y-numa"]
    return release_profile(rel, formats_known=bool(formats) or "tmigr_cpu_online" in events
                           or "tmigr_cpu_offline" in events)


# Stable releases that carry later tmigr fixes (first release containing the backport). Sources:
# the stable review/push mails found for each backport (see docs/model.md, "Profile selection").
#  * b729cc1ec21a "Fix another race between hotplug and idle entry/exit" (+ de3ced72a792):
#    6.12.11 ("[PATCH 6.12 000/121] 6.12.11-rc2 review", 2025-01-22, shortlog lists both);
#    on its own it brings bug #12 (the 6.13 root test) -> 6.12.11 .. 6.12.13 behave like v6.13.
#  * 868c9037df62 "Fix off-by-one root mis-connection": 6.12.14 (linux-6.12.y c6dd70e5b465, the
#    6.12.14-rc1/-rc2 push lists and the 6.12.14 tag) and 6.13.3 (b6462e7efe48, 6.13.3-rc1).
#  * 5eb579dfd46b "Fix imbalanced NUMA trees" (+ fa9620355d41, 6c181b5667ee): 6.17.13
#    ("[PATCH 6.17 000/506] 6.17.13-rc2 review", 2025-12-16) and 6.18.2 (linux-6.18.y
#    d4b3a4c2aa7b, push list ending at "Linux 6.18.2"). For 6.12.y a backport series was posted
#    ("[PATCH v2 6.12.y 0/7] timers/migration: Backport fixes and cleanups from mainline",
#    2026-03-21) but no 6.12.y release with it was found; the lab's 6.12.43 and 6.12.107 captures
#    both trace the pre-NUMA-fix setup order (old root linked before connect_cpu_parent), so every
#    6.12.y maps to the 6.14 era here.
STABLE_BACKPORTS: tuple[tuple[tuple[int, int], int, str], ...] = (
    ((6, 12), 14, "6.14"),
    ((6, 12), 11, "6.13"),
    ((6, 13), 3, "6.14"),
    ((6, 17), 13, "6.18.y-numa"),
    ((6, 18), 2, "6.18.y-numa"),
)


def release_profile(rel: tuple[int, int, int], formats_known: bool = False) -> Profile:
    """The era of a kernel release (major, minor, stable point) when the formats do not decide.

    `formats_known`: the trace's formats/events show the pre-6.19 names (``tmigr_cpu_online``):
    a newer release string then still gets the newest era with those names."""
    major_minor, point = rel[:2], rel[2]
    for mm, first, name in STABLE_BACKPORTS:
        if major_minor == mm and point >= first:
            return PROFILES[name]
    if major_minor <= (6, 10):
        return PROFILES["6.9"]
    if major_minor in ((6, 11), (6, 12)):
        return PROFILES["6.11"]
    if major_minor == (6, 13):
        return PROFILES["6.13"]
    if (6, 14) <= major_minor <= (6, 18):
        return PROFILES["6.14"]
    if formats_known:
        # 6.19+ renamed online/offline; a trace that shows the old names is a 6.18-style kernel.
        return PROFILES["6.18.y-numa"]
    # No formats and no naming event in the trace (e.g. a boot capture without setup or hotplug
    # events): the release decides.
    if major_minor >= (7, 2):
        return PROFILES["7.2-capacity"]
    if major_minor >= (7, 1):
        return PROFILES["7.1"]
    return PROFILES["6.19"]


def candidate_profiles(formats: Mapping[str, str] | None = None,
                       observed_fields: Mapping[str, Sequence[str]] | None = None,
                       kernel_release: str | None = None) -> tuple[list[Profile], str]:
    """The profiles a trace's evidence admits, most likely first, and why.

    One profile when the evidence decides (`select_profile`'s rules: tracefs formats, a known
    release, or a field only one era prints); otherwise every era that prints what the trace
    shows, for the replay to try: a text trace without setup or hotplug events and without a
    release cannot tell 6.19 from 7.1 (both print ``tmigr_cpu_available``; 7.1 fixed the remote
    livelock d486b4934a8e and the old-root race bd3c45dd0128) or from the 7.2-era trees (whose
    only print difference is ``capacity=`` in connect events).
    """
    formats = formats or {}
    observed = observed_fields or {}
    chosen = select_profile(formats, observed, kernel_release)
    if formats:
        return [chosen], "tracefs formats"
    if kernel_release and parse_release(kernel_release):
        return [chosen], f"kernel release {kernel_release}"
    events = {e.split("/")[-1].split(":")[-1] for e in observed}
    connect = (_fields_of("tmigr_connect_child_parent", formats, observed)
               | _fields_of("tmigr_connect_cpu_parent", formats, observed))
    all_fields: set[str] = set()
    for ev in events:
        all_fields |= _fields_of(ev, formats, observed)
    if "family" in all_fields:
        return [chosen], "family= printed (June-2026 series)"
    if "capacity" in connect:
        return [chosen], "capacity= in connect events (7.2-era)"
    if "childmask" in connect:
        return [chosen], "childmask= in connect events (v6.9/v6.10)"
    if {"tmigr_cpu_available", "tmigr_cpu_unavailable"} & events:
        names = ["7.1", "6.19"] + ([] if connect else ["7.2-capacity"])
        why = "tmigr_cpu_available/unavailable (6.19+); no release" + (
            "" if connect else ", no connect events (capacity= unknown)")
        return [PROFILES[n] for n in names], why
    if {"tmigr_cpu_online", "tmigr_cpu_offline"} & events or connect:
        return ([PROFILES[n] for n in ("6.18.y-numa", "6.14", "6.11")],
                "groupmask= / tmigr_cpu_online (6.11 .. 6.18); no release")
    # (the older eras print the same state and walk events, with the same names and fields:
    # connect, online/offline and available/unavailable events tell them apart, none of which
    # such a trace has; the replay of each tells the rest, e.g. v6.9/6.10's update row before its
    # deactivation row)
    return ([PROFILES[n] for n in ("7.1", "6.19", "6.18.y-numa", "6.14", "6.13", "6.11", "6.9")],
            "no naming event, no setup event and no release")
