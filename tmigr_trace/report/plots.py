"""The report's figures, drawn with matplotlib and returned as inline SVG text.

Plot functions only plot: they take pooled sides / analyses and return one `<svg>` string each
(`svg.fonttype` none: text stays text, searchable in the page; no date in the file, so the same
data gives the same SVG). Sides are drawn in fixed colours: baseline blue, candidate orange.
"""

from __future__ import annotations

import io
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import cbook  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullLocator  # noqa: E402

from .aggregate import Pooled  # noqa: E402
from .analyze import CaptureAnalysis  # noqa: E402

ECDF_POINTS = 2000          # points drawn per ECDF line (evenly spaced ranks; the data are not cut)
SIDE_COLOURS = {"baseline": "#1f77b4", "candidate": "#ff7f0e", "captures": "#1f77b4"}
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tmigr-trace-report", "font.size": 9,
                     "axes.spines.top": False, "axes.spines.right": False})


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    a, b = text.find("<metadata>"), text.find("</metadata>")
    return text[:a] + text[b + len("</metadata>"):] if a >= 0 < b else text


def _colour(side: str, i: int = 0) -> str:
    return SIDE_COLOURS.get(side, f"C{i + 2}")


def ecdf(sides: Sequence[Pooled], stat: str, xlabel: str, title: str, log: bool = False) -> str:
    """ECDF and histogram of one statistic, one line per side."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    for i, p in enumerate(sides):
        x = np.sort(p.dists[stat].samples) if stat in p.dists else np.zeros(0)
        if not x.size:
            continue
        y = np.arange(1, x.size + 1) / x.size
        keep = np.unique(np.linspace(0, x.size - 1, min(x.size, ECDF_POINTS)).astype(int))  # exact ends
        ax1.step(x[keep], y[keep], where="post", color=_colour(p.name, i), label=f"{p.name} (n={x.size})")
        bins = np.logspace(np.log10(max(x.min(), 1e-3)), np.log10(max(x.max(), 1e-2)), 30) if log else 30
        ax2.hist(x, bins=bins, histtype="step", color=_colour(p.name, i), weights=np.full(x.size, 1 / x.size),
                 label=p.name)
    for ax in (ax1, ax2):
        ax.set_xlabel(xlabel)
        if log:
            ax.set_xscale("log")
            # plain tick labels: the default 10^n ones go through mathtext, a third of a figure's time
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
            ax.xaxis.set_minor_locator(NullLocator())
    ax1.set_ylabel("fraction of samples <= x")
    ax2.set_ylabel("fraction of samples per bin")
    if ax1.get_lines():
        ax1.legend(loc="lower right", frameon=False)
    else:
        ax1.text(0.5, 0.5, "no samples", ha="center", va="center", transform=ax1.transAxes)
    fig.suptitle(title)
    return _svg(fig)


def per_level(sides: Sequence[Pooled], title: str) -> str:
    """Hand-offs per second per level: box plots of the 100 ms window rates, sides side by side."""
    levels = sorted({int(k.rsplit("_L", 1)[1]) for p in sides for k in p.dists if k.startswith("handoffs_per_s_L")})
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.set_title(title)
    if not levels:
        ax.text(0.5, 0.5, "no hand-off samples (no group state events, or group pointers not printed)",
                ha="center", va="center", transform=ax.transAxes)
        return _svg(fig)
    width = 0.8 / max(len(sides), 1)
    for i, p in enumerate(sides):
        data = [p.dists.get(f"handoffs_per_s_L{lv}").samples if f"handoffs_per_s_L{lv}" in p.dists else np.zeros(0)
                for lv in levels]
        pos = [lv + (i - (len(sides) - 1) / 2) * width for lv in levels]
        # ax.boxplot's statistics, each outlier value drawn once: rates are multiples of 10/s, so a
        # big capture's thousands of outlying windows are a few distinct points (23 MB of SVG before)
        stats = cbook.boxplot_stats([d if d.size else np.array([np.nan]) for d in data])
        for s in stats:
            s["fliers"] = np.unique(s["fliers"])
        bp = ax.bxp(stats, positions=pos, widths=width * 0.9, patch_artist=True, showmeans=True, manage_ticks=False)
        for b in bp["boxes"]:
            b.set_facecolor(_colour(p.name, i))
            b.set_alpha(0.6)
        ax.plot([], [], color=_colour(p.name, i), lw=6, alpha=0.6, label=p.name)
    ax.set_xticks(levels, [f"level {lv}" for lv in levels])
    ax.set_ylabel("hand-offs per second (100 ms windows)")
    ax.legend(frameon=False)
    return _svg(fig)


def walk_levels(sides: Sequence[Pooled]) -> str:
    fig, ax = plt.subplots(figsize=(9, 3))
    width = 0.8 / max(len(sides), 1)
    top = max([int(p.dists["idle_walk_levels"].samples.max()) for p in sides
               if "idle_walk_levels" in p.dists and p.dists["idle_walk_levels"].samples.size] or [1])
    xs = np.arange(1, top + 1)
    for i, p in enumerate(sides):
        s = p.dists.get("idle_walk_levels")
        n = s.samples.size if s is not None else 0
        frac = np.array([(s.samples == x).sum() / n if n else 0 for x in xs])
        ax.bar(xs + (i - (len(sides) - 1) / 2) * width, frac, width, color=_colour(p.name, i), label=f"{p.name} (n={n})")
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlabel("levels an idle walk changed (1 = own level-0 group only)")
    ax.set_ylabel("fraction of idle walks")
    ax.legend(frameon=False)
    ax.set_title("How far idle walks go")
    return _svg(fig)


def remote_nodes(groups: Sequence[tuple[str, Pooled]]) -> str:
    """Remote expiries per second, same node vs cross node, per side / host."""
    fig, ax = plt.subplots(figsize=(9, 0.5 + 0.45 * max(len(groups), 2)))
    names = [n for n, _ in groups]
    same = [p.totals["remote_same_node"] / p.totals["duration_s"] if p.totals["duration_s"] else 0 for _, p in groups]
    cross = [p.totals["remote_cross_node"] / p.totals["duration_s"] if p.totals["duration_s"] else 0 for _, p in groups]
    y = np.arange(len(groups))
    ax.barh(y, same, color="#2ca02c", label="same node")
    ax.barh(y, cross, left=same, color="#d62728", label="cross node")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("remote expiries per second (tmigr_handle_remote_cpu)")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title("Who handled remote expiries")
    return _svg(fig)


def divergences(caps: Sequence[CaptureAnalysis]) -> str:
    """Divergences over time, one row per capture, colour by check kind."""
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.35 * max(len(caps), 2)))
    kinds = sorted({k for c in caps for k in c.divergence_kinds})
    colours = {k: f"C{i}" for i, k in enumerate(kinds)}
    span = max([float(np.nanmax(c.divergence_ts_s)) for c in caps if np.isfinite(c.divergence_ts_s).any()] or [0.0])
    step = span / 4000 if span > 0 else 1.0      # ticks closer than 1/4000 of the axis are drawn once
    for row, c in enumerate(caps):
        ts = c.divergence_ts_s
        kind_of = np.array(c.divergence_kinds, dtype=object)
        for k in kinds:
            sel = kind_of == k
            if sel.any():
                x = np.nan_to_num(ts[sel], nan=0.0)
                x = x[np.unique(np.floor(x / step), return_index=True)[1]]
                ax.scatter(x, np.full(x.size, row), s=14, marker="|", color=colours[k],
                           label=k if row == next(i for i, cc in enumerate(caps) if k in cc.divergence_kinds) else None)
    ax.set_yticks(range(len(caps)), [f"{c.side[:4]} {c.name}" for c in caps])
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the capture's first event")
    total = sum(len(c.divergence_kinds) for c in caps)
    ax.set_title(f"Divergences over time: {total} in {len(caps)} captures" if total else
                 "Divergences over time: none (kernel and model agree on every decidable check)")
    if kinds:
        ax.legend(frameon=False, fontsize=8, loc="upper right")
    return _svg(fig)


def timeline(cap: CaptureAnalysis) -> str:
    """Migrator per group over the window the statistics kept (Gantt-like): one row per group,
    one colour per migrator child bit, grey when the group has no migrator (TMIGR_NONE)."""
    segs = cap.stats.segments
    labels = sorted({s[0] for s in segs}, key=lambda lab: (-int(lab[1:].split()[0]), lab))
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.28 * max(len(labels), 2)))
    row = {lab: i for i, lab in enumerate(labels)}
    bits = sorted({s[4] for s in segs if s[4] >= 0})
    colour = {b: f"C{i % 10}" for i, b in enumerate(bits)}
    bars: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for lab, _lvl, a, b, mig in segs:            # one artist per (group, migrator), not per segment
        bars.setdefault((lab, mig), []).append((a, max(b - a, 1e-6)))
    for (lab, mig), xr in bars.items():
        ax.broken_barh(xr, (row[lab] - 0.4, 0.8), facecolors="#dddddd" if mig < 0 else colour[mig], edgecolor="none")
    for b in bits:
        ax.plot([], [], lw=6, color=colour[b], label=f"migrator {b:#x}")
    ax.plot([], [], lw=6, color="#dddddd", label="none")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the capture's first event")
    if not segs:
        ax.text(0.5, 0.5, "no group state events in this window", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(f"Migrator per group: {cap.side} {cap.name} ({cap.kernel or 'kernel unknown'})")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _svg(fig)
