"""One default year: the latest plan's, or plan 108/KH-UBND's (2018) while no plan is entered;
the same on the dashboard, the reports pages, the public pages, `kpi` and the weekly draft."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import kpis
from reports.models import Plan
from reports.services import report_request_scheduled
from tests.factories import district_create

pytestmark = pytest.mark.django_db


def plan(year: int) -> Plan:
    return district_create(
        Plan, code=f"{year}/KH-UBND",
        title=f"Kế hoạch {year}",
        year=year,
        baseline_year=year - 1,
        signed_on=f"{year}-03-01",
    )


def years_shown(client, login, cast) -> dict[str, int]:
    """The year each output shows when none is asked for."""
    out = StringIO()
    call_command("kpi", "--json", stdout=out)
    staff = login(cast["staff"])
    shown = {
        "kpi": json.loads(out.getvalue())["year"],
        "dashboard": staff.get("/").context["scope"].year,
        "official's dashboard": login(cast["official_a"]).get("/").context["figures"].year,
        "budget": login(cast["staff"]).get(reverse("reports:budget")).context["year"],
        "report form": staff.get(reverse("reports:index")).context["form"].initial["year"],
        "weekly draft": report_request_scheduled().year,
    }
    client.logout()
    shown["public"] = client.get("/public/").context["progress"].figures.year
    shown["embed"] = client.get("/public/embed/progress/").context["figures"].year
    return shown


def test_without_a_plan_every_output_shows_2018(client, login, cast):
    assert not Plan.objects.exists()
    assert kpis.default_year() == kpis.DEFAULT_YEAR == 2018
    assert set(years_shown(client, login, cast).values()) == {2018}


def test_the_latest_plan_sets_the_year_of_every_output(client, login, cast):
    plan(2016)
    plan(2019)
    assert kpis.default_year() == 2019
    shown = years_shown(client, login, cast)
    assert set(shown.values()) == {2019}, shown
    # A year asked for still wins.
    assert login(cast["staff"]).get("/", {"year": 2016}).context["scope"].year == 2016


def test_kpi_without_a_year_is_the_default_years(capsys, cast):
    plan(2019)
    call_command("kpi", "--json")
    assert json.loads(capsys.readouterr().out)["year"] == 2019
    call_command("kpi", "--json", "--year", "2018")
    assert json.loads(capsys.readouterr().out)["year"] == 2018
