"""Writes about plans and their tasks."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import check
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.uploads import DOCUMENTS, MB, UploadRefused, check_upload
from reports.models import Plan, PlanTask, TaskReport


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
