"""The importer: real files in, clear messages by row and column out, nothing half-written."""

import unicodedata
import zipfile
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command

from facilities.importers import FacilityImporter, StatusImporter
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib import importing, xlsx
from melinh_sxsh.lib.importing import run_import
from melinh_sxsh.lib.xlsx import UnreadableFile
from melinh_sxsh.lib.years import bounds
from tests.facilities import raw_xlsx
from tests.facilities.xlsx_helpers import (
    FACILITY_HEADERS,
    facilities_file,
    facility_row,
    xlsx_bytes,
)
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def run(content, importer_class=FacilityImporter, user=None, write=True):
    return run_import(importer_class(user=user), BytesIO(content), write=write)


def messages(outcome):
    return [str(error) for error in outcome.errors]


def test_thousand_rows_import_and_reimport_is_unchanged():
    content = facilities_file(1000)
    outcome = run(content)
    assert outcome.ok, messages(outcome)[:3]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1000, 0, 0)
    assert Facility.objects.count() == 1000
    again = run(content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1000)


def test_one_bad_row_writes_nothing_and_names_row_and_column():
    content = facilities_file(1000, row500={"Mã số thuế": "12345"})
    outcome = run(content)
    assert messages(outcome) == [
        'Dòng 500, cột "Mã số thuế": mã số thuế phải có 10 chữ số, hoặc 10 chữ số, dấu gạch '
        "ngang và 3 chữ số"]
    assert Facility.objects.count() == 0


def test_the_command_says_the_same_and_exits_1(tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(facilities_file(20, row7={"Số lao động": "nhiều"}))
    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "facilities", str(path))
    assert info.value.returncode == 1
    err = capsys.readouterr().err
    web = messages(run(path.read_bytes(), write=False))
    assert err.strip().splitlines() == web
    assert 'Dòng 7, cột "Số lao động"' in err
    assert Facility.objects.count() == 0


def test_the_command_writes_and_exits_0_and_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(facilities_file(5))
    call_command("import_xlsx", "facilities", str(path), "--dry-run")
    assert "Sẽ thêm mới 5" in capsys.readouterr().out
    assert Facility.objects.count() == 0
    call_command("import_xlsx", "facilities", str(path))
    assert "Đã thêm mới 5" in capsys.readouterr().out
    assert Facility.objects.count() == 5


@pytest.mark.parametrize("content", [b"", b"not an excel file at all", b"%PDF-1.4 ...",
                                     b"PK\x03\x04truncated"])
def test_the_command_exits_2_on_unreadable_files(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "facilities", str(path))
    assert info.value.returncode == 2


def test_the_command_exits_2_on_a_missing_file():
    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "facilities", "/nonexistent/file.xlsx")
    assert info.value.returncode == 2


# ---- malformed files: each names the problem and writes nothing ----------------------------

def good_header_and(*rows):
    return xlsx_bytes([FACILITY_HEADERS, *rows])


def zip_bomb():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"0" * (1024 * 1024)
            for _ in range(310):
                sheet.write(chunk)
    return buffer.getvalue()


