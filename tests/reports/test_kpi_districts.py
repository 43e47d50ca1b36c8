"""The district scope of the KPI engine (docs/KPI.md, "Scopes and plans"): the known answers of
tests/reports/test_kpis.py hold at a district's and a commune's scope, each district is counted
against its own plan, and the city's figures are the sums of its districts'."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Commune, District, Role, User
from facilities.models import Facility, Stage
from reports import kpis
from reports.models import Plan, Target
from tests.factories import FacilityFactory, district_create
from tests.reports.test_kpis import CASES, coal_record, status

pytestmark = pytest.mark.django_db

YEARS = [2016, 2017, 2018]


def melinh() -> District:
    return District.objects.get(code="250")


def new_district(code: str, name: str) -> tuple[District, Commune]:
    district = District.objects.create(code=code, name=name)
    return district, Commune.objects.create(code=f"{code}01", name=f"{name} Một",
                                            district=district)


def moved_to(commune: Commune, make):
    """Run `make` (which creates facilities in Mê Linh's 08989) and move what it created to
    `commune`; return what `make` returned."""
    before = set(Facility.objects.values_list("pk", flat=True))
    made = make()
    Facility.objects.exclude(pk__in=before).update(commune=commune)
    return made


def value(evaluation: kpis.Evaluation, figure: str, year: int):
    sets = evaluation[year]
    return sets.energy_saved_toe() if figure == "energy" else len(getattr(sets, figure))


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_known_answers_hold_at_district_and_commune_scope_and_add_up_for_the_city(case):
    """The same facts in two districts: each district, and the commune that holds them, gives
    the known answer; the city gives their sum."""
    expected = case()  # in Mê Linh, commune 08989
    other, other_commune = new_district("901", "Thử Nghiệm")
    assert moved_to(other_commune, case) == expected
    in_melinh = kpis.evaluate(YEARS, kpis.Scope(district_id=melinh().pk))
    in_other = kpis.evaluate(YEARS, kpis.Scope(district_id=other.pk))
    in_commune = kpis.evaluate(YEARS, kpis.Scope(Commune.objects.get(code="08989").pk))
    city = kpis.evaluate(YEARS)
    for (figure, year), answer in expected.items():
        assert value(in_melinh, figure, year) == answer, (figure, year)
        assert value(in_other, figure, year) == answer, (figure, year)
        assert value(in_commune, figure, year) == answer, (figure, year)
        assert value(city, figure, year) == 2 * answer, (figure, year)
    assert set(city.district_of.values()) == {melinh().pk, other.pk}


def plan(district, *, baseline_year=2017, band=("8", "13"), aware=("relative", "20"),
         code="KH") -> Plan:
    made = Plan.objects.create(district=district, code=code, title=code, year=2018,
                               baseline_year=baseline_year, signed_on=date(2018, 3, 1))
    Target.objects.create(plan=made, indicator="aware", mode=aware[0], value=Decimal(aware[1]))
    Target.objects.create(plan=made, indicator="saving", mode="relative", value=Decimal(10),
                          band_low=Decimal(band[0]), band_high=Decimal(band[1]))
    return made


def four_facilities():
    """f1 saves 10 % and f2 20 % in 2018 against their marked 2016 records (SEC 100), both
    applying in 2018; f3 aware from 2016, f4 from 2017. Every one operates from 2010."""
    for coal_2018 in (180, 160):  # SEC 90 and 80
        facility = FacilityFactory(first_year=2010)
        status(facility, 2018, Stage.APPLYING)
        coal_record(facility, 2016, 200, baseline=True)
        coal_record(facility, 2018, coal_2018)
    status(FacilityFactory(first_year=2010), 2016, Stage.AWARE)
    status(FacilityFactory(first_year=2010), 2017, Stage.AWARE)


@pytest.fixture
def two_plans(staff):
    """The same four facilities in Mê Linh (plan: baseline 2017, band 8–13) and in another
    district (plan: baseline 2016, band 12–25), and the city's plan (baseline 2017, awareness
    +10 points). The staff account is made first: it is Mê Linh's while Mê Linh is alone."""
    four_facilities()
    other, other_commune = new_district("901", "Thử Nghiệm")
    moved_to(other_commune, four_facilities)
    plan(melinh(), code="108/KH-UBND")
    plan(other, baseline_year=2016, band=("12", "25"), code="20/KH-UBND")
    plan(None, aware=("points", "10"), code="1048/KH-SCT")
    return other


