"""Writes of energy records, their lines and CP measures. Each is one transaction, and each ends
by re-evaluating the data-quality rules of the facilities it touched.

Energy records are written by one function, `record_upsert_many`: the record form calls it
with one row, the energy import with thousands. Every rule is checked there for all rows before
any is written, and records and their lines are written with bulk statements and change
history, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_write, check, check_write
from audits.models import CPMeasure, EnergyRecord, EnergyUse
from audits.quality import quality_refresh_ids
from facilities.locking import locked_in_communes, locked_message
from facilities.models import Facility
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.batches import (
    Written,
    chunks,
    create_with_history,
    delete_with_history,
    retry_on_conflict,
    update_with_history,
)
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe, shown
from melinh_sxsh.lib.errors import DomainError, Problems
from melinh_sxsh.lib.years import check_year

RECORD_FIELDS = ["year", "output", "product_unit", "source", "is_baseline"]
MEASURE_FIELDS = [
    "technique",
    "description",
    "investment_vnd",
    "yearly_saving_vnd",
    "energy_saved_toe",
    "status",
    "implemented_on",
]

# carrier id -> quantity: the complete set of energy lines a record should have
Lines = Mapping[int, Decimal]


def _year_taken(year: int) -> str:
    return _("This facility already has an energy record for %(year)s; edit that one instead.") % {
        "year": year
    }


@dataclass
class RecordRow:
    """A facility's energy record for a year, with the complete set of its energy lines.

    `values`: the fields of RECORD_FIELDS to set; one left out keeps what is stored (a new
    record takes the model's default). `pk`: the record an edit form changes, whose year may
    change with it; None: the facility's record of `values["year"]`, or a new one.
    `expected_version`: the conflict rule's; None checks nothing (imports overwrite), 0 means
    the record must be new (the form that enters one)."""

    facility: Facility | None
    values: dict[str, Any]
    lines: Lines
    pk: int | None = None
    expected_version: int | None = None


def record_upsert_many(
    *, user, rows: Sequence[RecordRow], reason: str | None = None, write: bool = True,
    authorized_by: Any = None,
) -> list[Written[EnergyRecord]]:
    """Enter or change energy records with their lines, all or none: the one write of energy
    records, for the form (one row) and the import (many; `reason` "import" goes into the
    change history).

    Every row is checked before anything is written: the facility in the user's scope, a year
    of fact that is not locked (nor the year a record moves from), one record per facility and
    year, at least one energy line and none negative, the model's rules, and an edit made on the
    version stored (StaleEdit otherwise); any other refusal raises RowsRefused with each row's
    problem. A record that changes (its lines included) loses its verification, since what was
    verified is no longer what is stored, and its version goes up. Without `write`, only checks
    and says what each row would do. A bounded number of queries per 2,000 rows.

    `authorized_by`: the object whose permission the caller checked instead of energy.change
    (a submission being accepted: its reviewer may be a commune official the request lets
    review, accounts/permissions.py DELEGABLE)."""
    if authorized_by is None:
        check_write(user, "energy.change")
    mayer = None if authorized_by is not None else user
    if not write:
        return _record_upsert(user, rows, reason, write=False, mayer=mayer)
    return retry_on_conflict(
        lambda: _record_upsert(user, rows, reason, write=True, mayer=mayer))


def _records(rows: Sequence[RecordRow], *, lock: bool):
    """The records the rows may touch: by id (edits), and every record of their facilities."""
    by_pk: dict[int, EnergyRecord] = {}
    for part in chunks(sorted({row.pk for row in rows if row.pk is not None})):
        queryset = EnergyRecord.objects.filter(pk__in=part).select_related("facility")
        if lock:
            queryset = queryset.select_for_update()
        by_pk.update({record.pk: record for record in queryset})
    facilities = {row.facility.pk for row in rows if row.facility is not None}
    facilities |= {record.facility_id for record in by_pk.values()}
    by_year: dict[tuple[int, int], EnergyRecord] = {}
    for part in chunks(sorted(facilities)):
        queryset = EnergyRecord.objects.filter(facility_id__in=part)
        if lock:
            queryset = queryset.select_for_update()
        by_year.update({(r.facility_id, r.year): by_pk.get(r.pk, r) for r in queryset})
    return by_pk, by_year


def _uses(records: Sequence[EnergyRecord]) -> dict[int, dict[int, EnergyUse]]:
    """record id -> carrier id -> its energy line."""
    uses: dict[int, dict[int, EnergyUse]] = {record.pk: {} for record in records}
    for part in chunks(sorted(uses)):
        for use in EnergyUse.objects.filter(record_id__in=part):
            uses[use.record_id][use.carrier_id] = use
    return uses


def _record_upsert(
    user, rows: Sequence[RecordRow], reason: str | None, *, write: bool, mayer: Any
) -> list[Written[EnergyRecord]]:
    """`mayer`: whose energy.change permission each row's facility is checked against (None:
    the operator, or a caller that checked another permission)."""
    problems = Problems()
    by_pk, by_year = _records(rows, lock=write)
    facilities, records, years = [], [], []
    for index, row in enumerate(rows):
        record = by_pk.get(row.pk) if row.pk is not None else None
        facility = record.facility if record is not None else row.facility
        year = row.values.get("year", record.year if record is not None else None)
        if row.pk is not None and record is None:
            problems.add(index, None, _("This energy record no longer exists."))
        elif not can_write(mayer, "energy.change", facility):
            problems.add(index, "facility", _("this facility is not in your scope"))
        else:
            try:
                check_year(year)
            except DomainError as exc:
                problems.add(index, "year", exc.message)
        if record is None and index not in problems:
            record = by_year.get((facility.pk, year))
        facilities.append(facility)
        records.append(record)
        years.append(year)
    # (commune, year) pairs locked in the commune's district: the year a row writes, and the
    # year its record moves from.
    locked = locked_in_communes(
        {(facility.commune_id, year) for facility, year in zip(facilities, years, strict=True)
         if facility is not None and isinstance(year, int)}
        | {(facility.commune_id, record.year) for facility, record
           in zip(facilities, records, strict=True) if record is not None}
    )
    uses = _uses([record for record in records if record is not None])
    taken: dict[tuple[int, int], int] = {}  # (facility, year) -> the row that takes it
    # (what the row does, the record, the lines to give it when they change)
    planned: list[tuple[str, EnergyRecord, Lines | None]] = []
    for index, row in enumerate(rows):
        if index in problems:
            continue
        facility, record, year = facilities[index], records[index], years[index]
        moved_from = record.year if record is not None and record.year != year else None
        commune_id = facility.commune_id
        if (commune_id, year) in locked or (commune_id, moved_from) in locked:
            problems.add(index, "year", locked_message(
                year if (commune_id, year) in locked else moved_from))
            continue
        holder = by_year.get((facility.pk, year))
        if (
            (row.expected_version == 0 and record is not None)
            or (holder is not None and holder is not record)
            or (facility.pk, year) in taken
        ):
            problems.add(index, "year", _year_taken(year))
            continue
        taken[(facility.pk, year)] = index
        if not row.lines:
            problems.add(
                index,
                None,
                _("Enter at least one energy line: a record without energy use cannot be saved."),
            )
            continue
        if any(quantity < 0 for quantity in row.lines.values()):
            problems.add(index, None, _("An energy quantity cannot be negative."))
            continue
        if record is not None and row.expected_version is not None:
            check_version(record, row.expected_version, record_describe)
        target = record or EnergyRecord(facility=facility)
        target.facility = facility  # the caller's object: no query to label the row
        diff = [k for k in RECORD_FIELDS if k in row.values and getattr(target, k) != row.values[k]]
        have = {carrier: use.quantity for carrier, use in uses.get(target.pk, {}).items()}
        lines_changed = have != dict(row.lines)
        if record is not None and not diff and not lines_changed:
            planned.append(("unchanged", record, None))
            continue
        for name in diff:
            setattr(target, name, row.values[name])
        try:  # the model's own rules; the year lock, its clean(), is checked above at once
            target.clean_fields(exclude=["facility", "verified_by"])
        except ValidationError as exc:
            problems.add_invalid(index, exc)
            continue
        planned.append(
            (
                "updated" if record is not None else "created",
                target,
                row.lines if lines_changed else None,
            )
        )
    problems.raise_any()
    if write:
        _record_write(planned, uses, user, reason)
    return [(change, record) for change, record, _lines in planned]


def _record_write(planned, uses, user, reason: str | None) -> None:
    new = [record for change, record, _lines in planned if change == "created"]
    changed = [record for change, record, _lines in planned if change == "updated"]
    dataversion.bump_for(EnergyRecord)  # bulk statements send no post_save
    now = timezone.now()  # bulk_update does not touch auto_now fields
    for record in changed:
        record.verified_by = record.verified_at = None
        record.version += 1  # an edit form opened before this change is now stale
        record.updated_at = now
    if new:
        create_with_history(new, EnergyRecord, user=user, reason=reason)
    if changed:
        update_with_history(
            changed, EnergyRecord,
            RECORD_FIELDS + ["verified_by", "verified_at", "updated_at", "version"],
            user=user, reason=reason)
    _sync_lines(
        [(record, lines) for _change, record, lines in planned if lines is not None],
        uses,
        user=user,
        reason=reason,
    )
    if new or changed:
        quality_refresh_ids([record.facility_id for record in new + changed])


def _sync_lines(
    wanted: Sequence[tuple[EnergyRecord, Lines]],
    uses: dict[int, dict[int, EnergyUse]],
    *,
    user,
    reason: str | None,
) -> None:
    """Make the energy lines of each saved record exactly the lines paired with it, with change
    history: lines of other carriers go, changed quantities are updated, new carriers are
    added. `uses` holds the records' stored lines."""
    new, changed, removed = [], [], []
    for record, lines in wanted:
        current = uses.get(record.pk, {})
        for carrier_id, use in current.items():
            if carrier_id not in lines:
                removed.append(use)
            elif use.quantity != lines[carrier_id]:
                use.quantity = lines[carrier_id]
                changed.append(use)
        new += [
            EnergyUse(record=record, carrier_id=carrier_id, quantity=quantity)
            for carrier_id, quantity in lines.items()
            if carrier_id not in current
        ]
    if new or changed or removed:
        dataversion.bump_for(EnergyUse)
    if removed:
        delete_with_history(removed, EnergyUse, user=user, reason=reason)
    if changed:
        update_with_history(changed, EnergyUse, ["quantity"], user=user, reason=reason)
    if new:
        create_with_history(new, EnergyUse, user=user, reason=reason)


