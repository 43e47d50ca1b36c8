"""The three journeys of issue 8, in Chromium at desktop width and at 390 px, with axe-core on
every page: a commune official updates statuses and imports a file; staff run a campaign with
attendance, enter an energy record and fix a data-quality flag; a leader reads the dashboard,
follows a number to its facilities and downloads a PDF."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from audits.models import EnergyRecord, QualityFlag
from campaigns.models import Campaign
from facilities.models import Facility, FacilityYearStatus, Stage
from tests.browser import ARTIFACTS, axe_check, screenshot
from tests.facilities.xlsx_helpers import xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = ["desktop", "phone"]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def visit(page, path: str):
    response = page.goto(f"{page.base}{path}")
    assert response.status < 400, (path, response.status)
    axe_check(page)
    return response


@pytest.mark.parametrize("width", WIDTHS)
def test_commune_official_updates_statuses_and_imports_a_file(demo, open_page, width, tmp_path):
    official = User.objects.get(username="xa.quangminh")
    page = open_page(official, width, password="MeLinh@2018")
    axe_check(page, "dashboard")
    visit(page, "/facilities/?year=2018&stage=0")
    first = page.locator("table.facility-table tbody tr").first
    name = first.locator("td a").first.inner_text()
    facility = Facility.objects.get(name=name)
    assert facility.commune_id == official.commune_id
    page.get_by_label(f"Mức độ năm 2018 của {name}").select_option(str(Stage.AWARE))
    page.locator("td.stage-cell [role=status]").first.wait_for()
    axe_check(page, "after the stage change")
    assert FacilityYearStatus.objects.get(facility=facility, year=2018).stage == Stage.AWARE

    mine = list(Facility.objects.filter(commune=official.commune).order_by("pk")[:3])
    # A row that lowers a stage carries its reason (docs/IMPORTS.md, statuses).
    content = xlsx_bytes([["Mã số thuế", "Năm", "Mức độ", "Ghi chú", "Lý do hạ mức"]]
                         + [[f.tax_code, 2018, "Đã đăng ký áp dụng", "Rà soát quý IV",
                             "Biên bản rà soát quý IV"] for f in mine])
    path = tmp_path / "muc-do-2018.xlsx"
    path.write_bytes(content)
    visit(page, "/facilities/import/")
    page.select_option("#id_kind", "statuses")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_role("button", name="Xác nhận và ghi 3 dòng").wait_for()
    axe_check(page, "import preview")
    page.get_by_role("button", name="Xác nhận và ghi 3 dòng").click()
    page.get_by_text("Đã ghi dữ liệu.").first.wait_for()
    axe_check(page, "import done")
    assert all(FacilityYearStatus.objects.get(facility=f, year=2018).stage == Stage.COMMITTED
               for f in mine)
    screenshot(page, f"journey-commune-official-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_run_a_campaign_enter_energy_and_fix_a_flag(demo, open_page, width):
    staff = User.objects.get(username="canbo.kinhte")
    page = open_page(staff, width, password="MeLinh@2018")
    visit(page, "/campaigns/new/")
    page.select_option("#id_kind", "training_conference")
    page.fill("#id_title", "Hội nghị tập huấn SXSH quý IV")
    page.fill("#id_starts_on", "20/11/2018")
    page.fill("#id_place", "Hội trường UBND huyện")
    page.fill("#id_people_reached", "85")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/campaigns/*/")
    axe_check(page, "campaign page")
    campaign = Campaign.objects.get(title="Hội nghị tập huấn SXSH quý IV")
    codes = list(Facility.objects.order_by("pk").values_list("tax_code", flat=True)[:12])
    page.fill("#id_tax_codes", "\n".join(codes))
    page.get_by_role("button", name="Thêm các cơ sở này").click()
    page.get_by_text("Đã thêm 12 cơ sở.").wait_for()
    axe_check(page, "attendance added")
    assert campaign.attendances.count() == 12

    facility = Facility.objects.exclude(energy_records__year=2018).filter(
        statuses__year=2018).first()
    visit(page, f"/audits/facilities/{facility.pk}/records/new/")
    page.fill("#id_year", "2018")
    page.fill("#id_output", "1.250")
    page.fill("#id_product_unit", "tấn")
    page.select_option("#id_uses-0-carrier", label="Điện (kWh)")
    page.fill("#id_uses-0-quantity", "185.000")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/audits/records/*/")
    axe_check(page, "record page")
    record = EnergyRecord.objects.get(facility=facility, year=2018)
    assert record.output == 1250 and record.uses.get().quantity == 185000

    flag = QualityFlag.objects.filter(rule="zero_value").first()
    broken = EnergyRecord.objects.get(facility=flag.facility, year=flag.year)
    visit(page, "/audits/quality/?rule=zero_value")
    assert flag.facility.name in page.content()
    visit(page, f"/audits/records/{broken.pk}/edit/")
    page.fill("#id_output", "2.400")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/audits/records/{broken.pk}/")
    visit(page, "/audits/quality/?rule=zero_value")
    assert not QualityFlag.objects.filter(pk=flag.pk).exists()
    assert flag.facility.name not in page.locator("main table").inner_text() if \
        page.locator("main table").count() else True
    screenshot(page, f"journey-staff-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_reads_the_dashboard_follows_a_number_and_downloads_the_pdf(demo, open_page,
                                                                           width):
    leader = User.objects.get(username="lanhdao")
    page = open_page(leader, width, password="MeLinh@2018")
    axe_check(page, "dashboard")
    # target 1: result 2018
    link = page.locator("section[aria-labelledby=targets-heading] a.kpi-link").nth(1)
    expected = int(link.get_attribute("data-count"))
    link.click()
    page.wait_for_url("**/reports/kpi/aware/**")
    axe_check(page, "the facilities behind the number")
    assert page.locator(".figure-count").inner_text().replace(".", "") == str(expected)
    visit(page, "/reports/")
    page.fill("#id_year", "2018")
    page.select_option("#id_format", "pdf")
    page.get_by_role("button", name="Lập báo cáo").click()
    download_link = page.locator("a.report-download")
    download_link.wait_for(timeout=60_000)
    axe_check(page, "report ready")
    with page.expect_download() as info:
        download_link.click()
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"journey-leader-{width}.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    screenshot(page, f"journey-leader-{width}")
