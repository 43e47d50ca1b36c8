"""The reports page: ask for a report, watch it being built, download it, issue it, build a
draft again or delete it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import attachment_response
from reports import kpis, selectors, services
from reports.forms import ReportForm


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "report.view")
    initial = {"year": kpis.default_year(), **selectors.last_signature(request.user)}
    form = ReportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        check(request.user, "report.create")
        if form.is_valid():
            try:
                report = services.report_request(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return redirect("reports:report_detail", pk=report.pk)
    page = Paginator(selectors.reports_visible(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "page": page,
            "may_create": can(request.user, "report.create"),
            "may_lock": can(request.user, "year.lock"),
        },
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(request.user, pk)
    template = "reports/_report_status.html" if request.htmx else "reports/report_detail.html"
    may_change = services.may_change_draft(request.user, report)
    return render(
        request,
        template,
        {
            "report": report,
            "may_issue": can(request.user, selectors.report_action(report, "report.issue"),
                             report),
            "may_rebuild": may_change,
            "may_delete": may_change,
            "may_return": report.is_submission and not report.is_returned
            and can(request.user, "report.return", report),
            "compared": selectors.frozen_and_live(request.user, report),
        },
    )


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(request.user, pk)
    return attachment_response(report.file, report.file.name.rsplit("/", 1)[-1])


def _act(request: HttpRequest, pk: int, service: Callable, done: str, action: str) -> HttpResponse:
    """Do `service` on the report, if the user may do `action` on it, and say how it went."""
    report = selectors.report_get(request.user, pk, action)
    try:
        service(user=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("reports:report_detail", pk=pk)


@login_required
@require_POST
def report_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.report_issue,
        _("The report was issued; its file and figures are now fixed."),
        "report.issue",
    )


@login_required
@require_POST
def report_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.report_rebuild, _("The report is being built again."), "report.change"
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(request.user, pk, "report.change")
    if request.method == "GET":
        return render(request, "reports/report_confirm_delete.html", {"report": report})
    try:
        services.report_delete(user=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:report_detail", pk=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("reports:index")
