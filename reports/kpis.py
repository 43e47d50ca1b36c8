"""The KPI engine: every figure the portal shows, prints or exports is computed here.

Plain functions over querysets, returning dataclasses. The dashboard, the PDF, the workbook,
`manage.py kpi` and the tests all call these; nothing else computes a figure. What each figure
means is written in docs/KPI.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum

from accounts.models import Commune, Role, User
from audits import energy
from audits.models import CPMeasure, CPTechnique, EnergyRecord, QualityFlag
from audits.selectors import energy_records_light
from campaigns.models import Attendance, Campaign, DemonstrationModel, FundingLine, FundingSource
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.sql import year_of
from reports.models import DEFAULT_BAND, Plan


@dataclass(frozen=True)
class FundingRow:
    source_code: str
    source_name: str
    planned_vnd: int
    spent_vnd: int

    @property
    def rest_vnd(self) -> int:
        return self.planned_vnd - self.spent_vnd


@dataclass(frozen=True)
class Funding:
    year: int
    rows: list[FundingRow] = field(default_factory=list)

    @property
    def planned_vnd(self) -> int:
        return sum(row.planned_vnd for row in self.rows)

    @property
    def spent_vnd(self) -> int:
        return sum(row.spent_vnd for row in self.rows)

    @property
    def rest_vnd(self) -> int:
        return self.planned_vnd - self.spent_vnd


def funding_by_source(year: int) -> Funding:
    """Planned and spent VND of the year's funding lines, by source (every source listed, in
    the plan's order), with the rest = planned - spent. Two queries."""
    sums = {
        row["source_id"]: row
        for row in FundingLine.objects.filter(year=year).values("source_id").annotate(
            planned=Sum("planned_vnd"), spent=Sum("spent_vnd"))
    }
    rows = []
    for source in FundingSource.objects.order_by("id"):
        got = sums.get(source.id, {})
        rows.append(FundingRow(source.code, source.name, int(got.get("planned") or 0),
                               int(got.get("spent") or 0)))
    return Funding(year, rows)


# ---- the KPI engine ---------------------------------------------------------------------------

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")
TOE_PLACES = Decimal("0.001")


def round_half_up(value: Decimal | None, places: Decimal) -> Decimal | None:
    """Rounding for display and JSON only; figures are compared unrounded."""
    return None if value is None else value.quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetSpec:
    indicator: str
    mode: str
    value: Decimal
    band_low: Decimal | None = None
    band_high: Decimal | None = None


@dataclass(frozen=True)
class Targets:
    """The plan's targets for a year, or plan 108/KH-UBND's when no plan is entered."""

    plan_code: str | None
    baseline_year: int
    aware: TargetSpec
    saving: TargetSpec
    officers: TargetSpec

    @property
    def band(self) -> tuple[Decimal, Decimal]:
        return (self.saving.band_low if self.saving.band_low is not None else DEFAULT_BAND[0],
                self.saving.band_high if self.saving.band_high is not None else DEFAULT_BAND[1])


def targets_for(year: int, baseline_year: int | None = None) -> Targets:
    """Targets of the plan for `year` (one query), or the defaults of CONTRACTS.md."""
    plan = Plan.objects.filter(year=year).prefetch_related("targets").first()
    given = {t.indicator: t for t in plan.targets.all()} if plan else {}
    defaults = {
        "aware": TargetSpec("aware", "relative", Decimal(20)),
        "saving": TargetSpec("saving", "relative", Decimal(10), *DEFAULT_BAND),
        "officers": TargetSpec("officers", "absolute", Decimal(1)),
    }
    specs = {}
    for indicator, default in defaults.items():
        target = given.get(indicator)
        specs[indicator] = default if target is None else TargetSpec(
            indicator, target.mode, target.value, target.band_low, target.band_high)
    baseline = baseline_year or (plan.baseline_year if plan else year - 1)
    return Targets(plan.code if plan else None, baseline, **specs)


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
    # For the report's annex: (baseline year, SEC_base, SEC_y, product unit) of each saver.
    sec: dict[int, tuple[int, Decimal, Decimal, str]] = field(default_factory=dict)

    @property
    def saving(self) -> set[int]:
        return self.in_band | self.above_band

    def energy_saved_toe(self, ids: set[int] | None = None) -> Decimal:
        chosen = self.saving if ids is None else self.saving & ids
        return sum((self.saved_toe[pk] for pk in chosen), Decimal(0))


