"""Every page of every role, as the authorization matrix lists them: headings in order (one h1
first, then no level skipped on the way down: h1 → h2 → h3) and a meta description, the two
things Lighthouse flagged on the dashboard. Error pages (403, 404) are pages too."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.security.test_authorization_matrix import MATRIX, ROLES, address
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Django's own admin keeps its own outline; the feeds and downloads are not HTML.
SKIPPED = {"admin:*"}


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.descriptions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "description":
            self.descriptions.append(values.get("content") or "")


def outline_problems(html: str) -> list[str]:
    outline = Outline()
    outline.feed(html)
    problems = []
    if [d for d in outline.descriptions if d.strip()] == [] or len(outline.descriptions) != 1:
        problems.append(f"meta description: {outline.descriptions}")
    levels = outline.levels
    if not levels or levels[0] != 1:
        problems.append(f"does not start with h1: {levels}")
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} → h{after} in {levels}")
            break
    return problems


def test_the_outline_check_sees_a_skipped_level():
    page = '<meta name="description" content="x"><h1>a</h1><section><h3>b</h3></section>'
    assert outline_problems(page) == ["h1 → h3 in [1, 3]"]
    assert outline_problems("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>") == ["meta description: []"]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_its_headings_in_order_and_a_description(role, login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    client = login(None if role == "anonymous" else cast[role])
    seen, problems = 0, {}
    for name in sorted(set(MATRIX) - SKIPPED):
        url = address(name, world)
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code not in (200, 403, 404) or response.get("HX-Request"):
            continue
        seen += 1
        found = outline_problems(response.content.decode())
        if found:
            problems[f"{url} ({response.status_code})"] = found
    assert problems == {}
    assert seen >= (8 if role == "anonymous" else 30)
