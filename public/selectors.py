"""Reads of the public pages: only what the district chose to publish, and a facility's name
only when the facility agreed to be shown (`Facility.public_consent`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import may_show_group
from audits import selectors as audits_selectors
from audits.models import CPMeasure
from campaigns.models import Campaign, DemonstrationModel, Document
from facilities.models import Facility
from melinh_sxsh.lib.sql import ids_subquery
from melinh_sxsh.lib.text import sort_key

ARTICLE = Campaign.Kind.WEB_ARTICLE
# The viewer of every public page, for accounts/permissions: the public, signed in or not.
PUBLIC = None


def published() -> QuerySet[Campaign]:
    return Campaign.objects.filter(is_public=True).select_related("lead_unit")


def news() -> QuerySet[Campaign]:
    """Web articles the district published, newest first."""
    return published().filter(kind=ARTICLE).order_by("-starts_on", "-id")


def events() -> QuerySet[Campaign]:
    """Every published campaign that is not a web article: conferences, tours, broadcasts."""
    return published().exclude(kind=ARTICLE)


def _still_on(today: date) -> Q:
    return Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)


def upcoming_events(today: date) -> QuerySet[Campaign]:
    """Events that have not ended yet, soonest first."""
    return events().filter(_still_on(today)).order_by("starts_on", "id")


def past_events(today: date) -> QuerySet[Campaign]:
    return events().exclude(_still_on(today)).order_by("-starts_on", "-id")


def feed_items(limit: int = 30) -> QuerySet[Campaign]:
    """News and events together, newest first, for the Atom and RSS feeds."""
    return published().order_by("-starts_on", "-id")[:limit]


def news_get(pk: int) -> Campaign:
    return get_object_or_404(news(), pk=pk)


def event_get(pk: int) -> Campaign:
    return get_object_or_404(events().select_related("visited_model__host"), pk=pk)


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


def documents() -> QuerySet[Document]:
    return Document.objects.filter(is_public=True).select_related("campaign").order_by(
        "-created_at", "-id")


def document_get(pk: int) -> Document:
    return get_object_or_404(documents(), pk=pk)


def catalogue() -> list[audits_selectors.CatalogueRow]:
    """The staff catalogue's figures (implemented measures by sector and technique, facility
    counts, medians), with the names of the facilities that agreed to be shown. A group of
    fewer than MIN_GROUP_SIZE facilities is shown only when all of them agreed: its medians
    would be one facility's own figures (accounts/permissions.may_show_group). Two queries."""
    rows = audits_selectors.catalogue(PUBLIC)
    named: dict[tuple[int | None, int], set[str]] = defaultdict(set)
    consenting = CPMeasure.objects.filter(status=CPMeasure.Status.IMPLEMENTED,
                                          facility__public_consent=True)
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


def demonstration_models() -> QuerySet[DemonstrationModel]:
    """Models from their approval on; the template names the host only with its consent."""
    return (DemonstrationModel.objects.filter(status__in=SHOWN_MODEL_STATUSES)
            .select_related("host__sector").order_by("-year", "title"))


def energy_saved_shown(progress) -> bool:
    """The energy saved is a sum over the saving facilities of an overview: shown only when
    they are many enough or all agreed to be shown (accounts/permissions.may_show_group)."""
    saving = progress.evaluation[progress.year].saving
    savers = Facility.objects.filter(pk__in=ids_subquery(saving, connection.vendor))
    return may_show_group(PUBLIC, savers)
