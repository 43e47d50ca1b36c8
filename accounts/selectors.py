"""Reads of accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.lockout import locked_usernames
from accounts.models import Commune, District, Unit, User, sole_district_id
from accounts.permissions import (
    COMMUNE_BOUND,
    OFFICER_ROLES,
    check,
    held_commune_id,
    held_district_id,
    role_of,
    scope_queryset,
)
from melinh_sxsh.lib.errors import DomainError

SEARCH_MAX = 100


def units(user: Any = None) -> QuerySet[Unit]:
    """The implementing units, in the plan's order: with `user`, those of the user's district
    (every district's for those who read them all)."""
    units = Unit.objects.all()
    return units if user is None else scope_queryset(user, units, None, district_path="district")


def commune_by_code(code: str) -> Commune | None:
    return Commune.objects.filter(code=code).first() if code else None


def writing_district_id(user: Any) -> int:
    """The district a new object of `user` belongs to: the user's own (a district's people); for
    the operator at the command line (None) and for whoever reads every district, the only
    district. With several, a DomainError names them: such a user must say which."""
    if user is not None and (district_id := held_district_id(user)) is not None:
        return district_id
    only = sole_district_id()
    if only is not None:
        return only
    names = ", ".join(f"{d.code} {d}" for d in District.objects.order_by("code")[:40])
    raise DomainError(_("Several districts are loaded (%(names)s): choose the district.")
                      % {"names": names or "-"})


def communes_for(user: Any) -> QuerySet[Commune]:
    """The communes the user's pickers and filters offer, by code: their district's (a commune
    official's own only), every commune for those who read every district, none for nobody
    signed in."""
    communes = Commune.objects.order_by("code")
    if role_of(user) is None:
        return communes.none()
    if (commune_id := held_commune_id(user)) is not None:
        return communes.filter(pk=commune_id)
    if (district_id := held_district_id(user)) is not None:
        return communes.filter(district_id=district_id)
    return communes


def sxsh_officers() -> QuerySet[User]:
    """The state officers in charge of cleaner production (KPI 3): active accounts marked so,
    of a role that may hold the post (accounts/permissions.OFFICER_ROLES)."""
    return User.objects.filter(role__in=OFFICER_ROLES, is_active=True, is_sxsh_officer=True)


def commune_officials(commune_ids: Iterable[int]) -> QuerySet[User]:
    """The active accounts held to one of these communes (accounts/permissions.COMMUNE_BOUND):
    those a commune's digest of its overdue facilities goes to."""
    return User.objects.filter(role__in=COMMUNE_BOUND, commune_id__in=list(commune_ids),
                               is_active=True)


def account_get(actor: Any, pk: int, action: str) -> User:
    """Another account, if `actor` may do `action` on it (404 when missing, else as `check`)."""
    return check(actor, action, get_object_or_404(User, pk=pk))


@dataclass(frozen=True)
class AccountRow:
    user: User
    locked: bool


def account_rows(*, actor: Any, query: str = "") -> list[AccountRow]:
    """Every account (or those whose name matches `query`) with whether it is locked now."""
    users = scope_queryset(actor, User.objects.select_related("commune", "unit"), None)
    query = query.strip()[:SEARCH_MAX]
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    users = list(users.order_by("username"))
    locked = locked_usernames(user.username for user in users)
    return [AccountRow(user, user.username in locked) for user in users]
