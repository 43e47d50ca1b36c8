"""The `energy` template (docs/IMPORTS.md, "energy"): one row per facility and year, one column
per carrier."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audits.models import EnergyCarrier, EnergyRecord
from audits.quality import quality_refresh_ids
from audits.services import sync_lines
from facilities.importers import BATCH, FacilityYearImporter, chunks, facilities_by_tax_code
from melinh_sxsh.lib.importing import (
    CellError,
    Column,
    Outcome,
    Row,
    choice_parser,
    choices_map,
    parse_number,
    parse_tax_code,
    register,
    text_parser,
)
from melinh_sxsh.lib.years import FACT, year_cell

# Coded values as the template writes them (docs/IMPORTS.md): Vietnamese labels, not UI strings.
BASELINE_LABELS = [("x", True), ("Có", True), ("Không", False)]
SOURCE_LABELS = [("Đánh giá nhanh", EnergyRecord.Source.RAPID),
                 ("Đánh giá chi tiết", EnergyRecord.Source.DETAILED),
                 ("Báo cáo năm", EnergyRecord.Source.ANNUAL)]
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
            Column("tax_code", "Mã số thuế", parse_tax_code, required=True, example="0101234567",
                   width=16),
            Column("year", "Năm", year_cell(FACT), required=True, example=2018, width=8),
            Column("output", "Sản lượng", parse_amount, required=True, example="1.250", width=12),
            Column("product_unit", "Đơn vị sản phẩm", text_parser(50), required=True,
                   example="tấn", width=14),
            Column("is_baseline", "Năm cơ sở",
                   choice_parser(choices_map(BASELINE_LABELS), _("baseline mark (x, Có or "
                                                                 "Không)")),
                   example="Không", choices=[label for label, _v in BASELINE_LABELS], width=10),
            Column("source", "Nguồn số liệu",
                   choice_parser(choices_map(SOURCE_LABELS), _("data source")),
                   example="Báo cáo năm", choices=[label for label, _v in SOURCE_LABELS],
                   width=18),
        ]
        examples = {"ELEC": 850_000, "DO": "12,5"}
        for carrier in EnergyCarrier.objects.all():
            columns.append(Column(f"{CARRIER_PREFIX}{carrier.pk}", carrier_header(carrier),
                                  parse_amount, example=examples.get(carrier.code), width=14))
        return columns

    def check_headers(self, found: set[str]) -> list[str]:
        if not any(key.startswith(CARRIER_PREFIX) for key in found):
            return [_('The file has no energy carrier column; add at least one, headed like '
                      '"%(example)s".') % {"example": "Điện (kWh)"}]
        return []

    def check(self, row: Row) -> bool:
        if not super().check(row):
            return False
        if not _lines(row):
            row.error(None, _("no energy quantity: fill at least one energy carrier column"))
            return False
        return True

    def plan_and_write(self, rows: list[Row], outcome: Outcome, *, write: bool) -> None:
        facilities = facilities_by_tax_code([r.values["tax_code"] for r in rows])
        current: dict[tuple[int, int], EnergyRecord] = {}
        for part in chunks([f.pk for f in facilities.values()]):
            queryset = EnergyRecord.objects.filter(facility_id__in=part).prefetch_related("uses")
            if write:
                queryset = queryset.select_for_update()
            current.update({(r.facility_id, r.year): r for r in queryset})
        new, changed, lines = [], [], []
        for row in rows:
            values = row.values
            facility = facilities[values["tax_code"]]
            label = f"{facility.tax_code} – {facility.name} – {values['year']}"
            wanted = _lines(row)
            fields = {"output": values["output"], "product_unit": values["product_unit"],
                      "is_baseline": bool(values.get("is_baseline"))}
            if values.get("source"):  # an empty source keeps the one already recorded
                fields["source"] = values["source"]
            record = current.get((facility.pk, values["year"]))
            if record is None:
                record = EnergyRecord(facility=facility, year=values["year"], **fields)
                new.append(record)
                outcome.count("created", label)
            else:
                have = {use.carrier_id: use.quantity for use in record.uses.all()}
                diff = [k for k, v in fields.items() if getattr(record, k) != v]
                if not diff and have == wanted:
                    outcome.count("unchanged", label)
                    continue
                for key in diff:
                    setattr(record, key, fields[key])
                # What was verified is no longer what is stored.
                record.verified_by = record.verified_at = None
                record.version += 1  # an edit form opened before the import is now stale
                changed.append(record)
                outcome.count("updated", label)
            lines.append((record, wanted))
        if not write:
            return
        if new:
            bulk_create_with_history(new, EnergyRecord, batch_size=BATCH, default_user=self.user,
                                     default_change_reason="import")
        if changed:
            now = timezone.now()  # bulk_update does not touch auto_now fields
            for record in changed:
                record.updated_at = now
            bulk_update_with_history(changed, EnergyRecord,
                                     ["output", "product_unit", "is_baseline", "source",
                                      "verified_by", "verified_at", "updated_at", "version"],
                                     batch_size=BATCH,
                                     default_user=self.user, default_change_reason="import")
        sync_lines(lines, user=self.user, reason="import")
        quality_refresh_ids([record.facility_id for record, _wanted in lines])


def _lines(row: Row) -> dict[int, Decimal]:
    return {int(key.removeprefix(CARRIER_PREFIX)): value for key, value in row.values.items()
            if key.startswith(CARRIER_PREFIX) and value is not None}
