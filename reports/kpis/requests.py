"""The year's energy-data completeness (docs/KPI.md, "Energy-data completeness"): counted by
audits/completeness.py, the same count as a data request's page, so the two cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from audits import completeness
from reports.kpis.scope import DISTRICT, Scope

# The lists behind the figure (reports/views/figures.py), next to the engine's FIGURES.
COMPLETENESS_FIGURES = ("data_asked", "data_accepted")


@dataclass(frozen=True)
class DataCompleteness:
    """Facilities asked for their figures of `year` by its data requests (`asked`, each once)
    and those whose answer was accepted (`accepted`); `requests` is 0 when nobody was asked."""

    year: int
    requests: int
    asked: int
    accepted: int

    @property
    def percent(self) -> Decimal | None:
        return None if not self.asked else Decimal(self.accepted * 100) / self.asked

    def as_json(self) -> dict[str, int]:
        return {"year": self.year, "requests": self.requests, "asked": self.asked,
                "accepted": self.accepted}


def data_completeness(year: int, scope: Scope = DISTRICT) -> DataCompleteness:
    answers, requests = completeness.of_year(year, scope.of_facility("facility__"))
    return DataCompleteness(year, requests, len(answers.asked), len(answers.accepted))


def data_members(figure: str, year: int, scope: Scope = DISTRICT) -> list[int]:
    """The facilities `figure` ("data_asked" or "data_accepted") counts, by id."""
    answers, _requests = completeness.of_year(year, scope.of_facility("facility__"))
    return sorted(answers.asked if figure == "data_asked" else answers.accepted)
