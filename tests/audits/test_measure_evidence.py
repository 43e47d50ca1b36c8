"""An implemented CP measure is evidence for the KPI engine: applying in its year, aware from
its year on (docs/KPI.md, "Facilities counted": aware(y) and applying(y))."""

from datetime import date

import pytest

from reports import kpis
from tests.audits.conftest import make_measure

pytestmark = pytest.mark.django_db


def test_implemented_in_and_by_a_year(facility_a, facility_b, commune_a):
    make_measure(facility_a, implemented_on=date(2017, 12, 31))
    make_measure(facility_a, implemented_on=date(2017, 3, 1))  # twice: counted once
    make_measure(facility_b, implemented_on=date(2018, 1, 1))
    make_measure(facility_b)  # proposed: never counts
    evaluation = kpis.evaluate([2016, 2017, 2018])
    assert evaluation[2017].applying == {facility_a.pk}
    assert evaluation[2018].applying == {facility_b.pk}
    assert evaluation[2016].applying == set()
    assert evaluation[2018].aware == {facility_a.pk, facility_b.pk}
    assert evaluation[2017].aware == {facility_a.pk}
    assert evaluation[2016].aware == set()
