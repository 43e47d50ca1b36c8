"""An anonymous visitor on a phone and on a desktop reads the public pages of the demo district;
no page shows a facility that did not agree to be named. The progress card shows inside a frame
only on the sites PUBLIC_EMBED_ORIGINS lists."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from facilities.models import Facility
from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=StringIO())


def visible_text(page) -> str:
    return page.locator("body").inner_text()


def assert_only_consenting_names(text: str, agreed: list[str], refused: list[str]) -> None:
    for name in sorted(agreed, key=len, reverse=True):
        text = text.replace(name, "⟨named⟩")
    leaked = [name for name in refused if name in text]
    assert leaked == []


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_visitor_reads_progress_news_events_documents_and_catalogue(open_page, demo, width):
    agreed = list(Facility.objects.filter(public_consent=True).values_list("name", flat=True))
    refused = list(Facility.objects.filter(public_consent=False).values_list("name", flat=True))
    page = open_page(None, width)
    page.goto(f"{page.base}/accounts/login/")
    page.get_by_role("link", name="thông tin công khai về sản xuất sạch hơn").click()
    page.wait_for_url(f"{page.base}/public/")

    assert page.get_by_role("heading", level=1).inner_text() == "Sản xuất sạch hơn huyện Mê Linh"
    assert page.get_by_role("heading", name="Kết quả năm 2018 so với năm 2017").is_visible()
    assert page.get_by_text("Đạt chỉ tiêu").first.is_visible()
    assert page.get_by_role("img", name="Biểu đồ").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    assert_only_consenting_names(visible_text(page), agreed, refused)
    screenshot(page, f"public-home-{width}")

    nav = page.get_by_role("navigation", name="Trang công khai")
    nav.get_by_role("link", name="Tin tức").click()
    page.get_by_role("heading", level=1, name="Tin tức").wait_for()
    page.get_by_role("link", name="Hiệu quả từ mô hình lò hơi").click()
    assert "Kế hoạch 108/KH-UBND" in page.locator("article").inner_text()
    assert page.evaluate(NO_OVERFLOW)

    nav.get_by_role("link", name="Sự kiện").click()
    page.get_by_role("heading", level=1, name="Sự kiện").wait_for()
    page.get_by_role("link", name="Tham quan mô hình lò hơi tiết kiệm năng lượng").click()
    facts = page.locator("dl.public-facts").inner_text()
    assert "Tham quan, học tập" in facts and "Phòng Kinh tế" in facts
    assert page.evaluate(NO_OVERFLOW)
    assert_only_consenting_names(visible_text(page), agreed, refused)
    screenshot(page, f"public-event-{width}")

    nav.get_by_role("link", name="Tài liệu").click()
    page.get_by_role("heading", level=1, name="Tài liệu").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về Sổ tay hướng dẫn kỹ thuật").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert page.evaluate(NO_OVERFLOW)

    nav.get_by_role("link", name="Danh mục công nghệ SXSH").click()
    page.get_by_role("heading", level=1, name="Danh mục công nghệ SXSH").wait_for()
    catalogue = visible_text(page)
    assert any(name in catalogue for name in agreed)
    assert_only_consenting_names(catalogue, agreed, refused)
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"public-catalogue-{width}")


class Portal(ThreadingHTTPServer):
    """Another site on this machine: a page that frames whatever `card` says. Reached as
    127.0.0.1 and as localhost, it is two origins, both different from the live server's."""

    card = ""


def portal_html(card: str) -> str:
    return (f'<!doctype html><html lang="vi"><title>Cổng huyện</title><h1>Cổng huyện</h1>'
            f'<iframe title="Tiến độ" src="{card}" width="380" height="300"></iframe></html>')


class PortalPage(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        body = portal_html(self.server.card).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    server = Portal(("127.0.0.1", 0), PortalPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def framed(page, site: str, card: str, server: Portal) -> bool:
    """Open `site`'s page framing `card`; whether the card shows inside it."""
    server.card = card
    page.goto(f"{site}/portal")
    page.wait_for_load_state("load")
    frame = next(f for f in page.frames if f != page.main_frame)
    if not frame.url.startswith("http"):
        return False  # Chromium put its error page in place of the refused document
    return "Mê Linh" in frame.locator("h1").inner_text()


def test_card_shows_only_inside_the_listed_sites(open_page, live_server, settings, portal, db):
    card = f"{live_server.url}/public/embed/progress/"
    port = portal.server_address[1]
    listed, unlisted = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    assert urlsplit(card).netloc not in (urlsplit(listed).netloc, urlsplit(unlisted).netloc)
    settings.PUBLIC_EMBED_ORIGINS = [listed]
    page = open_page(None, "desktop")

    assert framed(page, listed, card, portal)
    screenshot(page, "public-embed-listed")
    assert not framed(page, unlisted, card, portal)
    # Any other public page keeps X-Frame-Options: DENY, even for a listed site.
    assert not framed(page, listed, f"{live_server.url}/public/", portal)

    settings.PUBLIC_EMBED_ORIGINS = []
    # The card is cacheable for five minutes: ask for a fresh copy with the new header.
    assert not framed(page, listed, f"{card}?fresh", portal)
    # The site itself may always frame it (a page the browser believes came from there).
    page.route(f"{live_server.url}/portal", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=portal_html(f"{card}?own")))
    assert framed(page, live_server.url, f"{card}?own", portal)
