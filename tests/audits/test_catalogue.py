"""/audits/catalogue/: implemented measures by sector and technique, with known answers."""

from datetime import date
from decimal import Decimal

import pytest

from audits.selectors import catalogue, median
from tests.audits.conftest import make_facility, make_measure, statuses

pytestmark = pytest.mark.django_db

URL = "/audits/catalogue/"
M = 1_000_000
DAY = date(2018, 6, 1)


@pytest.fixture
def measures(commune_a, facility_a, facility_b):
    second = make_facility(commune_a, "0100000003", "Công ty Cơ khí C", sector=facility_a.sector)
    no_sector = make_facility(commune_a, "0100000004", "Hộ kinh doanh D")
    # C25 good housekeeping: investments 100, 300, 200, 50 M; savings 50, 100, 0, 25 M
    make_measure(facility_a, "HOUSEKEEPING", investment=100 * M, saving=50 * M,
                 implemented_on=DAY)  # payback 2
    make_measure(facility_a, "HOUSEKEEPING", investment=300 * M, saving=100 * M,
                 implemented_on=DAY)  # payback 3
    make_measure(facility_a, "HOUSEKEEPING", investment=200 * M, saving=0,
                 implemented_on=DAY)  # no saving: no payback
    make_measure(second, "HOUSEKEEPING", investment=50 * M, saving=25 * M,
                 implemented_on=DAY)  # payback 2
    # C22 technology change: one measure; a proposed one does not count
    make_measure(facility_b, "TECHNOLOGY", investment=800 * M, saving=200 * M,
                 implemented_on=DAY)  # payback 4
    make_measure(facility_b, "TECHNOLOGY", investment=1 * M, saving=1 * M)
    make_measure(no_sector, "EQUIPMENT", investment=60 * M, saving=40 * M,
                 implemented_on=DAY)  # payback 1,5
    return facility_a, second, facility_b


def test_median():
    assert median([]) is None
    assert median([3, 1, 2]) == 2
    assert median([50, 300, 100, 200]) == 150  # (100 + 200) / 2
    assert median([0, 25, 50, 100]) == Decimal("37.5")


def test_known_answers(measures, staff):
    facility_a, second, facility_b = measures
    rows = catalogue(staff, with_names=True)
    table = [(row.sector.code if row.sector else None, row.technique.code, row.facilities,
              row.measures, row.median_investment, row.median_saving, row.median_payback)
             for row in rows]
    assert table == [
        # sorted: 50, 100, 200, 300 M -> (100 + 200) / 2 = 150 M
        # sorted: 0, 25, 50, 100 M -> (25 + 50) / 2 = 37,5 M; paybacks 2, 2, 3 -> 2
        ("22", "TECHNOLOGY", 1, 1, 800 * M, 200 * M, 4),
        ("25", "HOUSEKEEPING", 2, 4, 150 * M, Decimal("37.5") * M, 2),
        (None, "EQUIPMENT", 1, 1, 60 * M, 40 * M, Decimal("1.5")),
    ]
    assert rows[1].facility_names == sorted([facility_a.name, second.name])
    assert catalogue(staff)[1].facility_names == []


def groups(rows) -> list[tuple]:
    return [(row.sector.code if row.sector else None, row.technique.code) for row in rows]


def test_a_small_group_is_shown_to_a_commune_official_only_when_it_is_all_theirs(
        measures, cast):
    """Fewer than 3 facilities: the medians are nearly one facility's figures."""
    everything = [("22", "TECHNOLOGY"), ("25", "HOUSEKEEPING"), (None, "EQUIPMENT")]
    for name in ("staff", "leader", "unit", "admin"):
        assert groups(catalogue(cast[name])) == everything, name
    # C25 and the sector-less group are commune A's; C22 is commune B's.
    assert groups(catalogue(cast["official_a"])) == [("25", "HOUSEKEEPING"),
                                                     (None, "EQUIPMENT")]
    assert groups(catalogue(cast["official_b"])) == [("22", "TECHNOLOGY")]


def test_three_facilities_make_a_group_anyone_may_see(measures, cast, commune_b):
    facility_a = measures[0]
    third = make_facility(commune_b, "0100000005", "Công ty Cơ khí E", sector=facility_a.sector)
    make_measure(third, "HOUSEKEEPING", investment=10 * M, saving=5 * M, implemented_on=DAY)
    assert ("25", "HOUSEKEEPING") in groups(catalogue(cast["official_b"]))
    assert ("25", "HOUSEKEEPING") in groups(catalogue(None))  # the public


def test_the_page_runs_a_bounded_number_of_queries(login, staff, measures,
                                                   django_assert_max_num_queries):
    client = login(staff)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200


def test_the_page_shows_names_to_staff_only(login, cast, measures):
    facility_a = measures[0]
    assert statuses(login, cast, URL) == {
        "anonymous": 302, "outsider": 302, "official_b": 200, "official_a": 200, "unit": 200,
        "leader": 200, "admin": 200, "staff": 200}
    staff_page = login(cast["staff"]).get(URL).content.decode()
    assert facility_a.name in staff_page
    assert "150.000.000" in staff_page and "37.500.000" in staff_page
    for name in ("leader", "official_a", "unit"):
        page = login(cast[name]).get(URL).content.decode()
        assert facility_a.name not in page and "150.000.000" in page, name
    # Commune A's two facilities are too few to show their medians in commune B.
    page = login(cast["official_b"]).get(URL).content.decode()
    assert facility_a.name not in page and "150.000.000" not in page
    assert "800.000.000" in page
