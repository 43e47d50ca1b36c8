"""The city's page of the districts' yearly reports (submitted, returned, late), returning a
district's report with a reason (docs/KPI.md, "Reports sent to the city"), and asking for the
city's own report (docs/KPI.md, "The city report")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check
from melinh_sxsh.lib.errors import DomainError
from reports import selectors, services
from reports.forms import CityReportForm
from reports.views.scope import plan_year


def _city_page(request: HttpRequest, year: int, form: CityReportForm | None) -> HttpResponse:
    due, rows = selectors.city_submissions(request.user, year)
    may_build = can(request.user, "cityreport.create")
    if may_build and form is None:
        form = CityReportForm(initial={"year": year, "format": "pdf", **selectors.last_signature(
            request.user, city=True)})
    return render(request, "reports/city_submissions.html", {
        "year": year, "due": due, "rows": rows, "counts": selectors.submission_counts(rows),
        "may_return": can(request.user, "report.return"), "form": form if may_build else None,
        "city_reports": selectors.city_reports(request.user, year)[:5],
    })


@login_required
@require_GET
def city_submissions(request: HttpRequest) -> HttpResponse:
    return _city_page(request, plan_year(request), None)


@login_required
@require_POST
def city_report_request(request: HttpRequest) -> HttpResponse:
    """Ask for the city's report; its page then shows it being built. A form with mistakes
    comes back on the city's page with them."""
    check(request.user, "cityreport.create")
    form = CityReportForm(request.POST)
    if form.is_valid():
        try:
            report = services.city_report_request(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("reports:report_detail", pk=report.pk)
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    return _city_page(request, year or plan_year(request), form)


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
