"""Every facility view with the same cast: works, needs login, hides other communes (404),
refuses read-only roles (403), survives a bad id."""

import re

import pytest
from django.urls import reverse

from facilities.models import Facility, FacilityYearStatus, Stage
from tests.factories import FacilityFactory, StatusFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility_a(commune_a):
    return FacilityFactory(commune=commune_a, name="Công ty TNHH Cơ khí Tiền Phong",
                           tax_code="0100000001")


@pytest.fixture
def facility_b(commune_b):
    return FacilityFactory(commune=commune_b, name="Hợp tác xã Đại Bái", tax_code="0100000002")


def form_data(facility, **changes):
    data = {
        "tax_code": facility.tax_code, "name": facility.name, "commune": facility.commune_id,
        "address": facility.address, "sector": facility.sector_id or "", "kind": facility.kind,
        "group": facility.group, "main_products": "", "product_unit": facility.product_unit,
        "employees": "", "first_year": facility.first_year or "", "last_year": "",
        "contact_person": "", "phone": "", "email": "", "version": facility.version,
    }
    data.update(changes)
    return data


READ_PAGES = ["facilities:list", "facilities:export", "facilities:import"]


@pytest.mark.parametrize("name", READ_PAGES + ["facilities:create"])
def test_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["facilities:detail", "facilities:edit", "facilities:delete"])
def test_object_pages_need_login(client, facility_a, name):
    response = client.get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["staff", "official_a", "unit", "leader", "admin"])
def test_everyone_reads_the_list_and_the_page(login, cast, facility_a, role):
    client = login(cast[role])
    assert client.get(reverse("facilities:list")).status_code == 200
    response = client.get(reverse("facilities:detail", args=[facility_a.pk]))
    assert response.status_code == 200
    assert facility_a.name in response.content.decode()


def test_commune_official_gets_404_for_another_commune(login, cast, facility_b):
    client = login(cast["official_a"])
    for name in ("facilities:detail", "facilities:edit", "facilities:delete"):
        assert client.get(reverse(name, args=[facility_b.pk])).status_code == 404, name
    response = client.post(reverse("facilities:status_update", args=[facility_b.pk]),
                           {"year": 2018, "stage": Stage.APPLYING})
    assert response.status_code == 404
    assert not FacilityYearStatus.objects.filter(facility=facility_b).exists()
    response = client.post(reverse("facilities:edit", args=[facility_b.pk]),
                           form_data(facility_b, name="Đổi tên"))
    assert response.status_code == 404
    facility_b.refresh_from_db()
    assert facility_b.name == "Hợp tác xã Đại Bái"


def test_list_shows_only_own_commune(login, cast, facility_a, facility_b):
    body = login(cast["official_a"]).get(reverse("facilities:list")).content.decode()
    assert facility_a.name in body and facility_b.name not in body


@pytest.mark.parametrize("role", ["unit", "leader", "admin"])
def test_read_only_roles_get_403_on_writes(login, cast, facility_a, role):
    client = login(cast[role])
    assert client.get(reverse("facilities:create")).status_code == 403
    assert client.get(reverse("facilities:edit", args=[facility_a.pk])).status_code == 403
    assert client.post(reverse("facilities:edit", args=[facility_a.pk]),
                       form_data(facility_a, name="X")).status_code == 403
    assert client.post(reverse("facilities:status_update", args=[facility_a.pk]),
                       {"year": 2018, "stage": 1}).status_code == 403
    assert client.post(reverse("facilities:status_bulk"),
                       {"facilities": [facility_a.pk], "year": 2018, "stage": 1}
                       ).status_code == 403
    assert client.get(reverse("facilities:import")).status_code == 403
    assert client.post(reverse("facilities:delete", args=[facility_a.pk])).status_code == 403
    assert FacilityYearStatus.objects.count() == 0
    facility_a.refresh_from_db()
    assert facility_a.name != "X"


