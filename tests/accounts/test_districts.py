"""Districts above communes: every commune of the existing database lands in Mê Linh (code 250)
when the districts arrive, a unit exists in the years it existed, and names read as in a
Vietnamese document."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Commune, District
from tests.sxsh_env import need

BEFORE = [("accounts", "0004_enterprise_accounts")]


@pytest.mark.django_db
def test_the_reference_communes_are_melinh_s():
    melinh = District.objects.get(code="250")
    assert str(melinh) == "Huyện Mê Linh"
    assert set(Commune.objects.values_list("district", flat=True)) == {melinh.pk}
    assert melinh.communes.count() == 18


@pytest.mark.django_db
def test_a_unit_exists_in_its_years_only():
    melinh = District.objects.get(code="250")
    van_yen = Commune.objects.get(code="09001")
    van_yen.last_year = 2019
    van_yen.save()
    ward = Commune.objects.create(code="99999", name="Thử", kind=Commune.Kind.WARD,
                                  district=melinh, first_year=2025)
    assert str(ward) == "Phường Thử"
    in_2018 = set(Commune.objects.filter(Commune.existing_in(2018)).values_list("code", flat=True))
    in_2025 = set(Commune.objects.filter(Commune.existing_in(2025)).values_list("code", flat=True))
    assert "09001" in in_2018 and "99999" not in in_2018
    assert "09001" not in in_2025 and "99999" in in_2025
    assert len(in_2018) == 18


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_existing_database_migrates_every_commune_into_its_district():
    need("PostgreSQL", connection.vendor == "postgresql", "the suite's migrations run there")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldCommune = old.get_model("accounts", "Commune")
    OldCommune.objects.filter(code="09019").update(district_code="", district_name="")
    before = dict(OldCommune.objects.values_list("code", "name"))

    # Forward to every app's latest, whatever had to be undone to reach BEFORE.
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    new = executor.loader.project_state(latest).apps
    NewCommune = new.get_model("accounts", "Commune")
    after = {c.code: (c.name, c.district.code) for c in NewCommune.objects.select_related(
        "district")}
    assert after == {code: (name, "250") for code, name in before.items()}
    assert list(new.get_model("accounts", "District").objects.values_list("code", "name")) == [
        ("250", "Mê Linh")]
