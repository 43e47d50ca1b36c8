"""Where a facility stands among the facilities of its sector in its own district: the quartile
of its saving ratio (docs/KPI.md, "Standing in the sector"), for an enterprise's own page. With
several districts in the portal the group is never the city's: each district has its own plan,
band and baseline year, and an enterprise is compared with its district's peers only.

Only the quartile and the size of the group leave this module: never another facility's name or
figure, nor the group's minimum, maximum or median. The quartile is given only for a group of at
least MIN_SECTOR_GROUP facilities of the district with verified figures of the year, so that it
says nothing about any one of them (stricter than accounts/permissions.MIN_GROUP_SIZE, the
portal's small-groups rule, which it therefore always meets).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounts.permissions import MIN_GROUP_SIZE
from audits import energy
from audits.models import EnergyRecord
from audits.selectors import energy_records_light
from facilities.models import Facility

MIN_SECTOR_GROUP = 5
assert MIN_SECTOR_GROUP >= MIN_GROUP_SIZE  # the small-groups rule holds


@dataclass(frozen=True)
class SectorStanding:
    year: int
    quartile: int  # 1: among the quarter that saved the most; 4: the quarter that saved least
    group_size: int


def sector_standings(facilities: list[Facility]) -> dict[int, SectorStanding]:
    """For each of `facilities` with a sector: its quartile among the facilities of its sector
    in its district with a verified record and a saving ratio in a year, in the latest year where
    its own verified record has a ratio and that group has at least MIN_SECTOR_GROUP facilities
    (none otherwise). Three queries, whatever the number of facilities, districts or years."""
    sectors = {facility.sector_id for facility in facilities if facility.sector_id}
    if not sectors:
        return {}
    verified: dict[int, set[int]] = defaultdict(set)
    group_of: dict[int, tuple[int, int]] = {}  # facility id -> (district, sector)
    for pk, district_id, sector_id, year in EnergyRecord.objects.filter(
            facility__sector_id__in=sectors, verified_at__isnull=False).values_list(
            "facility_id", "facility__commune__district_id", "facility__sector_id", "year"):
        verified[pk].add(year)
        group_of[pk] = (district_id, sector_id)
    if not verified:
        return {}
    records = energy_records_light(list(verified), max(max(y) for y in verified.values()))
    # (district, sector, year) -> facility id -> its saving ratio that year
    ratios: dict[tuple[int, int, int], dict[int, Decimal]] = defaultdict(dict)
    for pk, years in verified.items():
        history = records.get(pk, [])
        for year in years:
            ratio = energy.saving_ratio(energy.baseline_record(history, year),
                                        energy.record_of_year(history, year))
            if ratio is not None:
                ratios[(*group_of[pk], year)][pk] = ratio
    standings = {}
    for facility in facilities:
        own = group_of.get(facility.pk)  # None: no verified record, so in no group
        shown = [key[2] for key, group in ratios.items()
                 if key[:2] == own and facility.pk in group and len(group) >= MIN_SECTOR_GROUP]
        if not shown:
            continue
        year = max(shown)
        group = ratios[(*own, year)]
        standings[facility.pk] = SectorStanding(
            year, energy.quartile(group[facility.pk], list(group.values())), len(group))
    return standings