def truncated():
    content = facilities_file(50)
    return content[: len(content) // 2]


UNREADABLE = [
    ("empty file", b"", "Tệp rỗng"),
    ("text renamed .xlsx", b"Ma so thue;Ten co so\n0101234567;A", "không phải là bảng tính"),
    ("zip that is not a workbook", None, "không phải là bảng tính"),
    ("truncated workbook", None, "bị hỏng hoặc không đầy đủ"),
    ("inflating zip", None, "dung lượng bất thường"),
]


def plain_zip():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(("case", "content", "message"), UNREADABLE,
                         ids=[c[0] for c in UNREADABLE])
def test_unreadable_files(case, content, message):
    content = content if content is not None else {
        "zip that is not a workbook": plain_zip, "truncated workbook": truncated,
        "inflating zip": zip_bomb}[case]()
    with pytest.raises(UnreadableFile) as info:
        run(content)
    assert message in str(info.value)
    assert Facility.objects.count() == 0


def test_too_large_file_is_refused_before_reading():
    with pytest.raises(UnreadableFile, match="lớn hơn 10 MB"):
        run(b"PK\x03\x04" + b"\0" * xlsx.MAX_BYTES)


MALFORMED = [
    ("empty sheet", xlsx_bytes([]), ["Không tìm thấy dòng tiêu đề"]),
    ("header only", good_header_and(), ["không có dòng dữ liệu"]),
    ("missing required header",
     xlsx_bytes([["Mã số thuế", "Xã/Thị trấn"], ["0101234567", "Quang Minh"]]),
     ['Dòng 1: thiếu cột "Tên cơ sở"']),
    ("repeated header", xlsx_bytes([FACILITY_HEADERS + ["Tên cơ sở"], facility_row(1)]),
     ['Dòng 1, cột "Tên cơ sở": cột này xuất hiện hai lần']),
    ("unknown commune", good_header_and(facility_row(1, commune="Xã Mộc Châu")),
     ['Dòng 2, cột "Xã/Thị trấn": "Xã Mộc Châu" không phải là xã hợp lệ']),
    ("unknown sector", good_header_and(facility_row(1, **{"Mã ngành": "99"})),
     ['Dòng 2, cột "Mã ngành": "99" không phải là ngành VSIC hợp lệ']),
    ("duplicate tax codes", good_header_and(facility_row(1), facility_row(2),
                                            facility_row(1, **{"Tên cơ sở": "Trùng"})),
     ['Dòng 4, cột "Mã số thuế": trùng với dòng 2']),
    ("tax code too short", good_header_and(facility_row(1, **{"Mã số thuế": "01012345"})),
     ['Dòng 2, cột "Mã số thuế": mã số thuế phải có 10 chữ số']),
    ("tax code with letters", good_header_and(facility_row(1, **{"Mã số thuế": "01O1234567"})),
     ['Dòng 2, cột "Mã số thuế": mã số thuế phải có 10 chữ số']),
    ("negative employees", good_header_and(facility_row(1, **{"Số lao động": -5})),
     ['Dòng 2, cột "Số lao động": không được là số âm']),
    ("text number", good_header_and(facility_row(1, **{"Số lao động": "năm mươi"})),
     ['Dòng 2, cột "Số lao động": "năm mươi" không phải là số viết theo kiểu Việt Nam']),
    ("English decimal point", good_header_and(facility_row(1, **{"Số lao động": "1.5"})),
     ['Dòng 2, cột "Số lao động": "1.5" không phải là số']),
    ("fractional employees", good_header_and(facility_row(1, **{"Số lao động": "12,5"})),
     ['Dòng 2, cột "Số lao động": phải là số nguyên']),
    ("future year", good_header_and(facility_row(1, **{"Năm bắt đầu hoạt động": 2999})),
     [f'Dòng 2, cột "Năm bắt đầu hoạt động": phải là năm từ 1900 đến {bounds()[1]}']),
    ("year before 1900", good_header_and(facility_row(1, **{"Năm bắt đầu hoạt động": 1850})),
     [f'Dòng 2, cột "Năm bắt đầu hoạt động": phải là năm từ 1900 đến {bounds()[1]}']),
    ("last year before first", good_header_and(facility_row(
        1, **{"Năm bắt đầu hoạt động": 2015, "Năm ngừng hoạt động": 2012})),
     ['Dòng 2, cột "Năm ngừng hoạt động": không được trước năm bắt đầu hoạt động (2015)']),
    ("formula", good_header_and(facility_row(1, **{"Số lao động": "=20+30"})),
     ['Dòng 2, cột "Số lao động": ô chứa công thức (=20+30)']),
    ("error cell", good_header_and(facility_row(1, **{"Số lao động": "#N/A"})),
     ['Dòng 2, cột "Số lao động": ô chứa giá trị lỗi (#N/A)']),
    ("missing name", good_header_and(facility_row(1, **{"Tên cơ sở": None})),
     ['Dòng 2, cột "Tên cơ sở": không được để trống']),
    ("bad type label", good_header_and(facility_row(1, **{"Loại hình": "Tập đoàn"})),
     ['Dòng 2, cột "Loại hình": "Tập đoàn" không phải là loại hình hợp lệ']),
    ("bad email", good_header_and(facility_row(1, **{"Email": "khong-phai-email"})),
     ['Dòng 2, cột "Email": "khong-phai-email" không phải là địa chỉ email']),
    ("over-long name", good_header_and(facility_row(1, **{"Tên cơ sở": "A" * 300})),
     ['Dòng 2, cột "Tên cơ sở": dài quá 255 ký tự']),
]


@pytest.mark.parametrize(("case", "content", "expected"), MALFORMED,
                         ids=[c[0] for c in MALFORMED])
def test_malformed_rows(case, content, expected):
    outcome = run(content)
    got = messages(outcome)
    assert len(got) == len(expected), got
    for message, start in zip(got, expected, strict=True):
        assert start in message, (message, start)
    assert Facility.objects.count() == 0


def test_errors_on_several_rows_are_all_reported_and_nothing_written():
    outcome = run(good_header_and(
        facility_row(1), facility_row(2, **{"Số lao động": -1}),
        facility_row(3, commune="Hà Đông"), facility_row(4, **{"Mã số thuế": "1"})))
    assert [e.row for e in outcome.errors] == [3, 4, 5]
    assert Facility.objects.count() == 0


def test_more_rows_than_the_limit(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    outcome = run(facilities_file(6))
    assert "có hơn 5 dòng dữ liệu" in messages(outcome)[0]
    assert Facility.objects.count() == 0


# ---- hostile and overgrown files: refused early, by content, with a message ----------------

def rows_of(count):
    return [FACILITY_HEADERS] + [facility_row(n) for n in range(1, count + 1)]


def with_sheet_xml(rows_xml, **options):
    """The facility header (through shared strings, as Excel writes it), then raw rows."""
    header, strings = raw_xlsx.table([FACILITY_HEADERS])
    head, tail = header.split("</sheetData>")
    return raw_xlsx.package([("sheet1.xml", head + rows_xml + "</sheetData>" + tail)],
                            strings=strings, **options)


def raw_strings(items, count=None):
    attrs = f' count="{count}" uniqueCount="{count}"' if count is not None else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{raw_xlsx.MAIN}"{attrs}>'
            + "".join(items) + "</sst>")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    f'<sst xmlns="{raw_xlsx.MAIN}"><si><t>&c;</t></si></sst>')
