"""Rendering a ReplayResult: the summary table, the divergence table, and ``--explain`` stories.

Pure functions from result data to rich renderables and strings; the CLI does the I/O (the Parquet
layout of ``-o`` is in ``tmigr_trace.divergence_log``). ``explain`` reads like rtla's
auto-analysis: what happened, where, why it matters.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from .model import KTIME_MAX, TMIGR_NONE
from .result import KINDS, Divergence, ReplayResult

WHY = {
    "group_state": "The group state decides who is migrator: a wrong migrator means idle CPUs' "
                   "global timers are watched by the wrong CPU, or by nobody.",
    "walk_levels": "The walk decides which groups learn that a child went idle or busy; a walk that "
                   "stops too early leaves a parent believing a busy child is idle (or the reverse).",
    "expiry": "next_expiry and the child event are what migrators read on their tick; a wrong value "
              "means a timer expires late (or a spurious softirq runs).",
    "wakeup": "The wakeup returned to an idle CPU is the expiry decision: if it is too late, the last "
              "idle CPU sleeps through a global timer of another CPU.",
    "remote": "Remote handling is where global timers of idle CPUs actually run; the wrong CPU or a "
              "missed due event is a late or lost timer.",
    "setup": "The tree shape decides which CPUs watch each other's timers (masks decide the "
             "lowest-bit hand-over).",
    "hotplug": "An offlining CPU that was the last active one must wake another CPU, or pending "
               "timers wait until someone wakes up by chance.",
}


def _fmt(v: Any) -> str:
    if isinstance(v, int) and v == KTIME_MAX:
        return "KTIME_MAX"
    if isinstance(v, dict):
        return " ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    return str(v)


def summary_table(res: ReplayResult) -> Table:
    t = Table(title=f"tmigr replay: {res.events} events, model {res.model_profile}"
              + (f" + faults {', '.join(res.faults)}" if res.faults else ""), title_justify="left")
    for col in ("check", "checked", "agreed", "diverged", "not decidable", "warm-up"):
        t.add_column(col, justify="left" if col == "check" else "right")
    for kind, c in res.by_kind.items():
        style = "bold red" if c.diverged else None
        t.add_row(kind, str(c.checked), str(c.agreed), str(c.diverged), str(c.undecidable), str(c.warmup),
                  style=style)
    t.add_row("total", str(res.checked), str(res.agreed), str(res.diverged), str(res.undecidable),
              str(sum(c.warmup for c in res.by_kind.values())), style="bold")
    t.caption = (f"warm-up events {res.warmup_events}; reordered pairs {res.reordered}; resyncs: "
                 f"{res.resyncs['divergence']} after divergences, {res.resyncs['lost_events']} after lost events")
    return t


def evidence_lines(res: ReplayResult) -> list[str]:
    """What the replay built the model from (replay/evidence.py), and why checks were not
    decidable, as plain lines under the summary."""
    ev = res.evidence or {}
    out: list[str] = []
    prof = ev.get("profile") or {}
    if prof:
        fit = prof.get("fit") or []
        out.append(f"profile: {prof.get('chosen')} (evidence: {prof.get('evidence')}"
                   + (f"; fit: {', '.join(fit)}" if len(prof.get("candidates") or {}) > 1 else "") + ")")
    if ev.get("nodes") is not None:
        po = ev.get("prepare_order") or {}
        out.append(f"machine: CPUs {ev.get('possible_cpus')}, nodes {ev.get('nodes')} (node of CPUs "
                   f"{ev.get('node_of_cpu_from_trace') or 'none'} from the trace"
                   + (f", others by {ev['node_layout']}" if ev.get("node_layout") else "") + ")"
                   + (f"; slot holders {ev['slot_holders']}" if ev.get("slot_holders") else ""))
        if po.get("before_capture") or po.get("in_trace"):
            out.append(f"prepare order: before the capture {po.get('before_capture')} (from {po.get('from')}), "
                       f"in the trace {po.get('in_trace')}")
    clk = ev.get("clock") or {}
    if clk:
        out.append(f"clock: offset to CLOCK_MONOTONIC {clk.get('offset_ns', 0) / 1e6:+.3f} ms ({clk.get('from')})")
    for kind, reasons in (res.undecidable_reasons or {}).items():
        for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.append(f"not decidable: {kind}: {n} x {why}")
    return out


def divergence_table(res: ReplayResult, limit: int = 20) -> Table:
    t = Table(title=f"first {min(limit, len(res.divergences))} of {len(res.divergences)} divergences",
              title_justify="left")
    for col in ("#", "step", "time", "cpu", "kind", "what", "expected", "observed"):
        t.add_column(col)
    for n, d in enumerate(res.divergences[:limit]):
        t.add_row(str(n), str(d.index), _ts(d.ts), str(d.cpu), d.kind, d.what, _fmt(d.expected), _fmt(d.observed))
    return t


def _ts(ns: int) -> str:
    return f"{ns / 1e9:.6f}" if ns else "-"


def _path_lines(path: list[dict]) -> list[str]:
    lines = []
    for p in path:
        if "cpu" in p:
            ev = p["cpuevt"]
            lines.append(f"  CPU{p['cpu']}: {'idle' if p['idle'] else 'active'}"
                         f"{'' if p['available'] else ' (offline)'}, wakeup {_fmt(p['wakeup'])}, "
                         f"own event {_fmt(ev[0])}{' (ignored)' if ev[1] else ''}, mask {p['groupmask']:#x}")
        else:
            mig = "NONE" if p["migrator"] == TMIGR_NONE else f"{p['migrator']:#x}"
            q = ", ".join(f"{_fmt(e)}@CPU{c}{'(ign)' if ig else ''}" for e, c, ig in p["queue"]) or "empty"
            lines.append(f"  {p['group']} (lvl {p['lvl']}): active {p['active']:#04x}, migrator {mig}, "
                         f"next_expiry {_fmt(p['next_expiry'])}, queue [{q}]"
                         f"{'' if p.get('known', True) else '  (queue not fully known)'}")
    return lines


def explain(res: ReplayResult, n: int, rows: list[dict] | None = None) -> str:
    """Divergence `n` as a story. `rows`: the trace rows around it (dicts), if the caller read them."""
    if not 0 <= n < len(res.divergences):
        raise IndexError(n)
    d: Divergence = res.divergences[n]
    out = [f"Divergence {n} of {len(res.divergences)}: {d.kind} ({KINDS.get(d.kind, '')})", ""]
    if d.index < 0:
        out.append(f"What happened: the trace's hierarchy does not match the model's construction: {d.what}.")
    else:
        out.append(f"What happened: at step {d.index} ({_ts(d.ts)} s) CPU{d.cpu} traced {d.event}; "
                   f"{d.what}.")
    out.append(f"  the model expected: {_fmt(d.expected)}")
    out.append(f"  the kernel traced:  {_fmt(d.observed)}")
    out.append(f"  classification: {d.classification}")
    if d.rows:
        out.append(f"  the same kernel value, printed differently at step(s): {', '.join(map(str, d.rows))}")
    if d.path:
        out += ["", "Where: the model's path from the CPU to the root just before this step:"]
        out += _path_lines(d.path)
    if rows:
        out += ["", "Surrounding events (>> marks this step):"]
        for r in rows:
            mark = ">>" if r.get("_index") == d.index else "  "
            fields = " ".join(f"{k}={_fmt(v)}" for k, v in r.items()
                              if not k.startswith("_") and k not in ("ts", "cpu", "event") and v is not None)
            out.append(f"{mark} {r.get('_index', ''):>8} {_ts(r['ts'])} [{r['cpu']:03d}] {r['event']}: {fields}")
    out += ["", f"Why it matters: {WHY.get(d.kind, '')}",
            "After this step the model was resynced to the kernel's value, so later checks are "
            "independent of this one."]
    return "\n".join(out)
