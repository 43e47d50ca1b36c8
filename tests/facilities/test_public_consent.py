"""Whether the public pages may name a facility: staff record it; commune officials neither see
nor change it."""

import pytest
from django.urls import reverse

from facilities.forms import FacilityForm
from facilities.models import Facility
from tests.facilities.test_facility_views import form_data
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility_a(commune_a):
    return FacilityFactory(commune=commune_a, name="Công ty TNHH Cơ khí Tiền Phong",
                           tax_code="0100000001")


def test_no_consent_by_default(facility_a):
    assert facility_a.public_consent is False


def test_only_staff_get_the_field(cast):
    assert "public_consent" in FacilityForm(user=cast["staff"]).fields
    assert "public_consent" not in FacilityForm(user=cast["official_a"]).fields


def test_staff_record_the_consent_and_it_is_in_the_history(login, cast, facility_a):
    client = login(cast["staff"])
    form = client.get(reverse("facilities:edit", args=[facility_a.pk])).content.decode()
    assert 'name="public_consent"' in form
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, public_consent="on"))
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.public_consent is True
    page = client.get(reverse("facilities:detail", args=[facility_a.pk])).content.decode()
    assert "được nêu tên (cơ sở đã đồng ý)" in page
    assert "Đồng ý nêu tên trên trang công khai: không → có" in page


def test_staff_can_withdraw_it(login, cast, facility_a):
    Facility.objects.filter(pk=facility_a.pk).update(public_consent=True)
    facility_a.refresh_from_db()
    client = login(cast["staff"])
    # An unticked box is absent from the post: the consent is withdrawn.
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a))
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.public_consent is False


def test_staff_register_a_facility_with_consent(login, cast, facility_a, commune_a):
    client = login(cast["staff"])
    response = client.post(reverse("facilities:create"), form_data(
        facility_a, tax_code="0100000077", name="Công ty Đồng Ý", version="",
        public_consent="on"))
    assert response.status_code == 302
    assert Facility.objects.get(tax_code="0100000077").public_consent is True


def test_commune_official_neither_sees_nor_sets_it(login, cast, facility_a):
    client = login(cast["official_a"])
    form = client.get(reverse("facilities:edit", args=[facility_a.pk])).content.decode()
    assert "public_consent" not in form
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, public_consent="on", address="Thôn mới"))
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.address == "Thôn mới"
    assert facility_a.public_consent is False
    page = client.get(reverse("facilities:detail", args=[facility_a.pk])).content.decode()
    assert "public-consent" not in page and "nêu tên" not in page


def test_commune_official_edit_keeps_a_recorded_consent(login, cast, facility_a):
    Facility.objects.filter(pk=facility_a.pk).update(public_consent=True)
    facility_a.refresh_from_db()
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:edit", args=[facility_a.pk]),
                           form_data(facility_a, address="Thôn khác"))
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.public_consent is True


def test_commune_official_registers_without_consent(login, cast, facility_a):
    client = login(cast["official_a"])
    response = client.post(reverse("facilities:create"), form_data(
        facility_a, tax_code="0100000078", name="Cơ sở mới", version="", public_consent="on"))
    assert response.status_code == 302
    assert Facility.objects.get(tax_code="0100000078").public_consent is False


@pytest.mark.parametrize("role", ["leader", "unit"])
def test_read_only_roles_see_it_on_the_page(login, cast, facility_a, role):
    page = login(cast[role]).get(reverse("facilities:detail", args=[facility_a.pk]))
    assert "không nêu tên (chưa ghi nhận đồng ý)" in page.content.decode()