MACRO_PROJECT = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}
MACRO_SHEET = "application/vnd.ms-excel.macrosheet+xml"
SI = "<si><t>x</t></si>"

HOSTILE = [
    ("macro project in a file named .xlsx",
     lambda: raw_xlsx.excel_file(rows_of(1), extra=MACRO_PROJECT), {}, "có macro"),
    ("macro-enabled workbook type",
     lambda: raw_xlsx.excel_file(rows_of(1), workbook_type=raw_xlsx.MACRO_WORKBOOK_TYPE), {},
     "có macro"),
    ("Excel 4 macro sheet",
     lambda: raw_xlsx.excel_file(rows_of(1), extra={"xl/macrosheets/sheet1.xml": "<a/>"},
                                 extra_types={"xl/macrosheets/sheet1.xml": MACRO_SHEET}), {},
     "có macro"),
    ("shared strings declared beyond the limit",
     lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))],
                              strings=raw_strings([SI], count=16_000_000)), {},
     "hơn 1.000.000 giá trị chữ"),
    ("shared strings counted beyond the limit",
     lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))],
                              strings=raw_strings([SI] * 11)),
     {"MAX_SHARED_STRINGS": 10}, "hơn 10 giá trị chữ"),
    ("shared strings too long altogether",
     lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))],
                              strings=raw_strings(["<si><t>" + "x" * 101 + "</t></si>"])),
     {"MAX_SHARED_CHARS": 100}, "hơn 100 ký tự"),
    ("entity expansion (billion laughs)",
     lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))], strings=BILLION_LAUGHS),
     {}, "DTD"),
    ("one value over a megabyte",
     lambda: with_sheet_xml('<row r="2"><c r="A2" t="inlineStr"><is><t>'
                            + "1" * (1024 * 1024 + 10) + "</t></is></c></row>"), {},
     "dài hơn 1 MB"),
    ("10,001 empty rows, then data",
     lambda: with_sheet_xml("<row/>" * 10_001 + '<row><c t="inlineStr"><is><t>x</t></is></c>'
                            "</row>"), {}, "hơn 10.000 dòng trống liên tiếp từ dòng 2"),
    ("a row at the bottom of the grid",
     lambda: with_sheet_xml('<row r="1048576"><c r="A1048576"><v>1</v></c></row>'), {},
     "hơn 10.000 dòng trống liên tiếp từ dòng 2"),
    ("more rows than the sheet may have",
     lambda: raw_xlsx.excel_file(rows_of(6)), {"MAX_SHEET_ROWS": 5},
     "có dòng nằm sau dòng 5"),
    ("more cells than the sheet may have",
     lambda: raw_xlsx.excel_file(rows_of(3)), {"MAX_CELLS": 20}, "hơn 20 ô"),
    ("a value beyond column 200",
     lambda: with_sheet_xml('<row r="2"><c r="GS2"><v>1</v></c></row>'), {}, "cột GS"),
    ("a row of 5,001 elements",
     lambda: with_sheet_xml('<row r="2">' + "<c/>" * 5_001 + "</row>"), {},
     "Dòng 2 của trang tính quá phức tạp"),
    ("a range beyond Excel's grid",
     lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet(
         [], head='<dimension ref="A1:XFE2000000"/>'))]), {}, "A1:XFE2000000"),
    ("a styles part of 200,001 elements",
     lambda: raw_xlsx.excel_file(rows_of(1), extra={"xl/styles.xml": (
         f'<styleSheet xmlns="{raw_xlsx.MAIN}">' + "<x/>" * 200_001 + "</styleSheet>")}), {},
     "xl/styles.xml"),
    ("a theme of 33 MB",
     lambda: raw_xlsx.excel_file(rows_of(1), extra={"xl/theme/theme1.xml": (
         b"<a>" + b" " * (33 * 1024 * 1024) + b"</a>")}), {}, "xl/theme/theme1.xml"),
    ("2,001 parts",
     lambda: raw_xlsx.excel_file(rows_of(1), extra={f"customXml/item{n}.xml": "<a/>"
                                                     for n in range(2_001)}), {},
     "hơn 2.000 thành phần"),
    ("no sheet at all", lambda: raw_xlsx.package([]), {}, "không có trang nào"),
]