def test_each_district_is_counted_against_its_own_plan(two_plans):
    """f1 (10 %) saves within Mê Linh's 8–13 % and is not saving in the other district's 12–25 %;
    f2 (20 %) is above Mê Linh's band and within the other's. Each district compares with its
    own baseline year: Mê Linh 2017 (2 aware), the other 2016 (1 aware)."""
    ours = kpis.kpis(year=2018, district_id=melinh().pk)
    theirs = kpis.kpis(year=2018, district_id=two_plans.pk)
    assert (ours.targets.plan_code, ours.baseline_year) == ("108/KH-UBND", 2017)
    assert (theirs.targets.plan_code, theirs.baseline_year) == ("20/KH-UBND", 2016)
    assert (ours.saving.current, ours.in_band, ours.above_band) == (2, 1, 1)
    assert (theirs.saving.current, theirs.in_band, theirs.above_band) == (1, 1, 0)
    assert ours.energy_saved_toe == Decimal(30) and theirs.energy_saved_toe == Decimal(20)
    assert (ours.aware.baseline, ours.aware.current) == (2, 4)
    assert (theirs.aware.baseline, theirs.aware.current) == (1, 4)
    assert ours.aware.change_percent == Decimal(100) and ours.aware.met
    # A commune counts with its district's plan, alone and in the table by commune.
    commune = kpis.kpis(year=2018, commune_id=Commune.objects.get(code="08989").pk)
    assert commune.as_json() == ours.as_json() | {"scope": {"commune": "08989"}}
    rows = {row.code: row.kpis for row in kpis.overview(2018).table}
    assert rows["08989"].saving.current == 2 and rows["90101"].saving.current == 1
    assert rows["90101"].baseline_year == 2016


def test_the_citys_figures_are_the_sums_of_the_districts(two_plans):
    """Counts are the sums of the districts' counts, each decided with its own plan (and its own
    baseline year); changes are recomputed from the sums; the targets are the city plan's."""
    districts = [kpis.kpis(year=2018, district_id=pk) for pk in (melinh().pk, two_plans.pk)]
    city = kpis.kpis(year=2018)
    for name in ("active", "aware", "applying", "saving"):
        for side in ("baseline", "current"):
            assert getattr(getattr(city, name), side) == sum(
                getattr(getattr(d, name), side) for d in districts), (name, side)
    assert city.in_band == sum(d.in_band for d in districts) == 2
    assert city.above_band == sum(d.above_band for d in districts) == 1
    assert city.energy_saved_toe == sum(d.energy_saved_toe for d in districts) == Decimal(50)
    # aware: 2 + 1 = 3 of 8 in the baseline, 8 of 8 now.
    assert (city.aware.baseline, city.aware.current) == (3, 8)
    assert city.aware.change_percent == Decimal(5) * 100 / 3
    assert city.aware.change_points == Decimal("62.5")
    assert (city.targets.plan_code, city.baseline_year) == ("1048/KH-SCT", 2017)
    assert city.aware.target.mode == "points" and city.aware.met
    # The table by district is the same figures, from the same evaluation.
    overview = kpis.overview(2018)
    rows = {row.code: row.kpis for row in overview.district_table}
    assert rows["250"].as_json() == districts[0].as_json() | {"scope": {"commune": None}}
    assert rows["901"].as_json() == districts[1].as_json() | {"scope": {"commune": None}}
    assert overview.several_districts
    assert sum(row.kpis.saving.current for row in overview.table) == city.saving.current


