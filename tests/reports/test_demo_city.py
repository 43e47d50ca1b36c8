"""`load_demo --city` (reports/demo_city.py): Mê Linh's demo as it is, plus Hà Nội's units, the
city's plan and three more districts with their facilities, plans and 2018 reports; once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Commune, District, Role, Unit, User
from audits.models import CPMeasure, EnergyRecord
from facilities.models import Facility, FacilityYearStatus
from reports import kpis
from reports.models import Plan, PlanTask, Report, Target
from reports.selectors import city_submissions

# Committed, with the in-process runner's threads: as under `make run`, each report is built by
# a thread as soon as the transaction that asked for it commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DEMO_DISTRICTS = {"250": "Mê Linh", "016": "Sóc Sơn", "017": "Đông Anh", "276": "Thạch Thất"}
COUNTED = (Facility, FacilityYearStatus, EnergyRecord, CPMeasure, User, District, Commune, Unit,
           Plan, Target, PlanTask, Report)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_city_demo_adds_three_districts_once_and_leaves_melinh_as_it_was(background_jobs):
    load()
    # Without the flag: Mê Linh alone, nothing of the city.
    assert list(District.objects.values_list("code", flat=True)) == ["250"]
    assert not User.objects.filter(role=Role.CITY).exists()
    assert not Plan.objects.filter(district__isnull=True).exists()
    melinh_before = kpis.kpis(year=2018).as_json()
    before = counts()

    out = load("--city")
    assert "soct.demo" in out and "canbo.socson" in out and "lanhdao.thachthat" in out
    districts = {d.code: d for d in District.objects.filter(code__in=DEMO_DISTRICTS)}
    assert {code: d.name for code, d in districts.items()} == DEMO_DISTRICTS
    assert District.objects.count() == 30  # the whole city's units, for the city's pages

    city = User.objects.get(username="soct.demo")
    assert (city.role, city.district_id) == (Role.CITY, None)
    assert city.email.endswith("@congthuong.hanoi.gov.vn") and city.check_password("MeLinh@2018")
    for code, slug in (("016", "socson"), ("017", "donganh"), ("276", "thachthat")):
        for username, role in ((f"canbo.{slug}", Role.STAFF), (f"lanhdao.{slug}", Role.LEADER)):
            user = User.objects.get(username=username)
            assert (user.role, user.district.code) == (role, code), username
            assert user.check_password("MeLinh@2018")

    # Every demo district has facilities in its own communes, with 2017-2018 statuses and
    # energy records.
    for code in DEMO_DISTRICTS:
        facilities = Facility.objects.filter(commune__district__code=code)
        assert facilities.count() >= 25, code
        if code != "250":
            assert facilities.count() <= 40, code
        for year in (2017, 2018):
            assert FacilityYearStatus.objects.filter(facility__in=facilities, year=year).exists()
        assert EnergyRecord.objects.filter(facility__in=facilities, year=2018).exists()

    # The city's plan, and each district's under it (Mê Linh's included), each with targets.
    city_plan = Plan.objects.get(district__isnull=True, year=2018)
    assert (city_plan.code, city_plan.baseline_year) == ("1048/KH-SCT", 2017)
    plans = {p.district.code: p for p in Plan.objects.filter(year=2018, district__isnull=False)
             .select_related("district")}
    assert set(plans) == set(DEMO_DISTRICTS)
    assert all(p.parent_id == city_plan.pk and p.baseline_year == 2017 for p in plans.values())
    assert plans["250"].code == "108/KH-UBND"
    bands = {code: tuple(p.targets.filter(indicator="saving").values_list(
        "band_low", "band_high").get()) for code, p in plans.items()}
    assert bands["017"] == (10, 15)
    assert bands["250"] == bands["016"] == bands["276"] == (8, 13)

    # 2018: Sóc Sơn issued its report, Đông Anh's was returned by the city, Thạch Thất has none;
    # Mê Linh as the demo leaves it (no report).
    issued = {r.district.code: r for r in Report.objects.filter(
        year=2018, commune__isnull=True, is_city=False,
        issued_at__isnull=False).select_related("district")}
    assert set(issued) == {"016", "017"}
    assert issued["016"].file and issued["016"].returned_at is None
    assert issued["017"].returned_at is not None and issued["017"].returned_by == city
    assert len(issued["017"].return_reason) >= 10
    assert not Report.objects.filter(district__code__in=["250", "276"]).exists()

    # Dated as in the plan's year, around the city's deadline (15/12/2018), not on the day the
    # demo was loaded: Sóc Sơn issued before it, Đông Anh just before it and was returned after
    # it, Thạch Thất sent nothing; all as the city's page reads them today.
    due, rows = city_submissions(city, 2018)
    assert due == date(2018, 12, 15) == city_plan.report_due
    for report in issued.values():
        report.refresh_from_db()
        local = {name: timezone.localtime(getattr(report, name)).date()
                 for name in ("created_at", "finished_at", "issued_at")}
        assert all(day.year == 2018 and day.month == 12 for day in local.values()), local
        assert report.built_on == local["created_at"] <= local["issued_at"] <= due
        # The file says so too: its date line is the day it was built, in December 2018.
        assert report.snapshot["built_on"] == report.built_on.isoformat()
        assert _date_line(report.built_on) in _pdf_text(report)
    returned = timezone.localtime(issued["017"].returned_at).date()
    assert issued["017"].issued_at < issued["017"].returned_at and date(2018, 12, 15) < returned
    assert returned.year == 2018
    states = {row.district.code: (row.state, row.late) for row in rows
              if row.district.code in DEMO_DISTRICTS}
    assert states == {"016": ("submitted", False), "017": ("returned", True),
                      "276": ("missing", True), "250": ("missing", True)}

    # The city's report of 2018 to UBND thành phố, issued by the city's officer after Đông
    # Anh's return: Sóc Sơn's row from its issued report, the others live.
    city_report = Report.objects.get(is_city=True)
    assert (city_report.year, city_report.issued_by, city_report.number) == (
        2018, city, "402/BC-SCT")
    assert city_report.file and city_report.status == "done"
    assert timezone.localtime(city_report.issued_at).date() == city_report.built_on
    assert date(2018, 12, 15) < city_report.built_on < date(2019, 1, 1)
    sources = {row["code"]: row["source"] for row in city_report.snapshot["districts"]}
    assert {code: sources[code] for code in DEMO_DISTRICTS} == {
        "016": "submitted", "017": "returned", "276": "live", "250": "live"}
    text = _pdf_text(city_report)
    assert _date_line(city_report.built_on) in text and "402/BC-SCT" in text

    # Mê Linh's figures are what they were with Mê Linh alone.
    assert kpis.kpis(year=2018, district_id=districts["250"].pk).as_json() == melinh_before

    # The city's counts are the sums of the four districts'.
    city_figures = kpis.overview(2018, kpis.Scope()).figures
    by_district = [kpis.overview(2018, kpis.Scope(district_id=d.pk)).figures
                   for d in districts.values()]
    for name in ("active", "aware", "applying", "saving"):
        for side in ("baseline", "current"):
            assert getattr(getattr(city_figures, name), side) == sum(
                getattr(getattr(d, name), side) for d in by_district), (name, side)
    assert city_figures.in_band == sum(d.in_band for d in by_district)
    assert city_figures.above_band == sum(d.above_band for d in by_district)
    # Energy is a sum of decimals in another order: equal as printed.
    assert kpis.round_half_up(city_figures.energy_saved_toe, kpis.TOE_PLACES) == kpis.round_half_up(
        sum(d.energy_saved_toe for d in by_district), kpis.TOE_PLACES)
    assert city_figures.targets.plan_code == "1048/KH-SCT"
    assert city_figures.applying.current > by_district[0].applying.current > 0
    table = kpis.overview(2018, kpis.Scope()).district_table
    assert {row.code for row in table if row.kpis.active.current} == set(DEMO_DISTRICTS)

    # A second run adds nothing, and the plain demo after it neither.
    after = counts()
    assert after != before
    second = load("--city")
    assert "không nạp lại" in second and "soct.demo" in second
    load()
    assert counts() == after


def _pdf_text(report: Report) -> str:
    with report.file.open("rb") as stream:
        return " ".join(" ".join((page.extract_text() or "").split())
                        for page in PdfReader(stream).pages)


def _date_line(day: date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
