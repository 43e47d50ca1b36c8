"""Activity figures (docs/KPI.md, "Activity figures"): campaigns by kind, demonstration models
by status, and the district's funding, for a year in a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, Sum

from campaigns.models import Attendance, Campaign, DemonstrationModel, FundingSource
from reports.kpis.scope import DISTRICT, Scope


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


def funding_by_source(year: int, district_id: int | None = None) -> Funding:
    """Planned and spent VND of the year's funding lines, by source (every source listed, in
    the plan's order), with the rest = planned - spent: a district's (of its campaigns and
    models), or the city's (every district's). One query."""
    lines = Q(lines__year=year)
    if district_id:
        lines &= (Q(lines__campaign__district_id=district_id)
                  | Q(lines__model__district_id=district_id))
    sources = FundingSource.objects.order_by("id").annotate(
        planned=Sum("lines__planned_vnd", filter=lines),
        spent=Sum("lines__spent_vnd", filter=lines))
    rows = [FundingRow(source.code, source.name, int(source.planned or 0),
                       int(source.spent or 0)) for source in sources]
    return Funding(year, rows)


# At the district's scope a campaign counts with its own figures. At a narrower scope (a commune,
# a sector) only what reached the scope's facilities counts: campaigns they attended, the people
# they sent, the models they host. Copies, broadcasts and the budget are not split by facility:
# they exist only district-wide (None, or marked as the district's, at a narrower scope).


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    campaigns: int
    people_reached: int
    facilities_reached: int
    copies_printed: int | None
    broadcasts_aired: int | None


@dataclass(frozen=True)
class Activity:
    """What was done in a year in a scope: campaigns by kind, demonstration models by status,
    and the district's funding (never split by commune, whatever the scope)."""

    year: int
    scope: Scope
    kinds: list[KindRow]
    facilities_reached: int
    models_by_status: list[tuple[str, str, int]]
    funding: Funding

    @property
    def whole_district(self) -> bool:
        return self.scope.whole_district

    @property
    def campaigns(self) -> int:
        return sum(row.campaigns for row in self.kinds)

    @property
    def people_reached(self) -> int:
        return sum(row.people_reached for row in self.kinds)

    @property
    def copies_printed(self) -> int | None:
        return sum(row.copies_printed for row in self.kinds) if self.whole_district else None

    @property
    def broadcasts_aired(self) -> int | None:
        return sum(row.broadcasts_aired for row in self.kinds) if self.whole_district else None

    @property
    def models(self) -> int:
        return sum(count for _status, _label, count in self.models_by_status)


def activity(year: int, scope: Scope = DISTRICT) -> Activity:
    """Campaigns that started in the year, by kind; demonstration models of the year by status;
    funding by source (the district's).

    District: every campaign, with its own people reached, copies and broadcasts; facilities
    reached = distinct facilities that attended. Narrower scope: campaigns with at least one
    attendance by a facility of the scope; people reached = the people those attendances sent;
    facilities reached = distinct facilities of the scope that attended; models hosted by the
    scope's facilities; no copies or broadcasts. Six queries at most, whatever the data."""
    reached = Attendance.objects.filter(
        scope.of_facility("facility__"), campaign__starts_on__year=year
    )
    if scope.whole_district:
        sums = {
            row["kind"]: row
            for row in Campaign.objects.filter(_of_district(scope), starts_on__year=year)
            .values("kind")
            .annotate(
                n=Count("id"),
                people=Sum("people_reached"),
                copies=Sum("copies_printed"),
                broadcasts=Sum("broadcasts_aired"),
            )
        }
        facilities_by_kind = dict(
            reached.values("campaign__kind")
            .annotate(n=Count("facility", distinct=True))
            .values_list("campaign__kind", "n")
        )
    else:
        sums = {
            row["campaign__kind"]: row
            for row in reached.values("campaign__kind").annotate(
                n=Count("campaign", distinct=True),
                people=Sum("people"),
                facilities=Count("facility", distinct=True),
            )
        }
        facilities_by_kind = {kind: row["facilities"] for kind, row in sums.items()}

    def district_only(got: dict, key: str) -> int | None:
        return int(got.get(key) or 0) if scope.whole_district else None

    kinds = []
    for kind, label in Campaign.Kind.choices:
        got = sums.get(kind, {})
        kinds.append(
            KindRow(
                kind,
                str(label),
                got.get("n", 0),
                int(got.get("people") or 0),
                facilities_by_kind.get(kind, 0),
                district_only(got, "copies"),
                district_only(got, "broadcasts"),
            )
        )
    facilities = reached.aggregate(n=Count("facility", distinct=True))["n"]
    by_status = dict(
        DemonstrationModel.objects.filter(scope.of_facility("host__"), year=year)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    statuses = [
        (status, str(label), by_status.get(status, 0))
        for status, label in DemonstrationModel.Status.choices
    ]
    return Activity(year, scope, kinds, facilities, statuses,
                    funding_by_source(year, scope.district_id))


def _of_district(scope: Scope) -> Q:
    """A district's own campaigns (the city's: every district's)."""
    return Q(district_id=scope.district_id) if scope.district_id else Q()


@dataclass(frozen=True)
class CampaignRow:
    """One campaign of the year with what it counts for in the scope (see activity)."""

    campaign_id: int
    starts_on: date
    kind_label: str
    title: str
    lead_unit: str
    place: str
    people_reached: int
    facilities_reached: int
    copies_printed: int | None
    broadcasts_aired: int | None


def campaigns_reached(year: int, scope: Scope = DISTRICT) -> list[CampaignRow]:
    """The campaigns `activity` counts, one row each, in date order; their rows add up to its
    figures. One query."""
    campaigns = Campaign.objects.filter(_of_district(scope), starts_on__year=year).select_related(
        "lead_unit")
    if scope.whole_district:
        campaigns = campaigns.annotate(people=F("people_reached"), facilities=Count("attendances"))
    else:
        in_scope = scope.of_facility("attendances__facility__")
        campaigns = campaigns.annotate(
            people=Sum("attendances__people", filter=in_scope),
            facilities=Count("attendances", filter=in_scope),
        ).filter(facilities__gt=0)
    whole = scope.whole_district
    return [
        CampaignRow(
            c.pk,
            c.starts_on,
            c.get_kind_display(),
            c.title,
            c.lead_unit.name,
            c.place,
            int(c.people or 0),
            c.facilities,
            c.copies_printed if whole else None,
            c.broadcasts_aired if whole else None,
        )
        for c in campaigns.order_by("starts_on", "id")
    ]
