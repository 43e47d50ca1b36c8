"""Reads of accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.lockout import locked_usernames
from accounts.models import Commune, Unit, User
from accounts.permissions import COMMUNE_BOUND, OFFICER_ROLES, check, scope_queryset

SEARCH_MAX = 100


def units() -> QuerySet[Unit]:
    """The implementing units, in the plan's order."""
    return Unit.objects.all()


def commune_by_code(code: str) -> Commune | None:
    return Commune.objects.filter(code=code).first() if code else None


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
