"""Known answers of audits/energy.py, worked out by hand with the MOIT factors of migration 0002:
Điện 0,0001543 TOE/kWh; Than cám 1-2 0,70 TOE/tấn; LPG 1,09; Dầu DO 1,02 TOE/tấn and
0,00088 TOE/lít; Xăng 0,00083 TOE/lít."""

from decimal import Decimal

import pytest

from audits import energy
from audits.selectors import energy_records_by_facility
from facilities.models import Facility
from tests.audits.conftest import make_record

pytestmark = pytest.mark.django_db

D = Decimal


def test_mixed_carriers(facility_a):
    # 100 000 kWh × 0,0001543 = 15,43 TOE; 20 t coal × 0,70 = 14 TOE; 2 t LPG × 1,09 = 2,18 TOE
    # total 31,61 TOE; SEC = 31,61 × 1000 / 500 t = 63,22 kgOE/t
    record = make_record(facility_a, 2018, "500", {"ELEC": "100000", "COAL12": "20", "LPG": "2"})
    assert energy.record_toe(record) == D("31.61")
    assert energy.record_sec(record) == D("63.22")


def test_litres_and_tonnes_of_the_same_fuel(facility_a):
    # DO 1000 l × 0,00088 = 0,88 TOE; DO 2 t × 1,02 = 2,04 TOE; petrol 500 l × 0,00083 = 0,415
    # total 3,335 TOE; SEC = 3,335 × 1000 / 100 = 33,35 kgOE per unit
    record = make_record(facility_a, 2018, "100", {"DO_L": "1000", "DO": "2", "GASOLINE_L": "500"})
    assert energy.record_toe(record) == D("3.335")
    assert energy.record_sec(record) == D("33.35")


def test_a_marked_baseline_beats_an_earlier_unmarked_record(facility_a):
    # 2015: 110 t DO = 112,2 TOE for 1020 t -> SEC 110 (earliest, unmarked)
    # 2016: 100 t DO = 102 TOE for 1020 t -> SEC 100 (marked baseline)
    # 2017: 120 t DO, unmarked; 2018: 92 t DO = 93,84 TOE for 1020 t -> SEC 92
    r15 = make_record(facility_a, 2015, "1020", {"DO": "110"})
    r16 = make_record(facility_a, 2016, "1020", {"DO": "100"}, baseline=True)
    r17 = make_record(facility_a, 2017, "1020", {"DO": "120"})
    r18 = make_record(facility_a, 2018, "1020", {"DO": "92"})
    records = energy_records_by_facility(Facility.objects.all())[facility_a.pk]
    assert [r.year for r in records] == [2015, 2016, 2017, 2018]
    assert energy.baseline_record(records, 2018) == r16
    assert energy.baseline_record(records, 2017) == r16
    # before 2016 nothing is marked: the earliest earlier record
    assert energy.baseline_record(records, 2016) == r15
    # r = (100 − 92) / 100 = 0,08 against the marked 2016, not 0,1636… against 2015
    assert energy.saving_ratio(r16, r18) == D("0.08")
    # several marked: the latest one before y
    r17.is_baseline = True
    assert energy.baseline_record([r15, r16, r17, r18], 2018) == r17
    # none marked: the earliest one before y
    for record in (r16, r17):
        record.is_baseline = False
    assert energy.baseline_record([r15, r16, r17, r18], 2018) == r15


def test_no_baseline(facility_a):
    record = make_record(facility_a, 2018, "1000", {"ELEC": "10000"})
    assert energy.baseline_record([record], 2018) is None
    assert energy.baseline_record([], 2018) is None
    assert energy.saving_ratio(None, record) is None
    assert energy.saving_band(None) is None
    assert energy.energy_saved_toe(None, record) is None


def test_a_different_product_unit_has_no_saving(facility_a):
    base = make_record(facility_a, 2017, "1020", {"DO": "100"}, unit="tấn")
    current = make_record(facility_a, 2018, "1020000", {"DO": "92"}, unit="kg")
    assert energy.saving_ratio(base, current) is None
    assert energy.energy_saved_toe(base, current) is None
    # Case, spaces and the Unicode form do not make a unit different.
    current.product_unit = "  TẤN "
    assert energy.same_unit("nghìn  viên", "Nghìn viên")
    assert energy.same_unit("tấn", "ta\u0302\u0301n")  # NFD spelling of "tấn"
    current.output = D("1020")
    assert energy.saving_ratio(base, current) == D("0.08")


