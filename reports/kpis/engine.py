"""Which facilities each figure counts, year by year: one grouped statement over the facilities
and the energy records of the applying ones (audits/energy.py does the energy arithmetic). The
statement also gives each facility's commune and district, so that the tables by commune and by
district, and the city's sums, come from it without a query per commune or district."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from accounts.models import Commune
from audits import energy
from audits.models import CPMeasure
from audits.selectors import energy_records_light
from campaigns.models import Attendance, Campaign
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.sql import year_of
from melinh_sxsh.lib.years import spans
from reports.kpis.scope import DISTRICT, Scope
from reports.models import DEFAULT_BAND


class SaverSec(NamedTuple):
    """What the report's annex prints of a saver: its baseline record's year, both SECs and
    the product unit they are per."""

    baseline_year: int
    sec_baseline: Decimal
    sec_current: Decimal
    product_unit: str


@dataclass
class YearSets:
    """Which facilities each figure counts in one year (ids), and the energy they saved."""

    year: int
    active: set[int] = field(default_factory=set)
    aware: set[int] = field(default_factory=set)
    applying: set[int] = field(default_factory=set)
    in_band: set[int] = field(default_factory=set)
    above_band: set[int] = field(default_factory=set)
    saved_toe: dict[int, Decimal] = field(default_factory=dict)
    ratio: dict[int, Decimal] = field(default_factory=dict)
    sec: dict[int, SaverSec] = field(default_factory=dict)

    @property
    def saving(self) -> set[int]:
        return self.in_band | self.above_band

    def energy_saved_toe(self, ids: set[int] | None = None) -> Decimal:
        chosen = self.saving if ids is None else self.saving & ids
        return sum((self.saved_toe[pk] for pk in chosen), Decimal(0))


@dataclass
class Evaluation:
    """Every figure's facility sets for some years in one scope: what all views are built on.
    A facility is counted in saving with its district's band (`bands`, from the district's own
    plan), or with `band` when its district has none."""

    scope: Scope
    band: tuple[Decimal, Decimal]
    years: dict[int, YearSets]
    commune_of: dict[int, int]
    district_of: dict[int, int] = field(default_factory=dict)
    bands: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    _by_district: dict[int, set[int]] | None = field(default=None, repr=False, compare=False)
    _by_commune: dict[int, set[int]] | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, year: int) -> YearSets:
        return self.years[year]

    def band_of(self, pk: int) -> tuple[Decimal, Decimal]:
        """The band facility `pk` is counted with: its district's."""
        return self.bands.get(self.district_of.get(pk), self.band)

    def ids_by_district(self) -> dict[int, set[int]]:
        """The evaluated facilities of each district (none for a district without any); built
        once."""
        if self._by_district is None:
            self._by_district = _grouped(self.district_of)
        return self._by_district

    def ids_by_commune(self) -> dict[int, set[int]]:
        """The evaluated facilities of each commune; built once."""
        if self._by_commune is None:
            self._by_commune = _grouped(self.commune_of)
        return self._by_commune


def _grouped(place_of: dict[int, int]) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = {}
    for pk, place in place_of.items():
        grouped.setdefault(place, set()).add(pk)
    return grouped


class FacilityFacts(NamedTuple):
    """What every figure of every year is decided on, for one facility (a row of the
    statement below)."""

    id: int
    commune_id: int
    district_id: int
    first_year: int | None
    last_year: int | None
    first_aware_status: int | None  # year of its first status at stage aware or above
    first_attended: date | None  # start of the first campaign it attended
    first_measure: date | None  # first implementation of a CP measure
    latest_status: tuple[int | None, ...]  # per year asked: year * 10 + stage of the latest
    measure_in_year: tuple[bool, ...]  # per year asked: a CP measure implemented in it

    @property
    def first_aware(self) -> int | None:
        """The first year with any evidence of awareness."""
        evidence = [
            year
            for year in (
                self.first_aware_status,
                year_of(self.first_attended),
                year_of(self.first_measure),
            )
            if year is not None
        ]
        return min(evidence) if evidence else None

    def active_in(self, year: int) -> bool:
        return spans(self, year)