def test_commune_official_cannot_delete(login, cast, facility_a):
    client = login(cast["official_a"])
    assert client.post(reverse("facilities:delete", args=[facility_a.pk])).status_code == 403
    assert Facility.objects.filter(pk=facility_a.pk).exists()


@pytest.mark.parametrize("path", ["/facilities/999999/", "/facilities/999999/edit/",
                                  "/facilities/999999/delete/", "/facilities/abc/",
                                  "/facilities/import/999999/"])
def test_bad_ids_are_404(login, cast, path):
    assert login(cast["staff"]).get(path).status_code == 404


def test_create_by_staff_and_history(login, cast, facility_a, commune_b):
    client = login(cast["staff"])
    data = form_data(facility_a, tax_code="0100000099", name="Công ty Mới", commune=commune_b.pk,
                     version="")
    response = client.post(reverse("facilities:create"), data)
    assert response.status_code == 302
    created = Facility.objects.get(tax_code="0100000099")
    assert created.commune == commune_b
    record = created.history.get()
    assert record.history_type == "+" and record.history_user == cast["staff"]


def test_commune_official_creates_only_in_own_commune(login, cast, facility_a, commune_a,
                                                      commune_b):
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:create"), form_data(
        facility_a, tax_code="0100000098", name="Khác xã", commune=commune_b.pk, version=""))
    assert response.status_code == 200
    assert not Facility.objects.filter(tax_code="0100000098").exists()
    response = client.post(reverse("facilities:create"), form_data(
        facility_a, tax_code="0100000098", name="Cùng xã", commune=commune_a.pk, version=""))
    assert response.status_code == 302
    assert Facility.objects.get(tax_code="0100000098").commune == commune_a


def test_commune_official_cannot_move_a_facility(login, cast, facility_a, commune_b):
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, commune=commune_b.pk))
    assert response.status_code == 200
    facility_a.refresh_from_db()
    assert facility_a.commune.code == "08989"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tax_code", "12345", "mã số thuế phải có 10 chữ số"),
    ("tax_code", "0100000002", "Đã có cơ sở"),
    ("name", "   ", "bắt buộc"),
    ("employees", "-3", "Số lao động: không được là số âm"),
    ("first_year", "2999", "phải là năm từ 1900 đến"),
    ("email", "not-an-email", "Nhập địa chỉ email."),
])
def test_edit_validation_messages(login, cast, facility_a, facility_b, field, value, message):
    client = login(cast["staff"])
    before = Facility.objects.get(pk=facility_a.pk)
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    # The message stands under the field it is about.
    assert re.search(rf'id="error_1_id_{field}"><strong>[^<]*{re.escape(message)}', body), body

    after = Facility.objects.get(pk=facility_a.pk)
    assert (after.version, after.tax_code, after.name) == (before.version, before.tax_code,
                                                          before.name)


def test_stale_edit_is_refused_with_the_difference(login, cast, facility_a, official_a):
    """Two people open the form; the second save is refused and shows what changed."""
    opened = facility_a.version
    first = login(cast["staff"])
    assert first.post(reverse("facilities:edit", args=[facility_a.pk]), form_data(
        facility_a, name="Tên do Phòng Kinh tế sửa", version=opened)).status_code == 302
    second = login(official_a)
    response = second.post(reverse("facilities:edit", args=[facility_a.pk]), form_data(
        facility_a, address="Địa chỉ do xã sửa", version=opened))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Người khác đã lưu bản ghi này" in body
    assert "Tên do Phòng Kinh tế sửa" in body  # the difference is shown
    assert "Địa chỉ do xã sửa" in body  # the user's input is kept
    facility_a.refresh_from_db()
    assert facility_a.name == "Tên do Phòng Kinh tế sửa"
    assert facility_a.address == "KCN Quang Minh"
    # Saving again, on the version now shown, goes through.
    response = second.post(reverse("facilities:edit", args=[facility_a.pk]), form_data(
        facility_a, address="Địa chỉ do xã sửa", version=facility_a.version))
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.address == "Địa chỉ do xã sửa"
    assert facility_a.name == "Tên do Phòng Kinh tế sửa"


