"""The permission checker, for every role and every action, with and without objects."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from accounts.permissions import (
    MIN_GROUP_SIZE,
    RULES,
    can,
    can_see,
    check,
    check_document,
    check_funding_line,
    dashboard_commune,
    held_commune,
    held_commune_id,
    held_unit,
    held_unit_id,
    may_add_document,
    may_name,
    may_place_in_commune,
    may_show_group,
    requests_visible,
    scope_queryset,
    sees_every_commune,
)

ROLES = ["staff", "official_a", "unit", "leader", "admin", "enterprise", "city"]

# action -> the cast members allowed, written out by hand from the roles of README.md, "Roles".
EXPECTED = {
    "dashboard.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    "facility.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    "facility.change": {"staff", "official_a"},
    "facility.delete": {"staff"},
    "facility.import": {"staff", "official_a"},
    "consent.view": {"staff", "unit", "leader", "admin"},
    "consent.change": {"staff"},
    "status.change": {"staff", "official_a"},
    "campaign.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    "campaign.change": {"staff", "unit"},
    "model.change": {"staff"},
    "document.change": {"staff"},
    "budget.view": {"staff", "unit", "leader", "admin", "city"},
    "energy.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    "energy.change": {"staff"},
    "quality.view": {"staff", "official_a", "leader", "admin", "city"},
    "catalogue.view": {"staff", "official_a", "unit", "leader", "admin", "enterprise", "city"},
    "catalogue.names": {"staff"},
    "plan.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    # a district's plan by its staff, the city's plan by the city's officers (own level)
    "plan.change": {"staff", "city"},
    "task.report": {"staff", "unit"},
    "report.view": {"staff", "official_a", "unit", "leader", "admin", "city"},
    "report.create": {"staff", "official_a", "leader"},
    "report.issue": {"staff"},
    "report.write": {"staff"},
    "report.change": {"staff", "official_a", "leader"},
    "report.return": {"city"},
    "submissions.city": {"city", "admin"},
    "cityreport.create": {"city"},
    "cityreport.issue": {"city"},
    "year.lock": {"staff"},
    "request.view": {"staff", "official_a", "leader", "city"},
    "request.change": {"staff"},
    "submission.fill": {"staff", "enterprise"},
    "submission.review": {"staff"},
    "submission.view": {"staff", "official_a"},
    "enterprise.home": {"enterprise"},
    "system.admin": {"admin"},
    "user.change_password": {"staff", "official_a", "unit", "leader", "admin", "enterprise",
                             "city"},
    "user.reset_password": {"admin"},
}


@pytest.fixture
def cast(cast):
    """The shared cast, with an officer of the city's Department of Industry and Trade."""
    from accounts.models import Role
    from tests.conftest import make_user

    return {**cast, "city": make_user("soct", Role.CITY)}


def test_expected_table_covers_every_rule():
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_role_matrix_without_object(cast, action):
    allowed = {name for name in ROLES if can(cast[name], action)}
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_anonymous_and_inactive_may_do_nothing(cast, action):
    assert not can(AnonymousUser(), action)
    assert not can(cast["outsider"], action)


def test_unknown_action_is_a_programming_error(staff):
    with pytest.raises(KeyError):
        can(staff, "facility.destroy")


def obj(commune_id=None, unit_id=None):
    return SimpleNamespace(scope_commune_id=commune_id, scope_unit_id=unit_id)


def test_commune_official_sees_only_own_commune(cast, commune_a, commune_b):
    mine, theirs = obj(commune_a.id), obj(commune_b.id)
    official = cast["official_a"]
    assert can_see(official, mine) and not can_see(official, theirs)
    assert can(official, "facility.change", mine)
    assert not can(official, "facility.change", theirs)
    assert check(official, "facility.change", mine) is mine
    with pytest.raises(Http404):
        check(official, "facility.view", theirs)
    # Outside the scope, even an action the role may not do answers 404, not 403.
    with pytest.raises(Http404):
        check(official, "energy.change", theirs)
    # District-wide objects are visible.
    assert can_see(official, obj(None))


def test_read_only_roles_get_403_inside_their_scope(cast, commune_a):
    facility = obj(commune_a.id)
    for name in ("leader", "unit", "admin"):
        assert check(cast[name], "facility.view", facility) is facility
        with pytest.raises(PermissionDenied):
            check(cast[name], "facility.change", facility)
    # A commune official reads their commune's energy records but does not enter them.
    with pytest.raises(PermissionDenied):
        check(cast["official_a"], "energy.change", facility)


