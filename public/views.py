"""The public pages: progress, news, events, documents and the technology catalogue, for
anyone, without an account."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt

from accounts.permissions import MIN_GROUP_SIZE
from campaigns import services as campaign_services
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.http import attachment_response
from public import selectors
from public.http import frame_ancestors, public_page, render_public
from reports import charts, kpis

PAGE_SIZE = 20


def progress_now() -> dict:
    """The progress the public pages show, computed once per data version (docs/PERFORMANCE.md):
    the figures, their chart, and whether the energy saved may be shown."""

    def compute() -> dict:
        progress = kpis.overview()
        return {"energy_saved_shown": selectors.energy_saved_shown(progress),
                "trend_chart": charts.trend_chart(progress),
                "progress": kpis.snapshot(progress, ("officers", "figures", "trend"))}

    return dataversion.cached("public-progress", compute, get_language())


@public_page
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render_public("public/home.html", {
        **progress_now(),
        "news": selectors.news()[:3],
        "upcoming": selectors.upcoming_events(today)[:5],
        "recent": selectors.past_events(today)[:3], "nav": "home"})


@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.past_events(today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_public("public/event_list.html", {
        "upcoming": selectors.upcoming_events(today), "page": page, "nav": "events"})


@public_page
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(pk)
    return render_public("public/event_detail.html", {
        "event": event, "participation": selectors.participation(event), "nav": "events"})


@public_page
def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.news(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_public("public/news_list.html", {"page": page, "nav": "news"})


@public_page
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_public("public/news_detail.html", {
        "article": selectors.news_get(pk), "nav": "news"})


@public_page
def document_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.documents(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_public("public/document_list.html", {"page": page, "nav": "documents"})


@public_page
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk)
    response = attachment_response(document.file, document.original_name)
    if request.method == "GET":
        campaign_services.document_count_download(document=document)
    return response


@public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    return render_public("public/catalogue.html", {
        "rows": selectors.catalogue(), "models": selectors.demonstration_models(),
        "min_group": MIN_GROUP_SIZE, "nav": "catalogue"})


@xframe_options_exempt
@public_page
def embed_progress(request: HttpRequest) -> HttpResponse:
    """The headline figures in a card small enough for the district portal to frame."""
    # Links inside the frame resolve against this site, so a relative address is enough.
    progress = progress_now()
    response = render_public("public/embed_progress.html", {
        "figures": progress["progress"].figures,
        "energy_saved_shown": progress["energy_saved_shown"]})
    # The strict policy stays; only who may frame the card widens (django-csp merges it).
    response._csp_replace = {"frame-ancestors": frame_ancestors()}
    return response
