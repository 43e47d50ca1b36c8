"""The plans: their list, and one form for a plan with its targets and its units' tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can, check
from reports import selectors, services
from reports.forms import PlanForm, TargetFormSet, TaskFormSet, targets_initial, tasks_initial


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "plan.view")
    plans = list(selectors.plans(request.user))
    return render(
        request,
        "reports/plan_list.html",
        {
            "plans": plans,
            "may_change": can(request.user, "plan.change"),
            # The city's plan and the districts' listed together: each says whose it is.
            "several_levels": len({plan.district_id for plan in plans}) > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The plan form with its targets and its units' tasks (create and edit share it)."""
    check(request.user, "plan.change")
    plan = check(request.user, "plan.change", selectors.plan_get(request.user, pk)) if pk else None
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, describe=services.plan_describe)
    targets = TargetFormSet(data, initial=targets_initial(plan), prefix="targets")
    tasks = TaskFormSet(data, initial=tasks_initial(plan), prefix="tasks")
    if data is not None and form.is_valid() and targets.is_valid() and tasks.is_valid():
        parts = {"data": form.record_data(), "targets": targets.targets(), "tasks": tasks.tasks()}
        if plan is not None:
            parts.update(plan_id=plan.pk, expected_version=form.expected_version)
        save = services.plan_update if plan is not None else services.plan_create
        if form.submit(save, user=request.user, **parts):
            messages.success(request, _("The plan was saved."))
            return redirect("reports:plans")
    return render(
        request,
        "reports/plan_form.html",
        {"form": form, "targets": targets, "tasks": tasks, "plan": plan},
    )
