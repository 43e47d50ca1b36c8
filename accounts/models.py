"""The organisations every permission is about (communes, implementing units) and the users."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from melinh_sxsh.lib.years import spanning, spans


class Existed(models.Model):
    """An administrative unit exists in some years only: units are merged and renamed (Hà Nội's
    2019–2025 reorganisations), so a report of 2018 lists the units of 2018. Empty bounds are
    open: a unit whose start is not known has always existed."""

    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def existing_in(year: int) -> models.Q:
        """The units that existed in `year`."""
        return spanning(year)

    def existed_in(self, year: int) -> bool:
        return spans(self, year)


class District(Existed):
    """A district of the city (quận, huyện, thị xã), with its official 3-digit code; every
    commune belongs to one."""

    class Kind(models.TextChoices):
        URBAN = "quan", _("urban district")
        RURAL = "huyen", _("rural district")
        TOWN = "thi_xa", _("district-level town")

    code = models.CharField(
        _("code"), max_length=3, unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("The code has exactly 3 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RURAL)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.kind_prefix} {self.name}"

    @property
    def kind_prefix(self) -> str:
        # Administrative prefixes are proper names in Vietnamese documents, not UI words.
        return {self.Kind.URBAN: "Quận", self.Kind.TOWN: "Thị xã"}.get(self.kind, "Huyện")


class Commune(Existed):
    """A commune, town or ward of a district, with its official administrative unit code."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("commune")
        TOWN = "thi_tran", _("town")
        WARD = "phuong", _("ward")

    code = models.CharField(
        _("code"), max_length=5, unique=True,
        validators=[RegexValidator(r"^\d{5}$", _("The code has exactly 5 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="communes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.kind_prefix} {self.name}"

    @property
    def kind_prefix(self) -> str:
        # Administrative prefixes are proper names in Vietnamese documents, not UI words.
        return {self.Kind.TOWN: "Thị trấn", self.Kind.WARD: "Phường"}.get(self.kind, "Xã")


class OfDistrict:
    """A mixin of a model whose rows belong to one district (`district`, a foreign key each model
    declares with its own related name): the permission checker reads `scope_district_id`
    (accounts/permissions.py, "Districts"). Whoever makes a row names its district: the services
    from the user who creates it (accounts.selectors.writing_district_id), the demo loaders and
    the test factories explicitly; the database refuses a row without one."""

    @property
    def scope_district_id(self) -> int | None:
        return self.district_id


class Unit(OfDistrict, models.Model):
    """An implementing unit of a district's plan (section IV of 108/KH-UBND for Mê Linh)."""

    # Unique within its district only: every district has its own "KINH_TE".
    code = models.CharField(_("code"), max_length=20)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="units")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order in the plan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("implementing unit")
        verbose_name_plural = _("implementing units")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"], name="unit_code_unique_in_district",
                violation_error_message=_("The district already has a unit with this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("Economic Department officer")
    COMMUNE = "commune", _("Commune official")
    UNIT = "unit", _("Implementing unit officer")
    LEADER = "leader", _("District leadership")
    ADMIN = "admin", _("System administrator")
    ENTERPRISE = "enterprise", _("Enterprise")
    CITY = "city", _("Department of Industry and Trade officer")


# The roles whose accounts belong to one district (accounts/permissions.DISTRICT_BOUND; the
# constraint below holds the database to it).
DISTRICT_ROLES = ("staff", "leader", "commune", "unit")


def sole_district_id() -> int | None:
    """The id of the only district when the database holds exactly one, else None: where those
    who make a row without a district of their own put it (accounts.selectors
    .writing_district_id, the admin's user form, the test factories); save() never does."""
    ids = list(District.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


class SxshUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEADER)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="officials",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="officers",
    )
    # Staff, leaders, commune officials and unit officers see their district only; the city's
    # officers and the administrators (no district) read every district.
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_sxsh_officer = models.BooleanField(
        _("cleaner-production officer"), default=False,
        help_text=_("The state officer in charge of cleaner production (target 3 of the plan)."),
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an administrator gives a temporary password: until the user "
                    "chooses their own, only the password page and logging out are open."),
    )

    objects = SxshUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="commune") | models.Q(commune__isnull=False),
                name="commune_official_has_commune",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="unit") | models.Q(unit__isnull=False),
                name="unit_officer_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=DISTRICT_ROLES) | models.Q(district__isnull=False),
                name="district_account_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role not in DISTRICT_ROLES:
            if self.district_id is not None:
                raise ValidationError({"district": _(
                    "Only Economic Department officers, district leaders, commune officials and "
                    "unit officers belong to a district; the others read every district.")})
            return
        if self.district_id is None:
            # The admin's form fills in the commune's or the only district before this.
            raise ValidationError({"district": _("Choose the district of this account.")})
        if self.commune_id and self.commune.district_id != self.district_id:
            raise ValidationError({"commune": _(
                "This commune is not in the account's district.")})
        if self.unit_id and self.unit.district_id != self.district_id:
            raise ValidationError({"unit": _("This unit is not of the account's district.")})

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username
