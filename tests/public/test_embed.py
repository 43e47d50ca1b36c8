"""The progress card may be framed by the sites of PUBLIC_EMBED_ORIGINS and by no other; every
other page keeps X-Frame-Options: DENY."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from melinh_sxsh.lib.env import check_origins
from reports import kpis

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CARD = "/public/embed/progress/"


def frame_ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return directives["frame-ancestors"].split()


def test_by_default_only_this_site_may_frame_the_card(client, settings):
    settings.PUBLIC_EMBED_ORIGINS = []
    response = client.get(CARD)
    assert response.status_code == 200
    assert frame_ancestors(response) == ["'self'"]
    assert "X-Frame-Options" not in response


def test_the_listed_origins_and_no_other(client, settings):
    settings.PUBLIC_EMBED_ORIGINS = ["https://melinh.hanoi.gov.vn", "http://localhost:8020"]
    response = client.get(CARD)
    assert frame_ancestors(response) == ["'self'", "https://melinh.hanoi.gov.vn",
                                         "http://localhost:8020"]
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "public, max-age=300"


def test_every_other_page_refuses_any_frame(client, settings, world):
    settings.PUBLIC_EMBED_ORIGINS = ["https://melinh.hanoi.gov.vn"]
    for url in ["/public/", "/public/events/", f"/public/news/{world.article.pk}/",
                "/public/documents/", "/public/catalogue/", "/public/feed/atom/",
                "/accounts/login/"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert frame_ancestors(response) == ["'none'"], url


def test_the_card_shows_the_engines_headline_figures(client, world):
    figures = kpis.kpis(year=2018)
    body = client.get(CARD).content.decode()
    assert "Sản xuất sạch hơn Mê Linh năm 2018" in body
    assert f">{figures.aware.current}" in body and f">{figures.saving.current}" in body
    assert "<nav" not in body and "<script" not in body and "style=" not in body
    assert '<a href="/public/" target="_blank" rel="noopener">' in body


def settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = ("import json, django; from django.conf import settings as s; django.setup();"
            "print(json.dumps(s.PUBLIC_EMBED_ORIGINS))")
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "melinh_sxsh.settings",
            "DEBUG": "true"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_the_variable_is_read_from_the_environment():
    result = settings_with({})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    result = settings_with({"PUBLIC_EMBED_ORIGINS":
                            " https://melinh.hanoi.gov.vn , https://*.hanoi.gov.vn ,"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "https://melinh.hanoi.gov.vn", "https://*.hanoi.gov.vn"]
    result = settings_with({"PUBLIC_EMBED_ORIGINS": "https://a.vn; script-src *"})
    assert result.returncode != 0
    assert "PUBLIC_EMBED_ORIGINS" in result.stderr


@pytest.mark.parametrize("origin", ["melinh.hanoi.gov.vn", "https://a.vn/path", "*",
                                    "https://a.vn;", "'self'", "https://a.vn 'unsafe-inline'",
                                    "javascript:alert(1)", "https://"])
def test_anything_but_an_origin_is_refused(origin):
    with pytest.raises(ImproperlyConfigured):
        check_origins("PUBLIC_EMBED_ORIGINS", [origin])


def test_plain_origins_pass():
    origins = ["https://melinh.hanoi.gov.vn", "http://localhost:8020", "https://*.gov.vn"]
    assert check_origins("X", origins) == origins
