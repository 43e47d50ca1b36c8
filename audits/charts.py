"""The SEC-by-year chart of the facility page, laid out here and drawn by a small SVG template
(templates/audits/_sec_chart.html): no JavaScript, nothing from another site."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from audits.energy import same_unit
from audits.selectors import Figures

# Drawn at a phone's width, so that its 13-unit text is about 12 px there; on a wide screen the
# page caps the drawing's width (static/css/site.css, .sec-chart).
WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 56, 18, 28, 30
INSET = 20  # keeps the first and last points off the axis and the edge
FONT_SIZE = 13


@dataclass
class Point:
    x: Decimal
    y: Decimal
    year: int
    sec: Decimal
    baseline: bool

    @property
    def label_y(self) -> Decimal:
        return self.y - 9


def _scale_top(maximum: Decimal) -> Decimal:
    """A round top for the axis, just above the largest value (1, 2 or 5 × 10^n)."""
    if maximum <= 0:
        return Decimal(1)
    step = Decimal(10) ** (maximum.adjusted())
    for factor in (1, 2, 5, 10):
        if step * factor >= maximum:
            return step * factor
    return step * 10


def sec_chart(rows: list[Figures]) -> dict | None:
    """Coordinates of SEC by year (oldest left) for the records whose SEC is defined; None when
    fewer than one. Says when the product units differ and the points are not comparable."""
    rows = sorted((row for row in rows if row.sec is not None), key=lambda r: r.record.year)
    if not rows:
        return None
    top = _scale_top(max(row.sec for row in rows))
    first, last = rows[0].record.year, rows[-1].record.year
    span = max(last - first, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * INSET, HEIGHT - TOP - BOTTOM
    points = []
    for row in rows:
        offset = Decimal(row.record.year - first) / span if last > first else Decimal("0.5")
        x = LEFT + INSET + offset * plot_w
        y = TOP + plot_h - row.sec / top * plot_h
        points.append(
            Point(
                x.quantize(Decimal("0.1")),
                y.quantize(Decimal("0.1")),
                row.record.year,
                row.sec,
                row.record.is_baseline,
            )
        )
    unit = rows[-1].record.product_unit
    bottom = HEIGHT - BOTTOM
    # Grid lines at 0, half and the top of the axis: (line y, label y, value)
    ticks = [
        (y, y + 5, value) for y, value in ((bottom, 0), (TOP + plot_h // 2, top / 2), (TOP, top))
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_x": LEFT - 5,
        "year_y": bottom + 19,
        "ticks": ticks,
        "font_size": FONT_SIZE,
        "points": points,
        "line": " ".join(f"{p.x},{p.y}" for p in points),
        "unit": unit,
        "mixed_units": any(not same_unit(row.record.product_unit, unit) for row in rows),
    }
