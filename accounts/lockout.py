"""The login lock (django-axes): which name a failure counts against, and who is locked now.

The lock's rules are settings (AXES_* in settings.py); this module is what the portal asks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

# AccessAttempt.username holds 255 characters; a longer name is no account's anyway.
NAME_LIMIT = 255


def attempted_username(request: Any, credentials: dict | None) -> str | None:
    """The name a login attempt was made for, as the login form cleaned it, cut to what the
    attempt log can hold (axes' own lookup, with a bound)."""
    field = get_user_model().USERNAME_FIELD
    source = credentials if credentials else getattr(request, "POST", {})
    name = source.get(field)
    return None if name is None else str(name)[:NAME_LIMIT]


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Those of the names whose failures within the cool-off time reached the limit."""
    since = timezone.now() - get_cool_off()
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def unlock(username: str) -> int:
    """Forget the name's failed attempts, from every address: the lock is lifted at once."""
    return reset(username=username)
