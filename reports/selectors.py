"""Reads about plans, tasks and reports, scoped to the user asking."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from accounts.permissions import can, check, held_district_id, held_unit_id, scope_queryset
from reports import kpis
from reports.models import Plan, PlanTask, Report, TaskReport


def district_by_code(code: str) -> District | None:
    """A district by its code, for the address of a city-wide page (None: empty or unknown)."""
    return District.objects.filter(code=code).first() if code else None


def plans(user) -> QuerySet[Plan]:
    """The plans the user may read: their district's and the city's (every one for those who
    read every district), newest first."""
    return scope_queryset(user, Plan.objects.select_related("district").prefetch_related(
        "targets"), None, district_path="district")


def _own_first(user, plans: QuerySet[Plan]) -> QuerySet[Plan]:
    # A district's people get their district's plan before the city's; those who read every
    # district, the city's before a district's.
    district = F("district_id")
    if held_district_id(user) is None:
        return plans.order_by(district.asc(nulls_first=True))
    return plans.order_by(district.asc(nulls_last=True))


def plan_latest(user) -> Plan | None:
    latest = plans(user).order_by("-year").values_list("year", flat=True).first()
    return None if latest is None else plan_for_year(user, latest)


def plan_for_year(user, year: int) -> Plan | None:
    """The plan of `year` the user's pages show: their district's, else the city's."""
    return _own_first(user, plans(user).filter(year=year)).first()


def plan_get(user, pk: int) -> Plan:
    """A plan the user may read: their district's or the city's (404 for another district's)."""
    plan = get_object_or_404(Plan.objects.select_related("district"), pk=pk)
    check(user, "plan.view", plan)
    return plan


def plan_tasks_for_unit(*, user, plan: Plan) -> QuerySet[PlanTask]:
    return PlanTask.objects.filter(plan=plan, unit_id=user.unit_id).select_related("unit")


def unit_tasks(user) -> list[PlanTask]:
    """The latest plan's tasks of the unit the user is held to (none for the other roles)."""
    plan = plan_latest(user) if held_unit_id(user) is not None else None
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
    report = get_object_or_404(TaskReport.objects.select_related("task__plan"), pk=pk)
    check(user, "plan.view", report.task)
    return report


def last_signature(user, *, city: bool = False) -> dict[str, str]:
    """Who signed the latest report of the user's district (with `city`, the city's report)
    that named a signer, to offer for the next one."""
    signed = Report.objects.exclude(signer="").filter(is_city=city)
    if (district_id := held_district_id(user)) is not None:
        signed = signed.filter(district_id=district_id)
    latest = signed.order_by("-created_at", "-id").values("signer", "signer_title").first()
    return latest or {}


def reports_visible(user) -> QuerySet[Report]:
    """Generated reports the user may open: their district's (a commune official's: their
    commune's)."""
    return scope_queryset(
        user, Report.objects.select_related("commune", "requested_by", "issued_by"), "commune",
        district_path="district",
    )


# What a district report's action is called on the city's report: the city's officers build,
# rebuild, delete and issue it (accounts/permissions.py, "cityreport.*").
CITY_REPORT_ACTIONS = {"report.create": "cityreport.create", "report.change": "cityreport.create",
                       "report.issue": "cityreport.issue"}


def report_action(report: Report, action: str) -> str:
    """The action `action` asks of this report: the city report's own for the city's."""
    return CITY_REPORT_ACTIONS.get(action, action) if report.is_city else action


def report_get(user, pk: int, action: str = "report.view") -> Report:
    report = get_object_or_404(Report.objects.select_related(
        "commune", "district", "returned_by"), pk=pk)
    check(user, report_action(report, action), report)
    if report.is_city and action == "report.return":  # only a district's report goes back
        raise Http404
    return report


# ---- reports sent to the city (docs/KPI.md, "Reports sent to the city") ---------------------


