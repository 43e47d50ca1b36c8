"""Report exporters: one interface, used by the worker, `build_report` and the tests."""

from reports.exporters.base import EXPORTERS, Exporter, ReportData, gather
from reports.exporters.pdf import PdfExporter
from reports.exporters.xlsx import XlsxExporter

EXPORTERS.update({PdfExporter.identifier: PdfExporter, XlsxExporter.identifier: XlsxExporter})

__all__ = ["EXPORTERS", "Exporter", "PdfExporter", "ReportData", "XlsxExporter", "gather"]
