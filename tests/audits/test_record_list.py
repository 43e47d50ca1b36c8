"""/audits/: the energy records the user may see, with filters and pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.audits.conftest import make_facility, make_record, statuses

pytestmark = pytest.mark.django_db

URL = "/audits/"


def test_every_role_reads_the_list(login, cast):
    assert statuses(login, cast, URL) == {
        "anonymous": 302, "outsider": 302, "official_b": 200, "official_a": 200, "unit": 200,
        "leader": 200, "admin": 200, "staff": 200}


def test_commune_officials_see_their_commune_only(login, official_a, leader, facility_a,
                                                  facility_b):
    make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    make_record(facility_b, 2018, "100", {"ELEC": "1000"})
    body = login(official_a).get(URL).content.decode()
    assert facility_a.name in body and facility_b.name not in body
    assert 'name="commune"' not in body
    body = login(leader).get(URL).content.decode()
    assert facility_a.name in body and facility_b.name in body


def test_figures_and_filters(login, staff, facility_a, facility_b, commune_b):
    # 1000 kWh × 0,0001543 = 0,1543 TOE; SEC = 0,1543 × 1000 / 100 = 1,543 -> "1,54"
    make_record(facility_a, 2017, "100", {"ELEC": "1000"}, verified_by=staff,
                verified_at=timezone.now())
    make_record(facility_a, 2018, "100", {"ELEC": "1000"})
    make_record(facility_b, 2018, "100", {"ELEC": "2000"})
    client = login(staff)
    response = client.get(URL)
    assert len(response.context["rows"]) == 3
    assert "0,154" in response.content.decode() and "1,54" in response.content.decode()

    def years(query):
        rows = client.get(URL, query).context["rows"]
        return sorted((row.record.facility.tax_code, row.record.year) for row in rows)

    assert years({"year": "2017"}) == [(facility_a.tax_code, 2017)]
    assert years({"verified": "yes"}) == [(facility_a.tax_code, 2017)]
    assert years({"verified": "no"}) == [(facility_a.tax_code, 2018), (facility_b.tax_code, 2018)]
    assert years({"commune": commune_b.pk}) == [(facility_b.tax_code, 2018)]
    assert years({"q": "nhua"}) == [(facility_b.tax_code, 2018)]


@pytest.mark.parametrize("query", [
    {"year": "abc"}, {"commune": "999999"}, {"verified": "maybe"}, {"page": "x"},
    {"page": "9999"}, {"year": "99999999999999999999"},
])
def test_bad_parameters_do_not_break_the_page(login, staff, query):
    assert login(staff).get(URL, query).status_code == 200


def test_query_count_is_bounded_and_does_not_grow_with_rows(login, staff, commune_a,
                                                            django_assert_max_num_queries):
    client = login(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for index in range(5):
        facility = make_facility(commune_a, f"03000000{index:02d}")
        make_record(facility, 2018, "100", {"ELEC": "1000", "DO": "1"})
    few = count()
    for index in range(5, 40):
        facility = make_facility(commune_a, f"03000000{index:02d}")
        make_record(facility, 2018, "100", {"ELEC": "1000", "DO": "1", "LPG": "1"})
    assert count() == few
    with django_assert_max_num_queries(12):
        client.get(URL)
