"""The facility registry and each facility's yearly cleaner-production status."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Commune, District, OfDistrict
from facilities.locking import YearLocked
from melinh_sxsh.lib.importing import REGISTRY
from melinh_sxsh.lib.jobs import BackgroundJob
from melinh_sxsh.lib.text import fold, sort_key
from melinh_sxsh.lib.years import (
    FIRST_OPERATING_YEAR,
    FIRST_YEAR,
    OPERATING,
    is_valid,
    out_of_range,
    spans,
)

# The tax-code rule, for the model, its forms, the import templates and pasted lists alike.
TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
TAX_CODE_MESSAGE = _("a tax code has 10 digits, or 10 digits, a hyphen and 3 digits")


def validate_tax_code(value: str) -> None:
    if not TAX_CODE_RE.match(value or ""):
        raise ValidationError(TAX_CODE_MESSAGE, code="invalid")


def normalize_tax_code(value: Any) -> str:
    """A tax code as stored: 10 digits, or 10 digits, a hyphen and 3; dots and spaces dropped,
    and the leading 0 a number cell lost put back. ValidationError otherwise."""
    if isinstance(value, bool):
        raise ValidationError(TAX_CODE_MESSAGE, code="invalid")
    if isinstance(value, (int, float, Decimal)):
        try:
            whole = int(value)
        except (ValueError, OverflowError):  # NaN, infinity
            raise ValidationError(TAX_CODE_MESSAGE, code="invalid") from None
        if whole != value or whole < 0:
            raise ValidationError(TAX_CODE_MESSAGE, code="invalid")
        text = str(whole)
        if len(text) == 9:
            text = "0" + text
    else:
        text = re.sub(r"[.\s\u00a0]", "", str(value))
    validate_tax_code(text)
    return text


class OfFacility:
    """An object that belongs to one facility: the permission checker reads its scope (the
    facility's commune, and the facility itself for an enterprise account) from here."""

    @property
    def scope_commune_id(self) -> int:
        return self.facility.commune_id

    @property
    def scope_facility_id(self) -> int:
        return self.facility_id


class Sector(models.Model):
    """A VSIC 2018 level-2 manufacturing division (section C, codes 10-33)."""

    code = models.CharField(_("VSIC code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"C{self.code} – {self.name}"


class Facility(models.Model):
    """A production establishment of the CN or TTCN group, identified by its tax code."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        COOPERATIVE = "cooperative", _("Cooperative")
        HOUSEHOLD = "household", _("Household business")

    class Group(models.TextChoices):
        CN = "CN", _("Industry (CN)")
        TTCN = "TTCN", _("Small industry and handicraft (TTCN)")

    tax_code = models.CharField(
        _("tax code"), max_length=14, unique=True,
        error_messages={"unique": _("A facility with this tax code is already registered.")},
        validators=[validate_tax_code],
    )
    name = models.CharField(_("name"), max_length=255)
    # No index of its own: facility_commune_sort (below) leads with the commune.
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT,
                                related_name="facilities", db_index=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="facilities")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices,
                            default=Kind.ENTERPRISE)
    group = models.CharField(_("group"), max_length=4, choices=Group.choices, default=Group.CN)
    main_products = models.CharField(_("main products"), max_length=255, blank=True)
    product_unit = models.CharField(_("product unit"), max_length=50, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True,
                                            validators=[MaxValueValidator(1_000_000)])
    first_year = models.PositiveSmallIntegerField(
        _("first year of operation"), null=True, blank=True,
        validators=[MinValueValidator(FIRST_OPERATING_YEAR)],
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year of operation"), null=True, blank=True,
        help_text=_("Set when the facility closes; a closed facility is kept, not deleted."),
        validators=[MinValueValidator(FIRST_OPERATING_YEAR)],
    )
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Public pages name a facility only with its consent; staff alone set this.
    public_consent = models.BooleanField(
        _("agreed to be shown publicly"), default=False,
        help_text=_("The facility agreed that its name may appear on the public pages "
                    "(technology catalogue, demonstration models, events)."))
    # Derived from the name and address on every write (see refresh_keys): Vietnamese order
    # and diacritic-blind search need a plain column to sort and filter on in any database.
    name_sort = models.CharField(_("sort key"), max_length=800, editable=False, default="")
    search_text = models.CharField(_("search text"), max_length=600, editable=False, default="")
    # The enterprise accounts that report for it (one login may represent several facilities).
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("enterprise accounts"), blank=True,
        related_name="represented_facilities",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The history is read by facility and date only: the columns' own indexes would be written
    # with every row of an import and never read.
    history = HistoricalRecords(excluded_fields=["name_sort", "search_text", "updated_at"],
                                no_db_index=["tax_code", "commune", "sector"])

    class Meta:
        ordering = ["name_sort", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            # The facility list's default order, within a commune for commune officials.
            models.Index(fields=["commune", "name_sort"], name="facility_commune_sort"),
            models.Index(fields=["name_sort"], name="facility_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__isnull=True) | models.Q(first_year__isnull=True)
                | models.Q(last_year__gte=models.F("first_year")),
                name="facility_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Kept here, not in a service, so that the admin and every bulk path stay consistent.
        self.refresh_keys()
        super().save(*args, **kwargs)

    @property
    def scope_commune_id(self) -> int:
        return self.commune_id

    @property
    def scope_facility_id(self) -> int:
        return self.pk

    def refresh_keys(self) -> None:
        self.name_sort = sort_key(self.name)[:800]
        self.search_text = fold(f"{self.name} {self.tax_code} {self.address}")[:600]

    def clean(self) -> None:
        errors = {}
        for name in ("first_year", "last_year"):
            year = getattr(self, name)
            if year is not None and not is_valid(year, OPERATING):
                errors[name] = out_of_range(OPERATING)
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("cannot be before the first year (%(year)s)") % {
                "year": self.first_year}
        if errors:
            raise ValidationError(errors)

    def is_active_in(self, year: int) -> bool:
        return spans(self, year)


class Stage(models.IntegerChoices):
    """Stages of cleaner production, in order: a comparison means 'at this stage or beyond'."""

    UNAWARE = 0, _("Not aware")
    AWARE = 1, _("Aware")
    COMMITTED = 2, _("Committed to apply")
    APPLYING = 3, _("Applying")


def stage_before(stages: dict[int, int], year: int) -> int | None:
    """The stage a facility has in `year` before a new one is set, from its stages by year:
    that year's own, or else the latest earlier year's (the latest status with a year ≤ y, as
    docs/KPI.md reads applying(y)); None when it has none. A new stage below it is a
    downgrade, which needs a reason (facilities/services.py, status_set_many)."""
    if year in stages:
        return stages[year]
    earlier = [y for y in stages if y < year]
    return stages[max(earlier)] if earlier else None


class FacilityYearStatus(OfFacility, YearLocked):
    """Where a facility stood in cleaner production in one year; one per facility and year."""

    facility = models.ForeignKey(Facility, verbose_name=_("facility"), on_delete=models.PROTECT,
                                 related_name="statuses")
    year = models.PositiveSmallIntegerField(_("year"),
                                            validators=[MinValueValidator(FIRST_YEAR)])
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Why the stage went below the facility's stage before it (a stage of this year, or of the
    # latest earlier year): required by the one write of statuses, kept in the history.
    downgrade_reason = models.CharField(_("reason for lowering the stage"), max_length=500,
                                        blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["facility", "year"]
        verbose_name = _("yearly status")
        verbose_name_plural = _("yearly statuses")
        constraints = [
            models.UniqueConstraint(fields=["facility", "year"], name="one_status_per_year"),
        ]
        indexes = [
            # The KPI engine's "latest status with year <= y" and the list's stage filter.
            models.Index(fields=["year", "stage"], name="status_year_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}: {self.get_stage_display()}"

    def locked_year(self) -> int | None:
        return self.year


class ImportJob(BackgroundJob):
    """An uploaded Excel file, checked and then written by a worker (facilities, statuses,
    energy). The preview and the errors stay on the row for the page to show."""

    kind = models.CharField(_("template"), max_length=20)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    commune = models.ForeignKey(Commune, verbose_name=_("commune"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                help_text=_("The commune of the official who uploaded it."))
    apply = models.BooleanField(_("apply"), default=False, help_text=_("False: check only."))
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)

    task_path = "facilities.tasks.run_import_job"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # The beat's sweep: stale running imports, forgotten queued ones.
            models.Index(fields=["status", "heartbeat_at"], name="import_status_heartbeat"),
        ]
        constraints = [
            # One account, one import at a time in the workers' hands: nobody can fill the
            # import queue on their own (a second upload is refused with a message).
            models.UniqueConstraint(fields=["requested_by"],
                                    condition=models.Q(status__in=["queued", "running"]),
                                    name="import_one_active_per_account"),
        ]

    def __str__(self) -> str:
        template = REGISTRY.get(self.kind)
        return f"{template.title if template else self.kind}: {self.original_name}"

    @property
    def scope_commune_id(self) -> int | None:
        return self.commune_id


class YearLock(OfDistrict, models.Model):
    """A year whose statuses, energy records, attendance and CP measures may not change in one
    district: the district issued its report for it (docs/ARCHITECTURE.md, "Year locking")."""

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="year_locks")
    year = models.PositiveSmallIntegerField(_("year"))
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "district"]
        verbose_name = _("locked year")
        verbose_name_plural = _("locked years")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="year_lock_once_a_district"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class YearLockEvent(OfDistrict, models.Model):
    """The log of every lock and unlock: who, when, why, in which district."""

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="year_lock_events")

    class Action(models.TextChoices):
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")

    year = models.PositiveSmallIntegerField(_("year"))
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # A lock confirmed while forms of the year still waited for review: how many
    # (facilities/locking.py, PENDING_CHECKS); 0 when nothing waited.
    waiting = models.PositiveIntegerField(_("forms waiting for review, confirmed"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("year lock event")
        verbose_name_plural = _("year lock events")

    def __str__(self) -> str:
        return f"{self.year}: {self.get_action_display()}"
