"""The district boundary (issue 16): staff, leaders, commune officials and unit officers of one
district see nothing of another's, a 404 on every object page, export, file and drill-down and
not a name or a tax code of its facilities in any list, search or fragment; the city's officers
read every district and write nothing of one.

The addresses are the authorization matrix's (tests/security/test_authorization_matrix.py):
Mê Linh's world of every kind of object (tests/security/world.py) and Sóc Sơn's own
(`build_district_b`), each read by the other district's people. The expected answer is written
here (404), not read from accounts/permissions.py: a mistake there fails these tests.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import can, can_see, scope_queryset
from facilities.models import Facility
from tests.conftest import make_user
from tests.factories import FacilityFactory
from tests.security.test_authorization_matrix import (
    MATRIX,
    Requested,
    Rule,
    address,
    leak_addresses,
    page_text,
)
from tests.security.world import build_district_b, build_world

pytestmark = pytest.mark.django_db

SOC_SON = ["staff_b", "leader_b", "official_sb", "unit_b"]
ME_LINH = ["staff", "leader", "official_a", "unit"]
HIDDEN, FORBIDDEN, OK = 404, 403, 200

# Rows whose address names an object of the world though their rule asks of the role only.
OBJECT_ADDRESSES = {"campaigns:document_download": ("get",)}
# Rows about an object that is not a district's: another account (the administrator's page).
NOT_A_DISTRICTS = {"accounts:user_reset_password"}


def object_requests() -> list[tuple[str, str]]:
    """(row, method) of every request of the matrix that reads or writes one object."""
    found = []
    for name, specs in MATRIX.items():
        if name in NOT_A_DISTRICTS:
            continue
        for method, spec in zip(("get", "post"), specs, strict=True):
            about_one = isinstance(spec, Requested) or (isinstance(spec, Rule) and spec.on)
            if about_one or method in OBJECT_ADDRESSES.get(name, ()):
                found.append((name, method))
    return found


def soc_son_world(world, b) -> SimpleNamespace:
    """Sóc Sơn's objects under the names `address` reads (the plans and reports stay Mê Linh's:
    their rows are left out of the reverse direction, see SOC_SON_ROWS)."""
    return SimpleNamespace(**{**vars(world), "facility": b.facility, "record": b.record,
                              "measure": b.measure, "campaign": b.campaign,
                              "attendance": b.attendance, "attachment": b.attachment,
                              "line": b.line, "model": b.model, "document": b.document,
                              "job": b.job, "submission": b.submission})


SOC_SON_ROWS = ("facilities:", "campaigns:", "audits:")


def action_of(name: str, method: str) -> str | None:
    return getattr(MATRIX[name][0 if method == "get" else 1], "action", None)


def wrong_answers(login, people, requests, world) -> list:
    """Every answer but a 404; a 403 is right too for a role that may never do the action,
    whatever the object (the page refuses it before reading the object)."""
    wrong = []
    for name, method in requests:
        url = address(name, world)
        action = action_of(name, method)
        for role, user in people.items():
            status = getattr(login(user), method)(url).status_code
            refused = status == FORBIDDEN and action is not None and not can(user, action)
            if status != HIDDEN and not refused:
                wrong.append((role, method.upper(), name, status))
    return wrong


@pytest.mark.slow  # every object page for four roles, both ways
def test_another_districts_people_get_404_on_every_object_both_ways(login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"],
                        official_b=cast["official_b"])
    b = build_district_b()
    requests = object_requests()
    assert len(requests) > 60  # the search does find the matrix's object pages
    # Sóc Sơn's people on Mê Linh's objects (the writes come after every read: none may delete).
    ordered = sorted(requests, key=lambda request: request[1] == "post")
    assert wrong_answers(login, b.people, ordered, world) == []
    # Mê Linh's people on Sóc Sơn's.
    theirs = [request for request in ordered if request[0].startswith(SOC_SON_ROWS)]
    assert len(theirs) > 40
    melinh = {role: cast[role] for role in ME_LINH}
    assert wrong_answers(login, melinh, theirs, soc_son_world(world, b)) == []
    # Nothing was written or deleted on the way.
    assert Facility.objects.filter(pk__in=[world.facility.pk, b.facility.pk]).count() == 2


def options(body: str, field: str) -> set[str]:
    """The values a page's select `field` offers."""
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', body, re.S)
    assert select is not None, field
    return set(re.findall(r'<option value="([^"]+)"', select.group(0)))


