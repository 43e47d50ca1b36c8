"""The organisations every permission is about (communes, implementing units) and the users."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    """A commune or town of the district, with its official administrative unit code."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("commune")
        TOWN = "thi_tran", _("town")

    code = models.CharField(
        _("code"), max_length=5, unique=True,
        validators=[RegexValidator(r"^\d{5}$", _("The code has exactly 5 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    district_code = models.CharField(_("district code"), max_length=3, blank=True)
    district_name = models.CharField(_("district"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.kind_prefix} {self.name}"

    @property
    def kind_prefix(self) -> str:
        # Administrative prefixes are proper names in Vietnamese documents, not UI words.
        return "Thị trấn" if self.kind == self.Kind.TOWN else "Xã"


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
