"""Known answers for every KPI definition of docs/KPI.md, worked out by hand in each case."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Unit
from campaigns.models import Attendance, Campaign
from facilities.models import FacilityYearStatus, Stage
from reports import kpis
from reports.models import Plan, Target
from tests.audits.conftest import make_measure, make_record
from tests.factories import FacilityFactory, district_create

pytestmark = pytest.mark.django_db


def status(facility, year, stage):
    FacilityYearStatus.objects.create(facility=facility, year=year, stage=stage)


def attend(facility, starts_on):
    unit = Unit.objects.get(code="KINH_TE")
    campaign, _ = Campaign.objects.get_or_create(
        title=f"Hội nghị {starts_on}", defaults={
            "kind": "training_conference", "starts_on": starts_on,
            "lead_unit": unit, "district_id": unit.district_id})
    Attendance.objects.create(campaign=campaign, facility=facility)


# Energy: Than cám loại 5-6 (COAL56) is 0,50 TOE per tonne, so q tonnes of coal = q/2 TOE and,
# for an output of 1.000 tonnes of product, SEC = (q/2) × 1000 / 1000 = q/2 kgOE per tonne.
def coal_record(facility, year, coal, output="1000", unit="tấn", baseline=False):
    return make_record(facility, year, output, {"COAL56": str(coal)}, unit=unit,
                       baseline=baseline)


def case_attendance_only():
    """No status at all: attending a campaign that started in 2018 makes it aware in 2018 only;
    a campaign of 2019 counts for no earlier year."""
    f = FacilityFactory(first_year=2010)
    attend(f, date(2018, 5, 10))
    g = FacilityFactory(first_year=2010)
    attend(g, date(2019, 3, 1))
    return {("active", 2017): 2, ("active", 2018): 2, ("aware", 2017): 0, ("aware", 2018): 1,
            ("applying", 2018): 0}


def case_measure_only():
    """Status 'not aware' but a measure implemented in 2018: applying and aware in 2018. A
    measure of 2017 makes a facility aware from 2017 but applying only in 2017."""
    f = FacilityFactory(first_year=2010)
    status(f, 2018, Stage.UNAWARE)
    make_measure(f, implemented_on=date(2018, 6, 1))
    g = FacilityFactory(first_year=2010)
    make_measure(g, implemented_on=date(2017, 9, 1))
    h = FacilityFactory(first_year=2010)
    make_measure(h)  # proposed only: no evidence of anything
    return {("aware", 2017): 1, ("aware", 2018): 2, ("applying", 2017): 1,
            ("applying", 2018): 1, ("active", 2018): 3}


def case_closed_the_year_before():
    """Closed in 2017: counted in 2017, not in 2018, whatever its statuses say."""
    f = FacilityFactory(first_year=2005, last_year=2017)
    status(f, 2017, Stage.APPLYING)
    status(f, 2018, Stage.APPLYING)  # kept, not counted
    return {("active", 2017): 1, ("active", 2018): 0, ("aware", 2017): 1, ("aware", 2018): 0,
            ("applying", 2017): 1, ("applying", 2018): 0}


def case_opened_this_year():
    """Opened in 2018: not active in 2017 even with a status dated 2017."""
    f = FacilityFactory(first_year=2018)
    status(f, 2017, Stage.AWARE)
    status(f, 2018, Stage.COMMITTED)
    return {("active", 2017): 0, ("active", 2018): 1, ("aware", 2017): 0, ("aware", 2018): 1,
            ("applying", 2018): 0}


def case_unaware_after_aware():
    """Aware in 2016, 'not aware' in 2018: awareness does not expire. Applying in 2016, then
    committed in 2018: applying follows the latest status only."""
    f = FacilityFactory(first_year=2010)
    status(f, 2016, Stage.AWARE)
    status(f, 2018, Stage.UNAWARE)
    g = FacilityFactory(first_year=2010)
    status(g, 2016, Stage.APPLYING)
    status(g, 2018, Stage.COMMITTED)
    return {("aware", 2017): 2, ("aware", 2018): 2, ("applying", 2017): 1,
            ("applying", 2018): 0}


def case_latest_marked_baseline():
    """Records 2015 (marked, SEC 125), 2016 (marked, SEC 100), 2017 (SEC 92), 2018 (SEC 90).
    2018 against the latest marked one, 2016: r = (100-90)/100 = 10 %, in the band; against 2017
    it would be 2,2 % and against 2015 28 %. 2017 against 2016: r = (100-92)/100 = exactly 8 %,
    which counts. Energy saved in 2018 = (100-90) × 1000 / 1000 = 10 TOE."""
    f = FacilityFactory(first_year=2010)
    status(f, 2017, Stage.APPLYING)
    status(f, 2018, Stage.APPLYING)
    coal_record(f, 2015, 250, baseline=True)
    coal_record(f, 2016, 200, baseline=True)
    coal_record(f, 2017, 184)
    coal_record(f, 2018, 180)
    return {("saving", 2017): 1, ("saving", 2018): 1, ("in_band", 2018): 1,
            ("above_band", 2018): 0, ("energy", 2018): Decimal("10")}


def case_unmarked_earliest_baseline_and_above_band():
    """No marked record: the earliest one (2016, SEC 100) is the baseline. 2018 SEC 80:
    r = 20 % > 13 %, above the band. Exactly 13 % (2017, SEC 87) is in the band.
    Energy saved 2018 = (100 - 80) × 2000 / 1000 = 40 TOE (output 2.000 t, coal 320 t:
    SEC = 160 × 1000 / 2000 = 80)."""
    f = FacilityFactory(first_year=2010)
    status(f, 2017, Stage.APPLYING)
    status(f, 2018, Stage.APPLYING)
    coal_record(f, 2016, 200)
    coal_record(f, 2017, 174)
    coal_record(f, 2018, 320, output="2000")
    return {("in_band", 2017): 1, ("above_band", 2018): 1, ("in_band", 2018): 0,
            ("energy", 2018): Decimal("40")}


def case_product_unit_change():
    """The product unit changed between the baseline and 2018: no ratio, so not saving, even
    though SEC fell by half. 'Tấn' and ' tấn ' are the same unit."""
    f = FacilityFactory(first_year=2010)
    status(f, 2018, Stage.APPLYING)
    coal_record(f, 2017, 200, baseline=True)
    coal_record(f, 2018, 100, unit="nghìn sản phẩm")
    g = FacilityFactory(first_year=2010)
    status(g, 2018, Stage.APPLYING)
    coal_record(g, 2017, 200, unit="Tấn", baseline=True)
    coal_record(g, 2018, 180, unit=" tấn ")
    return {("applying", 2018): 2, ("saving", 2018): 1, ("in_band", 2018): 1}


def case_saving_needs_applying_and_records():
    """Saving 50 % but its latest status is only 'committed': not counted. Applying without a
    2018 record, or with zero output: not counted. Below 8 %: not counted."""
    f = FacilityFactory(first_year=2010)
    status(f, 2018, Stage.COMMITTED)
    coal_record(f, 2017, 200)
    coal_record(f, 2018, 100)
    g = FacilityFactory(first_year=2010)
    status(g, 2018, Stage.APPLYING)
    coal_record(g, 2017, 200)
    h = FacilityFactory(first_year=2010)
    status(h, 2018, Stage.APPLYING)
    coal_record(h, 2017, 200)
    coal_record(h, 2018, 100, output="0")
    i = FacilityFactory(first_year=2010)
    status(i, 2018, Stage.APPLYING)
    coal_record(i, 2017, 200)
    coal_record(i, 2018, 190)  # 5 %
    return {("applying", 2018): 3, ("saving", 2018): 0, ("energy", 2018): Decimal(0)}


CASES = [case_attendance_only, case_measure_only, case_closed_the_year_before,
         case_opened_this_year, case_unaware_after_aware, case_latest_marked_baseline,
         case_unmarked_earliest_baseline_and_above_band, case_product_unit_change,
         case_saving_needs_applying_and_records]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_known_answers(case):
    expected = case()
    evaluation = kpis.evaluate([2016, 2017, 2018])
    for (figure, year), value in expected.items():
        sets = evaluation[year]
        got = sets.energy_saved_toe() if figure == "energy" else len(getattr(sets, figure))
        assert got == value, (figure, year)


def test_change_modes_and_targets():
    """2017: 10 active, 2 aware. 2018: 12 active, 3 aware.
    relative = (3 - 2) / 2 × 100 = 50 %; points = 3/12 - 2/10 = 25 % - 20 % = 5 points."""
    for n in range(12):
        f = FacilityFactory(first_year=2018 if n >= 10 else 2010)
        if n < 2:
            status(f, 2017, Stage.AWARE)
        if n == 2:
            status(f, 2018, Stage.AWARE)
    figures = kpis.kpis(year=2018)
    assert (figures.active.baseline, figures.active.current) == (10, 12)
    assert (figures.aware.baseline, figures.aware.current) == (2, 3)
    assert figures.aware.change_percent == Decimal(50)
    assert figures.aware.change_points == Decimal(5)
    assert figures.aware.met is True  # 50 % >= the default +20 %
    assert figures.aware.target_progress == 100
    plan = district_create(Plan, code="1/KH", title="KH", year=2018, baseline_year=2017,
                           signed_on=date(2018, 1, 1))
    Target.objects.create(plan=plan, indicator="aware", mode="points", value=Decimal("6"))
    figures = kpis.kpis(year=2018)
    assert figures.targets.plan_code == "1/KH" and figures.aware.target.mode == "points"
    assert figures.aware.met is False  # 5 points < 6 points
    assert figures.aware.target_progress == 83  # 5 of 6 points, rounded down
    data = figures.as_json()
    assert data["aware"] == {"baseline": 2, "current": 3, "change_percent": 50.0,
                             "change_points": 5.0, "target": 6, "target_mode": "points",
                             "met": False}


@pytest.mark.parametrize(("baseline", "current", "progress"), [
    (10, 11, 50),  # +10 % of +20 %
    (10, 10, 0), (10, 8, 0),  # no change, or going back
    (0, 0, 0),  # undefined change, not met
    (10, 13, 100),  # beyond the target stays a full bar
])
def test_target_progress_is_the_share_of_the_target_reached(baseline, current, progress):
    comparison = kpis.Comparison(baseline, current, 100, 100, kpis.TargetSpec(
        "aware", "relative", Decimal(20)))
    assert comparison.target_progress == progress


def test_a_baseline_of_zero_gives_a_null_change():
    """Nobody aware in 2017, two in 2018: the relative change is undefined (null), and met
    means current > baseline."""
    for _ in range(2):
        status(FacilityFactory(first_year=2010), 2018, Stage.AWARE)
    data = kpis.kpis(year=2018).as_json()
    assert data["aware"]["change_percent"] is None
    assert data["aware"]["change_points"] == 100.0
    assert data["aware"]["met"] is True
    assert data["saving"]["change_percent"] is None and data["saving"]["met"] is False


def test_json_has_exactly_the_contracts_keys(staff, commune_a):
    data = kpis.kpis(year=2018, commune_id=commune_a.pk).as_json()
    assert list(data) == ["year", "baseline_year", "scope", "active", "aware", "applying",
                          "saving", "officers", "energy_saved_toe"]
    assert data["scope"] == {"commune": "08989"}
    assert list(data["saving"]) == ["baseline", "current", "in_band", "above_band",
                                    "change_percent", "change_points", "target", "target_mode",
                                    "met"]
    assert data["officers"] == {"current": 1, "target": 1, "met": True}
    assert (data["year"], data["baseline_year"]) == (2018, 2017)


def test_officers_are_district_wide_and_active(staff, official_a):
    staff.is_active = False
    staff.save()
    assert kpis.kpis(year=2018).officers.current == 0


def test_commune_scope_and_table_add_up(commune_a, commune_b):
    for commune, count in ((commune_a, 3), (commune_b, 2)):
        for _ in range(count):
            status(FacilityFactory(commune=commune, first_year=2010), 2018, Stage.AWARE)
    assert kpis.kpis(year=2018, commune_id=commune_a.pk).aware.current == 3
    targets = kpis.targets_for(2018)
    evaluation = kpis.evaluate([2017, 2018], band=targets.band)
    rows = {row.code: row for row in kpis.commune_table(evaluation, year=2018, targets=targets)}
    assert rows["08989"].kpis.aware.current == 3 and rows["09019"].kpis.aware.current == 2
    assert sum(row.kpis.aware.current for row in rows.values()) == 5
    assert len(rows) == 18


@pytest.mark.parametrize("size", [100, 2000])
def test_query_count_does_not_grow_with_facilities(size, django_assert_max_num_queries):
    from facilities.models import Facility

    Facility.objects.bulk_create([
        FacilityFactory.build(tax_code=f"02{n:08d}", name_sort=f"{n:08d}") for n in range(size)])
    with django_assert_max_num_queries(6):
        figures = kpis.kpis(year=2018)
    assert figures.active.current == size


@pytest.mark.parametrize(("mode", "change", "signed", "target"), [
    ("relative", "50,00%", "+50,00%", "+20%"),
    ("points", "5,00 điểm %", "+5,00 điểm %", "+20 điểm %"),
])
def test_a_comparison_writes_its_change_in_the_targets_mode(mode, change, signed, target):
    """2 → 3 aware of 10 → 12 active: +50 % relative, +5 points; the change that decides `met`
    is the one in the target's mode, written with its unit."""
    comparison = kpis.Comparison(2, 3, 10, 12, kpis.TargetSpec("aware", mode, Decimal(20)))
    assert comparison.mode == mode and comparison.mode is kpis.Mode(mode)
    assert comparison.change == (Decimal(50) if mode == "relative" else Decimal(5))
    assert comparison.change_unit == ("%" if mode == "relative" else " điểm %")
    assert (comparison.change_text, comparison.change_signed_text) == (change, signed)
    assert comparison.target_text == target
    assert (comparison.change_percent_text, comparison.change_points_text) == (
        "50,00%", "5,00 điểm %")
    assert comparison.met is (mode == "relative")


def test_a_change_that_is_undefined_is_written_as_a_dash():
    comparison = kpis.Comparison(0, 3, 0, 12)  # no target: relative; baseline 0: undefined
    assert comparison.mode is kpis.Mode.RELATIVE and comparison.change is None
    assert comparison.change_text == comparison.change_points_text == "—"
    assert comparison.target_text == "" and comparison.met is None
    assert kpis.target_text(kpis.TargetSpec("saving", "relative", Decimal("12.5"))) == "+12,50%"
