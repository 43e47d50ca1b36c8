"""The benchmark's synthetic city and its reference SQL agree with the KPI engine."""

import pytest
from django.core.management import CommandError, call_command

from reports import kpis
from reports.benchmark import TARGETS, City, build_city, reference_counts

pytestmark = pytest.mark.django_db


def test_reference_sql_counts_equal_the_engine():
    build_city(City(400, range(2015, 2019)), seed=7)
    for year in (2017, 2018):
        figures = kpis.kpis(year=year)
        assert reference_counts(year, figures.targets.band[0]) == {
            "active": figures.active.current, "aware": figures.aware.current,
            "applying": figures.applying.current, "saving": figures.saving.current}
    assert figures.saving.current > 0 and figures.applying.current > figures.saving.current


@pytest.mark.parametrize("args", [["--years", "2018"], ["--years", "2018-2015"],
                                  ["--facilities", "5"]])
def test_bad_arguments(args):
    with pytest.raises(CommandError) as info:
        call_command("benchmark", *args)
    assert info.value.returncode == 2


def test_targets_read_the_documented_keys():
    sample = {"kpi_engine_s": 1, "kpi_reference_sql_s": 1, "kpi_queries": 5,
              "dashboard_queries": 17, "facility_list_queries": 7, "pdf_total_s": 1.2,
              "pdf_weasyprint_only_s": 1, "export_s": 1, "export_raw_s": 1, "import_s": 2,
              "import_parse_only_s": 1, "import_peak_rss_mb": 200}
    assert all(check(sample) for _label, check in TARGETS)
    assert not TARGETS[0][1]({**sample, "kpi_engine_s": 2.5})
