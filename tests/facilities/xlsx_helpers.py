"""Build Excel files in memory for import tests."""

from io import BytesIO

from openpyxl import Workbook

FACILITY_HEADERS = ["Mã số thuế", "Tên cơ sở", "Xã/Thị trấn", "Địa chỉ", "Mã ngành",
                    "Loại hình", "Nhóm", "Sản phẩm chính", "Đơn vị sản phẩm", "Số lao động",
                    "Năm bắt đầu hoạt động", "Năm ngừng hoạt động", "Người liên hệ",
                    "Điện thoại", "Email"]


def xlsx_bytes(rows, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def facility_row(n, commune="Quang Minh", **overrides):
    values = {
        "Mã số thuế": f"0109{n:06d}", "Tên cơ sở": f"Công ty TNHH Số {n}",
        "Xã/Thị trấn": commune, "Địa chỉ": "KCN Quang Minh", "Mã ngành": "25",
        "Loại hình": "Doanh nghiệp", "Nhóm": "CN", "Sản phẩm chính": "Kết cấu thép",
        "Đơn vị sản phẩm": "tấn", "Số lao động": 50, "Năm bắt đầu hoạt động": 2010,
        "Năm ngừng hoạt động": None, "Người liên hệ": "Nguyễn Văn A", "Điện thoại": "0912345678",
        "Email": None,
    }
    values.update(overrides)
    return [values[h] for h in FACILITY_HEADERS]


def facilities_file(count, **overrides_by_row):
    rows = [FACILITY_HEADERS] + [facility_row(n) for n in range(1, count + 1)]
    for index, overrides in overrides_by_row.items():
        number = int(index.removeprefix("row"))
        rows[number - 1] = facility_row(number - 1, **overrides)
    return xlsx_bytes(rows)
