"""The city's page of the districts' yearly reports (submitted, returned, late) and returning
a district's report with a reason (docs/KPI.md, "Reports sent to the city")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can
from melinh_sxsh.lib.errors import DomainError
from reports import selectors, services
from reports.views.scope import plan_year


@login_required
@require_GET
def city_submissions(request: HttpRequest) -> HttpResponse:
    year = plan_year(request)
    due, rows = selectors.city_submissions(request.user, year)
    return render(request, "reports/city_submissions.html", {
        "year": year, "due": due, "rows": rows, "counts": selectors.submission_counts(rows),
        "may_return": can(request.user, "report.return"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation, with the reason to give; POST alone returns the report."""
    report = selectors.report_get(request.user, pk, "report.return")
    reason, error = request.POST.get("reason", "").strip()[:2000], None
    if request.method == "POST":
        try:
            services.report_return(user=request.user, report=report, reason=reason)
        except DomainError as exc:
            if exc.field != "reason":
                messages.error(request, exc.message)
                return redirect("reports:report_detail", pk=pk)
            error = exc.message
        else:
            messages.success(request, _("The report was returned to the district."))
            return redirect("reports:report_detail", pk=pk)
    return render(request, "reports/report_confirm_return.html",
                  {"report": report, "reason": reason, "error": error})
