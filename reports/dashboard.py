"""The dashboard for every role, and the lists behind its numbers."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.models import Commune, Role
from accounts.permissions import can, check
from facilities.models import Facility, Sector
from melinh_sxsh.lib.http import int_param
from reports import charts, kpis, selectors

FIRST_TREND_YEAR = 2016
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
    year: int
    commune: Commune | None
    sector: Sector | None

    @property
    def query(self) -> str:
        parts = [f"year={self.year}"]
        if self.commune:
            parts.append(f"commune={self.commune.code}")
        if self.sector:
            parts.append(f"sector={self.sector.code}")
        return "&".join(parts)

    @property
    def whole_district(self) -> bool:
        return self.commune is None and self.sector is None

    def kpi_scope(self) -> kpis.Scope:
        return kpis.Scope(self.commune.pk if self.commune else None,
                          self.sector.pk if self.sector else None)


def scope_from(request: HttpRequest) -> DashboardScope:
    """Year, commune and sector from the address; a commune official is held to their own."""
    plan = selectors.plan_latest()
    year = int_param(request.GET, "year", plan.year if plan else 2018, 2001, 2100)
    code = request.GET.get("commune", "")[:5]
    if request.user.role == Role.COMMUNE:
        commune = request.user.commune
    else:
        commune = Commune.objects.filter(code=code).first() if code else None
    sector_code = request.GET.get("sector", "")[:2]
    sector = Sector.objects.filter(code=sector_code).first() if sector_code else None
    return DashboardScope(year, commune, sector)


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
    targets = kpis.targets_for(scope.year)
    years = range(min(FIRST_TREND_YEAR, targets.baseline_year), scope.year + 1)
    evaluation = kpis.evaluate(years, scope.kpi_scope(), targets.band)
    officers = kpis.officers_count()
    figures = kpis.summarize(evaluation, year=scope.year, targets=targets, officers=officers,
                             commune_code=scope.commune.code if scope.commune else None)
    communes = list(Commune.objects.order_by("code"))
    table = kpis.commune_table(evaluation, year=scope.year, targets=targets, officers=officers,
                               communes=communes)
    sort = request.GET.get("sort", "name")
    table.sort(key=SORTS.get(sort.lstrip("-"), SORTS["name"]), reverse=sort.startswith("-"))
    activity = kpis.activity(scope.year, scope.kpi_scope())
    trend = kpis.trend(evaluation)
    return render(request, "reports/dashboard.html", {
        "scope": scope, "figures": figures, "table": table, "sort": sort, "trend": trend,
        "activity": activity,
        "trend_chart": charts.data_uri(charts.trend_svg(trend, targets.band[0])),
        "communes": communes if request.user.role != Role.COMMUNE else [],
        "sectors": Sector.objects.all(), "unit_tasks": unit_tasks(request.user),
        "may_view_budget": can(request.user, "budget.view"),
    })


def unit_tasks(user) -> list:
    plan = selectors.plan_latest() if user.role == Role.UNIT else None
    return list(selectors.plan_tasks_for_unit(user=user, plan=plan)) if plan else []


@login_required
@require_GET
def figure_list(request: HttpRequest, figure: str) -> HttpResponse:
    """The facilities a number of the dashboard counts; its length is the number."""
    check(request.user, "dashboard.view")
    if figure not in kpis.FIGURES:
        raise Http404
    scope = scope_from(request)
    year = int_param(request.GET, "of", scope.year, 2001, 2100)
    targets = kpis.targets_for(scope.year)
    if year not in (scope.year, targets.baseline_year):
        targets = kpis.targets_for(year, year - 1)
    evaluation = kpis.evaluate([year], scope.kpi_scope(), targets.band)
    ids = kpis.members(evaluation, figure, year)
    page = Paginator(ids, 50).get_page(request.GET.get("page"))
    facilities = {f.pk: f for f in Facility.objects.filter(pk__in=list(page.object_list))
                  .select_related("commune", "sector")}
    rows = [(facilities[pk], evaluation[year].ratio.get(pk)) for pk in page.object_list]
    return render(request, "reports/figure_list.html", {
        "scope": scope, "figure": figure, "year": year, "page": page, "rows": rows,
        "count": len(ids), "title": TITLES[figure],
        "show_ratio": figure in ("saving", "in_band", "above_band")})


@login_required
@require_GET
def officers(request: HttpRequest) -> HttpResponse:
    """The state officers in charge of cleaner production that target 3 counts."""
    check(request.user, "dashboard.view")
    people = kpis.officers_list()
    return render(request, "reports/officers.html", {"people": people, "count": len(people)})
