"""Which facilities a figure is about: the city (every district), a district, a commune, a
sector, or a commune or district and a sector."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from facilities.models import Facility


@dataclass(frozen=True)
class Scope:
    """`Scope()` is the city: every district (with one district in the database, that district).
    The district comes last and by keyword (`Scope(district_id=...)`): a commune or a sector
    alone keeps its place."""

    commune_id: int | None = None
    sector_id: int | None = None
    district_id: int | None = field(default=None, kw_only=True)

    @property
    def whole_district(self) -> bool:
        """No commune and no sector: the scope of the district-only figures (copies, broadcasts,
        budget)."""
        return not self.commune_id and not self.sector_id

    @property
    def city_wide(self) -> bool:
        """Neither a district nor a commune: the city's figures, summed over its districts
        (docs/KPI.md, "Scopes and plans")."""
        return not self.district_id and not self.commune_id

    def of_facility(self, path: str = "") -> Q:
        """The scope as a condition on a facility reached through `path` (e.g. "host__")."""
        condition = Q()
        if self.district_id:
            condition &= Q(**{f"{path}commune__district_id": self.district_id})
        if self.commune_id:
            condition &= Q(**{f"{path}commune_id": self.commune_id})
        if self.sector_id:
            condition &= Q(**{f"{path}sector_id": self.sector_id})
        return condition

    def facilities(self) -> QuerySet[Facility]:
        return Facility.objects.filter(self.of_facility())

    @property
    def key(self) -> tuple[int | None, int | None, int | None]:
        """What tells two scopes apart, for the figures' cache."""
        return (self.district_id, self.commune_id, self.sector_id)


# Every facility: the default scope of every figure.
DISTRICT = Scope()
CITY = DISTRICT
