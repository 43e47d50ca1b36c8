"""The one way into the figures: everything the dashboard, the reports, the public pages and
`manage.py kpi` show of a year in a scope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.utils.translation import get_language

from accounts.models import Commune, District, sole_district_id
from melinh_sxsh.lib import dataversion
from reports.kpis import tables
from reports.kpis.activity import Activity, CampaignRow, campaigns_reached
from reports.kpis.activity import activity as activity_of
from reports.kpis.comparison import KPIs, officers_by_district, summarize
from reports.kpis.engine import FIGURES, Evaluation, evaluate
from reports.kpis.requests import (
    COMPLETENESS_FIGURES,
    DataCompleteness,
    data_completeness,
    data_members,
)
from reports.kpis.scope import DISTRICT, Scope
from reports.kpis.targets import Targets, YearPlans, default_year, plans_for
from reports.models import Plan

# The trend starts here (or at the baseline year, if earlier): the first year of records.
FIRST_TREND_YEAR = 2016


def trend_years(year: int, baseline_year: int) -> range:
    return range(min(FIRST_TREND_YEAR, baseline_year), year + 1)


@dataclass(eq=False)
class Overview:
    """Every figure of a year in a scope. The facility sets of every year of the trend are
    evaluated at once (a fixed number of queries); the rest is read when first asked for, each
    part once."""

    year: int
    scope: Scope
    targets: Targets
    evaluation: Evaluation
    # Every plan of the year: each district is counted against its own (docs/KPI.md, "Scopes
    # and plans").
    plans: YearPlans | None = None

    @property
    def baseline_year(self) -> int:
        return self.targets.baseline_year

    @property
    def plan(self) -> Plan | None:
        return self.targets.plan

    @cached_property
    def officers_by_district(self) -> dict[int | None, int]:
        return officers_by_district()

    @cached_property
    def officers(self) -> int:
        """KPI 3 of the scope's district (a commune's: its district's); the city's is the sum
        of the districts'."""
        by_district = self.officers_by_district
        if self.district_id is None:
            return sum(by_district.values())
        return by_district.get(self.district_id, 0)

    @cached_property
    def district_id(self) -> int | None:
        """The district of the scope (a commune's district), or None for the city."""
        if self.scope.district_id or not self.scope.commune_id:
            return self.scope.district_id
        return next(c.district_id for c in self.communes if c.pk == self.scope.commune_id)

    @cached_property
    def communes(self) -> list[Commune]:
        """The communes of the year, in code order (one query): those that existed in it
        (docs/KPI.md, "Communes of a year"), and any other that a facility operating in it
        belongs to, so that no facility's figures drop out of the table; at a district's
        scope, its own communes."""
        operating = {self.evaluation.commune_of[pk] for pk in self.evaluation[self.year].active}
        return [commune for commune in self._every_commune
                if (not self.scope.district_id or commune.district_id == self.scope.district_id)
                and (commune.existed_in(self.year) or commune.pk in operating
                     or commune.pk == self.scope.commune_id)]

    @cached_property
    def _every_commune(self) -> list[Commune]:
        """Every commune with its district: one query for the communes and the districts."""
        return list(Commune.objects.select_related("district").order_by("code"))

    @cached_property
    def all_districts(self) -> list[District]:
        """The districts of the year in code order, as the communes above (the same query):
        those that existed in it, and any other that a facility operating in it belongs to."""
        operating = {self.evaluation.district_of[pk] for pk in self.evaluation[self.year].active}
        districts = {c.district_id: c.district for c in self._every_commune}
        return sorted((district for district in districts.values()
                       if district.existed_in(self.year) or district.pk in operating
                       or district.pk == self.district_id), key=lambda d: d.code)

    @property
    def several_districts(self) -> bool:
        """Whether the portal serves several districts (the tables by district show)."""
        return len(self.all_districts) > 1

    @property
    def by_district(self) -> bool:
        """Whether the scope's tables go by district: the city's, when it has several; a
        district's communes are then one choice away."""
        return self.several_districts and self.scope.city_wide

    @cached_property
    def districts(self) -> list[District]:
        """The districts of the scope: every one for the city, else its own."""
        if self.district_id is None:
            return self.all_districts
        return [d for d in self.all_districts if d.pk == self.district_id]

    @cached_property
    def commune_code(self) -> str | None:
        if not self.scope.commune_id:
            return None
        return next(c.code for c in self.communes if c.pk == self.scope.commune_id)

    @cached_property
    def figures(self) -> KPIs:
        """The plan's indicators (what `kpi --json` prints)."""
        return summarize(
            self.evaluation,
            year=self.year,
            targets=self.targets,
            officers=self.officers,
            commune_code=self.commune_code,
            plans=self.plans if self.scope.city_wide else None,
        )

    @cached_property
    def table(self) -> list[tables.CommuneRow]:
        """The indicators of every commune; at a commune's scope, only its own; at a
        district's, its communes. Each commune is counted against its district's plan."""
        return tables.commune_table(
            self.evaluation,
            year=self.year,
            targets=self.targets,
            officers=self.officers,
            communes=self.communes,
            plans=self.plans,
        )

    @cached_property
    def district_table(self) -> list[tables.DistrictRow]:
        """The indicators of every district, each against its own plan; at a district's or a
        commune's scope, its district's row only. Their counts add up to the city's."""
        return tables.district_table(
            self.evaluation,
            year=self.year,
            plans=self.plans,
            districts=self.districts,
            officers=self.officers_by_district,
        )

    @cached_property
    def trend(self) -> list[tables.TrendPoint]:
        return tables.trend(self.evaluation)

    @cached_property
    def activity(self) -> Activity:
        return activity_of(self.year, self.scope)

    @cached_property
    def campaigns(self) -> list[CampaignRow]:
        return campaigns_reached(self.year, self.scope)

    @cached_property
    def measures(self) -> list[tables.TechniqueRow]:
        return tables.measures_by_technique(self.year, self.scope)

    @cached_property
    def quality(self) -> tables.DataQuality:
        return tables.data_quality(self.year, self.scope)

    @cached_property
    def completeness(self) -> DataCompleteness:
        """The year's energy-data completeness (facilities asked by its data requests, and
        accepted)."""
        return data_completeness(self.year, self.scope)

    @cached_property
    def savers(self) -> list[tables.SaverRow]:
        return tables.savers(self.evaluation, self.year)


