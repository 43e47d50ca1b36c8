"""Reports sent to the city (docs/KPI.md, "Reports sent to the city"): issuing a district's
report submits it; the city returns it with a reason; the district issues again; the city's page
shows who submitted, who was returned and who is late."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Commune, District, Role
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.jobs import JobStatus
from reports import kpis, services
from reports.models import Plan, Report
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Số cơ sở áp dụng SXSH chưa khớp với danh sách kèm theo."


def new_district(code: str, name: str) -> District:
    district = District.objects.create(code=code, name=name)
    Commune.objects.create(code=f"{code}01", name=f"{name} Một", district=district)
    return district


@pytest.fixture
def melinh(db) -> District:
    return District.objects.get(code="250")


@pytest.fixture
def other(melinh) -> District:
    return new_district("901", "Thử Nghiệm")


@pytest.fixture
def people(melinh, other):
    return {
        "staff": make_user("canbo.melinh", Role.STAFF, district=melinh, email="cb@melinh.vn"),
        "leader": make_user("lanhdao.melinh", Role.LEADER, district=melinh),
        "other_staff": make_user("canbo.khac", Role.STAFF, district=other),
        "city": make_user("soct", Role.CITY),
    }


def issued(staff, district: District, year: int = 2018, snapshot=None) -> Report:
    """A built report of the whole district, issued by `staff` (the submission)."""
    report = Report.objects.create(
        year=year, district=district, status=JobStatus.DONE, requested_by=staff,
        snapshot=snapshot or {"kpi": kpis.overview(year, kpis.Scope(
            district_id=district.pk)).figures.as_json()})
    services.report_issue(user=staff, report=report)
    report.refresh_from_db()
    return report


def city_rows(client, year: int = 2018) -> dict[str, tuple[str, bool]]:
    """{district code: (state, late)} as the city's page shows them."""
    response = client.get(reverse("reports:city"), {"year": year})
    assert response.status_code == 200
    return {row.district.code: (row.state, row.late) for row in response.context["rows"]}


def give_back(client, report: Report, reason: str = REASON):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("reports:report_return", args=[report.pk]),
                           {"reason": reason})


def test_issue_return_and_issue_again(people, melinh, other, login, mailoutbox):
    """Acceptance 1 (part): Mê Linh issues 2018, the city sees it submitted and returns it with
    a reason, Mê Linh's staff see the reason, issue again, and the city sees it submitted."""
    first = issued(people["staff"], melinh)
    client = login(people["city"])
    # Today is long after 15 December 2018: the district that sent nothing is late.
    assert city_rows(client) == {"250": ("submitted", False), "901": ("missing", True)}
    page = client.get(reverse("reports:city"), {"year": 2018}).content.decode()
    assert reverse("reports:report_detail", args=[first.pk]) in page

    confirm = client.get(reverse("reports:report_return", args=[first.pk]))
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    assert not Report.objects.get(pk=first.pk).is_returned

    response = give_back(client, first)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_returned and first.returned_by == people["city"]
    assert first.return_reason == REASON
    assert first.is_issued and first.snapshot  # still issued and frozen
    assert city_rows(client)["250"] == ("returned", True)
    assert REASON[:40] in client.get(reverse("reports:city"), {"year": 2018}).content.decode()
    # The one who issued it is told, with the reason.
    assert len(mailoutbox) == 1 and REASON in mailoutbox[0].body
    assert mailoutbox[0].to == ["cb@melinh.vn"]

    staff = login(people["staff"])
    detail = staff.get(reverse("reports:report_detail", args=[first.pk])).content.decode()
    assert "report-returned" in detail and REASON in detail and "Soct" in detail
    listing = staff.get(reverse("reports:index")).content.decode()
    assert "bị Thành phố trả lại" in listing

    second = issued(people["staff"], melinh)
    assert city_rows(login(people["city"]))["250"] == ("submitted", False)
    rows = login(people["city"]).get(reverse("reports:city"), {"year": 2018}).context["rows"]
    assert rows[0].report == second


def test_the_city_sees_frozen_figures_beside_live_ones(people, melinh, login):
    snapshot = {"kpi": kpis.overview(2018, kpis.Scope(district_id=melinh.pk)).figures.as_json()}
    snapshot["kpi"]["aware"]["current"] += 2
    report = issued(people["staff"], melinh, snapshot=snapshot)
    response = login(people["city"]).get(reverse("reports:report_detail", args=[report.pk]))
    rows = {str(row.label): row for row in response.context["compared"]}
    aware = rows["Cơ sở nhận thức về SXSH"]
    assert aware.frozen - aware.live == 2 and aware.difference == -2
    assert rows["Cơ sở đang hoạt động"].difference == 0
    assert "Chênh lệch" in response.content.decode()
    assert "report-return" in response.content.decode()
    # The district's own staff see their report as today, without the comparison.
    staff_page = login(people["staff"]).get(reverse("reports:report_detail", args=[report.pk]))
    assert staff_page.context["compared"] == [] and "report-return" not in (
        staff_page.content.decode())


@pytest.mark.parametrize("who", ["staff", "leader", "other_staff"])
def test_district_people_may_not_see_the_city_page_nor_return(people, melinh, login, who):
    report = issued(people["staff"], melinh)
    client = login(people[who])
    assert client.get(reverse("reports:city")).status_code == 403
    expected = 404 if who == "other_staff" else 403
    assert client.get(reverse("reports:report_return", args=[report.pk])).status_code == expected
    assert give_back(client, report).status_code == expected
    assert not Report.objects.get(pk=report.pk).is_returned


def test_another_districts_staff_get_404_on_the_report(people, melinh, login):
    report = issued(people["staff"], melinh)
    client = login(people["other_staff"])
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404


