from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Plans and reports")

    def ready(self) -> None:
        # Writes to the models the figures are computed from move the data version.
        from reports.kpis import sources

        sources.register()
        # Parts of lower apps' pages that need the plan: the enterprise page's saving against
        # the plan's band (audits/enterprise_parts.py, registered on import), and the baseline
        # year a data request's form proposes (audits/submission_baseline.py).
        from audits import submission_baseline
        from reports import enterprise_parts  # noqa: F401
        from reports.kpis.targets import plan_baseline_year

        submission_baseline.default_year_sources.append(plan_baseline_year)
