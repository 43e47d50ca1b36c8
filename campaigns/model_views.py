"""Demonstration models: list, page, create and edit, moves along their statuses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check
from campaigns import selectors, services
from campaigns.forms import DemonstrationModelForm, FundingLineForm, MoveForm
from campaigns.models import DemonstrationModel
from campaigns.views import add_funding_line, reach_from, reach_label
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.years import PLAN, year_param


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "campaign.view")
    year = year_param(request, "year", None, PLAN)
    reach = reach_from(request.GET)
    return render(request, "campaigns/model_list.html", {
        "models": selectors.model_list(request.user, year=year, **reach),
        "may_create": can(request.user, "model.change"), "reach": reach_label(reach),
        "may_view_budget": can(request.user, "budget.view")})


@login_required
@require_GET
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_get(request.user, pk)
    order = DemonstrationModel.ORDER
    index = order.index(model.status)
    host = selectors.model_host(request.user, model)
    return render(request, "campaigns/model_detail.html", {
        "model": model, "may_change": can(request.user, "model.change", model),
        "transitions": selectors.model_transitions(model),
        "study_tours": selectors.model_study_tours(model),
        "funding_lines": host.funding_lines,
        "next_status": DemonstrationModel.Status(order[index + 1]) if index + 1 < len(order)
        else None,
        "previous_status": DemonstrationModel.Status(order[index - 1]) if index else None,
        "funding_form": FundingLineForm(initial={"year": model.year}),
        "host": host,
    })


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request: HttpRequest) -> HttpResponse:
    check(request.user, "model.change")
    form = DemonstrationModelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            model = services.model_create(user=request.user, data=form.record_data())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The demonstration model was saved."))
            return redirect("campaigns:model_detail", pk=model.pk)
    return render(request, "campaigns/model_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = selectors.model_get(request.user, pk, "model.change")
    form = DemonstrationModelForm(request.POST or None, instance=model, user=request.user,
                                  describe=services.model_describe)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_update(user=request.user, model_id=pk, data=form.record_data(),
                                  expected_version=form.expected_version)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The demonstration model was saved."))
            return redirect("campaigns:model_detail", pk=pk)
    return render(request, "campaigns/model_form.html", {"form": form, "model": model})


@login_required
@require_POST
def model_move(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.model_get(request.user, pk, "model.change")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("campaigns:model_detail", pk=pk)
    try:
        model = services.model_move(user=request.user, model_id=pk, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The model is now %(status)s.") % {
            "status": model.get_status_display()})
    return redirect("campaigns:model_detail", pk=pk)


@login_required
@require_POST
def model_funding_add(request: HttpRequest, pk: int) -> HttpResponse:
    add_funding_line(request, selectors.model_get(request.user, pk, "model.change"))
    return redirect("campaigns:model_detail", pk=pk)
