"""The year's energy-data completeness (docs/KPI.md, "Energy-data completeness"): the request's
page, the dashboard and the PDF state the same X/Y, each figure a link to its facilities; a
commune official sees their commune's figure and overdue facilities; a year is locked while
forms wait for review only when staff confirm."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audits.models import DataRequest, Submission
from audits.submissions import request_create, submission_accept, submission_return
from facilities.locking import LockNeedsConfirmation, year_lock
from facilities.models import YearLock, YearLockEvent
from reports import kpis
from reports.models import Report
from tests.audits.conftest import make_facility
from tests.audits.test_request_pages import submitted

pytestmark = pytest.mark.django_db

SENTENCE = "số liệu năng lượng: {}/{} cơ sở đã cung cấp và được xác nhận"


def asked_in_2018(staff, facilities, states, *, late: bool = True) -> DataRequest:
    """A 2018 request of `facilities`, each brought to its state in `states`; past its
    deadline when `late`."""
    request = request_create(user=staff, year=2018, title="Số liệu năng lượng 2018",
                             deadline=timezone.localdate() + timedelta(days=5),
                             facilities=facilities)
    for facility, state in zip(facilities, states, strict=True):
        submission = request.submissions.get(facility=facility)
        if state in ("submitted", "returned", "accepted"):
            submission = submitted(staff, submission)
        if state == "returned":
            submission_return(user=staff, submission_id=submission.pk, reason="Thiếu hóa đơn")
        if state == "accepted":
            submission_accept(user=staff, submission_id=submission.pk)
    if late:
        DataRequest.objects.filter(pk=request.pk).update(
            deadline=timezone.localdate() - timedelta(days=1))
    return request


@pytest.fixture
def world(staff, commune_a, commune_b):
    """Commune A: accepted, accepted, submitted, returned, requested; commune B: accepted,
    draft-less requested, submitted. 3/8 accepted in the district, 2/5 in A, 1/3 in B."""
    in_a = [make_facility(commune_a, f"01090000{n:02}") for n in range(1, 6)]
    in_b = [make_facility(commune_b, f"01090001{n:02}") for n in range(1, 4)]
    request = asked_in_2018(
        staff, [*in_a, *in_b],
        ["accepted", "accepted", "submitted", "returned", "requested",
         "accepted", "requested", "submitted"])
    return request, in_a, in_b


def figure_links(body: str) -> dict[str, tuple[int, str]]:
    """The dashboard's completeness figures: name -> (number shown, address of its list)."""
    found = re.findall(
        r'<a class="kpi-link" data-count="(\d+)" data-figure="(data_\w+)" href="([^"]+)">', body)
    return {name: (int(count), href.replace("&amp;", "&")) for count, name, href in found}


def listed(client, href: str) -> set[str]:
    response = client.get(href)
    assert response.status_code == 200
    return {facility.tax_code for facility, _ratio in response.context["rows"]}


def pdf_text(report: Report) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def build_pdf(client, **data) -> Report:
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:index"), {"format": "pdf", "year": 2018, **data})
    report = Report.objects.latest("id")
    report.refresh_from_db()
    assert report.status == "done", report.message
    return report


def test_the_page_the_dashboard_and_the_pdf_state_the_same_figure(login, staff, world):
    request, in_a, in_b = world
    client = login(staff)
    page = client.get(reverse("audits:request_detail", args=[request.pk]))
    total = page.context["lines"][-1]
    assert total.commune is None and (total.accepted, total.asked) == (3, 8)

    body = client.get("/", {"year": 2018}).content.decode()
    links = figure_links(body)
    assert (links["data_accepted"][0], links["data_asked"][0]) == (3, 8)
    assert "Số liệu năng lượng: " in body and "cơ sở đã cung cấp và được xác nhận" in body
    # Each figure opens the list of exactly the facilities it counts, as the request page does.
    accepted = {f.tax_code for f in (in_a[0], in_a[1], in_b[0])}
    assert listed(client, links["data_accepted"][1]) == accepted
    assert listed(client, links["data_asked"][1]) == {f.tax_code for f in [*in_a, *in_b]}
    on_page = client.get(reverse("audits:request_detail", args=[request.pk]),
                         {"state": "accepted"}).context["page"].object_list
    assert {s.facility.tax_code for s in on_page} == accepted

    report = build_pdf(client)
    assert SENTENCE.format(3, 8) in pdf_text(report)
    assert report.snapshot["completeness"] == {"year": 2018, "requests": 1, "asked": 8,
                                               "accepted": 3}