@pytest.mark.parametrize(("case", "build", "limits", "message"), HOSTILE,
                         ids=[c[0] for c in HOSTILE])
def test_hostile_files_are_refused_with_a_message(monkeypatch, case, build, limits, message):
    for name, value in limits.items():
        monkeypatch.setattr(xlsx, name, value)
    with pytest.raises(UnreadableFile) as info:
        run(build())
    assert message in str(info.value)
    assert Facility.objects.count() == 0


DAMAGED_PARTS = [
    ("an unknown encoding", lambda: raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet(
        []).replace('encoding="UTF-8"', 'encoding="UTF-81e400"'))])),
    ("an infinite row number", lambda: with_sheet_xml('<row r="inf"><c><v>1</v></c></row>')),
    ("a cell without a column", lambda: with_sheet_xml('<row r="2"><c r="12"><v>1</v></c></row>')),
    ("a truncated sheet", lambda: with_sheet_xml('<row r="2"><c r="A2"><v>1</v></c>')),
]


@pytest.mark.parametrize(("case", "build"), DAMAGED_PARTS, ids=[c[0] for c in DAMAGED_PARTS])
def test_damaged_parts_are_unreadable_files_not_server_errors(case, build):
    content = build()
    with pytest.raises(UnreadableFile, match="bị hỏng hoặc không đầy đủ"):
        xlsx.check_xlsx(BytesIO(content))
        run(content)


def test_a_count_written_in_other_digits_is_ignored_as_openpyxl_ignores_it():
    content = raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))],
                               strings=raw_strings([SI], count="\u00b2"))
    assert "Không tìm thấy dòng tiêu đề" in messages(run(content))[0]


def test_reading_and_checking_stop_after_the_time_allowed(monkeypatch):
    monkeypatch.setattr(importing, "MAX_SECONDS", 0)
    with pytest.raises(UnreadableFile, match="lâu hơn 0 giây"):
        run(facilities_file(5))
    assert Facility.objects.count() == 0


