"""Writes of campaigns, attendance, demonstration models, funding lines and documents."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import (
    can_see,
    check,
    check_document,
    check_funding_line,
    held_unit,
    scope_queryset,
)
from accounts.selectors import writing_district_id
from campaigns.models import (
    Attachment,
    Attendance,
    Campaign,
    DemonstrationModel,
    Document,
    FundingLine,
    ModelTransition,
)
from facilities.locking import ensure_open, in_district
from facilities.models import Facility, normalize_tax_code
from melinh_sxsh.lib import dataversion
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.uploads import DOCUMENTS, MB, PHOTOS, UploadRefused, check_upload
from melinh_sxsh.lib.years import FACT, PLAN, check_year

CAMPAIGN_FIELDS = ["kind", "title", "lead_unit", "starts_on", "ends_on", "place",
                   "people_reached", "copies_printed", "broadcasts_aired", "description",
                   "visited_model", "is_public"]


def _check_lead_unit(campaign: Campaign) -> None:
    # The lead unit is one of the campaign's district.
    if campaign.lead_unit_id is not None and campaign.lead_unit.district_id != campaign.district_id:
        raise DomainError(_("Choose a unit of your own district."), field="lead_unit")


def _check_visited_model(user, campaign: Campaign) -> None:
    # A study tour visits a model of its own district (404 for another's, as its page).
    if campaign.visited_model_id is not None and not can_see(user, campaign.visited_model):
        raise Http404


def _lead_unit_for(user, unit):
    # A unit officer's campaigns are always their own unit's.
    return held_unit(user) or unit


@transaction.atomic
def campaign_create(*, user, data: dict[str, Any]) -> Campaign:
    campaign = Campaign(**{k: v for k, v in data.items() if k in CAMPAIGN_FIELDS},
                        created_by=user, district_id=writing_district_id(user))
    _check_visited_model(user, campaign)
    campaign.lead_unit = _lead_unit_for(user, campaign.lead_unit)
    _check_lead_unit(campaign)
    check(user, "campaign.change", campaign)
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_describe(campaign: Campaign) -> Snapshot:
    """What the edit form shows of a campaign, for the conflict rule."""
    return describe(campaign, CAMPAIGN_FIELDS)


@transaction.atomic
def campaign_update(*, user, campaign_id: int, data: dict[str, Any],
                    expected_version: int | None) -> Campaign:
    """Save an edit made on version `expected_version`; refuse it if the campaign moved on."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    check(user, "campaign.change", campaign)
    old_year = campaign.starts_on.year
    check_version(campaign, expected_version, campaign_describe)
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    campaign.lead_unit = _lead_unit_for(user, campaign.lead_unit)
    _check_lead_unit(campaign)
    _check_visited_model(user, campaign)
    if old_year != campaign.starts_on.year and campaign.attendances.exists():
        # Moving the date moves its attendance (awareness evidence) to another year.
        ensure_open(old_year, campaign.starts_on.year, scope=in_district(campaign.district_id))
    campaign.version += 1
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_delete(*, user, campaign: Campaign) -> None:
    check(user, "campaign.change", campaign)
    if campaign.attendances.exists():
        ensure_open(campaign.starts_on.year, scope=in_district(campaign.district_id))
    for attachment in campaign.attachments.all():
        attachment.file.delete(save=False)
    campaign.delete()


# ---- attendance -------------------------------------------------------------------------------

TAX_CODE_SPLIT = re.compile(r"[\s,;]+")


def parse_tax_codes(text: str) -> tuple[list[str], list[str]]:
    """(valid codes in order, unique; tokens that are not tax codes)."""
    codes, bad = [], []
    for token in TAX_CODE_SPLIT.split(text or ""):
        if not token:
            continue
        try:
            code = normalize_tax_code(token)
        except ValidationError:
            bad.append(token[:30])
            continue
        if code not in codes:
            codes.append(code)
    return codes, bad


