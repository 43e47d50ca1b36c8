"""The budget follows `budget.view`: whoever may not see it finds no amount of it anywhere.

Funding lines (planned and spent VND) and every sum of them (a campaign's or a model's
"spent", a source's total, the district's) show on the budget pages, the campaign and model
pages, their lists, the dashboard and the reports. Every address of the authorization matrix
(as it is, asking for another commune's scope, and as an htmx fragment), the dashboard's lists
and both communes' reports as a PDF and a workbook are read by each role that may not see the
budget (commune officials today, as accounts/permissions.py says): none shows an amount. The
roles that may see it do find the amounts on the pages that show them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.permissions import can
from campaigns.models import FundingLine, FundingSource
from reports import kpis
from reports.building import report_build
from reports.models import Report
from tests.factories import district_create
from tests.security.test_authorization_matrix import FRAGMENT, leak_addresses, page_text
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["staff", "official_a", "official_b", "unit", "leader", "admin"]
# Amounts no other figure of the world comes near, so that finding one is finding the budget.
CAMPAIGN_LINE = (918_273_645, 736_251_948)
MODEL_LINE = (864_209_753, 531_975_864)


def add_budget(world) -> None:
    """A large line on the world's campaign and one on its model (hosted in commune A)."""
    FundingLine.objects.create(
        campaign=world.campaign,
        year=2018,
        source=FundingSource.objects.get(code="KHCN"),
        planned_vnd=CAMPAIGN_LINE[0],
        spent_vnd=CAMPAIGN_LINE[1],
    )
    FundingLine.objects.create(
        model=world.model,
        year=2018,
        source=FundingSource.objects.get(code="DOANH_NGHIEP"),
        planned_vnd=MODEL_LINE[0],
        spent_vnd=MODEL_LINE[1],
    )


def amounts() -> set[int]:
    """Every amount a page could show: the lines, the campaign's and the model's spent, each
    source's planned, spent and rest, and the district's."""
    funding = kpis.funding_by_source(2018)
    found = {*CAMPAIGN_LINE, *MODEL_LINE, CAMPAIGN_LINE[1] + world_line_spent()}
    found |= {funding.planned_vnd, funding.spent_vnd, funding.rest_vnd}
    for row in funding.rows:
        found |= {row.planned_vnd, row.spent_vnd, row.rest_vnd}
    return {amount for amount in found if amount >= 1_000_000}


def world_line_spent() -> int:
    return sum(FundingLine.objects.filter(planned_vnd__lt=1000).values_list("spent_vnd", flat=True))


def written(amount: int) -> list[str]:
    """An amount as a page prints it (1.234.567) and as a workbook or an attribute holds it."""
    return [f"{amount:,}".replace(",", "."), str(amount)]


def fresh_reports(world) -> list[str]:
    """Each commune's report, as a PDF and a workbook, built with the budget above."""
    urls = []
    for commune in (world.facility.commune, world.facility_b.commune):
        for fmt in ("pdf", "xlsx"):
            report = district_create(
                Report, year=2018, commune=commune, format=fmt,
                requested_by=world.report.requested_by
            )
            report_build(report.pk)
            urls.append(reverse("reports:report_download", args=[report.pk]))
    return urls


@pytest.mark.slow  # every page for every role
def test_no_page_shows_the_budget_to_whom_may_not_see_it(login, cast):
    world = build_world(
        staff=cast["staff"], official_a=cast["official_a"], official_b=cast["official_b"]
    )
    add_budget(world)
    secrets = [text for amount in sorted(amounts()) for text in written(amount)]
    reports = fresh_reports(world)
    blind = [role for role in ROLES if not can(cast[role], "budget.view")]
    assert blind, "no role is kept from the budget: this test no longer tests anything"
    for role in blind:
        other = cast["official_a"] if role == "official_b" else cast["official_b"]
        urls = leak_addresses(world, other.commune.code) + reports
        leaks, opened = [], 0
        client = login(cast[role])
        for url in urls:
            for headers in ({}, FRAGMENT):
                response = client.get(url, **headers)
                opened += response.status_code == 200
                text = page_text(response)
                leaks += [(url, bool(headers), secret) for secret in secrets if secret in text]
        assert leaks == [], f"{role} reads the budget"
        assert opened > 100, role  # the sweep did read pages, the campaign's and the model's


@pytest.mark.parametrize("role", ROLES)
def test_the_budget_shows_to_whom_may_see_it(role, login, cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    add_budget(world)
    client = login(cast[role])
    pages = {
        "dashboard": (reverse("dashboard") + "?year=2018", kpis.funding_by_source(2018).spent_vnd),
        "campaign": (reverse("campaigns:detail", args=[world.campaign.pk]), CAMPAIGN_LINE[0]),
        "campaigns": (reverse("campaigns:index"), CAMPAIGN_LINE[1] + world_line_spent()),
        "model": (reverse("campaigns:model_detail", args=[world.model.pk]), MODEL_LINE[0]),
        "models": (reverse("campaigns:models"), MODEL_LINE[1]),
    }
    shown = {
        name: written(amount)[0] in page_text(client.get(url))
        for name, (url, amount) in pages.items()
    }
    assert shown == dict.fromkeys(pages, can(cast[role], "budget.view")), role
