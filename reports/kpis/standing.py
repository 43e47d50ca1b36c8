"""A facility's saving against the plan's band, year by year: what an enterprise's own page
says of where it stands (docs/KPI.md, "Energy" and "Other figures"). The band is the one the
KPI engine counts with, the year's plan of the facility's district (`targets_for_years`), and
the verdict is audits/energy.saving_band's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audits import energy
from reports.kpis.targets import targets_for_years


@dataclass(frozen=True)
class BandVerdict:
    year: int
    baseline_year: int
    percent: Decimal  # the saving ratio × 100, against the baseline record
    low: Decimal
    high: Decimal
    band: str  # energy.BELOW_BAND, energy.IN_BAND or energy.ABOVE_BAND
    plan_code: str | None  # None: no plan for the year, plan 108/KH-UBND's band applies

    @property
    def places(self) -> int:
        """Decimal places that show both bounds exactly (8–13, 8,5–12,5)."""
        return max(0, *(-bound.normalize().as_tuple().exponent for bound in (self.low, self.high)))

    @property
    def below(self) -> bool:
        return self.band == energy.BELOW_BAND

    @property
    def within(self) -> bool:
        return self.band == energy.IN_BAND

    @property
    def above(self) -> bool:
        return self.band == energy.ABOVE_BAND


def band_verdicts(
    figures: Mapping[int, Iterable[Any]], district_of: Mapping[int, int] | None = None
) -> dict[int, list[BandVerdict]]:
    """For each facility id, its years with a saving ratio (rows of
    audits.selectors.figures_of: record, baseline, ratio), in the rows' order, each against
    the band of its year's plan of its district (`district_of`: facility id -> district id).
    Two queries, however many facilities, years and districts."""
    district_of = district_of or {}
    rows = {pk: [row for row in given if row.ratio is not None] for pk, given in figures.items()}
    targets = targets_for_years({row.record.year for given in rows.values() for row in given},
                                set(district_of.values()))
    verdicts = {}
    for pk, given in rows.items():
        verdicts[pk] = []
        for row in given:
            year = row.record.year
            given = targets[year, district_of.get(pk)]
            low, high = given.band
            verdicts[pk].append(BandVerdict(
                year, row.baseline.year, row.ratio * 100, low, high,
                energy.saving_band(row.ratio, low, high), given.plan_code))
    return verdicts
