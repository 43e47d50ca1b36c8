"""Reads about plans, scoped to the user asking."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import Plan, PlanTask


def plan_latest() -> Plan | None:
    return Plan.objects.prefetch_related("targets").order_by("-year").first()


def plan_tasks_for_unit(*, user, plan: Plan) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(plan=plan, unit_id=user.unit_id).select_related("unit")
