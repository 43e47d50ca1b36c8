"""Reads about accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.lockout import locked_usernames
from accounts.models import User
from accounts.permissions import scope_queryset

SEARCH_MAX = 100


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
