"""The `facilities` and `statuses` templates (docs/IMPORTS.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Commune
from accounts.permissions import held_commune_id
from facilities.locking import locked_message, rows_in_locked_years
from facilities.models import Facility, FacilityYearStatus, Sector, Stage
from melinh_sxsh.lib.importing import (
    CellError,
    Column,
    Importer,
    Outcome,
    Row,
    choice_parser,
    choices_map,
    parse_number,
    parse_tax_code,
    register,
    text_parser,
)
from melinh_sxsh.lib.text import normalize
from melinh_sxsh.lib.years import FACT, OPERATING, year_cell

BATCH = 2000

# Coded values as the templates write them (docs/IMPORTS.md): Vietnamese labels, not UI strings.
KIND_LABELS = [("Doanh nghiệp", Facility.Kind.ENTERPRISE),
               ("Hợp tác xã", Facility.Kind.COOPERATIVE),
               ("Hộ kinh doanh", Facility.Kind.HOUSEHOLD)]
GROUP_LABELS = [("CN", Facility.Group.CN), ("TTCN", Facility.Group.TTCN)]
STAGE_LABELS = [("Chưa nhận thức", Stage.UNAWARE), ("Đã nhận thức", Stage.AWARE),
                ("Đã đăng ký áp dụng", Stage.COMMITTED), ("Đang áp dụng", Stage.APPLYING)]


def commune_options() -> dict[str, Commune]:
    """A commune by its code, its name, or its name with the Xã / Thị trấn prefix."""
    options = {}
    for commune in Commune.objects.all():
        for label in (commune.code, commune.name, str(commune)):
            options[normalize(label)] = commune
    return options


def sector_options() -> dict[str, Sector]:
    options = {}
    for sector in Sector.objects.all():
        for label in (sector.code, f"C{sector.code}", sector.name):
            options[normalize(label)] = sector
        options[normalize(str(int(sector.code)))] = sector
    return options


def chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def facilities_by_tax_code(tax_codes: list[str], *, lock: bool = False) -> dict[str, Facility]:
    found = {}
    for part in chunks(sorted(set(tax_codes))):
        queryset = Facility.objects.filter(tax_code__in=part)
        if lock:
            queryset = queryset.select_for_update()
        found.update({f.tax_code: f for f in queryset})
    return found


class ScopedImporter(Importer):
    """Commune officials may import only rows of their own commune."""

    @property
    def own_commune_id(self) -> int | None:
        return held_commune_id(self.user)


def parse_email(value) -> str:
    text = text_parser(254)(value)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_('"%(value)s" is not an email address') % {"value": text[:60]}) from None
    return text


@register
class FacilityImporter(ScopedImporter):
    kind = "facilities"
    title = gettext_lazy("Facilities")
    action = "facility.import"
    key = ("tax_code",)

    def columns(self) -> list[Column]:
        communes = commune_options()
        sectors = sector_options()
        return [
            Column("tax_code", "Mã số thuế", parse_tax_code, required=True, example="0101234567",
                   width=16),
            Column("name", "Tên cơ sở", text_parser(255), required=True,
                   example="Công ty TNHH Cơ khí Quang Minh", width=36),
            Column("commune", "Xã/Thị trấn", choice_parser(communes, _("commune")),
                   required=True, example="Quang Minh",
                   choices=[c.name for c in Commune.objects.all()]),
            Column("address", "Địa chỉ", text_parser(255), example="KCN Quang Minh", width=30),
            Column("sector", "Mã ngành", choice_parser(sectors, _("VSIC sector")), example="25",
                   choices=[s.code for s in Sector.objects.all()], width=10),
            Column("kind", "Loại hình", choice_parser(choices_map(KIND_LABELS), _("type")),
                   example="Doanh nghiệp", choices=[label for label, _v in KIND_LABELS]),
            Column("group", "Nhóm", choice_parser(choices_map(GROUP_LABELS), _("group")),
                   example="CN", choices=[label for label, _v in GROUP_LABELS], width=8),
            Column("main_products", "Sản phẩm chính", text_parser(255),
                   example="Kết cấu thép", width=24),
            Column("product_unit", "Đơn vị sản phẩm", text_parser(50), example="tấn", width=12),
            Column("employees", "Số lao động",
                   lambda v: parse_number(v, integer=True, maximum=1_000_000), example=45),
            Column("first_year", "Năm bắt đầu hoạt động", year_cell(OPERATING), example=2009),
            Column("last_year", "Năm ngừng hoạt động", year_cell(OPERATING), example=None),
            Column("contact_person", "Người liên hệ", text_parser(150),
                   example="Nguyễn Văn Nam", width=22),
            Column("phone", "Điện thoại", text_parser(30), example="0243 818 1234", width=16),
            Column("email", "Email", parse_email, example="lienhe@cokhiquangminh.vn", width=26),
        ]

    def prepare(self, rows: list[Row]) -> None:
        self.existing = facilities_by_tax_code([row.values["tax_code"] for row in rows])

    def check(self, row: Row) -> None:
        values = row.values
        current = self.existing.get(values["tax_code"])
        own = self.own_commune_id
        if own is not None:
            if current is not None and current.commune_id != own:
                row.error("tax_code", _("this tax code belongs to a facility outside your "
                                        "commune; ask the Economic Department"))
                return
            if values.get("commune") is not None and values["commune"].id != own:
                row.error("commune", _("you may import only facilities of your own commune"))
                return
        if current is None and not values.get("name"):
            row.error("name", _("must not be empty"))
        first = values.get("first_year") or (current.first_year if current else None)
        last = values.get("last_year") or (current.last_year if current else None)
        if first and last and last < first:
            message = _("cannot be before the first year (%(year)s)") % {"year": first}
            row.error("last_year", message)

    def plan_and_write(self, rows: list[Row], outcome: Outcome, *, write: bool) -> None:
        existing = facilities_by_tax_code([r.values["tax_code"] for r in rows], lock=write)
        new, changed = [], []
        changed_fields: set[str] = set()
        for row in rows:
            values = {k: v for k, v in row.values.items() if v is not None and k != "tax_code"}
            facility = existing.get(row.values["tax_code"])
            if facility is None:
                facility = Facility(tax_code=row.values["tax_code"], **values)
                if write:
                    facility.refresh_keys()
                new.append(facility)
                outcome.count("created", f"{facility.tax_code} – {facility.name}")
                continue
            diff = [k for k, v in values.items() if getattr(facility, k) != v]
            if not diff:
                outcome.count("unchanged", f"{facility.tax_code} – {facility.name}")
                continue
            for key in diff:
                setattr(facility, key, values[key])
            facility.version += 1
            if write:
                facility.refresh_keys()
            changed_fields.update(diff)
            changed.append(facility)
            outcome.count("updated", f"{facility.tax_code} – {facility.name}")
        if not write:
            return
        reason = "import"
        if new:
            bulk_create_with_history(new, Facility, batch_size=BATCH, default_user=self.user,
                                     default_change_reason=reason)
        if changed:
            now = timezone.now()
            for facility in changed:
                facility.updated_at = now
            fields = sorted(changed_fields | {"version", "name_sort", "search_text", "updated_at"})
            bulk_update_with_history(changed, Facility, fields, batch_size=BATCH,
                                     default_user=self.user, default_change_reason=reason)


class FacilityYearImporter(ScopedImporter):
    """Rows about a registered facility in a year (statuses, energy): the facility must be in
    the user's scope and the year must not be locked."""

    def prepare(self, rows: list[Row]) -> None:
        self.facilities = facilities_by_tax_code([row.values["tax_code"] for row in rows])
        self.locked = rows_in_locked_years(row.values["year"] for row in rows)

    def check(self, row: Row) -> bool:
        if row.values["year"] in self.locked:
            row.error("year", locked_message(row.values["year"]))
            return False
        facility = self.facilities.get(row.values["tax_code"])
        own = self.own_commune_id
        if facility is None or (own is not None and facility.commune_id != own):
            row.error("tax_code", _("no facility with this tax code in your scope; import it "
                                    "with the facilities template first"))
            return False
        return True


