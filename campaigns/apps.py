from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and demonstration models")

    def ready(self) -> None:
        # "Campaigns attended" on the facility page (facilities/sections.py) and on an
        # enterprise's own page (audits/enterprise_parts.py).
        from campaigns import sections  # noqa: F401