def test_after_a_thousand_errors_the_check_stops(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ERRORS", 5)
    outcome = run(good_header_and(*[facility_row(n, **{"Mã số thuế": "1", "Số lao động": -1})
                                    for n in range(1, 11)]))
    got = messages(outcome)
    assert outcome.stopped and len(got) == 6
    assert got[0].startswith('Dòng 2, cột "Mã số thuế"')
    assert got[-1] == ("Đã tìm thấy hơn 5 lỗi nên việc kiểm tra dừng ở dòng 4. Hãy sửa các lỗi "
                       "này rồi tải tệp lên lại.")
    assert Facility.objects.count() == 0


# ---- what Excel and LibreOffice write, read within the same bounds -------------------------

def test_an_excel_file_through_shared_strings_imports():
    rows = rows_of(20)
    rows[5][1] = "Hợp tác xã Văn Khê"
    outcome = run(raw_xlsx.excel_file(rows))
    assert outcome.ok and outcome.created == 20, messages(outcome)[:3]
    assert Facility.objects.filter(name="Hợp tác xã Văn Khê").exists()


def test_shared_strings_read_as_openpyxl_reads_them():
    """Rich text runs joined, phonetic hints left out, Excel's _x005F_ escape undone."""
    from openpyxl.reader.strings import read_string_table

    items = ["<si><t>Cơ sở A</t></si>",
             '<si><r><rPr><b/></rPr><t>Công ty </t></r><r><t xml:space="preserve">TNHH  B'
             "</t></r></si>",
             "<si><t>Mê Linh</t><rPh sb=\"0\" eb=\"1\"><t>ME</t></rPh></si>",
             "<si><t>a_x005F_x000D_b</t></si>", "<si><t/></si>", "<si><t>1 &lt; 2 &amp; 3</t></si>"]
    part = raw_strings(items, count=len(items))
    content = raw_xlsx.package([("sheet1.xml", raw_xlsx.sheet([]))], strings=part)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        ours = xlsx._read_shared_strings(archive, "xl/sharedStrings.xml", xlsx.NO_DEADLINE)
        theirs = read_string_table(archive.open("xl/sharedStrings.xml"))
    assert ours == theirs
    assert ours[1] == "Công ty TNHH  B" and ours[2] == "Mê Linh"


def test_a_range_stretched_by_formatting_is_read_only_where_the_data_is():
    """LibreOffice and formatting applied to whole columns declare A1:XFD1048576; openpyxl
    would pad every row to 16,384 cells. The declaration is not trusted, nor refused."""
    xml, strings = raw_xlsx.table(rows_of(30))
    xml = xml.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    content = raw_xlsx.package([("sheet1.xml", xml)], strings=strings)
    widths = {len(row) for row in xlsx.iter_rows(BytesIO(content))}
    assert widths == {len(FACILITY_HEADERS)}
    assert run(content).created == 30


def test_trailing_formatted_rows_and_other_sheets_are_fine():
    xml, strings = raw_xlsx.table(rows_of(5))
    xml = xml.replace("</sheetData>", "".join(
        f'<row r="{n}" s="1" customFormat="1"/>' for n in range(7, 9_000)) + "</sheetData>")
    big_other = raw_xlsx.sheet([f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'
                                for n in range(1, 250_001)])
    content = raw_xlsx.package([("sheet1.xml", xml), ("sheet2.xml", big_other)],
                               strings=strings)
    assert run(content).created == 5


def test_the_first_sheet_is_the_first_in_the_workbook_not_by_file_name():
    first, strings = raw_xlsx.table(rows_of(2))
    second, _ = raw_xlsx.table([["Không phải dữ liệu"]])
    content = raw_xlsx.package([("sheet2.xml", first), ("sheet1.xml", second)], strings=strings)
    assert run(content).created == 2


# ---- what real office files look like, accepted ---------------------------------------------

def test_title_rows_above_the_header_count_in_row_numbers():
    title = [["UBND HUYỆN MÊ LINH"], ["DANH SÁCH CƠ SỞ SẢN XUẤT NĂM 2018"], []]
    content = xlsx_bytes([FACILITY_HEADERS, facility_row(1),
                          facility_row(2, **{"Mã số thuế": "12"})], title_rows=title)
    assert messages(run(content)) == [
        'Dòng 6, cột "Mã số thuế": mã số thuế phải có 10 chữ số, hoặc 10 chữ số, dấu gạch '
        "ngang và 3 chữ số"]


def test_decomposed_unicode_free_column_order_and_unknown_columns():
    headers = [unicodedata.normalize("NFD", h).upper() for h in
               ["Tên cơ sở", "Xã/Thị trấn", "Mã số thuế", "Số lao động"]] + ["Ghi chú riêng"]
    content = xlsx_bytes([headers, [unicodedata.normalize("NFD", "Hợp tác xã Văn Khê"),
                                    unicodedata.normalize("NFD", "xã  VĂN KHÊ"), "0101234567",
                                    "1.234", "bỏ qua"]])
    outcome = run(content)
    assert outcome.ok, messages(outcome)
    facility = Facility.objects.get()
    assert facility.name == "Hợp tác xã Văn Khê"
    assert facility.commune.code == "09013"
    assert facility.employees == 1234


@pytest.mark.parametrize(("cell", "expected"), [
    (101234567, "0101234567"), ("0101234567", "0101234567"), ("010.123.4567", "0101234567"),
    ("0101234567-001", "0101234567-001"), (" 0101 234 567 ", "0101234567")])
def test_tax_code_forms(cell, expected):
    assert run(good_header_and(facility_row(1, **{"Mã số thuế": cell}))).ok
    assert Facility.objects.get().tax_code == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("1.500", 1500), ("1500", 1500), (1500, 1500), (1500.0, 1500), ("123.456", 123456)])
