"""News and events as Atom and RSS, newest first, each item linking to its public page."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from public import selectors
from public.where import Where


class NewsAndEventsRss(Feed):
    """One instance per request: its `where` says whose news (a district's, or the city's:
    every district's, each item linking to its district's page)."""

    feed_type = Rss201rev2Feed
    feed_name = "feed_rss"

    def __init__(self, where: Where) -> None:
        self.where = where

    def title(self) -> str:
        if not self.where.several:
            return _("Cleaner production in Mê Linh district: news and events")
        return _("%(place)s: news and events") % {"place": self.where.place.heading}

    def description(self) -> str:
        if not self.where.several:
            return _("News and events of the cleaner-production plan of Mê Linh district, "
                     "Hà Nội.")
        return self.where.place.description

    subtitle = description

    def link(self) -> str:
        return self.where.url("home")

    def feed_url(self) -> str:
        return self.where.url(self.feed_name)

    def items(self):
        return selectors.feed_items(district_id=self.where.district_id)

    def item_title(self, item: Campaign) -> str:
        return item.title

    def item_description(self, item: Campaign) -> str:
        # The text is plain; readers take the description as HTML.
        return linebreaks(escape(item.description or item.title))

    def item_link(self, item: Campaign) -> str:
        name = "news_detail" if item.kind == Campaign.Kind.WEB_ARTICLE else "event_detail"
        return self.where.url(name, item.pk, district_id=item.district_id)

    def item_pubdate(self, item: Campaign) -> datetime:
        return timezone.make_aware(datetime.combine(item.starts_on, time(8)))

    def item_updateddate(self, item: Campaign) -> datetime:
        # Atom requires an <updated> per entry; a campaign keeps no time of its last edit.
        return self.item_pubdate(item)

    def item_author_name(self, item: Campaign) -> str:
        if self.where.is_city:
            # Every district has its Economic Department: say whose.
            return f"{item.lead_unit.name} – {item.district}"
        return item.lead_unit.name

    def item_categories(self, item: Campaign) -> list[str]:
        return [item.get_kind_display()]


class NewsAndEventsAtom(NewsAndEventsRss):
    feed_type = Atom1Feed
    feed_name = "feed_atom"
