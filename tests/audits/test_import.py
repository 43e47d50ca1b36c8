"""The `energy` Excel template through the one importer: the web's and the command's path."""

import subprocess
import sys
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audits.importers import EnergyImporter
from audits.models import EnergyCarrier, EnergyRecord, EnergyUse, QualityFlag
from facilities.models import Facility
from melinh_sxsh.lib.importing import REGISTRY, build_template, run_import
from tests.audits.conftest import make_record

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIXED = ["Mã số thuế", "Năm", "Sản lượng", "Đơn vị sản phẩm", "Năm cơ sở", "Nguồn số liệu"]


def workbook(rows: list[list], headers: list[str], title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def carrier_headers() -> list[str]:
    return [f"{c.name} ({c.unit})" for c in EnergyCarrier.objects.order_by("id")]


def run(content: bytes, *, write: bool = True, user=None):
    return run_import(EnergyImporter(user=user), BytesIO(content), write=write)


def many_facilities(commune, count: int) -> list[Facility]:
    facilities = [Facility(tax_code=f"01{index:08d}", name=f"Cơ sở số {index}", commune=commune,
                           product_unit="tấn") for index in range(count)]
    for facility in facilities:
        facility.refresh_keys()
    return Facility.objects.bulk_create(facilities)


def thousand_rows(facilities) -> list[list]:
    rows = []
    for facility in facilities:
        for year, mark in ((2017, "x"), (2018, "")):
            # 13 carriers, quantities written every way the contract allows
            quantities = [1000 + year % 10, "1.500", "2,5", 3, 0.5, "1.234,5", 800, 1, 2, 0.25,
                          "4", 1.75, 300]
            rows.append([facility.tax_code, year, "1.000", "Tấn", mark, "Báo cáo năm",
                         *quantities])
    return rows


def test_registered_for_the_web_page_and_the_command():
    assert REGISTRY["energy"] is EnergyImporter
    assert EnergyImporter.action == "energy.change"


@pytest.mark.slow
def test_a_thousand_rows_with_all_13_carriers(commune_a, staff):
    facilities = many_facilities(commune_a, 500)
    headers = FIXED + carrier_headers()
    assert len(headers) == 6 + 13
    content = workbook(thousand_rows(facilities), headers, title="Số liệu năng lượng 2017-2018")

    outcome = run(content, user=staff)
    assert outcome.errors == []
    assert (outcome.rows, outcome.created, outcome.updated) == (1000, 1000, 0)
    assert EnergyRecord.objects.count() == 1000
    assert EnergyUse.objects.count() == 13_000
    record = EnergyRecord.objects.get(facility=facilities[0], year=2017)
    assert record.is_baseline and record.output == 1000 and record.product_unit == "Tấn"
    assert record.source == EnergyRecord.Source.ANNUAL
    assert not EnergyRecord.objects.get(facility=facilities[0], year=2018).is_baseline
    quantities = {u.carrier.code: u.quantity for u in record.uses.select_related("carrier")}
    assert quantities["DO"] == Decimal("1234.5")  # "1.234,5"
    assert quantities["COKE"] == 1500  # "1.500"
    assert quantities["COAL12"] == Decimal("2.5")  # "2,5"
    assert EnergyRecord.history.filter(history_type="+").count() == 1000
    assert EnergyUse.history.count() == 13_000

    # The same file again changes nothing.
    again = run(content, user=staff)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1000)


def test_one_bad_row_writes_nothing_and_names_row_and_column(commune_a):
    facilities = many_facilities(commune_a, 500)
    rows = thousand_rows(facilities)
    do_litres = FIXED.__len__() + carrier_headers().index("Dầu DO (lít)")
    rows[499][do_litres] = -5  # the 500th data row: Excel row 502 under a title and a header
    content = workbook(rows, FIXED + carrier_headers(), title="Số liệu năng lượng")

    outcome = run(content)
    assert [str(e) for e in outcome.errors] == [
        'Dòng 502, cột "Dầu DO (lít)": không được là số âm']
    assert not outcome.written
    assert EnergyRecord.objects.count() == 0 and EnergyUse.objects.count() == 0


@pytest.mark.parametrize(("cell", "column", "message"), [
    ({"Năm cơ sở": "có lẽ"}, "Năm cơ sở", '"có lẽ" không phải là'),
    ({"Nguồn số liệu": "Ước tính"}, "Nguồn số liệu", '"Ước tính" không phải là'),
    ({"Sản lượng": "1.5"}, "Sản lượng", "không phải là số viết theo kiểu Việt Nam"),
    ({"Năm": 1999}, "Năm", "2000"),
    ({"Mã số thuế": "0199999999"}, "Mã số thuế", "không có cơ sở"),
    ({"Đơn vị sản phẩm": None}, "Đơn vị sản phẩm", "không được để trống"),
])
def test_cell_errors(facility_a, cell, column, message):
    headers = FIXED + ["Điện (kWh)"]
    row = dict(zip(headers, [facility_a.tax_code, 2018, "100", "tấn", "", "", 1000],
                   strict=True))
    row.update(cell)
    outcome = run(workbook([list(row.values())], headers))
    assert len(outcome.errors) == 1
    error = str(outcome.errors[0])
    assert error.startswith(f'Dòng 2, cột "{column}": '), error
    assert message in error, error


