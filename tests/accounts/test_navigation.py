import pytest
from django.urls import reverse

from accounts.navigation import items_for

# The navigation each role sees, by link address.
COMMON = {
    "/",
    "/facilities/",
    "/audits/",
    "/audits/catalogue/",
    "/campaigns/",
    "/campaigns/models/",
    "/campaigns/documents/",
    "/reports/",
    "/reports/plans/",
    "/reports/tasks/",
}
EXPECTED = {
    "staff": COMMON
    | {"/facilities/import/", "/audits/quality/", "/reports/budget/", "/reports/locks/",
       "/audits/requests/"},
    "official_a": COMMON | {"/facilities/import/", "/audits/quality/", "/audits/requests/"},
    "unit": COMMON | {"/reports/budget/"},
    "leader": COMMON | {"/reports/budget/", "/audits/quality/", "/audits/requests/"},
    "admin": COMMON | {"/reports/budget/", "/admin/", "/audits/quality/", "/accounts/users/"},
}
# The bar itself: the overview, then the groups that open as drop-downs.
BAR = ["Tổng quan", "Số liệu", "Hoạt động", "Báo cáo"]


def links(entries):
    return [link for entry in entries for link in entry.get("children", [entry])]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_navigation_by_role(client, cast, role):
    client.force_login(cast[role])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    entries = response.context["nav_items"]
    found = [item["url"] for item in links(entries)]
    assert set(found) == EXPECTED[role] and len(found) == len(set(found))
    # A handful of entries whatever the role: the bar is one line from 1024 px up.
    assert [str(entry["label"]) for entry in entries] == BAR + (
        ["Quản trị"] if role == "admin" else []
    )
    body = response.content.decode()
    assert cast[role].get_role_display() in body
    # Each group opens, and so does the user menu.
    assert body.count('data-bs-toggle="dropdown"') == len(entries) - 1 + 1
    for url in found:
        if url != "/admin/":
            assert client.get(url).status_code == 200, url


def test_commune_official_sees_their_commune_in_the_bar(client, cast):
    client.force_login(cast["official_a"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "Thị trấn Quang Minh" in body


@pytest.mark.parametrize(
    "path, active, group",
    [
        ("/audits/quality/", "/audits/quality/", "Số liệu"),
        ("/facilities/import/", "/facilities/import/", "Số liệu"),
        ("/facilities/12/", "/facilities/", "Số liệu"),
        ("/campaigns/models/3/", "/campaigns/models/", "Hoạt động"),
        ("/campaigns/5/", "/campaigns/", "Hoạt động"),
        ("/reports/7/", "/reports/", "Báo cáo"),
        ("/reports/kpi/aware/", "/", None),
        ("/", "/", None),
    ],
)
def test_the_most_specific_item_is_the_active_one_and_its_group_too(cast, path, active, group):
    entries = items_for(cast["staff"], path)
    assert [link["url"] for link in links(entries) if link["active"]] == [active]
    assert [str(entry["label"]) for entry in entries if entry["active"]] == [group or "Tổng quan"]


def test_a_group_of_one_item_is_that_item(cast, monkeypatch):
    from accounts import navigation

    budget = navigation.NavItem("Budget", "reports:budget", "budget.view")
    monkeypatch.setattr(navigation, "MENU", (navigation.NavGroup("Money", (budget,)),))
    # The bar keeps each role's items once worked out; this menu is the test's alone.
    monkeypatch.setattr(navigation, "_visible", navigation._visible.__wrapped__)
    assert items_for(cast["leader"], "/reports/budget/") == [
        {"label": "Budget", "url": "/reports/budget/", "active": True}
    ]
    assert items_for(cast["official_a"], "/") == []


def test_the_menu_kept_per_role_is_what_the_checker_answers_each_user(cast):
    """The bar keeps each role's items once (role_may); that is only right while `can` with no
    object answers by the role alone, for every user, action and role."""
    from accounts.permissions import RULES, can, role_may, role_of

    for user in cast.values():
        for action in RULES:
            assert role_may(role_of(user), action) == can(user, action), (user.username, action)
