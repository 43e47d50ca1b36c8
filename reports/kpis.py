"""The KPI engine: every figure the portal shows, prints or exports is computed here.

Plain functions over querysets, returning dataclasses. The dashboard, the PDF, the workbook,
`manage.py kpi` and the tests all call these; nothing else computes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from campaigns.models import FundingLine, FundingSource


@dataclass(frozen=True)
class FundingRow:
    source_code: str
    source_name: str
    planned_vnd: int
    spent_vnd: int

    @property
    def rest_vnd(self) -> int:
        return self.planned_vnd - self.spent_vnd


@dataclass(frozen=True)
class Funding:
    year: int
    rows: list[FundingRow] = field(default_factory=list)

    @property
    def planned_vnd(self) -> int:
        return sum(row.planned_vnd for row in self.rows)

    @property
    def spent_vnd(self) -> int:
        return sum(row.spent_vnd for row in self.rows)

    @property
    def rest_vnd(self) -> int:
        return self.planned_vnd - self.spent_vnd


def funding_by_source(year: int) -> Funding:
    """Planned and spent VND of the year's funding lines, by source (every source listed, in
    the plan's order), with the rest = planned - spent. Two queries."""
    sums = {
        row["source_id"]: row
        for row in FundingLine.objects.filter(year=year).values("source_id").annotate(
            planned=Sum("planned_vnd"), spent=Sum("spent_vnd"))
    }
    rows = []
    for source in FundingSource.objects.order_by("id"):
        got = sums.get(source.id, {})
        rows.append(FundingRow(source.code, source.name, int(got.get("planned") or 0),
                               int(got.get("spent") or 0)))
    return Funding(year, rows)
