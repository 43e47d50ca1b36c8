"""The data-quality rules (docs/ARCHITECTURE.md, "Data quality"), one facility at a time and
in bulk."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from audits import services
from audits.models import QualityFlag
from audits.quality import quality_refresh, quality_refresh_ids
from facilities import services as facility_services
from facilities.models import FacilityYearStatus, Stage
from tests.audits.conftest import make_facility, make_measure, make_record

pytestmark = pytest.mark.django_db

Rule = QualityFlag.Rule


def flags(facility) -> set[tuple[int, str]]:
    quality_refresh_ids([facility.pk])
    return set(facility.quality_flags.values_list("year", "rule"))


def test_a_record_with_nothing_to_compare_with(facility_a):
    make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    assert flags(facility_a) == {(2018, Rule.NO_BASELINE)}
    make_record(facility_a, 2017, "100", {"ELEC": "1000"})
    # 2018 now has 2017 as its baseline; 2017 has nothing before it and is not marked
    assert flags(facility_a) == {(2017, Rule.NO_BASELINE)}
    facility_a.energy_records.filter(year=2017).update(is_baseline=True)
    assert flags(facility_a) == set()


def test_a_product_unit_other_than_the_baseline_s(facility_a):
    make_record(facility_a, 2017, "100", {"ELEC": "1000"}, unit="tấn", baseline=True)
    make_record(facility_a, 2018, "100000", {"ELEC": "1000"}, unit="kg")
    assert flags(facility_a) == {(2018, Rule.UNIT_CHANGED)}
    facility_a.energy_records.filter(year=2018).update(product_unit=" TẤN ", output=100)
    assert flags(facility_a) == set()


@pytest.mark.parametrize(("do_2018", "flagged"), [
    ("151", True),   # SEC 102 -> 154,02 kgOE/t: +51 %
    ("150", False),  # exactly +50 % is not "more than 50 %"
    ("49", True),    # −51 %
    ("50", False),   # −50 %
])
def test_sec_changing_by_more_than_half_in_a_year(facility_a, do_2018, flagged):
    make_record(facility_a, 2017, "1000", {"DO": "100"}, baseline=True)
    make_record(facility_a, 2018, "1000", {"DO": do_2018})
    assert flags(facility_a) == ({(2018, Rule.SEC_JUMP)} if flagged else set())


def test_the_jump_is_against_the_previous_year_only(facility_a):
    make_record(facility_a, 2016, "1000", {"DO": "100"}, baseline=True)
    make_record(facility_a, 2018, "1000", {"DO": "200"})  # no 2017 record to compare with
    assert flags(facility_a) == set()


def test_zero_output_or_zero_energy(facility_a):
    make_record(facility_a, 2017, "0", {"DO": "100"}, baseline=True)
    make_record(facility_a, 2018, "100", {"DO": "0"})
    assert flags(facility_a) == {(2017, Rule.ZERO_VALUE), (2018, Rule.ZERO_VALUE)}
    messages = dict(facility_a.quality_flags.values_list("year", "message"))
    assert "sản lượng bằng 0" in messages[2017].lower()
    assert "năng lượng" in messages[2018].lower()


def test_applying_without_a_measure_implemented_by_then(facility_a, staff):
    FacilityYearStatus.objects.create(facility=facility_a, year=2017, stage=Stage.APPLYING)
    FacilityYearStatus.objects.create(facility=facility_a, year=2018, stage=Stage.APPLYING)
    make_measure(facility_a)  # proposed only
    assert flags(facility_a) == {(2017, Rule.APPLYING_NO_MEASURE),
                                 (2018, Rule.APPLYING_NO_MEASURE)}
    make_measure(facility_a, implemented_on=date(2018, 5, 1))
    assert flags(facility_a) == {(2017, Rule.APPLYING_NO_MEASURE)}
    make_measure(facility_a, implemented_on=date(2017, 12, 31))
    assert flags(facility_a) == set()


def test_an_operating_facility_without_a_status_in_a_year_that_has_statuses(commune_a,
                                                                            facility_a):
    other = make_facility(commune_a, "0100000009")
    FacilityYearStatus.objects.create(facility=other, year=2016, stage=Stage.AWARE)
    FacilityYearStatus.objects.create(facility=facility_a, year=2017, stage=Stage.AWARE)
    assert flags(facility_a) == {(2016, Rule.MISSING_STATUS)}
    assert flags(other) == {(2017, Rule.MISSING_STATUS)}
    # Not operating in 2016 yet: nothing is missing.
    facility_a.first_year = 2017
    facility_a.save()
    assert flags(facility_a) == set()
    # 2015 has no status anywhere: not a year the rule looks at.
    assert 2015 not in {year for year, _rule in flags(other)}


def test_a_fixed_source_clears_its_flag_and_others_keep_their_date(facility_a, staff):
    base = make_record(facility_a, 2017, "0", {"DO": "100"}, baseline=True)
    make_record(facility_a, 2018, "100", {"DO": "100"}, unit="kg")
    assert flags(facility_a) == {(2017, Rule.ZERO_VALUE), (2018, Rule.UNIT_CHANGED)}
    kept = facility_a.quality_flags.get(rule=Rule.UNIT_CHANGED)
    services.record_update(user=staff, record_id=base.pk, data={"output": Decimal("100")},
                           lines={base.uses.get().carrier_id: Decimal("100")},
                           expected_version=base.version)
    assert set(facility_a.quality_flags.values_list("year", "rule")) == {
        (2018, Rule.UNIT_CHANGED)}
    assert facility_a.quality_flags.get().created_at == kept.created_at


def test_a_status_saved_by_the_facilities_app_refreshes_the_flags(
        facility_a, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        facility_services.status_set(user=staff, facility=facility_a, year=2018,
                                     stage=Stage.APPLYING)
    assert set(facility_a.quality_flags.values_list("year", "rule")) == {
        (2018, Rule.APPLYING_NO_MEASURE)}
    with django_capture_on_commit_callbacks(execute=True):
        facility_services.status_set(user=staff, facility=facility_a, year=2018,
                                     stage=Stage.COMMITTED, reason="Chưa có giải pháp")
    assert not facility_a.quality_flags.exists()


def test_bulk_refresh_runs_a_bounded_number_of_queries(commune_a, django_assert_max_num_queries):
    for index in range(30):
        facility = make_facility(commune_a, f"02000000{index:02d}")
        make_record(facility, 2018, "0", {"ELEC": "10"})
    with django_assert_max_num_queries(12):
        totals = quality_refresh()
    assert totals == {"created": 60, "updated": 0, "removed": 0}
    with django_assert_max_num_queries(12):
        assert quality_refresh() == {"created": 0, "updated": 0, "removed": 0}


def test_check_quality_command(facility_a, capsys):
    make_record(facility_a, 2018, "0", {"ELEC": "10"})
    call_command("check_quality")
    out = capsys.readouterr().out
    assert "Thêm 2" in out
    assert QualityFlag.objects.count() == 2
