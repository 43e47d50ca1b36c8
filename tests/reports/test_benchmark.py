"""The benchmark's synthetic city and its reference SQL agree with the KPI engine."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from reports import kpis
from reports.benchmark import (
    TARGETS,
    City,
    bench_district,
    build_city,
    engine_counts,
    reference_counts,
)

pytestmark = pytest.mark.django_db


def test_the_city_has_every_district_and_commune_and_a_plan_for_each():
    from accounts.models import Commune, District
    from facilities.models import Facility
    from reports.models import Plan

    build_city(City(600, range(2015, 2019)), seed=7)
    assert District.objects.count() >= 30 and Commune.objects.count() >= 526
    # Every district has its share, over its communes; Mê Linh (the district's figures) too.
    shares = Counter(Facility.objects.values_list("commune__district_id", flat=True))
    assert len(shares) == District.objects.count() and set(shares.values()) == {20}
    assert bench_district().name == "Mê Linh"
    assert Facility.objects.filter(commune__district=bench_district()).values(
        "commune").distinct().count() == 18
    for year in range(2015, 2019):
        city = Plan.objects.get(year=year, district__isnull=True)
        assert city.district_plans.count() == District.objects.count()
    # Some districts count a saving with a band of their own.
    assert len({band for band in kpis.plans_for(2018).bands().values()}) == 2


def test_reference_sql_counts_equal_the_engine():
    build_city(City(600, range(2015, 2019)), seed=7)
    district = bench_district()
    for year in (2017, 2018):
        plans = kpis.plans_for(year)
        city = kpis.kpis(year=year)
        assert reference_counts(year, plans) == engine_counts(city)
        own = kpis.kpis(year=year, district_id=district.pk)
        assert reference_counts(year, plans, district.pk) == engine_counts(own)
        # The city's figures are the sums of the districts'.
        assert city.active.current == sum(
            row.kpis.active.current for row in kpis.overview(year).district_table)
    assert city.saving.current > 0 and city.applying.current > city.saving.current


@pytest.mark.parametrize("args", [["--years", "2018"], ["--years", "2018-2015"],
                                  ["--facilities", "5"]])
def test_bad_arguments(args):
    with pytest.raises(CommandError) as info:
        call_command("benchmark", *args)
    assert info.value.returncode == 2


def test_targets_read_the_documented_keys():
    sample = {"kpi_engine_s": 1, "kpi_reference_sql_s": 1, "kpi_queries": 5,
              "dashboard_queries": 17, "facility_list_queries": 7, "city_dashboard_queries": 19,
              "city_dashboard_queries_more_districts": 19, "pdf_total_s": 1.2,
              "city_pdf_total_s": 1.2, "city_pdf_weasyprint_only_s": 1,
              "pdf_weasyprint_only_s": 1, "export_s": 1, "export_raw_s": 1, "import_s": 2,
              "import_parse_only_s": 1, "import_peak_rss_mb": 200}
    assert all(check(sample) for _label, check in TARGETS)
    assert not TARGETS[0][1]({**sample, "kpi_engine_s": 2.5})
    grows = {**sample, "city_dashboard_queries_more_districts": 20}
    assert not all(check(grows) for _label, check in TARGETS)