def test_vietnamese_numbers(cell, expected):
    assert run(good_header_and(facility_row(1, **{"Số lao động": cell}))).ok
    assert Facility.objects.get().employees == expected


@pytest.mark.parametrize("commune", ["Quang Minh", "Thị trấn Quang Minh", "08989",
                                     "thị trấn quang minh", "QUANG MINH"])
def test_commune_forms(commune):
    assert run(good_header_and(facility_row(1, commune=commune))).ok
    assert Facility.objects.get().commune.code == "08989"


def test_upsert_leaves_empty_cells_alone_and_records_history(staff):
    FacilityFactory(tax_code="0109000001", name="Tên cũ", employees=77, phone="0243")
    row = facility_row(1, **{"Tên cơ sở": "Tên mới", "Số lao động": None, "Điện thoại": None})
    outcome = run(good_header_and(row), user=staff)
    assert (outcome.created, outcome.updated) == (0, 1)
    facility = Facility.objects.get(tax_code="0109000001")
    assert (facility.name, facility.employees, facility.phone) == ("Tên mới", 77, "0243")
    assert facility.version == 2
    latest = facility.history.latest()
    assert latest.history_user == staff and latest.history_change_reason == "import"


def test_preview_does_not_write():
    outcome = run(facilities_file(3), write=False)
    assert outcome.created == 3 and not outcome.written
    assert Facility.objects.count() == 0


# ---- commune scoping ------------------------------------------------------------------------

def test_commune_official_imports_only_own_commune(official_a):
    content = good_header_and(facility_row(1), facility_row(2, commune="Tiền Phong"))
    outcome = run(content, user=official_a)
    assert messages(outcome) == [
        'Dòng 3, cột "Xã/Thị trấn": bạn chỉ được nhập cơ sở thuộc xã của mình']
    assert Facility.objects.count() == 0
    assert run(good_header_and(facility_row(1)), user=official_a).ok


def test_commune_official_cannot_update_another_communes_facility(official_a, commune_b):
    FacilityFactory(tax_code="0109000001", commune=commune_b)
    outcome = run(good_header_and(facility_row(1)), user=official_a)
    assert "ngoài xã của bạn" in messages(outcome)[0]
    assert Facility.objects.get().commune == commune_b


# ---- statuses -------------------------------------------------------------------------------

STATUS_HEADERS = ["Mã số thuế", "Năm", "Mức độ", "Ghi chú"]


