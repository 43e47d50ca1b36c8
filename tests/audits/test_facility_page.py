"""The energy, measures and data-quality sections of the facility page."""

from datetime import date

import pytest

from audits.quality import quality_refresh
from tests.audits.conftest import make_measure, make_record

pytestmark = pytest.mark.django_db


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
