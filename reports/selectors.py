"""Reads about plans, tasks and reports, scoped to the user asking."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import check, held_unit_id, scope_queryset
from reports.models import Plan, PlanTask, Report, TaskReport


def plan_latest() -> Plan | None:
    return Plan.objects.prefetch_related("targets").order_by("-year").first()


def plan_for_year(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).prefetch_related("targets").first()


def plans() -> QuerySet[Plan]:
    return Plan.objects.prefetch_related("targets")


def plan_get(pk: int) -> Plan:
    # A plan is the district's: whoever may read plans reads every one.
    return get_object_or_404(Plan, pk=pk)


def plan_tasks_for_unit(*, user, plan: Plan) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(plan=plan, unit_id=user.unit_id).select_related("unit")


def unit_tasks(user) -> list[PlanTask]:
    """The latest plan's tasks of the unit the user is held to (none for the other roles)."""
    plan = plan_latest() if held_unit_id(user) is not None else None
    return list(plan_tasks_for_unit(user=user, plan=plan)) if plan else []


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def default_quarter(plan: Plan | None) -> tuple[int, int]:
    """This quarter; for a past plan, its last quarter."""
    today = timezone.localdate()
    if plan is not None and plan.year < today.year:
        return plan.year, 4
    return today.year, (today.month - 1) // 3 + 1


def tasks_overview(*, plan: Plan, year: int, quarter: int) -> QuerySet[PlanTask]:
    """The plan's tasks with their latest report date and whether they reported in the quarter.
    One query."""
    start, end = quarter_bounds(year, quarter)
    in_quarter = TaskReport.objects.filter(task=OuterRef("pk"), reported_on__range=(start, end))
    return (
        PlanTask.objects.filter(plan=plan)
        .select_related("unit")
        .annotate(last_report=Max("reports__reported_on"), reported=Exists(in_quarter))
    )


def task_get(user, pk: int, action: str = "plan.view") -> PlanTask:
    task = get_object_or_404(PlanTask.objects.select_related("unit", "plan"), pk=pk)
    check(user, action, task)
    return task


def task_reports(task: PlanTask) -> QuerySet[TaskReport]:
    return task.reports.select_related("reported_by")


def task_report_get(user, pk: int) -> TaskReport:
    """A progress report, if the user may read its task."""
    report = get_object_or_404(TaskReport.objects.select_related("task"), pk=pk)
    check(user, "plan.view", report.task)
    return report


def last_signature() -> dict[str, str]:
    """Who signed the latest report that named a signer, to offer for the next one."""
    latest = Report.objects.exclude(signer="").order_by("-created_at", "-id").values(
        "signer", "signer_title").first()
    return latest or {}


def reports_visible(user) -> QuerySet[Report]:
    """Generated reports the user may open: a commune official's commune's."""
    return scope_queryset(
        user, Report.objects.select_related("commune", "requested_by", "issued_by"), "commune"
    )


def report_get(user, pk: int, action: str = "report.view") -> Report:
    report = get_object_or_404(Report.objects.select_related("commune"), pk=pk)
    check(user, action, report)
    return report
