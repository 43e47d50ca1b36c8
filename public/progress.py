"""The district's progress as the public pages show it: every figure from the KPI engine."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from accounts.permissions import may_show_group
from facilities.models import Facility
from melinh_sxsh.lib.sql import ids_subquery
from public.selectors import PUBLIC
from reports import charts, kpis, selectors
from reports.dashboard import FIRST_TREND_YEAR

# Plan 108/KH-UBND's year: what the dashboard shows too when no plan is entered.
DEFAULT_YEAR = 2018


def progress_year() -> int:
    """The year of the latest plan."""
    plan = selectors.plan_latest()
    return plan.year if plan else DEFAULT_YEAR


@dataclass(frozen=True)
class DistrictProgress:
    figures: kpis.KPIs
    trend: list[kpis.TrendPoint]
    # The energy saved is a sum over the saving facilities: shown only when they are many
    # enough or all agreed to be shown (accounts/permissions.may_show_group).
    energy_saved_shown: bool

    @property
    def trend_chart(self) -> str:
        return charts.data_uri(charts.trend_svg(self.trend, self.figures.targets.band[0]))


def district_progress(year: int) -> DistrictProgress:
    """The plan's indicators for the whole district and their trend since the first year of
    records, as on the staff dashboard."""
    targets = kpis.targets_for(year)
    years = range(min(FIRST_TREND_YEAR, targets.baseline_year), year + 1)
    evaluation = kpis.evaluate(years, kpis.Scope(), targets.band)
    figures = kpis.summarize(evaluation, year=year, targets=targets)
    savers = Facility.objects.filter(
        pk__in=ids_subquery(evaluation[year].saving, connection.vendor))
    return DistrictProgress(figures, kpis.trend(evaluation), may_show_group(PUBLIC, savers))
