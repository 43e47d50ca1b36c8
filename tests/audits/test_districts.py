"""Data requests, the catalogue and the data-quality rules across districts (issue 16)."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from accounts.models import Role
from audits import completeness, selectors, submissions
from audits.models import QualityFlag
from audits.quality import quality_refresh_ids
from facilities.models import FacilityYearStatus, Stage
from melinh_sxsh.lib.errors import DomainError
from tests.audits.conftest import make_facility, make_measure
from tests.conftest import make_user
from tests.factories import second_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def soc_son(staff, facility_a):
    district, commune, _namesake = second_district()
    return {"district": district, "facility": make_facility(commune, "0200000001"),
            "staff": make_user("staff_b", Role.STAFF, district=district)}


def ask(user, facilities):
    return submissions.request_create(user=user, year=2018, deadline=date(2099, 1, 31),
                                      title="Số liệu 2018", facilities=facilities)


def test_a_request_is_its_districts_and_asks_its_facilities_only(soc_son, staff, facility_a):
    staff_b = soc_son["staff"]
    theirs = ask(staff_b, [soc_son["facility"]])
    ours = ask(staff, [facility_a])
    assert theirs.district == soc_son["district"] and ours.district.code == "250"
    with pytest.raises(DomainError):
        ask(staff_b, [soc_son["facility"], facility_a])
    assert list(selectors.request_list(staff_b)) == [theirs]
    assert list(selectors.request_list(staff)) == [ours]
    with pytest.raises(Http404):
        selectors.request_get(staff_b, ours.pk)
    facilities = selectors.facilities_to_ask(staff_b, 2018)
    assert list(facilities) == [soc_son["facility"]]
    # A year's lock waits for the district's own forms only.
    theirs.submissions.update(state="submitted")
    assert completeness.waiting_for_review(2018, soc_son["district"].pk)
    assert completeness.waiting_for_review(2018, staff.district_id) == []


def test_the_catalogue_of_a_district_is_its_own(soc_son, staff, facility_a):
    make_measure(facility_a, "EQUIPMENT", investment=10, saving=5,
                 implemented_on=date(2018, 1, 1))
    make_measure(soc_son["facility"], "EQUIPMENT", investment=10, saving=5,
                 implemented_on=date(2018, 1, 1))
    theirs = selectors.catalogue(soc_son["staff"], with_names=True)
    assert [row.facility_names for row in theirs] == [[soc_son["facility"].name]]
    ours = selectors.catalogue(staff, with_names=True)
    assert [row.facility_names for row in ours] == [[facility_a.name]]


def test_a_year_with_statuses_in_another_district_asks_nothing_of_this_one(soc_son,
                                                                           facility_a):
    facility_a.first_year = 2010
    facility_a.save()
    FacilityYearStatus.objects.create(facility=soc_son["facility"], year=2016,
                                      stage=Stage.AWARE)
    quality_refresh_ids([facility_a.pk])
    assert not QualityFlag.objects.filter(facility=facility_a,
                                          rule=QualityFlag.Rule.MISSING_STATUS).exists()
