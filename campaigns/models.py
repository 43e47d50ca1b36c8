"""Activities of the plan: campaigns with their attendance, demonstration models, funding lines
and the documents library."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import District, OfDistrict, Unit
from facilities.locking import YearLocked
from facilities.models import Facility
from melinh_sxsh.lib.forms import number_text
from melinh_sxsh.lib.years import FIRST_YEAR

BIG_COUNT = [MaxValueValidator(100_000_000)]


class FundingSource(models.Model):
    """A budget the plan names (khuyến công, science and technology, environment, ...)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.name


class DemonstrationModel(OfDistrict, models.Model):
    """A pilot of cleaner production at a host facility, visited by study tours."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        EVALUATED = "evaluated", _("evaluated")

    ORDER = [Status.PROPOSED, Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED,
             Status.EVALUATED]

    title = models.CharField(_("title"), max_length=255)
    host = models.ForeignKey(Facility, verbose_name=_("host facility"), on_delete=models.PROTECT,
                             related_name="demonstration_models")
    # The host's district.
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="demonstration_models")
    technology = models.TextField(_("technology"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    before_year = models.PositiveSmallIntegerField(
        _("year measured before"), null=True, blank=True,
        help_text=_("The host's energy record of this year is the result's starting point."))
    after_year = models.PositiveSmallIntegerField(
        _("year measured after"), null=True, blank=True,
        help_text=_("The host's energy record of this year shows the result."))
    description = models.TextField(_("description"), blank=True)
    cp_measures = models.ManyToManyField(
        "audits.CPMeasure", verbose_name=_("CP measures"), blank=True,
        related_name="demonstration_models",
        help_text=_("The host's measures this model demonstrates."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("demonstration model")
        verbose_name_plural = _("demonstration models")

    def __str__(self) -> str:
        return self.title

    @property
    def scope_commune_id(self) -> None:
        # A model is a district activity: every commune may read it, but only the host's
        # commune sees who the host is (accounts/permissions.py, "Naming a facility").
        return None

    def clean(self) -> None:
        if self.before_year and self.after_year and self.after_year <= self.before_year:
            raise ValidationError({"after_year": _("The year after must follow the year before.")})


class ModelTransition(models.Model):
    """One move of a demonstration model along its statuses: who, when and why."""

    model = models.ForeignKey(DemonstrationModel, verbose_name=_("demonstration model"),
                              on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from status"), max_length=12,
                                   choices=DemonstrationModel.Status.choices)
    to_status = models.CharField(_("to status"), max_length=12,
                                 choices=DemonstrationModel.Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moved by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("status change of a model")
        verbose_name_plural = _("status changes of models")

    def __str__(self) -> str:
        return f"{self.model}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Campaign(OfDistrict, models.Model):
    """An awareness or capacity activity run by one implementing unit."""

    class Kind(models.TextChoices):
        TRAINING_CONFERENCE = "training_conference", _("Training conference")
        WORKSHOP = "workshop", _("Workshop")
        PRINTED_MATERIALS = "printed_materials", _("Printed materials")
        LEAFLETS = "leaflets", _("Leaflets")
        RADIO = "radio", _("Radio broadcast")
        WEB_ARTICLE = "web_article", _("Web article")
        STUDY_TOUR = "study_tour", _("Study tour")
        TRAINING_COURSE = "training_course", _("Training course")
        CONSULTING = "consulting", _("Consulting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                  related_name="campaigns")
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="campaigns")
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0,
                                                 validators=BIG_COUNT)
    copies_printed = models.PositiveIntegerField(_("copies printed"), default=0,
                                                 validators=BIG_COUNT)
    broadcasts_aired = models.PositiveIntegerField(_("broadcasts aired"), default=0,
                                                   validators=[MaxValueValidator(100_000)])
    description = models.TextField(_("description"), blank=True)
    visited_model = models.ForeignKey(
        DemonstrationModel, verbose_name=_("demonstration model visited"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="study_tours",
        help_text=_("For a study tour: the model it visited."))
    is_public = models.BooleanField(_("show on the public pages"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [
            # The KPI engine: attendance at campaigns that started in or before a year.
            models.Index(fields=["starts_on"], name="campaign_starts_on"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_unit_id(self) -> int:
        return self.lead_unit_id

    @property
    def scope_commune_id(self) -> None:
        return None

    def clean(self) -> None:
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot be before the start date.")
        if self.visited_model_id and self.kind != self.Kind.STUDY_TOUR:
            errors["visited_model"] = _("Only a study tour visits a demonstration model.")
        if errors:
            raise ValidationError(errors)


class Attendance(YearLocked):
    """A facility that took part in a campaign: evidence of awareness for the KPI."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="attendances")
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="attendances")
    people = models.PositiveSmallIntegerField(_("people sent"), default=1,
                                              validators=[MinValueValidator(1),
                                                          MaxValueValidator(10_000)])
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True,
                                 blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "facility__name_sort"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "facility"], name="attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} @ {self.campaign}"

    @property
    def scope_unit_id(self) -> int:
        return self.campaign.lead_unit_id

    @property
    def scope_commune_id(self) -> int:
        # The campaign is the district's; who took part is the facility's commune's.
        return self.facility.commune_id

    def locked_year(self) -> int | None:
        # None while the admin's form has no campaign yet: its own error says so.
        return self.campaign.starts_on.year if self.campaign_id else None


class FundingLine(models.Model):
    """Money of one source for one campaign or demonstration model, in VND."""

    source = models.ForeignKey(FundingSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="lines")
    year = models.PositiveSmallIntegerField(_("budget year"),
                                            validators=[MinValueValidator(FIRST_YEAR)])
    planned_vnd = models.PositiveBigIntegerField(_("planned (VND)"), default=0)
    spent_vnd = models.PositiveBigIntegerField(_("spent (VND)"), default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="funding_lines")
    model = models.ForeignKey(DemonstrationModel, verbose_name=_("demonstration model"), null=True,
                              blank=True,
                              on_delete=models.CASCADE, related_name="funding_lines")

    class Meta:
        ordering = ["year", "source_id", "id"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(campaign__isnull=False, model__isnull=True)
                           | models.Q(campaign__isnull=True, model__isnull=False)),
                name="funding_line_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["year", "source"], name="funding_year_source")]

    def __str__(self) -> str:
        return f"{self.source} {self.year}: {number_text(self.planned_vnd)}"

    @property
    def rest_vnd(self) -> int:
        return self.planned_vnd - self.spent_vnd

    @property
    def scope_unit_id(self) -> int | None:
        return self.campaign.lead_unit_id if self.campaign_id else None


def attachment_path(instance, filename: str) -> str:
    return f"campaigns/{instance.campaign_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        PHOTO = "photo", _("photo")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Document(OfDistrict, models.Model):
    """An item of the documents library: handbooks, leaflets, radio scripts, slides."""

    class Kind(models.TextChoices):
        HANDBOOK = "handbook", _("Handbook")
        LEAFLET = "leaflet", _("Leaflet")
        RADIO_SCRIPT = "radio_script", _("Radio script")
        SLIDES = "slides", _("Slides")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="documents/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="documents")
    # The campaign's district, or the district whose library it is.
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="documents")
    is_public = models.BooleanField(_("show on the public pages"), default=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def scope_unit_id(self) -> int | None:
        return self.campaign.lead_unit_id if self.campaign_id else None
