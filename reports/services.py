"""Writes about plans and their tasks."""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from smtplib import SMTPException
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import District
from accounts.permissions import can, check, held_commune, held_district_id
from accounts.selectors import writing_district_id
from audits.mail import absolute_url, send_templated
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.conflicts import EMPTY, Snapshot, check_version, describe, shown
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.jobs import JobStatus, job_dispatch
from melinh_sxsh.lib.uploads import DOCUMENTS, MB, UploadRefused, check_upload
from melinh_sxsh.lib.years import FACT, PLAN, check_year
from reports import kpis
from reports.models import Plan, PlanTask, Report, Target, TaskReport
from reports.selectors import report_action

logger = logging.getLogger(__name__)


def task_describe(task: PlanTask) -> Snapshot:
    """What the progress-report form shows of a task, for the conflict rule: its status and the
    latest report posted on it."""
    snapshot = describe(task, ["status"])
    latest = task.reports.order_by("-created_at", "-id").first()
    snapshot["latest_report"] = [_("Latest progress report"), EMPTY if latest is None else
                                 f"{latest.reported_on:%d/%m/%Y} · {latest.text}"]
    return snapshot


@transaction.atomic
def task_report_post(*, user, task: PlanTask, reported_on: date, text: str, status: str,
                     expected_version: int | None, attachment=None) -> TaskReport:
    """A unit reports progress on its duty; the task takes the status the report gives. The
    report is refused if someone reported or changed the task since version
    `expected_version`: its status would be overwritten unseen."""
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    check(user, "task.report", task)
    check_version(task, expected_version, task_describe)
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
    if task.status != status:
        # The plan's form shows the task's status: an open plan form is now out of date.
        Plan.objects.filter(pk=task.plan_id).update(version=F("version") + 1)
    task.status = status
    task.updated_by = user
    task.version += 1
    task.save(update_fields=["status", "updated_by", "version"])
    return report


PLAN_FIELDS = ["code", "title", "year", "baseline_year", "signed_on", "signer", "signer_title"]
TARGET_FIELDS = ["mode", "value", "band_low", "band_high"]

# indicator -> {mode, value, band_low, band_high}; unit id -> {duty, status}
Targets = dict[str, dict[str, Any]]
Tasks = dict[int, dict[str, Any]]


def plan_describe(plan: Plan) -> Snapshot:
    """What the plan form shows, its targets and tasks included, for the conflict rule."""
    snapshot = describe(plan, PLAN_FIELDS)
    for target in plan.targets.all():
        band = (f" ({shown(target.band_low)}–{shown(target.band_high)}%)"
                if target.band_low is not None else "")
        snapshot[f"target:{target.indicator}"] = [
            target.get_indicator_display(),
            f"{shown(target.value)} · {target.get_mode_display()}{band}"]
    for task in plan.tasks.select_related("unit"):
        snapshot[f"task:{task.unit_id}"] = [
            _("Task of %(unit)s") % {"unit": task.unit},
            f"{task.duty}\n{task.get_status_display()}"]
    return snapshot


def _save_plan(plan: Plan) -> None:
    check_year(plan.year, PLAN)
    check_year(plan.baseline_year, FACT, field="baseline_year",
               label=Plan._meta.get_field("baseline_year").verbose_name)
    if Plan.objects.filter(district_id=plan.district_id, year=plan.year).exclude(
            pk=plan.pk).exists():
        raise DomainError(_("There is already a plan for %(year)s.") % {"year": plan.year},
                          field="year")
    # A district's plan stands under the city's plan of its year, when there is one.
    plan.parent = None if plan.district_id is None else Plan.objects.filter(
        district__isnull=True, year=plan.year).first()
    try:
        plan.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages),
                          field=None if field == "__all__" else field) from exc
    try:
        with transaction.atomic():  # someone may have saved a plan of the same year just now
            plan.save()
    except IntegrityError as exc:
        raise DomainError(_("There is already a plan for %(year)s.") % {"year": plan.year},
                          field="year") from exc
    if plan.district_id is None:  # the districts' plans of its year stand under it
        Plan.objects.filter(district__isnull=False, year=plan.year).update(parent=plan)
        Plan.objects.filter(parent=plan).exclude(year=plan.year).update(parent=None)


