"""The SEC-by-year chart of the facility page, laid out here and drawn by a small SVG template
(templates/audits/_sec_chart.html): no JavaScript, nothing from another site."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from audits.energy import same_unit
from audits.selectors import Figures

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 24, 26
INSET = 16  # keeps the first and last points off the axis and the edge


@dataclass
class Point:
    x: Decimal
    y: Decimal
    year: int
    sec: Decimal
    baseline: bool

    @property
    def label_y(self) -> Decimal:
        return self.y - 8


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
        points.append(Point(x.quantize(Decimal("0.1")), y.quantize(Decimal("0.1")),
                            row.record.year, row.sec, row.record.is_baseline))
    unit = rows[-1].record.product_unit
    bottom = HEIGHT - BOTTOM
    # Grid lines at 0, half and the top of the axis: (line y, label y, value)
    ticks = [(y, y + 4, value) for y, value in
             ((bottom, 0), (TOP + plot_h // 2, top / 2), (TOP, top))]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
        "label_x": LEFT - 4, "year_y": bottom + 16, "ticks": ticks,
        "points": points, "line": " ".join(f"{p.x},{p.y}" for p in points), "unit": unit,
        "mixed_units": any(not same_unit(row.record.product_unit, unit) for row in rows),
    }
