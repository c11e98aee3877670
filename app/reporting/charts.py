"""Charts as SVG, drawn once for pages (served as <img>: matplotlib's SVG carries inline styles that the
page CSP blocks) and for PDFs (inlined, without the XML prologue). Drawn from suppressed tables only: a
hidden count gets no bar, since a bar's length would give the number away."""
import io
import re

import matplotlib
from matplotlib.figure import Figure

from app.reporting.queries import Presented

matplotlib.use("Agg")  # no display. Figures are made without pyplot: no global state shared between threads.

# GOV.UK colours, distinguishable in greyscale order; hatches as a second cue for colour-blind readers.
COLOURS = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f", "#28a197", "#912b88"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]
_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)

matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text stays text: selectable, searchable, and read by pdftotext
    "svg.hashsalt": "hearth",  # stable ids, so the same figures give the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"],
    "font.size": 10,
})


def _short(label: str, width: int = 44) -> str:
    """Long labels lose their middle, so "Other school or academy (300 agencies): Home visit" keeps both ends."""
    if len(label) <= width:
        return label
    tail = (width - 1) // 2
    return label[: width - 1 - tail] + "…" + label[-tail:]


WIDTH_INCHES = 7.5
_CHAR_INCHES = 0.08  # a generous average width of a 10pt sans-serif character


def _set_margins(fig, labels, height: float) -> None:
    """Margins from the labels' length: what tight_layout would find, without the extra drawing passes it
    makes to measure every label (half the time of a chart, and a monthly report draws nine)."""
    longest = max((len(label) for label in labels), default=0)
    left = min(0.55, (longest * _CHAR_INCHES + 0.25) / WIDTH_INCHES)
    fig.subplots_adjust(left=left, right=0.97, bottom=min(0.4, 0.6 / height), top=1 - min(0.2, 0.15 / height))


def chart_svg(presented: Presented) -> str | None:
    """The section's chart as SVG text, or None when it has no chart or nothing to draw."""
    table = presented.table
    body = presented.body()
    if not presented.chartable:
        return None  # every count is zero or hidden: an empty chart says nothing the table does not
    labels = [_short(label) for label, _, _ in body]
    series = table.columns
    height = max(2.2, 0.45 * len(labels) * (1 if table.chart == "stacked" or len(series) == 1 else len(series)) + 1.2)
    height = min(height, 11)
    fig = Figure(figsize=(WIDTH_INCHES, height))
    ax = fig.subplots()
    positions = list(range(len(labels)))
    left = [0] * len(labels)
    bar_height = 0.7 if table.chart == "stacked" or len(series) == 1 else 0.8 / len(series)
    for k, name in enumerate(series):
        values = [cells[k].plotted for _, cells, _ in body]
        drawn = [v or 0 for v in values]
        if table.chart == "stacked" or len(series) == 1:
            ys, starts = positions, left
        else:
            ys, starts = [p + (k - (len(series) - 1) / 2) * bar_height for p in positions], [0] * len(labels)
        # Only visible, non-zero counts get a bar: not even an empty shape marks where a hidden one was.
        shown = [i for i, v in enumerate(values) if v]
        ax.barh([ys[i] for i in shown], [drawn[i] for i in shown], height=bar_height, left=[starts[i] for i in shown],
                label=name, color=COLOURS[k % len(COLOURS)], hatch=HATCHES[k % len(HATCHES)] if len(series) > 1 else "",
                edgecolor="white", linewidth=0.5)
        if table.chart == "stacked":
            left = [a + b for a, b in zip(left, drawn, strict=True)]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel(table.columns[0] if len(series) == 1 else "Count")
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    if any(not c.shown for _, cells, _ in body for c in cells):
        fig.text(0.01, 0.01, f"Counts below {presented.threshold} are not drawn.", fontsize=8, color="#505a5f")
    _set_margins(fig, labels, height)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


_SIZE = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"')


def responsive_svg(svg: str) -> str:
    """For an <img> in a page: no fixed width or height, so the viewBox scales it to the column (320px reflow)."""
    return _SIZE.sub(r'<svg\1 width="100%"', svg, count=1)


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, title: str, prefix: str = "c") -> str:
    """SVG for inlining in a PDF: no XML prologue or doctype, ids made unique to this chart (matplotlib
    numbers them from 1 in every figure), and a role and name for assistive tech."""
    body = _PROLOGUE.sub("", svg)
    for name in set(_ID.findall(body)):
        for old, new in ((f'id="{name}"', f'id="{prefix}-{name}"'), (f"#{name})", f"#{prefix}-{name})"),
                         (f'href="#{name}"', f'href="#{prefix}-{name}"')):
            body = body.replace(old, new)
    return body.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" ', 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
