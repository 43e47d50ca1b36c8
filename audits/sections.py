"""The energy, measures and data-quality parts of the facility page (facilities/sections.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.permissions import can
from audits import selectors
from audits.charts import sec_chart
from facilities.sections import Section, register


def energy_context(user, facility) -> dict:
    rows = selectors.facility_figures(facility)
    return {"rows": rows, "chart": sec_chart(rows),
            "may_change": can(user, "energy.change", facility)}


def measures_context(user, facility) -> dict:
    return {"measures": list(selectors.measures_of(facility)),
            "may_change": can(user, "energy.change", facility)}


def quality_context(user, facility) -> dict:
    if not can(user, "quality.view", facility):
        return {"hidden": True}
    return {"flags": list(facility.quality_flags.order_by("-year", "rule"))}


register(Section("energy", _("Energy records"), "audits/_facility_energy.html", energy_context))
register(Section("measures", _("Cleaner-production measures"), "audits/_facility_measures.html",
                 measures_context))
register(Section("quality", _("Data-quality flags"), "audits/_facility_quality.html",
                 quality_context))