def test_unit_officer_changes_only_own_units_objects(cast):
    officer = cast["unit"]
    own, other = obj(unit_id=officer.unit_id), obj(unit_id=officer.unit_id + 1000)
    assert can(officer, "campaign.change", own)
    assert not can(officer, "campaign.change", other)
    with pytest.raises(PermissionDenied):
        check(officer, "campaign.change", other)
    # Staff change every unit's campaigns.
    assert can(cast["staff"], "campaign.change", other)


def test_scope_queryset(cast, commune_a):
    users = User.objects.all()
    assert scope_queryset(cast["staff"], users, "commune").count() == users.count()
    scoped = scope_queryset(cast["official_a"], users, "commune")
    assert set(scoped.values_list("commune_id", flat=True)) == {commune_a.id}
    assert scope_queryset(cast["official_a"], users, None).count() == users.count()
    assert scope_queryset(AnonymousUser(), users, "commune").count() == 0


def report(commune_id, requested_by_id):
    return SimpleNamespace(scope_commune_id=commune_id, requested_by_id=requested_by_id)


def test_a_report_is_rebuilt_or_deleted_by_staff_or_whoever_asked_for_it(cast, commune_a):
    """report.change: one rule for building a draft again and for deleting it."""
    staff, official, leader = cast["staff"], cast["official_a"], cast["leader"]
    for asker in (staff, official, leader, None):
        draft = report(commune_a.id, asker.pk if asker else None)
        allowed = {name for name in ("staff", "official_a", "leader", "unit", "admin",
                                     "official_b") if can(cast[name], "report.change", draft)}
        assert allowed == {"staff"} | ({asker.username} if asker else set()), asker
    # Someone else's draft: 403 inside the scope, 404 outside it.
    with pytest.raises(PermissionDenied):
        check(leader, "report.change", report(commune_a.id, staff.pk))
    with pytest.raises(Http404):
        check(cast["official_b"], "report.change", report(commune_a.id, cast["official_b"].pk))


def facility(commune_id, consent=False, pk=None):
    return SimpleNamespace(pk=pk or object(), scope_commune_id=commune_id,
                           public_consent=consent)


def test_who_may_name_a_facility(cast, commune_a, commune_b):
    mine, theirs = facility(commune_a.id), facility(commune_b.id)
    for name in ("staff", "unit", "leader", "admin"):
        assert may_name(cast[name], mine) and may_name(cast[name], theirs), name
    assert may_name(cast["official_a"], mine) and not may_name(cast["official_a"], theirs)
    assert not may_name(cast["outsider"], mine)
    # The public pages (no user, or nobody signed in): only with the facility's consent.
    for public in (None, AnonymousUser()):
        assert not may_name(public, mine)
        assert may_name(public, facility(commune_a.id, consent=True))


def test_aggregates_of_small_groups(cast, commune_a, commune_b):
    assert MIN_GROUP_SIZE == 3
    agreed = [facility(commune_a.id, consent=True, pk=n) for n in range(3)]
    refused = [facility(commune_a.id, pk=10 + n) for n in range(3)]
    # The public: a group of one facility that did not agree is hidden; three are shown;
    # two that both agreed are shown.
    assert not may_show_group(None, refused[:1])
    assert may_show_group(None, refused)
    assert may_show_group(None, agreed[:2])
    assert not may_show_group(None, [agreed[0], refused[0]])
    # The same facility twice (one row per measure) is still one facility.
    assert not may_show_group(None, [refused[0], refused[0], refused[0]])
    # A commune official: a small group of their commune only.
    official_b = cast["official_b"]
    assert not may_show_group(official_b, refused[:2])
    assert may_show_group(official_b, [facility(commune_b.id, pk=20)])
    assert may_show_group(cast["official_a"], refused[:2])
    assert may_show_group(cast["leader"], refused[:1])
    assert may_show_group(None, [])


# ---- the questions views, forms and services ask instead of naming a role ---------------------

def test_whose_pages_span_every_commune(cast, commune_a):
    everywhere = {name for name in ("staff", "official_a", "official_b", "unit", "leader",
                                    "admin", "outsider") if sees_every_commune(cast[name])}
    assert everywhere == {"staff", "unit", "leader", "admin"}
    assert not sees_every_commune(AnonymousUser())
    assert held_commune_id(cast["official_a"]) == commune_a.id
    assert held_commune(cast["official_a"]) == commune_a
    for name in ("staff", "unit", "leader", "admin", "outsider"):
        assert held_commune_id(cast[name]) is None and held_commune(cast[name]) is None, name
    assert held_commune_id(AnonymousUser()) is None and held_commune_id(None) is None


