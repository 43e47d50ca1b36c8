"""Parts of the facility page that other apps fill (campaigns attended, energy records, CP
measures, data-quality flags). An app registers a section in its AppConfig.ready(), so that
`facilities` never imports a higher app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slot: str
    title: str | Promise
    template: str
    context: Callable[[Any, Any], dict]  # (user, facility) -> template context


# Slots in page order, with the title shown while no app fills them.
SLOTS = {
    "campaigns": _("Campaigns attended"),
    "energy": _("Energy records"),
    "measures": _("Cleaner-production measures"),
    "quality": _("Data-quality flags"),
}
REGISTRY: dict[str, Section] = {}


def register(section: Section) -> None:
    REGISTRY[section.slot] = section


def sections_for(user, facility) -> list[dict[str, Any]]:
    result = []
    for slot, title in SLOTS.items():
        section = REGISTRY.get(slot)
        if section is None:
            result.append({"slot": slot, "title": title, "template": None})
        else:
            result.append({"slot": slot, "title": section.title, "template": section.template,
                           **section.context(user, facility)})
    return result
