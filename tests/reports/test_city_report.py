"""The city's report (docs/KPI.md, "The city report"): Sở Công Thương's report to UBND thành
phố, built by the worker as PDF and workbook, with the city's figures against its plan, each
district's row (from its issued report, or live and marked so) and a chart comparing them; and
the district report's headings naming its own district."""

import shutil
import subprocess
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Commune, Role
from facilities.models import Stage
from melinh_sxsh.lib.jobs import JobStatus
from reports import kpis, services
from reports.building import report_build
from reports.exporters.city import LIVE, RETURNED, SUBMITTED, gather_city
from reports.models import Report
from tests.conftest import make_user
from tests.factories import FacilityFactory
from tests.reports.test_kpi_districts import four_facilities, melinh, moved_to, new_district, plan
from tests.reports.test_kpis import status
from tests.sxsh_env import need

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Số cơ sở áp dụng SXSH chưa khớp với danh sách kèm theo."
BEFORE_DUE = datetime(2018, 12, 1, 9, tzinfo=HANOI)
AFTER_DUE = datetime(2019, 1, 10, 9, tzinfo=HANOI)


def built(report: Report) -> Report:
    report_build(report.pk)
    report.refresh_from_db()
    assert report.status == JobStatus.DONE, report.message
    return report


def issue(staff, district) -> Report:
    """The district's report of 2018, built by the worker and issued (its submission)."""
    report = built(Report.objects.create(year=2018, district=district, requested_by=staff,
                                         format="xlsx"))
    services.report_issue(user=staff, report=report)
    report.refresh_from_db()
    return report


@pytest.fixture
def city(cast):
    """Mê Linh (its report issued), Thử Nghiệm (nothing issued) and Thử Hai (issued, then
    returned by the city), each with the same four facilities and a plan of its own, under the
    city plan 1048/KH-SCT. The cast is made first: its district roles are Mê Linh's."""
    four_facilities()
    plan(melinh(), code="108/KH-UBND")
    districts = {"melinh": melinh()}
    for code, name, key in (("901", "Thử Nghiệm", "nothing"), ("902", "Thử Hai", "returned")):
        district, commune = new_district(code, name)
        moved_to(commune, four_facilities)
        plan(district, baseline_year=2016, band=("12", "25"), code=f"{code}/KH-UBND")
        districts[key] = district
    plan(None, code="1048/KH-SCT")
    staff_b = make_user("canbo.thuhai", Role.STAFF, district=districts["returned"])
    with time_machine.travel(BEFORE_DUE, tick=False):
        districts["melinh_report"] = issue(cast["staff"], districts["melinh"])
        returned = issue(staff_b, districts["returned"])
        services.report_return(user=cast["city"], report=returned, reason=REASON)
    districts["staff_b"] = staff_b
    return districts


def live_json(district) -> dict:
    """The district's figures today, from the KPI engine at the district's own scope."""
    return kpis.overview(2018, kpis.Scope(district_id=district.pk)).figures.as_json()


COUNTED = ("active", "aware", "applying", "saving")


