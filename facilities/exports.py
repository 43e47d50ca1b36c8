"""The facility list as .xlsx, with the facilities template's headers so it can be re-imported."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet

from accounts.models import District
from facilities.importers import GROUP_LABELS, KIND_LABELS, STAGE_LABELS
from facilities.models import Facility
from melinh_sxsh.lib.xlsx import XLSX_CONTENT_TYPE, new_write_only_workbook, write_table

HEADERS = ["Mã số thuế", "Tên cơ sở", "Xã/Thị trấn", "Địa chỉ", "Mã ngành", "Loại hình", "Nhóm",
           "Sản phẩm chính", "Đơn vị sản phẩm", "Số lao động", "Năm bắt đầu hoạt động",
           "Năm ngừng hoạt động", "Người liên hệ", "Điện thoại", "Email"]
WIDTHS = [14, 40, 16, 30, 9, 15, 8, 26, 12, 11, 12, 12, 22, 15, 28]
KIND = {value: label for label, value in KIND_LABELS}
GROUP = {value: label for label, value in GROUP_LABELS}
STAGE = {value: label for label, value in STAGE_LABELS}


def facility_rows(queryset: QuerySet[Facility]):
    """Rows in the list's order; `year_stage` comes from selectors.with_stage. The commune is
    written as the import reads it back: its name, and its district's when the database has
    several districts (a name alone may be ambiguous there, facilities/importers.py)."""
    fields = ("tax_code", "name", "commune__name", "address", "sector__code", "kind", "group",
              "main_products", "product_unit", "employees", "first_year", "last_year",
              "contact_person", "phone", "email", "year_stage", "commune__district__name")
    several = District.objects.count() > 1
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        values = list(row)
        district = values.pop()
        if several:
            values[2] = f"{values[2]}, {district}"
        values[5] = KIND.get(values[5], values[5])
        values[6] = GROUP.get(values[6], values[6])
        values[15] = STAGE.get(values[15], "")
        yield values


def facility_export(queryset: QuerySet[Facility], year: int) -> tuple[str, str, bytes]:
    """(file name, content type, content) of the filtered list."""
    workbook = new_write_only_workbook()
    sheet = workbook.create_sheet("Cơ sở sản xuất")
    write_table(sheet, HEADERS + [f"Mức độ năm {year}"], facility_rows(queryset),
                widths=WIDTHS + [20])
    buffer = BytesIO()
    workbook.save(buffer)
    return f"co-so-san-xuat-{year}.xlsx", XLSX_CONTENT_TYPE, buffer.getvalue()
