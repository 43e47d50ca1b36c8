"""The dashboard, for every role: the year's figures in a scope, the table by commune, the
trend, the activities; each number links to the list behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.permissions import can, check, held_district_id, landing, sees_every_commune
from audits import completeness
from facilities import selectors as facility_selectors
from melinh_sxsh.lib import dataversion
from reports import charts, kpis, selectors
from reports.views.scope import DashboardScope, scope_from

SORTS = {
    "name": lambda row: row.code,
    "active": lambda row: row.kpis.active.current,
    "aware": lambda row: row.kpis.aware.current,
    "aware_change": lambda row: row.kpis.aware.change_points or 0,
    "applying": lambda row: row.kpis.applying.current,
    "saving": lambda row: row.kpis.saving.current,
    "saving_change": lambda row: row.kpis.saving.change_points or 0,
    "energy": lambda row: row.kpis.energy_saved_toe,
}


@dataclass(frozen=True)
class Linked:
    """A row of figures (a year of the trend, a commune) with the lists behind its numbers."""

    row: Any
    links: dict[str, str]
    url: str = ""


def sorted_table(table: list[kpis.CommuneRow], sort: str) -> list[kpis.CommuneRow]:
    """The table by commune in the order the address asks (`-` first: descending)."""
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    return sorted(table, key=key, reverse=sort.startswith("-"))


def has_facilities(row: kpis.DistrictRow) -> bool:
    return bool(row.kpis.active.current or row.kpis.active.baseline)


def links(scope: DashboardScope, overview: kpis.Overview, table: list) -> dict[str, Any]:
    """The addresses of the lists behind every number of the page. Those of the tables are
    made only if the template renders them (not when their part of the page is cached)."""
    return {
        "table_rows": SimpleLazyObject(lambda: [
            Linked(row, scope.figure_urls(commune=row.code), scope.commune_url(row.code))
            for row in table
        ]),
        "trend_rows": SimpleLazyObject(
            lambda: [Linked(point, scope.figure_urls(of=point.year)) for point in overview.trend]),
        # With several districts, the city's page lists them, each opening its own dashboard.
        "district_rows": SimpleLazyObject(lambda: [
            Linked(row, scope.figure_urls(district=row.code), scope.district_url(row.code))
            for row in overview.district_table if has_facilities(row)
        ] if overview.by_district else []),
        # The city's districts that keep no facility in the portal yet: named once, not a row
        # of zeros each.
        "empty_districts": SimpleLazyObject(lambda: [
            row.name for row in overview.district_table if not has_facilities(row)
        ] if overview.by_district else []),
        "links": scope.figure_urls(),
        "year_links": scope.figure_urls(of=scope.year),
        "baseline_links": scope.figure_urls(
            of=overview.baseline_year,
            baseline=overview.by_district),
    }


def data_requests(user: Any, scope: DashboardScope, overview: kpis.Overview) -> dict[str, Any]:
    """The year's energy-data completeness and, on one commune's dashboard of someone who may
    follow its submissions (its official, staff), the commune's overdue facilities."""
    follows = scope.commune is not None and can(user, "submission.view")
    return {
        "completeness": overview.completeness,
        "overdue": SimpleLazyObject(
            lambda: list(completeness.overdue(user, scope.year, scope.commune))
        ) if follows else None,
    }


def pickers(user: Any, overview: kpis.Overview) -> dict[str, list]:
    """What the scope form offers: the districts to whom reads every one of several, the
    communes of one district to whom sees every commune."""
    return {
        "communes": overview.communes
        if sees_every_commune(user) and not overview.by_district else [],
        "districts": overview.all_districts
        if overview.several_districts and held_district_id(user) is None else [],
    }


def figures_of(scope: DashboardScope) -> tuple[kpis.Overview, charts.Chart, str]:
    """The overview and its trend chart, computed once per data version, not once per request
    (docs/PERFORMANCE.md, "Figures cached per change")."""
    token = dataversion.current()
    kpi_scope = scope.kpi_scope()
    overview = kpis.cached_overview(scope.year, kpi_scope, token=token)
    chart = dataversion.cached(
        "trend-chart", lambda: charts.trend_chart(overview), scope.year, *overview.scope.key,
        get_language(), token=token)
    return overview, chart, token


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if landing(request.user) != "dashboard":
        return redirect(landing(request.user))
    check(request.user, "dashboard.view")
    scope = scope_from(request)
    overview, trend_chart, token = figures_of(scope)
    sort = request.GET.get("sort", "name")
    table = sorted_table([] if overview.by_district else overview.table, sort)
    return render(
        request,
        "reports/dashboard.html",
        {
            "scope": scope,
            "figures": overview.figures,
            "sort": sort,
            "table": table,
            "trend": overview.trend,
            "activity": overview.activity,
            "trend_chart": trend_chart,
            "figures_version": token,  # the tables' part of the page is cached under it
            **pickers(request.user, overview),
            "sectors": facility_selectors.sectors(),
            "unit_tasks": selectors.unit_tasks(request.user),
            # The amounts themselves, not only their links, go to whom may see the budget.
            "funding": overview.activity.funding if can(request.user, "budget.view") else None,
            **links(scope, overview, table),
            **data_requests(request.user, scope, overview),
        },
    )
