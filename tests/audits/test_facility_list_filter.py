"""The facility list's "has energy" filter (facilities/filters.py), for the list's year."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.audits.conftest import make_facility, make_record

pytestmark = pytest.mark.django_db


def test_the_facility_list_filters_on_energy_records(login, staff, facility_a, facility_b,
                                                     commune_a):
    make_record(facility_a, 2018, "10", {"ELEC": "1"})
    make_record(facility_b, 2017, "10", {"ELEC": "1"})
    client = login(staff)

    def names(query):
        return {f.name for f in client.get("/facilities/", query).context["page"].object_list}

    assert names({"year": 2018, "has_energy": "yes"}) == {facility_a.name}
    assert names({"year": 2017, "has_energy": "yes"}) == {facility_b.name}
    assert names({"year": 2018, "has_energy": "no"}) == {facility_b.name}
    assert client.get("/facilities/", {"has_energy": "maybe"}).status_code == 200

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/facilities/", {"year": 2018, "has_energy": "yes"})
        return len(queries)

    few = count()
    for index in range(30):
        facility = make_facility(commune_a, f"05000000{index:02d}")
        make_record(facility, 2018, "10", {"ELEC": "1"})
    assert count() == few