def test_status_change_from_the_list_with_htmx(login, cast, facility_a):
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:status_update", args=[facility_a.pk]),
                           {"year": 2018, "stage": Stage.COMMITTED}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "Đã lưu" in body
    status = FacilityYearStatus.objects.get(facility=facility_a, year=2018)
    assert status.stage == Stage.COMMITTED and status.set_by == cast["official_a"]
    record = status.history.get()
    assert record.history_user == cast["official_a"]


@pytest.mark.parametrize("year", ["1999", "2999", "abc", ""])
def test_status_with_bad_year_is_refused(login, cast, facility_a, year):
    client = login(cast["staff"])
    response = client.post(reverse("facilities:status_update", args=[facility_a.pk]),
                           {"year": year, "stage": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()
    assert not FacilityYearStatus.objects.exists()


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/facilities/?page=2", "/facilities/?page=2"),
    ("https://evil.example/phish", None),
    ("//evil.example/phish", None),
])
def test_status_form_returns_only_within_the_site(login, cast, facility_a, next_url, expected):
    response = login(cast["staff"]).post(
        reverse("facilities:status_update", args=[facility_a.pk]),
        {"year": 2018, "stage": Stage.AWARE, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == (
        expected or reverse("facilities:detail", args=[facility_a.pk]))


def test_bulk_status_all_or_nothing(login, cast, facility_a, facility_b):
    other = FacilityFactory(commune=facility_a.commune, tax_code="0100000003")
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:status_bulk"), {
        "facilities": [facility_a.pk, facility_b.pk], "year": 2018, "stage": Stage.AWARE})
    assert response.status_code == 302
    assert not FacilityYearStatus.objects.exists()
    client.post(reverse("facilities:status_bulk"), {
        "facilities": [facility_a.pk, other.pk], "year": 2018, "stage": Stage.AWARE})
    assert FacilityYearStatus.objects.filter(year=2018, stage=Stage.AWARE).count() == 2
    # A forged, non-numeric id is a message, not a 500.
    response = client.post(reverse("facilities:status_bulk"), {
        "facilities": ["x"], "year": 2018, "stage": Stage.AWARE})
    assert response.status_code == 302


def test_every_change_is_in_the_history(login, cast, facility_a):
    client = login(cast["staff"])
    client.post(reverse("facilities:edit", args=[facility_a.pk]),
                form_data(facility_a, employees="120"))
    client.post(reverse("facilities:status_update", args=[facility_a.pk]),
                {"year": 2017, "stage": Stage.AWARE})
    client.post(reverse("facilities:status_update", args=[facility_a.pk]),
                {"year": 2017, "stage": Stage.APPLYING})
    body = client.get(reverse("facilities:detail", args=[facility_a.pk])).content.decode()
    assert "120" in body
    assert "Mức độ năm 2017: Đang áp dụng" in body
    assert "Mức độ năm 2017: Đã nhận thức" in body
    assert body.count(cast["staff"].get_full_name()) >= 3


def test_delete_refused_while_referred_to(login, cast, facility_a):
    StatusFactory(facility=facility_a)
    client = login(cast["staff"])
    response = client.post(reverse("facilities:delete", args=[facility_a.pk]), follow=True)
    assert "Không thể xóa cơ sở này" in response.content.decode()
    assert Facility.objects.filter(pk=facility_a.pk).exists()


def test_delete_with_confirmation(login, cast, facility_a):
    client = login(cast["staff"])
    assert "Đồng ý xóa" in client.get(
        reverse("facilities:delete", args=[facility_a.pk])).content.decode()
    assert client.post(reverse("facilities:delete", args=[facility_a.pk])).status_code == 302
    assert not Facility.objects.filter(pk=facility_a.pk).exists()
