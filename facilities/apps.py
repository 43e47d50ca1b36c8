from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        # Registers the facilities and statuses templates with the importer.
        from facilities import importers  # noqa: F401
