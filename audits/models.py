"""Energy carriers and CP techniques (reference data), energy records with their uses, CP
measures, and the data-quality flags computed from them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import District, OfDistrict
from audits.energy import use_toe
from facilities.locking import YearLocked
from facilities.models import Facility, OfFacility
from melinh_sxsh.lib.forms import number_text
from melinh_sxsh.lib.years import FIRST_YEAR


class EnergyCarrier(models.Model):
    """A fuel or electricity with its factor to tonnes of oil equivalent (MOIT 3505/BCT-KHCN)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    toe_per_unit = models.DecimalField(_("TOE per unit"), max_digits=14, decimal_places=8)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("energy carrier")
        verbose_name_plural = _("energy carriers")
        constraints = [
            models.UniqueConstraint(fields=["name", "unit"], name="carrier_name_unit_unique"),
            models.CheckConstraint(
                condition=models.Q(toe_per_unit__gt=0), name="carrier_factor_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class CPTechnique(models.Model):
    """One of the eight standard cleaner-production techniques (UNEP)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cleaner-production technique")
        verbose_name_plural = _("cleaner-production techniques")

    def __str__(self) -> str:
        return self.name


class EnergyRecord(OfFacility, YearLocked):
    """What a facility produced and the energy it used in one year; one per facility and year.

    Total TOE and SEC are derived (audits/energy.py), never stored.
    """

    class Source(models.TextChoices):
        RAPID = "rapid", _("Rapid assessment")
        DETAILED = "detailed", _("Detailed assessment")
        ANNUAL = "annual", _("Annual report")

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="energy_records")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    output = models.DecimalField(
        _("production output"), max_digits=18, decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text=_("Zero is accepted but flagged by the data-quality rules."),
    )
    product_unit = models.CharField(_("product unit"), max_length=50)
    source = models.CharField(_("data source"), max_length=10, choices=Source.choices,
                              blank=True)
    is_baseline = models.BooleanField(
        _("baseline year"), default=False,
        help_text=_("Later years are compared with the latest earlier record marked as baseline."),
    )
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Raised by each save of the edit form (lib/conflicts.py): a save on an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        ordering = ["facility", "year"]
        verbose_name = _("energy record")
        verbose_name_plural = _("energy records")
        constraints = [
            models.UniqueConstraint(fields=["facility", "year"], name="one_energy_record_per_year"),
            models.CheckConstraint(condition=models.Q(output__gte=0),
                                   name="energy_output_not_negative"),
        ]
        indexes = [
            # The record list's year filter, and the facility list's "has energy" filter.
            models.Index(fields=["year", "facility"], name="energy_record_year"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}"

    def locked_year(self) -> int:
        return self.year

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class EnergyUse(YearLocked):
    """The quantity of one energy carrier used in a record's year."""

    record = models.ForeignKey(EnergyRecord, verbose_name=_("energy record"),
                               on_delete=models.CASCADE, related_name="uses")
    carrier = models.ForeignKey(EnergyCarrier, verbose_name=_("energy carrier"),
                                on_delete=models.PROTECT, related_name="uses")
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4,
                                   validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["record", "carrier"]
        verbose_name = _("energy use")
        verbose_name_plural = _("energy uses")
        constraints = [
            models.UniqueConstraint(fields=["record", "carrier"], name="one_use_per_carrier"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0),
                                   name="energy_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier}: {number_text(self.quantity)}"

    @property
    def toe(self) -> Decimal:
        return use_toe(self.quantity, self.carrier.toe_per_unit)

    @property
    def scope_commune_id(self) -> int:
        return self.record.facility.commune_id

    @property
    def scope_facility_id(self) -> int:
        return self.record.facility_id

    def locked_year(self) -> int:
        return self.record.year

    def lock_scope(self) -> dict:
        return {"district__communes__facilities__energy_records": self.record_id}


class CPMeasure(OfFacility, YearLocked):
    """A cleaner-production measure at a facility: one of the eight techniques, what it cost and
    what it saves each year (VND, integers)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IMPLEMENTED = "implemented", _("Implemented")

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="cp_measures")
    technique = models.ForeignKey(CPTechnique, verbose_name=_("technique"),
                                  on_delete=models.PROTECT, related_name="measures")
    description = models.CharField(_("description"), max_length=500)
    investment_vnd = models.PositiveBigIntegerField(_("investment (VND)"), default=0)
    yearly_saving_vnd = models.PositiveBigIntegerField(_("yearly saving (VND)"), default=0)
    energy_saved_toe = models.DecimalField(_("energy saved (TOE per year)"), max_digits=14,
                                           decimal_places=3, null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PROPOSED)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Raised by each save of the edit form (lib/conflicts.py): a save on an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        ordering = ["facility", "-implemented_on", "id"]
        verbose_name = _("cleaner-production measure")
        verbose_name_plural = _("cleaner-production measures")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="implemented") | models.Q(implemented_on__isnull=False),
                name="implemented_measure_has_date",
            ),
        ]
        indexes = [
            # "Facilities with a measure implemented in / by year y" of the KPI engine.
            models.Index(fields=["status", "implemented_on"], name="measure_implemented"),
            # The KPI engine's per-facility EXISTS "a measure implemented by / in year y":
            # without the facility first, SQLite scans every implemented measure per facility.
            models.Index(fields=["facility", "status", "implemented_on"],
                         name="measure_facility_implemented"),
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.technique}"

    @property
    def is_implemented(self) -> bool:
        return self.status == self.Status.IMPLEMENTED

    @property
    def payback_years(self) -> Decimal | None:
        """Simple payback in years = investment / yearly saving; None when nothing is saved."""
        if not self.yearly_saving_vnd:
            return None
        return Decimal(self.investment_vnd) / Decimal(self.yearly_saving_vnd)

    def locked_year(self) -> int | None:
        # A proposal belongs to no year; an implemented measure to its implementation year.
        return self.implemented_on.year if self.implemented_on else None

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.IMPLEMENTED and self.implemented_on is None:
            raise ValidationError({"implemented_on": _(
                "Give the date the measure was implemented.")})
        if self.status == self.Status.PROPOSED and self.implemented_on is not None:
            raise ValidationError({"implemented_on": _(
                "Only an implemented measure has an implementation date.")})
        if self.implemented_on and self.implemented_on > timezone.localdate():
            raise ValidationError({"implemented_on": _(
                "The implementation date cannot be in the future.")})


class QualityFlag(OfFacility, models.Model):
    """A data-quality rule that one facility breaks in one year.

    The rules are those of docs/ARCHITECTURE.md, "Data quality". Derived from the facility's
    records, measures and statuses and rebuilt whenever they change (audits/quality.py), so that
    fixing the source clears the flag; never edited by hand.
    """

    class Rule(models.TextChoices):
        NO_BASELINE = "no_baseline", _("Energy record without a baseline")
        UNIT_CHANGED = "unit_changed", _("Product unit differs from the baseline's")
        SEC_JUMP = "sec_jump", _("SEC changed by more than half in a year")
        ZERO_VALUE = "zero_value", _("Output or energy of zero")
        APPLYING_NO_MEASURE = "applying_no_measure", _("Applying without a CP measure")
        MISSING_STATUS = "missing_status", _("Operating facility without a status")

    # Derived data: it goes with the facility and never keeps one from being deleted.
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="quality_flags")
    year = models.PositiveSmallIntegerField(_("year"))
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    message = models.CharField(_("message"), max_length=500)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        ordering = ["rule", "-year", "facility"]
        verbose_name = _("data-quality flag")
        verbose_name_plural = _("data-quality flags")
        constraints = [
            models.UniqueConstraint(fields=["facility", "year", "rule"], name="one_flag_per_rule"),
        ]
        indexes = [
            # The quality page: violations by rule, filtered by year.
            models.Index(fields=["rule", "year"], name="flag_rule_year"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}: {self.get_rule_display()}"


class DataRequest(OfDistrict, models.Model):
    """A request to facilities for their figures of one year (Yêu cầu cung cấp số liệu): each
    facility asked gets one Submission (docs/ARCHITECTURE.md, "Data requests")."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    deadline = models.DateField(_("deadline"))
    title = models.CharField(_("title"), max_length=300)
    asks_energy = models.BooleanField(_("production output and energy by carrier"), default=True)
    asks_baseline = models.BooleanField(
        _("the baseline year, for a facility that has none"), default=False
    )
    asks_measures = models.BooleanField(_("CP measures implemented"), default=True)
    asks_employees = models.BooleanField(_("employees"), default=False)
    # Staff may let the commune officials accept or return their own commune's forms.
    communes_review = models.BooleanField(
        _("commune officials may accept or return their commune's forms"), default=False
    )
    # The district whose facilities are asked (its staff made the request).
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="data_requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    def __str__(self) -> str:
        return self.title


class Submission(OfFacility, models.Model):
    """One facility's answer to a data request, and where it stands: requested → draft →
    submitted → returned (with the reviewer's reason) → submitted → accepted. Only
    audits/submissions.py moves it, each move recorded as a SubmissionTransition."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    request = models.ForeignKey(DataRequest, verbose_name=_("data request"),
                                on_delete=models.CASCADE, related_name="submissions")
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="submissions")
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.REQUESTED)
    output = models.DecimalField(_("production output"), max_digits=18, decimal_places=4,
                                 null=True, blank=True, validators=[MinValueValidator(0)])
    product_unit = models.CharField(_("product unit"), max_length=50, blank=True)
    # carrier id (as text) -> quantity (as text): the energy lines the facility reports.
    lines = models.JSONField(_("energy by carrier"), default=dict, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    # Free text of the forms sent before measures were entered line by line; kept, and shown.
    measures = models.TextField(_("CP measures implemented"), blank=True)
    # The CP measures the facility reports, one dict a line (audits/submission_measures.py):
    # written as CPMeasures, through the staff's service, when the form is accepted.
    measure_lines = models.JSONField(_("CP measures implemented, line by line"), default=list,
                                     blank=True)
    # data-quality rule -> the facility's explanation of it.
    explanations = models.JSONField(_("explanations"), default=dict, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=1000, blank=True)
    record = models.ForeignKey(EnergyRecord, verbose_name=_("energy record written"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    # The baseline year's figures, from a facility without an earlier record when the request
    # asks (audits/submission_baseline.py): year, output, product unit, carrier id -> quantity.
    baseline = models.JSONField(_("baseline year's figures"), default=dict, blank=True)
    # Written at acceptance only if the facility still had no earlier record then.
    baseline_record = models.ForeignKey(
        EnergyRecord, verbose_name=_("baseline record written"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Raised by each save (lib/conflicts.py): a save or a review of an older one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["request", "facility"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["request", "facility"],
                                    name="one_submission_per_request"),
        ]
        indexes = [models.Index(fields=["request", "state"], name="submission_request_state")]

    def __str__(self) -> str:
        return f"{self.facility} {self.request.year}"

    @property
    def delegated_to_commune(self) -> bool:
        """Whether its commune's officials may accept or return it (accounts/permissions.py,
        DELEGABLE)."""
        return self.request.communes_review

    def energy_lines(self) -> dict[int, Decimal]:
        """The energy reported, carrier id -> quantity, by carrier id (stored as JSON text)."""
        return {int(carrier): Decimal(quantity)
                for carrier, quantity in sorted(self.lines.items(), key=lambda kv: int(kv[0]))}

    @property
    def is_open(self) -> bool:
        """Whether the facility may still change it."""
        return self.state in OPEN_STATES


# The states in which the facility may still change its form (and is late past the deadline).
OPEN_STATES = (Submission.State.REQUESTED, Submission.State.DRAFT, Submission.State.RETURNED)


class SubmissionTransition(models.Model):
    """One move of a submission: who, when, and the reason given."""

    submission = models.ForeignKey(Submission, verbose_name=_("submission"),
                                   on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from state"), max_length=10,
                                  choices=Submission.State.choices)
    to_state = models.CharField(_("to state"), max_length=10, choices=Submission.State.choices)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moved by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("state change of a submission")
        verbose_name_plural = _("state changes of submissions")

    def __str__(self) -> str:
        return f"{self.submission}: {self.get_from_state_display()} → {self.get_to_state_display()}"


class Invitation(OfFacility, models.Model):
    """A one-time activation code for a facility without an account: only its keyed hash is
    stored; it works once and until it expires."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="invitations")
    request = models.ForeignKey(DataRequest, verbose_name=_("data request"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="invitations")
    code_hash = models.CharField(_("code (hashed)"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return str(self.facility)


class ActivationAttempt(models.Model):
    """Wrong activation codes from one address, counted like wrong passwords: at the login
    lock's limit further tries from there are refused until its cool-off time has passed."""

    client_ip = models.CharField(_("address"), max_length=45, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"))

    class Meta:
        verbose_name = _("wrong activation code")
        verbose_name_plural = _("wrong activation codes")

    def __str__(self) -> str:
        return self.client_ip


class Reminder(models.Model):
    """One e-mail about a data request's deadline (7 days before, 1 day before, overdue): to a
    facility whose form is still open, or to a commune official, the digest of their commune's
    facilities still open. Recorded before it is sent, and unique, so that no run of the task,
    nor two at once, sends it twice (audits/reminders.py)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("7 days before the deadline")
        DAY = "day", _("1 day before the deadline")
        OVERDUE = "overdue", _("overdue")

    request = models.ForeignKey(DataRequest, verbose_name=_("data request"),
                                on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    facility = models.ForeignKey(Facility, verbose_name=_("facility"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    email = models.EmailField(_("email"))
    # Set when a run takes it, before sending; sent_at once the server took it. A claim without
    # sent_at is a send in progress, or one whose process died: retried once it is stale.
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "kind", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "facility"],
                                    condition=models.Q(facility__isnull=False),
                                    name="one_reminder_per_facility"),
            models.UniqueConstraint(fields=["request", "kind", "recipient"],
                                    condition=models.Q(recipient__isnull=False),
                                    name="one_digest_per_official"),
            # A facility's reminder or an official's digest, never both nor neither.
            models.CheckConstraint(
                condition=models.Q(facility__isnull=False, recipient__isnull=True)
                | models.Q(facility__isnull=True, recipient__isnull=False),
                name="reminder_has_one_addressee"),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()} → {self.email}"
