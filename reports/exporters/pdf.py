"""The progress report as a Vietnamese administrative document (Decree 30/2020/NĐ-CP), PDF."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from melinh_sxsh.lib.text import place_and_date
from reports import charts
from reports.exporters.base import Exporter, ReportData

STATIC = settings.BASE_DIR / "static"




class PdfExporter(Exporter):
    identifier = "pdf"
    extension = "pdf"
    content_type = "application/pdf"

    def html(self, data: ReportData) -> str:
        """The final HTML WeasyPrint lays out (also what the benchmark renders alone)."""
        with translation.override("vi"):
            return render_to_string("reports/pdf/report.html", {
                "data": data, "figures": data.figures,
                "date_line": place_and_date(data.built_on, data.place),
                "trend_chart": charts.trend_uri(data.overview),
                "activity_chart": charts.data_uri(charts.activity_svg(data.activity))
                if data.activity.campaigns else None,
            })

    def render_bytes(self, data: ReportData) -> bytes:
        from weasyprint import HTML

        return HTML(string=self.html(data), base_url=str(STATIC)).write_pdf()
