"""Reads of energy records, CP measures and data-quality flags, starting from what the user may
see. The bulk selectors here serve the KPI engine as well as the pages."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import check, scope_queryset
from audits.models import CPMeasure, EnergyRecord, EnergyUse
from facilities.models import Facility

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


def facilities_with_measure_implemented_in(year: int) -> QuerySet:
    """Ids of facilities with a CP measure implemented in year y (evidence of applying(y))."""
    return (CPMeasure.objects.filter(status=CPMeasure.Status.IMPLEMENTED,
                                     implemented_on__year=year)
            .values_list("facility_id", flat=True).distinct())


def facilities_with_measure_implemented_by(year: int) -> QuerySet:
    """Ids of facilities with a CP measure implemented in or before year y (evidence of
    aware(y))."""
    return (CPMeasure.objects.filter(status=CPMeasure.Status.IMPLEMENTED,
                                     implemented_on__year__lte=year)
            .values_list("facility_id", flat=True).distinct())


# ---- pages -----------------------------------------------------------------------------------

def records_visible(user) -> QuerySet[EnergyRecord]:
    return scope_queryset(
        user, EnergyRecord.objects.select_related("facility__commune", "verified_by"),
        RECORD_COMMUNE)


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
