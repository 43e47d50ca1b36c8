"""The district's progress as the public pages show it: every figure from the KPI engine."""

from __future__ import annotations

from dataclasses import dataclass

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
    return DistrictProgress(figures, kpis.trend(evaluation))
