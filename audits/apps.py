from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Energy and cleaner-production measures")

    def ready(self) -> None:
        # The energy template of the importer, the facility page's sections, and the refresh of
        # data-quality flags when a status changes.
        from audits import importers, receivers, sections  # noqa: F401
        from audits.completeness import waiting_for_review
        from facilities.locking import register_pending

        # A year is not locked while its forms wait for review, unless staff confirm.
        register_pending(waiting_for_review)