def test_a_file_needs_a_carrier_column_and_a_row_some_energy(facility_a):
    outcome = run(workbook([[facility_a.tax_code, 2018, "100", "tấn"]], FIXED[:4]))
    assert len(outcome.errors) == 1
    assert "Điện (kWh)" in str(outcome.errors[0])

    headers = FIXED + ["Điện (kWh)", "Dầu DO (tấn)"]
    outcome = run(workbook([[facility_a.tax_code, 2018, "100", "tấn", "", "", None, None]],
                           headers))
    assert [str(e) for e in outcome.errors] == [
        "Dòng 2: không có số liệu năng lượng: điền ít nhất một cột dạng năng lượng"]


def test_headers_matched_loosely_in_any_order(facility_a):
    headers = ["  điện (KWH) ", "năm", "SẢN LƯỢNG", "Mã  số thuế", "đơn vị sản phẩm", "Ghi chú"]
    outcome = run(workbook([[500, 2018, 10, facility_a.tax_code, "tấn", "bỏ qua"]], headers))
    assert outcome.errors == []
    use = EnergyUse.objects.get()
    assert (use.carrier.code, use.quantity) == ("ELEC", 500)


def test_a_row_replaces_all_the_lines_of_its_record(facility_a, staff):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000", "COAL12": "5"},
                         verified_by=staff)
    record.verified_at = record.created_at
    record.save()
    headers = FIXED + ["Điện (kWh)", "LPG (tấn)", "Than cám loại 1-2 (tấn)"]
    # Electricity changes, LPG is new, coal is left empty: it goes.
    content = workbook([[facility_a.tax_code, 2018, "100", "tấn", "Có", "", 1200, 2, None]],
                       headers)
    outcome = run(content, user=staff)
    assert (outcome.created, outcome.updated) == (0, 1)
    record.refresh_from_db()
    assert {u.carrier.code: u.quantity for u in record.uses.all()} == {
        "ELEC": 1200, "LPG": 2}
    assert record.is_baseline and record.verified_at is None
    assert EnergyUse.history.filter(history_type="-", carrier__code="COAL12").count() == 1


def test_import_refreshes_the_quality_flags(facility_a):
    headers = FIXED + ["Điện (kWh)"]
    run(workbook([[facility_a.tax_code, 2018, "0", "tấn", "", "", 1000]], headers))
    assert set(QualityFlag.objects.values_list("rule", flat=True)) == {
        "zero_value", "no_baseline"}
    run(workbook([[facility_a.tax_code, 2018, "10", "tấn", "x", "", 1000]], headers))
    assert not QualityFlag.objects.exists()


def test_commune_officials_may_not_use_it(login, official_a, staff):
    client = login(official_a)
    body = client.get("/facilities/import/").content.decode()
    assert "/facilities/import/template/energy/" not in body
    assert client.get("/facilities/import/template/energy/").status_code == 403
    client = login(staff)
    body = client.get("/facilities/import/").content.decode()
    assert "/facilities/import/template/energy/" in body
    assert client.get("/facilities/import/template/energy/").status_code == 200


@pytest.mark.slow
def test_the_template_reads_back_without_errors(facility_a, staff):
    # The downloadable template's example row carries a real tax code once one is filled in.
    content = build_template(EnergyImporter(user=staff))
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == FIXED and headers[6:] == carrier_headers()
    sheet.cell(row=2, column=1, value=facility_a.tax_code)
    buffer = BytesIO()
    sheet.parent.save(buffer)
    outcome = run(buffer.getvalue(), write=False)
    assert outcome.errors == [] and outcome.created == 1


def test_the_command_gives_the_same_messages_and_exit_codes(facility_a, tmp_path, capsys):
    headers = FIXED + ["Điện (kWh)"]
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([[facility_a.tax_code, 2018, "100", "tấn", "x", "", 1000]],
                              headers))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([[facility_a.tax_code, 2018, "100", "tấn", "x", "", -1]], headers))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")

    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "energy", str(bad))
    assert info.value.returncode == 1
    web = [str(e) for e in run(bad.read_bytes(), write=False).errors]
    assert capsys.readouterr().err.strip().splitlines() == web
    assert web == ['Dòng 2, cột "Điện (kWh)": không được là số âm']
    assert not EnergyRecord.objects.exists()

    with pytest.raises(CommandError) as info:
        call_command("import_xlsx", "energy", str(junk))
    assert info.value.returncode == 2

    call_command("import_xlsx", "energy", str(good))
    assert "thêm mới 1" in capsys.readouterr().out
    assert EnergyRecord.objects.filter(facility=facility_a, year=2018).exists()


def test_real_process_exit_codes(tmp_path, sqlite_url):
    """The exit codes scripts see: 0 written, 1 errors found, 2 unreadable file."""
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": sqlite_url}
    manage = [sys.executable, str(ROOT / "manage.py")]

    def command(*args):
        return subprocess.run([*manage, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)

    facilities = tmp_path / "facilities.xlsx"
    facilities.write_bytes(workbook([["0101234567", "Công ty A", "Quang Minh"]],
                                    ["Mã số thuế", "Tên cơ sở", "Xã/Thị trấn"]))
    assert command("import_xlsx", "facilities", str(facilities)).returncode == 0
    headers = FIXED + ["Điện (kWh)"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["0101234567", 2018, "100", "tấn", "", "", "nhiều"]], headers))
    result = command("import_xlsx", "energy", str(bad))
    assert result.returncode == 1
    assert 'Dòng 2, cột "Điện (kWh)": ' in result.stderr
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([["0101234567", 2018, "100", "tấn", "x", "", 1000]], headers))
    result = command("import_xlsx", "energy", str(good))
    assert result.returncode == 0, result.stderr
    junk = tmp_path / "junk.xlsx"
    junk.write_text("x")
    assert command("import_xlsx", "energy", str(junk)).returncode == 2
