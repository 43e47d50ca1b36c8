"""What the address of a reports page asks for: a plan year, and the dashboard's scope with the
addresses of the lists behind its numbers (built here, not in the templates)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Commune
from accounts.permissions import dashboard_commune
from facilities import selectors as facility_selectors
from facilities.models import Sector
from melinh_sxsh.lib.years import PLAN, year_param
from reports import kpis


def plan_year(request: HttpRequest, name: str = "year", default: int | None = None) -> int:
    """The plan year the address asks for in `name`; by default `default`, or else the latest
    year with figures."""
    return year_param(request, name, default or kpis.default_year(), PLAN)


@dataclass(frozen=True)
class DashboardScope:
    """The year and scope in the address, and the addresses of the lists behind the numbers."""

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
        return self._figure_paths[figure] + "?" + urlencode(self.params(commune=commune, of=of))

    def figure_urls(self, *, commune: str | None = None, of: int | None = None) -> dict:
        query = "?" + urlencode(self.params(commune=commune, of=of))
        return {figure: path + query for figure, path in self._figure_paths.items()}

    @cached_property
    def _figure_paths(self) -> dict[str, str]:
        # The dashboard links every number of every commune and year: reverse each list once.
        return {figure: reverse("reports:figure", args=[figure])
                for figure in (*kpis.FIGURES, *kpis.COMPLETENESS_FIGURES)}

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
    commune = dashboard_commune(request.user, request.GET.get("commune", "")[:5])
    sector = facility_selectors.sector_by_code(request.GET.get("sector", "")[:2])
    return DashboardScope(plan_year(request), commune, sector)
