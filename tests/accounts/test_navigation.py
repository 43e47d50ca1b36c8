import pytest
from django.urls import reverse

# The navigation each role sees, by link address.
COMMON = {"/", "/facilities/", "/campaigns/", "/audits/", "/reports/"}
EXPECTED = {
    "staff": COMMON | {"/facilities/import/", "/reports/tasks/", "/reports/budget/"},
    "official_a": COMMON | {"/facilities/import/"},
    "unit": COMMON | {"/reports/tasks/", "/reports/budget/"},
    "leader": COMMON | {"/reports/budget/"},
    "admin": COMMON | {"/reports/budget/", "/admin/"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_navigation_by_role(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    links = {item["url"] for item in response.context["nav_items"]}
    assert links == EXPECTED[role]
    body = response.content.decode()
    assert cast[role].get_role_display() in body
    for url in links:
        assert client.get(url).status_code == 200, url


def test_commune_official_sees_their_commune_in_the_bar(client, cast):
    client.force_login(cast["official_a"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "Thị trấn Quang Minh" in body
