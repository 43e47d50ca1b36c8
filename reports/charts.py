"""Charts drawn on the server as SVG (pygal), the same in the dashboard and in the PDF.

Pages embed them as data: images so that the SVG's own stylesheet stays inside the image and the
page's content-security policy needs no inline style; nothing is fetched from another site
(pygal's tooltip script is switched off).

An SVG scales as a whole: a chart drawn 720 wide and shown 360 wide on a phone has half-size
text. So a page gets each chart twice (`Chart`): wide for a screen and the PDF, and narrow, drawn
at a phone's width with larger type, fewer ticks and the legend in one column, which the page
shows below 576 px (`templates/includes/_chart.html`)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from melinh_sxsh.lib.text import format_number
from reports.kpis import Activity, Overview, TrendPoint

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#ccc",
    font_family="Liberation Serif, Times New Roman, serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=11,
    colors=("#1b6b4a", "#0b5a8a", "#c77c02", "#7a1f5c", "#555555"),
)
OPTIONS = {
    "js": [],
    "disable_xml_declaration": True,
    "style": STYLE,
    "width": 720,
    "height": 320,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 4,
    "print_values": False,
    "show_y_guides": True,
    "dots_size": 3,
    "max_scale": 8,
    "truncate_legend": -1,
    "no_data_text": "—",
    # Both charts count (facilities, people): whole ticks, written the Vietnamese way (1.234),
    # not pygal's 0.2, 0.4 ... and 1,234.
    "order_min": 0,
    "value_formatter": lambda value: format_number(value, 0),
}
# Drawn at a phone's width: shown at about its own size, so 15 px type stays 15 px.
NARROW = {
    **OPTIONS,
    "style": Style(
        **{
            **STYLE.to_dict(),
            "label_font_size": 15,
            "major_label_font_size": 15,
            "legend_font_size": 15,
            "title_font_size": 17,
            "value_font_size": 14,
        }
    ),
    "width": 360,
    "height": 380,
    "legend_at_bottom_columns": 1,
    "legend_box_size": 14,
    "max_scale": 5,
    "dots_size": 4,
    "margin": 8,
    # The last year's label is centred on the chart's right edge.
    "margin_right": 24,
}


@dataclass(frozen=True)
class Chart:
    """One chart as two data: URIs, for a wide screen (and the PDF) and for a phone."""

    wide: str
    narrow: str


# The printed report's: shown about 16 cm wide, so larger type (15 px prints at about 10 pt),
# and the legend in two columns, each wide enough for the longest label at any band.
PRINTED = {
    **OPTIONS,
    "style": Style(
        **{
            **STYLE.to_dict(),
            "label_font_size": 15,
            "major_label_font_size": 15,
            "legend_font_size": 15,
            "title_font_size": 17,
        }
    ),
    "legend_at_bottom_columns": 2,
    "legend_box_size": 14,
    "height": 360,
}


def trend_svg(points: list[TrendPoint], band_low: Decimal, *, narrow: bool = False,
              printed: bool = False) -> str:
    """Facilities active, aware, applying and saving, year by year."""
    options = NARROW if narrow else PRINTED if printed else OPTIONS
    chart = pygal.Line(**options, title=_("Facilities by year"))
    chart.x_labels = [str(point.year) for point in points]
    chart.add(_("Operating"), [point.active for point in points])
    chart.add(_("Aware"), [point.aware for point in points])
    chart.add(_("Applying"), [point.applying for point in points])
    chart.add(
        _("Saving at least %(low)s%%") % {"low": format_number(band_low, 0)},
        [point.saving for point in points],
    )
    return chart.render(is_unicode=True)


def activity_svg(activity: Activity) -> str:
    """People reached by each kind of campaign in the year (the printed report's)."""
    chart = pygal.HorizontalBar(
        **{**PRINTED, "height": 330, "show_legend": False},
        title=_("People reached by kind of activity"),
    )
    rows = [row for row in activity.kinds if row.campaigns]
    chart.x_labels = [row.label for row in rows]
    chart.add(_("People reached"), [row.people_reached for row in rows])
    return chart.render(is_unicode=True)


# Names of districts at about 8.5 pt once the chart is scaled to the landscape page.
DISTRICTS_STYLE = Style(**{**PRINTED["style"].to_dict(), "label_font_size": 18,
                           "major_label_font_size": 18, "legend_font_size": 18})


def districts_svg(rows) -> str:
    """The city's report: each district's facilities aware and saving in the year, one pair of
    horizontal bars a district (30 fit on a printed page, their names legible). `rows` are
    the report's (reports/exporters/city.CityRow): a name with * has live figures."""
    # Printed across a landscape page (24.7 cm) and at most 14.5 cm high: 20 px a district,
    # and at least 1.7 times as wide as high, keeps 30 of them legible.
    height = max(320, 150 + 20 * len(rows))
    chart = pygal.HorizontalBar(
        **{**PRINTED, "style": DISTRICTS_STYLE, "width": max(1000, round(height * 1.7)),
           "height": height, "legend_at_bottom_columns": 2,
           "spacing": 3, "margin_left": 10},
    )
    ordered = list(reversed(rows))  # pygal draws the first label at the bottom
    chart.x_labels = [row.label for row in ordered]
    chart.add(_("Facilities aware of CP"), [row.kpis.aware.current for row in ordered])
    chart.add(_("Facilities applying CP and saving energy"),
              [row.kpis.saving.current for row in ordered])
    return chart.render(is_unicode=True)


def trend_uri(overview: Overview) -> str:
    """The trend chart of an overview, ready for an <img src> (the PDF's)."""
    return data_uri(trend_svg(overview.trend, overview.targets.band[0], printed=True))


def trend_chart(overview: Overview) -> Chart:
    """The trend chart of an overview for a page: wide and narrow."""
    low = overview.targets.band[0]
    return Chart(
        wide=data_uri(trend_svg(overview.trend, low)),
        narrow=data_uri(trend_svg(overview.trend, low, narrow=True)),
    )


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
