import pytest
from django.urls import reverse

# The navigation each role sees, by link address.
COMMON = {"/", "/facilities/", "/campaigns/", "/audits/", "/reports/"}
EXPECTED = {
    "staff": COMMON | {"/facilities/import/", "/reports/tasks/", "/reports/budget/",
                       "/audits/quality/"},
    "official_a": COMMON | {"/facilities/import/", "/audits/quality/"},
    "unit": COMMON | {"/reports/tasks/", "/reports/budget/"},
    "leader": COMMON | {"/reports/budget/", "/audits/quality/"},
    "admin": COMMON | {"/reports/budget/", "/admin/", "/audits/quality/", "/accounts/users/"},
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


def test_the_most_specific_item_is_the_active_one(client, cast):
    client.force_login(cast["staff"])
    active = [i["url"] for i in client.get("/audits/quality/").context["nav_items"]
              if i["active"]]
    assert active == ["/audits/quality/"]
    active = [i["url"] for i in client.get("/facilities/import/").context["nav_items"]
              if i["active"]]
    assert active == ["/facilities/import/"]
