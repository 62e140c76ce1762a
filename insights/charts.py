"""The charts of the annual management review (C11): server-side SVG drawn by
matplotlib from the figures (`insights.figures.annual_figures`, or the frozen
figures of an approved review).

Each function returns an ``<svg>`` element as text (no XML declaration, no
doctype: it is embedded inline in the page and in the PDF WeasyPrint renders),
with a ``<title>``, its labels as text (``svg.fonttype = none``), Dutch month
names and numbers (1.234,5; 87,5%), a fixed size that fits the width of an A4
page, and series told apart by grey shades and hatch patterns, not by colour.
Matplotlib is used without pyplot: a `Figure` and its SVG canvas per chart, so
nothing is shared between requests or threads.
"""

from __future__ import annotations

import base64
import io
import re
from html import escape, unescape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .figures import format_number, format_percent

# 16 cm wide: the text width of an A4 page with 2,5 cm margins.
WIDTH_IN = 16 / 2.54
HEIGHT_IN = 8 / 2.54
GREYS = ("#262626", "#737373", "#b3b3b3", "#e0e0e0", "#4d4d4d", "#999999")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", ":", "-.", "-", "--")
RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, readable
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": "#262626",
    "axes.labelcolor": "#262626",
    "xtick.color": "#262626",
    "ytick.color": "#262626",
    "hatch.linewidth": 0.6,
    "hatch.color": "#000000",
}


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    FigureCanvasSVG(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _svg(fig: Figure, name: str, title: str) -> str:
    """The figure as an inline ``<svg id="grafiek-<name>">``: the declaration,
    doctype and metadata dropped, a ``<title>`` as its first child (read by
    screen readers), its style sheet confined to itself (inline, a ``*`` rule
    would reach the whole page)."""
    out = io.StringIO()
    fig.canvas.print_svg(out, metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    ident = f"grafiek-{name}"
    # Matplotlib numbers its groups per figure (figure_1, line2d_13): named
    # after the chart, two charts on one page never define an id twice.
    text = re.sub(r'id="([A-Za-z0-9.]+_\d+)"', rf'id="{name}-\1"', text)
    text = text.replace("*{", f"#{ident} *{{", 1)
    head_end = text.index(">") + 1
    head = text[:head_end].replace("<svg ", f'<svg id="{ident}" role="img" ', 1)
    return f"{head}\n <title>{escape(title)}</title>{text[head_end:]}"


def _rc(name: str) -> dict:
    # Ids derived per chart: two charts inline on one page never share an id.
    return {**RC, "svg.hashsalt": f"directiebeoordeling-{name}"}


def _integer_axis(axis) -> None:
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))


def _style(i: int) -> dict:
    return {
        "color": GREYS[i % len(GREYS)],
        "hatch": HATCHES[i % len(HATCHES)],
        "edgecolor": "#000000",
        "linewidth": 0.5,
    }


def bars_per_month(figures: dict) -> str:
    """Received per month, one group of bars per month, one bar per kind."""
    months = figures["per_month"]["months"]
    series = figures["per_month"]["series"]
    title = f"Ontvangen zaken per maand in {figures['year']}"
    with matplotlib.rc_context(_rc("maanden")):
        fig, ax = _figure()
        n = max(len(series), 1)
        width = 0.8 / n
        for i, s in enumerate(series):
            offsets = [m + (i - (n - 1) / 2) * width for m in range(len(months))]
            bars = ax.bar(offsets, s["values"], width, label=s["label"], **_style(i))
            for m, bar in enumerate(bars):
                bar.set_gid(f"bar-{s['key']}-{m + 1}")
        ax.set_xticks(range(len(months)), months)
        _integer_axis(ax.yaxis)
        ax.set_ylabel("Aantal ontvangen")
        fig.legend(
            frameon=False, ncols=min(n, 4), loc="outside upper center", fontsize=7
        )
        ax.margins(y=0.15)
        return _svg(fig, "maanden", title)


def timeliness(figures: dict) -> str:
    """Per term the share of cases that met it, as bars, with the norm as a
    dashed line."""
    rows = figures["timeliness"]
    target = figures.get("timeliness_target")
    title = f"Tijdigheid in {figures['year']}: aandeel op tijd per termijn"
    with matplotlib.rc_context(_rc("tijdigheid")):
        fig, ax = _figure()
        shares = [r["share"] or 0 for r in rows]
        bars = ax.bar(
            range(len(rows)),
            shares,
            0.55,
            **_style(1),
        )
        for r, bar in zip(rows, bars, strict=True):
            bar.set_gid(f"bar-{r['key']}")
        ax.bar_label(
            bars,
            labels=[
                format_percent(r["share"]) if r["share"] is not None else "geen zaken"
                for r in rows
            ],
            padding=2,
        )
        if target is not None:
            line = ax.axhline(
                target,
                color="#000000",
                linestyle="--",
                linewidth=1,
                label=f"Norm {format_percent(target)}",
            )
            line.set_gid("target")
            fig.legend(frameon=False, loc="outside upper right", fontsize=7)
        ax.set_xticks(range(len(rows)), [_wrap(r["label"]) for r in rows])
        ax.set_ylim(0, 110)
        ax.set_yticks(range(0, 101, 20))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_percent(v)))
        ax.set_ylabel("Aandeel op tijd")
        return _svg(fig, "tijdigheid", title)


def trend(figures: dict) -> str:
    """Received per kind over the last years (at most five), one line per kind
    with its own marker and dash pattern."""
    data = figures["trend"]
    years = [str(y) for y in data["years"]]
    title = f"Ontvangen zaken per jaar, {years[0]} tot en met {years[-1]}"
    with matplotlib.rc_context(_rc("trend")):
        fig, ax = _figure()
        for i, s in enumerate(data["series"]):
            (line,) = ax.plot(
                years,
                s["received"],
                color=GREYS[i % len(GREYS)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=1.2,
                markeredgecolor="#000000",
                label=s["label"],
            )
            line.set_gid(f"line-{s['key']}")
            for x, y in zip(years, s["received"], strict=True):
                ax.annotate(
                    format_number(y),
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 4),
                    ha="center",
                    fontsize=6.5,
                )
        _integer_axis(ax.yaxis)
        ax.set_ylim(bottom=0)
        ax.margins(y=0.15)
        ax.set_ylabel("Aantal ontvangen")
        fig.legend(
            frameon=False,
            ncols=min(len(data["series"]), 4),
            loc="outside upper center",
            fontsize=7,
        )
        return _svg(fig, "trend", title)


def _wrap(label: str, width: int = 22) -> str:
    """A long bar label over two or more lines."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def as_image(svg: str) -> dict:
    """A chart as an ``<img>`` source for the pages: the portal's Content Security
    Policy refuses inline styles, and an SVG drawn as an image keeps its own (its
    text alternative is the table beside it). The PDF embeds the SVG itself."""
    found = re.search(r"<title>(.*?)</title>", svg, re.S)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {
        "src": f"data:image/svg+xml;base64,{data}",
        "alt": unescape(found.group(1)) if found else "",
    }
