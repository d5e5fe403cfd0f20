"""Chart geometry for the SVG templates: scales, top-N with "others", short labels.

The templates only draw what is computed here, so a chart looks the same with one
opportunity or two thousand: bars are scaled to a rounded maximum, long lists keep their
largest entries and fold the rest into one "Others" bar, long names are shortened (the
full name stays in the SVG <title>), and amounts are written compactly (€1.2M).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from roundup_crm.reports.common import truncate

# Colours and sizes are SVG attributes, not CSS: WeasyPrint draws inline SVG with its own
# renderer, which does not apply the page's stylesheet inside the <svg>.
SOLD = "#1b6e2e"
OFFERED = "#c9a227"
COUNT = "#1a4f8b"
FONT_SIZE = 9
LABEL_CHARS = 26
WIDTH = 520.0
LABEL_WIDTH = 150.0
VALUE_WIDTH = 90.0
BAR_HEIGHT = 16.0
GAP = 6.0
TOP = 8.0
AXIS = 18.0


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    color: str
    value: str


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    y: float
    segments: tuple[Segment, ...]
    value: str
    value_x: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: float
    height: float
    plot_left: float
    plot_width: float
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, label)
    note: str

    @property
    def empty(self) -> bool:
        return not self.bars


def nice_step(value: float, *, integer: bool = False) -> float:
    """A readable tick step near `value`: 1, 2, 2.5 or 5 x 10^k (whole numbers for counts)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    for step in steps:
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9) and (not integer or candidate >= 1):
            return float(candidate)
    return float(10 ** (exponent + 1))


def scale(maximum: float, *, integer: bool = False, ticks: int = 4) -> tuple[float, float]:
    """(axis maximum, tick step) so that the largest bar nearly fills the plot."""
    step = max(nice_step(maximum / ticks, integer=integer), 1.0 if integer else 0.0) or 1.0
    return step * max(math.ceil(maximum / step - 1e-9), 1), step


def compact(value: float | Decimal, currency: str | None = None) -> str:
    """1234 -> 1.2K, 2500000 -> 2.5M, with the currency symbol when given."""
    from babel.numbers import format_compact_currency, format_compact_decimal

    number = float(value)
    if currency:
        return str(format_compact_currency(number, currency, locale="en_GB", fraction_digits=1))
    return str(format_compact_decimal(number, locale="en_GB", fraction_digits=1))


def _ticks(
    maximum: float, step: float, currency: str | None, plot_left: float, plot_width: float
) -> tuple[Tick, ...]:
    count = round(maximum / step)
    return tuple(
        Tick(
            x=round(plot_left + plot_width * i / count, 1),
            label=compact(step * i, currency) if i else "0",
        )
        for i in range(count + 1)
    )


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | Decimal]]],
    *,
    series: Sequence[tuple[str, str]],  # (colour, name) per stacked part
    currency: str | None = None,
    top: int = 10,
    others_label: str = "Others",
    note: str = "",
    keep_order: bool = False,
) -> Chart:
    """A horizontal (stacked) bar chart. `rows` are (label, one value per series)."""
    values = [(label, [float(v) for v in parts]) for label, parts in rows]
    if not keep_order:
        values.sort(key=lambda r: (-sum(r[1]), r[0]))
    if len(values) > top:
        rest = values[top - 1 :]
        folded = [sum(r[1][i] for r in rest) for i in range(len(series))]
        values = [*values[: top - 1], (f"{others_label} ({len(rest)})", folded)]
    plot_left = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    integer = currency is None
    maximum, step = scale(max((sum(v) for _, v in values), default=0.0), integer=integer)
    bars = []
    for index, (label, parts) in enumerate(values):
        y = TOP + index * (BAR_HEIGHT + GAP)
        x = plot_left
        segments = []
        for (color, _name), part in zip(series, parts, strict=True):
            width = plot_width * part / maximum if maximum else 0.0
            segments.append(Segment(round(x, 1), round(width, 1), color, compact(part, currency)))
            x += width
        bars.append(
            Bar(
                label=truncate(label, LABEL_CHARS),
                full_label=label,
                y=round(y, 1),
                segments=tuple(segments),
                value=compact(sum(parts), currency),
                value_x=round(x + 4, 1),
            )
        )
    axis_y = TOP + len(values) * (BAR_HEIGHT + GAP)
    return Chart(
        title=title,
        width=WIDTH,
        height=axis_y + AXIS,
        plot_left=plot_left,
        plot_width=plot_width,
        axis_y=axis_y,
        bars=tuple(bars),
        ticks=_ticks(maximum, step, currency, plot_left, plot_width) if values else (),
        legend=tuple(series) if len(series) > 1 else (),
        note=note,
    )
