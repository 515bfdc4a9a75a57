"""Which historical bug does a trace show? (`tmigr-trace replay X --which-bug`)

The model carries the fixed bugs of the timer-migration code as switchable faults
(:data:`tmigr_trace.replay.model.FAULTS`, numbered as in docs/model.md). This module replays one
trace through the public :func:`tmigr_trace.replay.api.replay` with the era's model as released and
then once more per historical fault of that era switched on, and compares the divergences: a fault
*fits* when its model diverges from the trace markedly less than the fixed one (none, or at most
half as often). Nothing of the engine is changed; each variant is an ordinary replay.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .errors import TmigrError
from .replay.api import replay
from .replay.model import FAULTS, get_profile, parse_release
from .replay.model.profiles import candidate_profiles

# Fault -> (commit title, release the fix went into, first release with the buggy code). Sources:
# the fixing commits in torvalds/linux (kernel/time/timer_migration.c history) and the tags that
# first contain them; the pull model itself came with 7ee988770326 in the v6.9 merge window.
FAULT_HISTORY: dict[str, tuple[str, str, str]] = {
    "early_return_always": ("timer/migration: Remove buggy early return on deactivation", "6.9-rc1", "6.9"),
    "no_stale_wakeup_reset": ("timers/migration: Fix endless timer requeue after idle interrupts", "6.9-rc2", "6.9"),
    "no_evtcpu_refresh": ("timers/migration: Fix ignored event due to missing CPU update", "6.9-rc3", "6.9"),
    "unpublished_groupmask": ("timers/migration: Fix another race between hotplug and idle entry/exit", "6.13", "6.9"),
    "root_test_off_by_one": ("timers/migration: Fix off-by-one root mis-connection", "6.14-rc2", "6.13"),
    "imbalanced_numa": ("timers/migration: Fix imbalanced NUMA trees", "6.19", "6.9"),
    "remote_self_skip": ("timers/migration: Fix livelock in tmigr_handle_remote_up()", "7.1", "6.9"),
}
MARKEDLY_FEWER = 0.5   # a fault fits if it leaves at most this share of the fixed model's divergences


def _mm(release: str) -> tuple[int, int]:
    rel = parse_release(release)
    return (rel[0], rel[1]) if rel else (0, 0)


def faults_of_era(profile: Any) -> list[str]:
    """Faults whose buggy code some release of `profile`'s era shipped before the fix (and that the
    era's model does not already carry): e.g. the 6.9 era gets #1, #3, #6 (fixed in 6.9-rc1..rc3,
    present in the v6.9 merge-window kernels) and #11; the 6.13 era gets #11 and #12."""
    releases = [_mm(r) for r in profile.releases if parse_release(r)]
    if not releases:
        return []
    first, last = min(releases), max(releases)
    out = []
    for name in FAULTS:
        if name in profile.default_faults:
            continue
        _, fixed, introduced = FAULT_HISTORY.get(name, ("", "99.0", "0.0"))
        if _mm(introduced) <= last and _mm(fixed) >= first:
            out.append(name)
    return out


@dataclass
class Variant:
    """One replay of the search: the fixed model of the era, or it with one fault switched on."""

    label: str
    fault: str | None
    number: int | None = None
    commit: str | None = None
    title: str | None = None
    fixed_in: str | None = None
    checked: int = 0
    diverged: int = 0
    undecidable: int = 0
    warmup_events: int = 0
    diverged_by_kind: dict[str, int] = field(default_factory=dict)
    verdict: str = ""           # baseline | fits | same | does not fit | not applicable
    error: str | None = None


@dataclass
class BugSearch:
    """The answer of ``replay --which-bug`` (``--json`` prints :meth:`to_dict`)."""

    trace: str
    events: int
    era: str
    era_evidence: str
    faults_tried: str
    baseline: Variant
    candidates: list[Variant]
    fits: list[str]
    verdict: str
    notes: list[str] = field(default_factory=list)

    @property
    def nothing_checked(self) -> bool:
        """No decision of the trace could be compared: no variant can fit or not fit."""
        return self.baseline.checked == 0

    @property
    def fixed_fits(self) -> bool:
        return not self.fits and self.baseline.diverged == 0 and not self.nothing_checked

    def to_dict(self) -> dict:
        return asdict(self)


def _variant(trace: Any, profile: str, fault: str | None, kernel: str | None, window_us: float) -> Variant:
    if fault is None:
        v = Variant(label=f"fixed ({profile} as released)", fault=None)
    else:
        number, commit, _ = FAULTS[fault]
        title, fixed_in, _ = FAULT_HISTORY.get(fault, ("", "unknown", ""))
        v = Variant(label=f"#{number} {commit} {fault}", fault=fault, number=number, commit=commit,
                    title=title or None, fixed_in=fixed_in)
    try:
        res = replay(trace, model=profile, fault=fault, kernel=kernel, window_us=window_us)
    except TmigrError as exc:
        v.verdict, v.error = "not applicable", str(exc)
        return v
    v.checked, v.diverged, v.undecidable, v.warmup_events = res.checked, res.diverged, res.undecidable, res.warmup_events
    v.diverged_by_kind = {k: c.diverged for k, c in res.by_kind.items() if c.diverged}
    close = getattr(res.divergences, "close", None)
    if close is not None:
        close()
    return v


def _era(trace: Any, model: str | None, kernel: str | None) -> tuple[Any, str, bool]:
    """(profile, why, decided): the era given, or proven by formats/release; else the one the
    replay's own profile trial picks (decided False: every historical fault is then tried)."""
    if model:
        return get_profile(model), "given (--model)", True
    meta = trace.meta
    release = kernel or meta.kernel_release
    profiles, why = candidate_profiles(meta.formats, meta.observed_fields, release)
    if len(profiles) == 1:
        return profiles[0], why, True
    res = replay(trace, kernel=kernel)
    close = getattr(res.divergences, "close", None)
    if close is not None:
        close()
    return get_profile(res.model_profile), f"{why}; the replay's trial picked {res.model_profile}", False


