"""The one way into the figures: everything the dashboard, the reports, the public pages and
`manage.py kpi` show of a year in a scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils.translation import get_language

from accounts.models import Commune
from melinh_sxsh.lib import dataversion
from reports.kpis import tables
from reports.kpis.activity import Activity, CampaignRow, campaigns_reached
from reports.kpis.activity import activity as activity_of
from reports.kpis.comparison import KPIs, officers_count, summarize
from reports.kpis.engine import FIGURES, Evaluation, evaluate
from reports.kpis.requests import (
    COMPLETENESS_FIGURES,
    DataCompleteness,
    data_completeness,
    data_members,
)
from reports.kpis.scope import DISTRICT, Scope
from reports.kpis.targets import Targets, default_year, targets_for
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

    @property
    def baseline_year(self) -> int:
        return self.targets.baseline_year

    @property
    def plan(self) -> Plan | None:
        return self.targets.plan

    @cached_property
    def officers(self) -> int:
        return officers_count()

    @cached_property
    def communes(self) -> list[Commune]:
        """The communes of the year, in code order (one query): those that existed in it
        (docs/KPI.md, "Communes of a year"), and any other that a facility operating in it
        belongs to, so that no facility's figures drop out of the table."""
        operating = {self.evaluation.commune_of[pk] for pk in self.evaluation[self.year].active}
        return [commune for commune in Commune.objects.order_by("code")
                if commune.existed_in(self.year) or commune.pk in operating
                or commune.pk == self.scope.commune_id]

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
        )

    @cached_property
    def table(self) -> list[tables.CommuneRow]:
        """The indicators of every commune; at a commune's scope, only its own."""
        return tables.commune_table(
            self.evaluation,
            year=self.year,
            targets=self.targets,
            officers=self.officers,
            communes=self.communes,
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
    baseline year (or `baseline_year`)."""
    year = default_year() if year is None else year
    targets = targets_for(year, baseline_year)
    evaluation = evaluate(trend_years(year, targets.baseline_year), scope, targets.band)
    return Overview(year, scope, targets, evaluation)


# What the pages read of an overview; `snapshot` computes them before it is cached.
SNAPSHOT_PARTS = ("officers", "communes", "commune_code", "figures", "table", "trend", "activity",
                  "completeness")


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
    return dataversion.cached(
        "overview",
        lambda: snapshot(overview(year, scope)),
        year, scope.commune_id, scope.sector_id, get_language(),
        token=token,
    )


@dataclass(frozen=True)
class Members:
    """The facilities one number of an overview counts, with their saving ratio (savers)."""

    ids: list[int]
    ratio: dict[int, Decimal]


def members_of(
    figure: str, *, year: int, of: int | None = None, scope: Scope = DISTRICT
) -> Members:
    """The list behind a number of `overview(year, scope)`: the facilities `figure` counts in
    year `of` (the year itself, its baseline year or a year of its trend), decided with the
    same targets, so that its length is the number shown. The completeness figures list the
    facilities asked, or accepted, for year `of`."""
    if figure in COMPLETENESS_FIGURES:
        return Members(data_members(figure, year if of is None else of, scope), {})
    if figure not in FIGURES:
        raise KeyError(figure)
    of = year if of is None else of
    targets = targets_for(year)
    evaluation = evaluate([of], scope, targets.band)
    return Members(sorted(getattr(evaluation[of], figure)), evaluation[of].ratio)


def cached_members_of(
    figure: str, *, year: int, of: int | None = None, scope: Scope = DISTRICT
) -> Members:
    """`members_of`, computed once per data version: the drill-down of a number evaluates
    the whole year, which at tens of thousands of facilities takes a second. An unknown
    figure raises members_of's KeyError before anything is cached."""
    return dataversion.cached(
        "members",
        lambda: members_of(figure, year=year, of=of, scope=scope),
        figure, year, of, scope.commune_id, scope.sector_id,
    )


def kpis(
    *,
    year: int,
    baseline_year: int | None = None,
    commune_id: int | None = None,
    sector_id: int | None = None,
) -> KPIs:
    """The plan's indicators of an overview: shorthand for the known-answer tests."""
    return overview(year, Scope(commune_id, sector_id), baseline_year=baseline_year).figures
