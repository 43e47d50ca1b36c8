"""CP measures: create, edit and delete (staff only), and the derived payback."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from audits.models import CPMeasure, CPTechnique
from tests.audits.conftest import WRITE_A, make_measure, statuses

pytestmark = pytest.mark.django_db


def data(**extra):
    return {"technique": CPTechnique.objects.get(code="EQUIPMENT").pk,
            "description": "Lắp biến tần cho máy nén khí", "investment_vnd": "120.000.000",
            "yearly_saving_vnd": "48000000", "energy_saved_toe": "3,5",
            "status": "implemented", "implemented_on": "2018-06-15", **extra}


def test_payback_is_investment_over_yearly_saving():
    # 120 000 000 / 48 000 000 = 2,5 years; no saving: no payback
    assert CPMeasure(investment_vnd=120_000_000, yearly_saving_vnd=48_000_000
                     ).payback_years == Decimal("2.5")
    assert CPMeasure(investment_vnd=120_000_000, yearly_saving_vnd=0).payback_years is None


def test_the_cast(login, cast, facility_a):
    measure = make_measure(facility_a, implemented_on=date(2018, 1, 2))
    for url in (f"/audits/facilities/{facility_a.pk}/measures/new/",
                f"/audits/measures/{measure.pk}/edit/", f"/audits/measures/{measure.pk}/delete/"):
        assert statuses(login, cast, url) == WRITE_A, url
    names = ("anonymous", "official_b", "official_a", "unit", "leader", "admin")
    url = f"/audits/facilities/{facility_a.pk}/measures/new/"
    assert set(statuses(login, cast, url, method="post", data=data(), names=names).values()) \
        <= {302, 403, 404}
    assert CPMeasure.objects.count() == 1
    client = login(cast["staff"])
    for url in ("/audits/facilities/999999/measures/new/", "/audits/measures/999999/edit/",
                "/audits/measures/999999/delete/"):
        assert client.get(url).status_code == 404


def test_create_edit_delete(login, staff, facility_a):
    client = login(staff)
    response = client.post(f"/audits/facilities/{facility_a.pk}/measures/new/", data())
    assert response.status_code == 302
    measure = CPMeasure.objects.get()
    assert (measure.investment_vnd, measure.yearly_saving_vnd) == (120_000_000, 48_000_000)
    assert measure.energy_saved_toe == Decimal("3.5")
    assert measure.implemented_on == date(2018, 6, 15)
    page = client.get(f"/facilities/{facility_a.pk}/").content.decode()
    assert "120.000.000" in page and "2,5" in page

    response = client.post(f"/audits/measures/{measure.pk}/edit/",
                           data(status="proposed", implemented_on="",
                                version=measure.version))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "proposed" and measure.implemented_on is None

    assert client.post(f"/audits/measures/{measure.pk}/delete/").status_code == 302
    assert not CPMeasure.objects.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"implemented_on": ""}, "Nhập ngày thực hiện giải pháp."),
    ({"status": "proposed"}, "Chỉ giải pháp đã thực hiện mới có ngày thực hiện."),
    ({"implemented_on": str(date.today() + timedelta(days=40))}, "không thể ở tương lai"),
    ({"investment_vnd": "-1"}, "Vốn đầu tư (đồng): không được là số âm"),
    ({"yearly_saving_vnd": "12,5"}, "số nguyên"),
    ({"energy_saved_toe": "1,2345"}, "3 chữ số thập phân"),
])
def test_validation_messages(login, staff, facility_a, change, message):
    response = login(staff).post(f"/audits/facilities/{facility_a.pk}/measures/new/",
                                 data(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CPMeasure.objects.exists()
