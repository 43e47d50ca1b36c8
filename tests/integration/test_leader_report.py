"""The leader asks for the 2018 district report in Chromium, watches the progress bar move while
a real worker builds it, and downloads the PDF; its serif font is embedded; page 1 is kept as a
picture among the run's artifacts."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.browser import ARTIFACTS, progress_value, screenshot
from tests.sxsh_env import need

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("celery")]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_leader_builds_and_downloads_the_district_report(open_page, start_worker, width):
    call_command("load_demo", stdout=StringIO())
    start_worker(SXSH_REPORT_STEP_DELAY=1)
    leader = User.objects.get(username="lanhdao")
    page = open_page(leader, width, password="MeLinh@2018")
    page.goto(f"{page.base}/reports/")
    page.fill("#id_year", "2018")
    page.select_option("#id_format", "pdf")
    page.get_by_role("button", name="Lập báo cáo").click()
    seen = set()
    download_link = page.locator("a.report-download")
    for _ in range(200):
        if download_link.count():
            break
        if (value := progress_value(page)) is not None:
            seen.add(value)
        page.wait_for_timeout(150)
    download_link.wait_for(timeout=60_000)
    assert len(seen) >= 2 and any(0 < value < 100 for value in seen), seen
    with page.expect_download() as info:
        download_link.click()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"bao-cao-2018-{width}.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    screenshot(page, f"leader-report-{width}")
    need("poppler-utils", bool(shutil.which("pdffonts")), "apt-get install poppler-utils")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    serif = [line for line in fonts.stdout.splitlines() if "Liberation-Serif" in line]
    assert serif and all(" yes " in line for line in serif), fonts.stdout
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                    str(ARTIFACTS / f"bao-cao-2018-page1-{width}")], check=True)
    assert list(ARTIFACTS.glob(f"bao-cao-2018-page1-{width}*.png"))
