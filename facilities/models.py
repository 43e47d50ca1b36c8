from django.db import models
from django.utils.translation import gettext_lazy as _


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
