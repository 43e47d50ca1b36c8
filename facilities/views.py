from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check
from facilities import selectors, services
from facilities.exports import facility_export
from facilities.filters import FacilityFilter
from facilities.forms import BulkStatusForm, FacilityForm, StatusForm
from facilities.models import Facility, Stage
from facilities.sections import sections_for
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import safe_redirect_target
from melinh_sxsh.lib.years import year_param

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[FacilityFilter, int]:
    year = year_param(request, "year", selectors.working_year())
    queryset = selectors.with_stage(selectors.facilities_visible(request.user), year)
    facility_filter = FacilityFilter(request.GET, queryset=queryset, year=year,
                                     user=request.user)
    return facility_filter, year


@login_required
@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "facility.view")
    facility_filter, year = _filtered(request)
    page = Paginator(selectors.with_stage_version(facility_filter.qs, year), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "facilities/facility_list.html", {
        "filter": facility_filter, "page": page, "year": year, "stages": Stage.choices,
        "query": query.urlencode(), "may_change": can(request.user, "status.change"),
        "may_create": can(request.user, "facility.change"),
    })


@login_required
@require_GET
def facility_export_xlsx(request: HttpRequest) -> HttpResponse:
    check(request.user, "facility.view")
    facility_filter, year = _filtered(request)
    name, content_type, content = facility_export(facility_filter.qs, year)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_get(request.user, pk)
    # Commune officials neither see nor set whether the public pages may name a facility.
    show_consent = can(request.user, "consent.view")
    statuses = list(selectors.statuses_of(facility))
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "statuses": statuses,
        "history": selectors.history_of(facility, with_consent=show_consent),
        "show_consent": show_consent,
        "sections": sections_for(request.user, facility),
        "may_edit": can(request.user, "facility.change", facility),
        "may_delete": can(request.user, "facility.delete", facility),
        "status_form": StatusForm(initial=selectors.status_form_initial(statuses)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request: HttpRequest) -> HttpResponse:
    check(request.user, "facility.change")
    form = FacilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(user=request.user, data=form.record_data())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The facility was registered."))
            return redirect("facilities:detail", pk=facility.pk)
    return render(request, "facilities/facility_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_get(request.user, pk, "facility.change")
    form = FacilityForm(request.POST or None, instance=facility, user=request.user,
                        describe=partial(services.facility_describe, user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_update(user=request.user, facility_id=pk, data=form.record_data(),
                                     expected_version=form.expected_version)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("facilities:detail", pk=pk)
    return render(request, "facilities/facility_form.html", {"form": form, "facility": facility})


@login_required
@require_http_methods(["GET", "POST"])
def facility_delete(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_get(request.user, pk, "facility.delete")
    if request.method == "POST":
        try:
            services.facility_delete(user=request.user, facility=facility)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("facilities:detail", pk=pk)
        messages.success(request, _("The facility was deleted."))
        return redirect("facilities:list")
    return render(request, "facilities/facility_confirm_delete.html", {"facility": facility})


@dataclass
class StageOutcome:
    """What became of a posted stage: `error` (None: saved), whether it is a stage someone
    else set meanwhile (`conflict`), or a downgrade that still needs its reason (`lowering`)."""

    error: str | None = None
    conflict: str | None = None
    lowering: bool = False


def _stage_set(request: HttpRequest, facility: Facility, form: StatusForm) -> StageOutcome:
    if not form.is_valid():
        return StageOutcome(" ".join(str(e) for errors in form.errors.values() for e in errors)
                            or _("Choose a stage and a valid year."))
    data = form.cleaned_data
    try:
        services.status_set(user=request.user, facility=facility, year=data["year"],
                            stage=data["stage"], expected_version=data["version"],
                            # the list's cell sends no note: it keeps the one recorded
                            note=data["note"] if "note" in request.POST else None,
                            reason=data["reason"])
    except StaleEdit as exc:
        conflict = _("Someone else set the stage meanwhile: %(stage)s. Your choice is kept; "
                     "save it to overwrite.") % {"stage": exc.current["stage"][1]}
        return StageOutcome(conflict, conflict)
    except DomainError as exc:
        return StageOutcome(exc.message, lowering=exc.field == "reason")
    return StageOutcome()


def _lowering_page(request: HttpRequest, facility: Facility, form: StatusForm,
                   error: str | None) -> HttpResponse:
    """The confirmation a downgrade goes through: the stages before and after, and the
    reason, required; it posts the same choice back to status_update."""
    data = form.cleaned_data
    return render(request, "facilities/status_confirm_lower.html", {
        "facility": facility, "year": data["year"], "stage": data["stage"],
        "new_label": Stage(data["stage"]).label,
        "old_label": Stage(selectors.stage_in(facility, data["year"])).label,
        "note": data["note"] if "note" in request.POST or "note" in request.GET else None,
        "version": data["version"], "error": error,
    })


@login_required
@require_POST
def status_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one facility's stage for a year; from the list (htmx) or the facility page. A lower
    stage than the facility's goes through a confirmation that asks for the reason."""
    facility = selectors.facility_get(request.user, pk, "status.change")
    form = StatusForm(request.POST)
    outcome = _stage_set(request, facility, form)
    if request.htmx:
        return _stage_cell(request, facility, form, outcome)
    if outcome.lowering:
        # Posted from the confirmation page with an empty reason: say so there.
        return _lowering_page(request, facility, form,
                              outcome.error if "reason" in request.POST else None)
    if outcome.error:
        messages.error(request, outcome.error)
    else:
        messages.success(request, _("The stage was saved."))
    return redirect(safe_redirect_target(request, request.POST.get("next"),
                                         reverse("facilities:detail", args=[pk])))


def _stage_cell(request: HttpRequest, facility: Facility, form: StatusForm,
                outcome: StageOutcome) -> HttpResponse:
    year = form.cleaned_data.get("year") if form.is_valid() else None
    lower_url = None
    if outcome.lowering:
        lower_url = reverse("facilities:status_lower", args=[facility.pk]) + "?" + urlencode({
            "year": year, "stage": form.cleaned_data["stage"],
            "version": form.cleaned_data["version"] or 0})
    return render(request, "facilities/_stage_cell.html", {
        "facility": selectors.stage_cell(facility.pk, year or 0), "year": year,
        "stages": Stage.choices, "may_change": True, "error": outcome.error,
        "saved": outcome.error is None, "conflict": outcome.conflict, "lower_url": lower_url,
        "chosen": form.cleaned_data.get("stage") if outcome.conflict else None})


@login_required
@require_GET
def status_lower(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of a lower stage, opened from the list's stage cell."""
    facility = selectors.facility_get(request.user, pk, "status.change")
    form = StatusForm(request.GET)
    if form.is_valid():
        before = selectors.stage_in(facility, form.cleaned_data["year"])
        if before is not None and form.cleaned_data["stage"] < before:
            return _lowering_page(request, facility, form, None)
        messages.info(request, _("That stage is not lower than the facility's: set it here."))
    else:
        messages.error(request, _("Choose a stage and a valid year."))
    return redirect("facilities:detail", pk=pk)


@login_required
@require_POST
def status_bulk(request: HttpRequest) -> HttpResponse:
    check(request.user, "status.change")
    form = BulkStatusForm(request.POST)
    back = reverse("facilities:list") + "?" + request.POST.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        count = services.status_set_bulk(user=request.user,
                                         facility_ids=form.cleaned_data["facilities"],
                                         year=form.cleaned_data["year"],
                                         stage=form.cleaned_data["stage"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The stage of %(count)s facilities was set.") % {
            "count": count})
    return redirect(back)
