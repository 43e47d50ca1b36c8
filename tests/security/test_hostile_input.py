"""Hostile input: scripts in every text field rendered escaped (pages, PDF, workbook),
over-long values, wrong types, missing and extra fields, forged ids of other communes, missing
CSRF tokens, bad uploads and bad addresses. Each case: a clear answer, no 500, nothing written
that should not be."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from openpyxl import load_workbook

from accounts.models import Unit
from campaigns.models import Attendance, Campaign, FundingLine
from facilities.models import Facility, FacilityYearStatus, ImportJob
from reports.models import Report
from tests.facilities.test_facility_views import form_data
from tests.facilities.xlsx_helpers import facilities_file
from tests.factories import FacilityFactory, district_create
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
                                               "shortcomings": SCRIPT, "next_steps": IMG,
                                               "signer": SCRIPT, "signer_title": IMG[:40]})
    report = Report.objects.get()
    with report.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
    assert "<script>alert('xss')</script>" in text  # shown as the words typed, not run
    assert text.count("<script>alert('xss')</script>") == 2  # the signer's name too
    # An over-long signer is refused on the form, not cut or a 500.
    response = client.post(reverse("reports:index"), {"year": 2018, "format": "pdf",
                                                      "signer": "x" * 151})
    assert response.status_code == 200 and Report.objects.count() == 1
    body = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "<script>alert" not in body


def test_workbook_keeps_markup_and_formulas_as_text(login, cast,
                                                    django_capture_on_commit_callbacks):
    district_create(Campaign, kind="workshop", title="=HYPERLINK(\"http://evil\")",
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
    campaign = district_create(Campaign, kind="workshop", title="Hội thảo", starts_on=date(2018, 1,
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


def test_a_lowering_reason_is_escaped_and_bounded(login, cast, facility_a):
    FacilityYearStatus.objects.create(facility=facility_a, year=2018, stage=3)
    client = login(cast["official_a"])
    url = reverse("facilities:status_update", args=[facility_a.pk])
    lowering = {"year": "2018", "stage": "1", "note": SCRIPT}
    # Shown back on the confirmation page as text, and refused when too long (no 500).
    response = client.post(url, {**lowering, "reason": "x" * 501})
    assert response.status_code == 302
    assert FacilityYearStatus.objects.get().stage == 3
    response = client.post(url, lowering)
    assert response.status_code == 200
    assert_escaped(response.content.decode())
    client.post(url, {**lowering, "reason": SCRIPT + IMG})
    status = FacilityYearStatus.objects.get()
    assert (status.stage, status.downgrade_reason) == (1, SCRIPT + IMG)
    body = client.get(reverse("facilities:detail", args=[facility_a.pk])).content.decode()
    assert_escaped(body)


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
    campaign = district_create(Campaign, kind="workshop", title="Hội thảo",
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


# ---- every parameter of every address, for every role -----------------------------------------
#
# Which GET parameters a view reads is found out, not listed: the request's GET is replaced by a
# QueryDict that notes every name asked for, each address of the authorization matrix is
# fetched by each role, and every name it read is then sent hostile values, one at a time.
# A name read only because of another value (a branch) is found on the way and tried too.

from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils.functional import cached_property  # noqa: E402

from tests.security.test_authorization_matrix import (  # noqa: E402
    MATRIX,
    ORDER,
    address,
)

READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


def _recording_get(self):
    return RecordingQueryDict(get_bytes_from_wsgi(self.environ, "QUERY_STRING", ""),
                              encoding=self._encoding)


@pytest.fixture
def recording(monkeypatch):
    prop = cached_property(_recording_get)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)
    READ.clear()
    return READ


# Refused by the guard before any view: a 400 page that says why.
CONTROL = ["\x00", "2018\x00", "a\x1b[31m", "\x7f"]
# Reach the view: each must give a page, a redirect, a 403 or a 404, never a 500. Each goes to
# every parameter at once; the first few also to each parameter alone, so that a value one
# parameter refuses early cannot hide what another would have done with it.
ODD = ["abc", "9" * 30, "x" * 5000, "-1", "1.5", "1e400", "NaN", "\u0663",
       "%' OR 1=1 --", "2018-02-30", "../../etc/passwd", " ", ["1", "2"], ["abc", "-1"]]
ALONE = ODD[:3]
GUARD_MESSAGE = "ký tự điều khiển"


def roles_client(login, cast, role):
    return login(None if role == "anonymous" else cast[role])


def split(url: str) -> tuple[str, dict[str, str]]:
    path, _, query = url.partition("?")
    return path, dict(part.split("=", 1) for part in query.split("&") if part)


MAIN = re.compile(r"<main\b.*</main>", re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def answer_signature(response, read: set[str]) -> tuple:
    """What a reader got from the view: its status, the parameters it read and the page's
    main part (the menu and the name in the header differ by role, not by what the view did)."""
    if response.streaming:  # a file: its bytes are the same for every reader allowed it
        return response.status_code, frozenset(read), response.get("Content-Disposition")
    body = response.content.decode("utf-8", "replace")
    main = MAIN.search(body)
    return response.status_code, frozenset(read), TOKEN.sub("", main[0] if main else body)


def sweep(client, path, base, recording, swept: set[str], answered: set[tuple]) -> set[str]:
    """Every parameter the view reads for this client, each sent every hostile value; returns
    the names tried. `swept`: the names already sent control characters and odd values one by
    one at this address, by an earlier role. The guard stands before authentication, so one
    role's 400 is every role's; and roles differ in which rows a view reads, not in how it reads
    a parameter, so each role after the first gets every odd value in every parameter at once,
    unless the view gave it exactly what it gave an earlier role (`answered`: the same rows,
    the same branch, the same parameters read), where the same values would prove nothing new."""
    recording.clear()
    # Some views treat an empty query as no query at all (django-filter does); one harmless
    # name makes every view read its parameters from the recording dict.
    probe = client.get(path, {**base, "sweep": "1"})
    assert probe.status_code < 500, path
    signature = answer_signature(probe, recording)
    repeated = signature in answered
    answered.add(signature)
    queue, seen = set(recording), set()
    while queue:
        param = queue.pop()
        seen.add(param)
        if param in swept:
            continue
        # The guard reads every value whatever its name: each control character once at the
        # address (in its first parameter), and one in every other parameter and name.
        controls = CONTROL if not swept else CONTROL[len(swept) % len(CONTROL):][:1]
        swept.add(param)
        for value in controls:
            response = client.get(path, {**base, param: value})
            assert response.status_code == 400, (path, param, repr(value))
            assert GUARD_MESSAGE in response.content.decode()
        assert client.get(path, {**base, param + "\x00": "1"}).status_code == 400
        for value in ALONE:
            recording.clear()
            response = client.get(path, {**base, param: value})
            assert response.status_code < 500, (path, param, repr(value)[:40])
            queue |= set(recording) - seen
    # A reader the view turned away read nothing: the same request again would prove nothing.
    for value in ODD if seen and not repeated else ():
        recording.clear()
        response = client.get(path, {**base, **dict.fromkeys(seen, value)})
        assert response.status_code < 500, (path, sorted(seen), repr(value)[:40])
        assert recording <= seen | swept, (path, recording - seen - swept)
    return seen


def forged_ids(path: str) -> list[str]:
    """The address with each of its ids replaced by one too large for any column."""
    match = resolve(path)
    return [reverse(match.view_name, kwargs={**match.kwargs, key: 10**20})
            for key, value in match.kwargs.items() if isinstance(value, int)]


@pytest.mark.slow  # every page for every role
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_parameter_or_id_gives_a_500(name, login, cast, recording):
    """Every address of the matrix, every role: every parameter the view reads gets control
    characters (400), and odd, over-long and non-numeric values (never a 500); every id in the
    address, one too large (404, or the login, 403, 405)."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    path, base = split(address(name, world))
    forged = [] if name == "admin:*" else forged_ids(path)
    swept: set[str] = set()
    answered: set[tuple] = set()
    for role in ORDER:
        client = roles_client(login, cast, role)
        sweep(client, path, base, recording, swept, answered)
        for url in forged:
            assert client.get(url, base).status_code in (302, 403, 404, 405), (role, url)
            assert client.post(url).status_code in (302, 403, 404, 405), (role, url)


