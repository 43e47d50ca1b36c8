"""The units' tasks in the plan: who reported in a quarter, a task's reports, posting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can, check
from melinh_sxsh.lib.http import attachment_response, int_param
from melinh_sxsh.lib.years import FACT, year_param
from reports import selectors, services
from reports.forms import TaskReportForm
from reports.views.scope import plan_year


@login_required
@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    check(request.user, "plan.view")
    plan = (selectors.plan_for_year(request.user, plan_year(request))
            or selectors.plan_latest(request.user))
    default_year, default_quarter = selectors.default_quarter(plan)
    year = year_param(request, "qyear", default_year, FACT)
    quarter = int_param(request.GET, "quarter", default_quarter, 1, 4)
    overview = selectors.tasks_overview(plan=plan, year=year, quarter=quarter) if plan else []
    return render(
        request,
        "reports/task_list.html",
        {
            "plan": plan,
            "tasks": overview,
            "qyear": year,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(request.user, pk)
    form = TaskReportForm(
        request.POST or None,
        request.FILES or None,
        edited=task,
        describe=services.task_describe,
        initial={"reported_on": timezone.localdate(), "status": task.status},
    )
    if request.method == "POST":
        check(request.user, "task.report", task)
        if form.is_valid() and form.submit(
            services.task_report_post,
            user=request.user,
            task=task,
            expected_version=form.expected_version,
            **form.record_data(),
        ):
            messages.success(request, _("The progress report was posted."))
            return redirect("reports:task_detail", pk=pk)
    return render(
        request,
        "reports/task_detail.html",
        {
            "task": task,
            "reports": selectors.task_reports(task),
            "form": form,
            "may_report": can(request.user, "task.report", task),
        },
    )


@login_required
@require_GET
def task_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.task_report_get(request.user, pk)
    if not report.attachment:
        return redirect("reports:task_detail", pk=report.task_id)
    return attachment_response(report.attachment, report.attachment_name or "dinh-kem")
