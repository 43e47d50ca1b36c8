"""With 2018 locked, its statuses, energy records, attendance and CP measures refuse every
change in the pages, the importers and the admin; unlocked, they work again; both logged."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from accounts.models import Unit
from audits.importers import EnergyImporter
from audits.models import CPMeasure, EnergyRecord
from campaigns.models import Attendance, Campaign
from facilities.importers import StatusImporter
from facilities.locking import year_lock, year_unlock
from facilities.models import FacilityYearStatus, Stage, YearLockEvent
from melinh_sxsh.lib.importing import run_import
from tests.audits.conftest import make_measure, make_record
from tests.facilities.xlsx_helpers import xlsx_bytes
from tests.factories import FacilityFactory, StatusFactory, district_create

pytestmark = pytest.mark.django_db
LOCKED = "Năm 2018 đã khóa"


@pytest.fixture
def world(staff):
    facility = FacilityFactory(tax_code="0101111111")
    status = StatusFactory(facility=facility, year=2018, stage=Stage.AWARE)
    record = make_record(facility, 2018, "1000", {"ELEC": "50000"})
    measure = make_measure(facility, implemented_on=date(2018, 4, 1))
    campaign = district_create(Campaign, kind="workshop", title="Hội thảo", starts_on=date(2018, 8,
                                                                                        22),
                               lead_unit=Unit.objects.get(code="KINH_TE"))
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    year_lock(user=staff, year=2018, note="Báo cáo năm đã ban hành")
    return {"facility": facility, "status": status, "record": record, "measure": measure,
            "campaign": campaign, "attendance": attendance}


def test_pages_refuse_changes_of_a_locked_year(login, cast, world):
    client = login(cast["staff"])
    facility = world["facility"]
    response = client.post(reverse("facilities:status_update", args=[facility.pk]),
                           {"year": 2018, "stage": Stage.APPLYING}, follow=True)
    assert LOCKED in response.content.decode()
    response = client.post(reverse("campaigns:attendance_remove",
                                   args=[world["campaign"].pk, world["attendance"].pk]),
                           follow=True)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    response = client.post(reverse("campaigns:attendance_add", args=[world["campaign"].pk]),
                           {"tax_codes": FacilityFactory().tax_code, "people": 1}, follow=True)
    assert LOCKED in response.content.decode()
    response = client.post(reverse("audits:record_verify", args=[world["record"].pk]),
                           follow=True)
    assert LOCKED in response.content.decode()
    response = client.post(reverse("audits:measure_delete", args=[world["measure"].pk]),
                           follow=True)
    assert LOCKED in response.content.decode()
    # A 2017 status is not locked.
    client.post(reverse("facilities:status_update", args=[facility.pk]),
                {"year": 2017, "stage": Stage.AWARE})
    assert FacilityYearStatus.objects.filter(facility=facility, year=2017).exists()
    assert FacilityYearStatus.objects.get(pk=world["status"].pk).stage == Stage.AWARE
    assert Attendance.objects.filter(campaign=world["campaign"]).count() == 1
    assert CPMeasure.objects.filter(pk=world["measure"].pk).exists()
    assert EnergyRecord.objects.get(pk=world["record"].pk).verified_at is None


def test_importers_refuse_rows_of_a_locked_year(world, staff):
    content = xlsx_bytes([["Mã số thuế", "Năm", "Mức độ"], ["0101111111", 2018, "Đang áp dụng"],
                          ["0101111111", 2017, "Đã nhận thức"]])
    outcome = run_import(StatusImporter(user=staff), BytesIO(content), write=True)
    assert [str(e) for e in outcome.errors] == [
        f'Dòng 2, cột "Năm": {LOCKED} vì đã ban hành báo cáo; đề nghị Phòng Kinh tế mở khóa '
        "trước khi sửa số liệu của năm này."]
    assert not FacilityYearStatus.objects.filter(year=2017).exists()
    energy = xlsx_bytes([["Mã số thuế", "Năm", "Sản lượng", "Đơn vị sản phẩm", "Điện (kWh)"],
                         ["0101111111", 2018, 1200, "tấn", 40000]])
    outcome = run_import(EnergyImporter(user=staff), BytesIO(energy), write=True)
    assert LOCKED in str(outcome.errors[0])
    assert EnergyRecord.objects.get(pk=world["record"].pk).output == 1000


def test_the_admin_refuses_them_too(client, admin_user, world):
    client.force_login(admin_user)
    status = world["status"]
    response = client.post(f"/admin/facilities/facilityyearstatus/{status.pk}/change/", {
        "facility": status.facility_id, "year": 2018, "stage": Stage.APPLYING, "note": "",
        "set_by": ""})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    response = client.post(f"/admin/audits/cpmeasure/{world['measure'].pk}/delete/",
                           {"post": "yes"})
    assert response.status_code == 403
    response = client.post("/admin/campaigns/attendance/", {
        "action": "delete_selected", "_selected_action": [world["attendance"].pk],
        "post": "yes"})
    assert response.status_code in (302, 403)
    assert FacilityYearStatus.objects.get(pk=status.pk).stage == Stage.AWARE
    assert CPMeasure.objects.filter(pk=world["measure"].pk).exists()
    assert Attendance.objects.filter(pk=world["attendance"].pk).exists()


def test_unlocking_lets_changes_through_and_both_acts_are_logged(login, cast, world, staff):
    year_unlock(user=staff, year=2018, note="Sửa số liệu theo đề nghị của xã")
    client = login(cast["staff"])
    client.post(reverse("facilities:status_update", args=[world["facility"].pk]),
                {"year": 2018, "stage": Stage.APPLYING})
    assert FacilityYearStatus.objects.get(pk=world["status"].pk).stage == Stage.APPLYING
    log = list(YearLockEvent.objects.order_by("at", "id").values_list("year", "action",
                                                                      "by__username", "note"))
    assert log == [(2018, "lock", "staff", "Báo cáo năm đã ban hành"),
                   (2018, "unlock", "staff", "Sửa số liệu theo đề nghị của xã")]


def test_the_locks_page(login, cast, staff):
    client = login(cast["staff"])
    client.post(reverse("reports:locks"), {"year": 2018, "note": "x"})
    response = client.post(reverse("reports:locks"), {"year": 2018}, follow=True)
    assert "đã được khóa" in response.content.decode()
    # Unlocking asks first, naming the year; its POST unlocks, with the reason.
    page = response.content.decode()
    assert reverse("reports:unlock", args=[2018]) in page
    response = client.get(reverse("reports:unlock", args=[2018]))
    assert response.status_code == 200 and "Năm 2018" in response.content.decode()
    assert YearLockEvent.objects.count() == 1
    client.post(reverse("reports:unlock", args=[2018]), {"note": "Sửa số liệu"})
    assert list(YearLockEvent.objects.order_by("at", "id").values_list("action", "note")) == [
        ("lock", "x"), ("unlock", "Sửa số liệu")]
    assert client.get(reverse("reports:unlock", args=[1990])).status_code == 404
    for role in ("leader", "official_a", "unit"):
        assert login(cast[role]).post(reverse("reports:locks"), {
            "year": 2019}).status_code == 403
        assert login(cast[role]).post(reverse("reports:unlock", args=[2019])).status_code == 403