def test_statuses_import_upserts(staff, commune_a):
    facility = FacilityFactory(tax_code="0101111111", commune=commune_a)
    content = xlsx_bytes([STATUS_HEADERS, ["0101111111", 2017, "Đã nhận thức", ""],
                          ["0101111111", 2018, "đang áp dụng", "Thay lò hơi"]])
    outcome = run(content, StatusImporter, user=staff)
    assert outcome.ok and outcome.created == 2
    status = FacilityYearStatus.objects.get(facility=facility, year=2018)
    assert (status.stage, status.note, status.set_by) == (Stage.APPLYING, "Thay lò hơi", staff)
    # A lower stage carries its reason (tests/facilities/test_status_downgrade.py).
    content = xlsx_bytes([STATUS_HEADERS + ["Lý do hạ mức"],
                          ["0101111111", 2018, "Đã đăng ký áp dụng", None, "Tạm dừng"]])
    outcome = run(content, StatusImporter, user=staff)
    assert outcome.updated == 1
    status.refresh_from_db()
    assert (status.stage, status.note) == (Stage.COMMITTED, "Thay lò hơi")


@pytest.mark.parametrize(("row", "message"), [
    (["0109999999", 2018, "Đã nhận thức"], 'cột "Mã số thuế": không có cơ sở nào'),
    (["0101111111", 1999, "Đã nhận thức"], 'cột "Năm": phải là năm từ 2000 đến'),
    (["0101111111", 2999, "Đã nhận thức"], 'cột "Năm": phải là năm từ 2000 đến'),
    (["0101111111", 2018, "Rất tốt"], 'cột "Mức độ": "Rất tốt" không phải là mức độ hợp lệ'),
    (["0101111111", "năm ngoái", "Đã nhận thức"], 'cột "Năm": hãy ghi năm bằng bốn chữ số'),
])
def test_status_errors(staff, commune_a, row, message):
    FacilityFactory(tax_code="0101111111", commune=commune_a)
    outcome = run(xlsx_bytes([STATUS_HEADERS[:3], row]), StatusImporter, user=staff)
    assert len(outcome.errors) == 1 and message in messages(outcome)[0]
    assert FacilityYearStatus.objects.count() == 0


def test_statuses_duplicate_key_names_first_row(staff, commune_a):
    FacilityFactory(tax_code="0101111111", commune=commune_a)
    content = xlsx_bytes([STATUS_HEADERS[:3], ["0101111111", 2018, "Đã nhận thức"],
                          ["0101111111", 2017, "Đã nhận thức"],
                          ["0101111111", 2018, "Đang áp dụng"]])
    assert messages(run(content, StatusImporter, user=staff)) == [
        'Dòng 4, cột "Mã số thuế": trùng với dòng 2']


def test_commune_official_imports_statuses_of_own_commune_only(official_a, commune_b):
    FacilityFactory(tax_code="0101111111", commune=commune_b)
    content = xlsx_bytes([STATUS_HEADERS[:3], ["0101111111", 2018, "Đã nhận thức"]])
    outcome = run(content, StatusImporter, user=official_a)
    assert "không có cơ sở nào mang mã số thuế này trong phạm vi của bạn" in messages(outcome)[0]
    assert FacilityYearStatus.objects.count() == 0


def test_a_commune_name_that_several_districts_share_is_settled_by_its_code_or_district():
    from accounts.models import Commune, District

    other = District.objects.create(code="999", name="Thử Nghiệm", kind=District.Kind.URBAN)
    Commune.objects.create(code="99999", name="Quang Minh", kind=Commune.Kind.WARD,
                           district=other)
    outcome = run(xlsx_bytes([FACILITY_HEADERS, facility_row(1)]))
    assert messages(outcome) == [
        'Dòng 2, cột "Xã/Thị trấn": "Quang Minh" là tên xã, phường ở nhiều quận, huyện '
        '(Huyện Mê Linh, Quận Thử Nghiệm): hãy ghi mã, hoặc tên kèm quận, huyện, '
        'ví dụ "Quang Minh, Mê Linh"']
    rows = [FACILITY_HEADERS, facility_row(1, commune="Quang Minh, Mê Linh"),
            facility_row(2, commune="Phường Quang Minh - Quận Thử Nghiệm"),
            facility_row(3, commune="08989")]
    outcome = run(xlsx_bytes(rows))
    assert outcome.ok, messages(outcome)
    assert dict(Facility.objects.values_list("tax_code", "commune__code")) == {
        "0109000001": "08989", "0109000002": "99999", "0109000003": "08989"}
