"""The reports page: ask for a report, watch it being built, download it, issue it; and the
locking of years."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check, scope_queryset
from facilities import locking
from facilities.models import YearLock, YearLockEvent
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import attachment_response
from reports import kpis, services
from reports.forms import LockForm, ReportForm
from reports.models import Report


def _reports(user):
    return scope_queryset(user, Report.objects.select_related("commune", "requested_by",
                                                              "issued_by"), "commune")


def _report(user, pk: int, action: str = "report.view") -> Report:
    report = get_object_or_404(Report.objects.select_related("commune"), pk=pk)
    check(user, action, report)
    return report


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "report.view")
    form = ReportForm(request.POST or None, user=request.user,
                      initial={"year": kpis.default_year()})
    if request.method == "POST":
        check(request.user, "report.create")
        if form.is_valid():
            try:
                report = services.report_request(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return redirect("reports:report_detail", pk=report.pk)
    page = Paginator(_reports(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {
        "form": form, "page": page, "may_create": can(request.user, "report.create"),
        "may_lock": can(request.user, "year.lock")})


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request.user, pk)
    template = "reports/_report_status.html" if request.htmx else "reports/report_detail.html"
    return render(request, template, {
        "report": report, "may_issue": can(request.user, "report.issue", report),
        "may_rebuild": services.may_change_draft(request.user, report),
        "may_delete": services.may_change_draft(request.user, report)})


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request.user, pk)
    return attachment_response(report.file, report.file.name.rsplit("/", 1)[-1])


def _act(request, pk: int, service, done: str, action: str = "report.view"):
    report = _report(request.user, pk, action)
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
    return _act(request, pk, services.report_issue,
                _("The report was issued; its file and figures are now fixed."), "report.issue")


@login_required
@require_POST
def report_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_rebuild, _("The report is being built again."),
                "report.change")


@login_required
@require_http_methods(["GET", "POST"])
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request.user, pk, "report.change")
    if request.method == "GET":
        return render(request, "reports/report_confirm_delete.html", {"report": report})
    try:
        services.report_delete(user=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:report_detail", pk=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("reports:index")


@login_required
@require_http_methods(["GET", "POST"])
def year_locks(request: HttpRequest) -> HttpResponse:
    check(request.user, "year.lock")
    form = LockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = locking.year_lock if form.cleaned_data["action"] == "lock" else \
            locking.year_unlock
        try:
            action(user=request.user, year=form.cleaned_data["year"],
                   note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done."))
        return redirect("reports:locks")
    return render(request, "reports/year_locks.html", {
        "form": form, "locks": YearLock.objects.select_related("locked_by"),
        "events": YearLockEvent.objects.select_related("by")[:50]})
