"""Reads of energy records, CP measures and data-quality flags, starting from what the user may
see. The bulk selectors here serve the KPI engine as well as the pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Commune
from accounts.permissions import check, may_show_group, scope_queryset, within_district
from audits import energy
from audits.models import (
    OPEN_STATES,
    CPMeasure,
    CPTechnique,
    DataRequest,
    EnergyCarrier,
    EnergyRecord,
    EnergyUse,
    QualityFlag,
    Submission,
)
from audits.submission_baseline import Baseline, UnsavedRecord
from audits.submission_measures import MeasureLine, lines_of
from facilities.models import Facility, Sector
from facilities.selectors import with_stage_as_of
from melinh_sxsh.lib.sql import ids_subquery, raw_rows, to_decimal
from melinh_sxsh.lib.text import sort_key
from melinh_sxsh.lib.years import spanning

RECORD_COMMUNE = "facility__commune"


def uses_prefetch() -> Prefetch:
    return Prefetch("uses", queryset=EnergyUse.objects.select_related("carrier"))


def records_with_uses(queryset: QuerySet[EnergyRecord] | None = None) -> QuerySet[EnergyRecord]:
    """Records with their energy lines and carriers: two queries however many records."""
    if queryset is None:
        queryset = EnergyRecord.objects.all()
    return queryset.prefetch_related(uses_prefetch())


def energy_records_by_facility(facilities: QuerySet[Facility] | None = None,
                               ) -> dict[int, list[EnergyRecord]]:
    """Every record of the given facilities (all when None), oldest first, with uses and
    carriers, grouped by facility id. Two queries, whatever the number of facilities."""
    records = EnergyRecord.objects.order_by("facility_id", "year")
    if facilities is not None:
        records = records.filter(facility__in=facilities.values("pk"))
    grouped: dict[int, list[EnergyRecord]] = defaultdict(list)
    for record in records_with_uses(records):
        grouped[record.facility_id].append(record)
    return dict(grouped)


# ---- pages -----------------------------------------------------------------------------------

def records_visible(user) -> QuerySet[EnergyRecord]:
    return scope_queryset(
        user, EnergyRecord.objects.select_related("facility__commune", "verified_by"),
        RECORD_COMMUNE)


def record_list(user) -> QuerySet[EnergyRecord]:
    """The records the user may see, with their energy lines, newest year first."""
    return records_with_uses(records_visible(user)).order_by("-year", "facility__name_sort", "id")


def record_get(user, pk: int, action: str = "energy.view") -> EnergyRecord:
    """The record if the user may do `action` on it: 404 outside their scope, 403 otherwise."""
    record = get_object_or_404(
        records_with_uses(EnergyRecord.objects.select_related("facility__commune",
                                                              "verified_by")), pk=pk)
    check(user, action, record)
    return record


def measure_get(user, pk: int, action: str = "energy.view") -> CPMeasure:
    measure = get_object_or_404(
        CPMeasure.objects.select_related("facility__commune", "technique"), pk=pk)
    check(user, action, measure)
    return measure


def facility_for(user, pk: int, action: str) -> Facility:
    """A facility the user may add records or measures to (404 outside scope, 403 otherwise)."""
    facility = get_object_or_404(Facility.objects.select_related("commune"), pk=pk)
    check(user, action, facility)
    return facility


@dataclass
class Figures:
    """A record with the figures derived from it for display (never stored)."""

    record: EnergyRecord
    toe: Decimal
    sec: Decimal | None
    baseline: EnergyRecord | None = None
    ratio: Decimal | None = None
    band: str | None = None
    saved: Decimal | None = None

    @property
    def percent(self) -> Decimal | None:
        return None if self.ratio is None else self.ratio * 100


def record_figures(records: Iterable[EnergyRecord]) -> list[Figures]:
    """Total TOE and SEC of records whose uses are prefetched (list pages)."""
    rows = []
    for record in records:
        toe = energy.record_toe(record)
        rows.append(Figures(record, toe, energy.sec_of(toe, record.output)))
    return rows


def facility_figures(facility: Facility) -> list[Figures]:
    """A facility's records, newest first, each with its baseline and saving against it."""
    return figures_of(list(records_with_uses(
        facility.energy_records.select_related("verified_by").order_by("year"))))


