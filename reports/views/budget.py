"""The district's budget of a year by source, and the funding lines each sum adds up."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import check, held_district_id
from campaigns import selectors as campaign_selectors
from reports import kpis
from reports.views.scope import plan_year


@login_required
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    check(request.user, "budget.view")
    year = plan_year(request)
    funding = kpis.funding_by_source(year, held_district_id(request.user))
    # Each source opens the list of its lines: the rows its sums add up.
    rows = [
        (
            row,
            reverse("reports:budget_lines")
            + "?"
            + urlencode({"year": year, "source": row.source_code}),
        )
        for row in funding.rows
    ]
    return render(request, "reports/budget.html", {"funding": funding, "rows": rows, "year": year})


@login_required
@require_GET
def budget_lines(request: HttpRequest) -> HttpResponse:
    check(request.user, "budget.view")
    year = plan_year(request)
    source = campaign_selectors.funding_source_get(request.GET.get("source", "")[:20])
    lines = campaign_selectors.funding_lines(year=year, source=source.code, user=request.user)
    return render(
        request,
        "reports/budget_lines.html",
        {
            "page": Paginator(lines, 50).get_page(request.GET.get("page")),
            "year": year,
            "source": source,
            "budget_url": reverse("reports:budget") + "?" + urlencode({"year": year}),
        },
    )