def test_rows_are_the_issued_figures_or_the_live_ones_and_the_city_their_sum(city):
    frozen = city["melinh_report"].snapshot["kpi"]
    # Mê Linh's data changes after it issued: its row keeps what it issued.
    status(FacilityFactory(first_year=2010), 2018, Stage.AWARE)
    assert live_json(city["melinh"])["aware"]["current"] == frozen["aware"]["current"] + 1
    with time_machine.travel(AFTER_DUE, tick=False):
        data = gather_city(year=2018)
    rows = {row.district.code: row for row in data.rows}
    assert set(rows) == {"250", "901", "902"}
    assert [rows[c].source for c in ("250", "901", "902")] == [SUBMITTED, LIVE, RETURNED]
    # Late: after the deadline, not submitted, or returned and not submitted again.
    assert [rows[c].late for c in ("250", "901", "902")] == [False, True, True]
    assert rows["250"].submission == city["melinh_report"]
    assert rows["250"].kpis.as_json() == frozen
    assert rows["901"].kpis.as_json() == live_json(city["nothing"])
    assert rows["902"].kpis.as_json() == live_json(city["returned"])
    # Each district against its own plan: Thử Nghiệm's baseline year is 2016.
    assert rows["901"].kpis.baseline_year == 2016 and rows["250"].kpis.baseline_year == 2017
    city_json = data.figures.as_json()
    for name in COUNTED:
        for part in ("baseline", "current"):
            assert city_json[name][part] == sum(r.kpis.as_json()[name][part]
                                                for r in data.rows), (name, part)
    assert city_json["saving"]["in_band"] == sum(r.kpis.in_band for r in data.rows)
    assert city_json["officers"]["current"] == sum(r.kpis.officers.current for r in data.rows)
    assert city_json["energy_saved_toe"] == pytest.approx(
        sum(r.kpis.as_json()["energy_saved_toe"] for r in data.rows))
    # The changes are computed again from the sums, against the city plan's targets.
    aware = city_json["aware"]
    assert aware["change_percent"] == round(
        (aware["current"] - aware["baseline"]) * 100 / aware["baseline"], 2)
    assert data.plan_code == "1048/KH-SCT" and data.figures.baseline_year == 2017
    assert {row.label for row in data.rows} == {"Mê Linh", "Thử Nghiệm*", "Thử Hai*"}


def test_nobody_is_late_before_the_deadline(city):
    with time_machine.travel(BEFORE_DUE, tick=False):
        data = gather_city(year=2018)
    assert not any(row.late for row in data.rows)
    assert data.counts == {SUBMITTED: 1, RETURNED: 1, LIVE: 1, "late": 0, "aware_met": 3,
                           "saving_met": 3, "officers_met": 1}


def gather_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        data = gather_city(year=2018)
        data.snapshot()
    return len(queries)


def test_the_queries_do_not_grow_with_the_districts(staff):
    four_facilities()
    plan(melinh(), code="108/KH-UBND")
    issue(staff, melinh())
    one = gather_queries()
    for code in ("901", "902"):
        district, commune = new_district(code, f"Thử {code}")
        moved_to(commune, four_facilities)
        plan(district, baseline_year=2016, band=("12", "25"), code=f"{code}/KH")
        issue(make_user(f"canbo.{code}", Role.STAFF, district=district), district)
    plan(None, code="1048/KH-SCT")
    assert gather_queries() == one
    assert len(gather_city(year=2018).rows) == 3


def facts_statements(queries) -> int:
    """How many times the engine read every facility's facts (its one grouped statement)."""
    return sum("first_aware" in query["sql"] for query in queries)


def test_the_city_figures_are_computed_once_per_change(city):
    """The report reads the city's figures as the city's dashboard caches them for the data
    version: a second build reads no facility, and a write makes the next compute them again."""
    with CaptureQueriesContext(connection) as cold:
        first = gather_city(year=2018)
    with CaptureQueriesContext(connection) as warm:
        second = gather_city(year=2018)
    assert (facts_statements(cold), facts_statements(warm)) == (1, 0)
    assert second.snapshot() == first.snapshot()
    # A facility more in Thử Nghiệm (its row is live): the next report counts it.
    commune = Commune.objects.filter(district=city["nothing"]).first()
    status(FacilityFactory(first_year=2010, commune=commune), 2018, Stage.AWARE)
    with CaptureQueriesContext(connection) as after:
        third = gather_city(year=2018)
    assert facts_statements(after) == 1
    rows = {row.district.code: row for row in third.rows}
    before = {row.district.code: row for row in first.rows}["901"]
    assert rows["901"].kpis.active.current == before.kpis.active.current + 1
    assert rows["901"].kpis.as_json() == live_json(city["nothing"])


