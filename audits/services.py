"""Writes of energy records, their lines and CP measures. Each is one transaction, and each ends
by re-evaluating the data-quality rules of the facility it touched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.permissions import check
from audits.models import CPMeasure, EnergyRecord, EnergyUse
from audits.quality import quality_refresh_ids
from facilities.importers import BATCH, chunks
from facilities.models import Facility
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe, shown
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.years import check_year

RECORD_FIELDS = ["year", "output", "product_unit", "source", "is_baseline"]
MEASURE_FIELDS = ["technique", "description", "investment_vnd", "yearly_saving_vnd",
                  "energy_saved_toe", "status", "implemented_on"]

# carrier id -> quantity: the complete set of energy lines a record should have
Lines = Mapping[int, Decimal]


def _check_lines(lines: Lines) -> None:
    if not lines:
        raise DomainError(_("Enter at least one energy line: a record without energy use "
                            "cannot be saved."))
    if any(quantity < 0 for quantity in lines.values()):
        raise DomainError(_("An energy quantity cannot be negative."))


def _year_taken(year: int) -> DomainError:
    return DomainError(_("This facility already has an energy record for %(year)s; edit that "
                         "one instead.") % {"year": year}, field="year")


def _check_unique_year(facility_id: int, year: int, exclude: int | None = None) -> None:
    taken = EnergyRecord.objects.filter(facility_id=facility_id, year=year).exclude(pk=exclude)
    if taken.exists():
        raise _year_taken(year)


def _save_record(record: EnergyRecord, user) -> None:
    record.full_clean()
    record._history_user = user
    try:
        with transaction.atomic():  # someone may have saved the same year a moment ago
            record.save()
    except IntegrityError as exc:
        raise _year_taken(record.year) from exc


def sync_lines(wanted: Sequence[tuple[EnergyRecord, Lines]], *, user,
               reason: str | None = None) -> bool:
    """Make the energy lines of each (saved) record exactly the lines paired with it, with
    change history: lines of other carriers go, changed quantities are updated, new carriers are
    added. Returns whether anything changed. A bounded number of queries for any number of
    records."""
    by_record: dict[int, dict[int, EnergyUse]] = {record.pk: {} for record, _lines in wanted}
    for part in chunks(list(by_record)):
        for use in EnergyUse.objects.filter(record_id__in=part):
            by_record[use.record_id][use.carrier_id] = use
    new, changed, removed = [], [], []
    for record, lines in wanted:
        current = by_record[record.pk]
        for carrier_id, use in current.items():
            if carrier_id not in lines:
                removed.append(use)
            elif use.quantity != lines[carrier_id]:
                use.quantity = lines[carrier_id]
                changed.append(use)
        new += [EnergyUse(record=record, carrier_id=carrier_id, quantity=quantity)
                for carrier_id, quantity in lines.items() if carrier_id not in current]
    for use in removed:  # one by one, so that the history says who removed the line and why
        use._history_user = user
        use._change_reason = reason
        use.delete()
    if changed:
        bulk_update_with_history(changed, EnergyUse, ["quantity"], batch_size=BATCH,
                                 default_user=user, default_change_reason=reason)
    if new:
        bulk_create_with_history(new, EnergyUse, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
    return bool(new or changed or removed)


@transaction.atomic
def record_create(*, user, facility: Facility, data: dict[str, Any],
                  lines: Lines) -> EnergyRecord:
    """Enter a facility's energy record for a year with its energy lines."""
    check(user, "energy.change", facility)
    check_year(data["year"])
    _check_lines(lines)
    _check_unique_year(facility.pk, data["year"])
    record = EnergyRecord(facility=facility, **{k: v for k, v in data.items()
                                                if k in RECORD_FIELDS})
    _save_record(record, user)
    sync_lines([(record, lines)], user=user)
    quality_refresh_ids([facility.pk])
    return record