def test_the_lists_behind_a_districts_numbers_have_its_numbers(two_plans):
    for district in (melinh(), two_plans):
        scope = kpis.Scope(district_id=district.pk)
        figures = kpis.overview(2018, scope).figures
        for figure, count in (("saving", figures.saving.current), ("in_band", figures.in_band),
                              ("above_band", figures.above_band),
                              ("aware", figures.aware.current)):
            listed = kpis.members_of(figure, year=2018, scope=scope)
            assert len(listed.ids) == count, (district.code, figure)
            assert Facility.objects.filter(pk__in=listed.ids).exclude(
                commune__district=district).count() == 0


def test_a_district_without_its_own_plan_follows_the_citys(staff):
    four_facilities()
    other, other_commune = new_district("901", "Thử Nghiệm")
    moved_to(other_commune, four_facilities)
    plan(None, baseline_year=2016, band=("12", "25"), code="1048/KH-SCT")
    plan(melinh(), code="108/KH-UBND")
    theirs = kpis.overview(2018, kpis.Scope(district_id=other.pk))
    assert theirs.targets.plan_code == "1048/KH-SCT" and theirs.baseline_year == 2016
    assert (theirs.figures.in_band, theirs.figures.above_band) == (1, 0)
    assert kpis.plan_for(2018, kpis.Scope(district_id=other.pk)).code == "1048/KH-SCT"
    assert kpis.plan_for(2018, kpis.Scope(district_id=melinh().pk)).code == "108/KH-UBND"
    assert kpis.plan_for(2018).code == "1048/KH-SCT"


def test_with_one_district_the_city_is_that_district():
    """One district in the database: its plan is the city's figures' plan, and the figures at
    the city's, the district's and no scope are the same."""
    four_facilities()
    made = district_create(Plan, code="108/KH-UBND", title="KH", year=2018, baseline_year=2016,
                           signed_on=date(2018, 3, 28))
    assert made.district == melinh()  # test data: the only district's
    city = kpis.kpis(year=2018)
    assert city.targets.plan_code == "108/KH-UBND" and city.baseline_year == 2016
    assert city.as_json() == kpis.kpis(year=2018, district_id=melinh().pk).as_json()
    overview = kpis.overview(2018)
    assert not overview.several_districts
    assert [row.code for row in overview.district_table] == ["250"]


def overview_queries(scope: kpis.Scope = kpis.CITY) -> int:
    with CaptureQueriesContext(connection) as queries:
        overview = kpis.overview(2018, scope)
        for part in ("figures", "table", "district_table", "trend"):
            getattr(overview, part)
    return len(queries)


def test_the_overview_reads_as_many_queries_for_three_districts_as_for_one(staff):
    four_facilities()
    plan(melinh(), code="108/KH-UBND")
    one = overview_queries()
    for code in ("901", "902"):
        district, commune = new_district(code, f"Thử {code}")
        moved_to(commune, four_facilities)
        plan(district, baseline_year=2016, band=("12", "25"), code=f"{code}/KH")
    plan(None, code="1048/KH-SCT")
    assert overview_queries() == one
    assert len(kpis.overview(2018).district_table) == 3
    assert overview_queries(kpis.Scope(district_id=melinh().pk)) <= one


def test_officers_are_counted_by_district(staff):
    other, _commune = new_district("901", "Thử Nghiệm")
    User.objects.create_user("canbo_khac", role=Role.STAFF, district=other, is_sxsh_officer=True)
    assert kpis.kpis(year=2018).officers.current == 2
    assert kpis.kpis(year=2018, district_id=other.pk).officers.current == 1
    assert kpis.kpis(year=2018, commune_id=_commune.pk).officers.current == 1
    assert [p.username for p in kpis.officers_list(other.pk)] == ["canbo_khac"]