@pytest.mark.slow  # every page for every role
def test_control_characters_in_posts_paths_and_cookies_are_refused(login, cast):
    """The guard stands before every view: a POST to any address, a path or a cookie with a NUL
    gets the 400 page, whoever asks, and nothing is written. (Upload names need no guard:
    Django's parser drops unprintable characters from them.)"""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    before = Facility.objects.values().get(pk=world.facility.pk)
    for name in sorted(MATRIX):
        path, _ = split(address(name, world))
        # The guard stands before authentication: one reader signed in and one not.
        for role in ("anonymous", "official_a"):
            client = roles_client(login, cast, role)
            for data in ({"name": "Cơ sở\x00"}, {"name\x00": "x"}, {"note": "a\x08b"}):
                response = client.post(path, data)
                assert response.status_code == 400, (role, name, data)
    client = login(cast["staff"])
    assert client.get("/reports/kpi/aware\x00/").status_code == 400
    assert client.get("/facilities/%00/").status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get(reverse("dashboard"))
    assert response.status_code == 400 and GUARD_MESSAGE in response.content.decode()
    assert Facility.objects.values().get(pk=world.facility.pk) == before


def test_the_reported_addresses(login, cast, facility_a):
    """Addresses named in the report (a 500 on PostgreSQL): each NUL is now a 400 page."""
    client = login(cast["staff"])
    for url in ("/campaigns/?q=%00", "/?commune=%00", "/reports/kpi/saving/?sector=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert GUARD_MESSAGE in response.content.decode()


@pytest.mark.parametrize(("name", "role", "expected"), [
    ("dashboard", "staff", {"commune"}), ("facilities:list", "staff", {"q", "page"}),
    ("campaigns:index", "unit", {"q"}), ("reports:figure", "leader", {"sector"}),
    ("reports:budget_lines", "staff", {"source", "year", "page"}),
    ("facilities:status_lower", "official_a", {"year", "stage", "version", "reason"}),
])
def test_the_sweep_finds_the_parameters_views_read(name, role, expected, login, cast,
                                                   recording):
    """The sweep is only as good as its discovery: names these views are known to read."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    path, base = split(address(name, world))
    assert login(cast[role]).get(path, {**base, "sweep": "1"}).status_code == 200
    assert expected <= recording, recording


def test_the_sweep_spares_only_a_reader_who_got_the_same_answer(login, cast, recording):
    """Odd values are sent again to a role unless the view answered it as it answered an
    earlier one: the same reader twice is spared; a commune official, whose list is its own
    commune's, is not spared after staff."""
    build_world(staff=cast["staff"], official_a=cast["official_a"])
    path = reverse("facilities:list")

    def signature(role):
        recording.clear()
        response = login(cast[role]).get(path, {"sweep": "1"})
        return answer_signature(response, set(recording))

    staff = signature("staff")
    assert signature("staff") == staff
    assert signature("official_a") != staff
