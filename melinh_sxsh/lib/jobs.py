"""Background jobs whose row, not the broker, is the source of truth.

A job is queued, claimed by exactly one worker with one conditional UPDATE (a second delivery of
the same message finds it no longer queued and does nothing), reports progress and a heartbeat
while it runs, and ends in a final status with a message a person can read. A job whose heartbeat
stops (its worker died) is put back in the queue by `requeue_stale`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    READY = "ready", _("checked, waiting for confirmation")
    INVALID = "invalid", _("has errors")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


def job_claim(model: type[BackgroundJob], pk: int) -> bool:
    """Take a queued job for this worker; False if another delivery already has it."""
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def job_progress(model: type[BackgroundJob], pk: int, percent: int) -> None:
    model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
        progress=max(0, min(100, int(percent))), heartbeat_at=timezone.now()
    )


def job_finish(model: type[BackgroundJob], pk: int, status: str, message: str = "",
               **fields) -> None:
    model.objects.filter(pk=pk).update(
        status=status, message=message, finished_at=timezone.now(),
        progress=100 if status in (JobStatus.DONE, JobStatus.READY) else F("progress"), **fields,
    )


def requeue_stale(model: type[BackgroundJob], *, older_than: timedelta,
                  max_attempts: int = 3) -> list[int]:
    """Requeue running jobs whose heartbeat stopped; fail those that keep dying."""
    cutoff = timezone.now() - older_than
    stale = model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    model.objects.filter(pk__in=stale.filter(attempts__gte=max_attempts).values("pk")).update(
        status=JobStatus.FAILED, finished_at=timezone.now(),
        message=str(_("The job stopped several times without finishing; ask for it again.")),
    )
    ids = list(stale.filter(attempts__lt=max_attempts).values_list("pk", flat=True))
    model.objects.filter(pk__in=ids, status=JobStatus.RUNNING).update(status=JobStatus.QUEUED)
    return ids
