"""Issue 16's acceptance 1, in Chromium with axe-core on every page, on the city demo
(`load_demo` then `load_demo --city`): Mê Linh's staff issue the 2018 report; the city's officer
sees it submitted and returns it with a reason; Mê Linh's staff read the reason, correct a
facility's stage and issue again; the city's report then lists Mê Linh with the new figures
(from its new report) and the other districts as submitted, returned or late, with live
figures marked."""

from __future__ import annotations

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from facilities.models import Facility, FacilityYearStatus, Stage
from reports import kpis
from reports.models import Report
from tests.browser import ARTIFACTS, axe_check, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "MeLinh@2018"
REASON = "Số cơ sở nhận thức năm 2018 chưa gồm các cơ sở đã tập huấn tháng 11."
MELINH = "250"


@pytest.fixture
def city_demo():
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", "--city", stdout=StringIO())


def visit(page, path: str):
    response = page.goto(f"{page.base}{path}")
    assert response.status < 400, (path, response.status)
    axe_check(page, path)


def build_report(page, *, city: bool = False) -> Report:
    """Ask for the 2018 PDF (the district's on /reports/, the city's on /reports/city/), wait
    until it is built, and return it."""
    if city:
        visit(page, "/reports/city/?year=2018")
        form = page.locator("section.city-report form")
        form.locator("[name=year]").fill("2018")
        form.locator("[name=format]").select_option("pdf")
        form.get_by_role("button", name="Lập báo cáo của thành phố").click()
    else:
        visit(page, "/reports/")
        page.fill("#id_year", "2018")
        page.select_option("#id_format", "pdf")
        page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url("**/reports/*/")
    page.locator("a.report-download").wait_for(timeout=90_000)
    axe_check(page, "report ready")
    return Report.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def issue(page) -> None:
    page.get_by_role("button", name="Ban hành báo cáo này").click()
    page.locator(".alert-success", has_text="Ban hành lúc").wait_for()


def city_row(page, code: str):
    return page.locator(f"table.city-submissions tr[data-district='{code}']")


def not_applying() -> Facility:
    """A Mê Linh facility whose 2018 status is 'not aware' and that has no CP measure: not in
    applying(2018) (docs/KPI.md), and in it once its 2018 stage is 'applying'."""
    for status in (FacilityYearStatus.objects.filter(
            year=2018, stage=Stage.UNAWARE, facility__commune__district__code=MELINH,
            facility__cp_measures__isnull=True)
            .select_related("facility").order_by("facility__name")):
        return status.facility
    raise AssertionError("the demo has no such facility in 2018")


def test_issue_return_correct_issue_again_and_the_city_report(city_demo, open_page, tmp_path):
    melinh = User.objects.get(username="canbo.kinhte")
    staff = open_page(melinh, "desktop", password=PASSWORD)
    first = build_report(staff)
    assert first.district.code == MELINH and first.commune_id is None
    issue(staff)
    first.refresh_from_db()
    assert first.is_submission

    city = open_page(User.objects.get(username="soct.demo"), "phone", password=PASSWORD)
    visit(city, "/reports/city/?year=2018")
    row = city_row(city, MELINH)
    assert row.get_attribute("data-state") == "submitted"
    row.get_by_role("link", name="Trả lại").click()
    city.wait_for_url(f"**/reports/{first.pk}/return/")
    axe_check(city, "return")
    city.fill("[name=reason]", REASON)
    city.get_by_role("button", name="Đồng ý trả lại").click()
    city.wait_for_url(f"**/reports/{first.pk}/")
    first.refresh_from_db()
    assert first.is_returned and first.return_reason == REASON
    visit(city, "/reports/city/?year=2018")
    assert city_row(city, MELINH).get_attribute("data-state") == "returned"

    # Mê Linh reads why, corrects a facility's 2018 stage from the list and issues again.
    visit(staff, f"/reports/{first.pk}/")
    assert REASON in staff.locator(".return-reason").inner_text()
    facility = not_applying()
    before = kpis.overview(2018, kpis.Scope(district_id=first.district_id)).figures
    visit(staff, f"/facilities/?year=2018&q={facility.tax_code}")
    staff.get_by_label(f"Mức độ năm 2018 của {facility.name}").select_option(str(Stage.APPLYING))
    staff.locator("td.stage-cell [role=status]", has_text="Đã lưu").wait_for()
    second = build_report(staff)
    issue(staff)
    second.refresh_from_db()
    assert second.is_submission and not second.is_returned
    assert second.snapshot["kpi"]["applying"]["current"] == before.applying.current + 1
    assert first.snapshot["kpi"]["applying"]["current"] == before.applying.current

    # The city sees the new report submitted and builds its own report.
    visit(city, "/reports/city/?year=2018")
    assert city_row(city, MELINH).get_attribute("data-state") == "submitted"
    city_report = build_report(city, city=True)
    assert city_report.is_city
    rows = {row["code"]: row for row in city_report.snapshot["districts"]}
    assert rows[MELINH]["source"] == "submitted" and rows[MELINH]["report"] == second.pk
    assert rows[MELINH]["kpi"] == second.snapshot["kpi"]
    # The demo's other districts: Sóc Sơn submitted, Đông Anh returned, Thạch Thất late.
    assert {code: (row["source"], row["late"]) for code, row in rows.items()
            if code in ("016", "017", "276")} == {
        "016": ("submitted", False), "017": ("returned", True), "276": ("live", True)}

    with city.expect_download() as info:
        city.locator("a.report-download").click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "city-journey-report.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = {name: next(line for line in text.splitlines() if name in line and "Đã gửi" in line
                        or name in line and "Chưa gửi" in line or name in line
                        and "Bị trả lại" in line)
             for name in ("Mê Linh", "Sóc Sơn", "Đông Anh*", "Thạch Thất*")}
    assert "Đã gửi" in lines["Mê Linh"] and "Mê Linh*" not in lines["Mê Linh"]
    assert str(second.snapshot["kpi"]["aware"]["current"]) in lines["Mê Linh"].split()
    assert "Đã gửi" in lines["Sóc Sơn"]
    assert "Bị trả lại" in lines["Đông Anh*"] and "quá hạn" in lines["Đông Anh*"]
    assert "Chưa gửi" in lines["Thạch Thất*"] and "quá hạn" in lines["Thạch Thất*"]
    screenshot(city, "city-journey-report")
