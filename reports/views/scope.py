"""What the address of a reports page asks for: a plan year, and the dashboard's scope (the city,
a district, a commune, a sector) with the addresses of the lists behind its numbers (built here,
not in the templates)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Commune, District
from accounts.permissions import dashboard_commune, held_district_id, sees_every_commune
from facilities import selectors as facility_selectors
from facilities.models import Sector
from melinh_sxsh.lib.years import PLAN, year_param
from reports import kpis, selectors


def plan_year(request: HttpRequest, name: str = "year", default: int | None = None) -> int:
    """The plan year the address asks for in `name`; by default `default`, or else the latest
    year with figures."""
    year = year_param(request, name, None, PLAN)
    if year is not None:
        return year  # the default year costs a query: read only when the address has none
    return default or kpis.default_year()


@dataclass(frozen=True)
class DashboardScope:
    """The year and scope in the address, and the addresses of the lists behind the numbers."""

    year: int
    commune: Commune | None
    sector: Sector | None
    # A district chosen in the address by someone who reads every district (the city's
    # officers); the district a user is held to needs no address.
    district: District | None = None
    held_district_id: int | None = None

    @property
    def district_id(self) -> int | None:
        """The district of the scope: the user's, the one chosen, or the commune's."""
        if self.held_district_id or self.district:
            return self.held_district_id or self.district.pk
        return self.commune.district_id if self.commune else None

    def params(self, *, commune: str | None = None, of: int | None = None,
               district: str | None = None, baseline: bool = False) -> dict[str, str]:
        params = {"year": str(self.year)}
        district = district or (self.district.code if self.district else None)
        if district and not commune:
            params["district"] = district
        code = commune or (self.commune.code if self.commune else None)
        if code:
            params["commune"] = code
        if self.sector:
            params["sector"] = self.sector.code
        if of is not None:
            params["of"] = str(of)
        if baseline:  # the city's baseline list: each district in its own baseline year
            params["base"] = "1"
        return params

    @property
    def query(self) -> str:
        return urlencode(self.params())

    @property
    def whole_district(self) -> bool:
        return self.commune is None and self.sector is None

    def kpi_scope(self) -> kpis.Scope:
        return kpis.Scope(
            self.commune.pk if self.commune else None, self.sector.pk if self.sector else None,
            district_id=self.district_id,
        )

    def figure_url(self, figure: str, *, commune: str | None = None, of: int | None = None) -> str:
        """The list of the facilities `figure` counts in this scope (or in `commune` within
        it), in the scope's year or in year `of`."""
        return self._figure_paths[figure] + "?" + urlencode(self.params(commune=commune, of=of))

    def figure_urls(self, *, commune: str | None = None, of: int | None = None,
                    district: str | None = None, baseline: bool = False) -> dict:
        """The lists behind the numbers of this scope, of `commune` or of `district` in it;
        `baseline`: behind the baseline counts."""
        query = "?" + urlencode(self.params(commune=commune, of=of, district=district,
                                            baseline=baseline))
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

    def district_url(self, code: str) -> str:
        """This dashboard for one district, in the same year."""
        return "?" + urlencode({"year": str(self.year), "district": code})

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
    """Year, district, commune and sector from the address; a district's people are held to
    their district, a commune official to their commune."""
    commune = dashboard_commune(request.user, request.GET.get("commune", "")[:5])
    sector = facility_selectors.sector_by_code(request.GET.get("sector", "")[:2])
    held = held_district_id(request.user)
    district = None if held else selectors.district_by_code(request.GET.get("district", "")[:3])
    if district and commune:
        # A commune left chosen from another district gives way to the district just chosen;
        # one of the district's is the narrower scope.
        if commune.district_id != district.pk and sees_every_commune(request.user):
            commune = None
        else:
            district = None
    return DashboardScope(plan_year(request), commune, sector, district, held)
