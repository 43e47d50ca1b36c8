"""The `facilities` and `statuses` templates (docs/IMPORTS.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Commune
from accounts.permissions import held_district_id
from facilities.models import Facility, Sector, Stage, normalize_tax_code
from facilities.selectors import facilities_by_tax_code
from facilities.services import FacilityRow, StatusRow, facility_upsert_many, status_set_many
from melinh_sxsh.lib.errors import RowsRefused
from melinh_sxsh.lib.importing import (
    CellError,
    Column,
    Importer,
    Outcome,
    Row,
    choice_parser,
    choices_map,
    parse_number,
    register,
    text_parser,
    validated,
)
from melinh_sxsh.lib.text import normalize
from melinh_sxsh.lib.years import FACT, OPERATING, year_cell

# Coded values as the templates write them (docs/IMPORTS.md): Vietnamese labels, not UI strings.
KIND_LABELS = [
    ("Doanh nghiệp", Facility.Kind.ENTERPRISE),
    ("Hợp tác xã", Facility.Kind.COOPERATIVE),
    ("Hộ kinh doanh", Facility.Kind.HOUSEHOLD),
]
GROUP_LABELS = [("CN", Facility.Group.CN), ("TTCN", Facility.Group.TTCN)]
STAGE_LABELS = [
    ("Chưa nhận thức", Stage.UNAWARE),
    ("Đã nhận thức", Stage.AWARE),
    ("Đã đăng ký áp dụng", Stage.COMMITTED),
    ("Đang áp dụng", Stage.APPLYING),
]


def commune_labels(commune: Commune) -> set[str]:
    """What a file may write for a commune: its code, its name with or without its Xã / Phường /
    Thị trấn prefix, and either of those with its district ("Tiền Phong, Mê Linh")."""
    names = {commune.name, str(commune)}
    districts = {commune.district.name, str(commune.district)}
    return {commune.code, *names, *(f"{name}{sep}{district}" for name in names
                                    for district in districts for sep in (", ", " - "))}


def _district_communes(user) -> set[int] | None:
    """The ids of the communes a file of `user` may name: their district's (None: every commune,
    for the operator at the command line and for who reads every district)."""
    if user is None or (district_id := held_district_id(user)) is None:
        return None
    return set(Commune.objects.filter(district_id=district_id).values_list("pk", flat=True))


def commune_parser(user=None):
    """A commune from what a file writes (commune_labels), among the communes of the importing
    user's district: a bare name is resolved within it, and a commune of another district is
    refused naming its district. A name that communes of several districts share (for the
    operator) is refused, naming those districts: the code or the district settles it."""
    found: dict[str, dict[int, Commune]] = defaultdict(dict)
    for commune in Commune.objects.select_related("district"):
        for label in commune_labels(commune):
            found[normalize(label)][commune.pk] = commune
    allowed = _district_communes(user)
    seen: dict[Any, Commune] = {}  # a column repeats a handful of communes down a whole file

    def parse(value: Any) -> Commune:
        if value in seen:
            return seen[value]
        if isinstance(value, float) and value == int(value):
            value = int(value)
        named = list(found.get(normalize(str(value)), {}).values())
        matches = named if allowed is None else [c for c in named if c.pk in allowed]
        if named and not matches:
            districts = sorted({str(commune.district) for commune in named})
            raise CellError(_('"%(value)s" is a commune of %(districts)s: you may enter only '
                              'the communes of your own district') % {
                "value": str(value)[:60], "districts": ", ".join(districts)})
        if not matches:
            raise CellError(_('"%(value)s" is not a known %(what)s') % {
                "value": str(value)[:60], "what": _("commune")})
        if len(matches) > 1:
            districts = sorted({str(commune.district) for commune in matches})
            raise CellError(_('"%(value)s" is a commune of several districts (%(districts)s): '
                              'write its code, or its name and district, e.g. "%(example)s"') % {
                "value": str(value)[:60], "districts": ", ".join(districts),
                "example": f"{matches[0].name}, {matches[0].district.name}"})
        seen[value] = matches[0]
        return matches[0]

    return parse


def commune_choices(user=None) -> list[str]:
    """The template's list of communes: those of the user's district by name; every commune,
    with its district when there are several, for whoever imports for every district."""
    communes = list(Commune.objects.select_related("district"))
    allowed = _district_communes(user)
    if allowed is not None:
        return [c.name for c in communes if c.pk in allowed]
    several = len({commune.district_id for commune in communes}) > 1
    return [f"{c.name}, {c.district.name}" if several else c.name for c in communes]


def sector_options() -> dict[str, Sector]:
    options = {}
    for sector in Sector.objects.all():
        for label in (sector.code, f"C{sector.code}", sector.name):
            options[normalize(label)] = sector
        options[normalize(str(int(sector.code)))] = sector
    return options


def tax_code_column() -> Column:
    """The tax code, by the model's rule and in its words."""
    return Column(
        "tax_code",
        "Mã số thuế",
        validated(normalize_tax_code),
        required=True,
        example="0101234567",
        width=16,
    )


def refuse(rows: Sequence[Row], exc: RowsRefused, columns: dict[str, str] | None = None) -> None:
    """A service's refusal on the rows it was given, each problem under its column (`columns`
    names the column of a field the template calls otherwise)."""
    for problem in exc.problems:
        field = (columns or {}).get(problem.field, problem.field)
        rows[problem.row].error(field, problem.message)


def parse_email(value) -> str:
    text = text_parser(254)(value)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_('"%(value)s" is not an email address') % {"value": text[:60]}) from None
    return text


