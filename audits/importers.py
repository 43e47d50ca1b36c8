"""The `energy` template (docs/IMPORTS.md, "energy"): one row per facility and year, one column
per carrier."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import EnergyCarrier, EnergyRecord
from audits.services import RecordRow, record_upsert_many
from facilities.importers import FacilityYearImporter, refuse, tax_code_column
from melinh_sxsh.lib.errors import RowsRefused
from melinh_sxsh.lib.importing import (
    CellError,
    Column,
    Outcome,
    Row,
    choice_parser,
    choices_map,
    parse_number,
    register,
    text_parser,
)
from melinh_sxsh.lib.years import FACT, year_cell

# Coded values as the template writes them (docs/IMPORTS.md): Vietnamese labels, not UI strings.
BASELINE_LABELS = [("x", True), ("Có", True), ("Không", False)]
SOURCE_LABELS = [
    ("Đánh giá nhanh", EnergyRecord.Source.RAPID),
    ("Đánh giá chi tiết", EnergyRecord.Source.DETAILED),
    ("Báo cáo năm", EnergyRecord.Source.ANNUAL),
]
CARRIER_PREFIX = "carrier:"
PLACES = Decimal("0.0001")  # the 4 decimal places of output and quantity columns
LIMIT = Decimal(10) ** 14  # 18 digits, 4 of them decimals


def parse_amount(value: Any) -> Decimal:
    """A quantity or an output: not negative, rounded half up to the 4 places stored."""
    number = Decimal(parse_number(value)).quantize(PLACES, rounding=ROUND_HALF_UP)
    if number >= LIMIT:
        raise CellError(_("is too large"))
    return number


def carrier_header(carrier: EnergyCarrier) -> str:
    return f"{carrier.name} ({carrier.unit})"


@register
class EnergyImporter(FacilityYearImporter):
    kind = "energy"
    title = gettext_lazy("Energy records")
    action = "energy.change"
    key = ("tax_code", "year")

    def columns(self) -> list[Column]:
        columns = [
            tax_code_column(),
            Column("year", "Năm", year_cell(FACT), required=True, example=2018, width=8),
            Column("output", "Sản lượng", parse_amount, required=True, example="1.250", width=12),
            Column(
                "product_unit",
                "Đơn vị sản phẩm",
                text_parser(50),
                required=True,
                example="tấn",
                width=14,
            ),
            Column(
                "is_baseline",
                "Năm cơ sở",
                choice_parser(choices_map(BASELINE_LABELS), _("baseline mark (x, Có or Không)")),
                example="Không",
                choices=[label for label, _v in BASELINE_LABELS],
                width=10,
            ),
            Column(
                "source",
                "Nguồn số liệu",
                choice_parser(choices_map(SOURCE_LABELS), _("data source")),
                example="Báo cáo năm",
                choices=[label for label, _v in SOURCE_LABELS],
                width=18,
            ),
        ]
        examples = {"ELEC": 850_000, "DO": "12,5"}
        for carrier in EnergyCarrier.objects.all():
            columns.append(
                Column(
                    f"{CARRIER_PREFIX}{carrier.pk}",
                    carrier_header(carrier),
                    parse_amount,
                    example=examples.get(carrier.code),
                    width=14,
                )
            )
        return columns

    def check_headers(self, found: set[str]) -> list[str]:
        if not any(key.startswith(CARRIER_PREFIX) for key in found):
            return [
                _(
                    "The file has no energy carrier column; add at least one, headed like "
                    '"%(example)s".'
                )
                % {"example": "Điện (kWh)"}
            ]
        return []

    def apply(self, rows: Sequence[Row], outcome: Outcome, *, write: bool) -> None:
        # The service refuses a record without lines too; the template says which cells to fill.
        filled = []
        for row in rows:
            if row_lines(row):
                filled.append(row)
            else:
                row.error(None, _("no energy quantity: fill at least one energy carrier column"))
        rows, facilities = self.facilities(filled)
        changes = []
        for row, facility in zip(rows, facilities, strict=True):
            values = row.values
            fields = {
                "year": values["year"],
                "output": values["output"],
                "product_unit": values["product_unit"],
                "is_baseline": bool(values.get("is_baseline")),
            }
            if values.get("source"):  # an empty source keeps the one already recorded
                fields["source"] = values["source"]
            changes.append(RecordRow(facility=facility, values=fields, lines=row_lines(row)))
        try:
            written = record_upsert_many(user=self.user, rows=changes, reason="import", write=write)
        except RowsRefused as exc:
            refuse(rows, exc, {"facility": "tax_code"})
            return
        for change, record in written:
            outcome.count(
                change, f"{record.facility.tax_code} – {record.facility.name} – {record.year}"
            )


def row_lines(row: Row) -> dict[int, Decimal]:
    return {
        int(key.removeprefix(CARRIER_PREFIX)): value
        for key, value in row.values.items()
        if key.startswith(CARRIER_PREFIX) and value is not None
    }
