from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can, check
from campaigns.models import FundingSource
from campaigns.selectors import funding_lines
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import attachment_response, int_param
from melinh_sxsh.lib.years import FACT, PLAN, year_param
from reports import kpis, selectors, services
from reports.forms import (
    PlanForm,
    TargetFormSet,
    TaskFormSet,
    TaskReportForm,
    targets_initial,
    tasks_initial,
)
from reports.models import Plan, TaskReport


def _year(request) -> int:
    return year_param(request, "year", kpis.default_year(), PLAN)


@login_required
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    check(request.user, "budget.view")
    year = _year(request)
    funding = kpis.funding_by_source(year)
    # Each source opens the list of its lines: the rows its sums add up.
    rows = [(row, reverse("reports:budget_lines") + "?"
             + urlencode({"year": year, "source": row.source_code})) for row in funding.rows]
    return render(request, "reports/budget.html", {
        "funding": funding, "rows": rows, "year": year})


@login_required
@require_GET
def budget_lines(request: HttpRequest) -> HttpResponse:
    check(request.user, "budget.view")
    year = _year(request)
    source = get_object_or_404(FundingSource, code=request.GET.get("source", "")[:20])
    lines = funding_lines(year=year, source=source.code)
    return render(request, "reports/budget_lines.html", {
        "page": Paginator(lines, 50).get_page(request.GET.get("page")), "year": year,
        "source": source,
        "budget_url": reverse("reports:budget") + "?" + urlencode({"year": year})})


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    check(request.user, "plan.view")
    plan = selectors.plan_for_year(_year(request)) or selectors.plan_latest()
    default_year, default_quarter = selectors.default_quarter(plan)
    year = year_param(request, "qyear", default_year, FACT)
    quarter = int_param(request.GET, "quarter", default_quarter, 1, 4)
    overview = selectors.tasks_overview(plan=plan, year=year, quarter=quarter) if plan else []
    return render(request, "reports/task_list.html", {
        "plan": plan, "tasks": overview, "qyear": year, "quarter": quarter,
        "quarters": [1, 2, 3, 4]})


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    may_report = can(request.user, "task.report", task)
    form = TaskReportForm(request.POST or None, request.FILES or None, edited=task,
                          describe=services.task_describe,
                          initial={"reported_on": timezone.localdate(), "status": task.status})
    if request.method == "POST":
        check(request.user, "task.report", task)
        if form.is_valid():
            try:
                services.task_report_post(user=request.user, task=task,
                                          attachment=form.cleaned_data.get("attachment"),
                                          expected_version=form.expected_version,
                                          **{k: form.cleaned_data[k] for k in
                                             ("reported_on", "text", "status")})
            except StaleEdit as exc:
                form.refuse_stale(exc)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, _("The progress report was posted."))
                return redirect("reports:task_detail", pk=pk)
    return render(request, "reports/task_detail.html", {
        "task": task, "reports": task.reports.select_related("reported_by"),
        "form": form, "may_report": may_report})


@login_required
@require_GET
def task_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(TaskReport.objects.select_related("task"), pk=pk)
    check(request.user, "plan.view", report.task)
    if not report.attachment:
        return redirect("reports:task_detail", pk=report.task_id)
    return attachment_response(report.attachment, report.attachment_name or "dinh-kem")


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "plan.view")
    return render(request, "reports/plan_list.html", {
        "plans": Plan.objects.prefetch_related("targets"),
        "may_change": can(request.user, "plan.change")})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The plan form with its targets and its units' tasks (create and edit share it)."""
    check(request.user, "plan.change")
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, describe=services.plan_describe)
    targets = TargetFormSet(data, initial=targets_initial(plan), prefix="targets")
    tasks = TaskFormSet(data, initial=tasks_initial(plan), prefix="tasks")
    if data is not None and form.is_valid() and targets.is_valid() and tasks.is_valid():
        parts = {"data": form.record_data(), "targets": targets.targets(),
                 "tasks": tasks.tasks()}
        try:
            if plan is None:
                services.plan_create(user=request.user, **parts)
            else:
                services.plan_update(user=request.user, plan_id=plan.pk,
                                     expected_version=form.expected_version, **parts)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("reports:plans")
    return render(request, "reports/plan_form.html", {
        "form": form, "targets": targets, "tasks": tasks, "plan": plan})