def _facts_sql(years: list[int], scope: Scope) -> tuple[str, list[Any]]:
    """One statement giving the facts of every facility in scope: its years of operation, the
    first year of each kind of awareness evidence, its latest status up to each year (as
    year * 10 + stage) and whether a measure was implemented in each year. Three grouped
    scans joined to the facilities, whatever the number of years."""
    status = FacilityYearStatus._meta.db_table
    attendance, campaign = Attendance._meta.db_table, Campaign._meta.db_table
    measure = CPMeasure._meta.db_table
    latest = ", ".join(
        f"MAX(CASE WHEN year <= %s THEN year * 10 + stage END) AS latest_{n}"
        for n in range(len(years))
    )
    in_year = ", ".join(
        f"MAX(CASE WHEN implemented_on >= %s AND implemented_on < %s THEN 1 ELSE 0 END) AS in_{n}"
        for n in range(len(years))
    )
    columns = ", ".join(
        [f"s.latest_{n}" for n in range(len(years))] + [f"m.in_{n}" for n in range(len(years))]
    )
    where, scoped = [], []
    if scope.district_id:
        where.append("c.district_id = %s")
        scoped.append(scope.district_id)
    if scope.commune_id:
        where.append("f.commune_id = %s")
        scoped.append(scope.commune_id)
    if scope.sector_id:
        where.append("f.sector_id = %s")
        scoped.append(scope.sector_id)
    # A narrower scope than the city groups only its own facilities' rows, so that a
    # district's figures cost its facilities, not the city's; the scope's ids are found once.
    scoped_ids = (f"""WITH scoped AS MATERIALIZED (
                      SELECT f.id FROM {Facility._meta.db_table} f
                      JOIN {Commune._meta.db_table} c ON c.id = f.commune_id
                      WHERE {' AND '.join(where)})""") if where else ""
    within = "facility_id IN (SELECT id FROM scoped)" if where else ""
    # In the statement's order: the scope, the statuses' years, the measures' years.
    params = [*scoped, *years]
    for year in years:
        params += [date(year, 1, 1), date(year + 1, 1, 1)]
    sql = f"""
        {scoped_ids}
        SELECT f.id, f.commune_id, c.district_id, f.first_year, f.last_year, s.first_aware,
               a.first_attended, m.first_measure, {columns}
        FROM {Facility._meta.db_table} f
        JOIN {Commune._meta.db_table} c ON c.id = f.commune_id
        LEFT JOIN (SELECT facility_id,
                          MIN(CASE WHEN stage >= {int(Stage.AWARE)} THEN year END) AS first_aware,
                          {latest}
                   FROM {status} {"WHERE " + within if within else ""}
                   GROUP BY facility_id) s ON s.facility_id = f.id
        LEFT JOIN (SELECT t.facility_id, MIN(c.starts_on) AS first_attended
                   FROM {attendance} t JOIN {campaign} c ON c.id = t.campaign_id
                   {"WHERE t." + within if within else ""}
                   GROUP BY t.facility_id) a ON a.facility_id = f.id
        LEFT JOIN (SELECT facility_id, MIN(implemented_on) AS first_measure, {in_year}
                   FROM {measure} WHERE status = '{CPMeasure.Status.IMPLEMENTED}'
                   {"AND " + within if within else ""}
                   GROUP BY facility_id) m ON m.facility_id = f.id
        {"WHERE f.id IN (SELECT id FROM scoped)" if where else ""}"""
    return sql, params


def facility_facts(years: list[int], scope: Scope) -> list[FacilityFacts]:
    """The facts of every facility in scope, read by column name. One query."""
    sql, params = _facts_sql(years, scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        at = {column[0]: n for n, column in enumerate(cursor.description)}
        rows = cursor.fetchall()
    # Positions looked up once, not per row: the city's statement returns tens of thousands.
    fixed = [at[name] for name in ("id", "commune_id", "district_id", "first_year", "last_year",
                                   "first_aware", "first_attended", "first_measure")]
    latest = [at[f"latest_{n}"] for n in range(len(years))]
    in_year = [at[f"in_{n}"] for n in range(len(years))]
    return [FacilityFacts(*(row[n] for n in fixed),
                          tuple(row[n] for n in latest),
                          tuple(bool(row[n]) for n in in_year))
            for row in rows]


def evaluate(
    years: list[int] | range,
    scope: Scope = DISTRICT,
    band: tuple[Decimal, Decimal] = DEFAULT_BAND,
    bands: dict[int, tuple[Decimal, Decimal]] | None = None,
) -> Evaluation:
    """Compute the facility sets of every figure for the given years, in a fixed number of
    queries (three), whatever the number of facilities, records, years or districts. `bands`:
    the band of each district whose plan sets its own (the others count with `band`)."""
    years = sorted(set(years))
    evaluation = Evaluation(scope, band, {y: YearSets(y) for y in years}, {}, {}, bands or {})
    applying = int(Stage.APPLYING)
    for facts in facility_facts(years, scope):
        evaluation.commune_of[facts.id] = facts.commune_id
        evaluation.district_of[facts.id] = facts.district_id
        # aware(y) contains applying(y): an applying status is a stage >= aware, and a
        # measure implemented in y is one implemented by y.
        first_aware = facts.first_aware
        for n, year in enumerate(years):
            if not facts.active_in(year):
                continue
            sets = evaluation.years[year]
            sets.active.add(facts.id)
            if first_aware is not None and first_aware <= year:
                sets.aware.add(facts.id)
            latest = facts.latest_status[n]
            if (latest is not None and int(latest) % 10 == applying) or facts.measure_in_year[n]:
                sets.applying.add(facts.id)
    _add_savings(evaluation)
    return evaluation


def _add_savings(evaluation: Evaluation) -> None:
    """saving(y): applying facilities whose SEC fell by at least their district's band's lower
    bound against their own baseline record (audits/energy.py does the arithmetic)."""
    applying = set().union(*(sets.applying for sets in evaluation.years.values()))
    if not applying:
        return
    records = energy_records_light(applying, max(evaluation.years))
    for year, sets in evaluation.years.items():
        for pk in sets.applying:
            low, high = evaluation.band_of(pk)
            history = records.get(pk, [])
            current = energy.record_of_year(history, year)
            base = energy.baseline_record(history, year)
            ratio = energy.saving_ratio(base, current)
            band = energy.saving_band(ratio, low, high)
            if band == energy.IN_BAND:
                sets.in_band.add(pk)
            elif band == energy.ABOVE_BAND:
                sets.above_band.add(pk)
            else:
                continue
            sets.ratio[pk] = ratio
            sets.saved_toe[pk] = energy.energy_saved_toe(base, current)
            sets.sec[pk] = SaverSec(
                base.year,
                energy.record_sec(base),
                energy.record_sec(current),
                current.product_unit,
            )


FIGURES = ("active", "aware", "applying", "saving", "in_band", "above_band")


def members(evaluation: Evaluation, figure: str, year: int) -> list[int]:
    """The ids of the facilities a figure counts: the list behind a number on the dashboard."""
    if figure not in FIGURES:
        raise KeyError(figure)
    return sorted(getattr(evaluation[year], figure))