def report_due(year: int) -> date:
    """The deadline of the districts' reports of `year`: the city plan's, else 15 December."""
    due = Plan.objects.filter(district__isnull=True, year=year).values_list(
        "report_due", flat=True).first()
    return due or date(year, 12, 15)


@dataclass(frozen=True)
class DistrictSubmission:
    """A district's yearly report as the city sees it: its current submission (the latest
    issued report of the whole district), returned or not, and whether it is late."""

    district: District
    report: Report | None
    due: date
    today: date

    @property
    def state(self) -> str:
        if self.report is None:
            return "missing"
        return "returned" if self.report.is_returned else "submitted"

    @property
    def late(self) -> bool:
        """Not submitted (or returned and not submitted again) after the deadline."""
        return self.state != "submitted" and self.today > self.due


def city_submissions(user, year: int) -> tuple[date, list[DistrictSubmission]]:
    """The deadline of `year` and, for every district that existed in the year, its current
    submission. Three queries, whatever the number of districts."""
    check(user, "submissions.city")
    return district_submissions(year)


def district_submissions(year: int, districts: list[District] | None = None,
                         ) -> tuple[date, list[DistrictSubmission]]:
    """`city_submissions` without a reader (the city's report, built by the worker): for each
    of `districts` (default: those that existed in the year), its current submission. Two
    queries with `districts`, three without."""
    if districts is None:
        districts = list(District.objects.filter(District.existing_in(year)).order_by("code"))
    issued = Report.objects.filter(
        year=year, commune__isnull=True, is_city=False, issued_at__isnull=False,
    ).select_related("issued_by", "returned_by")
    current: dict[int, Report] = {}
    for report in issued.order_by("district_id", "-issued_at", "-id"):
        current.setdefault(report.district_id, report)
    due, today = report_due(year), timezone.localdate()
    return due, [DistrictSubmission(district, current.get(district.pk), due, today)
                 for district in districts]


def city_reports(user, year: int) -> QuerySet[Report]:
    """The city's reports of `year`, newest first, for those who may read them."""
    return reports_visible(user).filter(is_city=True, year=year)


def submission_counts(rows: list[DistrictSubmission]) -> dict[str, int]:
    """How many districts submitted, were returned, sent nothing, and are late."""
    states = Counter(row.state for row in rows)
    return {"submitted": states["submitted"], "returned": states["returned"],
            "missing": states["missing"], "late": sum(row.late for row in rows)}


@dataclass(frozen=True)
class FrozenAndLive:
    """One figure of a submitted report: as it printed, as it is now, and the change."""

    label: str
    frozen: Decimal | None
    live: Decimal | None
    places: int = 0

    @property
    def difference(self) -> Decimal | None:
        if self.frozen is None or self.live is None:
            return None
        return self.live - self.frozen


def _figure(kpi: dict[str, Any], path: str) -> Decimal | None:
    value: Any = kpi
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return None if value is None else Decimal(str(value))


def frozen_and_live(user, report: Report) -> list[FrozenAndLive]:
    """A submitted report's figures (its snapshot) beside the district's figures today, for
    those who read the districts' submissions; empty for anyone else or any other report."""
    if not report.is_submission or not can(user, "submissions.city"):
        return []
    frozen = (report.snapshot or {}).get("kpi", {})
    live = kpis.cached_overview(report.year, kpis.Scope(district_id=report.district_id))
    now = live.figures.as_json()
    return [FrozenAndLive(str(label), _figure(frozen, path), _figure(now, path), places)
            for label, path, places in FIGURES_COMPARED]


# The plan's three indicators and the facility counts, by their key in the KPI JSON.
FIGURES_COMPARED = (
    (_("Facilities operating"), "active.current", 0),
    (_("Facilities aware of CP"), "aware.current", 0),
    (_("Facilities applying CP"), "applying.current", 0),
    (_("Facilities applying CP and saving energy"), "saving.current", 0),
    (_("State officers in charge of CP"), "officers.current", 0),
    (_("Energy saved (TOE)"), "energy_saved_toe", 3),
)