def test_where_a_facility_may_be_kept(cast, commune_a, commune_b):
    official = cast["official_a"]
    assert may_place_in_commune(official, commune_a) and may_place_in_commune(official, None)
    assert may_place_in_commune(official, commune_a.id)
    assert not may_place_in_commune(official, commune_b)
    assert not may_place_in_commune(official, commune_b.id)
    assert may_place_in_commune(cast["staff"], commune_b)


def test_the_dashboards_commune(cast, commune_a, commune_b):
    # A commune official's dashboard is their commune's, whatever the address asks for.
    assert dashboard_commune(cast["official_a"], commune_b.code) == commune_a
    assert dashboard_commune(cast["official_a"], "") == commune_a
    for name in ("staff", "unit", "leader", "admin"):
        assert dashboard_commune(cast[name], commune_b.code) == commune_b
        assert dashboard_commune(cast[name], "") is None
        assert dashboard_commune(cast[name], "99999") is None


def test_the_unit_a_unit_officer_is_held_to(cast):
    officer = cast["unit"]
    assert held_unit_id(officer) == officer.unit_id and held_unit(officer) == officer.unit
    for name in ("staff", "official_a", "leader", "admin", "outsider"):
        assert held_unit_id(cast[name]) is None and held_unit(cast[name]) is None, name


def test_requests_are_seen_by_their_requester_and_staff(cast):
    from facilities.models import ImportJob

    mine = ImportJob.objects.create(kind="facilities", requested_by=cast["official_a"])
    theirs = ImportJob.objects.create(kind="facilities", requested_by=cast["staff"])
    jobs = ImportJob.objects.all()
    assert set(requests_visible(cast["staff"], jobs)) == {mine, theirs}
    assert set(requests_visible(cast["official_a"], jobs)) == {mine}
    for name in ("official_b", "unit", "leader", "admin"):
        assert not requests_visible(cast[name], jobs).exists(), name
    assert not requests_visible(AnonymousUser(), jobs).exists()


def test_documents_and_funding_lines_follow_what_they_belong_to(cast):
    assert {name for name in ROLES if may_add_document(cast[name])} == {"staff", "unit"}
    own = SimpleNamespace(scope_commune_id=None, scope_unit_id=cast["unit"].unit_id)
    other = SimpleNamespace(scope_commune_id=None, scope_unit_id=cast["unit"].unit_id + 1000)
    check_document(cast["unit"], own)
    with pytest.raises(PermissionDenied):
        check_document(cast["unit"], other)
    with pytest.raises(PermissionDenied):  # a library document of its own: staff only
        check_document(cast["unit"], None)
    check_document(cast["staff"], None)
    check_funding_line(cast["unit"], SimpleNamespace(campaign_id=1, campaign=own))
    with pytest.raises(PermissionDenied):
        check_funding_line(cast["unit"], SimpleNamespace(campaign_id=None, model=own))
    check_funding_line(cast["staff"], SimpleNamespace(campaign_id=None, model=own))


def test_officers_are_active_staff_marked_so(cast):
    from accounts.selectors import sxsh_officers

    cast["leader"].is_sxsh_officer = True  # not a role that may hold the post
    cast["leader"].save()
    assert list(sxsh_officers()) == [cast["staff"]]


def test_own_level_actions_keep_each_level_to_its_own(cast):
    """plan.change: a district's staff on their district's plan, the city's officer on the
    city's (no district); another district's plan is not even seen (404)."""
    from tests.factories import second_district

    staff, city = cast["staff"], cast["city"]
    other, _commune, _namesake = second_district()
    ours = SimpleNamespace(scope_district_id=staff.district_id)
    city_plan = SimpleNamespace(scope_district_id=None)
    theirs = SimpleNamespace(scope_district_id=other.pk)
    assert can(staff, "plan.change", ours) and not can(staff, "plan.change", city_plan)
    assert can(staff, "plan.view", city_plan)
    with pytest.raises(Http404):
        check(staff, "plan.view", theirs)
    assert can(city, "plan.change", city_plan)
    assert not can(city, "plan.change", ours) and not can(city, "plan.change", theirs)
    assert can(city, "plan.view", theirs)