def which_bug(trace: Any, model: str | None = None, kernel: str | None = None,
              window_us: float = 50.0, all_faults: bool = False,
              on_variant: Callable[[int, int, str], None] | None = None) -> BugSearch:
    """Replay `trace` with the fixed model of its era and with each historical fault; say which fit.

    `all_faults`: try every fault of :data:`FAULTS` even when the era is known. `on_variant(done,
    total, name)` is called before each replay (the CLI's progress)."""
    if isinstance(trace, (str, os.PathLike)):
        from .trace import load
        trace = load(trace)
    if kernel is not None and parse_release(kernel) is None:
        raise TmigrError(f"--kernel {kernel!r} is not a kernel release (e.g. 6.9-rc1, 6.12.43)")
    try:
        profile, why, decided = _era(trace, model, kernel)
    except KeyError as exc:
        raise TmigrError(str(exc).strip("'\"")) from None
    if decided and not all_faults:
        names = faults_of_era(profile)
        tried = f"the faults of the {profile.name} era ({', '.join(profile.releases) or 'no release'})"
    else:
        names = [f for f in FAULTS if f not in profile.default_faults]
        tried = ("every historical fault" if decided else
                 "every historical fault (the release is unknown: --kernel R restricts them to R's era)")
    def tell(done: int, name: str) -> None:
        if on_variant is not None:
            on_variant(done, 1 + len(names), name)

    tell(0, f"fixed {profile.name}")
    base = _variant(trace, profile.name, None, kernel, window_us)
    if base.error:
        raise TmigrError(base.error)
    base.verdict = "baseline"
    cands = []
    for done, name in enumerate(names, 1):
        tell(done, name)
        cands.append(_variant(trace, profile.name, name, kernel, window_us))
    for c in cands:
        if c.error:
            continue
        if c.diverged < base.diverged and c.diverged <= base.diverged * MARKEDLY_FEWER:
            c.verdict = "fits"
        elif c.diverged == base.diverged:
            c.verdict = "same"
        elif c.diverged < base.diverged:
            c.verdict = "fewer, not markedly"
        else:
            c.verdict = "does not fit"
    fits = [c for c in cands if c.verdict == "fits"]
    fits.sort(key=lambda c: (c.diverged, c.number or 0))
    notes: list[str] = []
    tied = [c.commit or "" for c in cands if c.verdict == "same"]
    if tied and base.warmup_events:
        notes.append(f"{base.warmup_events} of the trace's events were replayed as warm-up (the model's "
                     "state before them is unknown): a decision there is compared only as far as the "
                     "trace proves its inputs, so a short fragment may not separate a fault from the fix")
    if base.checked == 0:
        verdict = (f"nothing checked: none of the {trace.num_events} events gave a decision the model could "
                   "compare, so no fault and not the fixed kernel can be said to fit")
    elif fits:
        best = fits[0].diverged
        named = [f"{c.commit} (fixed in {c.fixed_in})" for c in fits if c.diverged == best]
        verdict = f"fits {' or '.join(named)}, not the fixed kernel"
        more = [f"{c.commit}" for c in fits if c.diverged != best]
        if more:
            verdict += f" (also fewer divergences: {', '.join(more)})"
    elif base.diverged == 0:
        verdict = "fits the fixed kernel" + (f"; so do {', '.join(tied)}: this trace cannot tell them apart"
                                             if tied else "")
    elif tied and len(tied) == len([c for c in cands if not c.error]):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(base.diverged_by_kind.items()))
        verdict = (f"undecided: the fixed model and every fault diverge alike ({base.diverged}: {kinds}); "
                   "this trace cannot tell them apart")
    else:
        verdict = (f"no historical fault fits: the fixed model diverges {base.diverged} times and no "
                   "fault removes them (a new bug, or a model gap: see --explain)")
    if not cands:
        notes.append(f"the {profile.name} era has no historical fault beyond those its model carries "
                     f"({', '.join(sorted(profile.default_faults)) or 'none'})")
    return BugSearch(trace=str(trace.path), events=trace.num_events, era=profile.name, era_evidence=why,
                     faults_tried=tried, baseline=base, candidates=cands, fits=[c.fault for c in fits if c.fault],
                     verdict=verdict, notes=notes)


def render(search: BugSearch, out: Callable[[str], None], print_table: Callable[[Any], None]) -> None:
    """The text report: one row per variant, then the verdict. `out` prints a line, `print_table` a
    rich Table (the CLI's: drawn on a terminal, plain aligned columns when piped)."""
    from rich.table import Table

    out(f"which bug: {search.trace} ({search.events} events)")
    out(f"model era: {search.era} ({search.era_evidence}); tried {search.faults_tried}")
    table = Table("fault", "fixed by", "in", "checked", "diverged", "undecidable", "verdict")
    for name in ("checked", "diverged", "undecidable"):
        next(c for c in table.columns if c.header == name).justify = "right"
    for v in [search.baseline, *search.candidates]:
        name = f"#{v.number} {v.fault}" if v.fault else v.label
        table.add_row(name, v.commit or "", v.fixed_in or "", str(v.checked), str(v.diverged),
                      str(v.undecidable), v.verdict + (f": {v.error}" if v.error else ""))
    print_table(table)
    for c in search.candidates:
        if c.verdict == "fits" and c.title:
            out(f"{c.commit} \"{c.title}\" (fixed in {c.fixed_in})")
    out(f"verdict: {search.verdict}")
    for note in search.notes:
        out(f"note: {note}")
