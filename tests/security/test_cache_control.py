"""No shared cache keeps, and no browser shows again after logging out, anything behind the
login: every answer of every address of the authorization matrix, to every role, GET and POST,
is `Cache-Control: no-store, private`, except the public pages, which say they are public."""

import pytest
from django.urls import reverse

from tests.security.test_authorization_matrix import MATRIX, ORDER, address
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Views that declare their answers public (the same for everyone): the pages under /public/.
PUBLIC = {name for name in MATRIX if name.startswith("public:")}


def directives(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.strip().split("=")[0].lower() for part in header.split(",") if part.strip()}


def assert_private(response, where):
    got = directives(response)
    assert {"no-store", "private"} <= got, (where, response.get("Cache-Control"))
    assert "public" not in got, where


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_answer_behind_the_login_is_never_stored(name, login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    url = address(name, world)
    for method in ("get", "post"):
        for role in ORDER:
            client = login(None if role == "anonymous" else cast[role])
            response = getattr(client, method)(url)
            where = (role, method, name, response.status_code)
            if name in PUBLIC and response.status_code == 200:
                assert "public" in directives(response), where
            else:
                assert_private(response, where)


def test_downloads_are_never_stored(login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    client = login(cast["staff"])
    downloads = [
        reverse("campaigns:attachment_download", args=[world.campaign.pk, world.attachment.pk]),
        reverse("campaigns:document_download", args=[world.document.pk]),
        reverse("reports:task_report_file", args=[world.task_report.pk]),
        reverse("reports:report_download", args=[world.report.pk]),
        reverse("facilities:export"),
        reverse("facilities:import_template", args=["facilities"]),
    ]
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "attachment" in response.get("Content-Disposition", ""), url
        assert_private(response, url)


def test_after_logging_out_the_back_button_gets_the_login(login, cast):
    client = login(cast["leader"])
    page = client.get(reverse("dashboard"))
    assert_private(page, "dashboard")
    assert_private(client.post(reverse("accounts:logout")), "logout")
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert_private(response, "dashboard after logout")


def test_errors_and_refusals_are_never_stored(login, cast):
    client = login(cast["official_b"])
    for url, status in (("/facilities/999999/", 404), ("/reports/locks/", 403),
                        ("/campaigns/?q=%00", 400)):
        response = client.get(url)
        assert response.status_code == status, url
        assert_private(response, url)
