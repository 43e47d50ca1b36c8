"""An enterprise fills its submission from the energy template of the import: the row of its
facility and the request's year fills the draft (as if typed, with the same checks); a row of
another facility or year, a file that is not a small .xlsx, or a sent form is refused with the
row, the column and the problem, and nothing is written, least of all an energy record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits.models import EnergyCarrier, EnergyRecord, Submission
from audits.submissions import request_create, submission_fill, submission_submit
from tests.audits.conftest import make_record
from tests.audits.test_import import workbook

pytestmark = pytest.mark.django_db

HEADERS = ["Mã số thuế", "Năm", "Sản lượng", "Đơn vị sản phẩm", "Điện (kWh)", "Dầu DO (lít)"]


@pytest.fixture
def submission(staff, own, facility_b) -> Submission:
    request = request_create(user=staff, year=2018, title="Số liệu năm 2018",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[own, facility_b])
    return request.submissions.get(facility=own)


def send(client, submission, content: bytes | None, name: str = "so-lieu.xlsx"):
    data = {"version": str(submission.version)}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    url = reverse("audits:submission_upload", args=[submission.pk])
    return client.post(url, data, follow=True)


def shown(response) -> str:
    from html import unescape

    return unescape(response.content.decode())


def test_its_row_fills_the_draft_and_the_form_shows_the_checks(login, enterprise, own,
                                                                submission):
    make_record(own, 2017, "100", {"ELEC": "100000"}, baseline=True)
    # Title rows and the tax code written with dots, as the template allows.
    content = workbook([["0100.000.001", 2018, "100", "tấn", "40.000", "12,5"]], HEADERS,
                       title="Số liệu năng lượng năm 2018")
    response = send(login(enterprise), submission, content)
    submission.refresh_from_db()
    elec = EnergyCarrier.objects.get(code="ELEC")
    diesel = EnergyCarrier.objects.get(name="Dầu DO", unit="lít")
    assert submission.state == "draft"
    assert (submission.output, submission.product_unit) == (Decimal("100"), "tấn")
    assert submission.energy_lines() == {elec.pk: Decimal("40000"), diesel.pk: Decimal("12.5")}
    page = shown(response)
    assert "Số liệu trong tệp đã được điền vào biểu mẫu" in page
    # As if typed: the fall in SEC against 2017 is to be corrected or explained.
    assert 'name="explain_sec_jump"' in page
    assert not EnergyRecord.objects.filter(year=2018).exists()


@pytest.mark.parametrize(("row", "message"), [
    (["0100000002", 2018, "50", "tấn", "1000", ""],
     'Dòng 2, cột "Mã số thuế": không phải mã số thuế của Công ty Cơ khí A (0100000001)'),
    (["0100000001", 2017, "50", "tấn", "1000", ""],
     'Dòng 2, cột "Năm": biểu mẫu này chỉ nhận số liệu của năm 2018'),
    (["0100000001", 2018, "50", "tấn", "", ""],
     "Dòng 2: không có số liệu năng lượng"),
])
def test_another_facility_or_year_is_refused_naming_the_row(login, enterprise, submission,
                                                            facility_b, row, message):
    content = workbook([row], HEADERS)
    page = shown(send(login(enterprise), submission, content))
    assert message in page
    assert facility_b.name not in page
    submission.refresh_from_db()
    assert submission.state == "requested" and submission.output is None
    assert not EnergyRecord.objects.exists()


def test_a_right_row_with_a_wrong_one_writes_nothing(login, enterprise, submission):
    content = workbook([["0100000001", 2018, "50", "tấn", "1000", ""],
                        ["0100000001", 2016, "50", "tấn", "1000", ""]], HEADERS)
    page = shown(send(login(enterprise), submission, content))
    assert 'Dòng 3, cột "Năm"' in page
    submission.refresh_from_db()
    assert submission.state == "requested" and not submission.lines


@pytest.mark.parametrize(("name", "content", "message"), [
    ("so-lieu.pdf", b"%PDF-1.7\n...", "Loại tệp này không được chấp nhận"),
    ("so-lieu.xlsx", b"MZ\x90\x00\x03", "Loại tệp này không được chấp nhận"),
    ("so-lieu.xlsx", b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1), "Tệp lớn hơn 1 MB"),
    ("so-lieu.xlsx", None, "Hãy chọn tệp Excel để tải lên"),
])
def test_a_file_that_is_not_a_small_workbook_is_refused(login, enterprise, submission, name,
                                                        content, message):
    response = send(login(enterprise), submission, content, name)
    assert response.status_code == 200 and message in shown(response)
    submission.refresh_from_db()
    assert submission.state == "requested" and not EnergyRecord.objects.exists()


def test_a_sent_form_refuses_a_file(login, enterprise, submission, staff):
    elec = EnergyCarrier.objects.get(code="ELEC")
    filled = submission_fill(user=staff, submission_id=submission.pk,
                             expected_version=submission.version,
                             data={"output": Decimal("80"), "product_unit": "tấn",
                                   "lines": {elec.pk: "5000"}})
    submission_submit(user=staff, submission_id=filled.pk, expected_version=filled.version)
    submission.refresh_from_db()
    content = workbook([["0100000001", 2018, "50", "tấn", "1000", ""]], HEADERS)
    page = shown(send(login(enterprise), submission, content))
    assert "Biểu mẫu đã được gửi: không thể sửa" in page
    submission.refresh_from_db()
    assert submission.state == "submitted" and submission.output == Decimal("80")
    assert not EnergyRecord.objects.exists()


def test_another_facilitys_submission_is_404(login, enterprise, submission, facility_b):
    theirs = Submission.objects.get(facility=facility_b)
    content = workbook([["0100000002", 2018, "50", "tấn", "1000", ""]], HEADERS)
    client = login(enterprise)
    assert send(client, theirs, content).status_code == 404
    url = reverse("audits:submission_template", args=[theirs.pk])
    assert client.get(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "requested"


def test_the_template_is_prefilled_and_comes_back_as_is(login, enterprise, own, submission):
    response = login(enterprise).get(reverse("audits:submission_template",
                                             args=[submission.pk]))
    assert response["Content-Disposition"].endswith('"mau-so-lieu-nang-luong-nam-2018.xlsx"')
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    header, example = ([cell.value for cell in row] for row in sheet.iter_rows(max_row=2))
    values = dict(zip(header, example, strict=True))
    assert (values["Mã số thuế"], values["Năm"]) == ("0100000001", 2018)
    # Filled in with the year's electricity and sent back: it fills the draft.
    sheet.cell(row=2, column=header.index("Sản lượng") + 1, value=120)
    sheet.cell(row=2, column=header.index("Điện (kWh)") + 1, value=6000)
    buffer = BytesIO()
    sheet.parent.save(buffer)
    send(login(enterprise), submission, buffer.getvalue())
    submission.refresh_from_db()
    elec = EnergyCarrier.objects.get(code="ELEC")
    assert submission.output == Decimal("120")
    assert submission.energy_lines() == {elec.pk: Decimal("6000")}
