"""The navigation bar: each role sees what it may use, decided by the permission checker.

The menu is a few groups (data, activities, reports, administration) that open as drop-downs,
so that every role's bar stays one line from 1024 px up; on a phone it folds behind a button."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import role_may, role_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    # Other addresses that belong to this item (the dashboard's drill-down lists).
    also: tuple[str, ...] = ()

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    items: tuple[NavItem, ...]


MENU: tuple[NavItem | NavGroup, ...] = (
    NavItem(_("Overview"), "dashboard", "dashboard.view", also=("/reports/kpi/",)),
    NavItem(_("My facilities"), "audits:enterprise", "enterprise.home"),
    NavGroup(
        _("Data"),
        (
            NavItem(_("Facilities"), "facilities:list", "facility.view"),
            NavItem(_("Import from Excel"), "facilities:import", "facility.import"),
            NavItem(_("Energy records"), "audits:index", "energy.view"),
            NavItem(_("Data requests"), "audits:requests", "request.view"),
            NavItem(_("Technology catalogue"), "audits:catalogue", "energy.view"),
            NavItem(_("Data quality"), "audits:quality", "quality.view"),
        ),
    ),
    NavGroup(
        _("Activities"),
        (
            NavItem(_("Campaigns"), "campaigns:index", "campaign.view"),
            NavItem(_("Demonstration models"), "campaigns:models", "campaign.view"),
            NavItem(_("Documents"), "campaigns:documents", "campaign.view"),
        ),
    ),
    NavGroup(
        _("Reports"),
        (
            NavItem(_("Reports"), "reports:index", "report.view"),
            NavItem(_("Reports from the districts"), "reports:city", "report.return"),
            NavItem(_("Plans and targets"), "reports:plans", "plan.view"),
            NavItem(_("Units' tasks"), "reports:tasks", "plan.view"),
            NavItem(_("Budget"), "reports:budget", "budget.view"),
            NavItem(_("Locked years"), "reports:locks", "year.lock"),
        ),
    ),
    NavGroup(
        _("Administration"),
        (
            NavItem(_("Accounts"), "accounts:users", "user.reset_password"),
            NavItem(_("System administration"), "admin:index", "system.admin"),
        ),
    ),
)


def _owns(item: NavItem, url: str, path: str) -> str | None:
    """The prefix by which the item claims the path (the longest claim wins), or None."""
    # Every path starts with "/": the overview claims its own address only.
    own = [url] if path == url or (url != "/" and path.startswith(url)) else []
    return max(
        own + [prefix for prefix in item.also if path.startswith(prefix)], key=len, default=None
    )


# An item the role may use: its group (None for a link of its own), the item, its address.
Visible = tuple[NavGroup | None, NavItem, str]


@lru_cache(maxsize=64)
def _visible(role: str, _prefix: str, _urlconf: str) -> tuple[Visible, ...]:
    """The role's items and their addresses, worked out once per role (and per address
    prefix and URLconf, which the addresses depend on): every page shows the bar."""
    visible: list[Visible] = []
    for entry in MENU:
        group, items = (entry, entry.items) if isinstance(entry, NavGroup) else (None, (entry,))
        visible += [(group, item, item.url()) for item in items if role_may(role, item.action)]
    return tuple(visible)


def items_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The bar's entries: links ({label, url, active}) and groups ({label, active, children});
    a group the user may use one item of is that item's link."""
    role = role_of(user)
    if role is None:
        return []
    visible = _visible(role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    # The most specific address wins: /audits/quality/ is "Data quality", not "Energy records".
    claims = {url: _owns(item, url, path) for _group, item, url in visible}
    current = max(
        (url for url, claim in claims.items() if claim),
        key=lambda url: len(claims[url]),
        default=None,
    )

    entries: list[dict[str, Any]] = []
    by_group: dict[int, dict[str, Any]] = {}
    for group, item, url in visible:
        link = {"label": item.label, "url": url, "active": url == current}
        if group is None:
            entries.append(link)
            continue
        if id(group) not in by_group:
            by_group[id(group)] = {"label": group.label, "active": False, "children": []}
            entries.append(by_group[id(group)])
        by_group[id(group)]["children"].append(link)
        by_group[id(group)]["active"] |= link["active"]
    return [
        entry["children"][0] if len(entry.get("children", ())) == 1 else entry for entry in entries
    ]
