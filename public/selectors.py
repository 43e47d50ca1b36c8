"""Reads of the public pages: only what the district chose to publish, and a facility's name
only when the facility agreed to be shown (`Facility.public_consent`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import District
from accounts.permissions import MIN_GROUP_SIZE, may_show_group
from audits import selectors as audits_selectors
from audits.models import CPMeasure
from campaigns.models import Campaign, DemonstrationModel, Document
from facilities.models import Facility
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.sql import ids_subquery
from melinh_sxsh.lib.text import slug, sort_key

ARTICLE = Campaign.Kind.WEB_ARTICLE
# The viewer of every public page, for accounts/permissions: the public, signed in or not.
PUBLIC = None


# The first parts of the public addresses that are pages, not districts (public/urls.py).
RESERVED = frozenset({"events", "news", "documents", "catalogue", "embed", "feed"})


@dataclass(frozen=True)
class PublicDistrict:
    """A district as its public pages name and address it."""

    pk: int
    code: str
    name: str
    # "Huyện Sóc Sơn"
    title: str
    # Its address under /public/: the name without accents ("soc-son").
    slug: str

    @property
    def in_sentence(self) -> str:
        """The title inside a sentence: "huyện Sóc Sơn"."""
        return self.title[:1].lower() + self.title[1:]


def district_slugs(districts: list[District]) -> dict[int, str]:
    """Each district's name as an address; the code is added where two names would give the
    same one or a name would be a page's address."""
    plain = [slug(district.name) or district.code for district in districts]
    return {district.pk: (word if plain.count(word) == 1 and word not in RESERVED
                          else f"{word}-{district.code}")
            for district, word in zip(districts, plain, strict=True)}


def districts(token: str | None = None) -> tuple[PublicDistrict, ...]:
    """Every district in code order, read once per data version (districts are among the
    figures' sources, so a new one moves the version)."""

    def compute() -> tuple[PublicDistrict, ...]:
        rows = list(District.objects.order_by("code"))
        slugs = district_slugs(rows)
        return tuple(PublicDistrict(d.pk, d.code, d.name, str(d), slugs[d.pk]) for d in rows)

    return dataversion.cached("public-districts", compute, token=token)


def published(district_id: int | None = None) -> QuerySet[Campaign]:
    """What the districts published; a district's own only when `district_id` is given."""
    campaigns = Campaign.objects.filter(is_public=True).select_related("lead_unit", "district")
    return campaigns if district_id is None else campaigns.filter(district_id=district_id)


def news(district_id: int | None = None) -> QuerySet[Campaign]:
    """Web articles the district published, newest first."""
    return published(district_id).filter(kind=ARTICLE).order_by("-starts_on", "-id")


def events(district_id: int | None = None) -> QuerySet[Campaign]:
    """Every published campaign that is not a web article: conferences, tours, broadcasts."""
    return published(district_id).exclude(kind=ARTICLE)


def _still_on(today: date) -> Q:
    return Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)


def upcoming_events(today: date, district_id: int | None = None) -> QuerySet[Campaign]:
    """Events that have not ended yet, soonest first."""
    return events(district_id).filter(_still_on(today)).order_by("starts_on", "id")


def past_events(today: date, district_id: int | None = None) -> QuerySet[Campaign]:
    return events(district_id).exclude(_still_on(today)).order_by("-starts_on", "-id")


def feed_items(limit: int = 30, district_id: int | None = None) -> QuerySet[Campaign]:
    """News and events together, newest first, for the Atom and RSS feeds."""
    return published(district_id).order_by("-starts_on", "-id")[:limit]


def news_get(pk: int, district_id: int | None = None) -> Campaign:
    """An article; under a district's address, only one of that district's (else 404)."""
    return get_object_or_404(news(district_id), pk=pk)


def event_get(pk: int, district_id: int | None = None) -> Campaign:
    return get_object_or_404(events(district_id).select_related("visited_model__host"), pk=pk)


