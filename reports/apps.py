from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Plans and reports")

    def ready(self) -> None:
        # Writes to the models the figures are computed from move the data version.
        from reports.kpis import sources

        sources.register()
        # The enterprise page's saving against the plan's band (audits/enterprise_parts.py).
        from reports import enterprise_parts  # noqa: F401
