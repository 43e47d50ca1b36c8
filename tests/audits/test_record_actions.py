"""Verifying and deleting a record: staff only, by POST, with a confirmation page for deletes."""

import pytest

from audits.models import EnergyRecord, EnergyUse
from tests.audits.conftest import WRITE_A, make_record, statuses

pytestmark = pytest.mark.django_db

READ_ONLY = ("anonymous", "outsider", "official_b", "official_a", "unit", "leader", "admin")


def test_verify(login, cast, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    url = f"/audits/records/{record.pk}/verify/"
    expected = {name: WRITE_A[name] for name in READ_ONLY}
    assert statuses(login, cast, url, method="post", names=READ_ONLY) == expected
    record.refresh_from_db()
    assert record.verified_at is None
    assert login(cast["staff"]).get(url).status_code == 405
    response = login(cast["staff"]).post(url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.verified_by == cast["staff"] and record.is_verified
    assert login(cast["staff"]).post("/audits/records/999999/verify/").status_code == 404


def test_delete_asks_then_deletes_with_the_lines(login, cast, facility_a):
    record = make_record(facility_a, 2018, "100", {"ELEC": "1000", "DO": "1"})
    url = f"/audits/records/{record.pk}/delete/"
    assert statuses(login, cast, url) == WRITE_A
    expected = {name: WRITE_A[name] for name in READ_ONLY}
    assert statuses(login, cast, url, method="post", names=READ_ONLY) == expected
    assert EnergyRecord.objects.exists()
    client = login(cast["staff"])
    assert "2018" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/facilities/{facility_a.pk}/"
    assert not EnergyRecord.objects.exists() and not EnergyUse.objects.exists()
    assert client.post(url).status_code == 404


def test_a_facility_with_records_is_protected_from_deletion(login, staff, facility_a):
    make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    response = login(staff).post(f"/facilities/{facility_a.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert facility_a.__class__.objects.filter(pk=facility_a.pk).exists()