@dataclass
class Evaluation:
    """Every figure's facility sets for some years in one scope: what all views are built on."""

    scope: Scope
    band: tuple[Decimal, Decimal]
    years: dict[int, YearSets]
    commune_of: dict[int, int]

    def __getitem__(self, year: int) -> YearSets:
        return self.years[year]


def _facts_sql(years: list[int], scope: Scope) -> tuple[str, list[Any]]:
    """One statement giving, per facility, what every figure of every year is decided on:
    its years of operation, the first year of each kind of awareness evidence, its latest
    status up to each year (as year * 10 + stage) and whether a measure was implemented in
    each year. Three grouped scans joined to the facilities, whatever the number of years."""
    status = FacilityYearStatus._meta.db_table
    attendance, campaign = Attendance._meta.db_table, Campaign._meta.db_table
    measure = CPMeasure._meta.db_table
    latest = ", ".join(f"MAX(CASE WHEN year <= %s THEN year * 10 + stage END) AS latest_{n}"
                       for n in range(len(years)))
    in_year = ", ".join(f"MAX(CASE WHEN implemented_on >= %s AND implemented_on < %s "
                        f"THEN 1 ELSE 0 END) AS in_{n}" for n in range(len(years)))
    columns = ", ".join([f"s.latest_{n}" for n in range(len(years))]
                        + [f"m.in_{n}" for n in range(len(years))])
    where, params = [], []
    params += list(years)
    for year in years:
        params += [date(year, 1, 1), date(year + 1, 1, 1)]
    if scope.commune_id:
        where.append("f.commune_id = %s")
        params.append(scope.commune_id)
    if scope.sector_id:
        where.append("f.sector_id = %s")
        params.append(scope.sector_id)
    sql = f"""
        SELECT f.id, f.commune_id, f.first_year, f.last_year, s.first_aware,
               a.first_attended, m.first_measure, {columns}
        FROM {Facility._meta.db_table} f
        LEFT JOIN (SELECT facility_id,
                          MIN(CASE WHEN stage >= {int(Stage.AWARE)} THEN year END) AS first_aware,
                          {latest}
                   FROM {status} GROUP BY facility_id) s ON s.facility_id = f.id
        LEFT JOIN (SELECT t.facility_id, MIN(c.starts_on) AS first_attended
                   FROM {attendance} t JOIN {campaign} c ON c.id = t.campaign_id
                   GROUP BY t.facility_id) a ON a.facility_id = f.id
        LEFT JOIN (SELECT facility_id, MIN(implemented_on) AS first_measure, {in_year}
                   FROM {measure} WHERE status = '{CPMeasure.Status.IMPLEMENTED}'
                   GROUP BY facility_id) m ON m.facility_id = f.id
        {"WHERE " + " AND ".join(where) if where else ""}"""
    return sql, params


