"""What a screen reader and a strict Content-Security-Policy need of every public page: one h1,
headings in order, alt texts, labelled controls and navigation, tables with a caption and
scoped headers, no inline script or style, nothing loaded from elsewhere."""

from html.parser import HTMLParser

import pytest

from tests.melinh_sxsh.test_base_page import assert_local

pytestmark = pytest.mark.django_db

PAGES = ["/public/", "/public/events/", "/public/news/", "/public/documents/",
         "/public/catalogue/", "/public/embed/progress/"]


class Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()
        self.labels: set[str] = set()
        self.controls: list[str] = []
        self.tables = 0
        self.captions = 0
        self.lang = None
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "style" in attrs:
            self.problems.append(f"inline style on <{tag}>")
        if any(name.startswith("on") for name in attrs):
            self.problems.append(f"inline event handler on <{tag}>")
        if tag == "html":
            self.lang = attrs.get("lang")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag == "img" and not attrs.get("alt"):
            self.problems.append(f"image without alt: {attrs.get('src', '')[:40]}")
        if tag == "script" and "src" not in attrs:
            self.problems.append("inline script")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th" and attrs.get("scope") not in ("col", "row", "rowgroup", "colgroup"):
            self.problems.append("<th> without scope")
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden" and not (
                attrs.get("aria-label") or attrs.get("aria-labelledby")):
            self.controls.append(attrs.get("id", ""))
        if tag == "nav" and not attrs.get("aria-label"):
            self.problems.append("<nav> without a label")
        if tag == "a" and attrs.get("target") == "_blank" and "noopener" not in attrs.get(
                "rel", ""):
            self.problems.append("target=_blank without rel=noopener")

    def check(self) -> list[str]:
        problems = list(self.problems)
        if self.lang != "vi":
            problems.append(f"lang is {self.lang!r}")
        if self.headings.count(1) != 1:
            problems.append(f"{self.headings.count(1)} h1")
        if self.headings and self.headings[0] != 1:
            problems.append("the first heading is not the h1")
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                problems.append(f"h{before} followed by h{after}")
        if self.captions != self.tables:
            problems.append(f"{self.tables} tables, {self.captions} captions")
        problems += [f"control {c!r} without a label" for c in self.controls
                     if not c or c not in self.labels]
        return problems


def audit(html: str) -> list[str]:
    parser = Audit()
    parser.feed(html)
    return parser.check()


def test_the_audit_catches_what_it_should():
    bad = ('<html lang="en"><h2>x</h2><h1>a</h1><h1>b</h1><h4>c</h4><img src="x.png">'
           '<div style="color:red"></div><script>alert(1)</script><table><th>x</th></table>'
           '<input id="q"><nav></nav><a href="/" target="_blank">x</a></html>')
    problems = audit(bad)
    for expected in ["lang is 'en'", "2 h1", "the first heading is not the h1",
                     "h1 followed by h4", "image without alt: x.png", "inline style on <div>",
                     "inline script", "1 tables, 0 captions", "<th> without scope",
                     "control 'q' without a label", "<nav> without a label",
                     "target=_blank without rel=noopener"]:
        assert expected in problems


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_pass_the_audit(client, world, page):
    body = client.get(page).content.decode()
    assert audit(body) == []
    assert_local(body)


def test_detail_pages_pass_the_audit(client, world):
    for page in [f"/public/events/{world.event.pk}/", f"/public/events/{world.tour.pk}/",
                 f"/public/news/{world.article.pk}/"]:
        body = client.get(page).content.decode()
        assert audit(body) == [], page
        assert_local(body)


def test_empty_pages_pass_the_audit(client, db):
    for page in PAGES:
        assert audit(client.get(page).content.decode()) == [], page


def test_the_current_page_is_marked_in_the_navigation(client, world):
    body = client.get("/public/documents/").content.decode()
    assert '<a href="/public/documents/" aria-current="page">' in body
    assert body.count('aria-current="page"') == 1
