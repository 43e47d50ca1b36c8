"""The year a figure is for, the baseline year it is compared with, and the plan's targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, Func, OuterRef, Q, Subquery

from accounts.models import Commune, District
from reports.kpis.scope import DISTRICT, Scope
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


def plans_of_year(year: int, *, commune_id: int | None = None) -> list[Plan]:
    """Every plan of `year` (the city's and the districts'), their targets prefetched, each
    with `district_count` (the districts in the database) and `holds_commune` (whether its
    district is `commune_id`'s). Two queries with a plan, one without, however many
    districts."""
    districts = (District.objects.order_by().annotate(n=Func(F("pk"), function="COUNT"))
                 .values("n"))
    plans = Plan.objects.filter(year=year).annotate(district_count=Subquery(districts[:1]))
    if commune_id:
        plans = plans.annotate(holds_commune=Exists(
            Commune.objects.filter(pk=commune_id, district_id=OuterRef("district_id"))))
    return list(plans.prefetch_related("targets"))


@dataclass(frozen=True)
class YearPlans:
    """The plans of a year as the figures use them (docs/KPI.md, "Scopes and plans"): each
    district against its own plan; a district without one against the city's plan; with
    neither, plan 108/KH-UBND's targets."""

    year: int
    city: Targets
    districts: dict[int, Targets]
    # The plan of a scope narrower than the city: its district's, when it has one.
    scope_district_id: int | None = None
    # With one district in the database, the city is that district.
    sole_district_id: int | None = None
    # The scope is the city's (no district, no commune): it sums the districts.
    city_wide: bool = True

    def of_district(self, district_id: int | None) -> Targets:
        """The targets a district's facilities are counted with."""
        return self.districts.get(district_id, self.city) if district_id else self.city

    @property
    def of_scope(self) -> Targets:
        """The targets a scope's figures are compared with: its district's (a district, a
        commune), or the city plan's (the city; with one district, that district's)."""
        return self.of_district(self.scope_district_id or self.sole_district_id)

    @property
    def baseline_years(self) -> set[int]:
        """Every baseline year the figures of the scope need (the city sums districts, each
        in its own baseline year)."""
        if not self.city_wide or self.sole_district_id:
            return {self.of_scope.baseline_year}
        return {self.city.baseline_year} | {t.baseline_year for t in self.districts.values()}

    def bands(self) -> dict[int, tuple[Decimal, Decimal]]:
        """The band of each district with a plan of its own (the others count with the city
        plan's, `city.band`)."""
        return {pk: targets.band for pk, targets in self.districts.items()}


def plans_for(year: int, scope: Scope = DISTRICT, baseline_year: int | None = None) -> YearPlans:
    """The plans of `year` for the figures of `scope`: the one place the plan of a scope is
    chosen. Two queries with a plan, one without; `baseline_year` overrides every plan's."""
    plans = plans_of_year(year, commune_id=None if scope.district_id else scope.commune_id)
    city = next((plan for plan in plans if plan.district_id is None), None)
    districts = {plan.district_id: _targets_of(plan, year, baseline_year)
                 for plan in plans if plan.district_id is not None}
    scope_district = scope.district_id or next(
        (plan.district_id for plan in plans if getattr(plan, "holds_commune", False)), None)
    sole = None
    if not scope_district and plans and plans[0].district_count == 1 and len(districts) == 1:
        sole = next(iter(districts))
    return YearPlans(year, _targets_of(city, year, baseline_year), districts,
                     scope_district, sole, scope.city_wide)


def plan_for(year: int, scope: Scope = DISTRICT) -> Plan | None:
    """The plan a scope's figures of `year` are compared with (None: plan 108/KH-UBND's
    targets apply)."""
    return plans_for(year, scope).of_scope.plan


def targets_for(year: int, baseline_year: int | None = None, scope: Scope = DISTRICT) -> Targets:
    """Targets of the plan of `scope` for `year` (one query, two with a plan), or plan
    108/KH-UBND's."""
    return plans_for(year, scope, baseline_year).of_scope


def plan_baseline_year(year: int) -> int | None:
    """The baseline year of the plan entered for `year`, or None when there is none: the city
    plan's, else the one all the year's plans share."""
    given = dict(Plan.objects.filter(year=year).values_list("district_id", "baseline_year"))
    if None in given:
        return given[None]
    return given.popitem()[1] if len(set(given.values())) == 1 else None


def targets_for_years(
    years: Iterable[int], district_ids: Iterable[int] = ()
) -> dict[tuple[int, int | None], Targets]:
    """The targets each of `district_ids` (and the city, None) counts with in each of `years`,
    keyed (year, district id): its own plan's, else the city plan's, else plan 108/KH-UBND's.
    Two queries, however many years and districts."""
    years, district_ids = set(years), set(district_ids)
    plans = {(plan.year, plan.district_id): plan for plan in Plan.objects.filter(
        Q(district__isnull=True) | Q(district_id__in=district_ids), year__in=years)
        .prefetch_related("targets")} if years else {}
    found = {}
    for year in years:
        city = plans.get((year, None))
        found[year, None] = _targets_of(city, year)
        for district_id in district_ids:
            plan = plans.get((year, district_id))
            found[year, district_id] = found[year, None] if plan is None else _targets_of(
                plan, year)
    return found


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
