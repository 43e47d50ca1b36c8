from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import check
from reports import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    check(request.user, "dashboard.view")
    plan = selectors.plan_latest()
    tasks = []
    if plan is not None and request.user.role == Role.UNIT:
        tasks = selectors.plan_tasks_for_unit(user=request.user, plan=plan)
    return render(request, "reports/dashboard.html", {"plan": plan, "unit_tasks": tasks})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    check(request.user, "report.view")
    return render(request, "reports/report_list.html", {"plan": selectors.plan_latest()})
