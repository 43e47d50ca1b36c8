"""Demonstration models move one step at a time; the budget page's totals; units' tasks."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Unit
from campaigns.models import Campaign, DemonstrationModel, FundingLine, FundingSource
from reports.models import Plan, PlanTask, TaskReport
from tests.factories import FacilityFactory, district_create

pytestmark = pytest.mark.django_db
S = DemonstrationModel.Status


@pytest.fixture
def model(staff):
    from campaigns.services import model_create

    return model_create(user=staff, data={"title": "Lò hơi sinh khối", "host": FacilityFactory(),
                                          "technology": "Lò hơi", "year": 2018})


def move(client, model, to, reason=""):
    return client.post(reverse("campaigns:model_move", args=[model.pk]),
                       {"to_status": to, "reason": reason}, follow=True)


def test_a_model_cannot_jump_from_proposed_to_completed(login, cast, model):
    client = login(cast["staff"])
    response = move(client, model, S.COMPLETED)
    assert "chỉ chuyển từng bước" in response.content.decode()
    model.refresh_from_db()
    assert model.status == S.PROPOSED


def test_every_move_is_in_the_log(login, cast, model):
    client = login(cast["staff"])
    for status in (S.APPROVED, S.IN_PROGRESS, S.COMPLETED):
        move(client, model, status)
    response = move(client, model, S.IN_PROGRESS)  # back without a reason
    assert "cần ghi lý do" in response.content.decode()
    move(client, model, S.IN_PROGRESS, "Chưa đạt công suất thiết kế")
    model.refresh_from_db()
    assert model.status == S.IN_PROGRESS
    log = list(model.transitions.values_list("from_status", "to_status", "moved_by__username",
                                             "reason"))
    assert log == [
        ("", S.PROPOSED, "staff", "Đề xuất"),
        (S.PROPOSED, S.APPROVED, "staff", ""),
        (S.APPROVED, S.IN_PROGRESS, "staff", ""),
        (S.IN_PROGRESS, S.COMPLETED, "staff", ""),
        (S.COMPLETED, S.IN_PROGRESS, "staff", "Chưa đạt công suất thiết kế"),
    ]
    page = client.get(reverse("campaigns:model_detail", args=[model.pk])).content.decode()
    assert "Chưa đạt công suất thiết kế" in page


@pytest.mark.parametrize("role", ["unit", "leader", "official_a"])
def test_only_staff_move_models(login, cast, model, role):
    response = login(cast[role]).post(reverse("campaigns:model_move", args=[model.pk]),
                                      {"to_status": S.APPROVED})
    assert response.status_code == 403
    model.refresh_from_db()
    assert model.status == S.PROPOSED
    assert login(cast[role]).get(reverse("campaigns:model_detail",
                                         args=[model.pk])).status_code == 200


def test_a_forged_status_is_refused(login, cast, model):
    response = move(login(cast["staff"]), model, "launched")
    assert response.status_code == 200
    model.refresh_from_db()
    assert model.status == S.PROPOSED


def make_line(source, year, planned, spent, owner):
    return FundingLine.objects.create(source=FundingSource.objects.get(code=source), year=year,
                                      planned_vnd=planned, spent_vnd=spent, **owner)


def test_budget_totals_equal_the_lines_by_source_and_year(login, cast, model):
    unit = Unit.objects.get(code="KINH_TE")
    a = district_create(Campaign, kind="leaflets", title="A", lead_unit=unit,
                        starts_on=date(2018, 1, 1))
    b = district_create(Campaign, kind="radio", title="B", lead_unit=unit,
                        starts_on=date(2018, 2, 1))
    make_line("KHUYEN_CONG", 2018, 45_000_000, 42_500_000, {"campaign": a})
    make_line("KHUYEN_CONG", 2018, 300_000_000, 300_000_000, {"model": model})
    make_line("NS_HUYEN", 2018, 15_000_000, 14_200_000, {"campaign": b})
    make_line("NS_HUYEN", 2017, 12_000_000, 11_600_000, {"campaign": b})
    response = login(cast["leader"]).get(reverse("reports:budget"), {"year": 2018})
    funding = response.context["funding"]
    rows = {row.source_code: row for row in funding.rows}
    assert (rows["KHUYEN_CONG"].planned_vnd, rows["KHUYEN_CONG"].spent_vnd) == (
        345_000_000, 342_500_000)
    assert rows["KHUYEN_CONG"].rest_vnd == 2_500_000
    assert (rows["NS_HUYEN"].planned_vnd, rows["NS_HUYEN"].spent_vnd) == (15_000_000, 14_200_000)
    assert rows["KHCN"].planned_vnd == 0
    assert (funding.planned_vnd, funding.spent_vnd, funding.rest_vnd) == (
        360_000_000, 356_700_000, 3_300_000)
    body = response.content.decode()
    assert "345.000.000" in body and "356.700.000" in body
    drill = login(cast["leader"]).get(reverse("reports:budget_lines"),
                                      {"year": 2018, "source": "KHUYEN_CONG"})
    assert [line.planned_vnd for line in drill.context["page"].object_list] == [
        45_000_000, 300_000_000]
    assert login(cast["leader"]).get(reverse("reports:budget_lines"),
                                     {"source": "NOPE"}).status_code == 404


def test_budget_page_permissions(login, cast):
    assert login(cast["official_a"]).get(reverse("reports:budget")).status_code == 403
    assert login(cast["unit"]).get(reverse("reports:budget")).status_code == 200


def test_spent_more_than_planned_is_refused(login, cast):
    unit = Unit.objects.get(code="KINH_TE")
    campaign = district_create(Campaign, kind="leaflets", title="A", lead_unit=unit,
                               starts_on=date(2018, 1, 1))
    response = login(cast["staff"]).post(reverse("campaigns:funding_add", args=[campaign.pk]), {
        "source": FundingSource.objects.get(code="NS_HUYEN").pk, "year": 2018,
        "planned_vnd": "1000", "spent_vnd": "2000"}, follow=True)
    assert "lớn hơn dự toán" in response.content.decode()
    assert not FundingLine.objects.exists()


@pytest.fixture
def plan():
    plan = district_create(Plan, code="108/KH-UBND", title="Kế hoạch", year=2018,
                           baseline_year=2017, signed_on=date(2018, 3, 28))
    for unit in Unit.objects.all():
        PlanTask.objects.create(plan=plan, unit=unit, duty=f"Nhiệm vụ của {unit.name}")
    return plan


def test_units_report_progress_and_staff_see_who_reported(login, cast, plan):
    task = plan.tasks.get(unit__code="TT_VHTT")
    client = login(cast["unit"])
    response = client.post(reverse("reports:task_detail", args=[task.pk]), {
        "reported_on": "05/11/2018", "text": "Phát 20 tin bài.", "status": "in_progress",
        "version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress"
    other = plan.tasks.get(unit__code="KINH_TE")
    assert client.post(reverse("reports:task_detail", args=[other.pk]), {
        "reported_on": "2018-11-05", "text": "x", "status": "done",
        "version": other.version}).status_code == 403
    overview = login(cast["staff"]).get(reverse("reports:tasks"),
                                        {"qyear": 2018, "quarter": 4})
    reported = {t.unit.code: t.reported for t in overview.context["tasks"]}
    assert reported["TT_VHTT"] is True and reported["KINH_TE"] is False
    q3 = login(cast["staff"]).get(reverse("reports:tasks"), {"qyear": 2018, "quarter": 3})
    assert not any(t.reported for t in q3.context["tasks"])
    assert TaskReport.objects.count() == 1


def test_future_report_and_bad_attachment_are_refused(login, cast, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = plan.tasks.get(unit__code="TT_VHTT")
    client = login(cast["unit"])
    response = client.post(reverse("reports:task_detail", args=[task.pk]), {
        "reported_on": "01/01/2999", "text": "x", "status": "done", "version": task.version})
    assert "không được ở tương lai" in response.content.decode()
    response = client.post(reverse("reports:task_detail", args=[task.pk]), {
        "reported_on": "2018-11-05", "text": "x", "status": "done", "version": task.version,
        "attachment": SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf")})
    assert "không được chấp nhận" in response.content.decode()
    assert TaskReport.objects.count() == 0


def test_list_sums_are_not_multiplied_by_attendance(login, cast):
    from campaigns.models import Attendance

    unit = Unit.objects.get(code="KINH_TE")
    campaign = district_create(Campaign, kind="workshop", title="Hội thảo", lead_unit=unit,
                               starts_on=date(2018, 8, 22))
    for _ in range(3):
        Attendance.objects.create(campaign=campaign, facility=FacilityFactory())
    make_line("MOI_TRUONG", 2018, 30_000_000, 27_800_000, {"campaign": campaign})
    make_line("NS_HUYEN", 2018, 5_000_000, 1_000_000, {"campaign": campaign})
    row = login(cast["staff"]).get(reverse("campaigns:index")).context["page"].object_list[0]
    assert (row.facility_count, row.spent) == (3, 28_800_000)


def test_model_links_host_measures_and_shows_the_measured_result(login, cast, staff):
    """Host SEC 2017 = 100 (coal 200 t × 0,5 TOE, 1.000 t), 2018 = 88 (176 t): saving 12 %,
    energy saved (100 - 88) × 1000 / 1000 = 12 TOE."""
    from campaigns.selectors import model_result
    from campaigns.services import model_create, model_update
    from tests.audits.conftest import make_measure, make_record

    host, other = FacilityFactory(), FacilityFactory()
    make_record(host, 2017, "1000", {"COAL56": "200"}, baseline=True)
    make_record(host, 2018, "1000", {"COAL56": "176"})
    own = make_measure(host, implemented_on=date(2018, 3, 1))
    foreign = make_measure(other, implemented_on=date(2018, 3, 1))
    model = model_create(user=staff, data={"title": "Lò hơi", "host": host, "technology": "x",
                                           "year": 2018, "before_year": 2017,
                                           "after_year": 2018, "cp_measures": [own, foreign]})
    assert list(model.cp_measures.all()) == [own]
    result = model_result(model)
    assert result.ratio == Decimal("0.12") and result.saved_toe == Decimal("12")
    page = login(cast["leader"]).get(reverse("campaigns:model_detail", args=[model.pk]))
    assert "12,00%" in page.content.decode()
    response = login(cast["staff"]).post(reverse("campaigns:model_edit", args=[model.pk]), {
        "title": "Lò hơi", "host": host.pk, "technology": "x", "year": 2018,
        "before_year": 2017, "after_year": 2018, "cp_measures": [foreign.pk],
        "version": model.version})
    assert response.status_code == 200  # a measure of another facility is refused
    model_update(user=staff, model_id=model.pk, data={"cp_measures": []},
                 expected_version=model.version)
    assert not model.cp_measures.exists()


def test_a_model_hosted_in_another_commune_does_not_name_or_figure_its_host(login, cast, staff):
    """A model is the district's: every commune official reads it, but only the host's commune
    (and the district's departments) sees the host's name, its result and measures; its
    funding, only whom may see the budget (not commune officials)."""
    from campaigns.services import model_create
    from tests.audits.conftest import make_measure, make_record

    host = FacilityFactory(name="Công ty Gốm Chủ Trì", tax_code="0109999991",
                           commune=cast["official_a"].commune)
    make_record(host, 2017, "1000", {"COAL56": "200"}, baseline=True)
    make_record(host, 2018, "1000", {"COAL56": "176"})
    measure = make_measure(host, implemented_on=date(2018, 3, 1),
                           description="Bảo ôn đường ống hơi")
    model = model_create(user=staff, data={
        "title": "Lò hơi", "host": host, "technology": "x", "year": 2018, "before_year": 2017,
        "after_year": 2018, "cp_measures": [measure]})
    make_line("DOANH_NGHIEP", 2018, 480_000_000, 465_000_000, {"model": model})
    detail = reverse("campaigns:model_detail", args=[model.pk])
    figures = ("12,00%", "Bảo ôn đường ống hơi", "465.000.000")
    for name in ("official_a", "staff", "leader", "unit"):
        client = login(cast[name])
        page = client.get(detail).content.decode()
        assert host.name in page and reverse("facilities:detail", args=[host.pk]) in page, name
        assert all(figure in page for figure in figures[:2]), name
        assert ("465.000.000" in page) is (name != "official_a"), name
        assert host.name in client.get(reverse("campaigns:models")).content.decode(), name
    client = login(cast["official_b"])
    page = client.get(detail).content.decode()
    assert "Lò hơi" in page and "một cơ sở của Thị trấn Quang Minh" in page
    assert host.name not in page and reverse("facilities:detail", args=[host.pk]) not in page
    assert not any(figure in page for figure in figures)
    listing = client.get(reverse("campaigns:models")).content.decode()
    assert "một cơ sở của Thị trấn Quang Minh" in listing
    assert host.name not in listing and "465.000.000" not in listing
