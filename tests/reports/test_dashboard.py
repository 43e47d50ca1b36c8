"""The dashboard: the same figures as `kpi --json`, and every number opens the list it counts."""

import json
import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import kpis
from tests.factories import district_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and ("data-count" in attrs or "data-sum" in attrs):
            self.links.append(attrs)


def kpi_json(capsys, *args):
    call_command("kpi", "--json", *args)
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_the_command_and_the_dashboard_print_the_same_figures(demo, login, capsys):
    from accounts.models import User

    leader = User.objects.get(username="lanhdao")
    response = login(leader).get("/", {"year": 2018})
    assert response.context["figures"].as_json() == kpi_json(capsys, "--year", "2018")
    response = login(leader).get("/", {"year": 2018, "commune": "08989"})
    assert response.context["figures"].as_json() == kpi_json(
        capsys, "--year", "2018", "--commune", "08989")
    data = kpi_json(capsys, "--year", "2018")
    body = login(leader).get("/", {"year": 2018}).content.decode()
    # What the cards print, rounded the Vietnamese way.
    percent = f"{data['aware']['change_percent']:.2f}".replace(".", ",")
    assert f"{percent}%" in body
    assert data["aware"]["met"] is True and data["saving"]["current"] > 0
    bars = re.findall(r'class="target-progress" max="100" value="(\d+)"', body)
    figures = kpis.kpis(year=2018)
    assert bars == [str(figures.aware.target_progress), str(figures.saving.target_progress)]
    assert bars[0] == "100"  # the demo meets target 1


def count_of(response) -> int:
    context = response.context
    if "count" in context:
        return context["count"]
    if "models" in context:
        return len(context["models"])
    return context["page"].paginator.count


@pytest.mark.slow
@pytest.mark.parametrize("username", ["lanhdao", "xa.quangminh"])
def test_every_number_opens_a_list_of_that_length(demo, login, username):
    from accounts.models import User

    client = login(User.objects.get(username=username))
    body = client.get("/", {"year": 2018}).content.decode()
    parser = Links()
    parser.feed(body)
    counted = [link for link in parser.links if "data-count" in link]
    assert len(counted) >= 15
    for link in counted:
        response = client.get(link["href"].replace("&amp;", "&"))
        assert response.status_code == 200, link["href"]
        assert count_of(response) == int(link["data-count"]), link["href"]
    # A sum opens the list it adds up; the commune's people are those its facilities sent.
    sums = {link["data-figure"]: link for link in parser.links if "data-sum" in link}
    people = sums.pop("people_reached")
    listed = client.get(people["href"].replace("&amp;", "&")).context["page"].paginator
    assert sum(campaign.people for campaign in listed.object_list) == int(people["data-sum"])
    user = User.objects.get(username=username)
    scope = kpis.Scope(user.commune_id) if user.commune_id else kpis.Scope()
    assert int(people["data-sum"]) == kpis.activity(2018, scope).people_reached
    if user.commune_id:
        assert sums == {}  # the budget is the district's, not a commune figure
    else:
        assert int(sums["spent"]["data-sum"]) == kpis.funding_by_source(2018).spent_vnd


@pytest.mark.slow
def test_commune_official_sees_only_their_commune(demo, login, capsys):
    from accounts.models import User

    official = User.objects.get(username="xa.tienphong")
    response = login(official).get("/", {"year": 2018, "commune": "08989"})
    figures = response.context["figures"].as_json()
    assert figures == kpi_json(capsys, "--year", "2018", "--commune", "09019")
    assert response.context["table"] and len(response.context["table"]) == 1
    listing = login(official).get(reverse("reports:figure", args=["aware"]),
                                  {"year": 2018, "commune": "08989"})
    communes = {row[0].commune.code for row in listing.context["rows"]}
    assert communes <= {"09019"}


def test_year_and_scope_are_in_the_address(demo, login):
    from accounts.models import User

    client = login(User.objects.get(username="lanhdao"))
    response = client.get("/", {"year": 2017, "commune": "08989", "sector": "25"})
    scope = response.context["scope"]
    assert (scope.year, scope.commune.code, scope.sector.code) == (2017, "08989", "25")
    assert "year=2017&amp;commune=08989&amp;sector=25" in response.content.decode()


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "1"}, {"commune": "x" * 50},
                                   {"sort": "-nothing"}, {"sector": "<script>"}])
@pytest.mark.slow
def test_bad_parameters_fall_back(demo, login, query):
    from accounts.models import User

    assert login(User.objects.get(username="lanhdao")).get("/", query).status_code == 200


def test_unknown_figure_is_404(login, cast):
    assert login(cast["leader"]).get("/reports/kpi/everything/").status_code == 404


