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
from tests.factories import FacilityFactory, district_create
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
        # Whichever comes second may lower the stage: it gives its reason.
        lambda: services.status_set(user=staff, facility=facility, year=2018,
                                    stage=Stage.AWARE, reason="Kiểm tra lại"),
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
    report = district_create(Report, year=2018, format="xlsx", requested_by=staff)
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


def _versioned_saves(staff):
    """(record, save(n)) pairs: two saves of each edit form's service, made on one version."""
    from datetime import date
    from decimal import Decimal

    from accounts.models import Unit
    from audits import services as audits
    from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
    from campaigns import services as campaigns
    from campaigns.models import Campaign, DemonstrationModel
    from reports import services as reports
    from reports.models import Plan, PlanTask

    facility = FacilityFactory()
    record = EnergyRecord.objects.create(facility=facility, year=2018, output=1, product_unit="t")
    elec = EnergyCarrier.objects.get(code="ELEC")
    EnergyUse.objects.create(record=record, carrier=elec, quantity=1)
    measure = CPMeasure.objects.create(facility=facility, description="x",
                                       technique=CPTechnique.objects.get(code="EQUIPMENT"))
    campaign = district_create(Campaign, kind="radio", title="x", starts_on=date(2018, 3, 5),
                               lead_unit=Unit.objects.get(code="TT_VHTT"))
    model = district_create(DemonstrationModel, title="x", host=facility, technology="x",
                            year=2018)
    plan = district_create(Plan, code="108/KH-UBND", title="x", year=2018, baseline_year=2017,
                           signed_on=date(2018, 3, 28))
    task = PlanTask.objects.create(plan=plan, unit=Unit.objects.get(code="TT_VHTT"), duty="x")
    plan_data = {"code": "108/KH-UBND", "title": "x", "year": 2018, "baseline_year": 2017,
                 "signed_on": date(2018, 3, 28)}
    return {
        "energy record": (record, lambda n: audits.record_update(
            user=staff, record_id=record.pk, data={"output": Decimal(n + 2)},
            lines={elec.pk: Decimal(1)}, expected_version=record.version)),
        "CP measure": (measure, lambda n: audits.measure_update(
            user=staff, measure_id=measure.pk, data={"description": f"save {n}"},
            expected_version=measure.version)),
        "campaign": (campaign, lambda n: campaigns.campaign_update(
            user=staff, campaign_id=campaign.pk, data={"title": f"save {n}"},
            expected_version=campaign.version)),
        "demonstration model": (model, lambda n: campaigns.model_update(
            user=staff, model_id=model.pk, data={"title": f"save {n}"},
            expected_version=model.version)),
        "plan": (plan, lambda n: reports.plan_update(
            user=staff, plan_id=plan.pk, data={**plan_data, "signer": f"save {n}"},
            targets={}, tasks={task.unit_id: {"duty": "x", "status": "not_started"}},
            expected_version=plan.version)),
        "task report": (task, lambda n: reports.task_report_post(
            user=staff, task=task, reported_on=date(2018, 11, 5), text=f"save {n}",
            status=["in_progress", "done"][n], expected_version=task.version)),
    }


@pytest.mark.parametrize("kind", ["energy record", "CP measure", "campaign",
                                  "demonstration model", "plan", "task report"])
def test_two_saves_on_one_version_one_wins_the_other_is_refused(staff, kind):
    record, save = _versioned_saves(staff)[kind]
    _results, errors = together(lambda: save(0), lambda: save(1))
    refused = [e for e in errors if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], StaleEdit), errors
    assert type(record).objects.get(pk=record.pk).version == record.version + 1


@pytest.mark.parametrize("second", ["accept", "return", "fill"])
def test_a_reviewer_accepting_while_another_reviews_or_the_form_is_saved(staff, official_a,
                                                                         second):
    """One wins; the other is told where the submission stands; one record, one move."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from audits.models import EnergyCarrier, EnergyRecord, Submission
    from audits.submissions import (
        request_create,
        submission_accept,
        submission_fill,
        submission_return,
        submission_submit,
    )

    facility = FacilityFactory(commune=official_a.commune)
    request = request_create(user=staff, year=2018, title="Số liệu 2018", facilities=[facility],
                             deadline=timezone.localdate() + timedelta(days=10))
    submission = request.submissions.get()
    elec = EnergyCarrier.objects.get(code="ELEC")
    data = {"output": Decimal("50"), "product_unit": "tấn", "lines": {elec.pk: "4000"}}
    submission = submission_fill(user=staff, submission_id=submission.pk, data=data,
                                 expected_version=submission.version)
    submission = submission_submit(user=staff, submission_id=submission.pk,
                                   expected_version=submission.version)
    other = {
        "accept": lambda: submission_accept(user=staff, submission_id=submission.pk),
        "return": lambda: submission_return(user=staff, submission_id=submission.pk,
                                            reason="Thiếu hóa đơn điện"),
        # The facility's own save, on the version it opened before it submitted.
        "fill": lambda: submission_fill(user=staff, submission_id=submission.pk,
                                        data={**data, "output": Decimal("60")},
                                        expected_version=submission.version),
    }[second]
    _results, errors = together(
        lambda: submission_accept(user=staff, submission_id=submission.pk), other
    )
    refused = [e for e in errors if e is not None]
    assert len(refused) == 1 and isinstance(refused[0], DomainError), errors
    submission.refresh_from_db()
    moves = list(submission.transitions.values_list("to_state", flat=True))
    assert moves[:2] == ["draft", "submitted"] and len(moves) == 3
    records = EnergyRecord.objects.filter(facility=facility)
    if submission.state == Submission.State.ACCEPTED:
        assert records.get().output == Decimal("50") and records.get().is_verified
    else:  # the return went first: nothing was written
        assert second == "return" and submission.state == Submission.State.RETURNED
        assert not records.exists()


def test_one_code_used_in_two_tabs_at_once_makes_one_account(staff, official_a):
    from accounts.models import User
    from audits.submissions import CodeRefused, invitation_activate, invitation_create

    facility = FacilityFactory(commune=official_a.commune)
    _invitation, code = invitation_create(user=staff, facility=facility)

    def activate(username):
        return lambda: invitation_activate(code=code, client_ip="10.0.0.7", username=username,
                                           password="Hai-Tab-Cùng-Lúc@2018")

    results, errors = together(activate("tab.mot"), activate("tab.hai"))
    assert sum(result is not None for result in results) == 1, errors
    [refused] = [error for error in errors if error is not None]
    assert isinstance(refused, CodeRefused) and "đã được sử dụng" in str(refused)
    assert User.objects.filter(represented_facilities=facility).count() == 1
