"""The tables built on an evaluation: the districts, the communes, the trend, the savers of the
annex; and the tables of measures and data quality of a year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Commune, District
from audits.models import CPMeasure, CPTechnique, EnergyRecord, QualityFlag
from facilities.models import Facility
from reports.kpis.comparison import KPIs, officers_count, summarize
from reports.kpis.engine import Evaluation
from reports.kpis.scope import DISTRICT, Scope
from reports.kpis.targets import Targets, YearPlans


@dataclass(frozen=True)
class CommuneRow:
    commune_id: int
    code: str
    name: str
    kpis: KPIs


def commune_table(
    evaluation: Evaluation,
    *,
    year: int,
    targets: Targets,
    officers: int | None = None,
    communes: list[Commune] | None = None,
    plans: YearPlans | None = None,
) -> list[CommuneRow]:
    """The indicators of every commune (one query for the communes, none per commune), each
    against its district's plan (`plans`; without them, `targets`)."""
    ids_by_commune = evaluation.ids_by_commune()
    officers = officers_count() if officers is None else officers
    if communes is None:
        # A district's scope reads its own communes, not the city's 526.
        communes = Commune.objects.order_by("code")
        if evaluation.scope.district_id:
            communes = communes.filter(district_id=evaluation.scope.district_id)
    rows = []
    for commune in communes:
        if evaluation.scope.commune_id and commune.pk != evaluation.scope.commune_id:
            continue
        if evaluation.scope.district_id and commune.district_id != evaluation.scope.district_id:
            continue
        figures = summarize(
            evaluation,
            year=year,
            targets=targets if plans is None else plans.of_district(commune.district_id),
            ids=ids_by_commune.get(commune.pk, set()),
            officers=officers,
            commune_code=commune.code,
        )
        rows.append(CommuneRow(commune.pk, commune.code, commune.name, figures))
    return rows


@dataclass(frozen=True)
class DistrictRow:
    district_id: int
    code: str
    name: str
    kpis: KPIs

    @property
    def plan_code(self) -> str | None:
        """The plan the district is counted against (None: plan 108/KH-UBND's targets)."""
        return self.kpis.targets.plan_code


def district_table(
    evaluation: Evaluation,
    *,
    year: int,
    plans: YearPlans,
    districts: list[District],
    officers: dict[int | None, int],
) -> list[DistrictRow]:
    """The indicators of each of `districts`, each against its own plan (docs/KPI.md, "Scopes
    and plans"), from the same evaluation: no query per district."""
    ids_by_district = evaluation.ids_by_district()
    rows = []
    for district in districts:
        ids = ids_by_district.get(district.pk, set())
        figures = summarize(
            evaluation,
            year=year,
            targets=plans.of_district(district.pk),
            ids=ids,
            officers=officers.get(district.pk, 0),
        )
        rows.append(DistrictRow(district.pk, district.code, district.name, figures))
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
    return [
        TrendPoint(year, len(s.active), len(s.aware), len(s.applying), len(s.saving))
        for year, s in sorted(evaluation.years.items())
    ]


@dataclass(frozen=True)
class TechniqueRow:
    code: str
    name: str
    measures: int
    facilities: int
    investment_vnd: int
    yearly_saving_vnd: int
    energy_saved_toe: Decimal


def measures_by_technique(year: int, scope: Scope = DISTRICT) -> list[TechniqueRow]:
    """CP measures implemented in the year, by technique, with investment and savings. Two
    queries."""
    measures = CPMeasure.objects.filter(
        scope.of_facility("facility__"),
        status=CPMeasure.Status.IMPLEMENTED,
        implemented_on__year=year,
    )
    rows = {
        row["technique_id"]: row
        for row in measures.values("technique_id").annotate(
            n=Count("id"),
            facilities=Count("facility", distinct=True),
            investment=Sum("investment_vnd"),
            saving=Sum("yearly_saving_vnd"),
        )
    }
    toe: dict[int, Decimal] = {}
    for technique_id, value in measures.values_list("technique_id", "energy_saved_toe"):
        toe[technique_id] = toe.get(technique_id, Decimal(0)) + (value or Decimal(0))
    return [
        TechniqueRow(
            t.code,
            t.name,
            rows.get(t.pk, {}).get("n", 0),
            rows.get(t.pk, {}).get("facilities", 0),
            int(rows.get(t.pk, {}).get("investment") or 0),
            int(rows.get(t.pk, {}).get("saving") or 0),
            toe.get(t.pk, Decimal(0)),
        )
        for t in CPTechnique.objects.order_by("id")
    ]


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


def data_quality(year: int, scope: Scope = DISTRICT) -> DataQuality:
    facilities = scope.facilities()
    records = EnergyRecord.objects.filter(year=year, facility__in=facilities)
    counts = records.aggregate(
        n=Count("id"), unverified=Count("id", filter=Q(verified_at__isnull=True))
    )
    by_rule = dict(
        QualityFlag.objects.filter(year=year, facility__in=facilities)
        .values("rule")
        .annotate(n=Count("id"))
        .values_list("rule", "n")
    )
    flags = [(rule, str(label), by_rule.get(rule, 0)) for rule, label in QualityFlag.Rule.choices]
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
        sec = sets.sec[facility.pk]
        rows.append(
            SaverRow(
                facility_id=facility.pk,
                name=facility.name,
                tax_code=facility.tax_code,
                commune=facility.commune.name,
                baseline_year=sec.baseline_year,
                sec_baseline=sec.sec_baseline,
                sec_current=sec.sec_current,
                product_unit=sec.product_unit,
                ratio=sets.ratio[facility.pk],
                above_band=facility.pk in sets.above_band,
                energy_saved_toe=sets.saved_toe[facility.pk],
            )
        )
    return rows