def record_create(*, user, facility: Facility, data: dict[str, Any], lines: Lines) -> EnergyRecord:
    """Enter a facility's energy record for a year with its energy lines."""
    [(_change, record)] = record_upsert_many(
        user=user, rows=[RecordRow(facility=facility, values=data, lines=lines, expected_version=0)]
    )
    return record


def record_describe(record: EnergyRecord) -> Snapshot:
    """What the edit form shows of a record, its energy lines included, for the conflict
    rule."""
    snapshot = describe(record, RECORD_FIELDS)
    for use in record.uses.select_related("carrier").order_by("carrier_id"):
        snapshot[f"use:{use.carrier_id}"] = [str(use.carrier), shown(use.quantity)]
    return snapshot


def record_update(
    *, user, record_id: int, data: dict[str, Any], lines: Lines, expected_version: int
) -> EnergyRecord:
    """Change a record and replace its energy lines, if nobody saved it since version
    `expected_version`."""
    [(_change, record)] = record_upsert_many(
        user=user,
        rows=[
            RecordRow(
                facility=None,
                values=data,
                lines=lines,
                pk=record_id,
                expected_version=expected_version,
            )
        ],
    )
    return record


@transaction.atomic
def record_verify(*, user, record_id: int, authorized_by: Any = None) -> EnergyRecord:
    """Mark a record as checked against its source by an Economic Department officer (or by the
    reviewer of an accepted submission, `authorized_by`, as in record_upsert_many)."""
    record = EnergyRecord.objects.select_for_update().select_related("facility").get(pk=record_id)
    if authorized_by is None:
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
        raise DomainError(" ".join(messages), field=None if field == "__all__" else field) from exc


@transaction.atomic
def measure_create(
    *, user, facility: Facility, data: dict[str, Any], authorized_by: Any = None
) -> CPMeasure:
    """Record a CP measure proposed or implemented at a facility (`authorized_by`: the
    submission whose acceptance the caller checked instead of energy.change, as in
    record_upsert_many)."""
    if authorized_by is None:
        check(user, "energy.change", facility)
    measure = CPMeasure(facility=facility, **{k: v for k, v in data.items() if k in MEASURE_FIELDS})
    _clean_measure(measure)
    measure._history_user = user
    measure.save()
    quality_refresh_ids([facility.pk])
    return measure


def measure_describe(measure: CPMeasure) -> Snapshot:
    """What the edit form shows of a measure, for the conflict rule."""
    return describe(measure, MEASURE_FIELDS)


@transaction.atomic
def measure_update(
    *, user, measure_id: int, data: dict[str, Any], expected_version: int | None
) -> CPMeasure:
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
