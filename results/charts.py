"""Server-rendered SVG charts for pages and PDFs, each with the same numbers as a data table.

No JavaScript and no chart library: an SVG string built here works the same in a browser
and in WeasyPrint. Accessibility: the SVG is `role="img"` with a <title> and a <desc> that
states every value, and templates/results/_chart.html puts a real <table> with the same
rows beside it, so a screen reader (or a reader of the PDF's text) never depends on the
picture. Every text that goes into the SVG is escaped here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# DKFDS colours: primary blue for bars and lines (contrast 8.6:1 on white), dark grey text.
BAR = "#004993"
MUTED = "#5a5a5a"
GRID = "#c7c7c7"
TARGET = "#1a7f37"
FONT = "font-family=\"'IBM Plex Sans', 'DejaVu Sans', Arial, sans-serif\""
LABEL_CHARS = 34


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: Decimal | int | None
    note: str = ""


@dataclass
class Chart:
    chart_id: str
    title: str
    value_label: str
    rows: list[ChartRow]
    svg: SafeString = field(default_factory=lambda: mark_safe(""))
    first_column: str = ""
    extra_columns: list[str] = field(default_factory=list)

    @property
    def total(self):
        return sum(row.value or 0 for row in self.rows)

    @property
    def is_empty(self) -> bool:
        return not any(row.value for row in self.rows)


def number(value) -> str:
    """A number in the active language's format (Danish: 1.234,5), without needless decimals."""
    if value is None:
        return "—"
    value = Decimal(value)
    decimals = next((d for d in (0, 1) if (value * 10**d) == (value * 10**d).to_integral_value()), 2)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _open_svg(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[StrOrPromise, int | Decimal]],  # a label may be a choice's lazy label
    value_label: str = "",
    first_column: str = "",
    width: int = 560,
) -> Chart:
    """Horizontal bars, one per row, the value written at the end of each bar."""
    value_label = value_label or _("Antal")
    chart_rows = [ChartRow(label=str(label), value=value) for label, value in rows]
    desc = "; ".join(f"{row.label}: {number(row.value)}" for row in chart_rows) or _("Ingen data")
    label_width, bar_height, gap, top = 210, 20, 8, 6
    height = top * 2 + max(len(chart_rows), 1) * (bar_height + gap)
    largest = max([row.value or 0 for row in chart_rows] + [1])
    room = width - label_width - 60
    parts = _open_svg(chart_id, width, height, title, desc)
    parts.append(f'<g {FONT} font-size="12" fill="#1a1a1a">')
    for index, row in enumerate(chart_rows):
        y = top + index * (bar_height + gap)
        length = round(room * float(row.value or 0) / float(largest), 1)
        parts.append(f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{escape(_short(row.label))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 14}">{escape(number(row.value))}</text>')
    if not chart_rows:
        parts.append(f'<text x="{label_width}" y="{top + 14}" fill="{MUTED}">{escape(_("Ingen data"))}</text>')
    parts.append(f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" stroke="{GRID}"/>')
    parts.append("</g></svg>")
    return Chart(
        chart_id=chart_id,
        title=title,
        value_label=value_label,
        rows=chart_rows,
        svg=mark_safe("".join(parts)),
        first_column=first_column or _("Kategori"),
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[tuple[dt.date, Decimal]],
    baseline: Decimal,
    target: Decimal,
    unit: str = "",
    width: int = 560,
    height: int = 220,
) -> Chart:
    """One indicator over time: the measurements as a line with dots, the baseline as a grey
    dashed line and the target as a green dashed line, both labelled in words."""
    points = sorted(points)
    values = [Decimal(v) for _d, v in points] + [Decimal(baseline), Decimal(target)]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * Decimal("0.1")
    low, high = low - pad, high + pad
    left, right, top, bottom = 56, 16, 20, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value) -> float:
        return round(top + plot_h - float((Decimal(value) - low) / (high - low)) * plot_h, 1)

    # Without points the first and last days are never drawn; any date keeps span at 1.
    first, last = (points[0][0], points[-1][0]) if points else (dt.date.min, dt.date.min)
    span = max((last - first).days, 1)

    def x_of(day: dt.date) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return round(left + (day - first).days / span * plot_w, 1)

    unit_suffix = f" {unit}" if unit else ""
    described = "; ".join(f"{formats.date_format(d, 'j. F Y')}: {number(v)}{unit_suffix}" for d, v in points)
    desc = _("Udgangspunkt %(baseline)s, mål %(target)s. Målinger: %(points)s") % {
        "baseline": number(baseline) + unit_suffix,
        "target": number(target) + unit_suffix,
        "points": described or _("ingen endnu"),
    }
    parts = _open_svg(chart_id, width, height, title, desc)
    parts.append(f'<g {FONT} font-size="11" fill="#1a1a1a">')
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{GRID}"/>')
    for value, colour, word in ((baseline, MUTED, _("Udgangspunkt")), (target, TARGET, _("Mål"))):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        # Inside the plot, right-aligned just above the line: never clipped at the edge.
        parts.append(
            f'<text x="{left + plot_w - 4}" y="{y - 4}" text-anchor="end" fill="{colour}">'
            f"{escape(word)} {escape(number(value))}</text>"
        )
    for value in (high - pad, low + pad):
        parts.append(
            f'<text x="{left - 6}" y="{y_of(value) + 4}" text-anchor="end">{escape(number(round(value, 2)))}</text>'
        )
    if points:
        path = " ".join(f"{x_of(d)},{y_of(v)}" for d, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
        for d, v in points:
            parts.append(f'<circle cx="{x_of(d)}" cy="{y_of(v)}" r="3.5" fill="{BAR}"/>')
        parts.append(f'<text x="{left}" y="{height - 10}">{escape(formats.date_format(first, "j. b Y"))}</text>')
        if len(points) > 1:
            parts.append(
                f'<text x="{left + plot_w}" y="{height - 10}" text-anchor="end">'
                f"{escape(formats.date_format(last, 'j. b Y'))}</text>"
            )
    else:
        parts.append(f'<text x="{left + 8}" y="{top + 18}" fill="{MUTED}">{escape(_("Ingen målinger endnu"))}</text>')
    parts.append("</g></svg>")
    rows = [ChartRow(label=formats.date_format(d, "j. F Y"), value=v) for d, v in points]
    return Chart(
        chart_id=chart_id,
        title=title,
        value_label=unit or _("Værdi"),
        rows=rows,
        svg=mark_safe("".join(parts)),
        first_column=_("Dato"),
    )
