"""The data migrations hold exactly the rows of the reference lists in tests/fixtures/reference/."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Commune, District, Unit
from audits.models import CPTechnique, EnergyCarrier
from campaigns.models import FundingSource
from facilities.models import Sector

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


def rows(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


pytestmark = pytest.mark.django_db


def test_communes_with_official_codes():
    expected = {
        (r["code"], r["name"], "thi_tran" if r["kind"] == "thị trấn" else "xa",
         r["district_code"], r["district_name"])
        for r in rows("communes.csv")
    }
    got = set(Commune.objects.values_list("code", "name", "kind", "district__code",
                                          "district__name"))
    assert got == expected
    assert len(got) == 18
    assert str(District.objects.get(code="250")) == "Huyện Mê Linh"
    assert str(Commune.objects.get(code="08989")) == "Thị trấn Quang Minh"
    assert str(Commune.objects.get(code="09019")) == "Xã Tiền Phong"


def test_sectors():
    expected = {(r["code"], r["name"]) for r in rows("vsic2018_c.csv")}
    assert set(Sector.objects.values_list("code", "name")) == expected
    assert Sector.objects.count() == 24


def test_units_in_plan_order():
    expected = [(r["code"], r["name"]) for r in rows("units.csv")]
    assert list(Unit.objects.values_list("code", "name")) == expected


def test_funding_sources():
    expected = {(r["code"], r["name"]) for r in rows("funding_sources.csv")}
    assert set(FundingSource.objects.values_list("code", "name")) == expected


def test_energy_carriers_and_factors():
    expected = {
        (r["code"], r["name"], r["unit"], Decimal(r["toe_per_unit"]), r["note"])
        for r in rows("energy_carriers.csv")
    }
    got = set(EnergyCarrier.objects.values_list("code", "name", "unit", "toe_per_unit", "note"))
    assert got == expected
    assert EnergyCarrier.objects.count() == 13
    assert EnergyCarrier.objects.get(code="ELEC").toe_per_unit == Decimal("0.0001543")


def test_cp_techniques():
    expected = {(r["code"], r["name"], r["name_en"]) for r in rows("cp_techniques.csv")}
    assert set(CPTechnique.objects.values_list("code", "name", "name_en")) == expected
    assert CPTechnique.objects.count() == 8


def test_data_migrations_can_run_again_without_duplicates():
    """Running a data migration twice (as a re-applied migration would) adds nothing."""
    from importlib import import_module

    from django.apps import apps

    counts = {m: m.objects.count() for m in (Commune, Unit, Sector, FundingSource,
                                              EnergyCarrier, CPTechnique)}
    for app in ("accounts", "facilities", "campaigns", "audits"):
        import_module(f"{app}.migrations.0002_reference_data").load(apps, None)
    assert {m: m.objects.count() for m in counts} == counts
