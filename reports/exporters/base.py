"""What a report prints, gathered once from the KPI engine, and the exporter interface."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.utils import timezone

from accounts.models import Commune
from reports import kpis
from reports.models import Plan

FIRST_TREND_YEAR = 2016


@dataclass(frozen=True)
class ReportData:
    """Every figure of one report, all from reports/kpis.py."""

    year: int
    commune: Commune | None
    built_on: date
    number: str
    shortcomings: str
    next_steps: str
    plan: Plan | None
    targets: kpis.Targets
    figures: kpis.KPIs
    table: list[kpis.CommuneRow]
    trend: list[kpis.TrendPoint]
    activity: kpis.Activity
    campaigns: list[kpis.CampaignRow]
    measures: list[kpis.TechniqueRow]
    quality: kpis.DataQuality
    savers: list[kpis.SaverRow]

    @property
    def scope_label(self) -> str:
        return str(self.commune) if self.commune else "huyện Mê Linh"

    def snapshot(self) -> dict[str, Any]:
        """What an issued report keeps: the KPI JSON and the table by commune."""
        return {
            "kpi": self.figures.as_json(),
            "communes": [{"code": row.code, "name": row.name, **{
                key: value for key, value in row.kpis.as_json().items()
                if key in ("active", "aware", "applying", "saving", "energy_saved_toe")}}
                for row in self.table],
            "built_on": self.built_on.isoformat(),
        }


def gather(*, year: int, commune: Commune | None = None, number: str = "",
           shortcomings: str = "", next_steps: str = "",
           built_on: date | None = None) -> ReportData:
    targets = kpis.targets_for(year)
    scope = kpis.Scope(commune.pk if commune else None)
    years = range(min(FIRST_TREND_YEAR, targets.baseline_year), year + 1)
    evaluation = kpis.evaluate(years, scope, targets.band)
    officers = kpis.officers_count()
    figures = kpis.summarize(evaluation, year=year, targets=targets, officers=officers,
                             commune_code=commune.code if commune else None)
    return ReportData(
        year=year, commune=commune, built_on=built_on or timezone.localdate(), number=number,
        shortcomings=shortcomings, next_steps=next_steps,
        plan=Plan.objects.filter(year=year).first(), targets=targets, figures=figures,
        table=kpis.commune_table(evaluation, year=year, targets=targets, officers=officers),
        trend=kpis.trend(evaluation),
        activity=kpis.activity(year, scope), campaigns=kpis.campaigns_reached(year, scope),
        measures=kpis.measures_by_technique(year, scope),
        quality=kpis.data_quality(year, scope), savers=kpis.savers(evaluation, year),
    )


class Exporter:
    """identifier, content type, and render(data) -> (file name, content type, bytes)."""

    identifier: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def file_name(self, data: ReportData) -> str:
        scope = data.commune.code if data.commune else "toan-huyen"
        return f"bao-cao-sxsh-{data.year}-{scope}.{self.extension}"

    def render_bytes(self, data: ReportData) -> bytes:
        raise NotImplementedError

    def render(self, data: ReportData) -> tuple[str, str, bytes]:
        return self.file_name(data), self.content_type, self.render_bytes(data)


EXPORTERS: dict[str, type[Exporter]] = {}
