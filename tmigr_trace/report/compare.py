"""Baseline vs candidate, statistic by statistic, with tests on the distributions (scipy).

For each statistic both sides have samples of: the Mann-Whitney U test (two-sided; does one side
tend to larger values?) and the two-sample Kolmogorov-Smirnov test (does the shape differ?), Cliff's
delta as the effect size (P(B > A) - P(B < A), from U; magnitude by Romano et al. 2006), and a
bootstrap 95 % confidence interval of the difference of means (B - A). A change is *significant*
when its Mann-Whitney p-value, Holm-corrected over all statistics compared, is below `alpha` and
the effect is not negligible (|delta| >= 0.147).

Caveat, said in the report too: rate samples are 100 ms windows of the same captures, not
independent draws; pooling several captures per side is what makes the test meaningful.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .aggregate import Pooled

ALPHA = 0.05
NEGLIGIBLE = 0.147
KS_LIMIT_N = 10_000          # effective sample size n_a n_b / (n_a + n_b) above which KS uses the limit law
MIN_SAMPLES = 3
BOOTSTRAP_MAX = 4000        # samples per side the bootstrap resamples (a seeded subsample beyond)
BOOTSTRAP_RESAMPLES = 999


@dataclass
class Comparison:
    statistic: str
    unit: str
    n_a: int
    n_b: int
    mean_a: float | None = None
    mean_b: float | None = None
    p50_a: float | None = None
    p50_b: float | None = None
    p99_a: float | None = None
    p99_b: float | None = None
    mean_diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mwu_p: float | None = None
    mwu_p_holm: float | None = None
    ks_stat: float | None = None
    ks_p: float | None = None
    cliffs_delta: float | None = None
    magnitude: str = ""
    significant: bool = False
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def magnitude(delta: float) -> str:
    a = abs(delta)
    return "negligible" if a < NEGLIGIBLE else "small" if a < 0.33 else "medium" if a < 0.474 else "large"


def _subsample(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return x if x.size <= BOOTSTRAP_MAX else rng.choice(x, BOOTSTRAP_MAX, replace=False)


def ks_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Two-sided two-sample Kolmogorov-Smirnov D and p. Above KS_LIMIT_N effective samples the p
    is Kolmogorov's limit law (scipy.stats.kstwobign) at sqrt(n) D, where scipy's finite-n law
    (kstwo, what ks_2samp uses) takes up to seconds per statistic; they differ by < 1.5 % there."""
    from scipy import stats as sps

    en = a.size * b.size / (a.size + b.size)
    if en <= KS_LIMIT_N:
        ks = sps.ks_2samp(a, b)
        return float(ks.statistic), float(ks.pvalue)
    sa, sb = np.sort(a), np.sort(b)
    both = np.concatenate([sa, sb])
    d = float(np.max(np.abs(np.searchsorted(sa, both, side="right") / sa.size
                            - np.searchsorted(sb, both, side="right") / sb.size)))
    return d, float(np.clip(sps.kstwobign.sf(np.sqrt(round(en)) * d), 0.0, 1.0))


def compare_one(name: str, unit: str, a: np.ndarray, b: np.ndarray, seed: int = 0) -> Comparison:
    c = Comparison(name, unit, int(a.size), int(b.size))
    if a.size:
        c.mean_a, c.p50_a, c.p99_a = float(a.mean()), float(np.median(a)), float(np.percentile(a, 99))
    if b.size:
        c.mean_b, c.p50_b, c.p99_b = float(b.mean()), float(np.median(b)), float(np.percentile(b, 99))
    if a.size < MIN_SAMPLES or b.size < MIN_SAMPLES:
        c.note = f"too few samples (need {MIN_SAMPLES} per side)"
        return c
    c.mean_diff = c.mean_b - c.mean_a
    if np.all(a == a[0]) and np.all(b == b[0]) and a[0] == b[0]:
        c.note = "identical constant samples"
        c.mwu_p, c.ks_stat, c.ks_p, c.cliffs_delta, c.ci_low, c.ci_high = 1.0, 0.0, 1.0, 0.0, 0.0, 0.0
        c.magnitude = magnitude(0.0)
        return c
    from scipy import stats as sps  # imported when first needed (fleet.py warms it up during the replays)

    u = sps.mannwhitneyu(b, a, alternative="two-sided")
    c.mwu_p = float(u.pvalue)
    c.cliffs_delta = float(2.0 * u.statistic / (a.size * b.size) - 1.0)
    c.magnitude = magnitude(c.cliffs_delta)
    c.ks_stat, c.ks_p = ks_test(a, b)
    rng = np.random.default_rng(seed)
    sa, sb = _subsample(a, rng), _subsample(b, rng)
    boot = sps.bootstrap((sa, sb), lambda x, y, axis: np.mean(y, axis=axis) - np.mean(x, axis=axis),
                         paired=False, vectorized=True, n_resamples=BOOTSTRAP_RESAMPLES,
                         confidence_level=0.95, method="percentile", random_state=rng)
    c.ci_low, c.ci_high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    return c


def compare(a: Pooled, b: Pooled, alpha: float = ALPHA) -> list[Comparison]:
    """Every statistic of both sides, Holm-corrected together."""
    out = []
    for name in sorted(set(a.dists) & set(b.dists)):
        da, db = a.dists[name], b.dists[name]
        out.append(compare_one(name, da.unit, da.samples, db.samples))
    tested = sorted((c for c in out if c.mwu_p is not None), key=lambda c: c.mwu_p)
    m = len(tested)
    running = 0.0
    for i, c in enumerate(tested):
        running = max(running, min(1.0, (m - i) * c.mwu_p))
        c.mwu_p_holm = running
        c.significant = running < alpha and abs(c.cliffs_delta or 0.0) >= NEGLIGIBLE
    return out