def evaluate(years: list[int] | range, scope: Scope = Scope(),
             band: tuple[Decimal, Decimal] = DEFAULT_BAND) -> Evaluation:
    """Compute the facility sets of every figure for the given years, in a fixed number of
    queries (three), whatever the number of facilities, records or years."""
    years = sorted(set(years))
    sql, params = _facts_sql(years, scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    evaluation = Evaluation(scope, band, {y: YearSets(y) for y in years}, {})
    count = len(years)
    applying = int(Stage.APPLYING)
    for row in rows:
        pk, commune_id, first_year, last_year = row[0], row[1], row[2], row[3]
        evaluation.commune_of[pk] = commune_id
        # aware(y) contains applying(y): an applying status is a stage >= aware, and a
        # measure implemented in y is one implemented by y.
        evidence = [year for year in (row[4], year_of(row[5]), year_of(row[6]))
                    if year is not None]
        first_aware = min(evidence) if evidence else None
        for n, year in enumerate(years):
            if (first_year is not None and first_year > year) or (
                    last_year is not None and last_year < year):
                continue
            sets = evaluation.years[year]
            sets.active.add(pk)
            if first_aware is not None and first_aware <= year:
                sets.aware.add(pk)
            latest = row[7 + n]
            if (latest is not None and int(latest) % 10 == applying) or row[7 + count + n]:
                sets.applying.add(pk)
    _add_savings(evaluation)
    return evaluation


def _add_savings(evaluation: Evaluation) -> None:
    """saving(y): applying facilities whose SEC fell by at least the band's lower bound against
    their own baseline record (audits/energy.py does the arithmetic)."""
    applying = set().union(*(sets.applying for sets in evaluation.years.values()))
    if not applying:
        return
    records = energy_records_light(applying, max(evaluation.years))
    low, high = evaluation.band
    for year, sets in evaluation.years.items():
        for pk in sets.applying:
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
            sets.sec[pk] = (base.year, energy.record_sec(base), energy.record_sec(current),
                            current.product_unit)


# ---- figures compared with the baseline --------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """A figure in the baseline year and the current year, its change in both modes, and the
    target (when the plan sets one)."""

    baseline: int
    current: int
    active_baseline: int
    active_current: int
    target: TargetSpec | None = None

    @property
    def change_percent(self) -> Decimal | None:
        """(current − baseline) / baseline × 100; undefined when the baseline is 0."""
        if self.baseline == 0:
            return None
        return (Decimal(self.current) - self.baseline) * HUNDRED / self.baseline

    @property
    def change_points(self) -> Decimal | None:
        """Change of the share of active facilities, in percentage points."""
        if self.active_current == 0 or self.active_baseline == 0:
            return None
        return (Decimal(self.current) * HUNDRED / self.active_current
                - Decimal(self.baseline) * HUNDRED / self.active_baseline)

    @property
    def met(self) -> bool | None:
        """The unrounded change in the target's mode reaches the target; when that change is
        undefined, met means current > baseline."""
        if self.target is None:
            return None
        change = self.change_points if self.target.mode == "points" else self.change_percent
        if change is None:
            return self.current > self.baseline
        return change >= self.target.value

    @property
    def target_progress(self) -> int:
        """How far the change has come towards the target, 0-100, for the progress bar."""
        if self.target is None:
            return 0
        if self.met:
            return 100
        change = self.change_points if self.target.mode == "points" else self.change_percent
        if change is None or self.target.value <= 0 or change <= 0:
            return 0
        return min(100, int(change * HUNDRED / self.target.value))


@dataclass(frozen=True)
class Officers:
    current: int
    target: Decimal

    @property
    def met(self) -> bool:
        return self.current >= self.target


@dataclass(frozen=True)
class KPIs:
    """The plan's indicators for a year against the baseline year, in one scope."""

    year: int
    baseline_year: int
    scope: Scope
    commune_code: str | None
    targets: Targets
    active: Comparison
    aware: Comparison
    applying: Comparison
    saving: Comparison
    in_band: int
    above_band: int
    energy_saved_toe: Decimal
    officers: Officers

    def as_json(self) -> dict[str, Any]:
        """The exact JSON of CONTRACTS.md ("KPI JSON")."""

        def number(value: Decimal | None, places: Decimal = PERCENT_PLACES):
            rounded = round_half_up(value, places)
            return None if rounded is None else float(rounded)

        def target_value(spec: TargetSpec):
            value = spec.value
            return int(value) if value == value.to_integral_value() else float(value)

        def compared(comparison: Comparison) -> dict[str, Any]:
            return {
                "baseline": comparison.baseline, "current": comparison.current,
                "change_percent": number(comparison.change_percent),
                "change_points": number(comparison.change_points),
                "target": target_value(comparison.target),
                "target_mode": comparison.target.mode, "met": comparison.met,
            }

        saving = compared(self.saving)
        return {
            "year": self.year, "baseline_year": self.baseline_year,
            "scope": {"commune": self.commune_code},
            "active": {"baseline": self.active.baseline, "current": self.active.current},
            "aware": compared(self.aware),
            "applying": {"baseline": self.applying.baseline, "current": self.applying.current},
            "saving": {"baseline": saving["baseline"], "current": saving["current"],
                       "in_band": self.in_band, "above_band": self.above_band,
                       **{k: v for k, v in saving.items() if k not in ("baseline", "current")}},
            "officers": {"current": self.officers.current,
                         "target": target_value(self.targets.officers),
                         "met": self.officers.met},
            "energy_saved_toe": number(self.energy_saved_toe, TOE_PLACES),
        }


def officers_count() -> int:
    """KPI 3: active staff marked as the SXSH officer, counted now and district-wide."""
    return User.objects.filter(role=Role.STAFF, is_active=True, is_sxsh_officer=True).count()


def summarize(evaluation: Evaluation, *, year: int, targets: Targets,
              ids: set[int] | None = None, officers: int | None = None,
              commune_code: str | None = None) -> KPIs:
    """The indicators of `year` against the targets' baseline year, for all facilities of the
    evaluation or only `ids` (a commune's row of the table)."""
    current, base = evaluation[year], evaluation[targets.baseline_year]

    def count(sets: set[int]) -> int:
        return len(sets if ids is None else sets & ids)

    active = (count(base.active), count(current.active))

    def compare(attr: str, target: TargetSpec | None = None) -> Comparison:
        return Comparison(count(getattr(base, attr)), count(getattr(current, attr)), *active,
                          target=target)

    return KPIs(
        year=year, baseline_year=targets.baseline_year, scope=evaluation.scope,
        commune_code=commune_code, targets=targets,
        active=Comparison(*active, *active), aware=compare("aware", targets.aware),
        applying=compare("applying"), saving=compare("saving", targets.saving),
        in_band=count(current.in_band), above_band=count(current.above_band),
        energy_saved_toe=current.energy_saved_toe(ids),
        officers=Officers(officers_count() if officers is None else officers,
                          targets.officers.value),
    )


def kpis(*, year: int, baseline_year: int | None = None, commune_id: int | None = None,
         sector_id: int | None = None) -> KPIs:
    """The indicators of one year against the baseline year in one scope (district, commune,
    sector): what the dashboard cards, the PDF, the workbook and `manage.py kpi` print."""
    targets = targets_for(year, baseline_year)
    evaluation = evaluate([targets.baseline_year, year], Scope(commune_id, sector_id),
                          targets.band)
    code = Commune.objects.get(pk=commune_id).code if commune_id else None
    return summarize(evaluation, year=year, targets=targets, commune_code=code)


# ---- the table of communes, the trend, the lists behind the numbers ---------------------------

@dataclass(frozen=True)
class CommuneRow:
    commune_id: int
    code: str
    name: str
    kpis: KPIs


def commune_table(evaluation: Evaluation, *, year: int, targets: Targets,
                  officers: int | None = None,
                  communes: list[Commune] | None = None) -> list[CommuneRow]:
    """The indicators of every commune (one query for the communes, none per commune)."""
    ids_by_commune: dict[int, set[int]] = {}
    for pk, commune_id in evaluation.commune_of.items():
        ids_by_commune.setdefault(commune_id, set()).add(pk)
    officers = officers_count() if officers is None else officers
    rows = []
    for commune in communes if communes is not None else Commune.objects.order_by("code"):
        if evaluation.scope.commune_id and commune.pk != evaluation.scope.commune_id:
            continue
        figures = summarize(evaluation, year=year, targets=targets,
                            ids=ids_by_commune.get(commune.pk, set()), officers=officers,
                            commune_code=commune.code)
        rows.append(CommuneRow(commune.pk, commune.code, commune.name, figures))
    return rows


@dataclass(frozen=True)
class TrendPoint:
    year: int
    active: int
    aware: int
    applying: int
    saving: int


def trend(evaluation: Evaluation) -> list[TrendPoint]:
    """Each figure year by year, for the dashboard's chart."""
    return [TrendPoint(year, len(s.active), len(s.aware), len(s.applying), len(s.saving))
            for year, s in sorted(evaluation.years.items())]


FIGURES = ("active", "aware", "applying", "saving", "in_band", "above_band")


def members(evaluation: Evaluation, figure: str, year: int) -> list[int]:
    """The ids of the facilities a figure counts: the list behind a number on the dashboard."""
    if figure not in FIGURES:
        raise KeyError(figure)
    return sorted(getattr(evaluation[year], figure))


# ---- activity figures ---------------------------------------------------------------------------
# At the district's scope a campaign counts with its own figures. At a narrower scope (a commune,
# a sector) only what reached the scope's facilities counts: campaigns they attended, the people
# they sent, the models they host. Copies, broadcasts and the budget are not split by facility:
# they exist only district-wide (None, or marked as the district's, at a narrower scope).

@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    campaigns: int
    people_reached: int
    facilities_reached: int
    copies_printed: int | None
    broadcasts_aired: int | None


@dataclass(frozen=True)
class Activity:
    """What was done in a year in a scope: campaigns by kind, demonstration models by status,
    and the district's funding (never split by commune, whatever the scope)."""

    year: int
    scope: Scope
    kinds: list[KindRow]
    facilities_reached: int
    models_by_status: list[tuple[str, str, int]]
    funding: Funding

    @property
    def whole_district(self) -> bool:
        return self.scope.whole_district

    @property
    def campaigns(self) -> int:
        return sum(row.campaigns for row in self.kinds)

    @property
    def people_reached(self) -> int:
        return sum(row.people_reached for row in self.kinds)

    @property
    def copies_printed(self) -> int | None:
        return sum(row.copies_printed for row in self.kinds) if self.whole_district else None

    @property
    def broadcasts_aired(self) -> int | None:
        return sum(row.broadcasts_aired for row in self.kinds) if self.whole_district else None

    @property
    def models(self) -> int:
        return sum(count for _status, _label, count in self.models_by_status)


def activity(year: int, scope: Scope = Scope()) -> Activity:
    """Campaigns that started in the year, by kind; demonstration models of the year by status;
    funding by source (the district's).

    District: every campaign, with its own people reached, copies and broadcasts; facilities
    reached = distinct facilities that attended. Narrower scope: campaigns with at least one
    attendance by a facility of the scope; people reached = the people those attendances sent;
    facilities reached = distinct facilities of the scope that attended; models hosted by the
    scope's facilities; no copies or broadcasts. Six queries at most, whatever the data."""
    reached = Attendance.objects.filter(scope.of_facility("facility__"),
                                        campaign__starts_on__year=year)
    if scope.whole_district:
        sums = {row["kind"]: row for row in Campaign.objects.filter(starts_on__year=year)
                .values("kind").annotate(n=Count("id"), people=Sum("people_reached"),
                                         copies=Sum("copies_printed"),
                                         broadcasts=Sum("broadcasts_aired"))}
        facilities_by_kind = dict(reached.values("campaign__kind").annotate(
            n=Count("facility", distinct=True)).values_list("campaign__kind", "n"))
    else:
        sums = {row["campaign__kind"]: row for row in reached.values("campaign__kind").annotate(
            n=Count("campaign", distinct=True), people=Sum("people"),
            facilities=Count("facility", distinct=True))}
        facilities_by_kind = {kind: row["facilities"] for kind, row in sums.items()}

    def district_only(got: dict, key: str) -> int | None:
        return int(got.get(key) or 0) if scope.whole_district else None

    kinds = []
    for kind, label in Campaign.Kind.choices:
        got = sums.get(kind, {})
        kinds.append(KindRow(kind, str(label), got.get("n", 0), int(got.get("people") or 0),
                             facilities_by_kind.get(kind, 0), district_only(got, "copies"),
                             district_only(got, "broadcasts")))
    facilities = reached.aggregate(n=Count("facility", distinct=True))["n"]
    by_status = dict(DemonstrationModel.objects.filter(scope.of_facility("host__"), year=year)
                     .values("status").annotate(n=Count("id")).values_list("status", "n"))
    statuses = [(status, str(label), by_status.get(status, 0))
                for status, label in DemonstrationModel.Status.choices]
    return Activity(year, scope, kinds, facilities, statuses, funding_by_source(year))


@dataclass(frozen=True)
class CampaignRow:
    """One campaign of the year with what it counts for in the scope (see activity)."""

    campaign_id: int
    starts_on: date
    kind_label: str
    title: str
    lead_unit: str
    place: str
    people_reached: int
    facilities_reached: int
    copies_printed: int | None
    broadcasts_aired: int | None


def campaigns_reached(year: int, scope: Scope = Scope()) -> list[CampaignRow]:
    """The campaigns `activity` counts, one row each, in date order; their rows add up to its
    figures. One query."""
    campaigns = Campaign.objects.filter(starts_on__year=year).select_related("lead_unit")
    if scope.whole_district:
        campaigns = campaigns.annotate(people=F("people_reached"),
                                       facilities=Count("attendances"))
    else:
        in_scope = scope.of_facility("attendances__facility__")
        campaigns = campaigns.annotate(
            people=Sum("attendances__people", filter=in_scope),
            facilities=Count("attendances", filter=in_scope)).filter(facilities__gt=0)
    whole = scope.whole_district
    return [CampaignRow(c.pk, c.starts_on, c.get_kind_display(), c.title, c.lead_unit.name,
                        c.place, int(c.people or 0), c.facilities,
                        c.copies_printed if whole else None,
                        c.broadcasts_aired if whole else None)
            for c in campaigns.order_by("starts_on", "id")]


def officers_list() -> list[User]:
    """The people KPI 3 counts (see officers_count)."""
    return list(User.objects.filter(role=Role.STAFF, is_active=True, is_sxsh_officer=True)
                .order_by("full_name", "username"))


@dataclass(frozen=True)
class TechniqueRow:
    code: str
    name: str
    measures: int
    facilities: int
    investment_vnd: int
    yearly_saving_vnd: int
    energy_saved_toe: Decimal


def measures_by_technique(year: int, scope: Scope = Scope()) -> list[TechniqueRow]:
    """CP measures implemented in the year, by technique, with investment and savings. Two
    queries."""
    measures = CPMeasure.objects.filter(scope.of_facility("facility__"),
                                        status=CPMeasure.Status.IMPLEMENTED,
                                        implemented_on__year=year)
    rows = {row["technique_id"]: row for row in measures.values("technique_id").annotate(
        n=Count("id"), facilities=Count("facility", distinct=True),
        investment=Sum("investment_vnd"), saving=Sum("yearly_saving_vnd"))}
    toe: dict[int, Decimal] = {}
    for technique_id, value in measures.values_list("technique_id", "energy_saved_toe"):
        toe[technique_id] = toe.get(technique_id, Decimal(0)) + (value or Decimal(0))
    return [TechniqueRow(t.code, t.name, rows.get(t.pk, {}).get("n", 0),
                         rows.get(t.pk, {}).get("facilities", 0),
                         int(rows.get(t.pk, {}).get("investment") or 0),
                         int(rows.get(t.pk, {}).get("saving") or 0), toe.get(t.pk, Decimal(0)))
            for t in CPTechnique.objects.order_by("id")]


@dataclass(frozen=True)
class DataQuality:
    """Doubtful figures of a year: records not verified, and data-quality flags by rule."""

    year: int
    records: int
    unverified: int
    flags: list[tuple[str, str, int]]

    @property
    def flagged(self) -> int:
        return sum(count for _rule, _label, count in self.flags)


def data_quality(year: int, scope: Scope = Scope()) -> DataQuality:
    facilities = scope.facilities()
    records = EnergyRecord.objects.filter(year=year, facility__in=facilities)
    counts = records.aggregate(n=Count("id"), unverified=Count("id", filter=Q(
        verified_at__isnull=True)))
    by_rule = dict(QualityFlag.objects.filter(year=year, facility__in=facilities)
                   .values("rule").annotate(n=Count("id")).values_list("rule", "n"))
    flags = [(rule, str(label), by_rule.get(rule, 0)) for rule, label in
             QualityFlag.Rule.choices]
    return DataQuality(year, counts["n"], counts["unverified"], flags)


@dataclass(frozen=True)
class SaverRow:
    facility_id: int
    name: str
    tax_code: str
    commune: str
    baseline_year: int
    sec_baseline: Decimal
    sec_current: Decimal
    product_unit: str
    ratio: Decimal
    above_band: bool
    energy_saved_toe: Decimal


def savers(evaluation: Evaluation, year: int) -> list[SaverRow]:
    """The facilities counted in target 2 in `year`, with their SEC and saving (the report's
    annex). One query for the names."""
    sets = evaluation[year]
    facilities = Facility.objects.filter(pk__in=list(sets.saving)).select_related("commune")
    rows = []
    for facility in sorted(facilities, key=lambda f: f.name_sort):
        base_year, sec_base, sec_current, unit = sets.sec[facility.pk]
        rows.append(SaverRow(facility.pk, facility.name, facility.tax_code,
                             facility.commune.name, base_year, sec_base, sec_current, unit,
                             sets.ratio[facility.pk], facility.pk in sets.above_band,
                             sets.saved_toe[facility.pk]))
    return rows
