from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and demonstration models")

    def ready(self) -> None:
        # The facility page's "Campaigns attended" (facilities/sections.py).
        from campaigns import sections  # noqa: F401