@transaction.atomic
def attendance_add(*, user, campaign: Campaign, facility_ids: list[int], people: int = 1) -> int:
    """Add facilities to a campaign; those already there keep their record. All or nothing."""
    check(user, "campaign.change", campaign)
    ensure_open(campaign.starts_on.year, scope=in_district(campaign.district_id))
    ids = sorted(set(facility_ids))
    if not ids:
        raise DomainError(_("Select at least one facility."))
    # Another district's facility is as unknown as a missing one.
    found = set(scope_queryset(user, Facility.objects.filter(pk__in=ids), "commune")
                .values_list("pk", flat=True))
    if len(found) != len(ids):
        raise DomainError(_("Some selected facilities do not exist; nothing was added."))
    present = set(campaign.attendances.filter(facility_id__in=ids).values_list("facility_id",
                                                                              flat=True))
    new = [Attendance(campaign=campaign, facility_id=pk, people=people, added_by=user)
           for pk in ids if pk not in present]
    Attendance.objects.bulk_create(new)
    if new:
        dataversion.bump_for(Attendance)  # bulk_create sends no post_save
    return len(new)


@transaction.atomic
def attendance_add_by_tax_codes(*, user, campaign: Campaign, text: str, people: int = 1) -> int:
    """Add the facilities of a pasted list of tax codes; any unknown code adds nothing."""
    check(user, "campaign.change", campaign)
    codes, bad = parse_tax_codes(text)
    if bad:
        raise DomainError(_("These are not tax codes: %(codes)s. Nothing was added.")
                          % {"codes": ", ".join(bad)})
    if not codes:
        raise DomainError(_("Paste at least one tax code."))
    known = dict(scope_queryset(user, Facility.objects.filter(tax_code__in=codes), "commune")
                 .values_list("tax_code", "pk"))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise DomainError(_("No facility has these tax codes: %(codes)s. Nothing was added.")
                          % {"codes": ", ".join(unknown)})
    return attendance_add(user=user, campaign=campaign, facility_ids=list(known.values()),
                          people=people)


@transaction.atomic
def attendance_set_people(*, user, attendance: Attendance, people: int) -> None:
    check(user, "campaign.change", attendance.campaign)
    if not 1 <= people <= 10_000:
        raise DomainError(_("The number of people must be between 1 and 10.000."))
    attendance.people = people
    attendance.save(update_fields=["people"])


@transaction.atomic
def attendance_remove(*, user, attendance: Attendance) -> None:
    check(user, "campaign.change", attendance.campaign)
    attendance.delete()


# ---- attachments and documents ----------------------------------------------------------------

def _checked(upload, allowed, max_mb: int) -> None:
    try:
        check_upload(upload, allowed, max_mb * MB)
    except UploadRefused as exc:
        raise DomainError(exc.message, field="file") from exc


@transaction.atomic
def attachment_add(*, user, campaign: Campaign, upload, kind: str) -> Attachment:
    check(user, "campaign.change", campaign)
    if kind == Attachment.Kind.PHOTO:
        _checked(upload, PHOTOS, 5)
    else:
        _checked(upload, DOCUMENTS, 20)
    return Attachment.objects.create(campaign=campaign, kind=kind, file=upload,
                                     original_name=(upload.name or "")[:255], size=upload.size,
                                     uploaded_by=user)


@transaction.atomic
def attachment_delete(*, user, attachment: Attachment) -> None:
    check(user, "campaign.change", attachment.campaign)
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def document_create(*, user, data: dict[str, Any], upload) -> Document:
    campaign = data.get("campaign")
    check_document(user, campaign)
    _checked(upload, DOCUMENTS, 20)
    return Document.objects.create(
        district_id=campaign.district_id if campaign is not None else writing_district_id(user),
        title=data["title"], kind=data["kind"], campaign=campaign,
        is_public=data.get("is_public", True), file=upload,
        original_name=(upload.name or "")[:255], size=upload.size, uploaded_by=user)


@transaction.atomic
def document_delete(*, user, document: Document) -> None:
    check(user, "campaign.view", document)  # 404 for another district's
    check_document(user, document.campaign if document.campaign_id else None)
    document.file.delete(save=False)
    document.delete()


def document_count_download(*, document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)


# ---- funding ----------------------------------------------------------------------------------

