"""Entering and editing a record with its energy lines (inline formset); staff only."""

from decimal import Decimal

import pytest
from django.utils import timezone

from audits.models import EnergyCarrier, EnergyRecord, EnergyUse
from tests.audits.conftest import READ_A, WRITE_A, make_record, statuses

pytestmark = pytest.mark.django_db


def carrier(code: str) -> int:
    return EnergyCarrier.objects.get(code=code).pk


def post_data(lines: list[tuple], *, year=2018, output="1.250,5", initial: int = 0, **extra):
    """The POST of the record form with its formset (`lines`: (id, carrier, quantity, delete))."""
    data = {"year": year, "output": output, "product_unit": "tấn", "source": "annual",
            "uses-TOTAL_FORMS": len(lines), "uses-INITIAL_FORMS": initial,
            "uses-MIN_NUM_FORMS": 0, "uses-MAX_NUM_FORMS": 30, **extra}
    for index, (pk, carrier_id, quantity, delete) in enumerate(lines):
        data[f"uses-{index}-id"] = pk or ""
        data[f"uses-{index}-carrier"] = carrier_id or ""
        data[f"uses-{index}-quantity"] = quantity
        if delete:
            data[f"uses-{index}-DELETE"] = "on"
    return data


def test_the_cast_on_the_create_form(login, cast, facility_a):
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    assert statuses(login, cast, url) == WRITE_A
    assert login(cast["staff"]).get("/audits/facilities/999999/records/new/").status_code == 404


def test_the_cast_on_the_edit_form_and_the_detail_page(login, cast, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    assert statuses(login, cast, f"/audits/records/{record.pk}/edit/") == WRITE_A
    assert statuses(login, cast, f"/audits/records/{record.pk}/") == READ_A
    for url in ("/audits/records/999999/", "/audits/records/999999/edit/"):
        assert login(cast["staff"]).get(url).status_code == 404


def test_read_only_roles_cannot_post(login, cast, facility_a):
    data = post_data([(None, carrier("ELEC"), "1000", False)])
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    names = ("anonymous", "official_b", "official_a", "unit", "leader", "admin")
    assert statuses(login, cast, url, method="post", data=data, names=names) == {
        "anonymous": 302, "official_b": 404, "official_a": 403, "unit": 403, "leader": 403,
        "admin": 403}
    assert not EnergyRecord.objects.exists()


def test_staff_create_a_record_with_mixed_carriers(login, staff, facility_a):
    client = login(staff)
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    form = client.get(url)
    assert form.context["form"]["product_unit"].value() == "tấn"  # the facility's unit
    response = client.post(url, post_data([(None, carrier("ELEC"), "100.000", False),
                                           (None, carrier("DO_L"), "1.234,5", False),
                                           (None, "", "", False)]))
    record = EnergyRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/audits/records/{record.pk}/"
    assert record.output == Decimal("1250.5") and record.facility == facility_a
    assert {u.carrier.code: u.quantity for u in record.uses.all()} == {
        "ELEC": 100000, "DO_L": Decimal("1234.5")}
    assert record.history.get().history_user == staff
    # 100 000 × 0,0001543 + 1234,5 × 0,00088 = 15,43 + 1,08636 = 16,51636 TOE
    page = client.get(response["Location"]).content.decode()
    assert "16,516" in page


def test_negative_quantities_are_refused_with_a_message(login, staff, facility_a):
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    response = login(staff).post(url, post_data([(None, carrier("ELEC"), "-5", False)]))
    assert response.status_code == 200
    assert "Lượng sử dụng: không được là số âm" in response.content.decode()
    assert not EnergyRecord.objects.exists()


def test_an_empty_record_is_refused_with_a_message(login, staff, facility_a):
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    response = login(staff).post(url, post_data([(None, "", "", False), (None, "", "", False)]))
    assert response.status_code == 200
    assert "Nhập ít nhất một dòng năng lượng" in response.content.decode()
    assert not EnergyRecord.objects.exists()


def test_a_carrier_twice_a_negative_output_and_a_taken_year(login, staff, facility_a):
    make_record(facility_a, 2017, "100", {"ELEC": "1000"})
    client = login(staff)
    url = f"/audits/facilities/{facility_a.pk}/records/new/"
    twice = client.post(url, post_data([(None, carrier("ELEC"), "1", False),
                                        (None, carrier("ELEC"), "2", False)]))
    assert "xuất hiện ở hai dòng" in twice.content.decode()
    negative = client.post(url, post_data([(None, carrier("ELEC"), "1", False)], output="-1"))
    assert "Sản lượng: không được là số âm" in negative.content.decode()
    taken = client.post(url, post_data([(None, carrier("ELEC"), "1", False)], year=2017))
    assert "đã có số liệu năng lượng năm 2017" in taken.content.decode()
    garbage = client.post(url, post_data([(None, carrier("ELEC"), "nhiều", False)], year="x"))
    assert garbage.status_code == 200
    assert EnergyRecord.objects.count() == 1


def test_editing_replaces_lines_and_removes_the_verification(login, staff, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000", "DO": "2"},
                         verified_by=staff, verified_at=timezone.now())
    elec, do = (record.uses.get(carrier__code=code) for code in ("ELEC", "DO"))
    client = login(staff)
    response = client.post(f"/audits/records/{record.pk}/edit/", post_data(
        [(elec.pk, elec.carrier_id, "1500", False), (do.pk, do.carrier_id, "2", True),
         (None, carrier("LPG"), "0,5", False)], initial=2, output="100",
        version=record.version))
    assert response.status_code == 302
    record.refresh_from_db()
    assert {u.carrier.code: u.quantity for u in record.uses.all()} == {
        "ELEC": 1500, "LPG": Decimal("0.5")}
    assert record.verified_at is None and record.verified_by is None
    assert EnergyUse.history.filter(history_type="-", history_user=staff).count() == 1


def test_editing_nothing_keeps_the_verification(login, staff, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000"}, verified_by=staff,
                         verified_at=timezone.now(), source="annual")
    use = record.uses.get()
    login(staff).post(f"/audits/records/{record.pk}/edit/", post_data(
        [(use.pk, use.carrier_id, "1000", False)], initial=1, output="100",
        version=record.version))
    record.refresh_from_db()
    assert record.verified_by == staff


def test_removing_every_line_is_refused(login, staff, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    use = record.uses.get()
    response = login(staff).post(f"/audits/records/{record.pk}/edit/", post_data(
        [(use.pk, use.carrier_id, "1000", True)], initial=1, output="100",
        version=record.version))
    assert response.status_code == 200
    assert "Nhập ít nhất một dòng năng lượng" in response.content.decode()
    assert record.uses.count() == 1