def test_zero_output_or_zero_energy(facility_a):
    zero_output = make_record(facility_a, 2017, "0", {"DO": "100"})
    assert energy.record_toe(zero_output) == D("102")
    assert energy.record_sec(zero_output) is None
    current = make_record(facility_a, 2018, "1020", {"DO": "92"})
    assert energy.saving_ratio(zero_output, current) is None
    assert energy.saving_ratio(current, zero_output) is None
    # SEC_base = 0 (no energy at all): undefined, not an infinite saving
    zero_energy = make_record(facility_a, 2016, "1000", {"ELEC": "0"})
    assert energy.record_sec(zero_energy) == 0
    assert energy.saving_ratio(zero_energy, current) is None


def test_a_saving_of_exactly_8_percent_counts(facility_a):
    # base: 100 t DO = 102 TOE for 1020 t -> SEC 100; current: 92 t DO = 93,84 TOE for 1020 t
    # -> SEC 92; r = (100 − 92) / 100 = 0,08 exactly: in the band (8 % ≤ r)
    # saved = (100 − 92) × 1020 / 1000 = 8,16 TOE
    base = make_record(facility_a, 2017, "1020", {"DO": "100"}, baseline=True)
    current = make_record(facility_a, 2018, "1020", {"DO": "92"})
    assert energy.record_sec(base) == 100
    assert energy.record_sec(current) == 92
    ratio = energy.saving_ratio(base, current)
    assert ratio == D("0.08")
    assert energy.saving_band(ratio) == energy.IN_BAND
    assert energy.energy_saved_toe(base, current) == D("8.16")


def test_exactly_13_percent_is_in_the_band(facility_a):
    # base SEC 100 as above; current: 174 t DO = 177,48 TOE for 2040 t -> SEC 87
    # r = (100 − 87) / 100 = 0,13: still in the band (r ≤ 13 %)
    # saved = (100 − 87) × 2040 / 1000 = 26,52 TOE
    base = make_record(facility_a, 2017, "1020", {"DO": "100"}, baseline=True)
    current = make_record(facility_a, 2018, "2040", {"DO": "174"})
    assert energy.record_sec(current) == 87
    ratio = energy.saving_ratio(base, current)
    assert ratio == D("0.13")
    assert energy.saving_band(ratio) == energy.IN_BAND
    assert energy.energy_saved_toe(base, current) == D("26.52")


@pytest.mark.parametrize(("ratio", "band"), [
    ("0.0799", energy.BELOW_BAND), ("0.08", energy.IN_BAND), ("0.1", energy.IN_BAND),
    ("0.13", energy.IN_BAND), ("0.1301", energy.ABOVE_BAND), ("-0.2", energy.BELOW_BAND),
])
def test_band_bounds(ratio, band):
    assert energy.saving_band(D(ratio)) == band


def test_band_bounds_come_from_the_plan():
    assert energy.saving_band(D("0.09"), low=D("10"), high=D("15")) == energy.BELOW_BAND
    assert energy.saving_band(D("0.15"), low=10, high=15) == energy.IN_BAND
    assert energy.saving_band(D("0.16"), low=10, high=15) == energy.ABOVE_BAND


def test_energy_use_beyond_the_baseline_is_a_negative_saving(facility_a):
    # SEC 100 -> 110: r = −0,10, below the band; saved = −10 × 1020 / 1000 = −10,2 TOE
    base = make_record(facility_a, 2017, "1020", {"DO": "100"})
    current = make_record(facility_a, 2018, "1020", {"DO": "110"})
    assert energy.saving_ratio(base, current) == D("-0.1")
    assert energy.saving_band(energy.saving_ratio(base, current)) == energy.BELOW_BAND
    assert energy.energy_saved_toe(base, current) == D("-10.2")


def test_bulk_selector_runs_a_constant_number_of_queries(facility_a, facility_b,
                                                         django_assert_num_queries):
    for year in (2016, 2017, 2018):
        make_record(facility_a, year, "100", {"ELEC": "1000", "DO": "1"})
        make_record(facility_b, year, "100", {"LPG": "1"})
    with django_assert_num_queries(2):
        grouped = energy_records_by_facility(Facility.objects.all())
        figures = {pk: [energy.record_sec(r) for r in records] for pk, records in grouped.items()}
    assert figures[facility_b.pk] == [D("10.9")] * 3  # 1 t LPG = 1,09 TOE × 1000 / 100
    with django_assert_num_queries(2):
        assert len(energy_records_by_facility()) == 2
