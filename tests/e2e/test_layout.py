"""The portal as a civil servant sees it, in Chromium at 1024, 1280 and 1536 px wide and on a
390 px phone: one width in each of Bootstrap's desktop layouts (992 to 1199, 1200 to 1399, from
1400 px) and a phone's. A common 1366 px screen lays out as 1280 does, in the same 1140 px
container, so it is not looked at twice.

For every role, its menu's pages, a built report, a facility, a campaign, a model, an energy
record and the public home do not scroll sideways, and the header is one line high (on a phone:
the brand and the menu button). On the same pages: numbers never break, titles in lists are
clamped to two lines with the whole title at hand, what scrolls sideways shows it, the charts'
text is drawn at a readable size, and the headings go h1 → h2 → h3.

One browser for the session; one context per role, signed in by its session cookie; each page
loaded once and looked at in every width."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.navigation import items_for
from accounts.permissions import can
from campaigns.models import FundingLine
from tests.browser import screenshot
from tests.security.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1024, 1280, 1536, 390]
ROLES = ["staff", "official_a", "unit", "leader", "admin", "enterprise", "city"]
HEADER_MAX = 72  # one line of the bar: brand, menu and the user's name
LONG_TITLE = (
    "Hội thảo: Tiết kiệm năng lượng gắn với bảo vệ môi trường tại KCN Quang Minh "
    "cho các doanh nghiệp cơ khí, chế biến gỗ và bao bì giấy"
)

PICTURES_SETTLED = """() => [...document.querySelectorAll("picture")].every((picture) => {
  const source = picture.querySelector("source"), img = picture.querySelector("img");
  const wanted = matchMedia(source.media).matches ? source.srcset : img.getAttribute("src");
  return img.complete && img.currentSrc === wanted;
})"""

# Everything asked of a page, answered by the page itself: a list of problems.
CHECK = (Path(__file__).parent / "layout_check.js").read_text(encoding="utf-8")


def pages_of(user, world) -> list[str]:
    """The role's main pages: its menu (Django's admin aside) and one page of each kind; for
    nobody signed in, the public pages."""
    if user is None:
        return [
            "/public/",
            "/public/news/",
            f"/public/news/{world.article.pk}/",
            "/public/events/",
            f"/public/events/{world.event.pk}/",
            "/public/documents/",
            "/public/catalogue/",
            "/accounts/login/",
            "/activate/",
        ]
    menu = [
        link["url"]
        for entry in items_for(user, "/")
        for link in entry.get("children", [entry])
        if link["url"] != "/admin/"
    ]
    if not can(user, "dashboard.view"):  # an enterprise: its own page, with the world's facility
        world.facility.accounts.add(user)
        return [*menu, f"/audits/submissions/{world.submission.pk}/", "/accounts/password/",
                "/public/"]
    # A built report shows its figures beside the download.
    report = [f"/reports/{world.report.pk}/"] if can(user, "report.view", world.report) else []
    return menu + report + [
        f"/facilities/{world.facility.pk}/",
        f"/campaigns/{world.campaign.pk}/",
        f"/campaigns/models/{world.model.pk}/",
        f"/audits/records/{world.record.pk}/",
        "/public/",
    ]


def signed_in(browser, live_server, user, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "url": live_server.url,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                }
            ]
        )
    return context


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_no_page_of_any_role_scrolls_sideways_and_the_header_is_one_line(
    browser, live_server, cast, role
):
    """Each page is loaded once and looked at in each width: the window is resized, as a
    person turning a tablet or narrowing a window would, and the page laid out again."""
    world = build_world(
        staff=cast["staff"], official_a=cast["official_a"], official_b=cast["official_b"]
    )
    # A long title in the lists, and amounts as large as the district's.
    world.campaign.title = LONG_TITLE
    world.campaign.save()
    FundingLine.objects.filter(pk=world.line.pk).update(
        planned_vnd=2_500_000_000, spent_vnd=1_057_700_000
    )
    user = None if role == "anonymous" else cast[role]
    if user is not None:
        # A name as long as people's are: it once made the bar wider than the window.
        user.full_name = "Nguyễn Huỳnh Thị Phương Thảo"
        user.save()
    context = signed_in(browser, live_server, user, WIDTHS[0])
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    visited = 0
    for path in pages_of(user, world):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (role, path, response.status)
        visited += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            # A <picture> picks its drawing for the new width a moment later.
            page.wait_for_function(PICTURES_SETTLED)
            found = page.evaluate(CHECK, [HEADER_MAX, LONG_TITLE])
            if found:
                problems[f"{path} at {width} px"] = found
    for width in (1024, 390):
        page.set_viewport_size({"width": width, "height": 800})
        shown = "/public/" if user is None else "/campaigns/" if can(user, "campaign.view") else (
            f"/audits/submissions/{world.submission.pk}/")
        page.goto(f"{live_server.url}{shown}")
        screenshot(page, f"layout-{role}-{width}")
    context.close()
    assert problems == {}
    assert visited >= (8 if user is None else 4 if role == "enterprise" else 14)


def test_the_menu_opens_on_a_phone_and_its_groups_open_on_a_desktop(browser, live_server, cast):
    for width in (390, 1024):
        context = signed_in(browser, live_server, cast["admin"], width)
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.get_by_role("button", name="Số liệu").wait_for(
            state="hidden" if width == 390 else "visible"
        )
        if width == 390:
            page.get_by_role("button", name="Mở menu").click()
            # Opened, not opening: a click during the collapse's transition can be lost.
            page.locator(".navbar-collapse.show").wait_for()
        page.get_by_role("button", name="Số liệu").click()
        link = page.get_by_role("link", name="Chất lượng số liệu")
        link.wait_for(state="visible")
        with page.expect_navigation(url="**/audits/quality/"):
            link.click()
        assert page.locator(".dropdown-item.active").get_attribute("href") == "/audits/quality/"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        context.close()
