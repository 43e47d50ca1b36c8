"""The navigation bar: each role sees what it may use, decided by the permission checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    # Active on its own address only, not on the pages below it that other items own.
    exact: bool = False

    def url(self) -> str:
        return reverse(self.url_name)


ITEMS = (
    NavItem(_("Overview"), "dashboard", "dashboard.view"),
    NavItem(_("Facilities"), "facilities:list", "facility.view", exact=True),
    NavItem(_("Import"), "facilities:import", "facility.import"),
    NavItem(_("Activities"), "campaigns:index", "campaign.view"),
    NavItem(_("Energy and CP measures"), "audits:index", "energy.view"),
    NavItem(_("Data quality"), "audits:quality", "quality.view"),
    NavItem(_("Units' tasks"), "reports:tasks", "task.report"),
    NavItem(_("Budget"), "reports:budget", "budget.view"),
    NavItem(_("Reports"), "reports:index", "report.view", exact=True),
    NavItem(_("Accounts"), "accounts:users", "user.reset_password"),
    NavItem(_("System administration"), "admin:index", "system.admin"),
)


def items_for(user: Any, path: str) -> list[dict[str, Any]]:
    items = [(item, item.url()) for item in ITEMS if can(user, item.action)]

    def matches(item: NavItem, url: str) -> bool:
        return path == url if item.exact or url == "/" else path.startswith(url)

    # The most specific address wins: /audits/quality/ is "Data quality", not "Energy".
    current = max((url for item, url in items if matches(item, url)), key=len, default=None)
    return [{"label": item.label, "url": url, "active": url == current} for item, url in items]
