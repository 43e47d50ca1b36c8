"""Every public page: no login, cacheable, read-only, bounded queries; private things are 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.public.conftest import add_world, public_urls

pytestmark = pytest.mark.django_db


def test_every_page_answers_without_login_and_is_cacheable(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "public" in cache and "max-age=300" in cache, url
        # Nothing per visitor: no cookie set, the page does not vary by cookie.
        assert not response.cookies, url
        assert "cookie" not in response.get("Vary", "").lower(), url


@pytest.mark.parametrize("role", ["staff", "official_a", "leader"])
def test_signed_in_users_get_the_same_public_page(login, cast, world, role):
    client = login(cast[role])
    body = client.get("/public/").content.decode()
    assert "Đăng xuất" not in body and cast[role].get_full_name() not in body
    assert client.get("/public/catalogue/").status_code == 200


def test_pages_are_vietnamese_whatever_the_language_cookie(client, world):
    client.cookies["django_language"] = "en"
    response = client.get("/public/events/")
    assert "Sự kiện đã diễn ra" in response.content.decode()
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize("url", ["/public/", "/public/events/", "/public/news/",
                                 "/public/documents/", "/public/catalogue/",
                                 "/public/embed/progress/", "/public/feed/atom/"])
def test_pages_are_read_only(client, world, url):
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


def test_private_and_unknown_objects_are_404(client, world):
    for url in [f"/public/events/{world.private_event.pk}/",
                f"/public/news/{world.private_article.pk}/",
                # An article is news, not an event, and the other way round.
                f"/public/events/{world.article.pk}/", f"/public/news/{world.event.pk}/",
                f"/public/documents/{world.private_document.pk}/download/",
                "/public/events/999999/", "/public/news/999999/",
                "/public/documents/999999/download/",
                "/public/events/99999999999999999999/", "/public/news/abc/",
                "/public/documents/0/download/", "/public/nothing/"]:
        assert client.get(url).status_code == 404, url


def test_bad_page_numbers_fall_back(client, world):
    for url in ["/public/events/?page=abc", "/public/news/?page=99999",
                "/public/documents/?page=-1", "/public/events/?page=99999999999999999999"]:
        assert client.get(url).status_code == 200, url


def test_download_counts_and_serves_the_file(client, world):
    response = client.get(f"/public/documents/{world.document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert "attachment" in response["Content-Disposition"]
    world.document.refresh_from_db()
    assert world.document.download_count == 1
    client.head(f"/public/documents/{world.document.pk}/download/")
    world.document.refresh_from_db()
    assert world.document.download_count == 1


def test_a_document_whose_file_is_gone_is_404(client, world):
    world.document.file.delete(save=False)
    assert client.get(f"/public/documents/{world.document.pk}/download/").status_code == 404
    world.document.file = ""
    world.document.save()
    assert client.get(f"/public/documents/{world.document.pk}/download/").status_code == 404


def test_lists_show_only_published_things(client, world):
    events = client.get("/public/events/").content.decode()
    assert world.event.title in events and world.upcoming.title in events
    assert world.private_event.title not in events and world.article.title not in events
    news = client.get("/public/news/").content.decode()
    assert world.article.title in news
    assert world.private_article.title not in news and world.event.title not in news
    documents = client.get("/public/documents/").content.decode()
    assert world.document.title in documents
    assert world.private_document.title not in documents
    # The public document belongs to a private campaign, which stays unnamed.
    assert world.private_event.title not in documents


def test_upcoming_events_come_first(client, world):
    body = client.get("/public/events/").content.decode()
    assert body.index(world.upcoming.title) < body.index(world.event.title)
    home = client.get("/public/").content.decode()
    assert world.upcoming.title in home and world.article.title in home


def test_event_page_counts_facilities_and_names_only_those_that_agreed(client, world):
    body = client.get(f"/public/events/{world.event.pk}/").content.decode()
    assert "Hội trường UBND huyện" in body and "Phòng Kinh tế" in body
    assert "Hội nghị tập huấn" in body and ">120<" in body
    assert world.named.name in body and world.hidden.name not in body
    assert "Dòng thứ hai &lt;b&gt;đậm&lt;/b&gt;" in body and "<br>" in body


def test_study_tour_does_not_name_a_host_that_did_not_agree(client, world):
    body = client.get(f"/public/events/{world.tour.pk}/").content.decode()
    assert world.hidden_model.title in body
    assert world.hidden.name not in body


def test_news_text_is_escaped_with_its_paragraphs(client, world):
    body = client.get(f"/public/news/{world.article.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<p>Đoạn hai.</p>" in body


def query_counts(client, urls) -> dict[str, int]:
    """Each page's queries with nothing cached: the progress figures computed (lib/dataversion)."""
    from django.core.cache import cache

    counts = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


LIST_PAGES = ["/public/", "/public/events/", "/public/news/", "/public/documents/",
              "/public/catalogue/", "/public/embed/progress/", "/public/feed/atom/",
              "/public/feed/rss/"]


def test_queries_are_bounded_and_do_not_grow_with_data(client, world,
                                                       django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        client.get("/public/")
    details = [f"/public/events/{world.event.pk}/", f"/public/events/{world.tour.pk}/",
               f"/public/news/{world.article.pk}/",
               f"/public/documents/{world.document.pk}/download/"]
    before = query_counts(client, LIST_PAGES + details)
    assert max(before.values()) <= 15, before
    for n in range(1, 16):
        add_world(n)
    after = query_counts(client, LIST_PAGES + details)
    assert after == before, (before, after)
