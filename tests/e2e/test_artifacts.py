"""Acceptance 5 of issue 17: pictures of the printed report's first and last pages and of the
dashboard on a phone, taken by the tests from the demo district and kept under var/artifacts/
(not in git) for people to look at after a build."""

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from reports.building import report_build
from reports.models import Report
from tests.browser import axe_check
from tests.factories import district_create
from tests.reports.test_printed_report import pages_as_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def inked(image: Image.Image) -> float:
    """The share of the picture that is not white: a blank or broken page has next to none."""
    gray = image.convert("L")
    histogram = gray.histogram()
    return sum(histogram[:230]) / (gray.width * gray.height)


def assert_kept(path: Path, *, size: tuple[int, int], min_ink: float) -> None:
    """The picture is there, of the size expected (at least as tall: a full page), and
    carries something (not a blank or an error page)."""
    assert path.exists() and path.stat().st_size > 15_000, path
    with Image.open(path) as image:
        assert image.width == size[0] and image.height >= size[1], (path, image.size)
        assert inked(image) > min_ink, (path, inked(image))


def test_the_pdf_and_the_dashboard_on_a_phone_are_kept_as_pictures(demo, open_page, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = district_create(Report, year=2018, format=Report.Format.PDF)
    report_build(report.pk)
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        content = handle.read()
    count = len(PdfReader(BytesIO(content)).pages)
    assert count > 2
    for name, number in (("report-first-page", 1), ("report-last-page", count)):
        folder = tmp_path / name
        folder.mkdir()
        [image] = pages_as_images(content, folder, first=number, last=number, dpi=70, gray=False)
        image.save(ARTIFACTS / f"{name}.png")
    # A4 at 70 dpi: 579 × 819 px; the last page is the annex's, landscape.
    assert_kept(ARTIFACTS / "report-first-page.png", size=(579, 819), min_ink=0.04)
    assert_kept(ARTIFACTS / "report-last-page.png", size=(819, 579), min_ink=0.02)

    leader = User.objects.get(username="lanhdao")
    page = open_page(leader, "phone", password=DEMO_PASSWORD)
    page.goto(f"{page.base}/")
    page.wait_for_load_state("networkidle")
    axe_check(page, "the dashboard on a phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    assert_kept(ARTIFACTS / "dashboard-phone.png", size=(390, 800), min_ink=0.05)
