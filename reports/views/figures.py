"""The lists behind the dashboard's numbers: the facilities a figure counts, the officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import check
from facilities import selectors as facility_selectors
from reports import kpis
from reports.views.scope import plan_year, scope_from

TITLES = {
    "active": _("Facilities operating"),
    "aware": _("Facilities aware of cleaner production"),
    "applying": _("Facilities applying cleaner production"),
    "saving": _("Facilities applying CP and saving at least the band's lower bound"),
    "in_band": _("Facilities saving within the band"),
    "above_band": _("Facilities saving more than the band"),
    "data_asked": _("Facilities asked for their energy data of the year"),
    "data_accepted": _("Facilities whose energy data was provided and accepted"),
}


@login_required
@require_GET
def figure_list(request: HttpRequest, figure: str) -> HttpResponse:
    """The facilities a number of the dashboard counts; its length is the number."""
    check(request.user, "dashboard.view")
    if figure not in TITLES:
        raise Http404
    scope = scope_from(request)
    year = plan_year(request, "of", scope.year)
    listed = kpis.cached_members_of(figure, year=scope.year, of=year, scope=scope.kpi_scope(),
                                    baseline=request.GET.get("base") == "1")
    page = Paginator(listed.ids, 50).get_page(request.GET.get("page"))
    facilities = facility_selectors.facilities_in_order(request.user, list(page.object_list))
    return render(
        request,
        "reports/figure_list.html",
        {
            "scope": scope,
            "figure": figure,
            "year": year,
            "page": page,
            "rows": [(facility, listed.ratio.get(facility.pk)) for facility in facilities],
            "count": len(listed.ids),
            "title": TITLES[figure],
            "show_ratio": figure in ("saving", "in_band", "above_band"),
        },
    )


@login_required
@require_GET
def officers(request: HttpRequest) -> HttpResponse:
    """The state officers in charge of cleaner production that target 3 counts: the district's
    (every district's for the city)."""
    check(request.user, "dashboard.view")
    people = kpis.officers_list(scope_from(request).district_id)
    return render(request, "reports/officers.html", {"people": people, "count": len(people)})
