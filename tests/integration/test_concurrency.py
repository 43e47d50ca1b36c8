"""Concurrency on PostgreSQL: real parallel sessions, each with its own connection."""

import threading
from io import BytesIO

import pytest
from django.db import close_old_connections, connection

from facilities import services
from facilities.importers import FacilityImporter
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import run_import
from reports.building import report_build
from reports.models import Report
from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row, xlsx_bytes
from tests.factories import FacilityFactory
from tests.sxsh_env import need

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    need("PostgreSQL", connection.vendor == "postgresql", "row locks are PostgreSQL's")


def together(*jobs):
    """Run the jobs in threads released at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # collected for the test to look at
            errors[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_two_people_save_the_same_facility_one_wins_the_other_is_told(staff, official_a):
    facility = FacilityFactory(commune=official_a.commune)
    version = facility.version
    data = {"name": facility.name, "commune": facility.commune, "tax_code": facility.tax_code}
    _results, errors = together(
        lambda: services.facility_update(user=staff, facility_id=facility.pk, expected_version=
                                         version, data={**data, "address": "Địa chỉ A"}),
        lambda: services.facility_update(user=official_a, facility_id=facility.pk,
                                         expected_version=version,
                                         data={**data, "employees": 99}))
    refused = [e for e in errors if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], StaleEdit)
    facility.refresh_from_db()
    assert facility.version == version + 1
    assert (facility.address == "Địa chỉ A") != (facility.employees == 99)  # exactly one
    assert facility.history.count() == 2  # created + the one save that won


def test_two_people_set_the_same_status_both_recorded_none_lost(staff, official_a):
    facility = FacilityFactory(commune=official_a.commune)
    _results, errors = together(
        lambda: services.status_set(user=staff, facility=facility, year=2018,
                                    stage=Stage.AWARE),
        lambda: services.status_set(user=official_a, facility=facility, year=2018,
                                    stage=Stage.APPLYING))
    assert errors == [None, None]
    status = FacilityYearStatus.objects.get(facility=facility, year=2018)
    history = list(status.history.order_by("history_date").values_list("stage", flat=True))
    assert len(history) == 2 and status.stage == history[-1]
    assert set(history) == {Stage.AWARE, Stage.APPLYING}


def test_an_import_while_someone_edits_leaves_one_consistent_outcome(staff, official_a):
    facility = FacilityFactory(commune=official_a.commune, tax_code="0109000001",
                               name="Tên ban đầu")
    rows = [FACILITY_HEADERS, facility_row(1, **{"Tên cơ sở": "Tên theo tệp"})]
    rows += [facility_row(n) for n in range(2, 1500)]
    content = xlsx_bytes(rows)
    version = facility.version

    def do_import():
        return run_import(FacilityImporter(user=staff), BytesIO(content), write=True)

    def do_edit():
        return services.facility_update(
            user=official_a, facility_id=facility.pk, expected_version=version,
            data={"name": "Tên do xã sửa", "commune": facility.commune,
                  "tax_code": facility.tax_code})

    results, errors = together(do_import, do_edit)
    assert errors[0] is None and results[0].written
    assert Facility.objects.count() == 1499  # 1.498 new, one updated
    facility.refresh_from_db()
    history = list(facility.history.order_by("history_date").values_list("name", flat=True))
    if errors[1] is None:  # the edit went first; the import then wrote the file's name over it
        assert history == ["Tên ban đầu", "Tên do xã sửa", "Tên theo tệp"]
        assert facility.version == version + 2
    else:  # the import went first; the edit, made on the older version, was refused
        assert isinstance(errors[1], StaleEdit)
        assert history == ["Tên ban đầu", "Tên theo tệp"]
        assert facility.version == version + 1
    assert facility.name == "Tên theo tệp"


def test_two_workers_building_the_same_report_make_one_file(staff, settings):
    report = Report.objects.create(year=2018, format="xlsx", requested_by=staff)
    _results, errors = together(lambda: report_build(report.pk), lambda: report_build(report.pk))
    assert errors == [None, None]
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 1
    folder = (settings.MEDIA_ROOT / "reports" / str(report.pk))
    assert [p.name for p in folder.iterdir()] == [report.file.name.rsplit("/", 1)[-1]]


def test_a_locked_domain_error_is_not_swallowed_by_concurrency(staff):
    from facilities.locking import year_lock

    facility = FacilityFactory()
    year_lock(user=staff, year=2018)
    _results, errors = together(
        lambda: services.status_set(user=staff, facility=facility, year=2018, stage=1),
        lambda: services.status_set(user=staff, facility=facility, year=2018, stage=2))
    assert all(isinstance(e, DomainError) for e in errors)
    assert not FacilityYearStatus.objects.exists()
