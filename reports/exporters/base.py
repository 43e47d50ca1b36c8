"""What a report prints, gathered once from the KPI engine, and the exporter interface."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.utils import timezone, translation

from accounts.models import Commune, District
from accounts.permissions import report_shows_budget
from melinh_sxsh.lib.text import slug
from reports import kpis
from reports.models import Plan


@dataclass(frozen=True)
class ReportData:
    """Every figure of one report, all from the KPI engine's overview of the year and scope,
    with what the person asking wrote."""

    year: int
    commune: Commune | None
    built_on: date
    number: str
    shortcomings: str
    next_steps: str
    overview: kpis.Overview
    signer: str = ""
    signer_title: str = ""
    district: District | None = None

    @property
    def plan(self) -> Plan | None:
        return self.overview.plan

    @property
    def targets(self) -> kpis.Targets:
        return self.overview.targets

    @property
    def figures(self) -> kpis.KPIs:
        return self.overview.figures

    @property
    def table(self) -> list[kpis.CommuneRow]:
        return self.overview.table

    @property
    def trend(self) -> list[kpis.TrendPoint]:
        return self.overview.trend

    @property
    def activity(self) -> kpis.Activity:
        return self.overview.activity

    @property
    def funding(self) -> kpis.Funding | None:
        """The district's budget by source, or None when a report of this scope may not print
        it (accounts/permissions.report_shows_budget: a commune's report leaves it out)."""
        return self.activity.funding if report_shows_budget(self.commune) else None

    @property
    def campaigns(self) -> list[kpis.CampaignRow]:
        return self.overview.campaigns

    @property
    def measures(self) -> list[kpis.TechniqueRow]:
        return self.overview.measures

    @property
    def quality(self) -> kpis.DataQuality:
        return self.overview.quality

    @property
    def completeness(self) -> kpis.DataCompleteness:
        return self.overview.completeness

    @property
    def savers(self) -> list[kpis.SaverRow]:
        return self.overview.savers

    @property
    def scope_label(self) -> str:
        if self.commune:
            return str(self.commune)
        if self.district:
            return f"{self.district.kind_prefix.lower()} {self.district.name}"
        return "huyện Mê Linh"

    @property
    def authority(self) -> str:
        """The people's committee the report is made for, as its heading and recipients name
        it: the report's district's (huyện Mê Linh's with one district)."""
        if self.district:
            return f"UBND {self.district.kind_prefix.lower()} {self.district.name}"
        return "UBND huyện Mê Linh"

    @property
    def level(self) -> str:
        """What the district is called in "toàn huyện": huyện, quận or thị xã."""
        return self.district.kind_prefix.lower() if self.district else "huyện"

    @property
    def place(self) -> str:
        """The place of the date line (Decree 30): the district's name."""
        return self.district.name if self.district else "Mê Linh"

    def snapshot(self) -> dict[str, Any]:
        """What an issued report keeps: the KPI JSON, the table by commune, and the energy-data
        completeness its data-quality paragraph states."""
        return {
            "kpi": self.figures.as_json(),
            "communes": [
                {
                    "code": row.code,
                    "name": row.name,
                    **{
                        key: value
                        for key, value in row.kpis.as_json().items()
                        if key in ("active", "aware", "applying", "saving", "energy_saved_toe")
                    },
                }
                for row in self.table
            ],
            "completeness": self.completeness.as_json(),
            "built_on": self.built_on.isoformat(),
        }


def gather(
    *,
    year: int,
    commune: Commune | None = None,
    number: str = "",
    shortcomings: str = "",
    next_steps: str = "",
    built_on: date | None = None,
    signer: str = "",
    signer_title: str = "",
    district: District | None = None,
) -> ReportData:
    """What a report of `year` prints, for a commune, a district (the commune's when one is
    given), or the city (neither)."""
    district = commune.district if commune else district
    scope = kpis.Scope(commune.pk if commune else None,
                       district_id=district.pk if district else None)
    return ReportData(
        year=year,
        commune=commune,
        built_on=built_on or timezone.localdate(),
        number=number,
        shortcomings=shortcomings,
        next_steps=next_steps,
        overview=kpis.overview(year, scope),
        signer=signer,
        signer_title=signer_title,
        district=district,
    )


class Exporter:
    """identifier, content type, and render(data) -> (file name, content type, bytes)."""

    identifier: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def file_name(self, data: ReportData) -> str:
        # Named by the commune's name, as a person looks for it among their downloads.
        scope = slug(str(data.commune)) if data.commune else "toan-huyen"
        return f"bao-cao-sxsh-{data.year}-{scope}.{self.extension}"

    def render_bytes(self, data: ReportData) -> bytes:
        raise NotImplementedError

    def render(self, data: ReportData) -> tuple[str, str, bytes]:
        # A report is the district's document, in Vietnamese whatever the asker's language.
        with translation.override("vi"):
            return self.file_name(data), self.content_type, self.render_bytes(data)


EXPORTERS: dict[str, type[Exporter]] = {}