def test_an_issued_report_keeps_the_figure_it_printed(login, staff, world):
    request, in_a, _in_b = world
    client = login(staff)
    report = build_pdf(client, commune=in_a[0].commune_id)
    assert SENTENCE.format(2, 5) in pdf_text(report)
    client.post(reverse("reports:report_issue", args=[report.pk]))
    snapshot = Report.objects.get(pk=report.pk).snapshot
    # A form accepted afterwards changes the figure, not the issued report.
    waiting = request.submissions.get(facility=in_a[2])
    submission_accept(user=staff, submission_id=waiting.pk)
    assert kpis.overview(2018, kpis.Scope(in_a[0].commune_id)).completeness.accepted == 3
    download = client.get(reverse("reports:report_download", args=[report.pk]))
    reader = PdfReader(BytesIO(b"".join(download.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert SENTENCE.format(2, 5) in text
    assert Report.objects.get(pk=report.pk).snapshot == snapshot
    assert snapshot["completeness"]["accepted"] == 2


def test_a_commune_official_sees_their_communes_figure_and_overdue_facilities(
    login, official_a, world
):
    request, in_a, in_b = world
    client = login(official_a)
    response = client.get("/", {"year": 2018, "commune": in_b[0].commune.code})
    body = response.content.decode()
    links = figure_links(body)
    assert (links["data_accepted"][0], links["data_asked"][0]) == (2, 5)
    assert listed(client, links["data_asked"][1]) == {f.tax_code for f in in_a}
    page = client.get(reverse("audits:request_detail", args=[request.pk]))
    assert (page.context["lines"][-1].accepted, page.context["lines"][-1].asked) == (2, 5)
    # Overdue: open past the deadline (returned, requested), each a link to its form.
    overdue = response.context["overdue"]
    assert [s.facility for s in overdue] == [in_a[3], in_a[4]]
    for submission in overdue:
        url = reverse("audits:submission_review", args=[submission.pk])
        assert f'href="{url}"' in body
        assert client.get(url).status_code == 200
    assert in_b[1].name not in body


def test_a_facility_asked_twice_counts_once(staff, commune_a):
    first, second, third = (make_facility(commune_a, f"010900000{n}") for n in (1, 2, 3))
    asked_in_2018(staff, [first, second], ["requested", "accepted"])
    asked_in_2018(staff, [first, third], ["accepted", "requested"])
    figure = kpis.overview(2018).completeness
    assert (figure.requests, figure.accepted, figure.asked) == (2, 2, 3)
    members = kpis.members_of("data_accepted", year=2018)
    assert members.ids == sorted([first.pk, second.pk])


def test_no_request_is_said_not_counted(login, staff, leader, commune_a):
    make_facility(commune_a, "0109000001")
    for user in (staff, leader):
        response = login(user).get("/", {"year": 2018})
        body = response.content.decode()
        assert response.context["completeness"].requests == 0
        assert "Chưa có cơ sở nào được yêu cầu cung cấp số liệu năng lượng năm 2018" in body
        assert 'data-figure="data_asked"' not in body


def test_the_dashboard_queries_do_not_grow_with_the_submissions(
    login, staff, official_a, commune_a, django_assert_max_num_queries
):
    counted = []
    for n in (2, 30):
        DataRequest.objects.all().delete()
        facilities = [make_facility(commune_a, f"0109{n:02}{k:04}") for k in range(n)]
        asked_in_2018(staff, facilities, ["requested"] * (n - 1) + ["accepted"])
        for user in (staff, official_a):
            client = login(user)
            with django_assert_max_num_queries(40) as queries:
                response = client.get("/", {"year": 2018, "commune": commune_a.code})
            assert response.context["completeness"].accepted == 1
            assert len(response.context["overdue"]) == n - 1
            counted.append(len(queries.captured_queries))
    few, many = counted[:2], counted[2:]
    assert many == few


def test_a_year_with_forms_waiting_is_locked_only_when_confirmed(login, staff, world):
    request, _in_a, _in_b = world
    with pytest.raises(LockNeedsConfirmation) as refused:
        year_lock(user=staff, year=2018, note="Đã ban hành")
    assert refused.value.count == 2
    assert "2 bản số liệu năm 2018 đang chờ xem xét" in refused.value.message
    assert not YearLock.objects.exists()

    client = login(staff)
    response = client.post(reverse("reports:locks"), {"year": 2018, "note": "Đã ban hành"})
    body = response.content.decode()
    assert response.status_code == 200 and not YearLock.objects.exists()
    assert "2 bản số liệu năm 2018 đang chờ xem xét" in body
    review = reverse("audits:request_detail", args=[request.pk]) + "?state=submitted"
    assert f'href="{review}"' in body
    assert "Khóa dù còn 2 bản chờ xem xét" in body
    assert 'type="checkbox" name="confirm"' in body

    response = client.post(reverse("reports:locks"),
                           {"year": 2018, "note": "Đã ban hành", "confirm": "on"}, follow=True)
    assert YearLock.objects.filter(year=2018).exists()
    event = YearLockEvent.objects.get(year=2018)
    assert (event.action, event.waiting, event.note) == ("lock", 2, "Đã ban hành")
    assert "khóa dù còn 2 bản chờ xem xét" in response.content.decode()


def test_a_year_without_forms_waiting_locks_at_once(staff, commune_a):
    facility = make_facility(commune_a, "0109000001")
    asked_in_2018(staff, [facility], ["accepted"])
    year_lock(user=staff, year=2018)
    assert YearLockEvent.objects.get(year=2018).waiting == 0
    assert Submission.objects.get().state == "accepted"