def test_dashboard_queries_do_not_grow(login, cast, django_assert_max_num_queries):
    from tests.audits.conftest import make_record
    from tests.factories import FacilityFactory, StatusFactory

    def applying_with_records():
        facility = FacilityFactory()
        StatusFactory(facility=facility, stage=3)
        make_record(facility, 2017, "100", {"ELEC": "1000"}, baseline=True)
        make_record(facility, 2018, "100", {"ELEC": "800"})

    client = login(cast["leader"])
    applying_with_records()
    with django_assert_max_num_queries(20) as few:
        client.get("/")
    for _ in range(40):
        applying_with_records()
        StatusFactory(facility=FacilityFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert response.context["figures"].saving.current == 41


def test_sorting_the_commune_table(demo, login):
    from accounts.models import User

    client = login(User.objects.get(username="lanhdao"))
    table = client.get("/", {"year": 2018, "sort": "-aware"}).context["table"]
    values = [row.kpis.aware.current for row in table]
    assert values == sorted(values, reverse=True)
    assert re.search(r"sort=-saving", client.get("/").content.decode())
    assert urlsplit("/?x=1").path == "/"


def plan_post(**changes):
    data = {"code": "55/KH-UBND", "title": "Kế hoạch SXSH năm 2019", "year": "2019",
            "baseline_year": "2018", "signed_on": "2019-03-01", "signer": "", "signer_title": "",
            "targets-TOTAL_FORMS": "2", "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "1", "targets-MAX_NUM_FORMS": "3",
            "targets-0-indicator": "aware", "targets-0-mode": "points", "targets-0-value": "5",
            "targets-1-indicator": "saving", "targets-1-mode": "relative",
            "targets-1-value": "12", "targets-1-band_low": "8", "targets-1-band_high": "15",
            "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "0", "tasks-MIN_NUM_FORMS": "0",
            "tasks-MAX_NUM_FORMS": "1000", "tasks-0-unit": "", "tasks-0-duty": "",
            "tasks-0-status": "not_started"}
    data.update(changes)
    return data


def test_staff_enter_a_plan_whose_targets_the_engine_uses(login, cast):
    from reports.models import Plan

    client = login(cast["staff"])
    response = client.post(reverse("reports:plan_create"), plan_post())
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["targets"]]
    plan = Plan.objects.get(year=2019)
    targets = kpis.targets_for(2019)
    assert targets.plan_code == "55/KH-UBND" and targets.aware.mode == "points"
    assert targets.band == (8, 15)
    assert targets.officers.value == 1  # not set: the default
    assert plan.targets.count() == 2


@pytest.mark.parametrize(("changes", "message"), [
    ({"baseline_year": "2019"}, "năm so sánh phải trước"),
    ({"targets-1-band_low": "15", "targets-1-band_high": "8"}, "từ mức thấp"),
    ({"targets-1-band_low": ""}, "cần khoảng tiết kiệm"),
    ({"targets-1-indicator": "aware"}, "một chỉ tiêu"),
    ({"targets-0-value": "-5"}, "giá trị chỉ tiêu: không được là số âm"),
])
def test_bad_plans_are_refused(login, cast, changes, message):
    from reports.models import Plan

    response = login(cast["staff"]).post(reverse("reports:plan_create"), plan_post(**changes))
    assert response.status_code == 200
    assert message in response.content.decode().lower()
    assert not Plan.objects.filter(year=2019).exists()


@pytest.mark.parametrize("role", ["leader", "official_a", "unit", "admin"])
def test_only_staff_edit_plans(login, cast, role):
    assert login(cast[role]).get(reverse("reports:plan_create")).status_code == 403
    assert login(cast[role]).get(reverse("reports:plans")).status_code == 200


def test_a_trend_years_list_is_as_long_as_its_number(login, cast):
    """The trend of 2018 counts every year with 2018's band (8–13 %, no plan). A facility that
    saved 10 % in 2016 is in the 2016 point even though plan 2016 set a band of 12–15 %: the
    list behind that number is decided the same way, so it holds that facility."""
    from decimal import Decimal

    from reports.models import Plan, Target
    from tests.audits.conftest import make_record
    from tests.factories import FacilityFactory, StatusFactory

    plan = district_create(Plan, code="3/KH", title="KH 2016", year=2016, baseline_year=2015,
                           signed_on="2016-03-01")
    Target.objects.create(plan=plan, indicator="saving", mode="relative", value=Decimal(10),
                          band_low=Decimal(12), band_high=Decimal(15))
    facility = FacilityFactory(first_year=2010)
    StatusFactory(facility=facility, year=2016, stage=3)
    make_record(facility, 2015, "100", {"ELEC": "1000"}, baseline=True)
    make_record(facility, 2016, "100", {"ELEC": "900"})

    client = login(cast["leader"])
    response = client.get("/", {"year": 2018})
    point = next(p for p in response.context["trend"] if p.year == 2016)
    assert point.saving == 1
    parser = Links()
    parser.feed(response.content.decode())
    href = next(link["href"] for link in parser.links
                if "/kpi/saving/" in link["href"] and "of=2016" in link["href"])
    assert client.get(href).context["count"] == 1
