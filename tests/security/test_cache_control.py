"""No shared cache keeps, and no browser shows again after logging out, anything behind the
login: every answer of every address of the authorization matrix, to every role, GET and POST,
is `Cache-Control: no-store, private`, except the public pages, which say they are public."""

import pytest
from django.urls import reverse

from tests.security import test_authorization_matrix as matrix
from tests.security.test_authorization_matrix import assert_private
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Every address of the matrix, to every role, GET and POST: the matrix's own requests check
# each answer's Cache-Control as they go (answers() in test_authorization_matrix.py), so the
# pages are not asked twice. This makes sure that check is still made there.


def test_the_matrix_checks_every_answer_it_gets(login, cast, monkeypatch):
    checked = []
    real = matrix.assert_cached_as_it_should
    monkeypatch.setattr(matrix, "assert_cached_as_it_should",
                        lambda *args: (checked.append(args[0]), real(*args)))
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    for name in ("dashboard", "public:home"):
        for method in ("get", "post"):
            matrix.answers(method, name, login, cast, world)
    assert checked.count("dashboard") == checked.count("public:home") == 2 * len(matrix.ROLES)


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