def figures_of(records: list[EnergyRecord]) -> list[Figures]:
    """One facility's records (oldest first, uses prefetched), newest first, each with its
    baseline and saving against it. No query of its own."""
    rows = record_figures(records)
    for row in rows:
        row.baseline = energy.baseline_record(records, row.record.year)
        row.ratio = energy.saving_ratio(row.baseline, row.record)
        row.band = energy.saving_band(row.ratio)
        row.saved = energy.energy_saved_toe(row.baseline, row.record)
    return rows[::-1]


def record_figures_with_saving(record: EnergyRecord) -> Figures:
    """One record's figures as the facility page shows them (facility_figures): its TOE and
    SEC, its baseline, and the saving against it. Three queries whatever the records."""
    return next(row for row in facility_figures(record.facility) if row.record.pk == record.pk)


def measures_of(facility: Facility) -> QuerySet[CPMeasure]:
    return facility.cp_measures.select_related("technique").order_by("-implemented_on", "-id")


def measures_recorded_in(submission: Submission) -> QuerySet[CPMeasure]:
    """The facility's CP measures already on record for the request's year: beside a form's
    measures, so that a reviewer sees one that accepting would enter a second time."""
    return measures_of(submission.facility).filter(
        implemented_on__year=submission.request.year)


def flags_visible(user) -> QuerySet[QualityFlag]:
    return scope_queryset(user, QualityFlag.objects.select_related("facility__commune"),
                          RECORD_COMMUNE)


def flag_list(user) -> QuerySet[QualityFlag]:
    """The flags the user may see, by rule, newest year first."""
    return flags_visible(user).order_by("rule", "-year", "facility__name_sort", "id")


def flag_counts(flags: QuerySet[QualityFlag]) -> list[tuple[str, str, int]]:
    """(rule, label, number of flags) for every rule, in the rules' order; one query."""
    counts = dict(flags.order_by().values_list("rule").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in QualityFlag.Rule.choices]


# ---- the technology catalogue ----------------------------------------------------------------

@dataclass
class CatalogueRow:
    sector: Sector | None
    technique: CPTechnique
    measures: int
    facilities: int
    median_investment: Decimal | None
    median_saving: Decimal | None
    median_payback: Decimal | None
    facility_names: list[str] = field(default_factory=list)


