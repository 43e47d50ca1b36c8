"""The energy, measures and data-quality sections of the facility page."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from audits.quality import quality_refresh
from melinh_sxsh.lib.text import format_significant as _format_significant
from tests.audits.conftest import make_measure, make_record

pytestmark = pytest.mark.django_db


def format_significant(value) -> str:
    with translation.override("vi"):
        return _format_significant(value)


@pytest.fixture
def history(facility_a):
    # 2017: 100 t DO = 102 TOE for 1020 t -> SEC 100 (baseline)
    # 2018: 92 t DO = 93,84 TOE for 1020 t -> SEC 92: a saving of 8,0 %, in the band
    make_record(facility_a, 2017, "1020", {"DO": "100"}, baseline=True)
    make_record(facility_a, 2018, "1020", {"DO": "92"})
    make_measure(facility_a, "RECOVERY", investment=90_000_000, saving=60_000_000,
                 implemented_on=date(2018, 3, 1), description="Thu hồi nước ngưng")
    make_record(facility_a, 2016, "0", {"DO": "1"})
    quality_refresh()
    return facility_a


def test_sections_for_staff(login, staff, history):
    body = login(staff).get(f"/facilities/{history.pk}/").content.decode()
    for text in ("100,00", "92,00", "8,0%", "<svg", "Thu hồi nước ngưng", "1,5",
                 f"/audits/facilities/{history.pk}/records/new/",
                 f"/audits/facilities/{history.pk}/measures/new/"):
        assert text in body, text
    assert "<script" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert " style=" not in body
    # the 2016 zero output shows among the facility's own flags
    assert "Sản lượng bằng 0" in body


def test_read_only_roles_see_no_write_links(login, cast, history):
    for name in ("official_a", "leader", "unit"):
        body = login(cast[name]).get(f"/facilities/{history.pk}/").content.decode()
        assert "92,00" in body, name
        assert "/records/new/" not in body and "/measures/new/" not in body, name
    unit_page = login(cast["unit"]).get(f"/facilities/{history.pk}/").content.decode()
    assert "Sản lượng bằng 0" not in unit_page


# ---- issue 17: the record page's saving, small SECs ------------------------------------------


def test_the_record_page_shows_the_saving_as_the_facility_page_does(login, cast, history):
    from audits.models import EnergyRecord

    record = EnergyRecord.objects.get(facility=history, year=2018)
    for role in ("staff", "official_a", "leader"):
        client = login(cast[role])
        facility_page = client.get(f"/facilities/{history.pk}/").content.decode()
        assert "8,0%" in facility_page and "so với 2017" in facility_page
        body = client.get(f"/audits/records/{record.pk}/").content.decode()
        saving = body.split('class="col-6 record-saving">', 1)[1].split("</dd>", 1)[0]
        assert "8,0%" in saving and "so với 2017" in saving, role
        assert "8,160" in body  # TOE saved: (100 − 92) × 1020 / 1000


def test_the_record_page_says_why_there_is_no_saving(login, staff, history):
    from audits.models import EnergyRecord

    client = login(staff)
    first = EnergyRecord.objects.get(facility=history, year=2016)
    body = client.get(f"/audits/records/{first.pk}/").content.decode()
    assert "không có số liệu năm trước để so sánh" in body
    other_unit = make_record(history, 2019, "5", {"DO": "1"}, unit="m3")
    body = client.get(f"/audits/records/{other_unit.pk}/").content.decode()
    assert "không so sánh được với năm 2017" in body


def test_the_record_page_reads_a_bounded_number_of_queries(
        login, staff, history, django_assert_max_num_queries):
    from audits.models import EnergyRecord

    for year in range(2005, 2015):
        make_record(history, year, "1000", {"ELEC": "1000"})
    record = EnergyRecord.objects.get(facility=history, year=2018)
    client = login(staff)
    with django_assert_max_num_queries(14):
        assert client.get(f"/audits/records/{record.pk}/").status_code == 200


def test_a_small_sec_shows_its_significant_digits(login, staff, facility_a):
    # 1.000 kWh for 400.000 kg of product: an SEC far below 0,01 kgOE per kg.
    from audits import energy

    base = make_record(facility_a, 2017, "400000", {"ELEC": "1000"}, unit="kg", baseline=True)
    record = make_record(facility_a, 2018, "400000", {"ELEC": "900"}, unit="kg")
    sec = energy.record_sec(record)
    assert sec < Decimal("0.005")
    client = login(staff)
    for url in (f"/audits/records/{record.pk}/", f"/facilities/{facility_a.pk}/",
                "/audits/?year=2018"):
        body = client.get(url).content.decode()
        assert format_significant(sec) in body, url
        assert format_significant(sec) != "0,00"
    body = client.get(f"/audits/records/{base.pk}/").content.decode()
    assert format_significant(energy.record_sec(base)) in body