def kpi_json(*args) -> dict:
    out = StringIO()
    call_command("kpi", "--year", "2018", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_kpi_command_takes_a_district(two_plans):
    data = kpi_json("--district", "901")
    assert data["scope"] == {"commune": None, "district": "901"}
    assert (data["baseline_year"], data["saving"]["current"]) == (2016, 1)
    assert kpi_json()["scope"] == {"commune": None, "district": None}
    assert kpi_json()["aware"]["baseline"] == 3
    assert kpi_json("--commune", "90101")["scope"] == {"commune": "90101", "district": "901"}
    with pytest.raises(CommandError, match="999"):
        kpi_json("--district", "999")
    with pytest.raises(CommandError, match="08989"):
        kpi_json("--district", "901", "--commune", "08989")


def test_the_kpi_commands_json_keeps_its_shape_with_one_district():
    data = kpi_json()
    assert data["scope"] == {"commune": None}
    assert kpi_json("--district", "250") == data


def test_one_plan_per_district_and_year_and_one_city_plan_per_year(staff):
    plan(melinh())
    other, _commune = new_district("901", "Thử Nghiệm")
    plan(other)
    city = plan(None)
    assert city.district is None and city.scope_district_id is None
    for district in (melinh(), other, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            plan(district)


def test_plans_and_reports_say_their_district(staff):
    from reports import services

    made = services.plan_create(
        user=staff, data={"code": "108/KH-UBND", "title": "KH", "year": 2018,
                          "baseline_year": 2017, "signed_on": date(2018, 3, 28)},
        targets={}, tasks={})
    assert made.district == melinh() and made.scope_district_id == melinh().pk
    report = services.report_request(user=staff, year=2018)
    assert report.district == melinh() and report.scope_district_id == melinh().pk
    commune_report = services.report_request(user=staff, year=2018,
                                             commune=Commune.objects.get(code="08989"))
    assert commune_report.district == melinh()  # its commune's district


def test_the_citys_baseline_list_has_each_district_in_its_own_baseline_year(two_plans):
    city = kpis.kpis(year=2018)
    listed = kpis.members_of("aware", year=2018, baseline=True)
    assert len(listed.ids) == city.aware.baseline == 3
    assert len(kpis.members_of("active", year=2018, baseline=True).ids) == city.active.baseline
    ours = kpis.Scope(district_id=melinh().pk)
    assert len(kpis.members_of("aware", year=2018, scope=ours, baseline=True).ids) == 2


def test_the_dashboard_of_each_district_and_of_the_city(two_plans, client, staff):
    from django.urls import reverse

    city_officer = User.objects.create_user("soct", role=Role.CITY)
    theirs = User.objects.create_user("canbo_khac", role=Role.STAFF, district=two_plans)
    client.force_login(city_officer)
    response = client.get("/?year=2018")
    assert response.status_code == 200
    assert response.context["figures"].saving.current == 3
    rows = {item.row.code: item for item in response.context["district_rows"]}
    assert {code: item.row.kpis.saving.current for code, item in rows.items()} == {
        "250": 2, "901": 1}
    for code, item in rows.items():  # every number of a district opens its own list
        listed = client.get(item.links["saving"])
        assert listed.context["count"] == item.row.kpis.saving.current, code
        opened = client.get(reverse("dashboard") + item.url)
        assert opened.context["figures"].saving.current == item.row.kpis.saving.current
    baseline = client.get(response.context["baseline_links"]["aware"])
    assert baseline.context["count"] == response.context["figures"].aware.baseline == 3
    for user, saving, code in ((staff, 2, "08989"), (theirs, 1, "90101")):
        client.force_login(user)
        # A district's people see their district's figures, whatever the address asks.
        response = client.get("/?year=2018&district=901" if user == staff else "/?year=2018")
        assert response.context["figures"].saving.current == saving
        assert not response.context["district_rows"]
        assert [row.code for row in response.context["table"]] == [
            c.code for c in Commune.objects.filter(
                district=user.district).order_by("code")] and code in response.content.decode()


def test_a_districts_activity_is_its_own_and_the_citys_their_sum(staff):
    from accounts.models import Unit
    from campaigns.models import Campaign, FundingLine, FundingSource

    other, _commune = new_district("901", "Thử Nghiệm")
    source = FundingSource.objects.order_by("id").first()
    for district, people, planned in ((melinh(), 10, 300), (other, 7, 200)):
        campaign = Campaign.objects.create(
            kind="training_conference", title=f"Hội nghị {district.code}", district=district,
            starts_on=date(2018, 5, 10), lead_unit=Unit.objects.get(code="KINH_TE"),
            people_reached=people, copies_printed=people)
        FundingLine.objects.create(source=source, year=2018, planned_vnd=planned,
                                   campaign=campaign)
    got = {code: kpis.activity(2018, kpis.Scope(district_id=District.objects.get(
        code=code).pk)) for code in ("250", "901")}
    got["city"] = kpis.activity(2018)
    assert {key: (a.campaigns, a.people_reached, a.copies_printed, a.funding.planned_vnd)
            for key, a in got.items()} == {
        "250": (1, 10, 10, 300), "901": (1, 7, 7, 200), "city": (2, 17, 17, 500)}
    assert len(kpis.campaigns_reached(2018, kpis.Scope(district_id=other.pk))) == 1


def test_a_districts_people_read_their_plans_and_the_citys(two_plans, client, staff):
    from django.urls import reverse

    theirs = Plan.objects.get(code="20/KH-UBND")
    city = Plan.objects.get(code="1048/KH-SCT")
    client.force_login(staff)
    listed = client.get(reverse("reports:plans"))
    assert {plan.code for plan in listed.context["plans"]} == {"108/KH-UBND", "1048/KH-SCT"}
    assert "Kế hoạch của thành phố" in listed.content.decode()
    assert client.get(reverse("reports:plan_edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:plan_edit", args=[city.pk])).status_code == 403
    assert client.get(reverse("reports:tasks") + "?year=2018").context["plan"].code == (
        "108/KH-UBND")
    client.force_login(User.objects.create_user("soct", role=Role.CITY))
    assert client.get(reverse("reports:tasks") + "?year=2018").context["plan"] == city
    assert client.get(reverse("reports:plan_edit", args=[city.pk])).status_code == 200


def test_the_citys_dashboard_picks_a_district_and_then_its_communes(two_plans, client, staff):
    """With several districts the city's page offers the districts and lists them, not every
    commune of the city; a district chosen offers and lists its own communes, and a commune
    left chosen from another district gives way to it. A district's people choose no
    district."""
    client.force_login(User.objects.create_user("soct", role=Role.CITY))
    city = client.get("/?year=2018")
    assert [d.code for d in city.context["districts"]] == ["250", "901"]
    assert city.context["communes"] == [] and city.context["table"] == []
    assert 'name="district"' in city.content.decode()
    assert 'name="commune"' not in city.content.decode()
    # A district that keeps no facility is named once, not a row of zeros.
    new_district("902", "Trống")
    emptier = client.get("/?year=2018")
    assert [item.row.code for item in emptier.context["district_rows"]] == ["250", "901"]
    assert list(emptier.context["empty_districts"]) == ["Trống"]

    other = client.get("/?year=2018&district=901")
    assert [c.code for c in other.context["communes"]] == ["90101"]
    assert [row.code for row in other.context["table"]] == ["90101"]
    assert other.context["figures"].saving.current == 1

    left_over = client.get("/?year=2018&district=901&commune=08989")
    assert left_over.context["scope"].commune is None
    assert left_over.context["figures"].saving.current == 1
    within = client.get("/?year=2018&district=901&commune=90101")
    assert within.context["scope"].commune.code == "90101"

    client.force_login(staff)
    own = client.get("/?year=2018")
    assert own.context["districts"] == []
    assert 'name="district"' not in own.content.decode()
    assert {c.code for c in own.context["communes"]} == set(
        Commune.objects.filter(district=melinh()).values_list("code", flat=True))