def record_describe(record: EnergyRecord) -> Snapshot:
    """What the edit form shows of a record, its energy lines included, for the conflict
    rule."""
    snapshot = describe(record, RECORD_FIELDS)
    for use in record.uses.select_related("carrier").order_by("carrier_id"):
        snapshot[f"use:{use.carrier_id}"] = [str(use.carrier), shown(use.quantity)]
    return snapshot


@transaction.atomic
def record_update(*, user, record_id: int, data: dict[str, Any], lines: Lines,
                  expected_version: int | None) -> EnergyRecord:
    """Change a record and replace its energy lines, if nobody saved it since version
    `expected_version`. A verified record that changes loses its verification: what was
    verified is no longer what is stored."""
    record = EnergyRecord.objects.select_for_update().select_related("facility").get(pk=record_id)
    check(user, "energy.change", record)
    check_version(record, expected_version, record_describe)
    check_year(data.get("year", record.year))
    _check_lines(lines)
    _check_unique_year(record.facility_id, data.get("year", record.year), exclude=record.pk)
    changed = False
    for name in RECORD_FIELDS:
        if name in data and getattr(record, name) != data[name]:
            setattr(record, name, data[name])
            changed = True
    changed = sync_lines([(record, lines)], user=user) or changed
    if changed:
        record.verified_by = record.verified_at = None
        record.version += 1
        _save_record(record, user)
    quality_refresh_ids([record.facility_id])
    return record


@transaction.atomic
def record_verify(*, user, record_id: int) -> EnergyRecord:
    """Mark a record as checked against its source by an Economic Department officer."""
    record = EnergyRecord.objects.select_for_update().select_related("facility").get(pk=record_id)
    check(user, "energy.change", record)
    record.verified_by = user
    record.verified_at = timezone.now()
    record._history_user = user
    record.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return record


@transaction.atomic
def record_delete(*, user, record_id: int) -> None:
    """Delete a record entered by mistake, with its energy lines."""
    record = EnergyRecord.objects.select_related("facility").get(pk=record_id)
    check(user, "energy.change", record)
    facility_id = record.facility_id
    record._history_user = user
    record.delete()
    quality_refresh_ids([facility_id])


def _clean_measure(measure: CPMeasure) -> None:
    try:
        measure.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages),
                          field=None if field == "__all__" else field) from exc


@transaction.atomic
def measure_create(*, user, facility: Facility, data: dict[str, Any]) -> CPMeasure:
    """Record a CP measure proposed or implemented at a facility."""
    check(user, "energy.change", facility)
    measure = CPMeasure(facility=facility, **{k: v for k, v in data.items()
                                              if k in MEASURE_FIELDS})
    _clean_measure(measure)
    measure._history_user = user
    measure.save()
    quality_refresh_ids([facility.pk])
    return measure


def measure_describe(measure: CPMeasure) -> Snapshot:
    """What the edit form shows of a measure, for the conflict rule."""
    return describe(measure, MEASURE_FIELDS)


@transaction.atomic
def measure_update(*, user, measure_id: int, data: dict[str, Any],
                   expected_version: int | None) -> CPMeasure:
    """Save an edit made on version `expected_version`; refuse it if the measure moved on."""
    measure = CPMeasure.objects.select_for_update().select_related("facility").get(pk=measure_id)
    check(user, "energy.change", measure)
    check_version(measure, expected_version, measure_describe)
    for name in MEASURE_FIELDS:
        if name in data:
            setattr(measure, name, data[name])
    measure.version += 1
    _clean_measure(measure)
    measure._history_user = user
    measure.save()
    quality_refresh_ids([measure.facility_id])
    return measure


@transaction.atomic
def measure_delete(*, user, measure_id: int) -> None:
    measure = CPMeasure.objects.select_related("facility").get(pk=measure_id)
    check(user, "energy.change", measure)
    facility_id = measure.facility_id
    measure._history_user = user
    measure.delete()
    quality_refresh_ids([facility_id])
