from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import MIN_GROUP_SIZE, can, check
from audits import selectors, services
from audits.filters import QualityFilter, RecordFilter
from audits.forms import CPMeasureForm, EnergyRecordForm, EnergyUseFormSet, energy_lines_initial
from audits.models import CPMeasure, EnergyRecord
from facilities.models import Facility
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Energy records the user may see, with filters."""
    check(request.user, "energy.view")
    record_filter = RecordFilter(request.GET, queryset=selectors.record_list(request.user),
                                 user=request.user)
    page = _page(request, record_filter.qs)
    return render(request, "audits/record_list.html", {
        "filter": record_filter, "page": page, "rows": selectors.record_figures(page),
        "may_change": can(request.user, "energy.change"),
    })


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(request.user, pk)
    return render(request, "audits/record_detail.html", {
        "record": record, "figures": selectors.record_figures_with_saving(record),
        "may_change": can(request.user, "energy.change", record),
    })


def _record_form(request: HttpRequest, facility: Facility,
                 record: EnergyRecord | None) -> HttpResponse:
    """The record form with its energy lines (create and edit share it)."""
    instance = record or EnergyRecord(facility=facility, product_unit=facility.product_unit)
    form = EnergyRecordForm(request.POST or None, instance=instance,
                            describe=services.record_describe)
    formset = EnergyUseFormSet(request.POST or None, initial=energy_lines_initial(record),
                               prefix="uses")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data, lines = form.record_data(), formset.lines()
        try:
            if record is None:
                record = services.record_create(user=request.user, facility=facility,
                                                data=data, lines=lines)
            else:
                services.record_update(user=request.user, record_id=record.pk, data=data,
                                       lines=lines, expected_version=form.expected_version)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The energy record was saved."))
            return redirect("audits:record_detail", pk=record.pk)
    return render(request, "audits/record_form.html", {
        "form": form, "formset": formset, "facility": facility, "record": record})


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, facility_pk: int) -> HttpResponse:
    facility = selectors.facility_for(request.user, facility_pk, "energy.change")
    return _record_form(request, facility, None)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(request.user, pk, "energy.change")
    return _record_form(request, record.facility, record)


@login_required
@require_POST
def record_verify(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(request.user, pk, "energy.change")
    services.record_verify(user=request.user, record_id=record.pk)
    messages.success(request, _("The energy record was marked as verified."))
    return redirect("audits:record_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(request.user, pk, "energy.change")
    if request.method == "POST":
        services.record_delete(user=request.user, record_id=record.pk)
        messages.success(request, _("The energy record was deleted."))
        return redirect("facilities:detail", pk=record.facility_id)
    return render(request, "audits/confirm_delete.html", {
        "object": record, "facility": record.facility,
        "question": _("Delete the %(year)s energy record of %(name)s, with its energy lines?")
        % {"year": record.year, "name": record.facility.name}})


def _measure_form(request: HttpRequest, facility: Facility,
                  measure: CPMeasure | None) -> HttpResponse:
    form = CPMeasureForm(request.POST or None, instance=measure,
                         describe=services.measure_describe)
    if request.method == "POST" and form.is_valid():
        try:
            if measure is None:
                services.measure_create(user=request.user, facility=facility,
                                        data=form.record_data())
            else:
                services.measure_update(user=request.user, measure_id=measure.pk,
                                        data=form.record_data(),
                                        expected_version=form.expected_version)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The cleaner-production measure was saved."))
            return redirect("facilities:detail", pk=facility.pk)
    return render(request, "audits/measure_form.html", {
        "form": form, "facility": facility, "measure": measure})


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, facility_pk: int) -> HttpResponse:
    facility = selectors.facility_for(request.user, facility_pk, "energy.change")
    return _measure_form(request, facility, None)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get(request.user, pk, "energy.change")
    return _measure_form(request, measure.facility, measure)


@login_required
@require_http_methods(["GET", "POST"])
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get(request.user, pk, "energy.change")
    if request.method == "POST":
        services.measure_delete(user=request.user, measure_id=measure.pk)
        messages.success(request, _("The cleaner-production measure was deleted."))
        return redirect("facilities:detail", pk=measure.facility_id)
    return render(request, "audits/confirm_delete.html", {
        "object": measure, "facility": measure.facility,
        "question": _('Delete the measure "%(technique)s" of %(name)s?')
        % {"technique": measure.technique, "name": measure.facility.name}})


@login_required
@require_GET
def quality_list(request: HttpRequest) -> HttpResponse:
    """Data-quality violations by rule, for staff to fix at the source."""
    check(request.user, "quality.view")
    quality_filter = QualityFilter(request.GET, queryset=selectors.flag_list(request.user),
                                   user=request.user)
    return render(request, "audits/quality_list.html", {
        "filter": quality_filter, "page": _page(request, quality_filter.qs),
        "counts": selectors.flag_counts(selectors.flags_visible(request.user)),
    })


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Implemented measures by sector and technique; facility names for staff only."""
    check(request.user, "catalogue.view")
    with_names = can(request.user, "catalogue.names")
    return render(request, "audits/catalogue.html", {
        "rows": selectors.catalogue(request.user, with_names=with_names),
        "with_names": with_names, "min_group": MIN_GROUP_SIZE})
