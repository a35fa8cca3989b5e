"""Bar charts as plain geometry for `templates/portal/svg_bars.html`: the template only places what is computed here.

Horizontal charts put x positions and widths in percent of the chart's width (SVG accepts them), so a chart fills
a phone or a desk screen with text at its normal size; vertical charts use pixel heights in a fixed-height box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

ROW_HEIGHT = 28  # px per horizontal bar
LABEL_SHARE = 40.0  # % of the width for the labels of a horizontal chart
BAR_SHARE = 46.0  # % of the width for the longest bar; the rest holds the value
COLUMN_AREA = 150  # px of a vertical chart's tallest column
MAX_COLUMN_LABELS = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float  # %, horizontal charts; % of width, vertical charts
    y: float  # px
    width: float  # %
    height: float  # px
    text_x: float  # % where the value is written
    text_y: float  # px
    show_label: bool = True


@dataclass(frozen=True)
class Chart:
    title: str
    horizontal: bool
    bars: list[Bar]
    height: int
    label_y: int = 0  # px baseline of the column labels, vertical charts


def horizontal_bars(title: str, items: Sequence[tuple[str, float | None, str]], *, maximum: float | None = None) -> Chart:
    """One row per (label, value, value_text); bars scale to `maximum` (default: the largest value)."""
    top = maximum if maximum is not None else max((row[1] or 0 for row in items), default=0)
    bars = []
    for i, (label, value, value_text) in enumerate(items):
        width = BAR_SHARE * (value or 0) / top if top else 0.0
        y = i * ROW_HEIGHT + 4
        bars.append(Bar(
            label=label, value_text=value_text, x=LABEL_SHARE, y=y, width=round(width, 2), height=ROW_HEIGHT - 10,
            text_x=round(LABEL_SHARE + width + 1.5, 2), text_y=y + ROW_HEIGHT - 14,
        ))
    return Chart(title=title, horizontal=True, bars=bars, height=len(items) * ROW_HEIGHT + 4)


def vertical_bars(title: str, items: Sequence[tuple[str, int]]) -> Chart:
    """One column per (label, value), as for a time series; with many columns only every n-th is labelled."""
    top = max((row[1] for row in items), default=0)
    slot = 100 / len(items) if items else 100
    every = max(1, -(-len(items) // MAX_COLUMN_LABELS))
    bars = []
    for i, (label, value) in enumerate(items):
        height = COLUMN_AREA * value / top if top else 0
        y = 20 + COLUMN_AREA - height
        bars.append(Bar(
            label=label, value_text=str(value), x=round(i * slot + slot * 0.15, 3), y=round(y, 2),
            width=round(slot * 0.7, 3), height=round(height, 2), text_x=round(i * slot + slot / 2, 3), text_y=round(y - 5, 2),
            show_label=i % every == 0,
        ))
    return Chart(title=title, horizontal=False, bars=bars, height=20 + COLUMN_AREA + 24, label_y=20 + COLUMN_AREA + 17)


def duration_text(value: timedelta | None) -> str:
    """A step time in the largest sensible units: '12 mnt 30 dtk', '3 j 20 mnt', '2 hr 1 j'."""
    if value is None:
        return "—"
    seconds = round(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        (days, _("%(n)s hr")), (hours, _("%(n)s j")), (minutes, _("%(n)s mnt")), (seconds, _("%(n)s dtk")),
    ]
    shown = [text % {"n": n} for n, text in parts if n]
    return " ".join(shown[:2]) if shown else _("%(n)s mnt") % {"n": 0}
