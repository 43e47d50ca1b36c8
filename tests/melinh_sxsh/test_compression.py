"""Fewer bytes: pages gzip-compressed, static files pre-compressed (brotli) with far-future
caching under hashed names (tests/integration/test_processes.py, under gunicorn), downloads
left as they are, and no script that blocks rendering."""

import gzip
import re

from django.urls import reverse


def test_pages_are_gzipped_for_a_browser_that_accepts_it(client, staff):
    client.force_login(staff)
    plain = client.get(reverse("dashboard"))
    packed = client.get(reverse("dashboard"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    body = gzip.decompress(packed.content)
    assert b"<html" in body and len(packed.content) < len(body) / 3


def test_a_download_is_not_recompressed(client, staff, db):
    client.force_login(staff)
    response = client.get(reverse("facilities:export"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "attachment" in response["Content-Disposition"]


def test_scripts_do_not_block_rendering(client, staff):
    client.force_login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(" defer" in tag or "async" in tag for tag in scripts), scripts
    for src in re.findall(r'<script src="([^"]+)"', page):
        # vendor scripts minified; static/js/forms.js is the site's own, small and readable
        assert ".min." in src or src.startswith("/static/js/"), src

