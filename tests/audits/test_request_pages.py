"""The staff's side of data requests: a new request asks the facilities chosen; a request's page
counts its answers by commune, each figure a link to its facilities; a submitted form is read
beside the facility's other figures and accepted or returned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import DataRequest, EnergyCarrier, EnergyRecord, Submission
from audits.submissions import request_create, submission_fill, submission_submit
from facilities.models import FacilityYearStatus, Sector, Stage
from tests.audits.conftest import make_facility, make_record

pytestmark = pytest.mark.django_db


def submitted(staff, submission, output="100", kwh="5000"):
    elec = EnergyCarrier.objects.get(code="ELEC")
    submission = submission_fill(
        user=staff, submission_id=submission.pk, expected_version=submission.version,
        data={"output": Decimal(output), "product_unit": "tấn", "lines": {elec.pk: kwh}})
    return submission_submit(user=staff, submission_id=submission.pk,
                             expected_version=submission.version)


def test_a_new_request_asks_the_facilities_chosen(login, staff, commune_a, commune_b):
    with_record = make_facility(commune_a, "0109000001")
    make_record(with_record, 2018, "10", {"ELEC": "100"})
    without = make_facility(commune_a, "0109000002")
    make_facility(commune_a, "0109000003", last_year=2016)  # closed before 2018
    make_facility(commune_b, "0109000004")
    deadline = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    response = login(staff).post(reverse("audits:request_create"), {
        "title": "Số liệu năm 2018", "year": "2018", "deadline": deadline,
        "asks_energy": "on", "commune": commune_a.pk, "without_record": "on"}, follow=True)
    request = DataRequest.objects.get()
    assert [s.facility for s in request.submissions.all()] == [without]
    assert "Đã gửi yêu cầu đến 1 cơ sở" in response.content.decode()
    # Nothing matches (no facility of commune B in sector 10): said, and nothing is created.
    response = login(staff).post(reverse("audits:request_create"), {
        "title": "x", "year": "2018", "deadline": deadline, "commune": commune_b.pk,
        "sector": Sector.objects.get(code="10").pk})
    assert "Hãy chọn ít nhất một cơ sở" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_a_request_can_ask_the_facilities_at_a_stage_in_the_year(login, staff, commune_a):
    """The stage in the year as things stand: that year's status, or the latest earlier one."""
    applying_2018 = make_facility(commune_a, "0109000011")
    applying_2017 = make_facility(commune_a, "0109000012")
    lowered = make_facility(commune_a, "0109000013")
    make_facility(commune_a, "0109000014")  # no status at all
    FacilityYearStatus.objects.bulk_create([
        FacilityYearStatus(facility=applying_2018, year=2018, stage=Stage.APPLYING),
        FacilityYearStatus(facility=applying_2017, year=2017, stage=Stage.APPLYING),
        FacilityYearStatus(facility=lowered, year=2017, stage=Stage.APPLYING),
        FacilityYearStatus(facility=lowered, year=2018, stage=Stage.AWARE),
        FacilityYearStatus(facility=applying_2018, year=2019, stage=Stage.AWARE),
    ])
    deadline = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    login(staff).post(reverse("audits:request_create"), {
        "title": "Cơ sở đang áp dụng", "year": "2018", "deadline": deadline,
        "asks_energy": "on", "stage": str(Stage.APPLYING)})
    asked = {s.facility for s in DataRequest.objects.get().submissions.all()}
    assert asked == {applying_2018, applying_2017}


def test_the_completeness_counts_by_commune_and_each_figure_lists_its_facilities(
    login, staff, official_a, commune_a, commune_b
):
    facilities = [make_facility(commune_a, f"010900000{n}") for n in range(1, 4)]
    other = make_facility(commune_b, "0109000009")
    request = request_create(user=staff, year=2018, title="Số liệu 2018",
                             deadline=timezone.localdate() + timedelta(days=5),
                             facilities=[*facilities, other])
    submitted(staff, request.submissions.get(facility=facilities[0]))
    DataRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    page = login(staff).get(reverse("audits:request_detail", args=[request.pk]))
    lines = {(line.commune.code if line.commune else None): line
             for line in page.context["lines"]}
    a, b, total = lines[commune_a.code], lines[commune_b.code], lines[None]
    assert (a.asked, a.submitted, a.overdue, b.asked, b.overdue) == (3, 1, 2, 1, 1)
    assert (total.asked, total.submitted, total.overdue) == (4, 1, 3)
    listed = login(staff).get(reverse("audits:request_detail", args=[request.pk]),
                              {"commune": commune_a.code, "overdue": "1"})
    assert [s.facility for s in listed.context["page"].object_list] == facilities[1:]
    # A commune official counts and lists only their commune's facilities.
    page = login(official_a).get(reverse("audits:request_detail", args=[request.pk]))
    assert [line.asked for line in page.context["lines"]] == [3, 3]
    assert other.name not in page.content.decode()


def test_staff_accept_or_return_and_the_commune_official_reads(
    login, staff, official_a, commune_a
):
    facility = make_facility(commune_a, "0109000001")
    make_record(facility, 2017, "100", {"ELEC": "6000"}, baseline=True)
    request = request_create(user=staff, year=2018, title="Số liệu 2018",
                             deadline=timezone.localdate() + timedelta(days=5),
                             facilities=[facility])
    submission = submitted(staff, request.submissions.get())
    url = reverse("audits:submission_review", args=[submission.pk])
    page = login(official_a).get(url).content.decode()
    assert "2017, đã ghi nhận" in page and "2018, cơ sở gửi" in page
    assert 'name="accept"' not in page
    assert login(official_a).post(url, {"accept": ""}).status_code == 403
    response = login(staff).post(url, {"return": "", "reason": " "}, follow=True)
    assert "Hãy ghi rõ cơ sở cần sửa" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).state == "submitted"
    login(staff).post(url, {"accept": ""})
    assert Submission.objects.get(pk=submission.pk).state == "accepted"
    record = EnergyRecord.objects.get(facility=facility, year=2018)
    assert record.is_verified and record.output == Decimal("100")


def test_a_verified_record_is_replaced_only_when_the_reviewer_chooses(login, staff, commune_a):
    facility = make_facility(commune_a, "0109000001")
    stored = make_record(facility, 2018, "80", {"ELEC": "4000"},
                         verified_by=staff, verified_at=timezone.now())
    request = request_create(user=staff, year=2018, title="Số liệu 2018",
                             deadline=timezone.localdate() + timedelta(days=5),
                             facilities=[facility])
    submission = submitted(staff, request.submissions.get())
    url = reverse("audits:submission_review", args=[submission.pk])
    client = login(staff)
    page = client.get(url).content.decode()
    assert "2018, đã có trong hệ thống" in page and 'name="replace"' in page
    response = client.post(url, {"accept": ""}, follow=True)
    assert "Hãy chọn có thay" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).state == "submitted"
    client.post(url, {"accept": "", "replace": "yes"})
    stored.refresh_from_db()
    assert stored.output == Decimal("100") and stored.is_verified
