"""report.html (self-contained: inline CSS and SVG, no script, no network) and report.md."""

from __future__ import annotations

import html
from typing import Any, Iterable

from .model import DEFINITIONS, Report
from ..replay.result import KINDS

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.bad{background:#fde2e1;color:#9b1c1c;font-weight:bold}.good{background:#e3f6e5;color:#1b5e20}
.banner{padding:.7em 1em;border-radius:4px;font-size:1.1em;margin:.6em 0}
.sig{font-weight:bold}pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.8em}
figure{margin:1em 0}td.t{text-align:left}.scroll{overflow-x:auto}
tr.sig td{background:#fff4c2;font-weight:bold}figcaption{font-size:.85em;color:#555}
"""


def _f(v: Any, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


HTML_DIVERGENCES = 10      # per capture in the page (report.json keeps analyze.FIRST_DIVERGENCES)
KTIME_MAX = 2**63 - 1


def value(v: Any) -> str:
    """An expected / observed value as the replay prints it (KTIME_MAX by name, dicts as k=v)."""
    if isinstance(v, int) and v == KTIME_MAX:
        return "KTIME_MAX"
    if isinstance(v, dict):
        return " ".join(f"{k}={value(x)}" for k, x in v.items())
    return str(v)


def _captures(n: int) -> str:
    return f"{n} capture{'' if n == 1 else 's'}"


def _align(v: Any) -> str:
    return "" if isinstance(v, (int, float)) and not isinstance(v, bool) else ' class="t"'


def _table(tid: str, head: Iterable[str], rows: Iterable[Iterable[Any]], row_class=None) -> str:
    out = [f'<table id="{tid}"><thead><tr>' + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for i, r in enumerate(rows):
        cls = row_class(i) if row_class else ""
        out.append(f'<tr{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>'
                   + "".join(f"<td{_align(c)}>{html.escape(_f(c))}</td>" for c in r) + "</tr>")
    return '<div class="scroll">' + "\n".join(out) + "</tbody></table></div>"


def capture_rows(rep: Report) -> list[list[Any]]:
    rows = []
    for c in rep.captures:
        prof = (c.replay.get("evidence") or {}).get("profile") or {}
        h = c.replay.get("hierarchy") or {}
        ev = c.replay.get("evidence") or {}
        rows.append([c.side, c.name, c.host, c.kernel or "?",
                     f"{prof.get('chosen') or c.replay.get('model_profile')} ({prof.get('evidence', '')})"
                     + (f" + FAULT {','.join(c.faults)}" if c.faults else ""),
                     f"{h.get('cpus')} CPUs, {len(ev.get('nodes') or [])} nodes, {h.get('levels')} levels",
                     round(c.stats.duration_s, 3), c.info["events"], c.info["lost_events_total"],
                     c.replay["checked"], c.replay["diverged"], round(100 * c.replay["not_decidable_fraction"], 2)])
    return rows


CAPTURE_HEAD = ["side", "capture", "host", "kernel", "profile (evidence)", "topology", "duration s", "events",
                "lost", "checks", "divergences", "not decidable %"]


def kind_rows(rep: Report) -> list[list[Any]]:
    rows = []
    for kind in KINDS:
        row: list[Any] = [kind]
        for p in rep.sides.values():
            tot = {k: sum(c.replay["by_kind"][kind][k] for c in p.captures) for k in ("checked", "agreed", "diverged", "undecidable")}
            row += [tot["checked"], tot["agreed"], tot["diverged"], tot["undecidable"]]
        rows.append(row)
    return rows


def kind_head(rep: Report) -> list[str]:
    head = ["check kind"]
    for s in rep.sides:
        head += [f"{s} checked", f"{s} agreed", f"{s} diverged", f"{s} not decidable"]
    return head


STAT_HEAD = ["statistic", "unit", "n", "mean", "p50", "p90", "p99", "max"]


def stat_rows(p) -> list[list[Any]]:
    rows = []
    for k, d in sorted(p.dists.items()):
        s = d.summary()
        rows.append([k, d.unit, s["n"], s.get("mean"), s.get("p50"), s.get("p90"), s.get("p99"), s.get("max")])
    return rows


COMPARE_HEAD = ["statistic", "unit", "n A", "n B", "mean A", "mean B", "p99 A", "p99 B", "B-A mean (95% CI)",
                "MWU p (Holm)", "KS D", "KS p", "Cliff's delta", "effect", "significant"]


def compare_rows(rep: Report) -> list[list[Any]]:
    rows = []
    for c in rep.comparisons:
        ci = "-" if c.mean_diff is None else f"{c.mean_diff:.4g} [{_f(c.ci_low)}, {_f(c.ci_high)}]"
        rows.append([c.statistic, c.unit, c.n_a, c.n_b, c.mean_a, c.mean_b, c.p99_a, c.p99_b, ci,
                     c.mwu_p_holm, c.ks_stat, c.ks_p, c.cliffs_delta, c.magnitude or c.note, c.significant])
    return rows


def headline(rep: Report) -> tuple[str, bool]:
    """One line on top: divergences first (they mean the model and a kernel disagree), then the gate."""
    div = sum(c.replay["diverged"] for c in rep.captures)
    bad_caps = [c for c in rep.captures if c.replay["diverged"]]
    parts = []
    if div:
        parts.append(f"{div} DIVERGENCES in {len(bad_caps)} of {_captures(len(rep.captures))} "
                     f"({', '.join(c.name for c in bad_caps[:4])}{' ...' if len(bad_caps) > 4 else ''})")
    else:
        parts.append(f"no divergences in {_captures(len(rep.captures))}")
    if rep.verdicts is not None:
        failed = [v for v in rep.verdicts if v.status == "fail"]
        unknown = [v for v in rep.verdicts if v.status == "unknown"]
        if failed:
            parts.append("gate FAILED: " + "; ".join(v.why for v in failed))
        elif unknown:
            parts.append("gate UNDECIDED: " + "; ".join(v.why for v in unknown))
        else:
            parts.append("gate passed")
    sig = [c.statistic for c in rep.comparisons if c.significant]
    if rep.compare_mode:
        parts.append(f"significant changes: {', '.join(sig)}" if sig else "no significant change")
    bad = bool(div) or rep.exit_code != 0
    return ". ".join(parts) + ".", bad


def _figure(fid: str, svg: str, caption: str) -> str:
    return f'<figure id="{fid}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'


def figures(rep: Report) -> list[tuple[str, str, str]]:
    from . import plots  # matplotlib: imported when the first report is drawn, not by `diff`

    sides = list(rep.sides.values())
    figs = [("fig-divergences", plots.divergences(rep.captures),
             "Divergences over time per capture (colour: check kind). Empty rows: kernel and model agree.")]
    for p in sides:
        if p.captures:
            c = p.captures[0]
            a, b = c.stats.timeline_s
            figs.append((f"fig-timeline-{p.name}", plots.timeline(c),
                         f"Migrator of each group from {a:g} s to {b:g} s of {c.name} (grey: TMIGR_NONE; "
                         "--timeline START:END chooses the window)."))
    figs += [
        ("fig-lateness", plots.ecdf(sides, "lateness", "lateness (us)", "Lateness of global timers expired remotely", log=True),
         "ECDF and histogram of the lateness of remote expiries (handling time minus published expiry)."),
        ("fig-handoffs", plots.per_level(sides, "Migrator hand-offs per level"),
         "Hand-offs per second per level, 100 ms windows (box: quartiles, triangle: mean)."),
        ("fig-walks", plots.walk_levels(sides), "Levels changed by each idle walk."),
        ("fig-remote", plots.remote_nodes([(f"{s} {h}", hp) for s in rep.sides for h, hp in rep.hosts[s].items()]
                                          + [(f"{s} (pooled)", p) for s, p in rep.sides.items()]),
         "Remote expiries per second by who handled them, per host and pooled."),
        ("fig-group-idle", plots.ecdf(sides, "group_idle", "interval with no active child (us)",
                                      "Time with no active CPU in a group", log=True),
         "ECDF of the intervals in which a group had no active child."),
    ]
    return figs


def render_html(rep: Report) -> str:
    line, bad = headline(rep)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>tmigr-trace report</title>", f"<style>{CSS}</style></head><body>",
           "<h1>tmigr-trace report: " + html.escape(" vs ".join(f"{s} ({_captures(len(p.captures))})" for s, p in rep.sides.items())) + "</h1>",
           f'<div id="headline" class="banner {"bad" if bad else "good"}">{html.escape(line)}</div>']
    if rep.verdicts is not None:
        out += [f"<h2>Gate <code>--fail-on {html.escape(rep.gate_spec or '')}</code>: exit {rep.exit_code}</h2>",
                _table("gate", ["rule", "baseline", "candidate", "threshold", "status", "why"],
                       [[v.rule, v.baseline, v.candidate, v.threshold, v.status.upper(), v.why] for v in rep.verdicts],
                       lambda i: "bad" if rep.verdicts[i].status != "pass" else "good")]
    out += ["<h2>Captures</h2>", _table("captures", CAPTURE_HEAD, capture_rows(rep),
                                         lambda i: "bad" if rep.captures[i].replay["diverged"] else "")]
    out += ["<h2>Replay agreement per check kind</h2>", _table("kinds", kind_head(rep), kind_rows(rep),
                                                               lambda i: "bad" if any(r for r in kind_rows(rep)[i][3::4]) else "")]
    out.append("<h2>Divergences</h2>")
    divcaps = [c for c in rep.captures if c.divergences]
    if not divcaps:
        out.append('<p id="no-divergences">None: every decidable check agreed.</p>')
    rows = [[c.side, c.name, n, d["index"], f"{d['ts'] / 1e9:.6f}" if d["ts"] else "-", d["cpu"], d["kind"], d["what"],
             value(d["expected"]), value(d["observed"])]
            for c in divcaps for n, d in enumerate(c.divergences[:HTML_DIVERGENCES])]
    if rows:
        out.append(_table("divergences", ["side", "capture", "#", "step", "time", "cpu", "kind", "what", "expected", "observed"],
                          rows, lambda i: "bad"))
        for c in divcaps:
            for n, story in enumerate(c.stories):
                out.append(f"<details{' open' if n == 0 else ''}><summary>{html.escape(c.name)}: story of divergence {n} "
                           f"(tmigr-trace replay {html.escape(c.path)}{''.join(' --fault ' + f for f in c.faults)} --explain {n})</summary><pre class=\"story\">"
                           f"{html.escape(story)}</pre></details>")
    if rep.compare_mode:
        out += ["<h2>What changed (baseline A vs candidate B)</h2>",
                "<p>Mann-Whitney U (Holm-corrected over all statistics), two-sample Kolmogorov-Smirnov, Cliff's delta "
                "(P(B&gt;A)-P(B&lt;A)), bootstrap 95% CI of the difference of means. Bold: significant (p&lt;0.05, effect "
                "not negligible).</p>",
                _table("comparison", COMPARE_HEAD, compare_rows(rep),
                       lambda i: "sig" if rep.comparisons[i].significant else "")]
    out.append("<h2>Statistics</h2>")
    for s, p in rep.sides.items():
        out += [f"<h3>{html.escape(s)} (pooled over {_captures(len(p.captures))})</h3>", _table(f"stats-{s}", STAT_HEAD, stat_rows(p))]
        tot = p.totals
        out.append(f"<p>remote expiries {tot['remote_expiries']} (same node {tot['remote_same_node']}, cross node "
                   f"{tot['remote_cross_node']}); idle walks {tot['idle_walks']}, root reached "
                   f"{_f(tot['root_reached_fraction'])}; mean fraction of time a group had no active child "
                   f"{_f(tot['group_idle_fraction'])}</p>")
        for h, hp in rep.hosts[s].items():
            if len(rep.hosts[s]) > 1:
                out += [f"<h4>{html.escape(s)} host {html.escape(h)} ({_captures(len(hp.captures))})</h4>",
                        _table(f"stats-{s}-{h}", STAT_HEAD, stat_rows(hp))]
    out.append("<h2>Plots</h2>")
    for fid, svg, cap in figures(rep):
        out.append(_figure(fid, svg, cap))
    out.append("<h2>Definitions</h2><dl>")
    for k, (u, w) in DEFINITIONS.items():
        out.append(f"<dt><code>{html.escape(k)}</code> ({html.escape(u)})</dt><dd>{html.escape(w)}</dd>")
    out.append("</dl>")
    if rep.notes:
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in rep.notes) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def _md_table(head: list[str], rows: list[list[Any]]) -> str:
    esc = lambda v: _f(v).replace("|", "\\|")  # noqa: E731
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                     + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows])


def render_md(rep: Report) -> str:
    line, bad = headline(rep)
    out = ["# tmigr-trace report", "", f"**{line}**", ""]
    if rep.verdicts is not None:
        out += [f"## Gate `--fail-on {rep.gate_spec}`: exit {rep.exit_code}", "",
                _md_table(["rule", "status", "why"], [[v.rule, v.status.upper(), v.why] for v in rep.verdicts]), ""]
    out += ["## Captures", "", _md_table(CAPTURE_HEAD, capture_rows(rep)), "",
            "## Replay agreement per check kind", "", _md_table(kind_head(rep), kind_rows(rep)), ""]
    divs = [(c, n, d) for c in rep.captures for n, d in enumerate(c.divergences)]
    if divs:
        out += ["## Divergences (first of each capture)", "",
                _md_table(["capture", "#", "time", "cpu", "kind", "what", "expected", "observed"],
                          [[c.name, n, f"{d['ts'] / 1e9:.6f}" if d["ts"] else "-", d["cpu"], d["kind"], d["what"],
                            value(d["expected"]), value(d["observed"])] for c, n, d in divs[:40]]), ""]
        first = next(c for c in rep.captures if c.stories)
        out += ["```", first.stories[0], "```", ""]
    if rep.compare_mode:
        out += ["## What changed (baseline A vs candidate B)", "", _md_table(COMPARE_HEAD, compare_rows(rep)), ""]
    for s, p in rep.sides.items():
        out += [f"## Statistics: {s} (pooled over {_captures(len(p.captures))})", "", _md_table(STAT_HEAD, stat_rows(p)), ""]
    if rep.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in rep.notes] + [""]
    return "\n".join(out)