def _sync_parts(plan: Plan, targets: Targets, tasks: Tasks, user) -> None:
    """Make the plan's targets and tasks exactly the given ones (matched by indicator and by
    unit): others go, changed ones are updated, new ones are added."""
    for target in plan.targets.all():
        if target.indicator not in targets:
            target.delete()
        elif any(getattr(target, k) != targets[target.indicator][k] for k in TARGET_FIELDS):
            for k in TARGET_FIELDS:
                setattr(target, k, targets[target.indicator][k])
            target.save()
    have = set(plan.targets.values_list("indicator", flat=True))
    dataversion.bump_for(Target)  # bulk_create sends no post_save
    Target.objects.bulk_create([Target(plan=plan, indicator=indicator, **values)
                                for indicator, values in targets.items() if indicator not in have])
    for task in plan.tasks.all():
        wanted = tasks.get(task.unit_id)
        if wanted is None:
            task.delete()
        elif task.duty != wanted["duty"] or task.status != wanted["status"]:
            task.duty, task.status, task.updated_by = wanted["duty"], wanted["status"], user
            task.version += 1  # an open progress-report form of this task is now out of date
            task.save()
    have = set(plan.tasks.values_list("unit_id", flat=True))
    PlanTask.objects.bulk_create([PlanTask(plan=plan, unit_id=unit_id, updated_by=user, **values)
                                  for unit_id, values in tasks.items() if unit_id not in have])


@transaction.atomic
def plan_create(*, user, data: dict[str, Any], targets: Targets, tasks: Tasks) -> Plan:
    """Record a plan with its targets and its units' tasks: all of it, or nothing. It is the
    user's district's plan (the only district's while there is one), or, by a city officer,
    the city's plan."""
    check(user, "plan.change")
    try:
        district_id = writing_district_id(user)
    except DomainError:
        district_id = None  # several districts, by one who reads them all: the city's plan
    plan = Plan(**{k: v for k, v in data.items() if k in PLAN_FIELDS}, district_id=district_id)
    check(user, "plan.change", plan)
    _save_plan(plan)
    _sync_parts(plan, targets, tasks, user)
    return plan


@transaction.atomic
def plan_update(*, user, plan_id: int, data: dict[str, Any], targets: Targets, tasks: Tasks,
                expected_version: int | None) -> Plan:
    """Save the plan form made on version `expected_version`, targets and tasks included; refuse
    it if the plan moved on (someone saved it, or a unit's report changed a task's status)."""
    check(user, "plan.change")
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    check(user, "plan.change", plan)
    check_version(plan, expected_version, plan_describe)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.version += 1
    _save_plan(plan)
    _sync_parts(plan, targets, tasks, user)
    return plan


# ---- reports ------------------------------------------------------------------------------


@transaction.atomic
def report_request(*, user, year: int, commune=None, format: str = "pdf", number: str = "",
                   shortcomings: str = "", next_steps: str = "", signer: str = "",
                   signer_title: str = "") -> Report:
    """Ask for a report; it is built by a worker once this transaction commits. A commune
    official's report is always their commune's; only staff write its text and name who
    signs it."""
    check(user, "report.create")
    commune = held_commune(user) or commune
    if not can(user, "report.write"):
        number = shortcomings = next_steps = signer = signer_title = ""
    check_year(year, PLAN)
    # A commune's report is its commune's district's; the whole district's, the user's.
    try:
        district_id = commune.district_id if commune else writing_district_id(user)
    except DomainError:
        district_id = None
    if district_id is None or held_district_id(user) not in (None, district_id):
        raise DomainError(_("Choose a commune of your district, or the whole district."),
                          field="commune")
    report = Report.objects.create(year=year, district_id=district_id, commune=commune,
                                   format=format, number=number,
                                   shortcomings=shortcomings, next_steps=next_steps,
                                   signer=signer, signer_title=signer_title,
                                   requested_by=user, heartbeat_at=timezone.now())
    transaction.on_commit(partial(job_dispatch, Report, report.pk))
    return report


@transaction.atomic
def city_report_request(*, user, year: int, format: str = "pdf", number: str = "",
                        signer: str = "", signer_title: str = "") -> Report:
    """Ask for the city's report of `year` (Sở Công Thương to UBND thành phố: every district's
    figures, docs/KPI.md "The city report"); built by a worker once this transaction
    commits. It belongs to no district: only those who read every district open it."""
    check(user, "cityreport.create")
    check_year(year, PLAN)
    if format not in Report.Format.values:
        raise DomainError(_("Choose PDF or Excel."), field="format")
    report = Report.objects.create(year=year, district=None, is_city=True, format=format,
                                   number=number.strip()[:50], signer=signer.strip()[:150],
                                   signer_title=signer_title.strip()[:150],
                                   requested_by=user, heartbeat_at=timezone.now())
    transaction.on_commit(partial(job_dispatch, Report, report.pk))
    return report


