"""`--fail-on` thresholds, in the spirit of rtla's: `divergences>0,lateness_p99>+20%,handoffs_per_s>+50%`.

A rule is METRIC OP VALUE with OP one of > >= < <=. A plain VALUE is an absolute threshold on the
candidate (or on the only set of a one-set report); a VALUE written +N% / -N% is relative to the
baseline: `lateness_p99>+20%` fails when candidate > baseline x 1.20. Metric names are those of
`aggregate.metrics` (report.json's `metrics`).

Exit codes (documented in docs/report.md): 0 no rule crossed, 1 a rule crossed, 3 a rule's metric
could not be computed (no samples: the gate cannot say), 2 bad input (including a bad rule).
"""

from __future__ import annotations

import operator
import re
from dataclasses import asdict, dataclass

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


def evaluate(rules: list[Rule], candidate: dict, baseline: dict | None) -> list[Verdict]:
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
        out.append(Verdict(r.text, r.metric, base, cur, limit, "fail" if crossed else "pass", how))
    return out


def exit_code(verdicts: list[Verdict]) -> int:
    if any(v.status == "fail" for v in verdicts):
        return EXIT_FAILED
    if any(v.status == "unknown" for v in verdicts):
        return EXIT_UNKNOWN
    return EXIT_OK
