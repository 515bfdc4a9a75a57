"""`--fail-on` thresholds, in the spirit of rtla's: `divergences>0,lateness_p99>+20%,handoffs_per_s>+50%`.

A rule is METRIC OP VALUE with OP one of > >= < <=. A plain VALUE is an absolute threshold on the
candidate (or on the only set of a one-set report); a VALUE written +N% / -N% is relative to the
baseline: `lateness_p99>+20%` asks whether candidate > baseline x 1.20. Metric names are those of
`aggregate.metrics` (report.json's `metrics`).

A relative rule on a statistic of a distribution (mean, p50, p90, p99, max of `lateness`,
`handoffs_per_s`, ...) fails only when the data show the threshold crossed: the 95 % bootstrap
confidence interval of candidate - baseline x (1 + N/100) lies entirely beyond zero. Tail quantiles
of a few hundred samples move by tens of percent between two captures of the same kernel; a gate
on the point estimates would fail healthy kernels at random (`raw=True`, `--gate-raw`, does that).

Exit codes (documented in docs/report.md): 0 no rule crossed, 1 a rule crossed, 3 a rule's metric
could not be computed (no samples: the gate cannot say), 2 bad input (including a bad rule).
"""

from __future__ import annotations

import operator
import re
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import TmigrError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_RULE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*([+-]?\d+(?:\.\d+)?)\s*(%?)\s*$")


@dataclass
class Rule:
    text: str
    metric: str
    op: str
    value: float
    relative: bool


@dataclass
class Verdict:
    rule: str
    metric: str
    baseline: float | None
    candidate: float | None
    threshold: float | None
    status: str              # pass | fail | unknown
    why: str

    def to_dict(self) -> dict:
        return asdict(self)


def parse(spec: str, known: set[str] | None = None) -> list[Rule]:
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        m = _RULE.match(part)
        if not m:
            raise TmigrError(f"--fail-on {part!r}: expected METRIC OP VALUE, e.g. lateness_p99>+20% or divergences>0")
        metric, op, num, pct = m.groups()
        if known is not None and metric not in known:
            raise TmigrError(f"--fail-on {part!r}: unknown metric {metric!r}; known: {', '.join(sorted(known))}")
        relative = pct == "%"
        if relative and num[0] not in "+-":
            raise TmigrError(f"--fail-on {part!r}: a relative threshold is written +N% or -N%")
        rules.append(Rule(part, metric, op, float(num), relative))
    if not rules:
        raise TmigrError("--fail-on: no rule given")
    return rules


_STAT = {"mean": np.mean, "p50": lambda a, axis: np.percentile(a, 50, axis=axis),
         "p90": lambda a, axis: np.percentile(a, 90, axis=axis),
         "p99": lambda a, axis: np.percentile(a, 99, axis=axis), "max": np.max}
BOOTSTRAP_MAX = 4000


def _dist_stat(metric: str, dists: dict) -> tuple[str, str] | None:
    """(distribution, statistic) a metric reads, if it is a statistic of a distribution."""
    if metric in dists:
        return metric, "mean"
    base, _, stat = metric.rpartition("_")
    if base in dists and stat in _STAT:
        return base, stat
    return None


def crossing_ci(a: np.ndarray, b: np.ndarray, stat: str, factor: float, seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap CI of stat(b) - factor x stat(a) (seeded; at most BOOTSTRAP_MAX samples a side)."""
    rng = np.random.default_rng(seed)
    a = a if a.size <= BOOTSTRAP_MAX else rng.choice(a, BOOTSTRAP_MAX, replace=False)
    b = b if b.size <= BOOTSTRAP_MAX else rng.choice(b, BOOTSTRAP_MAX, replace=False)
    from scipy import stats as sps  # here, not at import: 1 s of start-up the --fail-on parsing does not need

    f = _STAT[stat]
    res = sps.bootstrap((a, b), lambda x, y, axis: f(y, axis=axis) - factor * f(x, axis=axis), paired=False,
                        vectorized=True, n_resamples=999, confidence_level=0.95, method="percentile",
                        random_state=rng)
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def evaluate(rules: list[Rule], candidate: dict, baseline: dict | None, cand_dists: dict | None = None,
             base_dists: dict | None = None, raw: bool = False) -> list[Verdict]:
    """Each rule on the candidate's metrics (and the baseline's, for relative rules); `*_dists`:
    name -> samples, for the confidence test of relative rules on distributions."""
    out = []
    for r in rules:
        cur = candidate.get(r.metric)
        base = baseline.get(r.metric) if baseline is not None else None
        if r.relative and baseline is None:
            raise TmigrError(f"--fail-on {r.text!r}: a relative threshold needs a baseline (--baseline / diff A B)")
        if cur is None or (r.relative and base is None):
            out.append(Verdict(r.text, r.metric, base, cur, None, "unknown",
                               f"{r.metric} has no value (no samples) on the "
                               f"{'candidate' if cur is None else 'baseline'}"))
            continue
        limit = base * (1 + r.value / 100.0) if r.relative else r.value
        crossed = _OPS[r.op](cur, limit)
        how = f"{r.metric} = {cur:.6g} {'' if crossed else 'not '}{r.op} {limit:.6g}"
        if r.relative:
            how += f" (baseline {base:.6g} {r.value:+g}%)"
        ds = _dist_stat(r.metric, cand_dists or {}) if r.relative and not raw else None
        if crossed and ds is not None and ds[0] in (base_dists or {}):
            a, b = base_dists[ds[0]], cand_dists[ds[0]]
            if a.size >= 3 and b.size >= 3:
                lo, hi = crossing_ci(a, b, ds[1], 1 + r.value / 100.0)
                sure = lo > 0 if r.op in (">", ">=") else hi < 0
                how += (f"; 95% CI of the excess [{lo:.4g}, {hi:.4g}] "
                        + ("excludes 0" if sure else "includes 0: not shown by the data"))
                crossed = sure
        out.append(Verdict(r.text, r.metric, base, cur, limit, "fail" if crossed else "pass", how))
    return out


def exit_code(verdicts: list[Verdict]) -> int:
    if any(v.status == "fail" for v in verdicts):
        return EXIT_FAILED
    if any(v.status == "unknown" for v in verdicts):
        return EXIT_UNKNOWN
    return EXIT_OK
