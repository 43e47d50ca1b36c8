"""The dashboard for every role, and the lists behind its numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Commune
from accounts.permissions import can, check, dashboard_commune, held_unit_id, sees_every_commune
from facilities.models import Facility, Sector
from melinh_sxsh.lib.years import PLAN, year_param
from reports import charts, kpis, selectors

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
class DashboardScope:
    """The year and scope in the address, and the addresses of the lists behind the numbers
    (built here, not in the templates)."""

    year: int
    commune: Commune | None
    sector: Sector | None

    def params(self, *, commune: str | None = None, of: int | None = None) -> dict[str, str]:
        params = {"year": str(self.year)}
        code = commune or (self.commune.code if self.commune else None)
        if code:
            params["commune"] = code
        if self.sector:
            params["sector"] = self.sector.code
        if of is not None:
            params["of"] = str(of)
        return params

    @property
    def query(self) -> str:
        return urlencode(self.params())

    @property
    def whole_district(self) -> bool:
        return self.commune is None and self.sector is None

    def kpi_scope(self) -> kpis.Scope:
        return kpis.Scope(
            self.commune.pk if self.commune else None, self.sector.pk if self.sector else None
        )

    def figure_url(self, figure: str, *, commune: str | None = None, of: int | None = None) -> str:
        """The list of the facilities `figure` counts in this scope (or in `commune` within
        it), in the scope's year or in year `of`."""
        return (
            reverse("reports:figure", args=[figure])
            + "?"
            + urlencode(self.params(commune=commune, of=of))
        )

    def figure_urls(self, *, commune: str | None = None, of: int | None = None) -> dict:
        return {figure: self.figure_url(figure, commune=commune, of=of) for figure in kpis.FIGURES}

    @property
    def dashboard_url(self) -> str:
        return reverse("dashboard") + "?" + self.query

    def commune_url(self, code: str) -> str:
        """This dashboard for one commune, in the same year."""
        return "?" + urlencode({"year": str(self.year), "commune": code})

    @property
    def campaigns_url(self) -> str:
        return reverse("campaigns:index") + "?" + self.query

    @property
    def models_url(self) -> str:
        return reverse("campaigns:models") + "?" + self.query

    @property
    def budget_url(self) -> str:
        return reverse("reports:budget") + "?" + urlencode({"year": str(self.year)})


def scope_from(request: HttpRequest) -> DashboardScope:
    """Year, commune and sector from the address; a commune official is held to their own."""
    year = year_param(request, "year", kpis.default_year(), PLAN)
    commune = dashboard_commune(request.user, request.GET.get("commune", "")[:5])
    sector_code = request.GET.get("sector", "")[:2]
    sector = Sector.objects.filter(code=sector_code).first() if sector_code else None
    return DashboardScope(year, commune, sector)


@dataclass(frozen=True)
class Linked:
    """A row of figures (a year of the trend, a commune) with the lists behind its numbers."""

    row: Any
    links: dict[str, str]
    url: str = ""


TITLES = {
    "active": _("Facilities operating"),
    "aware": _("Facilities aware of cleaner production"),
    "applying": _("Facilities applying cleaner production"),
    "saving": _("Facilities applying CP and saving at least the band's lower bound"),
    "in_band": _("Facilities saving within the band"),
    "above_band": _("Facilities saving more than the band"),
}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    check(request.user, "dashboard.view")
    scope = scope_from(request)
    overview = kpis.overview(scope.year, scope.kpi_scope())
    sort = request.GET.get("sort", "name")
    table = sorted(
        overview.table, key=SORTS.get(sort.lstrip("-"), SORTS["name"]), reverse=sort.startswith("-")
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "scope": scope,
            "figures": overview.figures,
            "sort": sort,
            "table": table,
            "trend": overview.trend,
            "table_rows": [
                Linked(row, scope.figure_urls(commune=row.code), scope.commune_url(row.code))
                for row in table
            ],
            "trend_rows": [
                Linked(point, scope.figure_urls(of=point.year)) for point in overview.trend
            ],
            "links": scope.figure_urls(),
            "year_links": scope.figure_urls(of=scope.year),
            "baseline_links": scope.figure_urls(of=overview.baseline_year),
            "activity": overview.activity,
            "trend_chart": charts.trend_uri(overview),
            "communes": overview.communes if sees_every_commune(request.user) else [],
            "sectors": Sector.objects.all(),
            "unit_tasks": unit_tasks(request.user),
            "may_view_budget": can(request.user, "budget.view"),
        },
    )


def unit_tasks(user) -> list:
    plan = selectors.plan_latest() if held_unit_id(user) is not None else None
    return list(selectors.plan_tasks_for_unit(user=user, plan=plan)) if plan else []


@login_required
@require_GET
def figure_list(request: HttpRequest, figure: str) -> HttpResponse:
    """The facilities a number of the dashboard counts; its length is the number."""
    check(request.user, "dashboard.view")
    if figure not in kpis.FIGURES:
        raise Http404
    scope = scope_from(request)
    year = year_param(request, "of", scope.year, PLAN)
    listed = kpis.members_of(figure, year=scope.year, of=year, scope=scope.kpi_scope())
    ids = listed.ids
    page = Paginator(ids, 50).get_page(request.GET.get("page"))
    facilities = {
        f.pk: f
        for f in Facility.objects.filter(pk__in=list(page.object_list)).select_related(
            "commune", "sector"
        )
    }
    rows = [(facilities[pk], listed.ratio.get(pk)) for pk in page.object_list]
    return render(
        request,
        "reports/figure_list.html",
        {
            "scope": scope,
            "figure": figure,
            "year": year,
            "page": page,
            "rows": rows,
            "count": len(ids),
            "title": TITLES[figure],
            "show_ratio": figure in ("saving", "in_band", "above_band"),
        },
    )


@login_required
@require_GET
def officers(request: HttpRequest) -> HttpResponse:
    """The state officers in charge of cleaner production that target 3 counts."""
    check(request.user, "dashboard.view")
    people = kpis.officers_list()
    return render(request, "reports/officers.html", {"people": people, "count": len(people)})