@transaction.atomic
def funding_line_add(*, user, owner: Campaign | DemonstrationModel,
                     data: dict[str, Any]) -> FundingLine:
    if isinstance(owner, Campaign):
        check(user, "campaign.change", owner)
        line = FundingLine(campaign=owner, **data)
    else:
        check(user, "model.change", owner)
        line = FundingLine(model=owner, **data)
    check_year(line.year, PLAN)  # budgets are planned ahead
    if line.spent_vnd > line.planned_vnd and line.planned_vnd:
        raise DomainError(_("Spent is more than planned; correct the planned amount first."),
                          field="spent_vnd")
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def funding_line_delete(*, user, line: FundingLine) -> None:
    check_funding_line(user, line)
    line.delete()


# ---- demonstration models ---------------------------------------------------------------------

MODEL_FIELDS = ["title", "host", "technology", "year", "before_year", "after_year",
                "description"]


def _check_model_years(model: DemonstrationModel) -> None:
    # A model may be proposed for a coming year; its energy is measured in years gone by.
    check_year(model.year, PLAN)
    for name in ("before_year", "after_year"):
        if getattr(model, name) is not None:
            check_year(getattr(model, name), FACT, field=name,
                       label=DemonstrationModel._meta.get_field(name).verbose_name)


def _check_host(user, model: DemonstrationModel) -> None:
    # The host is a facility the user may see (their district's): 404 otherwise, as its page.
    if model.host_id is not None:
        check(user, "facility.view", model.host)


def _set_measures(model: DemonstrationModel, measures) -> None:
    if measures is not None:
        model.cp_measures.set([m for m in measures if m.facility_id == model.host_id])


@transaction.atomic
def model_create(*, user, data: dict[str, Any]) -> DemonstrationModel:
    check(user, "model.change")
    model = DemonstrationModel(**{k: v for k, v in data.items() if k in MODEL_FIELDS},
                               district_id=writing_district_id(user))
    _check_host(user, model)
    _check_model_years(model)
    model.full_clean()
    model.save()
    _set_measures(model, data.get("cp_measures"))
    ModelTransition.objects.create(model=model, from_status="", to_status=model.status,
                                   moved_by=user, reason=_("Proposed"))
    return model


def model_describe(model: DemonstrationModel) -> Snapshot:
    """What the edit form shows of a demonstration model, for the conflict rule."""
    return describe(model, MODEL_FIELDS + ["cp_measures"])


@transaction.atomic
def model_update(*, user, model_id: int, data: dict[str, Any],
                 expected_version: int | None) -> DemonstrationModel:
    """Save an edit made on version `expected_version`; refuse it if the model moved on."""
    model = DemonstrationModel.objects.select_for_update().get(pk=model_id)
    check(user, "model.change", model)
    check_version(model, expected_version, model_describe)
    for name in MODEL_FIELDS:
        if name in data:
            setattr(model, name, data[name])
    _check_host(user, model)
    model.version += 1
    _check_model_years(model)
    model.full_clean()
    model.save()
    _set_measures(model, data.get("cp_measures"))
    return model


@transaction.atomic
def model_move(*, user, model_id: int, to_status: str, reason: str = "") -> DemonstrationModel:
    """Move a model one step forward, or one step back with a reason; every move is logged."""
    model = DemonstrationModel.objects.select_for_update().get(pk=model_id)
    check(user, "model.change", model)
    order = DemonstrationModel.ORDER
    if to_status not in order:
        raise DomainError(_("Unknown status."))
    step = order.index(to_status) - order.index(model.status)
    if step not in (1, -1):
        raise DomainError(_("A model moves one step at a time: from %(now)s it can go to "
                            "%(next)s, or back with a reason.") % {
            "now": model.get_status_display(),
            "next": DemonstrationModel.Status(order[min(order.index(model.status) + 1,
                                                        len(order) - 1)]).label})
    if step == -1 and not reason.strip():
        raise DomainError(_("Moving back needs a reason."), field="reason")
    ModelTransition.objects.create(model=model, from_status=model.status, to_status=to_status,
                                   reason=reason.strip()[:500], moved_by=user)
    model.status = to_status
    # Not a new version: the edit form does not show the status, so it cannot overwrite it.
    model.save(update_fields=["status"])
    return model

