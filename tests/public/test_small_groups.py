"""An aggregate on a public page is shown only for a group of at least three facilities, or when
every facility in the group agreed to be shown: a median or a sum over one facility is that
facility's own figure, and naming the sector and technique is enough to identify it."""

from datetime import date
from html import unescape

import pytest

from accounts.permissions import MIN_GROUP_SIZE
from facilities.models import Sector
from reports import kpis
from tests.audits.conftest import make_measure, make_record
from tests.factories import FacilityFactory, StatusFactory

pytestmark = pytest.mark.django_db

M = 1_000_000
DAY = date(2018, 5, 1)


def facility(sector: str, name: str, consent: bool):
    return FacilityFactory(
        name=name, sector=Sector.objects.get(code=sector), public_consent=consent
    )


@pytest.fixture
def groups(db):
    """C10 housekeeping: one facility that did not agree. C22 equipment: three facilities, one
    of which did not agree. C13 technology: two facilities that both agreed."""
    alone = facility("10", "Cơ sở Chế biến Một Mình", consent=False)
    make_measure(alone, "HOUSEKEEPING", investment=111 * M, saving=37 * M, implemented_on=DAY)
    three = [
        facility("22", "Công ty Nhựa Đồng Ý 1", True),
        facility("22", "Công ty Nhựa Đồng Ý 2", True),
        facility("22", "Công ty Nhựa Không Nêu Tên", False),
    ]
    for n, member in enumerate(three, start=1):
        make_measure(
            member, "EQUIPMENT", investment=n * 100 * M, saving=n * 10 * M, implemented_on=DAY
        )
    two = [
        facility("13", "Hợp tác xã Dệt Đồng Ý 1", True),
        facility("13", "Hợp tác xã Dệt Đồng Ý 2", True),
    ]
    for investment, member in zip((40 * M, 60 * M), two, strict=True):
        make_measure(member, "TECHNOLOGY", investment=investment, saving=10 * M, implemented_on=DAY)
    return alone, three, two


def catalogue_text(client) -> str:
    response = client.get("/public/catalogue/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_threshold_is_three():
    assert MIN_GROUP_SIZE == 3


def test_a_group_of_one_facility_that_did_not_agree_is_hidden(client, groups):
    alone = groups[0]
    text = catalogue_text(client)
    assert "C10" not in text and alone.sector.name not in text
    assert "111.000.000" not in text and "37.000.000" not in text
    assert alone.name not in text
    assert "ít hơn 3 cơ sở" in text  # the page says why a group may be missing


def test_a_group_of_three_is_shown_without_the_name_that_was_not_given(client, groups):
    three = groups[1]
    text = catalogue_text(client)
    assert "C22" in text
    # medians of 100, 200, 300 M and of 10, 20, 30 M
    assert "200.000.000" in text and "20.000.000" in text
    assert three[0].name in text and three[1].name in text
    assert three[2].name not in text


def test_a_group_of_two_that_both_agreed_is_shown(client, groups):
    two = groups[2]
    text = catalogue_text(client)
    assert "C13" in text and "50.000.000" in text  # (40 + 60) / 2
    assert all(member.name in text for member in two)


def saver(name: str, consent: bool):
    """A facility applying CP in 2018 that saved 20% of energy per product on 2017."""
    member = FacilityFactory(name=name, public_consent=consent)
    StatusFactory(facility=member, year=2018, stage=3)
    make_record(member, 2017, "100", {"ELEC": "10000"}, baseline=True)
    make_record(member, 2018, "100", {"ELEC": "8000"})
    return member


def energy_saved_shown(client) -> tuple[bool, bool]:
    home = client.get("/public/")
    card = client.get("/public/embed/progress/").content.decode()
    shown = home.context["energy_saved_shown"]
    assert ("energy-withheld" not in home.content.decode()) == shown
    assert (" TOE</dd>" in card) == shown
    return shown, "TOE" in card.split("Năng lượng tiết kiệm", 1)[1].split("</dd>", 1)[0]


def test_the_energy_saved_by_one_facility_that_did_not_agree_is_hidden(client):
    saver("Công ty Tiết Kiệm Một Mình", consent=False)
    assert energy_saved_shown(client) == (False, False)
    toe = kpis.kpis(year=2018).energy_saved_toe
    assert toe > 0
    body = unescape(client.get("/public/").content.decode())
    assert f"{toe:.3f}".replace(".", ",") not in body
    assert "quá ít cơ sở" in body  # and the page says why


def test_the_energy_saved_by_two_that_agreed_or_by_three_is_shown(client):
    saver("Công ty Tiết Kiệm Đồng Ý 1", consent=True)
    saver("Công ty Tiết Kiệm Đồng Ý 2", consent=True)
    assert energy_saved_shown(client) == (True, True)
    saver("Công ty Tiết Kiệm Không Nêu Tên", consent=False)
    assert energy_saved_shown(client) == (True, True)
