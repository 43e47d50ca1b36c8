"""`manage.py load_units hanoi`: Hà Nội's 30 districts and 526 communes from the official list
of 2025, beside what the database has (Mê Linh's 18 communes of 2018, Vạn Yên among them, which
the 2025 list lacks): nothing renamed, moved or duplicated, twice the same."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Commune, District

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_units", "hanoi", stdout=out)
    return out.getvalue()


def test_hanoi_is_loaded_beside_melinh_once():
    melinh_before = dict(Commune.objects.values_list("code", "pk"))
    Commune.objects.filter(code="08989").update(name="Quang Minh (tên cũ)")
    said = load()
    assert "29 quận, huyện và 509 xã, phường được thêm" in said, said
    assert District.objects.count() == 30
    # 526 of the list, and Vạn Yên (09001), merged before 2025, which the list lacks.
    assert Commune.objects.count() == 527
    assert dict(Commune.objects.filter(code__in=melinh_before).values_list("code", "pk")) == \
        melinh_before
    assert Commune.objects.get(code="08989").name == "Quang Minh (tên cũ)"  # kept as it was
    ba_dinh = District.objects.get(code="001")
    assert (str(ba_dinh), ba_dinh.kind) == ("Quận Ba Đình", District.Kind.URBAN)
    phuc_xa = Commune.objects.get(code="00001")
    assert (str(phuc_xa), phuc_xa.district) == ("Phường Phúc Xá", ba_dinh)
    assert str(District.objects.get(name="Sơn Tây")) == "Thị xã Sơn Tây"

    again = load()
    assert "0 quận, huyện và 0 xã, phường được thêm" in again
    assert (District.objects.count(), Commune.objects.count()) == (30, 527)


def test_a_commune_the_list_puts_elsewhere_stays_where_it_is():
    other = District.objects.create(code="999", name="Thử")
    Commune.objects.filter(code="08973").update(district=other)
    said = load()
    assert "08973" in said and "999" in said
    assert Commune.objects.get(code="08973").district == other