def pdf_text(report: Report) -> str:
    need("poppler-utils", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")
    with report.file.open("rb") as handle:
        content = handle.read()
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def ask(client, **fields):
    data = {"year": "2018", "format": "pdf", "number": "", "signer": "", "signer_title": "",
            **fields}
    return client.post(reverse("reports:city_report"), data)


@pytest.mark.slow  # WeasyPrint
def test_the_city_officer_builds_and_issues_the_pdf(city, cast, login):
    client = login(cast["city"])
    page = client.get(reverse("reports:city"), {"year": 2018})
    assert 'action="' + reverse("reports:city_report") + '"' in page.content.decode()
    with time_machine.travel(AFTER_DUE, tick=False):
        response = ask(client, number="125/BC-SCT", signer="Vũ Thị Lan Anh",
                       signer_title="Phó Giám đốc")
    report = Report.objects.get(is_city=True)
    assert response.status_code == 302
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    assert report.district_id is None and report.commune_id is None
    report = built(report)
    text = pdf_text(report)
    flat = " ".join(text.split())
    for words in ("UBND THÀNH PHỐ HÀ NỘI", "SỞ CÔNG THƯƠNG", "Số: 125/BC-SCT", "Hà Nội, ngày",
                  "Kính gửi: Ủy ban nhân dân thành phố Hà Nội", "1048/KH-SCT", "PHỤ LỤC I",
                  "PHỤ LỤC II", "Toàn thành phố", "PHÓ GIÁM ĐỐC", "Vũ Thị Lan Anh"):
        assert words in flat, words
    assert "Mê Linh" in flat and "Thử Nghiệm*" in flat and "Thử Hai*" in flat
    assert "Đã gửi" in flat and "Bị trả lại" in flat and "Chưa gửi" in flat
    assert "quá hạn" in flat
    assert report.snapshot["kind"] == "city"
    assert [row["source"] for row in report.snapshot["districts"]] == [SUBMITTED, LIVE, RETURNED]
    # The detail page shows it to the city, which issues it; its file then never changes.
    detail = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Toàn thành phố" in detail
    assert reverse("reports:report_issue", args=[report.pk]) in detail
    assert reverse("reports:report_return", args=[report.pk]) not in detail
    client.post(reverse("reports:report_issue", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == cast["city"]
    download = client.get(reverse("reports:report_download", args=[report.pk]))
    assert download.status_code == 200
    assert "thanh-pho-ha-noi" in download["Content-Disposition"]


def test_the_workbook_has_the_citys_figures_and_a_row_per_district(city):
    city_user = make_user("soct.thuha", Role.CITY)
    report = built(services.city_report_request(user=city_user, year=2018, format="xlsx"))
    with report.file.open("rb") as handle:
        book = load_workbook(BytesIO(handle.read()), read_only=True)
    assert book.sheetnames == ["Thành phố", "Quận, huyện, thị xã"]
    rows = list(book["Quận, huyện, thị xã"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert [row[1] for row in body] == ["Huyện Mê Linh", "Huyện Thử Nghiệm", "Huyện Thử Hai",
                                        "Toàn thành phố"]
    assert [row[2] for row in body[:3]] == ["Đã gửi", "Chưa gửi", "Bị trả lại"]
    assert [row[5] for row in body[:3]] == ["Theo báo cáo", "Hiện tại", "Hiện tại"]
    aware = header.index("Nhận thức 2018")
    assert body[-1][aware] == sum(row[aware] for row in body[:3])
    city_rows = {row[0]: row for row in book["Thành phố"].iter_rows(values_only=True)}
    assert city_rows["Cơ sở nhận thức được lợi ích của SXSH"][2] == body[-1][aware]


def test_a_district_with_no_facility_is_not_judged(city):
    """A district that keeps no facility on the portal has no verdict ("—"), not "not met"."""
    new_district("903", "Chưa Dùng")
    city_user = make_user("soct.thuha", Role.CITY)
    report = built(services.city_report_request(user=city_user, year=2018, format="xlsx"))
    with report.file.open("rb") as handle:
        book = load_workbook(BytesIO(handle.read()), read_only=True)
    rows = list(book["Quận, huyện, thị xã"].iter_rows(values_only=True))
    verdicts = [rows[0].index(f"Chỉ tiêu {n}") for n in (1, 2, 3)]
    assert verdicts
    by_name = {row[1]: [row[i] for i in verdicts] for row in rows[1:]}
    assert set(by_name["Huyện Chưa Dùng"]) == {"—"}
    assert set(by_name["Huyện Mê Linh"]) <= {"Đạt", "Không đạt"}
    data = gather_city(year=2018)
    empty = next(row for row in data.rows if row.district.code == "903")
    assert not empty.has_data and empty.verdicts == {"aware": "—", "saving": "—",
                                                     "officers": "—"}


def test_the_city_report_stays_without_a_district(city):
    city_user = make_user("soct.thuha", Role.CITY)
    report = services.city_report_request(user=city_user, year=2018, format="pdf")
    report.refresh_from_db()
    assert report.is_city and report.district_id is None and not report.is_submission


def test_a_report_without_a_district_is_refused(db):
    # save() guesses no district, even with one: the service says which (a city report alone
    # has none), and the database refuses a district report without one.
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(year=2018)
    assert not Report.objects.exists()


def test_bad_input_comes_back_with_its_errors_and_builds_nothing(city, cast, login):
    client = login(cast["city"])
    for fields in ({"year": "năm nay"}, {"format": "doc"}, {"year": "1900"},
                   {"number": "x" * 51}):
        response = ask(client, **fields)
        assert response.status_code == 200, fields
        assert response.context["form"].errors, fields
    assert not Report.objects.filter(is_city=True).exists()


def test_only_the_city_builds_issues_and_reads_it(city, cast, login):
    report = built(services.city_report_request(user=cast["city"], year=2018, format="xlsx"))
    for role in ("staff", "leader", "official_a", "unit"):
        client = login(cast[role])
        assert ask(client).status_code == 403, role
        for name in ("reports:report_detail", "reports:report_download"):
            assert client.get(reverse(name, args=[report.pk])).status_code == 404, (role, name)
        for name in ("reports:report_issue", "reports:report_rebuild", "reports:report_delete",
                     "reports:report_return"):
            assert client.post(reverse(name, args=[report.pk])).status_code == 404, (role, name)
        listed = client.get(reverse("reports:index"))
        if listed.status_code == 200:
            assert reverse("reports:report_detail", args=[report.pk]) not in \
                listed.content.decode(), role
    client = login(city["staff_b"])  # another district's staff
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
    # The administrator reads it and does nothing with it; the city cannot return it.
    admin = login(cast["admin"])
    assert admin.get(reverse("reports:report_detail", args=[report.pk])).status_code == 200
    assert admin.post(reverse("reports:report_issue", args=[report.pk])).status_code == 403
    officer = login(cast["city"])
    assert officer.get(reverse("reports:report_return", args=[report.pk])).status_code == 404
    assert reverse("reports:report_detail", args=[report.pk]) in officer.get(
        reverse("reports:index")).content.decode()
    assert reverse("reports:report_detail", args=[report.pk]) in officer.get(
        reverse("reports:city"), {"year": 2018}).content.decode()


@pytest.mark.slow  # WeasyPrint
def test_a_districts_pdf_names_its_own_district(city, cast):
    staff = make_user("canbo.thunghiem", Role.STAFF, district=city["nothing"])
    report = built(Report.objects.create(year=2018, district=city["nothing"],
                                         requested_by=staff))
    flat = " ".join(pdf_text(report).split())
    assert "UBND HUYỆN THỬ NGHIỆM" in flat
    assert "Thử Nghiệm, ngày" in flat
    assert "UBND huyện Thử Nghiệm (để báo cáo)" in flat
    assert "20/KH-UBND" not in flat and "901/KH-UBND" in flat
    assert "Mê Linh" not in flat
