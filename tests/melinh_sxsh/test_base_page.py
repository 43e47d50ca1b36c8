"""No page loads anything from outside the server, and what it loads exists."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ROLES = ["staff", "official_a", "unit", "leader", "admin"]


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "action", "srcset", "poster", "data"} and value:
                self.urls.append((tag, name, value))
            if name == "style" and value and "url(" in value:
                self.urls.append((tag, name, value))


def references(html: str):
    parser = References()
    parser.feed(html)
    return parser.urls


def assert_local(html: str):
    found = references(html)
    assert found, "the page references nothing: the scan would prove nothing"
    for tag, attr, value in found:
        lowered = value.strip().lower()
        assert not lowered.startswith(("http:", "https:", "//", "ftp:")), (tag, attr, value)
        assert "url(http" not in lowered and "url(//" not in lowered, (tag, attr, value)
        if attr in {"src", "href"} and lowered.startswith("/static/"):
            path = value.split("?")[0].removeprefix("/static/")
            assert finders.find(path), f"missing static file {path}"


def test_login_page_is_local(client, db):
    assert_local(client.get(reverse("accounts:login")).content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_is_local_for_every_role(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert_local(response.content.decode())


def test_scanner_catches_a_cdn():
    with pytest.raises(AssertionError):
        assert_local('<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>')
    with pytest.raises(AssertionError):
        assert_local('<link rel="stylesheet" href="//fonts.googleapis.com/css">')


def test_vendored_css_pulls_nothing_remote():
    for path in ("vendor/bootstrap/bootstrap.min.css", "css/site.css"):
        with open(finders.find(path), encoding="utf-8") as handle:
            text = handle.read()
        assert "@import url(http" not in text and "url(https://" not in text
