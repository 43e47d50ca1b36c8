"""The facility page's "Campaigns attended" (facilities/sections.py), and an enterprise's own
page's (audits/enterprise_parts.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.permissions import can
from audits import enterprise_parts
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


def enterprise_campaigns(user, items) -> dict[int, dict]:
    """The campaigns each of the account's facilities attended; not links: the campaign pages
    are the district's (campaign.view)."""
    attended = selectors.campaigns_attended_by([item.facility.pk for item in items])
    return {pk: {"attendances": rows, "may_open": can(user, "campaign.view")}
            for pk, rows in attended.items()}


enterprise_parts.register(
    enterprise_parts.Part(
        "campaigns",
        _("Campaigns attended"),
        "campaigns/_facility_campaigns.html",
        enterprise_campaigns,
    )
)
