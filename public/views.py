"""The public pages: progress, news, events, documents and the technology catalogue, for
anyone, without an account. With several districts, /public/ is the city's page and each
district has its own pages (public/where.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt

from accounts.permissions import MIN_GROUP_SIZE
from campaigns import services as campaign_services
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.http import attachment_response
from public import feeds, selectors
from public.http import frame_ancestors, public_page, render_public
from public.selectors import PublicDistrict
from public.where import Where, in_its_district, located
from reports import charts, kpis

PAGE_SIZE = 20


def progress_now(where: Where) -> dict:
    """The progress the page shows, computed once per data version and district
    (docs/PERFORMANCE.md): the figures, their chart, and whether the energy saved may be shown;
    the city's, with its table of districts instead of the chart."""

    def compute() -> dict:
        progress = kpis.overview(scope=where.scope)
        shown = selectors.energy_saved_shown(progress)
        if where.is_city:
            return {"energy_saved_shown": shown,
                    "district_energy": selectors.energy_shown_by_district(progress),
                    "progress": kpis.snapshot(progress, ("officers", "figures",
                                                         "district_table"))}
        return {"energy_saved_shown": shown, "trend_chart": charts.trend_chart(progress),
                "progress": kpis.snapshot(progress, ("officers", "figures", "trend"))}

    return dataversion.cached("public-progress", compute, *where.scope.key, where.is_city,
                              get_language(), token=where.token)


@dataclass(frozen=True)
class DistrictLine:
    """A row of the city's table of districts, with the district's address and whether its
    energy saved may be shown."""

    row: kpis.DistrictRow
    district: PublicDistrict
    energy_shown: bool


def district_lines(where: Where, figures: dict) -> tuple[list[DistrictLine], list[DistrictLine]]:
    """The districts with facilities in the portal, and those without any yet (named once,
    not a row of zeros each)."""
    lines = [DistrictLine(row, where.of(row.district_id),
                          figures["district_energy"].get(row.district_id, True))
             for row in figures["progress"].district_table]
    full: list[DistrictLine] = []
    empty: list[DistrictLine] = []
    for line in lines:
        (full if line.row.kpis.active.current or line.row.kpis.active.baseline
         else empty).append(line)
    return full, empty


def render(where: Where, template: str, context: dict[str, Any]) -> HttpResponse:
    return render_public(template, {**context, "where": where, "place": where.place})


@public_page
@located
def home(request: HttpRequest, where: Where) -> HttpResponse:
    today = timezone.localdate()
    figures = progress_now(where)
    context = {**figures, "news": selectors.news(where.district_id)[:3],
               "upcoming": selectors.upcoming_events(today, where.district_id)[:5],
               "recent": selectors.past_events(today, where.district_id)[:3], "nav": "home"}
    if where.is_city:
        context["district_rows"], context["empty_districts"] = district_lines(where, figures)
        return render(where, "public/city.html", context)
    return render(where, "public/home.html", context)


@public_page
@located
def event_list(request: HttpRequest, where: Where) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.past_events(today, where.district_id),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(where, "public/event_list.html", {
        "upcoming": selectors.upcoming_events(today, where.district_id), "page": page,
        "nav": "events"})


@public_page
@located
def event_detail(request: HttpRequest, where: Where, pk: int) -> HttpResponse:
    event = selectors.event_get(pk, where.district_id)
    moved = in_its_district(request, where, "event_detail", event.district_id, pk)
    return moved or render(where, "public/event_detail.html", {
        "event": event, "participation": selectors.participation(event), "nav": "events"})


@public_page
@located
def news_list(request: HttpRequest, where: Where) -> HttpResponse:
    page = Paginator(selectors.news(where.district_id), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(where, "public/news_list.html", {"page": page, "nav": "news"})


@public_page
@located
def news_detail(request: HttpRequest, where: Where, pk: int) -> HttpResponse:
    article = selectors.news_get(pk, where.district_id)
    moved = in_its_district(request, where, "news_detail", article.district_id, pk)
    return moved or render(where, "public/news_detail.html", {"article": article, "nav": "news"})


@public_page
@located
def document_list(request: HttpRequest, where: Where) -> HttpResponse:
    page = Paginator(selectors.documents(where.district_id), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(where, "public/document_list.html", {"page": page, "nav": "documents"})


@public_page
@located
def document_download(request: HttpRequest, where: Where, pk: int) -> HttpResponse:
    document = selectors.document_get(pk, where.district_id)
    moved = in_its_district(request, where, "document_download", document.district_id, pk)
    if moved:
        return moved
    response = attachment_response(document.file, document.original_name)
    if request.method == "GET":
        campaign_services.document_count_download(document=document)
    return response


@public_page
@located
def catalogue(request: HttpRequest, where: Where) -> HttpResponse:
    return render(where, "public/catalogue.html", {
        "rows": selectors.catalogue(where.district_id),
        "models": selectors.demonstration_models(where.district_id),
        "min_group": MIN_GROUP_SIZE, "nav": "catalogue"})


@xframe_options_exempt
@public_page
@located
def embed_progress(request: HttpRequest, where: Where) -> HttpResponse:
    """The headline figures in a card small enough for the district portal to frame."""
    # Links inside the frame resolve against this site, so a relative address is enough.
    progress = progress_now(where)
    response = render(where, "public/embed_progress.html", {
        "figures": progress["progress"].figures,
        "energy_saved_shown": progress["energy_saved_shown"]})
    # The strict policy stays; only who may frame the card widens (django-csp merges it).
    response._csp_replace = {"frame-ancestors": frame_ancestors()}
    return response


@public_page
@located
def feed_atom(request: HttpRequest, where: Where) -> HttpResponse:
    return feeds.NewsAndEventsAtom(where)(request)


@public_page
@located
def feed_rss(request: HttpRequest, where: Where) -> HttpResponse:
    return feeds.NewsAndEventsRss(where)(request)
