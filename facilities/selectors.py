"""Reads of facilities and statuses, always starting from what the user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Commune
from accounts.permissions import check, requests_visible, scope_queryset, scope_write
from facilities.models import (
    Facility,
    FacilityYearStatus,
    ImportJob,
    Sector,
    YearLock,
    YearLockEvent,
    stage_before,
)
from melinh_sxsh.lib.batches import chunks


def facilities_visible(user) -> QuerySet[Facility]:
    return scope_queryset(user, Facility.objects.select_related("commune", "sector"), "commune")


def facility_get(user, pk: int, action: str = "facility.view") -> Facility:
    """The facility if the user may do `action` on it: 404 outside their scope, 403 otherwise."""
    facility = get_object_or_404(Facility.objects.select_related("commune", "sector"), pk=pk)
    check(user, action, facility)
    return facility


def facilities_by_tax_code(user, tax_codes: Iterable[str]) -> dict[str, Facility]:
    """The facilities of these tax codes that the user may see (all for the command line)."""
    found = {}
    for part in chunks(sorted(set(tax_codes))):
        queryset = scope_write(user, Facility.objects.filter(tax_code__in=part), "commune")
        found.update({facility.tax_code: facility for facility in queryset})
    return found


def facilities_in_order(user, ids: list[int]) -> list[Facility]:
    """The facilities of `ids`, in that order, leaving out any the user may not see."""
    found = {facility.pk: facility for facility in facilities_visible(user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def sectors() -> QuerySet[Sector]:
    return Sector.objects.all()


def sector_by_code(code: str) -> Sector | None:
    return Sector.objects.filter(code=code).first() if code else None


def working_year() -> int:
    """The year whose stages the list shows by default: the latest year with statuses."""
    this_year = timezone.localdate().year
    latest = FacilityYearStatus.objects.filter(year__lte=this_year).aggregate(y=Max("year"))["y"]
    return latest or this_year


def with_stage(queryset: QuerySet[Facility], year: int) -> QuerySet[Facility]:
    """Annotate each facility with its stage in `year` (None when no status was set)."""
    stage = FacilityYearStatus.objects.filter(facility=OuterRef("pk"), year=year).values("stage")
    return queryset.annotate(year_stage=Subquery(stage[:1]))


def with_stage_as_of(queryset: QuerySet[Facility], year: int) -> QuerySet[Facility]:
    """Annotate each facility with its stage in `year` as things stand (`stage_as_of`): that
    year's status, or the latest earlier one's (models.stage_before); None without any."""
    stage = (FacilityYearStatus.objects.filter(facility=OuterRef("pk"), year__lte=year)
             .order_by("-year").values("stage"))
    return queryset.annotate(stage_as_of=Subquery(stage[:1]))


def with_stage_version(queryset: QuerySet[Facility], year: int) -> QuerySet[Facility]:
    """Annotate each facility with the version of its status in `year` (0 when none): what a
    stage cell posts back, so that a stage someone set meanwhile is not overwritten unseen."""
    version = FacilityYearStatus.objects.filter(facility=OuterRef("pk"), year=year).values(
        "version")
    return queryset.annotate(year_stage_version=Coalesce(Subquery(version[:1]), 0))


def stage_cell(facility_id: int, year: int) -> Facility | None:
    """One facility with its stage and the stage's version in `year`: the list's stage cell,
    drawn again after a change."""
    return with_stage_version(with_stage(Facility.objects.filter(pk=facility_id), year),
                              year).first()


def statuses_of(facility: Facility) -> QuerySet[FacilityYearStatus]:
    return facility.statuses.select_related("set_by").order_by("-year")


def stage_in(facility: Facility, year: int) -> int | None:
    """The facility's stage in `year` as things stand: that year's status, or the latest
    earlier one's (models.stage_before); None without any."""
    stages = dict(facility.statuses.filter(year__lte=year).values_list("year", "stage"))
    return stage_before(stages, year)


def status_form_initial(statuses: list[FacilityYearStatus]) -> dict:
    """What the facility page's status form opens on: the latest status's year, stage and
    note (so that saving it, a note added, changes nothing else), or the working year when
    there is none. `statuses`: the facility's, newest first (statuses_of)."""
    if statuses:
        latest = statuses[0]
        return {"year": latest.year, "stage": latest.stage, "note": latest.note}
    return {"year": working_year()}


FACILITY_TRACKED = ["tax_code", "name", "commune", "address", "sector", "kind", "group",
                    "main_products", "product_unit", "employees", "first_year", "last_year",
                    "contact_person", "phone", "email"]


def _display(model, field_name: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(field_name)
    if isinstance(field, BooleanField):
        return _("yes") if value else _("no")
    if field.is_relation:
        return names.get((field_name, value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _entries(records, model, fields: list[str], names: dict, **extra) -> list[dict]:
    """Turn history records (oldest first) into entries with the fields each one changed."""
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is not None:
            for name in fields:
                attname = model._meta.get_field(name).attname
                old, new = getattr(before, attname), getattr(record, attname)
                if old != new:
                    changes.append((model._meta.get_field(name).verbose_name,
                                    _display(model, name, old, names),
                                    _display(model, name, new, names)))
        previous[record.id] = record
        entries.append({"date": record.history_date, "user": record.history_user,
                        "type": record.history_type, "changes": changes,
                        "reason": record.history_change_reason,
                        **{key: fn(record) for key, fn in extra.items()}})
    return entries


def history_of(facility: Facility, limit: int = 100, *, with_consent: bool = False,
               ) -> list[dict]:
    """Who changed what and when, newest first: the facility and its statuses together, with
    changes of the public consent when asked for (not for commune officials). Four queries
    whatever the length of the history."""
    names = {("commune", c.id): str(c) for c in Commune.objects.all()}
    names.update({("sector", s.id): str(s) for s in Sector.objects.all()})
    facility_records = facility.history.select_related("history_user").order_by("history_date")
    tracked = FACILITY_TRACKED + (["public_consent"] if with_consent else [])
    entries = _entries(facility_records, Facility, tracked, names,
                       object=lambda r: "facility")
    status_records = FacilityYearStatus.history.model.objects.filter(
        facility_id=facility.pk).select_related("history_user").order_by("history_date")
    entries += _entries(status_records, FacilityYearStatus, ["stage", "note"], names,
                        object=lambda r: "status", year=lambda r: r.year,
                        stage=lambda r: r.get_stage_display(),
                        lowered_because=lambda r: r.downgrade_reason)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit]


def import_jobs_visible(user) -> QuerySet[ImportJob]:
    """Import jobs the user may follow: their own; every one for staff."""
    return requests_visible(user, ImportJob.objects.select_related("requested_by"))


def import_job_get(user, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_visible(user), pk=pk)


def year_locks(user) -> QuerySet[YearLock]:
    """The locked years of the user's district (every district's for those who read them
    all)."""
    locks = YearLock.objects.select_related("locked_by", "district")
    return scope_queryset(user, locks, None, district_path="district")


def year_lock_events(user, limit: int = 50) -> QuerySet[YearLockEvent]:
    """The latest locks and unlocks of the user's district, newest first."""
    events = YearLockEvent.objects.select_related("by", "district")
    return scope_queryset(user, events, None, district_path="district")[:limit]
