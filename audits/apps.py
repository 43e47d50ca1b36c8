from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Energy and cleaner-production measures")

    def ready(self) -> None:
        # The energy template of the importer, the facility page's sections, and the refresh of
        # data-quality flags when a status changes.
        from audits import importers, receivers, sections  # noqa: F401
