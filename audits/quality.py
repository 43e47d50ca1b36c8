"""The data-quality rules (docs/ARCHITECTURE.md, "Data quality"), for one facility or for all.

`violations` is pure: it takes one facility's records, statuses and measure dates and says which
rules they break. `quality_refresh` loads what the rules need for a set of facilities in a
constant number of queries and makes the stored QualityFlag rows match, so that fixing the
source clears the flag. Services call it after every write of a record or a measure; status and
facility saves reach it through audits/receivers.py; `manage.py check_quality` runs it for all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Min, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from audits import energy
from audits.models import CPMeasure, EnergyCarrier, EnergyRecord, QualityFlag
from audits.selectors import energy_records_by_facility
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.batches import chunks
from melinh_sxsh.lib.text import format_number

Rule = QualityFlag.Rule
SEC_JUMP_LIMIT = Decimal("0.5")  # "more than 50 %" against the previous year's record


@dataclass(frozen=True)
class Violation:
    year: int
    rule: str
    message: str


def record_violations(records: Sequence[EnergyRecord]) -> list[Violation]:
    """Rules on one facility's energy records (oldest first, with their uses)."""
    found = []
    by_year = {record.year: record for record in records}
    for record in records:
        year = record.year
        base = energy.baseline_record(records, year)
        if base is None and not record.is_baseline:
            found.append(Violation(year, Rule.NO_BASELINE, _(
                "No earlier record to compare %(year)s with, and this record is not marked as a "
                "baseline.") % {"year": year}))
        if base is not None and not energy.same_unit(base.product_unit, record.product_unit):
            found.append(Violation(year, Rule.UNIT_CHANGED, _(
                'Product unit "%(unit)s" differs from "%(base_unit)s" of the baseline record '
                "(%(base_year)s): the saving cannot be computed.") % {
                    "unit": record.product_unit, "base_unit": base.product_unit,
                    "base_year": base.year}))
        toe = energy.record_toe(record)
        if record.output <= 0 or toe <= 0:
            found.append(Violation(year, Rule.ZERO_VALUE, _zero_message(record.output, toe)))
        previous = by_year.get(year - 1)
        change = _sec_change(previous, record)
        if change is not None and abs(change) > SEC_JUMP_LIMIT:
            found.append(Violation(year, Rule.SEC_JUMP, _(
                "SEC changed by %(change)s%% against %(previous)s: %(before)s → %(after)s kgOE "
                "per %(unit)s.") % {
                    "change": format_number(change * 100, 1), "previous": year - 1,
                    "before": format_number(energy.record_sec(previous), 2),
                    "after": format_number(energy.record_sec(record), 2),
                    "unit": record.product_unit}))
    return found


def _zero_message(output: Decimal, toe: Decimal) -> str:
    if output <= 0 and toe <= 0:
        return _("Both the output and the energy used are zero.")
    if output <= 0:
        return _("The output is zero: the SEC cannot be computed.")
    return _("The energy used is zero.")


def _sec_change(previous: EnergyRecord | None, record: EnergyRecord) -> Decimal | None:
    """(SEC_y − SEC_{y−1}) / SEC_{y−1}, when both are defined and in the same unit."""
    if previous is None or not energy.same_unit(previous.product_unit, record.product_unit):
        return None
    before, after = energy.record_sec(previous), energy.record_sec(record)
    if before is None or after is None or before <= 0:
        return None
    return (after - before) / before


def status_violations(facility: Facility, stages: dict[int, int], first_measure: date | None,
                      status_years: Iterable[int]) -> list[Violation]:
    """Rules on one facility's yearly statuses (`stages`: year -> stage)."""
    found = []
    for year, stage in sorted(stages.items()):
        if stage == Stage.APPLYING and (first_measure is None or first_measure.year > year):
            found.append(Violation(year, Rule.APPLYING_NO_MEASURE, _(
                'Stage "Applying" in %(year)s, but no CP measure implemented by then.')
                % {"year": year}))
    for year in sorted(status_years):
        if year not in stages and facility.is_active_in(year):
            found.append(Violation(year, Rule.MISSING_STATUS, _(
                "Operating in %(year)s but has no status for that year.") % {"year": year}))
    return found


