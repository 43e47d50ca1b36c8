"""Selectors the KPI engine uses: facilities with a CP measure implemented in / by a year."""

from datetime import date

import pytest

from audits.selectors import (
    facilities_with_measure_implemented_by,
    facilities_with_measure_implemented_in,
)
from facilities.models import Facility
from tests.audits.conftest import make_measure

pytestmark = pytest.mark.django_db


def test_implemented_in_and_by_a_year(facility_a, facility_b, commune_a):
    make_measure(facility_a, implemented_on=date(2017, 12, 31))
    make_measure(facility_a, implemented_on=date(2017, 3, 1))  # twice: counted once
    make_measure(facility_b, implemented_on=date(2018, 1, 1))
    make_measure(facility_b)  # proposed: never counts
    assert list(facilities_with_measure_implemented_in(2017)) == [facility_a.pk]
    assert list(facilities_with_measure_implemented_in(2018)) == [facility_b.pk]
    assert list(facilities_with_measure_implemented_in(2016)) == []
    assert sorted(facilities_with_measure_implemented_by(2018)) == sorted(
        [facility_a.pk, facility_b.pk])
    assert list(facilities_with_measure_implemented_by(2017)) == [facility_a.pk]
    assert list(facilities_with_measure_implemented_by(2016)) == []
    # usable as a subquery
    assert Facility.objects.filter(pk__in=facilities_with_measure_implemented_by(2017)).count() \
        == 1