@register
class FacilityImporter(Importer):
    kind = "facilities"
    title = gettext_lazy("Facilities")
    action = "facility.import"
    key = ("tax_code",)

    def columns(self) -> list[Column]:
        communes = commune_parser(self.user)
        sectors = sector_options()
        return [
            tax_code_column(),
            Column(
                "name",
                "Tên cơ sở",
                text_parser(255),
                required=True,
                example="Công ty TNHH Cơ khí Quang Minh",
                width=36,
            ),
            Column(
                "commune",
                "Xã/Thị trấn",
                communes,
                required=True,
                example="Quang Minh",
                choices=commune_choices(self.user),
            ),
            Column("address", "Địa chỉ", text_parser(255), example="KCN Quang Minh", width=30),
            Column(
                "sector",
                "Mã ngành",
                choice_parser(sectors, _("VSIC sector")),
                example="25",
                choices=[s.code for s in Sector.objects.all()],
                width=10,
            ),
            Column(
                "kind",
                "Loại hình",
                choice_parser(choices_map(KIND_LABELS), _("type")),
                example="Doanh nghiệp",
                choices=[label for label, _v in KIND_LABELS],
            ),
            Column(
                "group",
                "Nhóm",
                choice_parser(choices_map(GROUP_LABELS), _("group")),
                example="CN",
                choices=[label for label, _v in GROUP_LABELS],
                width=8,
            ),
            Column(
                "main_products",
                "Sản phẩm chính",
                text_parser(255),
                example="Kết cấu thép",
                width=24,
            ),
            Column("product_unit", "Đơn vị sản phẩm", text_parser(50), example="tấn", width=12),
            Column(
                "employees",
                "Số lao động",
                lambda v: parse_number(v, integer=True, maximum=1_000_000),
                example=45,
            ),
            Column("first_year", "Năm bắt đầu hoạt động", year_cell(OPERATING), example=2009),
            Column("last_year", "Năm ngừng hoạt động", year_cell(OPERATING), example=None),
            Column(
                "contact_person",
                "Người liên hệ",
                text_parser(150),
                example="Nguyễn Văn Nam",
                width=22,
            ),
            Column("phone", "Điện thoại", text_parser(30), example="0243 818 1234", width=16),
            Column("email", "Email", parse_email, example="lienhe@cokhiquangminh.vn", width=26),
        ]

    def apply(self, rows: Sequence[Row], outcome: Outcome, *, write: bool) -> None:
        # An empty cell keeps what is stored; the tax code finds the facility.
        changes = [
            FacilityRow(values={k: v for k, v in row.values.items() if v is not None})
            for row in rows
        ]
        try:
            written = facility_upsert_many(
                user=self.user, rows=changes, reason="import", write=write
            )
        except RowsRefused as exc:
            refuse(rows, exc)
            return
        for change, facility in written:
            outcome.count(change, f"{facility.tax_code} – {facility.name}")


class FacilityYearImporter(Importer):
    """Rows about a registered facility in a year (statuses, energy): the tax code must name a
    facility the user may see."""

    def facilities(self, rows: Sequence[Row]) -> tuple[list[Row], list[Facility]]:
        """The rows whose tax code names a facility in the user's scope, with it; the others
        get an error."""
        found = facilities_by_tax_code(self.user, [row.values["tax_code"] for row in rows])
        kept, facilities = [], []
        for row in rows:
            facility = found.get(row.values["tax_code"])
            if facility is None:
                row.error(
                    "tax_code",
                    _(
                        "no facility with this tax code in your scope; import "
                        "it with the facilities template first"
                    ),
                )
            else:
                kept.append(row)
                facilities.append(facility)
        return kept, facilities


# A status below the facility's stage before it needs its reason (services.status_set_many).
REASON_HEADER = "Lý do hạ mức"
# The service's fields the template calls otherwise.
STATUS_COLUMNS = {"facility": "tax_code", "downgrade_reason": "reason"}


@register
class StatusImporter(FacilityYearImporter):
    kind = "statuses"
    title = gettext_lazy("Yearly statuses")
    action = "status.change"
    key = ("tax_code", "year")

    def columns(self) -> list[Column]:
        return [
            tax_code_column(),
            Column("year", "Năm", year_cell(FACT), required=True, example=2018, width=8),
            Column(
                "stage",
                "Mức độ",
                choice_parser(choices_map(STAGE_LABELS), _("stage")),
                required=True,
                example="Đã nhận thức",
                choices=[label for label, _v in STAGE_LABELS],
                width=22,
            ),
            Column(
                "note", "Ghi chú", text_parser(500), example="Dự hội nghị tập huấn 6/2018", width=40
            ),
            # Required on a row whose stage is below the facility's (docs/IMPORTS.md, statuses).
            Column("reason", REASON_HEADER, text_parser(500), example=None, width=30),
        ]

    def apply(self, rows: Sequence[Row], outcome: Outcome, *, write: bool) -> None:
        rows, facilities = self.facilities(rows)
        changes = [
            StatusRow(
                facility=facility,
                year=row.values["year"],
                stage=row.values["stage"],
                note=row.values.get("note"),
                reason=row.values.get("reason"),
            )
            for row, facility in zip(rows, facilities, strict=True)
        ]
        try:
            written = status_set_many(user=self.user, rows=changes, reason="import", write=write)
        except RowsRefused as exc:
            for problem in exc.problems:
                row = rows[problem.row]
                if problem.field == "reason" and "reason" not in row.headers:
                    # A file without the column: say where the reason goes.
                    row.error(None, _('%(problem)s Add a "%(column)s" column.') % {
                        "problem": problem.message, "column": REASON_HEADER})
                else:
                    row.error(STATUS_COLUMNS.get(problem.field, problem.field), problem.message)
            return
        for change, status in written:
            outcome.count(
                change, f"{status.facility.tax_code} – {status.facility.name} – {status.year}"
            )
