"""The facility page's "Campaigns attended" (facilities/sections.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.permissions import can
from campaigns import selectors
from facilities.sections import Section, register


def campaigns_context(user, facility) -> dict:
    return {
        "attendances": list(selectors.campaigns_attended(facility)),
        "may_open": can(user, "campaign.view"),
    }


register(
    Section(
        "campaigns",
        _("Campaigns attended"),
        "campaigns/_facility_campaigns.html",
        campaigns_context,
    )
)
