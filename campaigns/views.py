from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as accounts_selectors
from accounts.permissions import can, check
from campaigns import selectors, services
from campaigns.forms import (
    AttachmentForm,
    AttendanceAddForm,
    AttendancePasteForm,
    AttendanceSearchForm,
    CampaignForm,
    FundingLineForm,
    PeopleForm,
)
from campaigns.models import Campaign, DemonstrationModel
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import attachment_response, confirmation
from melinh_sxsh.lib.text import format_number
from melinh_sxsh.lib.years import PLAN, year_param


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    """Each field's errors as a message naming the field (once: the number and date fields'
    errors name it already)."""
    for field, errors in form.errors.items():
        label = str(form.fields[field].label) if field in form.fields else ""
        text = " ".join(errors)
        named = not label or text.startswith(capfirst(label) + ":")
        messages.error(request, text if named else f"{label}: {text}")


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "campaign.view")
    params = request.GET
    kind = params.get("kind", "") if params.get("kind") in Campaign.Kind.values else ""
    reach = reach_from(params)
    reached = selectors.attendance_reaching(request.user, **reach) if any(reach.values()) else None
    campaigns = selectors.campaign_list(
        request.user, kind=kind, unit=params.get("unit", "")[:20], q=params.get("q", "")[:100],
        year=year_param(request, "year", None, PLAN), reached=reached)
    page = Paginator(campaigns, 30).get_page(params.get("page"))
    return render(request, "campaigns/campaign_list.html", {
        "page": page, "kinds": Campaign.Kind.choices,
        "units": accounts_selectors.units(request.user),
        "may_create": can(request.user, "campaign.change"), "reach": reach_label(reach),
        "reach_codes": reach, "may_view_budget": can(request.user, "budget.view")})


def reach_from(params: QueryDict) -> dict[str, str]:
    """The commune and sector codes a list is limited to (the dashboard's scope)."""
    return {"commune": params.get("commune", "")[:5], "sector": params.get("sector", "")[:2]}


def reach_label(reach: dict[str, str]) -> str:
    """'Thị trấn Quang Minh, C25' for the note above a limited list; empty when not limited."""
    parts = []
    if reach["commune"]:
        commune = accounts_selectors.commune_by_code(reach["commune"])
        parts.append(str(commune) if commune else reach["commune"])
    if reach["sector"]:
        parts.append(f"C{reach['sector']}")
    return ", ".join(parts)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk)
    may_change = can(request.user, "campaign.change", campaign)
    search = AttendanceSearchForm(request.GET or None, user=request.user)
    candidates = []
    if may_change and search.is_valid():
        commune = search.cleaned_data["commune"]
        candidates = selectors.facility_candidates(request.user, q=search.cleaned_data["q"],
                                                   commune_id=commune.pk if commune else None)
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "may_change": may_change,
        "attendances": selectors.attendance_of(request.user, campaign),
        "attachments": selectors.attachments_of(campaign),
        "funding_lines": selectors.campaign_funding_lines(request.user, campaign),
        "documents": selectors.campaign_documents(campaign),
        "search_form": search, "candidates": candidates,
        "paste_form": AttendancePasteForm(), "attachment_form": AttachmentForm(),
        "funding_form": FundingLineForm(initial={"year": campaign.starts_on.year}),
    })


def _campaign_form_page(request: HttpRequest, form: CampaignForm,
                        campaign: Campaign | None = None) -> HttpResponse:
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    check(request.user, "campaign.change")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, data=form.record_data())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return _campaign_form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk, "campaign.change")
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user,
                        describe=services.campaign_describe)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(user=request.user, campaign_id=pk, data=form.record_data(),
                                     expected_version=form.expected_version)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:detail", pk=pk)
    return _campaign_form_page(request, form, campaign)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk, "campaign.change")
    if request.method == "POST":
        try:
            services.campaign_delete(user=request.user, campaign=campaign)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:detail", pk=pk)
        messages.success(request, _("The campaign was deleted."))
        return redirect("campaigns:index")
    return render(request, "campaigns/campaign_confirm_delete.html", {"campaign": campaign})


