"""Writing many rows at a time: in batches of one size, in bulk statements with change history,
and once more when a concurrent insert got there first.

Hand-written rather than more-itertools' `chunked`: three lines for one dependency;
`itertools.batched` takes its place once the project runs on Python 3.12.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, connection, router, transaction
from django.db.models import Model
from django.utils import timezone

from melinh_sxsh.lib import dataversion

T = TypeVar("T")
M = TypeVar("M", bound=Model)
# What a row given to a many-row service did ("created", "updated" or "unchanged"), with the
# object as it now is.
Written = tuple[str, T]

# Rows per bulk statement and per `IN (...)` list: well under SQLite's 32,766 parameters, and
# what an import keeps in hand at a time.
BATCH = 2000


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_with_history(
    objs: Sequence[M], model: type[M], *, user, reason: str | None
) -> Sequence[M]:
    """`bulk_create`, and a "+" row in the change history for each, as saving them one at a
    time would: who, when and why, the rows copied by the database (`_history_copy`).
    Returns `objs`, each with its key."""
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    _history_copy(model, [obj.pk for obj in objs], user=user, reason=reason, kind="+")
    return objs


def update_with_history(
    objs: Sequence[Model], model: type[Model], fields: Sequence[str], *, user,
    reason: str | None,
) -> None:
    """`bulk_update` of `fields`, and a "~" row in the change history for each."""
    model._default_manager.bulk_update(objs, fields, batch_size=BATCH)
    _history_copy(model, [obj.pk for obj in objs], user=user, reason=reason, kind="~")


def _history_copy(model: type[Model], pks: Sequence[int], *, user, reason: str | None,
                  kind: str) -> None:
    """A history row for each of `pks` as its table now holds it: one INSERT ... SELECT a
    batch. simple_history's bulk helpers build a model instance a row and send every value
    back; for an import of tens of thousands of rows that was a fifth of its time."""
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    extra = ", ".join(quote(history._meta.get_field(name).column) for name in (
        "history_date", "history_user", "history_type", "history_change_reason"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Names from the models' own metadata, quoted; every value a parameter.
    insert = (f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {extra}) "  # noqa: S608
              f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
              f"WHERE {quote(model._meta.pk.column)} IN ")
    with connection.cursor() as cursor:
        for part in chunks(pks):
            cursor.execute(f"{insert}({', '.join(['%s'] * len(part))})",
                           [now, getattr(user, "pk", None), kind, reason, *part])


def delete_with_history(
    objs: Sequence[Model], model: type[Model], *, user, reason: str | None
) -> None:
    """Delete rows that nothing refers to, each leaving a "-" row in its change history that
    says who and why, as `delete()` one at a time would, in a few statements for any number.

    The rows go through Django's own fast delete (`_raw_delete`): a queryset's `delete()` would
    send each row's post_delete, and simple_history would then write every history row again,
    one statement each, without the user."""
    dataversion.bump_for(model)  # a raw delete sends no post_delete
    pks = [obj.pk for obj in objs]
    _history_copy(model, pks, user=user, reason=reason, kind="-")
    using = router.db_for_write(model)
    for part in chunks(pks):
        model._base_manager.filter(pk__in=part)._raw_delete(using)


def retry_on_conflict(write: Callable[[], T]) -> T:
    """Run `write` in a savepoint, and once more if a row it inserts was inserted by someone
    else meanwhile (a unique constraint): the second run finds that row and updates or refuses
    it like any stored row."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


def stored(value: Any) -> Any:
    """A value as its column holds it: a related object by its key."""
    return value.pk if isinstance(value, Model) else value
