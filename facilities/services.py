"""Writes of facilities, statuses and imports. Each is one transaction.

Facilities and statuses are written by one function each, `facility_upsert_many` and
`status_set_many`: the forms call them with one row, the importers with thousands. Every rule
(the user's commune, the year lock, the tax code, the version an edit was made on) is checked
there, for all rows before any is written, and every write goes through bulk statements with
change history, whatever the number of rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    can,
    can_write,
    check,
    check_write,
    held_commune_id,
    may_place_in_commune,
    role_represents_facilities,
    scope_queryset,
)
from accounts.services import representative_create, user_create
from facilities.locking import locked_in_communes, locked_message
from facilities.models import (
    TAX_CODE_MESSAGE,
    Facility,
    FacilityYearStatus,
    ImportJob,
    Stage,
    normalize_tax_code,
    stage_before,
)
from facilities.signals import facilities_written
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.batches import (
    Written,
    chunks,
    create_with_history,
    retry_on_conflict,
    stored,
    update_with_history,
)
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe
from melinh_sxsh.lib.errors import DomainError, Problems, RowsRefused
from melinh_sxsh.lib.importing import MAX_ERRORS, MAX_STORED_ERRORS, REGISTRY, run_import
from melinh_sxsh.lib.jobs import ACTIVE, JobLost, JobRun, JobStatus, job_claim, job_dispatch
from melinh_sxsh.lib.text import format_number
from melinh_sxsh.lib.xlsx import MAX_BYTES, UnreadableFile, check_xlsx
from melinh_sxsh.lib.years import check_year

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = [
    "tax_code",
    "name",
    "commune",
    "address",
    "sector",
    "kind",
    "group",
    "main_products",
    "product_unit",
    "employees",
    "first_year",
    "last_year",
    "contact_person",
    "phone",
    "email",
]
# Whether the public pages may name the facility (permission `consent.change`).
CONSENT_FIELDS = ["public_consent"]
# Checked by the forms' choice fields and the templates' coded columns; a query per row if the
# model validated them again.
FOREIGN_KEYS = ["commune", "sector"]

ATTNAMES = {field.name: field.attname for field in Facility._meta.concrete_fields}


def editable_fields(user) -> list[str]:
    return EDITABLE_FIELDS + (CONSENT_FIELDS if can(user, "consent.change") else [])


def registered_message() -> str:
    return _("A facility with this tax code is already registered.")


# ---- facilities -----------------------------------------------------------------------------


@dataclass
class FacilityRow:
    """One facility to create or change.

    `values`: the fields to set; a field left out keeps what is stored (an import's empty cell).
    `pk`: the facility an edit form changes; None: the one holding `values["tax_code"]`, or a
    new one. `expected_version`: the conflict rule's; None checks nothing (imports overwrite),
    0 means the facility must be new (the form that registers one)."""

    values: dict[str, Any]
    pk: int | None = None
    expected_version: int | None = None


def facility_upsert_many(
    *, user, rows: Sequence[FacilityRow], reason: str | None = None, write: bool = True
) -> list[Written[Facility]]:
    """Create or change facilities, all or none: the one write of facilities, for the forms
    (one row) and the import (many; `reason` "import" goes into the change history).

    Every row is checked before anything is written: a commune official keeps facilities of
    their own commune only, a tax code belongs to one facility, the model's rules hold, and an
    edit was made on the version stored (StaleEdit otherwise). Any other refusal raises
    RowsRefused with each row's problem. A changed facility's version goes up, so that an edit
    form opened before the change is refused. Without `write`, only checks and says what each
    row would do. A bounded number of queries per 2,000 rows."""
    check_write(user, "facility.change")
    if not write:
        return _facility_upsert(user, rows, reason, write=False)
    return retry_on_conflict(lambda: _facility_upsert(user, rows, reason, write=True))


def _facilities_by(field: str, keys: set, *, lock: bool) -> dict[Any, Facility]:
    found = {}
    for part in chunks(sorted(keys)):
        queryset = Facility.objects.filter(**{f"{field}__in": part})
        if lock:
            queryset = queryset.select_for_update()
        found.update({getattr(facility, field): facility for facility in queryset})
    return found


def _facility_upsert(
    user, rows: Sequence[FacilityRow], reason: str | None, *, write: bool
) -> list[Written[Facility]]:
    fields = editable_fields(user)
    wanted = [{k: v for k, v in row.values.items() if k in fields} for row in rows]
    by_code = _facilities_by(
        "tax_code", {v["tax_code"] for v in wanted if v.get("tax_code")}, lock=write
    )
    by_pk = _facilities_by("pk", {row.pk for row in rows if row.pk is not None}, lock=write)
    holders = dict(by_code)  # tax code -> the facility holding it, as the rows are planned
    problems = Problems()
    planned: list[tuple[str, Facility, list[str]]] = []
    for index, (row, values) in enumerate(zip(rows, wanted, strict=True)):
        code = values.get("tax_code")
        facility = by_pk.get(row.pk) if row.pk is not None else by_code.get(code)
        if row.pk is not None and facility is None:
            problems.add(index, None, _("This facility no longer exists."))
            continue
        held_to_commune = held_commune_id(user) is not None
        if facility is not None and not can_write(user, "facility.change", facility):
            problems.add(index, "tax_code", _(
                "this tax code belongs to a facility outside your commune; ask the Economic "
                "Department") if held_to_commune else _(
                "this tax code belongs to a facility of another district"))
            continue
        if not may_place_in_commune(user, values.get("commune")):
            problems.add(index, "commune", _(
                "you may enter only facilities of your own commune") if held_to_commune else _(
                "you may enter only facilities of your own district's communes"))
            continue
        if facility is not None and row.expected_version is not None:
            if row.expected_version == 0:  # a new one was meant
                problems.add(index, "tax_code", registered_message())
                continue
            check_version(facility, row.expected_version, lambda f: facility_describe(f, user=user))
        holder = holders.get(code)
        if holder is not None and (facility is None or holder.pk != facility.pk):
            problems.add(index, "tax_code", registered_message())
            continue
        target = facility or Facility()
        diff = [k for k, v in values.items() if stored(getattr(target, ATTNAMES[k])) != stored(v)]
        if facility is not None and not diff:
            planned.append(("unchanged", facility, []))
            continue
        for name in diff:
            setattr(target, name, values[name])
        if target.commune_id is None:
            problems.add(index, "commune", _("must not be empty"))
            continue
        # A new facility is checked whole; a stored one in what changes.
        unchanged = [f.name for f in Facility._meta.fields if f.name not in diff]
        try:
            target.full_clean(
                exclude=FOREIGN_KEYS + (unchanged if facility else []),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems.add_invalid(index, exc)
            continue
        if code:
            holders[code] = target
        planned.append(("updated" if facility else "created", target, diff))
    problems.raise_any()
    if write:
        _facility_write(planned, user, reason)
    return [(change, facility) for change, facility, _diff in planned]


def _facility_write(planned, user, reason: str | None) -> None:
    new = [facility for change, facility, _diff in planned if change == "created"]
    changed = [facility for change, facility, _diff in planned if change == "updated"]
    if new or changed:
        dataversion.bump_for(Facility)  # bulk statements send no post_save
    now = timezone.now()  # bulk_update does not touch auto_now fields
    for facility in new + changed:
        facility.refresh_keys()
    for facility in changed:
        facility.version += 1
        facility.updated_at = now
    if new:
        create_with_history(new, Facility, user=user, reason=reason)
    if changed:
        names = {name for change, _f, diff in planned if change == "updated" for name in diff}
        names |= {"version", "name_sort", "search_text", "updated_at"}
        update_with_history(changed, Facility, sorted(names), user=user, reason=reason)
    if new or changed:
        facilities_written.send(sender=Facility, facility_ids=[f.pk for f in new + changed])


def facility_create(*, user, data: dict[str, Any]) -> Facility:
    """Register a facility; a commune official only in their own commune."""
    [(_change, facility)] = facility_upsert_many(
        user=user, rows=[FacilityRow(values=data, expected_version=0)]
    )
    return facility


def facility_describe(facility: Facility, *, user) -> Snapshot:
    """What the edit form shows of a facility, for the conflict rule."""
    return describe(facility, editable_fields(user))


def facility_update(
    *, user, facility_id: int, data: dict[str, Any], expected_version: int
) -> Facility:
    """Save an edit made on version `expected_version`; refuse it if the record moved on."""
    [(_change, facility)] = facility_upsert_many(
        user=user,
        rows=[FacilityRow(values=data, pk=facility_id, expected_version=expected_version)],
    )
    return facility


@transaction.atomic
def facility_delete(*, user, facility: Facility) -> None:
    """Delete a facility entered by mistake; one that anything refers to is kept."""
    check(user, "facility.delete", facility)
    try:
        facility.delete()
    except ProtectedError as exc:
        raise DomainError(
            _(
                "This facility cannot be deleted: %(count)s records refer to it. If it has closed, "
                "set its last year of operation instead."
            )
            % {"count": len(exc.protected_objects)}
        ) from exc


# ---- yearly statuses ------------------------------------------------------------------------


@dataclass
class StatusRow:
    """A facility's stage in a year. `note` None keeps the note recorded; `expected_version`
    is the version of the status where the stage was shown (0: none was), None checks
    nothing. `reason`: why the stage goes down, required when it does (see `stage_before`)."""

    facility: Facility
    year: int
    stage: int
    note: str | None = None
    expected_version: int | None = None
    reason: str | None = None


def downgrade_message(facility: Facility, year: int, old: int, new: int) -> str:
    return _(
        "%(name)s: the stage of %(year)s would go down from %(old)s to %(new)s; give the reason "
        "for lowering it."
    ) % {
        "name": facility.name,
        "year": year,
        "old": Stage(old).label,
        "new": Stage(new).label,
    }


def status_describe(status: FacilityYearStatus) -> Snapshot:
    """What the stage cell of the facility list shows, for the conflict rule."""
    return describe(status, ["stage", "set_by"])


def status_set_many(
    *, user, rows: Sequence[StatusRow], reason: str | None = None, write: bool = True
) -> list[Written[FacilityYearStatus]]:
    """Set facilities' stages for years (creating each year's status if needed), all or none:
    the one write of statuses, for the forms and the import.

    Refuses (RowsRefused) a year that is not a year of fact or is locked, a facility outside
    the user's scope, an unknown stage, a stage lower than the facility's stage before it
    (`stage_before`, counting the other rows given) without a reason (field "reason"); with
    `expected_version`, a stage someone set since it was shown (StaleEdit). A changed status
    records who set it and raises its version; a lowered one keeps its reason in the
    history."""
    check_write(user, "status.change")
    if not write:
        return _status_set(user, rows, reason, write=False)
    return retry_on_conflict(lambda: _status_set(user, rows, reason, write=True))


def _status_set(
    user, rows: Sequence[StatusRow], reason: str | None, *, write: bool
) -> list[Written[FacilityYearStatus]]:
    problems = Problems()
    for index, row in enumerate(rows):
        try:
            check_year(row.year)
        except DomainError as exc:
            problems.add(index, "year", exc.message)
    locked = locked_in_communes((row.facility.commune_id, row.year)
                                for i, row in enumerate(rows) if i not in problems)
    current: dict[tuple[int, int], FacilityYearStatus] = {}
    # Every stage up to the latest year given: a downgrade is judged against earlier years too.
    last_year = max((row.year for row in rows), default=0)
    for part in chunks(sorted({row.facility.pk for row in rows})):
        queryset = FacilityYearStatus.objects.filter(facility_id__in=part, year__lte=last_year)
        if write:
            queryset = queryset.select_for_update()
        current.update({(s.facility_id, s.year): s for s in queryset})
    # Each facility's stages by year, stored and given: a file's 2017 row counts for its 2018
    # row of the same facility.
    given: dict[int, dict[int, int]] = {}
    for (facility_id, year), status in current.items():
        given.setdefault(facility_id, {})[year] = status.stage
    for index, row in enumerate(rows):
        if index not in problems and row.stage in Stage.values:
            given.setdefault(row.facility.pk, {}).setdefault(row.year, row.stage)
    seen: set[tuple[int, int]] = set()
    planned: list[Written[FacilityYearStatus]] = []
    for index, row in enumerate(rows):
        key = (row.facility.pk, row.year)
        if index in problems:
            continue
        if (row.facility.commune_id, row.year) in locked:
            problems.add(index, "year", locked_message(row.year))
            continue
        if not can_write(user, "status.change", row.facility):
            problems.add(index, "facility", _("this facility is not in your scope"))
            continue
        if row.stage not in Stage.values:
            problems.add(index, "stage", _("Unknown stage."))
            continue
        if key in seen:
            problems.add(index, "year", _("the facility's stage for this year is set twice"))
            continue
        seen.add(key)
        status = current.get(key)
        if status is not None:
            status.facility = row.facility  # the same row: the caller's object, no query
            if row.expected_version is not None:
                check_version(status, row.expected_version, status_describe)
            before = status.stage
        else:
            others = given.get(row.facility.pk, {})
            before = stage_before({y: s for y, s in others.items() if y != row.year}, row.year)
        lowered = before is not None and row.stage < before
        why = (row.reason or "").strip()
        if lowered and not why:
            problems.add(index, "reason", downgrade_message(row.facility, row.year, before,
                                                            row.stage))
            continue
        if status is None:
            status = FacilityYearStatus(
                facility=row.facility,
                year=row.year,
                stage=row.stage,
                note=row.note or "",
                downgrade_reason=why if lowered else "",
                set_by=user,
            )
            change = "created"
        else:
            if status.stage == row.stage and row.note in (None, status.note):
                planned.append(("unchanged", status))
                continue
            if status.stage != row.stage:  # a note alone keeps the reason of the stage
                status.downgrade_reason = why if lowered else ""
            status.stage = row.stage
            if row.note is not None:
                status.note = row.note
            status.set_by = user
            change = "updated"
        try:  # the model's own rules; the year lock, its clean(), is checked above at once
            status.clean_fields(exclude=["facility", "set_by"])
        except ValidationError as exc:
            problems.add_invalid(index, exc)
            continue
        planned.append((change, status))
    problems.raise_any()
    if write:
        _status_write(planned, user, reason)
    return planned


def _status_write(planned: list[Written[FacilityYearStatus]], user, reason: str | None) -> None:
    new = [status for change, status in planned if change == "created"]
    changed = [status for change, status in planned if change == "updated"]
    if new or changed:
        dataversion.bump_for(FacilityYearStatus)  # bulk statements send no post_save
    now = timezone.now()
    for status in changed:
        status.version += 1
        status.updated_at = now
    if new:
        create_with_history(new, FacilityYearStatus, user=user, reason=reason)
    if changed:
        update_with_history(
            changed, FacilityYearStatus,
            ["stage", "note", "downgrade_reason", "set_by", "version", "updated_at"],
            user=user, reason=reason)
    if new or changed:
        facilities_written.send(
            sender=FacilityYearStatus, facility_ids=sorted({s.facility_id for s in new + changed})
        )


def status_set(
    *,
    user,
    facility: Facility,
    year: int,
    stage: int,
    note: str | None = None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> FacilityYearStatus:
    """Set a facility's stage for a year (creating the year's status if needed).

    With `expected_version` (the status's version where the stage was shown, 0 for none) the
    change is refused if someone set the stage since: the person chose without seeing it.
    A stage below the facility's stage before it needs `reason` (DomainError on "reason")."""
    [(_change, status)] = status_set_many(
        user=user,
        rows=[
            StatusRow(
                facility=facility,
                year=year,
                stage=stage,
                note=note,
                expected_version=expected_version,
                reason=reason,
            )
        ],
    )
    return status


def status_set_bulk(*, user, facility_ids: list[int], year: int, stage: int) -> int:
    """Set one stage for several facilities at once: all of them, or none."""
    check(user, "status.change")
    ids = sorted(set(facility_ids))
    if not ids:
        raise DomainError(_("Select at least one facility."))
    facilities = list(scope_queryset(user, Facility.objects.filter(pk__in=ids), "commune"))
    if len(facilities) != len(ids):
        raise DomainError(_("Some selected facilities are not in your scope; nothing was changed."))
    try:
        status_set_many(
            user=user,
            rows=[StatusRow(facility=facility, year=year, stage=stage) for facility in facilities],
        )
    except RowsRefused as exc:
        lowered = [facilities[p.row].name for p in exc.problems if p.field == "reason"]
        if not lowered:
            raise
        # A reason is given for one facility at a time, on its page.
        raise DomainError(
            _(
                "The stage of %(year)s would go down for %(names)s: lower a stage on the "
                "facility's page, with the reason. Nothing was changed."
            )
            % {"year": year, "names": ", ".join(lowered)}
        ) from exc
    return len(facilities)


# ---- imports --------------------------------------------------------------------------------


def _active_import(user) -> ImportJob | None:
    return ImportJob.objects.filter(requested_by=user, status__in=ACTIVE).first()


def _one_at_a_time(job: ImportJob) -> DomainError:
    return DomainError(
        _(
            'Your file "%(name)s" is still waiting or being checked. Wait until it is done, or '
            "cancel it, before sending another; one account sends one file at a time."
        )
        % {"name": job.original_name},
        field="file",
    )


def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Keep the uploaded file and queue its check; refuse at once what is plainly not .xlsx, and
    a second file while the account's previous one is still in the workers' hands."""
    importer = REGISTRY.get(kind)
    if importer is None:
        raise DomainError(_("Unknown template."))
    check(user, importer.action)
    active = _active_import(user)
    if active is not None:
        raise _one_at_a_time(active)
    if upload.size > MAX_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="file")
    try:
        check_xlsx(upload, upload.size)
    except UnreadableFile as exc:
        raise DomainError(str(exc), field="file") from exc
    job = ImportJob(
        kind=kind,
        file=upload,
        original_name=(upload.name or "")[:255],
        requested_by=user,
        heartbeat_at=timezone.now(),
        commune_id=held_commune_id(user),
    )
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(partial(job_dispatch, ImportJob, job.pk))
    except IntegrityError as exc:
        # Two uploads at the same moment: the constraint lets one through.
        if job.file:
            job.file.delete(save=False)
        raise _one_at_a_time(_active_import(user) or job) from exc
    return job


def import_job_confirm(*, user, job: ImportJob) -> None:
    """Write a checked file: the worker checks it again inside the writing transaction."""
    check(user, REGISTRY[job.kind].action)
    try:
        with transaction.atomic():
            updated = ImportJob.objects.filter(
                pk=job.pk, status=JobStatus.READY, apply=False
            ).update(
                status=JobStatus.QUEUED,
                apply=True,
                progress=0,
                attempts=0,
                heartbeat_at=timezone.now(),
            )
            if not updated:
                raise DomainError(_("This import is not waiting for confirmation."))
            transaction.on_commit(partial(job_dispatch, ImportJob, job.pk))
    except IntegrityError as exc:
        raise _one_at_a_time(_active_import(job.requested_by) or job) from exc


# Cancelling is possible until writing starts: queued (to check or to write), being checked,
# or checked and waiting for confirmation.
CANCELLABLE = Q(status__in=[JobStatus.QUEUED, JobStatus.READY]) | Q(
    status=JobStatus.RUNNING, apply=False
)


def import_job_cancel(*, user, job: ImportJob) -> None:
    """Cancel an import that has written nothing, and delete its stored file."""
    check(user, REGISTRY[job.kind].action)
    updated = ImportJob.objects.filter(CANCELLABLE, pk=job.pk).update(
        status=JobStatus.CANCELLED,
        finished_at=timezone.now(),
        message=_("Cancelled by %(name)s; nothing was written and the file was deleted.")
        % {"name": user.get_full_name() or user.username},
    )
    if not updated:
        raise DomainError(
            _("This import can no longer be cancelled: it is being written, or it has ended.")
        )
    # A worker still checking it reads from its open handle, then finds it no longer its own.
    name = ImportJob.objects.values_list("file", flat=True).get(pk=job.pk)
    if name:
        job.file.storage.delete(name)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def import_job_run(job_id: int) -> None:
    """Check (and, once confirmed, write) an uploaded file; the outcome stays on the job."""
    run = job_claim(ImportJob, job_id)
    if run is None:
        return
    with run:
        _import_job_run(run)


def _import_job_run(run: JobRun) -> None:
    job = ImportJob.objects.select_related("requested_by").get(pk=run.pk)
    importer = REGISTRY[job.kind](user=job.requested_by)
    # The services take no user as the command line's operator: a job whose account was
    # disabled or moved to another role is refused, and one whose account is gone writes nothing.
    gone = job.requested_by is None
    if (job.apply or not gone) and not can(job.requested_by, importer.action):
        run.finish(
            JobStatus.FAILED,
            _("The account that sent this file may no longer import it; nothing was written."),
        )
        return
    try:
        with job.file.open("rb") as handle:
            outcome = run_import(importer, handle, write=job.apply, progress=run.progress)
    except JobLost:
        return  # cancelled, or handed to another worker: nothing of ours to record
    except UnreadableFile as exc:
        run.finish(JobStatus.INVALID, str(exc), errors=[str(exc)], error_count=1)
        return
    except SoftTimeLimitExceeded:
        run.finish(
            JobStatus.FAILED,
            _(
                "Checking the file took too long and was stopped; nothing was written. Split it "
                "into smaller files."
            ),
        )
        return
    except (OperationalError, InterfaceError):
        run.release()  # transient: back to the queue; the task retries it
        raise
    except Exception:
        logger.exception("import job %s failed", run.pk)
        run.finish(
            JobStatus.FAILED,
            _(
                "The import stopped on an unexpected error; nothing was written. The Economic "
                "Department has the details in the server log."
            ),
        )
        return
    errors = [str(error) for error in outcome.errors]
    if errors:
        message = (
            _("More than %(count)s errors found; nothing was written.")
            if outcome.stopped
            else _("%(count)s errors found; nothing was written.")
        ) % {"count": format_number(MAX_ERRORS if outcome.stopped else len(errors))}
        # The last error of a stopped check says so: it is always kept.
        kept = (
            errors[: MAX_STORED_ERRORS - 1] + errors[-1:]
            if outcome.stopped
            else errors[:MAX_STORED_ERRORS]
        )
        run.finish(
            JobStatus.INVALID,
            message,
            errors=kept,
            error_count=MAX_ERRORS if outcome.stopped else len(errors),
            preview=outcome.as_preview(),
        )
    elif job.apply:
        run.finish(JobStatus.DONE, _("Written."), preview=outcome.as_preview())
    else:
        run.finish(JobStatus.READY, "", preview=outcome.as_preview())


@transaction.atomic
def account_create(*, tax_codes: Sequence[str] = (), **fields: Any) -> User:
    """Create an account (accounts.services.user_create's fields); an enterprise account is
    linked to the facilities of `tax_codes` and needs at least one, and no other role takes
    one. All or nothing."""
    represents = role_represents_facilities(fields.get("role", ""))
    if represents and not tax_codes:
        raise DomainError(_("An enterprise account needs --facility TAXCODE."))
    if tax_codes and not represents:
        raise DomainError(_("Only an enterprise account represents facilities."))
    codes = []
    for value in tax_codes:
        try:
            codes.append(normalize_tax_code(value))
        except ValidationError:
            raise DomainError(
                _("%(value)s is not a tax code: %(rule)s.")
                % {"value": value, "rule": TAX_CODE_MESSAGE}
            ) from None
    facilities = list(Facility.objects.filter(tax_code__in=codes))
    missing = sorted(set(codes) - {facility.tax_code for facility in facilities})
    if missing:
        raise DomainError(
            _("No facility has the tax code %(codes)s.") % {"codes": ", ".join(missing)}
        )
    user = user_create(**fields)
    for facility in facilities:
        facility.accounts.add(user)
    return user


@transaction.atomic
def facility_account_create(
    *, facility: Facility, username: str, password: str, full_name: str = "", email: str = ""
) -> User:
    """The account a facility opens itself (with an invitation's code): it represents that
    facility and nothing else; the password passes the same validators as every password."""
    user = representative_create(username=username, password=password, full_name=full_name,
                                 email=email)
    facility.accounts.add(user)
    return user
