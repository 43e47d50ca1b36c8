"""News and events as Atom and RSS, newest first, each item linking to its public page."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from public import selectors


class NewsAndEventsRss(Feed):
    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return _("Cleaner production in Mê Linh district: news and events")

    def description(self) -> str:
        return _("News and events of the cleaner-production plan of Mê Linh district, Hà Nội.")

    subtitle = description

    def link(self) -> str:
        return reverse("public:home")

    def feed_url(self) -> str:
        return reverse("public:feed_rss")

    def items(self):
        return selectors.feed_items()

    def item_title(self, item: Campaign) -> str:
        return item.title

    def item_description(self, item: Campaign) -> str:
        # The text is plain; readers take the description as HTML.
        return linebreaks(escape(item.description or item.title))

    def item_link(self, item: Campaign) -> str:
        if item.kind == Campaign.Kind.WEB_ARTICLE:
            return reverse("public:news_detail", args=[item.pk])
        return reverse("public:event_detail", args=[item.pk])

    def item_pubdate(self, item: Campaign) -> datetime:
        return timezone.make_aware(datetime.combine(item.starts_on, time(8)))

    def item_updateddate(self, item: Campaign) -> datetime:
        # Atom requires an <updated> per entry; a campaign keeps no time of its last edit.
        return self.item_pubdate(item)

    def item_author_name(self, item: Campaign) -> str:
        return item.lead_unit.name

    def item_categories(self, item: Campaign) -> list[str]:
        return [item.get_kind_display()]


class NewsAndEventsAtom(NewsAndEventsRss):
    feed_type = Atom1Feed

    def feed_url(self) -> str:
        return reverse("public:feed_atom")
