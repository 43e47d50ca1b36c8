"""Writes of facilities, statuses and imports. Each is one transaction."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can, check, held_commune_id, may_place_in_commune, scope_queryset
from facilities.locking import ensure_open
from facilities.models import Facility, FacilityYearStatus, ImportJob, Stage
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import MAX_ERRORS, MAX_STORED_ERRORS, REGISTRY, run_import
from melinh_sxsh.lib.jobs import ACTIVE, JobLost, JobRun, JobStatus, job_claim
from melinh_sxsh.lib.text import format_number
from melinh_sxsh.lib.xlsx import MAX_BYTES, UnreadableFile, check_xlsx
from melinh_sxsh.lib.years import check_year

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ["tax_code", "name", "commune", "address", "sector", "kind", "group",
                   "main_products", "product_unit", "employees", "first_year", "last_year",
                   "contact_person", "phone", "email"]
# Whether the public pages may name the facility (permission `consent.change`).
CONSENT_FIELDS = ["public_consent"]


def editable_fields(user) -> list[str]:
    return EDITABLE_FIELDS + (CONSENT_FIELDS if can(user, "consent.change") else [])


def _check_commune(user, commune) -> None:
    if not may_place_in_commune(user, commune):
        raise DomainError(_("You can only keep facilities of your own commune."), field="commune")


@transaction.atomic
def facility_create(*, user, data: dict[str, Any]) -> Facility:
    """Register a facility; a commune official only in their own commune."""
    check(user, "facility.change")
    _check_commune(user, data.get("commune"))
    if Facility.objects.filter(tax_code=data["tax_code"]).exists():
        raise DomainError(_("A facility with this tax code is already registered."),
                          field="tax_code")
    fields = editable_fields(user)
    facility = Facility(**{k: v for k, v in data.items() if k in fields})
    facility.full_clean()
    facility.save()
    return facility


def facility_describe(facility: Facility, *, user) -> Snapshot:
    """What the edit form shows of a facility, for the conflict rule."""
    return describe(facility, editable_fields(user))


@transaction.atomic
def facility_update(*, user, facility_id: int, data: dict[str, Any],
                    expected_version: int) -> Facility:
    """Save an edit made on version `expected_version`; refuse it if the record moved on."""
    facility = Facility.objects.select_for_update().select_related("commune").get(pk=facility_id)
    check(user, "facility.change", facility)
    _check_commune(user, data.get("commune"))
    fields = editable_fields(user)
    check_version(facility, expected_version, lambda f: facility_describe(f, user=user))
    tax_code = data.get("tax_code", facility.tax_code)
    if Facility.objects.filter(tax_code=tax_code).exclude(pk=facility.pk).exists():
        raise DomainError(_("A facility with this tax code is already registered."),
                          field="tax_code")
    for name in fields:
        if name in data:
            setattr(facility, name, data[name])
    facility.version += 1
    facility.full_clean()
    facility.save()
    return facility


@transaction.atomic
def facility_delete(*, user, facility: Facility) -> None:
    """Delete a facility entered by mistake; one that anything refers to is kept."""
    check(user, "facility.delete", facility)
    try:
        facility.delete()
    except ProtectedError as exc:
        raise DomainError(_(
            "This facility cannot be deleted: %(count)s records refer to it. If it has closed, "
            "set its last year of operation instead."
        ) % {"count": len(exc.protected_objects)}) from exc


def status_describe(status: FacilityYearStatus) -> Snapshot:
    """What the stage cell of the facility list shows, for the conflict rule."""
    return describe(status, ["stage", "set_by"])


@transaction.atomic
def status_set(*, user, facility: Facility, year: int, stage: int, note: str | None = None,
               expected_version: int | None = None) -> FacilityYearStatus:
    """Set a facility's stage for a year (creating the year's status if needed).

    With `expected_version` (the status's version where the stage was shown, 0 for none) the
    change is refused if someone set the stage since: the person chose without seeing it."""
    check(user, "status.change", facility)
    check_year(year)
    ensure_open(year)
    if stage not in Stage.values:
        raise DomainError(_("Unknown stage."))
    status, created = FacilityYearStatus.objects.select_for_update().get_or_create(
        facility=facility, year=year,
        defaults={"stage": stage, "note": note or "", "set_by": user},
    )
    if expected_version is not None and not created:
        check_version(status, expected_version, status_describe)
    if not created and (status.stage != stage or (note is not None and note != status.note)):
        status.stage = stage
        if note is not None:
            status.note = note
        status.set_by = user
        status.version += 1
        status.save()
    return status


@transaction.atomic
def status_set_bulk(*, user, facility_ids: list[int], year: int, stage: int) -> int:
    """Set one stage for several facilities at once: all of them, or none."""
    check(user, "status.change")
    check_year(year)
    ids = sorted(set(facility_ids))
    if not ids:
        raise DomainError(_("Select at least one facility."))
    facilities = list(scope_queryset(user, Facility.objects.filter(pk__in=ids), "commune"))
    if len(facilities) != len(ids):
        raise DomainError(_("Some selected facilities are not in your scope; nothing was changed."))
    for facility in facilities:
        status_set(user=user, facility=facility, year=year, stage=stage)
    return len(facilities)


# ---- imports --------------------------------------------------------------------------------

def _active_import(user) -> ImportJob | None:
    return ImportJob.objects.filter(requested_by=user, status__in=ACTIVE).first()


def _one_at_a_time(job: ImportJob) -> DomainError:
    return DomainError(_(
        'Your file "%(name)s" is still waiting or being checked. Wait until it is done, or '
        "cancel it, before sending another; one account sends one file at a time."
    ) % {"name": job.original_name}, field="file")


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
    job = ImportJob(kind=kind, file=upload, original_name=(upload.name or "")[:255],
                    requested_by=user, heartbeat_at=timezone.now(),
                    commune_id=held_commune_id(user))
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: _dispatch(job.pk))
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
                pk=job.pk, status=JobStatus.READY, apply=False).update(
                status=JobStatus.QUEUED, apply=True, progress=0, attempts=0,
                heartbeat_at=timezone.now())
            if not updated:
                raise DomainError(_("This import is not waiting for confirmation."))
            transaction.on_commit(lambda: _dispatch(job.pk))
    except IntegrityError as exc:
        raise _one_at_a_time(_active_import(job.requested_by) or job) from exc


# Cancelling is possible until writing starts: queued (to check or to write), being checked,
# or checked and waiting for confirmation.
CANCELLABLE = Q(status__in=[JobStatus.QUEUED, JobStatus.READY]) | Q(status=JobStatus.RUNNING,
                                                                    apply=False)


def import_job_cancel(*, user, job: ImportJob) -> None:
    """Cancel an import that has written nothing, and delete its stored file."""
    check(user, REGISTRY[job.kind].action)
    updated = ImportJob.objects.filter(CANCELLABLE, pk=job.pk).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(),
        message=_("Cancelled by %(name)s; nothing was written and the file was deleted.")
        % {"name": user.get_full_name() or user.username})
    if not updated:
        raise DomainError(_("This import can no longer be cancelled: it is being written, or "
                            "it has ended."))
    # A worker still checking it reads from its open handle, then finds it no longer its own.
    name = ImportJob.objects.values_list("file", flat=True).get(pk=job.pk)
    if name:
        job.file.storage.delete(name)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _dispatch(job_id: int) -> None:
    from facilities.tasks import run_import_job

    run_import_job.delay(job_id)


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
    try:
        with job.file.open("rb") as handle:
            outcome = run_import(importer, handle, write=job.apply, progress=run.progress)
    except JobLost:
        return  # cancelled, or handed to another worker: nothing of ours to record
    except UnreadableFile as exc:
        run.finish(JobStatus.INVALID, str(exc), errors=[str(exc)], error_count=1)
        return
    except SoftTimeLimitExceeded:
        run.finish(JobStatus.FAILED, _(
            "Checking the file took too long and was stopped; nothing was written. Split it "
            "into smaller files."))
        return
    except (OperationalError, InterfaceError):
        run.release()  # transient: back to the queue; the task retries it
        raise
    except Exception:
        logger.exception("import job %s failed", run.pk)
        run.finish(JobStatus.FAILED, _(
            "The import stopped on an unexpected error; nothing was written. The Economic "
            "Department has the details in the server log."))
        return
    errors = [str(error) for error in outcome.errors]
    if errors:
        message = (_("More than %(count)s errors found; nothing was written.") if outcome.stopped
                   else _("%(count)s errors found; nothing was written.")) % {
            "count": format_number(MAX_ERRORS if outcome.stopped else len(errors))}
        # The last error of a stopped check says so: it is always kept.
        kept = (errors[:MAX_STORED_ERRORS - 1] + errors[-1:] if outcome.stopped
                else errors[:MAX_STORED_ERRORS])
        run.finish(JobStatus.INVALID, message, errors=kept,
                   error_count=MAX_ERRORS if outcome.stopped else len(errors),
                   preview=outcome.as_preview())
    elif job.apply:
        run.finish(JobStatus.DONE, _("Written."), preview=outcome.as_preview())
    else:
        run.finish(JobStatus.READY, "", preview=outcome.as_preview())
