"""Campaigns, models and documents are one district's (issue 16): what a district's people make
is their district's, holds only their district's facilities and units, and a year locked in
another district does not hold it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from accounts.models import Role, Unit
from campaigns import services
from campaigns.models import Attendance, Campaign
from facilities.locking import year_lock
from melinh_sxsh.lib.errors import DomainError
from tests.conftest import make_user
from tests.factories import FacilityFactory, second_district

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def soc_son(staff, commune_a):
    district, commune, _namesake = second_district()
    unit = Unit.objects.create(code="SS_KINH_TE", name="Phòng Kinh tế Sóc Sơn", district=district)
    return {"district": district, "unit": unit,
            "staff": make_user("staff_b", Role.STAFF, district=district),
            "facility": FacilityFactory(commune=commune, tax_code="0200000001"),
            "melinh": FacilityFactory(commune=commune_a, tax_code="0100000001")}


def campaign(user, unit, **extra):
    return services.campaign_create(user=user, data={
        "kind": "workshop", "title": "Hội thảo", "lead_unit": unit, "starts_on": date(2018, 6, 1),
        **extra})


def test_what_a_district_makes_is_its_own(soc_son, staff):
    staff_b = soc_son["staff"]
    made = campaign(staff_b, soc_son["unit"])
    assert made.district == soc_son["district"]
    ours = campaign(staff, Unit.objects.get(code="KINH_TE"))
    assert ours.district.code == "250"
    # Another district's unit cannot lead it.
    with pytest.raises(DomainError):
        campaign(staff_b, Unit.objects.get(code="KINH_TE"))
    model = services.model_create(user=staff_b, data={
        "title": "Mô hình", "host": soc_son["facility"], "technology": "x", "year": 2018})
    assert model.district == soc_son["district"]
    with pytest.raises(Http404):  # a host of another district is not theirs to name
        services.model_create(user=staff_b, data={
            "title": "Mô hình", "host": soc_son["melinh"], "technology": "x", "year": 2018})
    with pytest.raises(Http404):  # nor a model of another district to visit
        campaign(staff, Unit.objects.get(code="KINH_TE"), kind="study_tour", visited_model=model)
    library = services.document_create(
        user=staff_b, data={"title": "Sổ tay", "kind": "handbook", "campaign": None},
        upload=SimpleUploadedFile("so-tay.pdf", PDF))
    assert library.district == soc_son["district"]
    with pytest.raises(Http404):
        services.document_delete(user=staff, document=library)


def test_attendance_takes_the_districts_facilities_only(soc_son):
    staff_b = soc_son["staff"]
    made = campaign(staff_b, soc_son["unit"])
    with pytest.raises(DomainError):
        services.attendance_add(user=staff_b, campaign=made,
                                facility_ids=[soc_son["facility"].pk, soc_son["melinh"].pk])
    with pytest.raises(DomainError):
        services.attendance_add_by_tax_codes(user=staff_b, campaign=made, text="0100000001")
    assert not Attendance.objects.exists()
    assert services.attendance_add_by_tax_codes(user=staff_b, campaign=made,
                                                text="0200000001") == 1


def test_a_year_locked_in_me_linh_leaves_soc_sons_campaigns_open(soc_son, staff):
    theirs = campaign(soc_son["staff"], soc_son["unit"])
    ours = campaign(staff, Unit.objects.get(code="KINH_TE"))
    year_lock(user=staff, year=2018)
    with pytest.raises(DomainError):
        services.attendance_add(user=staff, campaign=ours, facility_ids=[soc_son["melinh"].pk])
    services.attendance_add(user=soc_son["staff"], campaign=theirs,
                            facility_ids=[soc_son["facility"].pk])
    assert Attendance.objects.filter(campaign=theirs).count() == 1
    assert Campaign.objects.count() == 2
