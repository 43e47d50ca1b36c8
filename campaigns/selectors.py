"""Reads of campaigns, attendance, models and documents."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from accounts.models import Commune
from accounts.permissions import (
    can,
    check,
    check_funding_line,
    held_district_id,
    may_name,
    scope_queryset,
)
from audits import energy
from audits.selectors import energy_records_by_facility
from campaigns.models import (
    Attachment,
    Attendance,
    Campaign,
    DemonstrationModel,
    Document,
    FundingLine,
    FundingSource,
    ModelTransition,
)
from facilities.models import Facility
from melinh_sxsh.lib.text import fold


def _spent(**owner) -> Subquery:
    # A subquery, not Sum() over a join, so that other joined rows do not multiply the sum.
    lines = FundingLine.objects.filter(**owner).order_by().values(*owner)
    return Subquery(lines.annotate(total=Sum("spent_vnd")).values("total")[:1])


def campaigns_visible(user) -> QuerySet[Campaign]:
    """The campaigns of the user's district (every district's for those who read them all)."""
    return scope_queryset(user, Campaign.objects.all(), None, district_path="district")


def models_visible(user) -> QuerySet[DemonstrationModel]:
    """The demonstration models of the user's district (every district's for those who read
    them all)."""
    return scope_queryset(user, DemonstrationModel.objects.all(), None, district_path="district")


def campaign_list(user, *, kind: str = "", unit: str = "", year: int | None = None,
                  q: str = "", reached: QuerySet[Attendance] | None = None) -> QuerySet[Campaign]:
    """Campaigns with their people reached and facilities, and the VND `spent` on each for
    those who may see the budget (`budget.view`). With `reached` (the attendance of one
    commune's or sector's facilities), only the campaigns those facilities took part in, and
    `people` and `facility_count` are theirs, not the campaign's district-wide figures."""
    visible = campaigns_visible(user)
    if reached is None:
        campaigns = visible.annotate(facility_count=Count("attendances", distinct=True),
                                     people=F("people_reached"))
    else:
        theirs = reached.filter(campaign=OuterRef("pk")).order_by().values("campaign")
        campaigns = visible.filter(Exists(theirs)).annotate(
            facility_count=Subquery(theirs.annotate(n=Count("pk")).values("n")[:1]),
            people=Subquery(theirs.annotate(n=Sum("people")).values("n")[:1]))
    campaigns = campaigns.select_related("lead_unit").order_by("-starts_on", "-id")
    if can(user, "budget.view"):
        campaigns = campaigns.annotate(spent=_spent(campaign=OuterRef("pk")))
    if kind:
        campaigns = campaigns.filter(kind=kind)
    if unit:
        campaigns = campaigns.filter(lead_unit__code=unit)
    if year:
        campaigns = campaigns.filter(starts_on__year=year)
    for word in q.split()[:6]:
        campaigns = campaigns.filter(Q(title__icontains=word) | Q(place__icontains=word))
    return campaigns


def attendance_reaching(user, *, commune: str = "", sector: str = "") -> QuerySet[Attendance]:
    """Attendance by the facilities of a commune and/or a sector (codes), as far as the user
    may see it: a commune official sees only their own commune's."""
    reached = scope_queryset(user, Attendance.objects.all(), "facility__commune")
    if commune:
        reached = reached.filter(facility__commune__code=commune)
    if sector:
        reached = reached.filter(facility__sector__code=sector)
    return reached


def campaign_get(user, pk: int, action: str = "campaign.view") -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("lead_unit", "visited_model"),
                                 pk=pk)
    check(user, action, campaign)
    return campaign


def attendance_get(user, campaign_id: int, attendance_id: int,
                   action: str = "campaign.change") -> Attendance:
    """One facility's attendance of a campaign, if the user may do `action` on the campaign."""
    attendance = get_object_or_404(Attendance.objects.select_related("campaign", "facility"),
                                   pk=attendance_id, campaign_id=campaign_id)
    check(user, action, attendance.campaign)
    return attendance


def attachments_of(campaign: Campaign) -> QuerySet[Attachment]:
    return campaign.attachments.all()


def attachment_get(user, campaign_id: int, attachment_id: int,
                   action: str = "campaign.view") -> Attachment:
    """A campaign's attached file, if the user may do `action` on the campaign."""
    attachment = get_object_or_404(Attachment.objects.select_related("campaign"),
                                   pk=attachment_id, campaign_id=campaign_id)
    check(user, action, attachment.campaign)
    return attachment


def campaign_funding_lines(user, campaign: Campaign) -> list[FundingLine] | None:
    """The campaign's funding lines; None (not shown at all) for whom may not see the budget."""
    if not can(user, "budget.view"):
        return None
    return list(campaign.funding_lines.select_related("source"))


def campaign_documents(campaign: Campaign) -> QuerySet[Document]:
    return campaign.documents.all()


def funding_line_get(user, line_id: int) -> FundingLine:
    """A funding line the user may remove: whoever may change its campaign or its model."""
    line = get_object_or_404(FundingLine.objects.select_related("campaign", "model", "source"),
                             pk=line_id)
    check_funding_line(user, line)
    return line


def campaigns_attended(facility) -> QuerySet[Attendance]:
    """The campaigns a facility took part in, newest first: the facility page's section (whoever
    sees the facility may see the campaigns: campaign.view is everyone's)."""
    return facility.attendances.select_related("campaign").order_by(
        "-campaign__starts_on", "-campaign_id")


