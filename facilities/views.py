from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check, sees_every_commune
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
                                     hide_commune=not sees_every_commune(request.user))
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
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "statuses": selectors.statuses_of(facility),
        "history": selectors.history_of(facility, with_consent=show_consent),
        "show_consent": show_consent,
        "sections": sections_for(request.user, facility),
        "may_edit": can(request.user, "facility.change", facility),
        "may_delete": can(request.user, "facility.delete", facility),
        "status_form": StatusForm(initial={"year": selectors.working_year()}),
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


def _stage_set(request: HttpRequest, facility: Facility,
               form: StatusForm) -> tuple[str | None, str | None]:
    """Set the posted stage; (error, conflict): what went wrong, if anything, and whether it is
    a stage someone else set meanwhile."""
    if not form.is_valid():
        return " ".join(str(e) for errors in form.errors.values() for e in errors) or _(
            "Choose a stage and a valid year."), None
    data = form.cleaned_data
    try:
        services.status_set(user=request.user, facility=facility, year=data["year"],
                            stage=data["stage"], expected_version=data["version"],
                            # the list's cell sends no note: it keeps the one recorded
                            note=data["note"] if "note" in request.POST else None)
    except StaleEdit as exc:
        conflict = _("Someone else set the stage meanwhile: %(stage)s. Your choice is kept; "
                     "save it to overwrite.") % {"stage": exc.current["stage"][1]}
        return conflict, conflict
    except DomainError as exc:
        return exc.message, None
    return None, None


@login_required
@require_POST
def status_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Set one facility's stage for a year; from the list (htmx) or the facility page."""
    facility = selectors.facility_get(request.user, pk, "status.change")
    form = StatusForm(request.POST)
    error, conflict = _stage_set(request, facility, form)
    if request.htmx:
        year = form.cleaned_data.get("year") if form.is_valid() else None
        return render(request, "facilities/_stage_cell.html", {
            "facility": selectors.stage_cell(pk, year or 0), "year": year,
            "stages": Stage.choices, "may_change": True, "error": error,
            "saved": error is None, "conflict": conflict,
            "chosen": form.cleaned_data.get("stage") if conflict else None})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The stage was saved."))
    return redirect(safe_redirect_target(request, request.POST.get("next"),
                                         reverse("facilities:detail", args=[pk])))


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
