"""The enterprise page's "Saving against the plan's band" (audits/enterprise_parts.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audits.enterprise_parts import Part, register
from reports.kpis.standing import band_verdicts


def band_context(user, items) -> dict[int, dict]:
    verdicts = band_verdicts({item.facility.pk: item.figures for item in items},
                             {item.facility.pk: item.facility.commune.district_id
                              for item in items})
    return {pk: {"verdicts": rows} for pk, rows in verdicts.items()}


register(Part("band", _("Saving against the plan's band"), "reports/_enterprise_band.html",
              band_context))