def secrets_of(facilities) -> list[str]:
    return [secret for facility in facilities for secret in (facility.name, facility.tax_code)]


def signed_in_pages(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith("/public/")]


def leaks(client, urls, secrets) -> tuple[list, str]:
    """(url, secret) for each secret a page shows, and the text of every page."""
    found, seen = [], []
    for url in urls:
        text = page_text(client.get(url))
        found += [(url, secret) for secret in secrets if secret in text]
        seen.append(text)
    return found, "".join(seen)


@pytest.mark.slow  # every page of the matrix, read by the people of both districts
def test_no_list_export_search_or_drill_down_names_another_districts_facility(login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"],
                        official_b=cast["official_b"])
    melinh = [world.facility, world.withdrawn, world.facility_b]
    b = build_district_b()
    # Sóc Sơn's people read every page of the matrix, asking for Mê Linh's commune too (the
    # public pages are everyone's: test_authorization_matrix.py holds them to the consent).
    urls = signed_in_pages(leak_addresses(world, cast["official_a"].commune.code))
    for role in SOC_SON:
        found, text = leaks(login(b.people[role]), urls, secrets_of(melinh))
        assert found == [], role
        if role != "unit_b":  # the search reads what it looks for: their own facility
            assert b.facility.tax_code in text, role
    # Mê Linh's people, asking for Sóc Sơn's commune, and at Sóc Sơn's object pages.
    urls = signed_in_pages(leak_addresses(world, b.commune.code)) + [
        address(name, soc_son_world(world, b)) for name, _method in object_requests()
        if name.startswith(SOC_SON_ROWS)]
    for role in ME_LINH:
        found, _text = leaks(login(cast[role]), urls, secrets_of([b.facility]))
        assert found == [], role


@pytest.fixture
def city(db):
    return make_user("soct", Role.CITY)


def test_the_city_reads_both_districts_and_writes_neither(login, cast, city):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    b = build_district_b()
    client = login(city)
    for other in (world, soc_son_world(world, b)):
        for name in ("facilities:detail", "audits:record_detail", "campaigns:detail",
                     "campaigns:model_detail", "audits:request_detail",
                     "campaigns:attachment_download"):
            assert client.get(address(name, other)).status_code == OK, name
        for name in ("facilities:edit", "facilities:delete", "audits:record_edit",
                     "audits:record_verify", "campaigns:edit", "campaigns:attendance_add",
                     "campaigns:model_edit", "audits:submission_review",
                     "audits:request_letters"):
            assert client.post(address(name, other)).status_code == FORBIDDEN, name
    listed = client.get(reverse("facilities:list")).content.decode()
    assert world.facility.name in listed and b.facility.name in listed
    # Its facility filter offers every district's communes.
    assert {str(b.commune.pk), str(world.facility.commune_id)} <= options(listed, "commune")


