from django.db import models
from django.utils.translation import gettext_lazy as _


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
