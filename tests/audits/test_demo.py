"""The demo's energy records and measures show what the plan measures (target 2)."""

import pytest
from django.core.management import call_command

from audits import energy
from audits.models import CPMeasure, CPTechnique, EnergyUse
from audits.selectors import energy_records_by_facility
from facilities.models import Facility, FacilityYearStatus, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def test_records_measures_and_their_shape(demo):
    records = energy_records_by_facility()
    years = {r.year for rs in records.values() for r in rs}
    assert years == {2016, 2017, 2018}
    carriers = set(EnergyUse.objects.values_list("carrier__code", flat=True))
    assert {"ELEC", "DO", "DO_L", "LPG"} <= carriers and carriers & {"COAL12", "COAL34", "COAL56"}
    verified = [r for rs in records.values() for r in rs if r.is_verified]
    assert verified and {r.verified_by.username for r in verified} == {"canbo.kinhte"}

    facilities = {f.pk: f for f in Facility.objects.all()}
    applying = set(FacilityYearStatus.objects.filter(year=2018, stage=Stage.APPLYING)
                   .values_list("facility_id", flat=True))
    assert len(records) >= len(applying) + 25  # the applying ones and a sample of others
    # Applying facilities mostly save 8 % or more per unit in 2018 against their baseline.
    bands = []
    for facility_id in applying:
        rs = records[facility_id]
        assert all(r.product_unit == facilities[facility_id].product_unit for r in rs)
        base = energy.baseline_record(rs, 2018)
        bands.append(energy.saving_band(energy.saving_ratio(base, energy.record_of_year(rs,
                                                                                   2018))))
    saving = sum(band in (energy.IN_BAND, energy.ABOVE_BAND) for band in bands)
    assert saving >= 0.7 * len(applying) and energy.IN_BAND in bands
    assert energy.ABOVE_BAND in bands

    implemented = CPMeasure.objects.filter(status=CPMeasure.Status.IMPLEMENTED)
    assert {m.implemented_on.year for m in implemented} == {2017, 2018}
    assert set(implemented.values_list("technique", flat=True)) == set(
        CPTechnique.objects.values_list("pk", flat=True))
    for measure in CPMeasure.objects.all():
        assert 20_000_000 <= measure.investment_vnd <= 800_000_000
        assert 10_000_000 <= measure.yearly_saving_vnd <= 300_000_000
