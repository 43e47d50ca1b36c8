"""Parts of an enterprise's own page that higher apps fill: the saving against the plan's band
(reports), the campaigns attended (campaigns). An app registers a part in its
AppConfig.ready(), so that `audits` never imports a higher app (docs/ARCHITECTURE.md, "Import
direction"); the pattern is the facility page's (facilities/sections.py).

A part reads for all the account's facilities at once, a bounded number of queries however many
it represents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Part:
    slot: str
    title: str | Promise
    template: str
    # (user, the page's OwnFacility items) -> {facility id: the part's template context}
    context: Callable[[Any, list], dict[int, dict]]


# Slots in page order; a slot no app fills is left out.
SLOTS = ("band", "campaigns")
REGISTRY: dict[str, Part] = {}


def register(part: Part) -> None:
    REGISTRY[part.slot] = part


def fill(user, items: list) -> None:
    """Give each item its parts (`item.parts`: title, template and context), in slot order."""
    for item in items:
        item.parts = []
    for slot in SLOTS:
        part = REGISTRY.get(slot)
        if part is None:
            continue
        contexts = part.context(user, items)
        for item in items:
            item.parts.append({"slot": slot, "title": part.title, "template": part.template,
                               **contexts.get(item.facility.pk, {})})
