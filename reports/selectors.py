"""Reads about plans, scoped to the user asking."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import check
from reports.models import Plan, PlanTask, TaskReport


def plan_latest() -> Plan | None:
    return Plan.objects.prefetch_related("targets").order_by("-year").first()


def plan_tasks_for_unit(*, user, plan: Plan) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(plan=plan, unit_id=user.unit_id).select_related("unit")


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
    return PlanTask.objects.filter(plan=plan).select_related("unit").annotate(
        last_report=Max("reports__reported_on"), reported=Exists(in_quarter))


def task_get(user, pk: int, action: str = "plan.view") -> PlanTask:
    task = get_object_or_404(PlanTask.objects.select_related("unit", "plan"), pk=pk)
    check(user, action, task)
    return task


def plan_for_year(year: int) -> Plan | None:
    return Plan.objects.filter(year=year).prefetch_related("targets").first()
