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


ICONS = {
    "/static/img/favicon.svg": "image/svg+xml",
    "/static/img/favicon-32.png": "image/png",
    "/static/img/apple-touch-icon.png": "image/png",
}


def icons_linked(html: str) -> set[str]:
    return {
        value
        for tag, attr, value in references(html)
        if tag == "link" and attr == "href" and value in ICONS
    }


def test_every_kind_of_page_links_the_icon_and_it_is_served(client, admin_user, settings):
    from django.template.loader import render_to_string

    # WhiteNoise serves the static folder as `make run` does (production serves the same files
    # collected under STATIC_ROOT).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True

    pages = {
        "login": client.get(reverse("accounts:login")).content.decode(),
        "public": client.get(reverse("public:home")).content.decode(),
        "server error": render_to_string("500.html"),
    }
    client.force_login(admin_user)
    pages["dashboard"] = client.get(reverse("dashboard")).content.decode()
    pages["admin"] = client.get(reverse("admin:index")).content.decode()
    for name, html in pages.items():
        assert icons_linked(html) == set(ICONS), name
    for url, content_type in ICONS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"<svg" if content_type == "image/svg+xml" else b"\x89PNG"), url