@dataclass(frozen=True)
class Participation:
    """How many facilities took part in a published event, and the names of those that
    agreed to be shown; the others are only counted."""

    facilities: int
    named: list[str]


def participation(campaign: Campaign) -> Participation:
    """Two queries."""
    attendances = campaign.attendances.all()
    named = (attendances.filter(facility__public_consent=True)
             .order_by("facility__name_sort").values_list("facility__name", flat=True))
    return Participation(attendances.count(), list(named))


def documents(district_id: int | None = None) -> QuerySet[Document]:
    found = Document.objects.filter(is_public=True).select_related("campaign", "district")
    if district_id is not None:
        found = found.filter(district_id=district_id)
    return found.order_by("-created_at", "-id")


def document_get(pk: int, district_id: int | None = None) -> Document:
    return get_object_or_404(documents(district_id), pk=pk)


def catalogue(district_id: int | None = None) -> list[audits_selectors.CatalogueRow]:
    """The staff catalogue's figures (implemented measures by sector and technique, facility
    counts, medians), with the names of the facilities that agreed to be shown. A group of
    fewer than MIN_GROUP_SIZE facilities is shown only when all of them agreed: its medians
    would be one facility's own figures (accounts/permissions.may_show_group). A district's
    (`district_id`) counts and names only its own facilities. Two queries."""
    rows = audits_selectors.catalogue(PUBLIC, district_id=district_id)
    named: dict[tuple[int | None, int], set[str]] = defaultdict(set)
    consenting = CPMeasure.objects.filter(status=CPMeasure.Status.IMPLEMENTED,
                                          facility__public_consent=True)
    if district_id is not None:
        consenting = consenting.filter(facility__commune__district_id=district_id)
    for sector_id, technique_id, name in consenting.values_list(
            "facility__sector_id", "technique_id", "facility__name"):
        named[(sector_id, technique_id)].add(name)
    for row in rows:
        key = (row.sector.pk if row.sector else None, row.technique.pk)
        row.facility_names = sorted(named.get(key, ()), key=sort_key)
    return rows


# A proposal is not yet the district's decision: models are shown once approved.
SHOWN_MODEL_STATUSES = [status for status in DemonstrationModel.ORDER
                        if status != DemonstrationModel.Status.PROPOSED]


def demonstration_models(district_id: int | None = None) -> QuerySet[DemonstrationModel]:
    """Models from their approval on; the template names the host only with its consent."""
    models = DemonstrationModel.objects.filter(status__in=SHOWN_MODEL_STATUSES)
    if district_id is not None:
        models = models.filter(district_id=district_id)
    return models.select_related("host__sector", "district").order_by("-year", "title")


def energy_saved_shown(progress) -> bool:
    """The energy saved is a sum over the saving facilities of an overview: shown only when
    they are many enough or all agreed to be shown (accounts/permissions.may_show_group)."""
    saving = progress.evaluation[progress.year].saving
    savers = Facility.objects.filter(pk__in=ids_subquery(saving, connection.vendor))
    return may_show_group(PUBLIC, savers)


def energy_shown_by_district(progress) -> dict[int, bool]:
    """Whether each district's energy saved may be shown (the rule of `energy_saved_shown`),
    from the city's overview: a district with MIN_GROUP_SIZE savers or more needs no query, the
    facilities of the smaller groups are read in one query, whatever the number of districts."""
    saving = progress.evaluation[progress.year].saving
    groups = {district_id: ids & saving
              for district_id, ids in progress.evaluation.ids_by_district().items()}
    small = set().union(*(ids for ids in groups.values() if len(ids) < MIN_GROUP_SIZE))
    facilities = Facility.objects.in_bulk(small) if small else {}
    return {district_id: len(ids) >= MIN_GROUP_SIZE
            or may_show_group(PUBLIC, [facilities[pk] for pk in ids])
            for district_id, ids in groups.items()}