def test_the_citys_report_is_no_districts(login, cast, city):
    """The city's report names every district's figures: it belongs to no district, and every
    district's people (of Mê Linh and of Sóc Sơn) get 404 on its page, its file and its
    actions, and do not find it in their lists; the city reads and issues it."""
    from reports.building import report_build
    from reports.services import city_report_request

    build_world(staff=cast["staff"], official_a=cast["official_a"])
    b = build_district_b()
    report = city_report_request(user=city, year=2018, format="xlsx")
    report_build(report.pk)
    people = {**{role: cast[role] for role in ME_LINH}, **b.people}
    for role, user in people.items():
        client = login(user)
        assert not can_see(user, report), role
        for name in ("reports:report_detail", "reports:report_download",
                     "reports:report_return"):
            assert client.get(reverse(name, args=[report.pk])).status_code == HIDDEN, (role,
                                                                                       name)
        for name in ("reports:report_issue", "reports:report_rebuild", "reports:report_delete",
                     "reports:report_return"):
            assert client.post(reverse(name, args=[report.pk])).status_code == HIDDEN, (role,
                                                                                        name)
        assert client.post(reverse("reports:city_report"), {"year": "2018"}).status_code in (
            FORBIDDEN,), role
        listed = client.get(reverse("reports:index"))
        assert reverse("reports:report_detail", args=[report.pk]) not in \
            listed.content.decode(), role
    client = login(city)
    for name in ("reports:report_detail", "reports:report_download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == OK, name
    assert client.post(reverse("reports:report_issue", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.is_issued


def test_each_districts_lists_and_pickers_are_its_own(login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    b = build_district_b()
    staff_b = b.people["staff_b"]
    client = login(staff_b)
    listed = client.get(reverse("facilities:list")).content.decode()
    assert b.facility.name in listed and world.facility.name not in listed
    # Filters and pickers offer Sóc Sơn's communes only.
    for url in (reverse("facilities:list"), reverse("facilities:create"),
                reverse("audits:index"), reverse("audits:quality"),
                reverse("audits:request_create")):
        offered = options(client.get(url).content.decode(), "commune")
        assert offered == {str(b.commune.pk), str(b.namesake.pk)}, url
    # Its campaigns, models, documents, data requests and imports; not Mê Linh's.
    def link(name, obj):
        return 'href="' + reverse(name, args=[obj.pk])

    for url, name, theirs, ours in (
            (reverse("campaigns:index"), "campaigns:detail", b.campaign, world.campaign),
            (reverse("campaigns:models"), "campaigns:model_detail", b.model, world.model),
            (reverse("campaigns:documents"), "campaigns:document_download", b.document,
             world.document),
            (reverse("audits:requests"), "audits:request_detail", b.submission.request,
             world.submission.request),
            (reverse("facilities:import"), "facilities:import_detail", b.job, world.job)):
        body = client.get(url).content.decode()
        assert link(name, theirs) in body and link(name, ours) not in body, url
    # The campaign form offers its own unit and models only.
    body = client.get(reverse("campaigns:create")).content.decode()
    assert options(body, "lead_unit") == {str(b.unit.pk)}
    assert options(body, "visited_model") == {str(b.model.pk)}


def test_with_one_district_the_pages_show_no_district(login, cast):
    """One code, two shapes: with Mê Linh alone no page offers a district or names the level."""
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    names = ["facilities:list", "facilities:create", "facilities:edit", "facilities:import",
             "audits:index", "audits:quality", "audits:requests", "audits:request_create",
             "campaigns:index", "campaigns:create", "campaigns:models", "campaigns:documents",
             "campaigns:document_upload", "campaigns:detail", "dashboard"]
    for role in ("staff", "leader", "official_a", "unit"):
        client = login(cast[role])
        for name in names:
            response = client.get(address(name, world))
            if response.status_code != OK:
                continue
            body = response.content.decode().lower()
            assert 'name="district"' not in body, (role, name)
            assert "quận, huyện" not in body and "sở công thương" not in body, (role, name)


def test_the_checker_reads_a_districts_communes_once_per_user(cast, commune_a,
                                                               django_assert_max_num_queries):
    facilities = [FacilityFactory(commune=commune_a, tax_code=f"01090{n:05d}") for n in range(30)]
    for role in ("staff", "leader", "unit", "official_a"):
        user = type(cast[role]).objects.get(pk=cast[role].pk)  # nothing read yet
        with django_assert_max_num_queries(1):
            assert all(can_see(user, facility) for facility in facilities)
        with django_assert_max_num_queries(0):
            assert all(can_see(user, facility) for facility in facilities)


def test_a_district_bound_role_never_sees_another_districts_rows(cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    b = build_district_b()
    for role, user in b.people.items():
        seen = set(scope_queryset(user, Facility.objects.all(), "commune"))
        assert world.facility not in seen and world.withdrawn not in seen, role
        assert not can_see(user, world.facility) and not can_see(user, world.campaign), role
        assert not can_see(user, world.submission.request), role
    for role in ME_LINH:
        assert not can_see(cast[role], b.facility) and not can_see(cast[role], b.model), role
        assert not can_see(cast[role], b.document), role
    # Whoever reads every district reads both.
    for user in (cast["admin"], make_user("soct", Role.CITY)):
        assert can_see(user, world.facility) and can_see(user, b.facility)
