"""Whose portal a page says it is (the bar, the title, the footer): with one district it is Mê
Linh's, word for word as before districts; with several, a district's people see their
district's and the city's officers the city's (accounts/context_processors.place)."""

import pytest

from accounts.models import Commune, District, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MELINH_FOOTER = "Phòng Kinh tế, UBND huyện Mê Linh · Kế hoạch 108/KH-UBND"


def brand_title_footer(client, user) -> tuple[str, str, str]:
    client.force_login(user)
    response = client.get("/accounts/password/")
    assert response.status_code == 200
    place = response.context["place"]
    return place.name, response.content.decode(), place.office


def test_one_district_is_me_linh_word_for_word(client, staff):
    city = make_user("soct", Role.CITY)
    for user in (staff, city):
        name, page, _office = brand_title_footer(client, user)
        assert name == "Mê Linh"
        assert MELINH_FOOTER in page and "· Huyện Mê Linh</title>" in page


def test_with_several_each_district_is_its_own_and_the_city_is_hanoi(client, staff):
    other = District.objects.create(code="016", name="Sóc Sơn")
    Commune.objects.create(code="00376", name="Phù Linh", district=other)
    theirs = make_user("canbo.socson", Role.STAFF, district=other)
    name, page, office = brand_title_footer(client, theirs)
    assert (name, office) == ("Sóc Sơn", "Phòng Kinh tế, UBND huyện Sóc Sơn")
    assert "· Huyện Sóc Sơn</title>" in page and "108/KH-UBND" not in page
    assert "Cổng thông tin sản xuất sạch hơn của huyện Sóc Sơn:" in page
    assert brand_title_footer(client, staff)[0] == "Mê Linh"
    name, page, office = brand_title_footer(client, make_user("soct", Role.CITY))
    assert (name, office) == ("Hà Nội", "Sở Công Thương Hà Nội")
