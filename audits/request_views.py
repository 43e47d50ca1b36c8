"""Data requests: the list, a new one, and one request's completeness by commune with the
submissions behind each figure (docs/ARCHITECTURE.md, "Data requests")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check, dashboard_commune
from audits import completeness, selectors, submissions
from audits.forms import CommunesReviewForm, DataRequestForm
from audits.models import Submission
from melinh_sxsh.lib.errors import DomainError

PAGE_SIZE = 50


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "request.view")
    return render(request, "audits/request_list.html", {
        "requests": selectors.request_list(request.user),
        "may_create": can(request.user, "request.change"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    check(request.user, "request.change")
    form = DataRequestForm(request.POST or None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        facilities = selectors.facilities_to_ask(
            request.user, data["year"], commune=data["commune"], sector=data["sector"],
            stage=data["stage"], without_record=data["without_record"])
        fields = {name: data[name] for name in DataRequestForm.Meta.fields}
        try:
            created = submissions.request_create(user=request.user, facilities=facilities,
                                                 **fields)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The request was sent to %(count)s facilities.")
                             % {"count": created.submissions.count()})
            return redirect("audits:request_detail", pk=created.pk)
    return render(request, "audits/request_form.html", {"form": form})


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.request_get(request.user, pk)
    commune = dashboard_commune(request.user, request.GET.get("commune", ""))
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    listed = selectors.request_submissions(request.user, data_request, state=state,
                                           commune=commune, overdue=overdue)
    return render(request, "audits/request_detail.html", {
        "data_request": data_request,
        "lines": completeness.by_commune(request.user, data_request),
        "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        "commune": commune, "overdue": overdue,
        "state_label": dict(Submission.State.choices).get(state),
        "review_form": CommunesReviewForm(initial={
            "communes_review": data_request.communes_review}),
    })


@login_required
@require_POST
def request_communes_review(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.request_get(request.user, pk)
    form = CommunesReviewForm(request.POST)
    form.is_valid()  # a checkbox: always valid, absent means no
    allowed = form.cleaned_data.get("communes_review", False)
    submissions.request_set_communes_review(user=request.user, request_id=data_request.pk,
                                            allowed=allowed)
    messages.success(request, _("The commune officials may now accept or return their "
                                "commune's forms.") if allowed else
                     _("Only the Economic Department now accepts or returns forms."))
    return redirect("audits:request_detail", pk=data_request.pk)
