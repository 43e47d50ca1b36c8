"""The plans (the city's and each district's under it) with their targets and their units'
duties, and the generated reports."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Commune, District, Unit
from melinh_sxsh.lib.forms import number_text
from melinh_sxsh.lib.jobs import BackgroundJob


class Plan(models.Model):
    """A yearly cleaner-production action plan: a district's, e.g. 108/KH-UBND of 28/3/2018 of
    Mê Linh, or the city's (no district), e.g. 1048/KH-SCT, which the districts' plans of its
    year implement (`parent`). The KPI engine evaluates each district against its own plan
    (docs/KPI.md, "Scopes and plans")."""

    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="plans",
                                 help_text=_("Empty for the city's plan."))
    parent = models.ForeignKey("self", verbose_name=_("city plan"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="district_plans",
                               limit_choices_to={"district__isnull": True})
    code = models.CharField(_("number and symbol"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("plan year"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    # The city plan's deadline for the districts' reports of its year; empty: 15 December
    # (docs/KPI.md, "Reports sent to the city").
    report_due = models.DateField(_("reports due on"), null=True, blank=True)
    # Raised by each save of the plan form, its targets and tasks included, and by a progress
    # report that changes a task's status (lib/conflicts.py): a save on an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline_year__lt=models.F("year")),
                name="plan_baseline_before_year",
            ),
            # One plan per district and year, and one city plan per year (NULLs are distinct
            # in a unique index, hence the second constraint).
            models.UniqueConstraint(fields=["district", "year"],
                                    name="plan_once_per_district_and_year"),
            models.UniqueConstraint(fields=["year"], condition=models.Q(district__isnull=True),
                                    name="city_plan_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(district__isnull=False),
                name="plan_parent_only_for_a_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.year})"

    @property
    def is_city_plan(self) -> bool:
        return self.district_id is None

    @property
    def scope_district_id(self) -> int | None:
        """accounts/permissions.py: None is the city's own plan, read by every district."""
        return self.district_id


class Target(models.Model):
    class Indicator(models.TextChoices):
        AWARE = "aware", _("Facilities aware of cleaner production")
        SAVING = "saving", _("Facilities applying CP and saving energy")
        OFFICERS = "officers", _("State officers in charge of CP")

    class Mode(models.TextChoices):
        RELATIVE = "relative", _("relative change (%)")
        POINTS = "points", _("change of the share (percentage points)")
        ABSOLUTE = "absolute", _("absolute number")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices,
                            default=Mode.RELATIVE)
    value = models.DecimalField(_("target value"), max_digits=8, decimal_places=2)
    band_low = models.DecimalField(_("saving band from (%)"), max_digits=5, decimal_places=2,
                                   null=True, blank=True)
    band_high = models.DecimalField(_("saving band to (%)"), max_digits=5, decimal_places=2,
                                    null=True, blank=True)

    class Meta:
        ordering = ["plan", "indicator"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="target_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {number_text(self.value)}"

    @property
    def scope_district_id(self) -> int | None:
        return self.plan.district_id


DEFAULT_BAND = (Decimal("8"), Decimal("13"))


class PlanTask(models.Model):
    """The duty of one implementing unit in a plan (section IV)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="tasks")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="tasks")
    duty = models.TextField(_("duty"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.NOT_STARTED)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Raised by each change of the task and by each progress report on it (lib/conflicts.py).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["plan", "unit__position"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="one_task_per_unit_and_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.duty[:60]}"

    @property
    def scope_unit_id(self) -> int:
        return self.unit_id

    @property
    def scope_district_id(self) -> int | None:
        return self.plan.district_id


def task_report_path(instance, filename: str) -> str:
    return f"tasks/{instance.task_id}/{filename}"


class TaskReport(models.Model):
    """A dated progress report an implementing unit posts on its duty in the plan."""

    task = models.ForeignKey(PlanTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="reports")
    reported_on = models.DateField(_("date of the report"))
    text = models.TextField(_("progress"))
    status = models.CharField(_("status of the task"), max_length=15,
                              choices=PlanTask.Status.choices)
    attachment = models.FileField(_("attachment"), upload_to=task_report_path, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["task", "reported_on"], name="taskreport_task_date")]

    def __str__(self) -> str:
        return f"{self.task.unit} {self.reported_on:%d/%m/%Y}"

    @property
    def scope_district_id(self) -> int | None:
        return self.task.plan.district_id


class Report(BackgroundJob):
    """A generated progress report (PDF or workbook) for a plan year and a scope.

    Built by a worker (reports/building.py); once issued, its file and the KPI snapshot it
    printed never change, whatever happens to the data later."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    year = models.PositiveSmallIntegerField(_("plan year"))
    # The district the report is about (and whose people may open it); a commune's report is
    # its commune's district's. Empty only for the city's report (`is_city`).
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reports")
    # The city's report of the year (Sở Công Thương to UBND thành phố): every district's
    # figures, read only by those who read every district (accounts/permissions.py).
    is_city = models.BooleanField(_("city report"), default=False)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="reports",
                                help_text=_("Empty for the whole district."))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices,
                              default=Format.PDF)
    number = models.CharField(_("number and symbol"), max_length=50, blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # The signature block of the printed report (Decree 30/2020/NĐ-CP): who signs, as what.
    signer = models.CharField(_("signer's name"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    snapshot = models.JSONField(_("KPI snapshot"), default=dict, blank=True)
    built_on = models.DateField(_("built on"), null=True, blank=True)
    scheduled = models.BooleanField(_("scheduled"), default=False,
                                    help_text=_("Built by the weekly schedule."))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # The city's answer to an issued district report (issuing one submits it): returned, with
    # why. The report itself stays issued and unchanged; the district issues a new one.
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    return_reason = models.TextField(_("reason for returning"), blank=True)

    task_path = "reports.tasks.build_report"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            # The beat's sweeps: stale running reports, old drafts.
            models.Index(fields=["status", "heartbeat_at"], name="report_status_heartbeat"),
        ]
        constraints = [
            # A city report has neither district nor commune; every other report a district.
            models.CheckConstraint(
                condition=(models.Q(is_city=True, district__isnull=True, commune__isnull=True)
                           | models.Q(is_city=False, district__isnull=False)),
                name="report_city_or_district",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(str(part) for part in (self.year, self.commune or "",
                                                self.get_format_display()) if part)

    # A district's people never see the city's report, nor find it in a list
    # (accounts/permissions.py, "Districts").
    scope_city_only_field = "is_city"

    @property
    def scope_district_id(self) -> int | None:
        return self.district_id

    @property
    def scope_city_only(self) -> bool:
        return self.is_city

    @property
    def scope_commune_id(self) -> int:
        # A district report lists every commune's facilities: it belongs to no single
        # commune, so a commune official may not open it (0 matches no commune).
        return self.commune_id or 0

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_submission(self) -> bool:
        """An issued report of a whole district: what the district sent to the city."""
        return self.is_issued and self.commune_id is None and not self.is_city

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None
