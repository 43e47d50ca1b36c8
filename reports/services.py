"""Writes about plans and their tasks."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import can, check
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.jobs import JobStatus
from melinh_sxsh.lib.uploads import DOCUMENTS, MB, UploadRefused, check_upload
from reports.models import Plan, PlanTask, Report, TaskReport


@transaction.atomic
def task_report_post(*, user, task: PlanTask, reported_on: date, text: str, status: str,
                     attachment=None) -> TaskReport:
    """A unit reports progress on its duty; the task takes the status the report gives."""
    check(user, "task.report", task)
    if reported_on > timezone.localdate():
        raise DomainError(_("The date of the report cannot be in the future."),
                          field="reported_on")
    if not text.strip():
        raise DomainError(_("Write what was done."), field="text")
    if attachment is not None:
        try:
            check_upload(attachment, DOCUMENTS, 20 * MB)
        except UploadRefused as exc:
            raise DomainError(exc.message, field="attachment") from exc
    report = TaskReport.objects.create(
        task=task, reported_on=reported_on, text=text.strip(), status=status,
        attachment=attachment or "", attachment_name=(attachment.name or "")[:255]
        if attachment else "", reported_by=user)
    task.status = status
    task.updated_by = user
    task.save(update_fields=["status", "updated_by"])
    return report


@transaction.atomic
def plan_save(*, user, form, targets, tasks) -> Plan:
    """Save a plan with its targets and its units' tasks: all of it, or nothing."""
    check(user, "plan.change")
    plan = form.save()
    targets.instance = plan
    targets.save()
    tasks.instance = plan
    tasks.save()
    return plan


# ---- reports ------------------------------------------------------------------------------


def _dispatch(report_id: int) -> None:
    from reports.tasks import build_report

    build_report.delay(report_id)


@transaction.atomic
def report_request(*, user, year: int, commune=None, format: str = "pdf", number: str = "",
                   shortcomings: str = "", next_steps: str = "") -> Report:
    """Ask for a report; it is built by a worker once this transaction commits. A commune
    official's report is always their commune's; only staff write its text."""
    check(user, "report.create")
    if user.role == Role.COMMUNE:
        commune = user.commune
    if user.role != Role.STAFF:
        number = shortcomings = next_steps = ""
    if not 2001 <= year <= 2100:
        raise DomainError(_("Choose a year between 2001 and 2100."), field="year")
    report = Report.objects.create(year=year, commune=commune, format=format, number=number,
                                   shortcomings=shortcomings, next_steps=next_steps,
                                   requested_by=user, heartbeat_at=timezone.now())
    transaction.on_commit(lambda: _dispatch(report.pk))
    return report


def report_request_scheduled() -> Report:
    """The weekly draft of the current plan year's district report (Celery beat)."""
    plan = Plan.objects.order_by("-year").first()
    year = plan.year if plan else timezone.localdate().year
    with transaction.atomic():
        report = Report.objects.create(year=year, format=Report.Format.PDF, scheduled=True,
                                       heartbeat_at=timezone.now())
        transaction.on_commit(lambda: _dispatch(report.pk))
    return report


@transaction.atomic
def report_rebuild(*, user, report: Report) -> None:
    """Build a draft again (the file is replaced atomically); an issued report never changes."""
    check(user, "report.create", report)
    updated = Report.objects.filter(pk=report.pk, issued_at__isnull=True).exclude(
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.QUEUED, progress=0, message="", attempts=0,
        heartbeat_at=timezone.now())
    if not updated:
        raise DomainError(_("Only a finished draft can be built again; an issued report keeps "
                            "the file it printed."))
    transaction.on_commit(lambda: _dispatch(report.pk))


@transaction.atomic
def report_issue(*, user, report: Report) -> None:
    """Issue a built report: from now on its file and snapshot never change."""
    check(user, "report.issue", report)
    updated = Report.objects.filter(pk=report.pk, status=JobStatus.DONE,
                                    issued_at__isnull=True).update(issued_at=timezone.now(),
                                                                   issued_by=user)
    if not updated:
        raise DomainError(_("Only a finished report that is not issued yet can be issued."))


def may_delete(user, report: Report) -> bool:
    """Who may delete a report: a draft, by whoever asked for it or the Economic Department."""
    return (can(user, "report.create", report) and not report.is_issued
            and (user.role == Role.STAFF or report.requested_by_id == user.pk))


@transaction.atomic
def report_delete(*, user, report: Report) -> None:
    check(user, "report.create", report)
    if report.is_issued:
        raise DomainError(_("An issued report cannot be deleted."))
    if not may_delete(user, report):
        raise DomainError(_("Only the person who asked for a draft, or the Economic "
                            "Department, may delete it."))
    if report.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise DomainError(_("The report is being built; wait until it is done."))
    if report.file:
        report.file.delete(save=False)
    report.delete()
