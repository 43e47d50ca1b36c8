"""Who was asked for their figures and who answered: the completeness of data requests, counted
here only, for a request's page (by commune) and for a year (the KPI engine's figure, which the
dashboard and the reports print). docs/KPI.md, "Energy-data completeness"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Commune
from accounts.permissions import scope_queryset
from audits.models import OPEN_STATES, DataRequest, Submission
from facilities.locking import Pending

State = Submission.State

# A facility asked twice in a year (two requests) counts once, at the furthest its answers went.
RANK = {State.REQUESTED: 0, State.DRAFT: 1, State.RETURNED: 2, State.SUBMITTED: 3,
        State.ACCEPTED: 4}


@dataclass
class Completeness:
    """The answers in one commune (or in all, `commune` None): facilities asked, each state,
    overdue (past the deadline and not sent), the share accepted."""

    commune: Any
    asked: int = 0
    requested: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    accepted: int = 0
    overdue: int = 0

    @property
    def percent(self) -> Decimal | None:
        return None if not self.asked else Decimal(self.accepted * 100) / self.asked


@dataclass
class Answers:
    """Each facility asked, once: its commune, the state its answer reached, whether it is
    late."""

    commune_of: dict[int, int] = field(default_factory=dict)
    state_of: dict[int, str] = field(default_factory=dict)
    late: set[int] = field(default_factory=set)

    @property
    def asked(self) -> set[int]:
        return set(self.state_of)

    @property
    def accepted(self) -> set[int]:
        return {pk for pk, state in self.state_of.items() if state == State.ACCEPTED}

    def lines(self, communes: dict[int, Commune]) -> list[Completeness]:
        """By commune in code order, then the whole."""
        by_commune: dict[int, Completeness] = {}
        total = Completeness(None)
        for pk, state in self.state_of.items():
            commune_id = self.commune_of[pk]
            line = by_commune.setdefault(commune_id, Completeness(communes[commune_id]))
            for item in (line, total):
                item.asked += 1
                setattr(item, state, getattr(item, state) + 1)
                item.overdue += pk in self.late
        return [*sorted(by_commune.values(), key=lambda line: line.commune.code), total]


def answers(submissions: QuerySet[Submission], today: date | None = None) -> Answers:
    """The answers of these submissions, one per facility (one query)."""
    today = today or timezone.localdate()
    result = Answers()
    rows = submissions.order_by().values_list(
        "facility_id", "facility__commune_id", "state", "request__deadline")
    for facility_id, commune_id, state, deadline in rows:
        known = result.state_of.get(facility_id)
        if known is not None and RANK[known] >= RANK[state]:
            continue
        result.commune_of[facility_id] = commune_id
        result.state_of[facility_id] = state
        result.late.discard(facility_id)
        if state in OPEN_STATES and deadline < today:
            result.late.add(facility_id)
    return result


def by_commune(user, request: DataRequest) -> list[Completeness]:
    """A request's page: its answers in the user's scope by commune, then the whole. Two
    queries."""
    submitted = answers(scope_queryset(user, request.submissions.all(), "facility__commune"))
    communes = Commune.objects.filter(pk__in=set(submitted.commune_of.values()))
    return submitted.lines({c.pk: c for c in communes})


def of_year(year: int, facilities: Q, *, district_id: int | None = None) -> tuple[Answers, int]:
    """The answers to every data request of `year` from the facilities matching `facilities`
    (a condition on Submission, e.g. Q(facility__commune_id=...)), and how many requests the
    year has (the district's, when given). Two queries."""
    requests = DataRequest.objects.filter(year=year)
    if district_id is not None:
        requests = requests.filter(district_id=district_id)
    requests = requests.count()
    return answers(Submission.objects.filter(facilities, request__year=year)), requests


def overdue(user, year: int, commune=None) -> QuerySet[Submission]:
    """The open submissions past their deadline of the year's requests, in the user's scope (and
    the commune when given), by facility name."""
    submissions = scope_queryset(
        user,
        Submission.objects.filter(request__year=year, state__in=OPEN_STATES,
                                  request__deadline__lt=timezone.localdate())
        .select_related("facility__commune", "request"),
        "facility__commune",
    )
    if commune is not None:
        submissions = submissions.filter(facility__commune=commune)
    return submissions.order_by("facility__name_sort", "facility_id", "request_id")


def waiting_for_review(year: int, district_id: int) -> list[Pending]:
    """The district's requests of the year with forms submitted and not yet reviewed, each
    linked to its list of them: a year's lock asks for confirmation while any wait (registered
    in facilities/locking.PENDING_CHECKS by audits/apps.py). One query."""
    requests = (DataRequest.objects.filter(year=year, district_id=district_id)
                .annotate(waiting=Count("submissions",
                                        filter=Q(submissions__state=State.SUBMITTED)))
                .filter(waiting__gt=0).order_by("id"))
    return [Pending(request.waiting, request.title,
                    reverse("audits:request_detail", args=[request.pk]) + "?state=submitted")
            for request in requests]
