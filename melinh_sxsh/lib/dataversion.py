"""Figures computed once per change, not once per request.

A single row holds a random token. Every write that can change a figure replaces it in the same
transaction (`bump`): the receivers `track` connects for the models that feed the figures
(reports/kpis/sources.py lists them), and an explicit `bump_for` in the many-row writes that
send no signal (bulk statements, raw deletes). Cached figures are filed under the token read
at the start of the request (`cached`), so a committed write is seen by the very next request
in every process; an uncommitted or rolled-back one leaves the token as it was.

The token's row is locked by the first write of a transaction until it commits: writers of
figures take turns at that point (docs/PERFORMANCE.md, "Figures cached per change").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
ROW = 1
# Long enough to outlive any quiet spell; a change makes the entries unreachable anyway.
TIMEOUT_S = 24 * 3600
_tracked: dict[type[Model], frozenset[str]] = {}


def bump() -> None:
    """A new token, written in the current transaction."""
    from melinh_sxsh.models import DataVersion

    token = secrets.token_hex(16)
    if not DataVersion.objects.filter(pk=ROW).update(token=token):
        # The row is missing only in a flushed test database.
        DataVersion.objects.bulk_create([DataVersion(pk=ROW, token=token)],
                                        ignore_conflicts=True)
        DataVersion.objects.filter(pk=ROW).update(token=token)


def current() -> str:
    """The token now committed (or written by this transaction): one short query."""
    from melinh_sxsh.models import DataVersion

    return DataVersion.objects.filter(pk=ROW).values_list("token", flat=True).first() or "-"


def cached(name: str, compute: Callable[[], T], *parts: object, token: str | None = None) -> T:
    """`compute()`, computed once per data version for `name` and `parts` (which must say
    everything else the value depends on: year, scope, language)."""
    key = ":".join(["figures", token or current(), name, *(str(part) for part in parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_S)
    return value


def track(model: type[Model], *, ignore_fields: Iterable[str] = ()) -> None:
    """Every save and delete of `model` moves the version; a save that wrote only
    `ignore_fields` (e.g. a user's last login) does not."""
    _tracked[model] = frozenset(ignore_fields)
    uid = f"dataversion-{model._meta.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid)


def tracked(model: type[Model]) -> bool:
    return model in _tracked


def bump_for(model: type[Model]) -> None:
    """For writes that send no signal (bulk statements, raw deletes) of `model`."""
    if model in _tracked:
        bump()


def _saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    ignored = _tracked.get(sender, frozenset())
    if update_fields is not None and ignored and set(update_fields) <= ignored:
        return
    bump()


def _deleted(sender, instance, **kwargs) -> None:
    bump()