@register
class StatusImporter(FacilityYearImporter):
    kind = "statuses"
    title = gettext_lazy("Yearly statuses")
    action = "status.change"
    key = ("tax_code", "year")

    def columns(self) -> list[Column]:
        return [
            Column("tax_code", "Mã số thuế", parse_tax_code, required=True, example="0101234567",
                   width=16),
            Column("year", "Năm", year_cell(FACT), required=True, example=2018, width=8),
            Column("stage", "Mức độ", choice_parser(choices_map(STAGE_LABELS), _("stage")),
                   required=True, example="Đã nhận thức",
                   choices=[label for label, _v in STAGE_LABELS], width=22),
            Column("note", "Ghi chú", text_parser(500), example="Dự hội nghị tập huấn 6/2018",
                   width=40),
        ]


    def plan_and_write(self, rows: list[Row], outcome: Outcome, *, write: bool) -> None:
        facilities = facilities_by_tax_code([r.values["tax_code"] for r in rows])
        ids = [f.id for f in facilities.values()]
        current: dict[tuple[int, int], FacilityYearStatus] = {}
        for part in chunks(ids):
            queryset = FacilityYearStatus.objects.filter(facility_id__in=part)
            if write:
                queryset = queryset.select_for_update()
            current.update({(s.facility_id, s.year): s for s in queryset})
        new, changed = [], []
        for row in rows:
            facility = facilities[row.values["tax_code"]]
            label = f"{facility.tax_code} – {facility.name} – {row.values['year']}"
            status = current.get((facility.id, row.values["year"]))
            note = row.values.get("note")
            if status is None:
                new.append(FacilityYearStatus(facility=facility, year=row.values["year"],
                                              stage=row.values["stage"], note=note or "",
                                              set_by=self.user))
                outcome.count("created", label)
            elif status.stage != row.values["stage"] or (note is not None and status.note != note):
                status.stage = row.values["stage"]
                if note is not None:
                    status.note = note
                status.set_by = self.user
                status.version += 1
                changed.append(status)
                outcome.count("updated", label)
            else:
                outcome.count("unchanged", label)
        if not write:
            return
        if new:
            bulk_create_with_history(new, FacilityYearStatus, batch_size=BATCH,
                                     default_user=self.user, default_change_reason="import")
        if changed:
            bulk_update_with_history(changed, FacilityYearStatus,
                                     ["stage", "note", "set_by", "version"], batch_size=BATCH,
                                     default_user=self.user, default_change_reason="import")