@login_required
@require_POST
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add facilities chosen from a search, or pasted as tax codes."""
    campaign = selectors.campaign_get(request.user, pk, "campaign.change")
    pasted = "tax_codes" in request.POST
    form = (AttendancePasteForm if pasted else AttendanceAddForm)(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("campaigns:detail", pk=pk)
    try:
        if pasted:
            added = services.attendance_add_by_tax_codes(
                user=request.user, campaign=campaign, text=form.cleaned_data["tax_codes"],
                people=form.cleaned_data["people"])
        else:
            added = services.attendance_add(
                user=request.user, campaign=campaign, people=form.cleaned_data["people"],
                facility_ids=[f.pk for f in form.cleaned_data["facilities"]])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)s facilities added.") % {"count": added})
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_remove(request: HttpRequest, pk: int, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get(request.user, pk, attendance_id)
    if request.method == "GET":
        return confirmation(
            request, title=_("Remove a facility from the campaign"),
            subject=attendance.facility.name,
            question=_("Remove this facility from those that took part in “%(campaign)s”? It "
                       "no longer counts as reached by it.") % {
                "campaign": attendance.campaign.title},
            confirm=_("Yes, remove it"), back=reverse("campaigns:detail", args=[pk]))
    try:
        services.attendance_remove(user=request.user, attendance=attendance)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The facility was removed from the campaign."))
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_POST
def attendance_people(request: HttpRequest, pk: int, attendance_id: int) -> HttpResponse:
    attendance = selectors.attendance_get(request.user, pk, attendance_id)
    form = PeopleForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_set_people(user=request.user, attendance=attendance,
                                           people=form.cleaned_data["people"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    else:
        _form_errors(request, form)
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.user, pk, "campaign.change")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(user=request.user, campaign=campaign,
                                    upload=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file was attached."))
    else:
        _form_errors(request, form)
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(request.user, pk, attachment_id, "campaign.change")
    if request.method == "GET":
        return confirmation(
            request, title=_("Remove a file"), subject=attachment.original_name,
            question=_("Remove this file from “%(campaign)s”? The file is deleted.") % {
                "campaign": attachment.campaign.title},
            confirm=_("Yes, remove it"), back=reverse("campaigns:detail", args=[pk]))
    services.attachment_delete(user=request.user, attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(request.user, pk, attachment_id)
    return attachment_response(attachment.file, attachment.original_name)


@login_required
@require_POST
def funding_add(request: HttpRequest, pk: int) -> HttpResponse:
    add_funding_line(request, selectors.campaign_get(request.user, pk, "campaign.change"))
    return redirect("campaigns:detail", pk=pk)


def add_funding_line(request: HttpRequest, owner: Campaign | DemonstrationModel) -> None:
    """A funding line for a campaign or a demonstration model, from the posted form."""
    form = FundingLineForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return
    try:
        services.funding_line_add(user=request.user, owner=owner, data=form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The funding line was added."))


@login_required
@require_http_methods(["GET", "POST"])
def funding_delete(request: HttpRequest, line_id: int) -> HttpResponse:
    line = selectors.funding_line_get(request.user, line_id)
    back = (reverse("campaigns:detail", args=[line.campaign_id]) if line.campaign_id
            else reverse("campaigns:model_detail", args=[line.model_id]))
    if request.method == "GET":
        return confirmation(
            request, title=_("Remove a funding line"),
            subject=_("%(source)s, %(year)s: planned %(planned)s VND, spent %(spent)s VND") % {
                "source": line.source, "year": line.year,
                "planned": format_number(line.planned_vnd),
                "spent": format_number(line.spent_vnd)},
            question=_("Remove this line from “%(owner)s”? The district's budget no longer "
                       "counts it.") % {"owner": line.campaign or line.model},
            confirm=_("Yes, remove it"), back=back)
    services.funding_line_delete(user=request.user, line=line)
    messages.success(request, _("The funding line was removed."))
    return redirect(back)
