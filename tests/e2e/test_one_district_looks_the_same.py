"""With one district in the database the portal looks as it did before the city came (issue 16,
"one code, two shapes"): the demo's pages, for staff, a commune official and the public, in
Chromium at 1280 and 390 px, compared with pictures of the same pages taken on the code before
districts existed (`tests/e2e/looks/`).

The clock is set to one moment, so that the demo's dates and the pages' times are the same in
every run. The pictures are kept at half size in grey, which is enough to see a word, a column
or a picker that was not there. To take them again after a deliberate change of the pages:
`SXSH_UPDATE_LOOKS=1 .venv/bin/pytest tests/e2e/test_one_district_looks_the_same.py`, then look
at them before committing."""

from __future__ import annotations

import os
from datetime import datetime
from io import BytesIO, StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from PIL import Image, ImageChops

from accounts.models import User
from facilities.models import Facility
from tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOKS = Path(__file__).resolve().parent / "looks"
UPDATE = os.environ.get("SXSH_UPDATE_LOOKS") == "1"
MOMENT = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
WIDTHS = (1280, 390)
# A pixel differs when its grey level moves by more than LEVEL; a picture differs when more than
# PIXELS do. Two runs give identical pictures; the margins are for a newer Chromium's smoothing
# of text, while a word of one more line moves a few hundred.
LEVEL = 40
PIXELS = 50

# The pages where a district would show first: lists with a commune column or filter, pickers,
# the figures by commune, the plan and the reports; and the public home.
PAGES = {
    "canbo.kinhte": ["/?year=2018", "/facilities/", "facility", "/facilities/import/",
                     "/campaigns/", "/audits/requests/", "/reports/", "/reports/plans/"],
    "xa.quangminh": ["/?year=2018", "/facilities/"],
    None: ["/public/"],
}


@pytest.fixture
def demo_at_a_fixed_moment():
    with time_machine.travel(MOMENT, tick=False):
        call_command("load_demo", stdout=StringIO())
        yield


def signed_in(browser, live_server, username: str | None, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    if username is not None:
        client = Client()
        client.force_login(User.objects.get(username=username))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


def picture(png: bytes) -> Image.Image:
    image = Image.open(BytesIO(png)).convert("L")
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BOX)


def difference(expected: Image.Image, actual: Image.Image) -> str | None:
    """What differs between two pictures, or None when they look the same."""
    if expected.size != actual.size:
        return f"size {actual.size} instead of {expected.size}"
    changed = sum(ImageChops.difference(expected, actual).histogram()[LEVEL + 1:])
    return f"{changed} pixels differ" if changed > PIXELS else None


def name_of(username: str | None, path: str, width: int) -> str:
    words = path.strip("/").replace("/", "-").split("?")[0] or "home"
    return f"{username or 'public'}-{words}-{width}"


def test_the_pages_of_one_district_look_as_before(demo_at_a_fixed_moment, browser, live_server):
    facility = Facility.objects.order_by("name_sort", "pk").first()
    differences = {}
    for username, paths in PAGES.items():
        for width in WIDTHS:
            context = signed_in(browser, live_server, username, width)
            page = context.new_page()
            for path in paths:
                address = f"/facilities/{facility.pk}/" if path == "facility" else path
                response = page.goto(f"{live_server.url}{address}")
                assert response.status == 200, (username, address, response.status)
                name = name_of(username, path, width)
                actual = picture(page.screenshot(full_page=True, animations="disabled"))
                reference = LOOKS / f"{name}.png"
                if UPDATE:
                    LOOKS.mkdir(exist_ok=True)
                    actual.save(reference, optimize=True)
                    continue
                found = difference(Image.open(reference), actual)
                if found:
                    ARTIFACTS.mkdir(exist_ok=True)
                    actual.save(ARTIFACTS / f"looks-{name}.png")
                    differences[name] = found
            context.close()
    assert differences == {}
