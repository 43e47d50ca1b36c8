"""Hostile input: scripts in every text field rendered escaped (pages, PDF, workbook),
over-long values, wrong types, missing and extra fields, forged ids of other communes, missing
CSRF tokens, bad uploads and bad addresses. Each case: a clear answer, no 500, nothing written
that should not be."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Unit
from campaigns.models import Attendance, Campaign, FundingLine
from facilities.models import Facility, FacilityYearStatus, ImportJob
from reports.models import Report
from tests.facilities.test_facility_views import form_data
from tests.facilities.xlsx_helpers import facilities_file
from tests.factories import FacilityFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


@pytest.fixture
def facility_a(commune_a):
    return FacilityFactory(commune=commune_a, tax_code="0100000001", name="Cơ sở A")


@pytest.fixture
def facility_b(commune_b):
    return FacilityFactory(commune=commune_b, tax_code="0100000002", name="Cơ sở B")


def assert_escaped(body: str):
    assert SCRIPT not in body and "<img src=x" not in body
    assert ESCAPED in body or "&lt;script&gt;" in body


# ---- scripts and markup in text fields ---------------------------------------------------------

@pytest.mark.parametrize("field", ["name", "address", "main_products", "product_unit",
                                   "contact_person", "phone"])
def test_facility_text_fields_are_escaped_in_pages(login, cast, facility_a, field):
    client = login(cast["staff"])
    value = (SCRIPT + IMG)[:30] if field in ("phone", "product_unit") else SCRIPT + IMG
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, **{field: value}))
    assert response.status_code in (200, 302)
    facility_a.refresh_from_db()
    if getattr(facility_a, field) != value:  # refused by validation: nothing stored
        return
    for url in (reverse("facilities:detail", args=[facility_a.pk]),
                reverse("facilities:list") + "?q=script"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body


def test_facility_name_with_script_is_text_in_the_export(login, cast, facility_a):
    facility_a.name = SCRIPT
    facility_a.address = "=cmd|' /C calc'!A0"
    facility_a.save()
    content = login(cast["staff"]).get(reverse("facilities:export")).content
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    row = next(sheet.iter_rows(min_row=2))
    assert row[1].value == SCRIPT
    assert row[3].value == "=cmd|' /C calc'!A0" and row[3].data_type == "s"


@pytest.mark.parametrize("field", ["title", "place", "description"])
def test_campaign_text_fields_are_escaped(login, cast, field):
    client = login(cast["staff"])
    data = {"kind": "web_article", "title": "Tin", "lead_unit": Unit.objects.get(
        code="KINH_TE").pk, "starts_on": "2018-05-10", "ends_on": "", "place": "",
        "people_reached": "0", "copies_printed": "0", "broadcasts_aired": "0",
        "description": "", "visited_model": "", "is_public": "on", "version": "0",
        field: SCRIPT + IMG}
    assert client.post(reverse("campaigns:create"), data).status_code == 302
    campaign = Campaign.objects.get()
    for url in (reverse("campaigns:detail", args=[campaign.pk]), reverse("campaigns:index"),
                reverse("public:news_detail", args=[campaign.pk]), reverse("public:news"),
                reverse("public:feed_atom")):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url


def test_report_text_with_markup_is_printed_as_text(login, cast,
                                                    django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    client = login(cast["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:index"), {"year": 2018, "format": "pdf",
                                               "shortcomings": SCRIPT, "next_steps": IMG})
    report = Report.objects.get()
    with report.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
    assert "<script>alert('xss')</script>" in text  # shown as the words typed, not run
    body = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "<script>alert" not in body


def test_workbook_keeps_markup_and_formulas_as_text(login, cast,
                                                    django_capture_on_commit_callbacks):
    Campaign.objects.create(kind="workshop", title="=HYPERLINK(\"http://evil\")",
                            lead_unit=Unit.objects.get(code="KINH_TE"), starts_on=date(2018, 1, 2),
                            place=SCRIPT)
    client = login(cast["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:index"), {"year": 2018, "format": "xlsx"})
    report = Report.objects.get()
    with report.file.open("rb") as handle:
        sheet = load_workbook(BytesIO(handle.read()))["Hoạt động"]
    row = next(sheet.iter_rows(min_row=2))
    assert row[2].value == "=HYPERLINK(\"http://evil\")" and row[2].data_type == "s"
    assert row[4].value == SCRIPT


def test_search_box_reflects_escaped(login, cast):
    body = login(cast["staff"]).get(reverse("facilities:list"), {"q": SCRIPT}).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body


# ---- over-long values, wrong types, missing and extra fields --------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("name", "A" * 256), ("address", "B" * 256), ("employees", "abc"), ("employees", "-1"),
    ("employees", "99999999999"), ("first_year", "twenty"), ("last_year", "1800"),
    ("tax_code", "0" * 40), ("email", "x" * 300 + "@a.vn"), ("kind", "corporation"),
    ("group", "XX"), ("sector", "999999"), ("commune", "abc"),
])
def test_bad_facility_values_are_refused(login, cast, facility_a, field, value):
    before = Facility.objects.values().get(pk=facility_a.pk)
    response = login(cast["staff"]).post(reverse("facilities:edit", args=[facility_a.pk]),
                                         form_data(facility_a, **{field: value}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Facility.objects.values().get(pk=facility_a.pk) == before


def test_missing_fields_write_nothing(login, cast):
    response = login(cast["staff"]).post(reverse("facilities:create"), {"name": "Chỉ có tên"})
    assert response.status_code == 200
    assert not Facility.objects.exists()


def test_extra_fields_are_ignored(login, cast, facility_a):
    client = login(cast["official_a"])
    data = form_data(facility_a, name="Tên mới", public_consent="on", is_staff="on",
                     role="admin", id="999", created_at="2001-01-01")
    assert client.post(reverse("facilities:edit", args=[facility_a.pk]), data).status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.name == "Tên mới" and facility_a.public_consent is False
    assert cast["official_a"].__class__.objects.get(pk=cast["official_a"].pk).role == "commune"


@pytest.mark.parametrize(("url_name", "data"), [
    ("campaigns:attendance_add", {"tax_codes": "x" * 200_001, "people": "1"}),
    ("campaigns:attendance_add", {"facilities": ["abc"], "people": "1"}),
    ("campaigns:attendance_add", {"tax_codes": "0100000001", "people": "-3"}),
    ("campaigns:funding_add", {"source": "1", "year": "2018", "planned_vnd": "1e9",
                               "spent_vnd": "0"}),
    ("campaigns:funding_add", {"source": "99999", "year": "2018", "planned_vnd": "1",
                               "spent_vnd": "0"}),
    ("campaigns:funding_add", {"source": "1", "year": "abc", "planned_vnd": "1",
                               "spent_vnd": "0"}),
])
def test_bad_campaign_posts_write_nothing(login, cast, facility_a, url_name, data):
    campaign = Campaign.objects.create(kind="workshop", title="Hội thảo", starts_on=date(2018, 1,
                                                                                            2),
                                       lead_unit=Unit.objects.get(code="KINH_TE"))
    response = login(cast["staff"]).post(reverse(url_name, args=[campaign.pk]), data,
                                         follow=True)
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert not Attendance.objects.exists() and not FundingLine.objects.exists()


@pytest.mark.parametrize("data", [
    {"year": "2018", "stage": "9"}, {"year": "2018", "stage": "applying"},
    {"year": "20180", "stage": "1"}, {"stage": "1"}, {"year": "2018"},
])
def test_bad_status_posts(login, cast, facility_a, data):
    response = login(cast["staff"]).post(reverse("facilities:status_update",
                                                 args=[facility_a.pk]), data, follow=True)
    assert response.status_code == 200
    assert not FacilityYearStatus.objects.exists()


# ---- forged ids of other communes -----------------------------------------------------------

def test_forged_ids_of_another_commune(login, cast, facility_a, facility_b, commune_b):
    client = login(cast["official_a"])
    assert client.post(reverse("facilities:status_update", args=[facility_b.pk]),
                       {"year": 2018, "stage": 3}).status_code == 404
    client.post(reverse("facilities:status_bulk"),
                {"facilities": [facility_a.pk, facility_b.pk], "year": 2018, "stage": 3})
    assert client.post(reverse("facilities:edit", args=[facility_a.pk]),
                       form_data(facility_a, commune=commune_b.pk)).status_code == 200
    assert client.get(reverse("audits:record_create", args=[facility_b.pk])).status_code == 404
    assert not FacilityYearStatus.objects.exists()
    facility_a.refresh_from_db()
    assert facility_a.commune.code == "08989"


def test_a_report_for_another_commune_becomes_ones_own(login, cast, commune_b,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(cast["official_a"]).post(reverse("reports:index"), {
            "year": 2018, "format": "xlsx", "commune": commune_b.pk})
    assert Report.objects.get().commune.code == "08989"


# ---- missing CSRF tokens ----------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["facilities:edit", "facilities:status_update",
                                      "facilities:delete"])
def test_posts_without_a_csrf_token_are_refused(cast, facility_a, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["staff"])
    response = client.post(reverse(url_name, args=[facility_a.pk]),
                           form_data(facility_a, name="Đổi", year=2018, stage=3))
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
    facility_a.refresh_from_db()
    assert facility_a.name == "Cơ sở A" and not FacilityYearStatus.objects.exists()


# ---- uploads ------------------------------------------------------------------------------------

def bomb() -> bytes:
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(310):
                sheet.write(b"0" * 1024 * 1024)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.xlsx", b"MZ\x90\x00\x03", "không phải là bảng tính"),
    ("report.xlsx", b"%PDF-1.7\n...", "không phải là bảng tính"),
    ("truncated.xlsx", None, "bị hỏng hoặc không đầy đủ"),
    ("bomb.xlsx", "bomb", "dung lượng bất thường"),
    ("huge.xlsx", b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 1), "lớn hơn 10 MB"),
])
def test_bad_import_uploads(login, cast, name, content, message):
    if content is None:
        whole = facilities_file(40)
        content = whole[: len(whole) // 3]
    elif content == "bomb":
        content = bomb()
    response = login(cast["staff"]).post(reverse("facilities:import"), {
        "kind": "facilities", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not Facility.objects.exists()


# ---- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/facilities/99999999999999999999999/", "/campaigns/99999999999999999999/",
    "/reports/99999999999999999999/download/", "/public/news/99999999999999999999/",
    "/facilities/import/template/..%2F..%2Fetc%2Fpasswd/", "/facilities/-1/",
    "/reports/kpi/%3Cscript%3E/", "/audits/records/00000000000000000000001/",
])
def test_bad_addresses_are_404(login, cast, path):
    assert login(cast["staff"]).get(path).status_code == 404


@pytest.mark.parametrize("query", [
    {"page": "99999999999999999999"}, {"year": "-2018"}, {"sort": "'; DROP TABLE x; --"},
    {"q": "%" * 1000}, {"commune": "0 OR 1=1"},
])
def test_hostile_query_strings_on_the_list(login, cast, facility_a, query):
    response = login(cast["staff"]).get(reverse("facilities:list"), query)
    assert response.status_code == 200
    assert Facility.objects.count() == 1


def test_the_domain_error_safety_net_turns_a_missed_error_into_a_message(login, cast, staff):
    from facilities.locking import year_lock

    facility = FacilityFactory()
    campaign = Campaign.objects.create(kind="workshop", title="Hội thảo",
                                       starts_on=date(2018, 1, 2),
                                       lead_unit=Unit.objects.get(code="KINH_TE"))
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    year_lock(user=staff, year=2018)
    response = login(cast["staff"]).post(
        reverse("campaigns:attendance_people", args=[campaign.pk, attendance.pk]),
        {"people": "5"}, HTTP_REFERER="http://testserver/campaigns/", follow=True)
    assert response.status_code == 200
    assert "Năm 2018 đã khóa" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.people == 1


def test_a_download_whose_file_is_gone_is_404_not_500(login, cast):
    """A file lost from the media volume (restore without media, disk error) is a missing page."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    downloads = [
        (world.attachment.file, "campaigns:attachment_download",
         [world.campaign.pk, world.attachment.pk]),
        (world.document.file, "campaigns:document_download", [world.document.pk]),
        (world.task_report.attachment, "reports:task_report_file", [world.task_report.pk]),
        (world.report.file, "reports:report_download", [world.report.pk]),
    ]
    client = login(cast["staff"])
    for file, url_name, args in downloads:
        assert client.get(reverse(url_name, args=args)).status_code == 200, url_name
        file.storage.delete(file.name)
        assert client.get(reverse(url_name, args=args)).status_code == 404, url_name
    world.document.refresh_from_db()
    assert world.document.download_count == 1  # a failed download is not counted
