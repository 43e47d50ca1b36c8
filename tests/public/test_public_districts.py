"""The public pages with several districts (issue 16): /public/ is the city's page with its table
of districts, each district has its pages at /public/<its name>/, an item of one district is not
found under another's address, and the addresses of before keep working. With one district
everything stays where it was."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import District, Unit
from campaigns.models import Campaign, DemonstrationModel, Document
from facilities.models import Facility
from melinh_sxsh.lib.text import format_number
from public.selectors import district_slugs
from reports import kpis
from tests.audits.conftest import make_measure, make_record
from tests.factories import FacilityFactory, StatusFactory, second_district
from tests.public.conftest import World, public_urls
from tests.public.test_accessibility import audit

pytestmark = pytest.mark.django_db

K = Campaign.Kind


@dataclass
class Other:
    """What Sóc Sơn, the second district, published."""

    district: District
    facilities: list[Facility]
    article: Campaign
    event: Campaign
    document: Document
    model: DemonstrationModel


def publish_in(district: District, commune, savers: int, n: int = 0) -> Other:
    """`savers` facilities of `district` saving energy, each with a measure, and one of
    everything published."""
    unit = Unit.objects.create(code=f"KT_{district.code}", name="Phòng Kinh tế", district=district)
    facilities = []
    for i in range(savers):
        facility = FacilityFactory(commune=commune, name=f"Công ty Sóc Sơn {n}-{i}",
                                   tax_code=f"03{district.code}{n:02d}{i:03d}")
        StatusFactory(facility=facility, year=2018, stage=3)
        make_record(facility, 2017, "100", {"ELEC": "1000"}, baseline=True)
        make_record(facility, 2018, "100", {"ELEC": "880"})
        make_measure(facility, "EQUIPMENT",
                     investment=50_000_000, saving=20_000_000, implemented_on=date(2018, 4, 1))
        facilities.append(facility)

    def published(kind, title, starts_on, **extra) -> Campaign:
        return Campaign.objects.create(kind=kind, title=title, starts_on=starts_on,
                                       lead_unit=unit, district=district, is_public=True, **extra)

    article = published(K.WEB_ARTICLE, f"Tin bài của {district.name} {n}", date(2018, 12, 1),
                        description="Nội dung.")
    event = published(K.WORKSHOP, f"Hội thảo của {district.name} {n}",
                      timezone.localdate() + timedelta(days=5), place="Hội trường")
    doc = Document(title=f"Sổ tay của {district.name} {n}", kind=Document.Kind.HANDBOOK,
                   is_public=True, district=district, original_name="so-tay.pdf", size=9)
    doc.file.save(f"so-tay-{district.code}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    model = DemonstrationModel.objects.create(
        title=f"Mô hình của {district.name} {n}", host=facilities[0], district=district,
        technology="Biến tần", year=2018, status=DemonstrationModel.Status.APPROVED)
    return Other(district, facilities, article, event, doc, model)


@pytest.fixture
def melinh(world) -> World:
    return world


@pytest.fixture
def soc_son(melinh) -> Other:
    district, commune, _ = second_district("016", "Sóc Sơn")
    return publish_in(district, commune, savers=3)


def body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- One district: nothing moves. ---------------------------------------------------------


def test_with_one_district_the_addresses_are_those_of_before(client, melinh):
    for url in public_urls(melinh):
        assert client.get(url).status_code == 200, url
    home = body(client, "/public/")
    assert "public-districts" not in home and "/public/me-linh/" not in home
    assert "Sở Công Thương" not in home and "public-up" not in home


def test_with_one_district_its_own_address_leads_to_the_one_of_before(client, melinh):
    for asked, there in [("/public/me-linh/", "/public/"), ("/public/250/", "/public/"),
                         (f"/public/me-linh/news/{melinh.article.pk}/",
                          f"/public/news/{melinh.article.pk}/"),
                         ("/public/me-linh/events/?page=2", "/public/events/?page=2")]:
        response = client.get(asked)
        assert response.status_code == 302 and response["Location"] == there, asked
    assert client.get("/public/soc-son/").status_code == 404


# --- Several districts. -------------------------------------------------------------------


def test_the_city_page_lists_every_district_with_the_engines_figures(client, melinh, soc_son):
    page = body(client, "/public/")
    assert "Sở Công Thương Hà Nội" in page
    rows = kpis.overview().district_table
    assert [row.code for row in rows] == ["016", "250"]
    for row, slug in zip(rows, ["soc-son", "me-linh"], strict=True):
        line = re.search(rf'<tr><th scope="row"><a href="/public/{slug}/">[^<]+</a></th>(.*?)</tr>',
                         page, re.S)
        assert line, slug
        cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', line.group(1), re.S)
        figures = row.kpis
        assert cells[:4] == [format_number(figures.active.current),
                             format_number(figures.aware.current),
                             format_number(figures.applying.current),
                             format_number(figures.saving.current)], slug
    # Sóc Sơn's three savers may be summed; of Mê Linh's two, one did not agree to be shown.
    soc_son_row = next(row for row in rows if row.code == "016")
    assert format_number(soc_son_row.kpis.energy_saved_toe, 3) in page
    melinh_line = re.search(r'href="/public/me-linh/".*?</tr>', page, re.S).group(0)
    assert "—" in melinh_line


def test_the_city_figures_are_the_sums_of_the_districts(client, melinh, soc_son):
    response = client.get("/public/")
    city = response.context["progress"].figures
    rows = kpis.overview().district_table
    assert city.active.current == sum(row.kpis.active.current for row in rows)
    assert city.saving.current == sum(row.kpis.saving.current for row in rows)


def test_a_district_page_shows_only_its_own_things_and_figures(client, melinh, soc_son):
    page = body(client, "/public/soc-son/")
    assert soc_son.article.title in page and soc_son.event.title in page
    assert melinh.article.title not in page and melinh.upcoming.title not in page
    assert "Huyện Sóc Sơn" in page and "Mê Linh" not in page
    figures = client.get("/public/soc-son/").context["progress"].figures
    own = kpis.overview(scope=kpis.Scope(district_id=soc_son.district.pk)).figures
    assert figures.as_json() == own.as_json()
    assert figures.active.current == 3
    melinh_figures = client.get("/public/me-linh/").context["progress"].figures
    assert melinh_figures.active.current == 2  # the cache keeps the districts apart

    lists = {url: body(client, url) for url in [
        "/public/soc-son/news/", "/public/soc-son/events/", "/public/soc-son/documents/",
        "/public/soc-son/catalogue/", "/public/soc-son/feed/atom/"]}
    everything = "".join(lists.values())
    for own_item in (soc_son.article.title, soc_son.event.title, soc_son.document.title,
                     soc_son.model.title):
        assert own_item in everything, own_item
    for foreign in (melinh.article.title, melinh.event.title, melinh.upcoming.title,
                    melinh.document.title, melinh.model.title):
        assert foreign not in everything, foreign
    assert f"/public/soc-son/news/{soc_son.article.pk}/" in lists["/public/soc-son/feed/atom/"]


def test_the_catalogue_counts_each_districts_facilities_only(client, melinh, soc_son):
    """Sóc Sơn's three facilities with a measure make a group it may show; Mê Linh's two (one
    that did not agree) do not, alone, and the city counts all five together."""
    def facilities_of(url: str) -> list[int]:
        rows = client.get(url).context["rows"]
        return [row.facilities for row in rows if row.technique.code == "EQUIPMENT"]

    assert facilities_of("/public/soc-son/catalogue/") == [3]
    assert facilities_of("/public/me-linh/catalogue/") == []
    assert facilities_of("/public/catalogue/") == [5]


def test_an_item_under_another_districts_address_is_404(client, melinh, soc_son):
    for url in [f"/public/soc-son/news/{melinh.article.pk}/",
                f"/public/soc-son/events/{melinh.event.pk}/",
                f"/public/soc-son/documents/{melinh.document.pk}/download/",
                f"/public/me-linh/news/{soc_son.article.pk}/",
                f"/public/me-linh/events/{soc_son.event.pk}/",
                f"/public/me-linh/documents/{soc_son.document.pk}/download/",
                "/public/ha-dong/", "/public/999/", "/public/nothing/news/",
                f"/public/soc-son/news/{melinh.private_article.pk}/"]:
        assert client.get(url).status_code == 404, url


def test_the_addresses_of_before_lead_to_the_items_district(client, melinh, soc_son):
    for old, new in [(f"/public/news/{soc_son.article.pk}/",
                      f"/public/soc-son/news/{soc_son.article.pk}/"),
                     (f"/public/events/{melinh.event.pk}/",
                      f"/public/me-linh/events/{melinh.event.pk}/"),
                     (f"/public/documents/{soc_son.document.pk}/download/",
                      f"/public/soc-son/documents/{soc_son.document.pk}/download/"),
                     ("/public/016/news/", "/public/soc-son/news/")]:
        response = client.get(old)
        assert response.status_code == 302 and response["Location"] == new, old
        assert client.get(new).status_code == 200, new
    assert client.get(f"/public/news/{melinh.private_article.pk}/").status_code == 404


def test_the_citys_lists_hold_every_district_and_link_to_their_pages(client, melinh, soc_son):
    news = body(client, "/public/news/")
    assert f'href="/public/soc-son/news/{soc_son.article.pk}/"' in news
    assert f'href="/public/me-linh/news/{melinh.article.pk}/"' in news
    assert "Huyện Sóc Sơn" in news and "Huyện Mê Linh" in news
    feed = body(client, "/public/feed/rss/")
    assert f"/public/me-linh/events/{melinh.event.pk}/" in feed
    assert f"/public/soc-son/news/{soc_son.article.pk}/" in feed


def test_every_district_page_answers_and_is_cacheable(client, melinh, soc_son):
    urls = [url.replace("/public/", "/public/soc-son/", 1) for url in [
        "/public/", "/public/events/", "/public/news/", "/public/documents/",
        "/public/catalogue/", "/public/embed/progress/", "/public/feed/atom/",
        "/public/feed/rss/"]]
    for url in urls + [f"/public/soc-son/events/{soc_son.event.pk}/",
                       f"/public/soc-son/documents/{soc_son.document.pk}/download/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "max-age=300" in response["Cache-Control"] and not response.cookies, url
        assert client.post(url).status_code == 405, url


def test_a_district_with_nothing_yet_has_calm_pages(client, melinh, soc_son):
    District.objects.create(code="017", name="Đông Anh", kind="huyen")
    for url in ["/public/dong-anh/", "/public/dong-anh/news/", "/public/dong-anh/events/",
                "/public/dong-anh/documents/", "/public/dong-anh/catalogue/",
                "/public/dong-anh/embed/progress/", "/public/dong-anh/feed/atom/"]:
        assert client.get(url).status_code == 200, url
    # Đông Anh has no commune, so it is not a district of the year: the city's table leaves it.
    assert "/public/dong-anh/" not in body(client, "/public/")


def test_a_district_without_facilities_is_named_not_a_row(client, melinh, soc_son):
    district, commune, _ = second_district("017", "Đông Anh")
    page = body(client, "/public/")
    assert re.search(r'empty-districts">.*href="/public/dong-anh/"', page)
    assert not re.search(r'<tr><th scope="row"><a href="/public/dong-anh/"', page)


def test_brand_and_title_name_whose_pages_they_are(client, melinh, soc_son):
    city = body(client, "/public/")
    assert re.search(r"<title>[^<]*Hà Nội</title>", city)
    district = body(client, "/public/soc-son/news/")
    assert re.search(r"<title>[^<]*Huyện Sóc Sơn</title>", district)
    assert "huyện Sóc Sơn" in district  # the footer's office
    assert 'href="/public/soc-son/feed/atom/"' in district
    assert 'href="/public/"' in district  # back to the city


def test_the_city_and_district_pages_pass_the_accessibility_audit(client, melinh, soc_son):
    for url in ["/public/", "/public/news/", "/public/events/", "/public/documents/",
                "/public/catalogue/", "/public/embed/progress/", "/public/soc-son/",
                "/public/soc-son/catalogue/", f"/public/soc-son/news/{soc_son.article.pk}/"]:
        assert audit(body(client, url)) == [], url


def test_names_that_would_collide_get_their_code():
    districts = [District(pk=1, code="001", name="Ba Đình"), District(pk=2, code="002",
                 name="Ba Dình"), District(pk=3, code="003", name="News")]
    assert district_slugs(districts) == {1: "ba-dinh-001", 2: "ba-dinh-002", 3: "news-003"}


def city_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/public/").status_code == 200
    return len(queries)


def test_the_city_pages_queries_do_not_grow_with_the_districts(client, melinh, soc_son):
    district, commune, _ = second_district("017", "Đông Anh")
    publish_in(district, commune, savers=1, n=1)
    two_more = city_queries(client)
    for code, name in [("018", "Gia Lâm"), ("020", "Thanh Trì")]:
        district, commune, _ = second_district(code, name)
        publish_in(district, commune, savers=2, n=int(code))
    assert city_queries(client) == two_more


def test_the_city_page_with_two_and_four_districts_asks_as_many_queries(client, melinh):
    district, commune, _ = second_district("016", "Sóc Sơn")
    publish_in(district, commune, savers=1)
    two = city_queries(client)
    for code, name in [("017", "Đông Anh"), ("018", "Gia Lâm")]:
        district, commune, _ = second_district(code, name)
        publish_in(district, commune, savers=1, n=int(code))
    assert len(kpis.overview().district_table) == 4
    assert city_queries(client) == two
