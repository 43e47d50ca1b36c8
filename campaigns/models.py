from django.db import models
from django.utils.translation import gettext_lazy as _


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
