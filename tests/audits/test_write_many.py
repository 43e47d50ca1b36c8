"""The many-row services the forms and the importers share: no query per row, all or none, each
row's problem named, and the rules of one row (scope, year lock, versions) kept for many."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import EnergyCarrier, EnergyRecord, EnergyUse
from audits.services import RecordRow, record_upsert_many
from facilities.locking import year_lock
from facilities.models import Facility, FacilityYearStatus, Stage
from facilities.services import FacilityRow, StatusRow, facility_upsert_many, status_set_many
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import RowsRefused
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


def queries(write) -> int:
    with CaptureQueriesContext(connection) as captured:
        write()
    return len(captured.captured_queries)


def facility_values(commune, n: int, **extra) -> dict:
    return {
        "tax_code": f"0108{n:06d}",
        "name": f"Cơ sở {n}",
        "commune": commune,
        "employees": 10,
        **extra,
    }


def test_facilities_a_bounded_number_of_queries_new_or_changed(staff, commune_a):
    def write(numbers, **extra):
        rows = [FacilityRow(values=facility_values(commune_a, n, **extra)) for n in numbers]
        return queries(lambda: facility_upsert_many(user=staff, rows=rows, reason="import"))

    few, many = write(range(10)), write(range(10, 210))
    assert many - few < 20, (few, many)  # not one per row: SQLite's bulk batches only
    few, many = write(range(10), employees=11), write(range(10, 210), employees=11)
    assert many - few < 20, (few, many)
    assert Facility.objects.filter(employees=11, version=2).count() == 210
    assert Facility.history.filter(history_type="~", history_change_reason="import").count() == 210


def test_statuses_a_bounded_number_of_queries(staff, commune_a):
    facilities = [FacilityFactory(commune=commune_a) for _ in range(120)]

    def write(part, stage):
        rows = [StatusRow(facility=f, year=2018, stage=stage) for f in part]
        return queries(lambda: status_set_many(user=staff, rows=rows))

    few, many = write(facilities[:10], Stage.AWARE), write(facilities[10:], Stage.AWARE)
    assert many - few < 10, (few, many)
    few, many = write(facilities[:10], Stage.APPLYING), write(facilities[10:], Stage.APPLYING)
    assert many - few < 10, (few, many)
    assert FacilityYearStatus.objects.filter(stage=Stage.APPLYING, version=2).count() == 120


def test_records_a_bounded_number_of_queries_lines_removed_included(staff, commune_a):
    facilities = [FacilityFactory(commune=commune_a) for _ in range(120)]
    elec, coal, lpg = (
        EnergyCarrier.objects.get(code=code).pk for code in ("ELEC", "COAL12", "LPG")
    )

    def write(part, lines):
        rows = [
            RecordRow(
                facility=f,
                values={"year": 2018, "output": Decimal(100), "product_unit": "tấn"},
                lines=lines,
            )
            for f in part
        ]
        return queries(lambda: record_upsert_many(user=staff, rows=rows, reason="import"))

    first = {elec: Decimal(1000), coal: Decimal(5)}
    few, many = write(facilities[:10], first), write(facilities[10:], first)
    assert many - few < 20, (few, many)
    # A coal line goes on every record, electricity changes, LPG comes.
    second = {elec: Decimal(1200), lpg: Decimal(2)}
    few, many = write(facilities[:10], second), write(facilities[10:], second)
    assert many - few < 20, (few, many)
    assert EnergyUse.objects.filter(carrier_id=coal).count() == 0
    assert EnergyUse.objects.filter(carrier_id=lpg).count() == 120
    removed = EnergyUse.history.filter(history_type="-", carrier_id=coal)
    assert removed.count() == 120
    assert {(h.history_user, h.history_change_reason) for h in removed} == {(staff, "import")}
    assert set(EnergyRecord.objects.values_list("version", flat=True)) == {2}


def test_one_refused_row_writes_none_and_each_problem_names_its_row(staff, official_a, commune_b):
    outside = FacilityFactory(commune=commune_b, tax_code="0108999999")
    rows = [
        FacilityRow(values=facility_values(official_a.commune, 1)),
        FacilityRow(values=facility_values(commune_b, 2)),
        FacilityRow(values={"tax_code": outside.tax_code, "name": "Đổi tên"}),
        FacilityRow(values=facility_values(official_a.commune, 4, first_year=2015, last_year=2012)),
    ]
    with pytest.raises(RowsRefused) as refused:
        facility_upsert_many(user=official_a, rows=rows)
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (1, "commune"),
        (2, "tax_code"),
        (3, "last_year"),
    ]
    assert "không được trước năm bắt đầu hoạt động (2015)" in refused.value.problems[2].message
    assert Facility.objects.count() == 1


def test_locked_years_and_stale_versions_hold_for_many_rows(staff, commune_a):
    facility = FacilityFactory(commune=commune_a)
    status = FacilityYearStatus.objects.create(facility=facility, year=2017, stage=Stage.AWARE)
    year_lock(user=staff, year=2018)
    with pytest.raises(RowsRefused) as refused:
        status_set_many(
            user=staff,
            rows=[
                StatusRow(facility=facility, year=2017, stage=2),
                StatusRow(facility=facility, year=2018, stage=2),
            ],
        )
    assert [(p.row, p.field) for p in refused.value.problems] == [(1, "year")]
    assert "đã khóa" in refused.value.problems[0].message
    with pytest.raises(StaleEdit):
        status_set_many(
            user=staff, rows=[StatusRow(facility=facility, year=2017, stage=2, expected_version=0)]
        )
    status.refresh_from_db()
    assert (status.stage, status.version) == (Stage.AWARE, 1)


def test_without_write_nothing_is_written_and_each_row_says_what_it_would_do(staff, commune_a):
    FacilityFactory(commune=commune_a, tax_code="0108000001", name="Tên cũ", employees=10)
    rows = [FacilityRow(values=facility_values(commune_a, n)) for n in (1, 2)]
    planned = facility_upsert_many(user=staff, rows=rows, write=False)
    assert [change for change, _facility in planned] == ["updated", "created"]
    assert Facility.objects.count() == 1
