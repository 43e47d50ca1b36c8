"""The Atom and RSS feeds of news and events validate and link to the public pages."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


def test_atom_feed_validates_with_its_entries_and_links(client, world):
    response, feed = parsed(client, "/public/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Sản xuất sạch hơn huyện Mê Linh: tin tức và sự kiện"
    assert feed.feed.link == "http://testserver/public/"
    published = Campaign.objects.filter(is_public=True).order_by("-starts_on", "-id")
    assert [entry.title for entry in feed.entries] == [c.title for c in published]
    links = {entry.title: entry.link for entry in feed.entries}
    assert links[world.article.title] == f"http://testserver/public/news/{world.article.pk}/"
    assert links[world.event.title] == f"http://testserver/public/events/{world.event.pk}/"
    assert world.private_event.title not in links and world.private_article.title not in links
    for entry in feed.entries:
        assert client.get(entry.link.removeprefix("http://testserver")).status_code == 200
    # What RFC 4287 requires of every entry, which feedparser does not check.
    root = ET.fromstring(response.content)
    for element in ["id", "title", "updated"]:
        assert root.find(ATOM + element) is not None
    for entry in root.findall(ATOM + "entry"):
        for element in ["id", "title", "updated", "link", "author"]:
            assert entry.find(ATOM + element) is not None, element


def test_entries_are_newest_first_and_their_text_is_escaped(client, world):
    _response, feed = parsed(client, "/public/feed/atom/")
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    article = next(e for e in feed.entries if e.title == world.article.title)
    assert "<script>" not in article.summary
    assert "Đoạn hai." in article.summary
    assert article.tags[0].term == "Tin bài trên cổng thông tin"


def test_rss_feed_validates_too(client, world):
    response, feed = parsed(client, "/public/feed/rss/")
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert {entry.link for entry in feed.entries} >= {
        f"http://testserver/public/news/{world.article.pk}/",
        f"http://testserver/public/events/{world.upcoming.pk}/"}


def test_empty_feed_is_still_valid(client, db):
    _response, feed = parsed(client, "/public/feed/atom/")
    assert not feed.bozo and feed.entries == []


def test_pages_announce_the_feed(client, world):
    body = client.get("/public/").content.decode()
    assert 'type="application/atom+xml" href="/public/feed/atom/"' in body
