"""The organisations every permission is about (communes, implementing units) and the users."""

from django.contrib.auth.models import AbstractUser, UserManager
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


class Unit(models.Model):
    """An implementing unit of the plan (section IV of 108/KH-UBND)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order in the plan"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("implementing unit")
        verbose_name_plural = _("implementing units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("Economic Department officer")
    COMMUNE = "commune", _("Commune official")
    UNIT = "unit", _("Implementing unit officer")
    LEADER = "leader", _("District leadership")
    ADMIN = "admin", _("System administrator")
    ENTERPRISE = "enterprise", _("Enterprise")


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
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username