def report_request_scheduled() -> Report:
    """The weekly draft of the current plan year's report of every district (Celery beat);
    returns the first district's."""
    with transaction.atomic():
        reports = [Report.objects.create(year=kpis.default_year(), district=district,
                                         format=Report.Format.PDF, scheduled=True,
                                         heartbeat_at=timezone.now())
                   for district in District.objects.order_by("code")]
        for report in reports:
            transaction.on_commit(partial(job_dispatch, Report, report.pk))
    return reports[0]


@transaction.atomic
def report_rebuild(*, user, report: Report) -> None:
    """Build a draft again (the file is replaced atomically); an issued report never changes.
    Only staff and the person who asked for the report may (permissions: report.change; the
    city's report: the city's officers, cityreport.create)."""
    check(user, report_action(report, "report.change"), report)
    updated = Report.objects.filter(pk=report.pk, issued_at__isnull=True).exclude(
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.QUEUED, progress=0, message="", attempts=0, built_on=None,
        heartbeat_at=timezone.now())
    if not updated:
        raise DomainError(_("Only a finished draft can be built again; an issued report keeps "
                            "the file it printed."))
    transaction.on_commit(partial(job_dispatch, Report, report.pk))


@transaction.atomic
def report_issue(*, user, report: Report) -> None:
    """Issue a built report: from now on its file and snapshot never change."""
    check(user, report_action(report, "report.issue"), report)
    updated = Report.objects.filter(pk=report.pk, status=JobStatus.DONE,
                                    issued_at__isnull=True).update(issued_at=timezone.now(),
                                                                   issued_by=user)
    if not updated:
        raise DomainError(_("Only a finished report that is not issued yet can be issued."))


def may_change_draft(user, report: Report) -> bool:
    """Whether the page offers to rebuild or delete the report: a draft, and the user may
    change it (staff, or the person who asked for it)."""
    return not report.is_issued and can(user, report_action(report, "report.change"), report)


@transaction.atomic
def report_delete(*, user, report: Report) -> None:
    """Delete a draft and its file; only staff and the person who asked for it may (the
    city's report: the city's officers)."""
    check(user, report_action(report, "report.change"), report)
    if report.is_issued:
        raise DomainError(_("An issued report cannot be deleted."))
    if report.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise DomainError(_("The report is being built; wait until it is done."))
    if report.file:
        report.file.delete(save=False)
    report.delete()


# ---- reports sent to the city -------------------------------------------------------------

MIN_RETURN_REASON = 10


@transaction.atomic
def report_return(*, user, report: Report, reason: str) -> None:
    """The city returns a district's issued report with a reason (docs/KPI.md, "Reports sent
    to the city"). The report stays issued and unchanged; the district corrects its data and
    issues a new report. One conditional UPDATE: a report is returned once, however many
    officers press the button."""
    check(user, "report.return", report)
    reason = (reason or "").strip()
    if len(reason) < MIN_RETURN_REASON:
        raise DomainError(_("Reason for returning: write at least %(count)s characters.")
                          % {"count": MIN_RETURN_REASON}, field="reason")
    updated = Report.objects.filter(
        pk=report.pk, issued_at__isnull=False, commune__isnull=True, is_city=False,
        returned_at__isnull=True,
    ).update(returned_at=timezone.now(), returned_by=user, return_reason=reason[:2000])
    if not updated:
        raise DomainError(_("Only an issued district report that has not been returned yet can "
                            "be returned."))
    transaction.on_commit(partial(_tell_returned, report.pk))


def _tell_returned(report_pk: int) -> None:
    """E-mail the staff member who issued the report that the city returned it, if they have
    an address. The return stands whatever the mail server says; a failure is logged."""
    report = Report.objects.select_related("issued_by", "returned_by", "district").get(
        pk=report_pk)
    address = report.issued_by.email if report.issued_by else ""
    if not address:
        return
    try:
        send_templated(to=[address], template="reports/email/report_returned.txt", context={
            "report": report,
            "url": absolute_url(reverse("reports:report_detail", args=[report.pk]))})
    except (SMTPException, OSError):
        logger.exception("the return of report %s was not mailed", report.pk)
