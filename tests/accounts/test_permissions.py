"""The permission checker, for every role and every action, with and without objects."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from accounts.permissions import RULES, can, can_see, check, scope_queryset

ROLES = ["staff", "official_a", "unit", "leader", "admin"]

# action -> the cast members allowed, written out by hand from DESIGN.md's table of roles.
EXPECTED = {
    "dashboard.view": {"staff", "official_a", "unit", "leader", "admin"},
    "facility.view": {"staff", "official_a", "unit", "leader", "admin"},
    "facility.change": {"staff", "official_a"},
    "facility.delete": {"staff"},
    "facility.import": {"staff", "official_a"},
    "status.change": {"staff", "official_a"},
    "campaign.view": {"staff", "official_a", "unit", "leader", "admin"},
    "campaign.change": {"staff", "unit"},
    "model.change": {"staff"},
    "document.change": {"staff"},
    "budget.view": {"staff", "unit", "leader", "admin"},
    "energy.view": {"staff", "official_a", "unit", "leader", "admin"},
    "energy.change": {"staff"},
    "quality.view": {"staff", "official_a", "leader", "admin"},
    "plan.view": {"staff", "official_a", "unit", "leader", "admin"},
    "plan.change": {"staff"},
    "task.report": {"staff", "unit"},
    "report.view": {"staff", "official_a", "unit", "leader", "admin"},
    "report.create": {"staff", "official_a", "leader"},
    "report.issue": {"staff"},
    "year.lock": {"staff"},
    "system.admin": {"admin"},
    "user.change_password": {"staff", "official_a", "unit", "leader", "admin"},
    "user.reset_password": {"admin"},
}


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
