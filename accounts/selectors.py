"""Reads of accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Commune, Unit, User
from accounts.permissions import OFFICER_ROLES


def units() -> QuerySet[Unit]:
    """The implementing units, in the plan's order."""
    return Unit.objects.all()


def commune_by_code(code: str) -> Commune | None:
    return Commune.objects.filter(code=code).first() if code else None


def sxsh_officers() -> QuerySet[User]:
    """The state officers in charge of cleaner production (KPI 3): active accounts marked so,
    of a role that may hold the post (accounts/permissions.OFFICER_ROLES)."""
    return User.objects.filter(role__in=OFFICER_ROLES, is_active=True, is_sxsh_officer=True)
