"""Where a facility stands among the facilities of its sector in the district: the quartile of
its saving ratio (docs/KPI.md, "Standing in the sector"), for an enterprise's own page.

Only the quartile and the size of the group leave this module: never another facility's name or
figure, nor the group's minimum, maximum or median. The quartile is given only for a group of at
least MIN_SECTOR_GROUP facilities with verified figures of the year, so that it says nothing
about any one of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from audits import energy
from audits.models import EnergyRecord
from audits.selectors import energy_records_light
from facilities.models import Facility

MIN_SECTOR_GROUP = 5


@dataclass(frozen=True)
class SectorStanding:
    year: int
    quartile: int  # 1: among the quarter that saved the most; 4: the quarter that saved least
    group_size: int


def sector_standings(facilities: list[Facility]) -> dict[int, SectorStanding]:
    """For each of `facilities` with a sector: its quartile among the facilities of its sector
    with a verified record and a saving ratio in a year, in the latest year where its own
    verified record has a ratio and that group has at least MIN_SECTOR_GROUP facilities (none
    otherwise). Three queries, whatever the number of facilities or years."""
    sectors = {facility.sector_id for facility in facilities if facility.sector_id}
    if not sectors:
        return {}
    verified: dict[int, set[int]] = defaultdict(set)
    sector_of: dict[int, int] = {}
    for pk, sector_id, year in EnergyRecord.objects.filter(
            facility__sector_id__in=sectors, verified_at__isnull=False).values_list(
            "facility_id", "facility__sector_id", "year"):
        verified[pk].add(year)
        sector_of[pk] = sector_id
    if not verified:
        return {}
    records = energy_records_light(list(verified), max(max(y) for y in verified.values()))
    # (sector, year) -> facility id -> its saving ratio that year
    ratios: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for pk, years in verified.items():
        history = records.get(pk, [])
        for year in years:
            ratio = energy.saving_ratio(energy.baseline_record(history, year),
                                        energy.record_of_year(history, year))
            if ratio is not None:
                ratios[(sector_of[pk], year)][pk] = ratio
    standings = {}
    for facility in facilities:
        shown = [year for (sector, year), group in ratios.items()
                 if sector == facility.sector_id and facility.pk in group
                 and len(group) >= MIN_SECTOR_GROUP]
        if not shown:
            continue
        year = max(shown)
        group = ratios[(facility.sector_id, year)]
        standings[facility.pk] = SectorStanding(
            year, energy.quartile(group[facility.pk], list(group.values())), len(group))
    return standings
