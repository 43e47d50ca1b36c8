"""Issue 17: the printed report as a person reads it. The signature block names the signer under
the space to sign; a report whose author wrote no shortcomings leaves dotted lines to fill in
rather than printing "Không có."; the first page is not half empty; the charts' texts stay
inside their drawings. The pages are rasterized with poppler (pdftoppm) and looked at."""

import re
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.models import Commune, User
from reports import charts, kpis
from reports.exporters import gather
from reports.exporters.pdf import PdfExporter
from reports.models import Report
from tests.reports.test_reports import ask, pdf_text
from tests.sxsh_env import need

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def pages_as_images(
    content: bytes,
    tmp_path: Path,
    *,
    first: int = 1,
    last: int | None = None,
    dpi: int = 50,
    gray: bool = True,
) -> list[Image.Image]:
    need("poppler-utils", shutil.which("pdftoppm") is not None, "apt-get install poppler-utils")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    args = ["pdftoppm", "-r", str(dpi), *(["-gray"] if gray else []), "-png", "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    subprocess.run([*args, str(pdf), str(tmp_path / "page")], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob("page-*.png"))]


def inked_to(image: Image.Image) -> float:
    """How far down the page its last printed line is, as a share of the page's height."""
    gray = image.convert("L")
    box = gray.point(lambda value: 255 if value < 200 else 0).getbbox()
    return 0 if box is None else box[3] / image.height


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.slow
def test_the_signature_block_names_the_signer_under_the_space_to_sign(demo, login):
    client = login(User.objects.get(username="canbo.kinhte"))
    ask(client, year=2018, signer="Nguyễn Văn Hải", signer_title="Phó trưởng phòng")
    text = pdf_text(Report.objects.get())
    closing = text.rsplit("Nơi nhận", 1)[1]
    assert "PHÓ TRƯỞNG PHÒNG" in closing and "Nguyễn Văn Hải" in closing
    assert closing.index("PHÓ TRƯỞNG PHÒNG") < closing.index("Nguyễn Văn Hải")
    # The next report's form offers the same signer.
    page = client.get(reverse("reports:index")).content.decode()
    assert 'value="Nguyễn Văn Hải"' in page and 'value="Phó trưởng phòng"' in page


def test_an_unnamed_signer_gets_the_head_of_department_and_a_line(demo):
    html = PdfExporter().html(gather(year=2018))
    closing = html.split('class="signature"', 1)[1].split("</td>", 1)[0]
    assert "Trưởng phòng" in closing and 'class="sign-space"' in closing
    assert 'class="fill-name"' in closing


def test_commune_officials_name_no_signer(demo, login):
    official = User.objects.get(username="xa.quangminh")
    page = login(official).get(reverse("reports:index")).content.decode()
    assert 'name="signer"' not in page
    ask(login(official), year=2018, signer="Ai đó")
    assert Report.objects.get().signer == ""


def test_no_commentary_leaves_dotted_lines_to_fill_in(demo):
    html = PdfExporter().html(gather(year=2018))
    shortcomings = section(html, "III. TỒN TẠI, HẠN CHẾ", "<h2>")
    assert "Không có" not in shortcomings
    assert shortcomings.count('class="fill-line"') >= 4
    written = PdfExporter().html(gather(year=2018, shortcomings="Số liệu của 3 xã còn thiếu."))
    shortcomings = section(written, "III. TỒN TẠI, HẠN CHẾ", "<h2>")
    assert "Số liệu của 3 xã còn thiếu." in shortcomings and "fill-line" not in shortcomings


@pytest.mark.slow
@pytest.mark.parametrize("commune", [None, "Quang Minh"])
def test_the_first_page_is_not_half_empty(demo, tmp_path, commune):
    scope = Commune.objects.get(name__endswith=commune) if commune else None
    content = PdfExporter().render_bytes(gather(year=2018, commune=scope))
    assert len(PdfReader(BytesIO(content)).pages) > 1
    [first] = pages_as_images(content, tmp_path, last=1)
    # The text area ends at 93 % of the page (20 mm of 297 mm below it): nearly filled.
    assert inked_to(first) > 0.8, inked_to(first)


@pytest.mark.slow
@pytest.mark.browser
def test_no_chart_text_leaves_its_drawing(demo, browser):
    """Every text of every chart (axes, titles, legends), the printed report's and the
    pages', lies within the drawing, measured by Chromium with the fonts it has, for the
    longest band label there is."""
    overview = kpis.overview(2018, kpis.Scope(None))
    svgs = {
        "printed trend": charts.trend_svg(overview.trend, Decimal("10"), printed=True),
        "page trend": charts.trend_svg(overview.trend, Decimal("10")),
        "phone trend": charts.trend_svg(overview.trend, Decimal("10"), narrow=True),
        "activity": charts.activity_svg(overview.activity),
    }
    page = browser.new_page()
    try:
        for name, svg in svgs.items():
            page.set_content(svg)
            outside = page.evaluate("""() => {
                const svg = document.querySelector("svg");
                const box = svg.viewBox.baseVal;
                const toSvg = svg.getScreenCTM().inverse();
                return [...svg.querySelectorAll("text")].filter(t => t.textContent.trim())
                  .map(t => {
                    const b = t.getBBox(), m = toSvg.multiply(t.getScreenCTM());
                    const x0 = m.a * b.x + m.c * b.y + m.e, x1 = x0 + m.a * b.width;
                    const y0 = m.b * b.x + m.d * b.y + m.f, y1 = y0 + m.d * b.height;
                    return [t.textContent.trim(), x0, x1, y0, y1, box.width, box.height];
                  })
                  .filter(([, x0, x1, y0, y1, w, h]) =>
                      x0 < -0.5 || y0 < -0.5 || x1 > w + 0.5 || y1 > h + 0.5);
            }""")
            assert outside == [], (name, outside)
            legend = re.findall(r"Tiết kiệm từ 10% trở lên", svg)
            assert legend or name == "activity", name
    finally:
        page.close()
