"""The year a figure is for, the baseline year it is compared with, and the plan's targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from reports.models import DEFAULT_BAND, Plan, Target

Mode = Target.Mode
Indicator = Target.Indicator

# Plan 108/KH-UBND's year: what everything shows while no plan is entered.
DEFAULT_YEAR = 2018


def default_year() -> int:
    """The year the dashboard, the reports, the public pages and `manage.py kpi` show when none
    is asked for: the latest plan's, or plan 108/KH-UBND's (2018) with no plan. One query."""
    latest = Plan.objects.order_by("-year").values_list("year", flat=True).first()
    return DEFAULT_YEAR if latest is None else latest


@dataclass(frozen=True)
class TargetSpec:
    indicator: str
    mode: Mode
    value: Decimal
    band_low: Decimal | None = None
    band_high: Decimal | None = None


@dataclass(frozen=True)
class Targets:
    """The plan's targets for a year, or plan 108/KH-UBND's when no plan is entered."""

    plan_code: str | None
    baseline_year: int
    aware: TargetSpec
    saving: TargetSpec
    officers: TargetSpec
    # The plan itself, for what the report prints of it (its date); not part of the figures.
    plan: Plan | None = field(default=None, compare=False, repr=False)

    @property
    def band(self) -> tuple[Decimal, Decimal]:
        return (
            self.saving.band_low if self.saving.band_low is not None else DEFAULT_BAND[0],
            self.saving.band_high if self.saving.band_high is not None else DEFAULT_BAND[1],
        )


# Plan 108/KH-UBND's targets: what applies to a year with no plan, and to an indicator the
# year's plan leaves out.
DEFAULT_TARGETS = {
    Indicator.AWARE: TargetSpec(Indicator.AWARE, Mode.RELATIVE, Decimal(20)),
    Indicator.SAVING: TargetSpec(Indicator.SAVING, Mode.RELATIVE, Decimal(10), *DEFAULT_BAND),
    Indicator.OFFICERS: TargetSpec(Indicator.OFFICERS, Mode.ABSOLUTE, Decimal(1)),
}


def targets_for(year: int, baseline_year: int | None = None) -> Targets:
    """Targets of the plan for `year` (one query, two with a plan), or plan 108/KH-UBND's."""
    plan = Plan.objects.filter(year=year).prefetch_related("targets").first()
    return _targets_of(plan, year, baseline_year)


def plan_baseline_year(year: int) -> int | None:
    """The baseline year of the plan entered for `year`, or None when there is none."""
    return Plan.objects.filter(year=year).values_list("baseline_year", flat=True).first()


def targets_for_years(years: Iterable[int]) -> dict[int, Targets]:
    """`targets_for` of several years at once: two queries, however many years."""
    years = set(years)
    plans = {plan.year: plan for plan in Plan.objects.filter(year__in=years)
             .prefetch_related("targets")} if years else {}
    return {year: _targets_of(plans.get(year), year) for year in years}


def _targets_of(plan: Plan | None, year: int, baseline_year: int | None = None) -> Targets:
    given = {t.indicator: t for t in plan.targets.all()} if plan else {}
    specs = {}
    for indicator, default in DEFAULT_TARGETS.items():
        target = given.get(indicator)
        specs[str(indicator)] = (
            default
            if target is None
            else TargetSpec(
                indicator, Mode(target.mode), target.value, target.band_low, target.band_high
            )
        )
    baseline = baseline_year or (plan.baseline_year if plan else year - 1)
    return Targets(plan.code if plan else None, baseline, plan=plan, **specs)