def campaigns_attended_by(facility_ids) -> dict[int, list[Attendance]]:
    """`campaigns_attended` of several facilities at once, by facility id: one query."""
    grouped: dict[int, list[Attendance]] = {pk: [] for pk in facility_ids}
    for attendance in Attendance.objects.filter(facility_id__in=list(grouped)).select_related(
            "campaign").order_by("-campaign__starts_on", "-campaign_id"):
        grouped[attendance.facility_id].append(attendance)
    return grouped


def attendance_of(user, campaign: Campaign) -> QuerySet[Attendance]:
    """The facilities that took part; a commune official sees only those of their commune."""
    return scope_queryset(
        user, campaign.attendances.select_related("facility__commune"), "facility__commune")


def facility_candidates(user, *, q: str = "", commune_id: int | None = None,
                        limit: int = 100) -> QuerySet[Facility]:
    """Facilities to add to a campaign, found by name/tax code/address or by commune, among
    those the user may see."""
    facilities = scope_queryset(user, Facility.objects.select_related("commune"), "commune")
    if not q and not commune_id:
        return facilities.none()
    for word in fold(q).split()[:8]:
        facilities = facilities.filter(search_text__contains=word)
    if commune_id:
        facilities = facilities.filter(commune_id=commune_id)
    return facilities[:limit]


def model_get(user, pk: int, action: str = "campaign.view") -> DemonstrationModel:
    model = get_object_or_404(DemonstrationModel.objects.select_related("host__commune"), pk=pk)
    check(user, action, model)
    return model


def model_transitions(model: DemonstrationModel) -> QuerySet[ModelTransition]:
    return model.transitions.select_related("moved_by")


def model_study_tours(model: DemonstrationModel) -> QuerySet[Campaign]:
    return model.study_tours.select_related("lead_unit")


def model_list(user, *, year: int | None = None, commune: str = "",
               sector: str = "") -> list[DemonstrationModel]:
    """Every model (a district activity), or with a commune or sector code those hosted by its
    facilities; each with `host_named`: whether the page may name its host to this user
    (accounts/permissions.may_name), and for those who may see the budget the VND `spent` on
    it (None where the host is not named: its funding counts the host's own money)."""
    models = models_visible(user).select_related("host__commune").annotate(
        tour_count=Count("study_tours", distinct=True)).order_by("-year", "title")
    if can(user, "budget.view"):
        models = models.annotate(spent=_spent(model=OuterRef("pk")))
    if year:
        models = models.filter(year=year)
    if commune:
        models = models.filter(host__commune__code=commune)
    if sector:
        models = models.filter(host__sector__code=sector)
    models = list(models)
    for model in models:
        model.host_named = may_name(user, model.host)
        if not model.host_named:
            model.spent = None
    return models


def funding_source_get(code: str) -> FundingSource:
    return get_object_or_404(FundingSource, code=code)


def funding_lines(*, year: int | None = None, source: str = "", user=None) -> QuerySet[FundingLine]:
    """Funding lines of a year and source; with `user`, those of the campaigns and models of the
    user's district only (every district's for those who read them all)."""
    lines = FundingLine.objects.select_related("source", "campaign__lead_unit", "model")
    if user is not None and (district_id := held_district_id(user)) is not None:
        lines = lines.filter(Q(campaign__district_id=district_id)
                             | Q(model__district_id=district_id))
    if year:
        lines = lines.filter(year=year)
    if source:
        lines = lines.filter(source__code=source)
    return lines


def document_list(user, *, kind: str = "", q: str = "") -> QuerySet[Document]:
    """The library of the user's district (every district's for those who read them all)."""
    documents = scope_queryset(user, Document.objects.select_related("campaign"), None,
                               district_path="district")
    if kind:
        documents = documents.filter(kind=kind)
    for word in q.split()[:6]:
        documents = documents.filter(title__icontains=word)
    return documents


def document_get(pk: int, user=None) -> Document:
    """A document; with `user` (the signed-in pages), one they may read: 404 for another
    district's."""
    document = get_object_or_404(Document.objects.select_related("campaign"), pk=pk)
    if user is not None:
        check(user, "campaign.view", document)
    return document


@dataclass(frozen=True)
class ModelResult:
    """The host's energy before and after the model, from its own records (audits/energy.py)."""

    before: object | None
    after: object | None
    sec_before: Decimal | None
    sec_after: Decimal | None
    ratio: Decimal | None
    saved_toe: Decimal | None


@dataclass(frozen=True)
class ModelHost:
    """What a model's page shows of its host: all of it when the user may name the host;
    otherwise only its commune: neither its measures, nor its energy result, nor the model's
    funding (which counts the host's own money). The funding lines are None (not shown at all)
    also for whom may not see the budget (`budget.view`)."""

    named: bool
    facility: Facility | None
    commune: Commune
    measures: list
    result: ModelResult | None
    funding_lines: list | None


def model_host(user, model: DemonstrationModel) -> ModelHost:
    if not may_name(user, model.host):
        return ModelHost(False, None, model.host.commune, [], None, None)
    lines = (list(model.funding_lines.select_related("source"))
             if can(user, "budget.view") else None)
    return ModelHost(True, model.host, model.host.commune,
                     list(model.cp_measures.select_related("technique")), model_result(model),
                     lines)


def model_result(model: DemonstrationModel) -> ModelResult | None:
    if not (model.before_year and model.after_year):
        return None
    records = energy_records_by_facility(Facility.objects.filter(pk=model.host_id)).get(
        model.host_id, [])
    before = energy.record_of_year(records, model.before_year)
    after = energy.record_of_year(records, model.after_year)
    return ModelResult(before, after, energy.record_sec(before) if before else None,
                       energy.record_sec(after) if after else None,
                       energy.saving_ratio(before, after), energy.energy_saved_toe(before, after))
