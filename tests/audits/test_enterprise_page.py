"""What an enterprise gets back on its own page: its saving against the plan's band, where it
stands among the facilities of its sector (a quartile, only for a group of at least five, never
another facility's name or figure), its CP measures, the campaigns it attended and the
technology catalogue; in a bounded number of queries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from audits import energy
from audits.standing import MIN_SECTOR_GROUP
from campaigns.models import Attendance, Campaign
from facilities.models import Sector
from reports.models import Plan, Target
from tests.audits.conftest import make_facility, make_measure, make_record
from tests.factories import district_create, second_district

pytestmark = pytest.mark.django_db

# Others' savings in 2018, in %: distinct figures that must never appear on the page.
OTHERS = [31, 23, 4, 2, 47]
OTHER_OUTPUT = "777"


@pytest.fixture
def own(enterprise, facility_a):
    """Saves 3 % in 2017 (below the band), 10 % in 2018 (within, verified), 20 % in 2019
    (above), against its 2016 baseline."""
    facility_a.accounts.add(enterprise)
    make_record(facility_a, 2016, "100", {"ELEC": "100000"}, baseline=True)
    make_record(facility_a, 2017, "100", {"ELEC": "97000"})
    make_record(facility_a, 2018, "100", {"ELEC": "90000"}, verified_at=timezone.now())
    make_record(facility_a, 2019, "100", {"ELEC": "80000"})
    return facility_a


def others_of_sector(commune, count: int, *, verified: bool = True, series: int = 0) -> list:
    """`count` facilities of sector 25 saving OTHERS[n] % in 2018 against 2016."""
    made = []
    for n, saving in enumerate(OTHERS[:count]):
        facility = make_facility(commune, f"0107770{series}{n:02d}",
                                 f"Đối thủ cạnh tranh số {series}{n}",
                                 sector=Sector.objects.get(code="25"))
        base = Decimal(OTHER_OUTPUT) * 1000
        make_record(facility, 2016, OTHER_OUTPUT, {"ELEC": str(base)}, baseline=True)
        make_record(facility, 2018, OTHER_OUTPUT, {"ELEC": str(base * (100 - saving) / 100)},
                    verified_at=timezone.now() if verified else None)
        made.append(facility)
    return made


def page_of(login, enterprise) -> str:
    return login(enterprise).get(reverse("audits:enterprise")).content.decode()


def test_the_saving_of_each_year_against_the_plans_band(login, enterprise, own, staff):
    page = page_of(login, enterprise)
    verdicts = dict(re.findall(r"<strong>(\d{4})</strong>.*?data-band=\"(\w+)\"", page, re.S))
    assert verdicts == {"2017": "below", "2018": "within", "2019": "above"}
    assert "tiết kiệm 10,0% so với năm 2016" in page and "khoảng 8–13%" in page
    # The year's plan sets another band: 20 % is within 15–25 % (the engine's band, not 8–13).
    plan = district_create(Plan, code="12/KH-UBND", title="Kế hoạch 2019", year=2019,
                           baseline_year=2018, signed_on=date(2019, 1, 2))
    Target.objects.create(plan=plan, indicator="saving", mode="relative", value=10,
                          band_low=Decimal("15"), band_high=Decimal("25.5"))
    page = page_of(login, enterprise)
    verdicts = dict(re.findall(r"<strong>(\d{4})</strong>.*?data-band=\"(\w+)\"", page, re.S))
    assert verdicts == {"2017": "below", "2018": "within", "2019": "within"}
    assert "khoảng 15,0–25,5% (12/KH-UBND)" in page


def test_a_sector_of_four_shows_no_quartile(login, enterprise, own, commune_a, commune_b):
    others_of_sector(commune_a, 3)
    others_of_sector(commune_b, 2, verified=False, series=1)  # not verified: not counted
    assert MIN_SECTOR_GROUP == 5
    page = page_of(login, enterprise)
    assert "sector-standing" not in page and "data-quartile" not in page
    assert "Sẽ hiển thị khi" in page


@pytest.mark.parametrize(("others", "quartile"), [(4, 2), (5, 3)])
def test_a_sector_of_five_or_more_shows_the_quartile_and_nothing_of_the_others(
    login, enterprise, own, commune_a, others, quartile
):
    made = others_of_sector(commune_a, others)
    # Another sector's facility saving little does not count.
    stranger = make_facility(commune_a, "0107779999", "Cơ sở ngành khác",
                             sector=Sector.objects.get(code="22"))
    make_record(stranger, 2016, "100", {"ELEC": "1000"}, baseline=True)
    make_record(stranger, 2018, "100", {"ELEC": "999"}, verified_at=timezone.now())
    page = page_of(login, enterprise)
    assert f'data-quartile="{quartile}"' in page
    assert f"trong {others + 1} cơ sở cùng ngành" in page
    text = re.sub(r"<[^>]+>", " ", page)
    for facility in [*made, stranger]:
        assert facility.name not in page and facility.tax_code not in page
    for saving in OTHERS[:others]:
        assert f"{saving},0%" not in text and f"{saving}%" not in text
    assert OTHER_OUTPUT not in text  # nor their output, nor anything derived from it


def savers_of_sector(commune, savings: list[int], series: int) -> list:
    """Facilities of sector 25 in `commune` saving these % in 2018 against 2016, verified."""
    made = []
    for n, saving in enumerate(savings):
        facility = make_facility(commune, f"0108880{series}{n:02d}", f"Cơ sở huyện bạn {series}{n}",
                                 sector=Sector.objects.get(code="25"))
        make_record(facility, 2016, "100", {"ELEC": "100000"}, baseline=True)
        make_record(facility, 2018, "100", {"ELEC": str(1000 * (100 - saving))},
                    verified_at=timezone.now())
        made.append(facility)
    return made


def test_the_quartile_compares_with_the_facilitys_own_district_only(
    login, enterprise, own, commune_a
):
    others_of_sector(commune_a, 4)  # Mê Linh: 31, 23, 4, 2 % and its own 10 %: 2nd quarter
    _district, commune, _namesake = second_district()
    # Sóc Sơn's five all save more: across the city it would be 8th of 10, the 3rd quarter.
    savers_of_sector(commune, [47, 40, 35, 30, 25], series=5)
    page = page_of(login, enterprise)
    assert 'data-quartile="2"' in page
    assert "trong 5 cơ sở cùng ngành" in page


def test_a_district_group_too_small_shows_no_quartile_whatever_the_city_has(
    login, enterprise, own, commune_a
):
    others_of_sector(commune_a, 3)  # four in Mê Linh, under MIN_SECTOR_GROUP
    _district, commune, _namesake = second_district()
    savers_of_sector(commune, [47, 40, 35, 30, 25], series=5)
    page = page_of(login, enterprise)
    assert "data-quartile" not in page and "Sẽ hiển thị khi" in page


def test_the_quartile_rule():
    ratios = [Decimal(n) for n in (31, 23, 10, 4, 2)]
    assert [energy.quartile(r, ratios) for r in ratios] == [1, 1, 2, 3, 4]
    tied = [Decimal(10)] * 5
    assert {energy.quartile(r, tied) for r in tied} == {1}


def test_its_measures_campaigns_and_the_catalogue(login, enterprise, own, facility_b):
    make_measure(own, description="Thay đèn LED nhà xưởng", investment=5_000_000,
                 saving=2_000_000, implemented_on=date(2018, 5, 1))
    make_measure(facility_b, description="Giải pháp của cơ sở khác")
    unit = Unit.objects.get(code="KINH_TE")
    attended = district_create(Campaign, kind="workshop", title="Hội thảo tiết kiệm năng lượng",
                               lead_unit=unit, starts_on=date(2018, 8, 22))
    missed = district_create(Campaign, kind="workshop", title="Tập huấn cơ sở khác",
                             lead_unit=unit, starts_on=date(2018, 9, 1))
    Attendance.objects.create(campaign=attended, facility=own, people=3)
    Attendance.objects.create(campaign=missed, facility=facility_b)
    page = page_of(login, enterprise)
    assert "Thay đèn LED nhà xưởng" in page and "Giải pháp của cơ sở khác" not in page
    assert "Hội thảo tiết kiệm năng lượng" in page and "3 người tham dự" in page
    assert "Tập huấn cơ sở khác" not in page
    # Campaign pages are the district's: listed, not linked.
    assert reverse("campaigns:detail", args=[attended.pk]) not in page
    assert f'href="{reverse("audits:catalogue")}"' in page
    catalogue = login(enterprise).get(reverse("audits:catalogue"))
    assert catalogue.status_code == 200
    # No tab to the district's energy pages, and no facility named.
    body = catalogue.content.decode()
    assert f'href="{reverse("audits:index")}"' not in body
    assert facility_b.name not in body and own.name not in body


def test_its_page_reads_in_a_fixed_number_of_queries(
    login, enterprise, own, commune_a, django_assert_max_num_queries
):
    others = others_of_sector(commune_a, 4)
    client = login(enterprise)
    url = reverse("audits:enterprise")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # Four more facilities represented, each with records of several years and a measure:
    # not one query more.
    for facility in others:
        facility.accounts.add(enterprise)
        make_measure(facility, implemented_on=date(2018, 1, 2))
        make_record(facility, 2019, OTHER_OUTPUT, {"ELEC": "1"})
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.content.decode().count("sector-standing") == 5
    assert len(five) == len(one), [q["sql"] for q in five]
    with django_assert_max_num_queries(30):
        client.get(url)
