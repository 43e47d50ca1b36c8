"""Which facilities a figure is about: the district, a commune, a sector, or both."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from facilities.models import Facility


@dataclass(frozen=True)
class Scope:
    commune_id: int | None = None
    sector_id: int | None = None

    @property
    def whole_district(self) -> bool:
        """No commune and no sector: the scope of the district-only figures (copies, broadcasts,
        budget)."""
        return not self.commune_id and not self.sector_id

    def of_facility(self, path: str = "") -> Q:
        """The scope as a condition on a facility reached through `path` (e.g. "host__")."""
        condition = Q()
        if self.commune_id:
            condition &= Q(**{f"{path}commune_id": self.commune_id})
        if self.sector_id:
            condition &= Q(**{f"{path}sector_id": self.sector_id})
        return condition

    def facilities(self) -> QuerySet[Facility]:
        return Facility.objects.filter(self.of_facility())


# Every facility: the default scope of every figure.
DISTRICT = Scope()