def test_a_report_is_returned_once(people, melinh, login):
    report = issued(people["staff"], melinh)
    services.report_return(user=people["city"], report=report, reason=REASON)
    # A second officer's page was opened before the first return: refused, nothing changes.
    with pytest.raises(DomainError):
        services.report_return(user=people["city"], report=report, reason="Lý do thứ hai khác.")
    report.refresh_from_db()
    assert report.return_reason == REASON
    response = login(people["city"]).post(
        reverse("reports:report_return", args=[report.pk]), {"reason": "Lý do thứ hai khác."},
        follow=True)
    assert "Chỉ trả lại được báo cáo toàn huyện đã ban hành" in response.content.decode()


def test_only_an_issued_district_report_is_returned(people, melinh, login):
    draft = Report.objects.create(year=2018, district=melinh, status=JobStatus.DONE,
                                  requested_by=people["staff"])
    with pytest.raises(DomainError):
        services.report_return(user=people["city"], report=draft, reason=REASON)
    commune = Report.objects.create(year=2018, district=melinh, status=JobStatus.DONE,
                                    commune=melinh.communes.first(), requested_by=people["staff"])
    services.report_issue(user=people["staff"], report=commune)
    with pytest.raises(DomainError):
        services.report_return(user=people["city"], report=commune, reason=REASON)
    assert not Report.objects.filter(returned_at__isnull=False).exists()


def test_a_short_reason_is_refused_naming_the_field(people, melinh, login):
    report = issued(people["staff"], melinh)
    with pytest.raises(DomainError) as refused:
        services.report_return(user=people["city"], report=report, reason="  sai số   ")
    assert refused.value.field == "reason"
    response = login(people["city"]).post(reverse("reports:report_return", args=[report.pk]),
                                          {"reason": "sai"})
    assert response.status_code == 200
    assert "Lý do trả lại: cần viết ít nhất 10 ký tự." in response.content.decode()
    assert not Report.objects.get(pk=report.pk).is_returned


def test_late_after_the_deadline_and_not_before(people, melinh, other, login):
    """Not submitted, or returned and not submitted again: late only after 15 December, or the
    city plan's own deadline."""
    returned = issued(people["staff"], melinh)
    services.report_return(user=people["city"], report=returned, reason=REASON)
    client = login(people["city"])
    with time_machine.travel(datetime(2018, 12, 15, 23, 0, tzinfo=HANOI), tick=False):
        assert city_rows(client) == {"250": ("returned", False), "901": ("missing", False)}
    with time_machine.travel(datetime(2018, 12, 16, 8, 0, tzinfo=HANOI), tick=False):
        assert city_rows(client) == {"250": ("returned", True), "901": ("missing", True)}
        issued(people["other_staff"], other)  # late, but submitted
        assert city_rows(client) == {"250": ("returned", True), "901": ("submitted", False)}
    Plan.objects.create(district=None, code="1048/KH-SCT", title="Kế hoạch", year=2018,
                        baseline_year=2017, signed_on=date(2018, 3, 1),
                        report_due=date(2018, 11, 30))
    with time_machine.travel(datetime(2018, 12, 1, 8, 0, tzinfo=HANOI), tick=False):
        response = client.get(reverse("reports:city"), {"year": 2018})
        assert response.context["due"] == date(2018, 11, 30)
        assert city_rows(client)["250"] == ("returned", True)
        assert "30/11/2018" in response.content.decode()


def test_the_city_page_lists_the_districts_that_existed_in_the_year(people, login):
    gone = new_district("902", "Đã Nhập")
    gone.last_year = 2017
    gone.save()
    assert "902" not in city_rows(login(people["city"]))
    assert "902" in city_rows(login(people["city"]), 2017)


def test_the_city_pages_queries_do_not_grow_with_the_districts(people, melinh, other, login):
    client = login(people["city"])
    issued(people["staff"], melinh)
    client.get(reverse("reports:city"))  # the session and the caches, once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:city"), {"year": 2018}).status_code == 200
        return len(queries)

    one_submitted = count()
    for code in ("903", "904"):
        district = new_district(code, f"Huyện {code}")
        staff = make_user(f"canbo.{code}", Role.STAFF, district=district)
        report = issued(staff, district)
        services.report_return(user=people["city"], report=report, reason=REASON)
    assert count() == one_submitted <= 8


def test_a_built_report_is_submitted_by_issuing_it(people, melinh, login):
    """Through the page's own services: asked for, built by the worker, issued."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(user=people["staff"], year=2018, format="xlsx")
    report.refresh_from_db()
    assert report.status == JobStatus.DONE and not report.is_submission
    services.report_issue(user=people["staff"], report=report)
    report.refresh_from_db()
    assert report.is_submission
    response = login(people["city"]).get(reverse("reports:report_detail", args=[report.pk]))
    assert [row.difference for row in response.context["compared"]] == [0] * 6



def test_the_city_page_counts_each_state(people, melinh, other, login):
    """The line above the table counts what the rows show: one district submitted, one
    returned, and the others (the city's every district that existed in 2018) not yet."""
    third = new_district("902", "Thứ Ba")
    issued(people["staff"], melinh)
    give_back(login(people["city"]), issued(make_user("canbo.ba", Role.STAFF, district=third),
                                             third))
    with time_machine.travel(datetime(2019, 1, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        page = login(people["city"]).get(reverse("reports:city"), {"year": 2018})
    missing = len(page.context["rows"]) - 2
    assert page.context["counts"] == {"submitted": 1, "returned": 1, "missing": missing,
                                      "late": missing + 1}
    assert (f"Đã gửi: 1 · bị trả lại: 1 · chưa gửi: {missing} · quá hạn: {missing + 1}"
            in page.content.decode())
