"""One lifecycle for every background job (imports, reports): claimed once, fenced by its
claim, swept by beat when its worker dies, ended with a message a person can read."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from facilities.models import ImportJob
from melinh_sxsh.lib import jobs
from melinh_sxsh.lib.jobs import JobLost, JobStatus, job_claim, job_models
from reports.models import Report
from tests.facilities.xlsx_helpers import facilities_file
from tests.factories import district_create

pytestmark = pytest.mark.django_db


def new_import(user, **fields):
    job = ImportJob(kind="facilities", original_name="co-so.xlsx", requested_by=user, **fields)
    job.file.save("co-so.xlsx", ContentFile(facilities_file(3)), save=False)
    job.save()
    return job


def new_report(user, **fields):
    return district_create(Report, year=2018, requested_by=user, **fields)


# Every kind of job there is, and how to make one: a new job model fails here until added.
MAKERS = {ImportJob: new_import, Report: new_report}
# What a job of each kind becomes once a worker has run it to the end.
ENDS = {ImportJob: JobStatus.READY, Report: JobStatus.DONE}


def test_every_job_model_is_covered():
    assert set(job_models()) == set(MAKERS)
    for model in job_models():
        assert model.task_path, model  # the sweep dispatches through it


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)
def test_the_sweep_requeues_fails_and_redispatches_every_kind(
    model, staff, settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_SECONDS, settings.JOB_MAX_ATTEMPTS = 60, 3
    make = MAKERS[model]
    others = [make(None) for _ in range(4)]  # one active import per account: no account here
    dead, fresh, hopeless, forgotten = others
    model.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING, attempts=1, claims=1, heartbeat_at=ago(5)
    )
    model.objects.filter(pk=fresh.pk).update(
        status=JobStatus.RUNNING, attempts=1, claims=1, heartbeat_at=timezone.now()
    )
    model.objects.filter(pk=hopeless.pk).update(
        status=JobStatus.RUNNING, attempts=3, claims=3, heartbeat_at=ago(5)
    )
    model.objects.filter(pk=forgotten.pk).update(status=JobStatus.QUEUED, heartbeat_at=ago(5))

    from melinh_sxsh.tasks import sweep_stale_jobs

    swept = sweep_stale_jobs()  # tasks run in process here: the dispatched jobs run to the end
    assert sorted(swept[model._meta.label]) == sorted([dead.pk, forgotten.pk])
    statuses = dict(model.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: ENDS[model],
        forgotten.pk: ENDS[model],
        fresh.pk: JobStatus.RUNNING,
        hopeless.pk: JobStatus.FAILED,
    }
    hopeless.refresh_from_db()
    assert "dừng 3 lần" in hopeless.message and hopeless.finished_at
    # Nothing is left running without a heartbeat; a second sweep finds nothing.
    assert sweep_stale_jobs()[model._meta.label] == []


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)
def test_a_worker_that_lost_its_claim_writes_nothing(model, staff):
    job = MAKERS[model](staff)
    first = job_claim(model, job.pk)
    assert first is not None and job_claim(model, job.pk) is None  # a second delivery
    # Its heartbeat stopped; the sweep gave the job to another worker.
    model.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    second = job_claim(model, job.pk)
    assert (first.claim, second.claim) == (1, 2)
    with pytest.raises(JobLost):
        first.progress(50)
    assert first.finish(JobStatus.FAILED, "late") is False
    second.progress(30)
    assert second.finish(JobStatus.DONE) is True
    job.refresh_from_db()
    assert (job.status, job.message, job.attempts, job.claims) == (JobStatus.DONE, "", 2, 2)


def test_a_cancelled_job_stops_its_worker(staff):
    job = new_import(staff)
    run = job_claim(ImportJob, job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED)
    with pytest.raises(JobLost):
        run.progress(10)
    assert run.finish(JobStatus.READY) is False
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.CANCELLED


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_without_progress_calls(staff, settings):
    """A long write sits in one transaction where progress is not recorded: a thread of the
    worker keeps the heartbeat going on a connection of its own."""
    import time

    settings.JOB_STALE_SECONDS = 2  # a beat every half second
    report = new_report(staff)
    run = job_claim(Report, report.pk)
    started = Report.objects.get(pk=report.pk).heartbeat_at
    with run:
        time.sleep(1.6)
        beaten = Report.objects.get(pk=report.pk).heartbeat_at
    assert beaten > started
    # Once the job is no longer its own, the thread notices and the next progress stops it.
    run = job_claim(Report, new_report(staff).pk)
    with run:
        Report.objects.filter(pk=run.pk).update(status=JobStatus.CANCELLED)
        time.sleep(1.2)
        with pytest.raises(JobLost):
            run._lost.wait(2) and run.progress(90)


@pytest.mark.parametrize("status", [s for s in JobStatus.values])
def test_a_job_polls_only_while_a_worker_has_it(status):
    job = ImportJob(status=status)
    assert job.is_active == (status in ("queued", "running"))
    assert job.is_final == (status in ("invalid", "done", "failed", "cancelled"))


def test_beat_sweeps_every_job_often_enough(settings):
    from melinh_sxsh.celery import app

    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    sweep = entries["melinh_sxsh.tasks.sweep_stale_jobs"]
    assert sweep["schedule"] <= min(60, settings.JOB_STALE_SECONDS)
    app.loader.import_default_modules()  # what a worker does as it starts: autodiscovery
    assert "melinh_sxsh.tasks.sweep_stale_jobs" in app.tasks
    assert jobs.heartbeat_interval() < settings.JOB_STALE_SECONDS / 2
    # Without a broker the server process sweeps on the same schedule.
    assert sweep["schedule"] == jobs.sweep_interval()
