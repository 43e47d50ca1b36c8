"""Writes of facilities, statuses and imports. Each is one transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import can, check, may_place_in_commune, scope_queryset
from facilities.locking import ensure_open
from facilities.models import Facility, FacilityYearStatus, ImportJob, Stage
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import MAX_STORED_ERRORS, REGISTRY, run_import
from melinh_sxsh.lib.jobs import JobStatus, job_claim, job_finish, job_progress
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

def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Keep the uploaded file and queue its check; refuse at once what is plainly not .xlsx."""
    importer = REGISTRY.get(kind)
    if importer is None:
        raise DomainError(_("Unknown template."))
    check(user, importer.action)
    if upload.size > MAX_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="file")
    try:
        check_xlsx(upload, upload.size)
    except UnreadableFile as exc:
        raise DomainError(str(exc), field="file") from exc
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, file=upload, original_name=(upload.name or "")[:255], requested_by=user,
            commune_id=user.commune_id if user.role == Role.COMMUNE else None,
        )
        transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def import_job_confirm(*, user, job: ImportJob) -> None:
    """Write a checked file: the worker checks it again inside the writing transaction."""
    check(user, REGISTRY[job.kind].action)
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY, apply=False).update(
            status=JobStatus.QUEUED, apply=True, progress=0)
        if not updated:
            raise DomainError(_("This import is not waiting for confirmation."))
        transaction.on_commit(lambda: _dispatch(job.pk))


def _dispatch(job_id: int) -> None:
    from facilities.tasks import run_import_job

    run_import_job.delay(job_id)


def import_job_run(job_id: int) -> None:
    """Check (and, once confirmed, write) an uploaded file; the outcome stays on the job."""
    if not job_claim(ImportJob, job_id):
        return
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    importer = REGISTRY[job.kind](user=job.requested_by)
    try:
        with job.file.open("rb") as handle:
            outcome = run_import(importer, handle, write=job.apply,
                                 progress=lambda percent: job_progress(ImportJob, job_id, percent))
    except UnreadableFile as exc:
        job_finish(ImportJob, job_id, JobStatus.INVALID, str(exc), errors=[str(exc)],
                   error_count=1)
        return
    except (OperationalError, InterfaceError):
        # Transient: give the job back to the queue; the task retries it.
        ImportJob.objects.filter(pk=job_id).update(status=JobStatus.QUEUED)
        raise
    except Exception:
        logger.exception("import job %s failed", job_id)
        job_finish(ImportJob, job_id, JobStatus.FAILED, _(
            "The import stopped on an unexpected error; nothing was written. The Economic "
            "Department has the details in the server log."))
        return
    errors = [str(error) for error in outcome.errors]
    if errors:
        job_finish(ImportJob, job_id, JobStatus.INVALID,
                   _("%(count)s errors found; nothing was written.") % {"count": len(errors)},
                   errors=errors[:MAX_STORED_ERRORS], error_count=len(errors),
                   preview=outcome.as_preview())
    elif job.apply:
        job_finish(ImportJob, job_id, JobStatus.DONE, _("Written."), preview=outcome.as_preview())
    else:
        job_finish(ImportJob, job_id, JobStatus.READY, "", preview=outcome.as_preview())
