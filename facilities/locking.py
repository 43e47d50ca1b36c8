"""Locked years: once a district issues its report for a year, that year's statuses, energy
records, attendance and CP measures of the district's facilities refuse every change until a
staff member of the district unlocks it. A lock is one district's: another district's year stays
open.

The check sits at every door: the services (which the pages and the importers share, and which
check all rows of a bulk write at once with `locked_in_communes`), model clean() (the admin's
forms) and model save()/delete() as the last guard for anything else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.permissions import check
from accounts.selectors import writing_district_id
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.years import check_year


def _models():
    # facilities.models imports the YearLocked mixin from here; read the models lazily.
    from facilities.models import YearLock, YearLockEvent

    return YearLock, YearLockEvent


def locked_message(year: int) -> str:
    return _("The year %(year)s is locked because its report was issued; ask the Economic "
             "Department to unlock it before changing its data.") % {"year": year}


def in_district(district_id: int) -> dict[str, Any]:
    """The locks of a district (a `scope` of ensure_open)."""
    return {"district_id": district_id}


def of_facility(facility_id: int) -> dict[str, Any]:
    """The locks of a facility's district (a `scope` of ensure_open), read in the same query."""
    if facility_id is None:  # an admin's form not filled in yet: nothing is locked for it
        return {"pk__in": []}
    return {"district__communes__facilities": facility_id}


def ensure_open(*years: int | None, scope: dict[str, Any]) -> None:
    """Raise DomainError if any of the years is locked in the district `scope` names
    (`in_district`, `of_facility`)."""
    wanted = {year for year in years if year}
    if not wanted:
        return
    year_lock_model, _event = _models()
    closed = sorted(set(year_lock_model.objects.filter(year__in=wanted, **scope).values_list(
        "year", flat=True)))
    if closed:
        raise DomainError(locked_message(closed[0]))


class YearLocked(models.Model):
    """A record that belongs to a year; it cannot be saved or deleted while that year (or the
    year it had before the change) is locked."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        ensure_open(self.locked_year(), self._stored_year(), scope=self.lock_scope())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        ensure_open(self._stored_year(), self.locked_year(), scope=self.lock_scope())
        return super().delete(*args, **kwargs)

    def locked_year(self) -> int | None:
        raise NotImplementedError

    def lock_scope(self) -> dict[str, Any]:
        """Whose locks hold the record: its facility's district."""
        return of_facility(self.facility_id)

    def _stored_year(self) -> int | None:
        if self.pk is None:
            return None
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        return stored.locked_year() if stored is not None else None

    def clean(self) -> None:
        super().clean()
        try:
            ensure_open(self.locked_year(), self._stored_year(), scope=self.lock_scope())
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


def locked_in_communes(commune_years: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these (commune id, year) pairs fall in a year locked in the commune's district
    (one query): for services checking many rows."""
    pairs = set(commune_years)
    if not pairs:
        return set()
    year_lock_model, _event = _models()
    found = year_lock_model.objects.filter(
        year__in={year for _commune, year in pairs},
        district__communes__in={commune for commune, _year in pairs},
    ).values_list("district__communes", "year")
    return set(found) & pairs


@dataclass(frozen=True)
class Pending:
    """Work of a year still waiting, which locking the year would freeze: `count` items of
    `title`, seen at `url`."""

    count: int
    title: str
    url: str


# What a year's lock must first confirm. Higher apps register a function of the year and the
# district from their AppConfig.ready() (audits: submissions waiting for review), since
# facilities imports none of them (docs/ARCHITECTURE.md, "Import direction").
PENDING_CHECKS: list[Callable[[int, int], list[Pending]]] = []


def register_pending(check_pending: Callable[[int, int], list[Pending]]) -> None:
    if check_pending not in PENDING_CHECKS:
        PENDING_CHECKS.append(check_pending)


def pending_in(year: int, district_id: int) -> list[Pending]:
    return [item for check_pending in PENDING_CHECKS for item in check_pending(year, district_id)]


class LockNeedsConfirmation(DomainError):
    """The year still has work waiting for review; the lock needs the staff's confirmation."""

    def __init__(self, year: int, pending: list[Pending]):
        self.pending = pending
        self.count = sum(item.count for item in pending)
        super().__init__(_(
            "%(count)s forms of %(year)s are still waiting for review; locking the year now "
            "would leave them unreviewed. Review them first, or confirm that the year is locked "
            "anyway.") % {"count": self.count, "year": year}, field="confirm")


@transaction.atomic
def year_lock(*, user, year: int, note: str = "", confirmed: bool = False):
    """Lock `year` in the user's district. While work of the year waits for review
    (PENDING_CHECKS) the lock is refused unless `confirmed`, and the event records what was
    confirmed."""
    check(user, "year.lock")
    check_year(year)
    district_id = writing_district_id(user)
    YearLock, YearLockEvent = _models()  # noqa: N806
    lock, created = YearLock.objects.get_or_create(year=year, district_id=district_id,
                                                   defaults={"locked_by": user})
    if not created:
        raise DomainError(_("The year %(year)s is already locked.") % {"year": year})
    pending = pending_in(year, district_id)
    if pending and not confirmed:
        raise LockNeedsConfirmation(year, pending)  # the transaction drops the lock made above
    YearLockEvent.objects.create(year=year, district_id=district_id,
                                 action=YearLockEvent.Action.LOCK, note=note, by=user,
                                 waiting=sum(item.count for item in pending))
    return lock


@transaction.atomic
def year_unlock(*, user, year: int, note: str = "") -> None:
    """Unlock `year` in the user's district."""
    check(user, "year.lock")
    district_id = writing_district_id(user)
    YearLock, YearLockEvent = _models()  # noqa: N806
    deleted, _count = YearLock.objects.filter(year=year, district_id=district_id).delete()
    if not deleted:
        raise DomainError(_("The year %(year)s is not locked.") % {"year": year})
    YearLockEvent.objects.create(year=year, district_id=district_id,
                                 action=YearLockEvent.Action.UNLOCK, note=note, by=user)