def median(values: list) -> Decimal | None:
    """The median in exact decimals (the mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(Decimal(value) for value in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def catalogue(viewer, *, with_names: bool = False,
              district_id: int | None = None) -> list[CatalogueRow]:
    """Implemented CP measures grouped by sector and technique, with the number of facilities
    and the medians of investment, yearly saving and payback (over measures with a saving).
    District-wide (`district_id`: that district's only, for the public pages of a district);
    facility names only when asked for (staff). A group whose figures `viewer`
    (a user, or None for the public pages) may not see is left out: fewer than
    MIN_GROUP_SIZE facilities, one of them not one the viewer may name
    (accounts/permissions.may_show_group). One query."""
    groups: dict[tuple, list[CPMeasure]] = defaultdict(list)
    measures = within_district(viewer, CPMeasure.objects.filter(
        status=CPMeasure.Status.IMPLEMENTED).select_related("facility__sector", "technique"),
        "facility__commune")
    if district_id is not None:
        measures = measures.filter(facility__commune__district_id=district_id)
    for measure in measures:
        groups[(measure.facility.sector, measure.technique)].append(measure)
    rows = []
    for (sector, technique), items in groups.items():
        if not may_show_group(viewer, [m.facility for m in items]):
            continue
        names = sorted({m.facility.name for m in items}, key=sort_key) if with_names else []
        paybacks = [m.payback_years for m in items if m.payback_years is not None]
        rows.append(CatalogueRow(
            sector, technique, len(items), len({m.facility_id for m in items}),
            median([m.investment_vnd for m in items]),
            median([m.yearly_saving_vnd for m in items]), median(paybacks), names))
    rows.sort(key=lambda row: (row.sector is None, row.sector.code if row.sector else "",
                               row.technique.pk))
    return rows


class _LiteCarrier:
    __slots__ = ("toe_per_unit",)

    def __init__(self, toe_per_unit):
        self.toe_per_unit = toe_per_unit


class _LiteUse:
    __slots__ = ("carrier", "quantity")

    def __init__(self, quantity, toe_per_unit):
        self.quantity = quantity
        self.carrier = _LiteCarrier(toe_per_unit)


class _Lines(list):
    def all(self):
        return self


class LiteRecord:
    """The fields of a record that audits/energy.py reads, without a model instance: the KPI
    engine reads tens of thousands of them."""

    __slots__ = ("facility_id", "is_baseline", "output", "pk", "product_unit", "toe_cache",
                 "uses", "year")

    def __init__(self, pk, facility_id, year, output, product_unit, is_baseline):
        self.pk, self.facility_id, self.year = pk, facility_id, year
        self.output, self.product_unit, self.is_baseline = output, product_unit, is_baseline
        self.uses = _Lines()
        self.toe_cache = None


def energy_records_light(facility_ids, up_to_year: int) -> dict[int, list[LiteRecord]]:
    """Records (oldest first) with their lines, of the given facilities, up to a year, as light
    objects that audits/energy.py accepts. Two queries, whatever the number of facilities."""
    from django.db import connection

    wanted = EnergyRecord.objects.filter(
        facility_id__in=ids_subquery(facility_ids, connection.vendor), year__lte=up_to_year)
    records: dict[int, LiteRecord] = {}
    grouped: dict[int, list[LiteRecord]] = defaultdict(list)
    for pk, facility_id, year, output, unit, baseline in raw_rows(
            wanted.order_by("facility_id", "year").values_list(
                "pk", "facility_id", "year", "output", "product_unit", "is_baseline")):
        record = LiteRecord(pk, facility_id, year, to_decimal(output), unit, bool(baseline))
        records[pk] = record
        grouped[facility_id].append(record)
    lines = EnergyUse.objects.filter(record__in=wanted.values("pk")).order_by().values_list(
        "record_id", "quantity", "carrier__toe_per_unit")
    for record_id, quantity, factor in raw_rows(lines):
        records[record_id].uses.append(_LiteUse(to_decimal(quantity), to_decimal(factor)))
    return dict(grouped)


# ---- an enterprise's own page ----------------------------------------------------------------


@dataclass
class OwnFacility:
    """A facility on its enterprise account's page: its figures by year, its submissions, its
    CP measures, its standing in its sector (audits/standing.py) and the parts higher apps
    fill (audits/enterprise_parts.py)."""

    facility: Facility
    figures: list[Figures]
    submissions: list[Submission]
    measures: list[CPMeasure] = field(default_factory=list)
    standing: Any = None
    parts: list[dict] = field(default_factory=list)

    @property
    def measure_section(self) -> dict:
        """The facility page's measures part (audits/_facility_measures.html), read only."""
        return {"measures": self.measures, "may_change": False}


def own_facilities(user) -> list[OwnFacility]:
    """The facilities the user represents, each with its records' figures (newest first), its
    submissions to data requests (newest request first), its CP measures and where it stands.
    A fixed number of queries, however many facilities and years."""
    from audits import enterprise_parts, standing  # both read through this module

    own = scope_queryset(user, Facility.objects.select_related("commune", "sector"), "commune")
    facilities = list(own)
    records = energy_records_by_facility(own)
    submissions: dict[int, list[Submission]] = defaultdict(list)
    for submission in scope_queryset(
        user, Submission.objects.select_related("request"), "facility__commune"
    ).order_by("-request__year", "-request_id"):
        submissions[submission.facility_id].append(submission)
    measures: dict[int, list[CPMeasure]] = defaultdict(list)
    for measure in scope_queryset(user, CPMeasure.objects.select_related("technique"),
                                  RECORD_COMMUNE).order_by("-implemented_on", "-id"):
        measures[measure.facility_id].append(measure)
    standings = standing.sector_standings(facilities)
    items = [
        OwnFacility(facility, figures_of(records.get(facility.pk, [])),
                    submissions[facility.pk], measures[facility.pk], standings.get(facility.pk))
        for facility in facilities
    ]
    enterprise_parts.fill(user, items)
    return items


def submission_get(user, pk: int, action: str) -> Submission:
    """A submission the user may act on (404 outside their scope, 403 otherwise)."""
    submission = get_object_or_404(
        Submission.objects.select_related("request", "facility__commune"), pk=pk
    )
    return check(user, action, submission)


def submission_history(submission: Submission) -> QuerySet:
    """A submission's moves, oldest first, with who made them."""
    return submission.transitions.select_related("moved_by")


@dataclass
class Column:
    """One column of a submission's review: a year's figures from a record or the form."""

    title: str
    output: Decimal | None
    product_unit: str
    lines: dict[int, Decimal]
    toe: Decimal
    sec: Decimal | None
    verified: bool = False


@dataclass
class Comparison:
    """What a reviewer compares: the facility's record of the year before, the submitted
    figures, and the record of the same year already stored (if any), carrier by carrier."""

    columns: list[Column]
    carriers: list[EnergyCarrier]
    stored: EnergyRecord | None
    # The baseline year the form reports, and the saving ratio of the submitted figures against
    # it (audits/energy.saving_ratio; None when undefined): a facility without an earlier record.
    baseline: Baseline | None = None
    baseline_saving: Decimal | None = None

    def rows(self) -> list[tuple[EnergyCarrier, list[Decimal | None]]]:
        return [(c, [col.lines.get(c.pk) for col in self.columns]) for c in self.carriers]


def _record_column(title: str, record: EnergyRecord) -> Column:
    lines = {use.carrier_id: use.quantity for use in record.uses.all()}
    toe = energy.record_toe(record)
    return Column(title, record.output, record.product_unit, lines, toe,
                  energy.sec_of(toe, record.output), record.is_verified)


def submission_comparison(submission: Submission, titles: dict[str, str]) -> Comparison:
    """The columns of the review page; `titles` names them ("before", "submitted", "stored",
    and "baseline", a text with %(year)s, for the baseline year the form reports)."""
    year = submission.request.year
    records = {r.year: r for r in records_with_uses(
        submission.facility.energy_records.filter(year__in=[year - 1, year]))}
    lines = submission.energy_lines()
    carriers = {c.pk: c for c in EnergyCarrier.objects.all()}
    factors = {pk: c.toe_per_unit for pk, c in carriers.items()}
    toe = energy.lines_toe(lines, factors)
    columns, saving = [], None
    baseline = Baseline.of(submission)
    if baseline is not None:
        base = baseline.as_record(factors)
        columns.append(Column(titles["baseline"] % {"year": baseline.year}, base.output,
                              base.product_unit, baseline.lines, base.toe_cache,
                              energy.sec_of(base.toe_cache, base.output)))
        saving = energy.saving_ratio(base, UnsavedRecord(year, submission.output,
                                                         submission.product_unit, toe))
    if year - 1 in records:
        columns.append(_record_column(titles["before"], records[year - 1]))
    columns.append(Column(titles["submitted"], submission.output, submission.product_unit,
                          lines, toe, energy.sec_of(toe, submission.output)))
    if year in records:
        columns.append(_record_column(titles["stored"], records[year]))
    used = {pk for column in columns for pk in column.lines}
    return Comparison(columns, [carriers[pk] for pk in sorted(used) if pk in carriers],
                      records.get(year), baseline, saving)


def submission_measures(submission: Submission) -> list[tuple[CPTechnique | None, MeasureLine]]:
    """The CP measures a submission reports, each with its technique (one query)."""
    lines = lines_of(submission)
    if not lines:
        return []
    techniques = CPTechnique.objects.in_bulk({line.technique_id for line in lines})
    return [(techniques.get(line.technique_id), line) for line in lines]


# ---- data requests: who was asked, who answered -----------------------------------------------

def active_in(year: int) -> Q:
    """Facilities operating in `year` (docs/KPI.md, "Facilities counted")."""
    return spanning(year)


def facilities_to_ask(user, year: int, *, commune=None, sector=None, stage: int | None = None,
                      without_record: bool = False) -> QuerySet[Facility]:
    """The facilities a new data request for `year` would ask: active in the year, in the
    user's scope, of the commune, sector and stage in the year (as things stand) when given,
    and without a record of the year when asked."""
    facilities = scope_queryset(user, Facility.objects.filter(active_in(year)), "commune")
    if commune is not None:
        facilities = facilities.filter(commune=commune)
    if sector is not None:
        facilities = facilities.filter(sector=sector)
    if stage is not None:
        facilities = with_stage_as_of(facilities, year).filter(stage_as_of=stage)
    if without_record:
        facilities = facilities.exclude(energy_records__year=year)
    return facilities.order_by("id")


def request_list(user) -> QuerySet[DataRequest]:
    """Data requests, newest first, with how many facilities each asked (in the user's scope)."""
    visible = scope_queryset(user, Submission.objects.all(), "facility__commune")
    requests = scope_queryset(user, DataRequest.objects.all(), None, district_path="district")
    return requests.annotate(
        asked=Count("submissions", filter=Q(submissions__in=visible.values("pk"))),
        accepted=Count("submissions", filter=Q(submissions__in=visible.values("pk"),
                                               submissions__state=Submission.State.ACCEPTED)),
    )


def request_get(user, pk: int) -> DataRequest:
    return check(user, "request.view", get_object_or_404(DataRequest, pk=pk))


def request_submissions(user, request: DataRequest, *, state: str = "", commune=None,
                        overdue: bool = False) -> QuerySet[Submission]:
    """The submissions behind a figure of `audits/completeness.by_commune`."""
    submissions = scope_queryset(
        user, request.submissions.select_related("facility__commune"), "facility__commune")
    if state in Submission.State.values:
        submissions = submissions.filter(state=state)
    if commune is not None:
        submissions = submissions.filter(facility__commune=commune)
    if overdue:
        submissions = (submissions.filter(state__in=OPEN_STATES)
                       if request.deadline < timezone.localdate() else submissions.none())
    return submissions.order_by("facility__name_sort", "id")


def facilities_to_invite(user, request: DataRequest, *, commune=None) -> QuerySet[Facility]:
    """The facilities of a request that still need a letter with a code: asked, in the user's
    scope, not yet answered, and no active account represents them."""
    facilities = scope_queryset(
        user,
        Facility.objects.filter(submissions__request=request,
                                submissions__state__in=OPEN_STATES).select_related("commune"),
        "commune",
    ).exclude(accounts__is_active=True)
    if commune is not None:
        facilities = facilities.filter(commune=commune)
    return facilities.distinct().order_by("commune__code", "name_sort", "id")


def invitation_counts(user, request: DataRequest) -> list[tuple[Any, int]]:
    """(commune, facilities still to invite) for each commune with any, in commune order."""
    rows = (facilities_to_invite(user, request).order_by()
            .values("commune").annotate(n=Count("id", distinct=True)))
    counts = {row["commune"]: row["n"] for row in rows}
    return [(commune, counts[commune.pk])
            for commune in Commune.objects.filter(pk__in=counts).order_by("code")]
