"""/audits/quality/: violations by rule, for the roles that may see them."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services
from audits.models import EnergyRecord, QualityFlag
from audits.quality import quality_refresh
from tests.audits.conftest import make_facility, make_record, statuses

pytestmark = pytest.mark.django_db

URL = "/audits/quality/"


def test_the_cast(login, cast):
    assert statuses(login, cast, URL) == {
        "anonymous": 302, "outsider": 302, "official_b": 200, "official_a": 200, "unit": 403,
        "leader": 200, "admin": 200, "staff": 200}


def test_commune_officials_see_their_commune_s_flags(login, official_a, facility_a,
                                                     facility_b):
    make_record(facility_a, 2018, "0", {"ELEC": "1"}, baseline=True)
    make_record(facility_b, 2018, "0", {"ELEC": "1"}, baseline=True)
    quality_refresh()
    body = login(official_a).get(URL).content.decode()
    assert facility_a.name in body and facility_b.name not in body


def test_filters_and_bad_parameters(login, staff, facility_a, facility_b, commune_b):
    make_record(facility_a, 2017, "0", {"ELEC": "1"})
    make_record(facility_b, 2018, "10", {"ELEC": "1"}, baseline=True, unit="tấn")
    quality_refresh()
    client = login(staff)

    def shown(query):
        return sorted((f.facility.tax_code, f.year, f.rule)
                      for f in client.get(URL, query).context["page"].object_list)

    assert shown({"rule": "zero_value"}) == [(facility_a.tax_code, 2017, "zero_value")]
    assert shown({"commune": commune_b.pk}) == []
    assert shown({"year": "2017"}) == [(facility_a.tax_code, 2017, "no_baseline"),
                                       (facility_a.tax_code, 2017, "zero_value")]
    for query in ({"rule": "nonsense"}, {"year": "x"}, {"commune": "0"}, {"page": "-1"}):
        assert client.get(URL, query).status_code == 200


def test_query_count_does_not_grow_with_rows(login, staff, commune_a,
                                             django_assert_max_num_queries):
    client = login(staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    for index in range(3):
        make_record(make_facility(commune_a, f"04000000{index:02d}"), 2018, "0", {"ELEC": "1"})
    quality_refresh()
    few = count()
    for index in range(3, 40):
        make_record(make_facility(commune_a, f"04000000{index:02d}"), 2018, "0", {"ELEC": "1"})
    quality_refresh()
    assert QualityFlag.objects.count() == 80
    assert count() == few
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_demo_data_shows_every_rule_and_a_fix_removes_its_line(login, staff):
    call_command("load_demo")
    client = login(staff)
    counts = {rule: count for rule, _label, count in client.get(URL).context["counts"]}
    assert set(counts) == set(QualityFlag.Rule.values)
    assert all(count >= 1 for count in counts.values()), counts

    for rule in QualityFlag.Rule.values:
        page = client.get(URL, {"rule": rule})
        flags = list(page.context["page"].object_list)
        assert flags and {flag.rule for flag in flags} == {rule}
        assert flags[0].facility.name in page.content.decode()

    # The demo's zero output: correct the record and its line disappears.
    flag = QualityFlag.objects.get(rule="zero_value")
    record = EnergyRecord.objects.get(facility=flag.facility, year=flag.year)
    line = f'href="/facilities/{record.facility_id}/"'
    assert line in client.get(URL, {"rule": "zero_value"}).content.decode()
    services.record_update(user=staff, record_id=record.pk, data={"output": Decimal("500")},
                           lines={u.carrier_id: u.quantity for u in record.uses.all()},
                           expected_version=record.version)
    page = client.get(URL, {"rule": "zero_value"})
    assert line not in page.content.decode()
    assert not page.context["page"].object_list