def overview(
    year: int | None = None, scope: Scope = DISTRICT, *, baseline_year: int | None = None
) -> Overview:
    """Every figure of `year` (the default year when None) in `scope`, against the plan's
    baseline year (or `baseline_year`). Each district is evaluated against its own plan of the
    year (its band and baseline year), in the same statement."""
    year = default_year() if year is None else year
    plans = plans_for(year, scope, baseline_year)
    evaluation = evaluate(trend_years(year, min(plans.baseline_years)), scope, plans.city.band,
                          plans.bands())
    return Overview(year, scope, plans.of_scope, evaluation, plans)


# What the pages read of an overview; `snapshot` computes them before it is cached.
SNAPSHOT_PARTS = ("officers", "communes", "commune_code", "figures", "table", "district_table",
                  "trend", "activity", "completeness")


def snapshot(result: Overview, parts: tuple[str, ...] = SNAPSHOT_PARTS) -> Overview:
    """`result` with `parts` (those a page reads) computed and its facility sets dropped (they
    are large; `savers` and the lists behind the numbers need `overview()` itself)."""
    for part in parts:
        getattr(result, part)
    result.evaluation = None
    return result


def cached_overview(
    year: int | None = None, scope: Scope = DISTRICT, *, token: str | None = None
) -> Overview:
    """`overview(year, scope)` as the dashboard and the public pages show it, computed once per
    data version (melinh_sxsh/lib/dataversion.py): any write that can change a figure makes the
    next request compute it again."""
    token = token or dataversion.current()
    year = default_year() if year is None else year
    scope = canonical(scope, token)
    return dataversion.cached(
        "overview",
        lambda: snapshot(overview(year, scope)),
        year, *scope.key, get_language(),
        token=token,
    )


@dataclass(frozen=True)
class Members:
    """The facilities one number of an overview counts, with their saving ratio (savers)."""

    ids: list[int]
    ratio: dict[int, Decimal]


def members_of(
    figure: str, *, year: int, of: int | None = None, scope: Scope = DISTRICT,
    baseline: bool = False,
) -> Members:
    """The list behind a number of `overview(year, scope)`: the facilities `figure` counts in
    year `of` (the year itself, its baseline year or a year of its trend), decided with the
    same targets, so that its length is the number shown. With `baseline`, the list behind
    the baseline count: the city's is each district's in its own plan's baseline year
    (docs/KPI.md, "Scopes and plans"). The completeness figures list the facilities asked,
    or accepted, for year `of`."""
    if figure in COMPLETENESS_FIGURES:
        return Members(data_members(figure, year if of is None else of, scope), {})
    if figure not in FIGURES:
        raise KeyError(figure)
    plans = plans_for(year, scope)
    if baseline and scope.city_wide:
        return _baseline_members(figure, plans, scope)
    of = plans.of_scope.baseline_year if baseline else year if of is None else of
    evaluation = evaluate([of], scope, plans.city.band, plans.bands())
    return Members(sorted(getattr(evaluation[of], figure)), evaluation[of].ratio)


def _baseline_members(figure: str, plans: YearPlans, scope: Scope) -> Members:
    """The city's baseline list: each district's facilities in its own baseline year."""
    evaluation = evaluate(sorted(plans.baseline_years), scope, plans.city.band, plans.bands())
    ids: set[int] = set()
    ratio: dict[int, Decimal] = {}
    for district_id, members in evaluation.ids_by_district().items():
        sets = evaluation[plans.of_district(district_id).baseline_year]
        chosen = getattr(sets, figure) & members
        ids |= chosen
        ratio.update({pk: sets.ratio[pk] for pk in chosen if pk in sets.ratio})
    return Members(sorted(ids), ratio)


def cached_members_of(
    figure: str, *, year: int, of: int | None = None, scope: Scope = DISTRICT,
    baseline: bool = False,
) -> Members:
    """`members_of`, computed once per data version: the drill-down of a number evaluates
    the whole year, which at tens of thousands of facilities takes a second. An unknown
    figure raises members_of's KeyError before anything is cached."""
    token = dataversion.current()
    scope = canonical(scope, token)
    return dataversion.cached(
        "members",
        lambda: members_of(figure, year=year, of=of, scope=scope, baseline=baseline),
        figure, year, of, baseline, *scope.key, token=token,
    )


def canonical(scope: Scope, token: str) -> Scope:
    """The scope whose cached figures serve `scope`: with one district in the database its
    scope is the city's (the same figures), so that both share one entry. The only district
    is read once per data version (a district's rows are among the figures' sources)."""
    if not scope.district_id:
        return scope
    sole = dataversion.cached("sole-district", lambda: sole_district_id() or 0, token=token)
    return replace(scope, district_id=None) if scope.district_id == sole else scope


def kpis(
    *,
    year: int,
    baseline_year: int | None = None,
    commune_id: int | None = None,
    sector_id: int | None = None,
    district_id: int | None = None,
) -> KPIs:
    """The plan's indicators of an overview: shorthand for the known-answer tests."""
    scope = Scope(commune_id, sector_id, district_id=district_id)
    return overview(year, scope, baseline_year=baseline_year).figures