def quality_refresh(facilities: QuerySet[Facility] | None = None) -> dict[str, int]:
    """Re-evaluate every rule for the facilities (all when None) and make their stored flags
    match. Returns how many flags were created, updated and removed. About eight queries
    (more only for chunks of very large sets), whatever the number of facilities."""
    scope = Facility.objects.all() if facilities is None else facilities
    pks = scope.values("pk")
    facility_rows = list(Facility.objects.filter(pk__in=pks).only("id", "first_year", "last_year")
                         .annotate(district_id=F("commune__district_id")))
    records = energy_records_by_facility(Facility.objects.filter(pk__in=pks))
    stages: dict[int, dict[int, int]] = defaultdict(dict)
    for facility_id, year, stage in FacilityYearStatus.objects.filter(
            facility__in=pks).values_list("facility_id", "year", "stage"):
        stages[facility_id][year] = stage
    first_measure = dict(CPMeasure.objects.filter(
        facility__in=pks, status=CPMeasure.Status.IMPLEMENTED,
    ).values("facility_id").annotate(first=Min("implemented_on")).values_list(
        "facility_id", "first"))
    # The rule looks only at years that have statuses at all, anywhere in the facility's
    # district (another district's years are not its).
    status_years: dict[int, set[int]] = defaultdict(set)
    for district_id, year in FacilityYearStatus.objects.values_list(
            "facility__commune__district_id", "year").distinct():
        status_years[district_id].add(year)

    wanted: dict[tuple[int, int, str], str] = {}
    with translation.override(settings.LANGUAGE_CODE):  # stored text is in the UI's default
        for facility in facility_rows:
            found = record_violations(records.get(facility.pk, []))
            found += status_violations(facility, stages.get(facility.pk, {}),
                                       first_measure.get(facility.pk),
                                       status_years[facility.district_id])
            for violation in found:
                wanted[(facility.pk, violation.year, violation.rule)] = violation.message[:500]
    return _store(pks, wanted)


def quality_refresh_ids(facility_ids: Iterable[int]) -> dict[str, int]:
    """`quality_refresh` for facilities given by id (after a save or an import)."""
    totals = {"created": 0, "updated": 0, "removed": 0}
    for part in chunks(sorted(set(facility_ids))):
        for key, value in quality_refresh(Facility.objects.filter(pk__in=part)).items():
            totals[key] += value
    return totals


def _store(pks, wanted: dict[tuple[int, int, str], str]) -> dict[str, int]:
    existing = {(f.facility_id, f.year, f.rule): f
                for f in QualityFlag.objects.filter(facility__in=pks)}
    stale = [flag.pk for key, flag in existing.items() if key not in wanted]
    changed = []
    for key, message in wanted.items():
        flag = existing.get(key)
        if flag is not None and flag.message != message:
            flag.message = message
            changed.append(flag)
    new = [QualityFlag(facility_id=facility_id, year=year, rule=rule, message=message)
           for (facility_id, year, rule), message in wanted.items() if (facility_id, year, rule)
           not in existing]
    for part in chunks(stale):
        QualityFlag.objects.filter(pk__in=part).delete()
    QualityFlag.objects.bulk_update(changed, ["message"], batch_size=500)
    QualityFlag.objects.bulk_create(new, batch_size=1000)
    return {"created": len(new), "updated": len(changed), "removed": len(stale)}


# What a facility must correct or explain before it submits its figures of a year: the rules a
# record with those figures would break, and a carrier it reported the year before and not now.
SUBMISSION_RULES = (Rule.UNIT_CHANGED, Rule.SEC_JUMP, Rule.ZERO_VALUE)
MISSING_CARRIER = "missing_carrier"


@dataclass(frozen=True)
class _Line:
    """A line of the submitted baseline, as the missing-carrier check reads a stored one."""

    carrier: EnergyCarrier


@dataclass
class _Candidate:
    """A record not written yet, as the rules read one."""

    year: int
    output: Decimal
    product_unit: str
    toe_cache: Decimal
    is_baseline: bool = False


def submission_violations(
    facility: Facility, year: int, output: Decimal | None, unit: str,
    lines: dict[int, Decimal], baseline: Any = None,
) -> list[Violation]:
    """The checks the staff's data-quality rules make of these figures of `year`, against the
    facility's stored records of other years; with no record before `year`, against the
    `baseline` the form reports (audits/submission_baseline.Baseline), as if it were stored."""
    if output is None or not lines:
        return []
    wanted = set(lines) | (set(baseline.lines) if baseline is not None else set())
    factors = dict(EnergyCarrier.objects.filter(pk__in=wanted).values_list("pk", "toe_per_unit"))
    toe = energy.lines_toe(lines, factors)
    stored = [r for r in energy_records_by_facility(
        Facility.objects.filter(pk=facility.pk)).get(facility.pk, []) if r.year != year]
    if baseline is not None and not any(r.year < year for r in stored):
        stored.append(baseline.as_record(factors))
    candidate = _Candidate(year, output, unit, toe)
    records = sorted([*stored, candidate], key=lambda record: record.year)
    found = [v for v in record_violations(records)
             if v.year == year and v.rule in SUBMISSION_RULES]
    previous = next((r for r in stored if r.year == year - 1), None)
    if previous is not None:
        reported = (previous.uses.all() if hasattr(previous, "uses") else
                    [_Line(carrier) for carrier in EnergyCarrier.objects.filter(
                        pk__in=baseline.lines).order_by("pk")])
        missing = [use.carrier for use in reported if use.carrier.pk not in lines]
        if missing:
            found.append(Violation(year, MISSING_CARRIER, _(
                "%(year)s reported %(carriers)s, which this form leaves out.") % {
                    "year": year - 1, "carriers": ", ".join(str(c) for c in missing)}))
    return found
