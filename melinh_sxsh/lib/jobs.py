"""Background jobs whose row, not the broker, is the source of truth.

One lifecycle for every kind of job (imports, reports): a job is queued; exactly one worker
claims it with one conditional UPDATE (a second delivery of the same message finds it no longer
queued and does nothing); the worker's claim number fences every later write, so a worker that
lost its claim (the job was cancelled, or handed to another worker after its heartbeat stopped)
changes nothing; while it runs, a heartbeat thread and the progress calls keep `heartbeat_at`
fresh; it ends in a final status with a message a person can read.

Celery beat runs `sweep_stale_jobs` for every model built on `BackgroundJob`: a running job whose
heartbeat is older than JOB_STALE_SECONDS (its worker died) is queued again and dispatched, up
to JOB_MAX_ATTEMPTS claims, then failed with a message; a queued job nobody took for as long is
dispatched again (its message may have been lost; a duplicate finds it claimed and does nothing).

Every job is handed on by `job_dispatch`, once its row is committed: to the Celery workers when a
broker is configured, otherwise to `IN_PROCESS`, a few threads of the web process that run it
the same way (claim, heartbeat, final status), so that the page that asked for it answers at once
and follows it as it would a worker's; that process also sweeps, as beat would.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    READY = "ready", _("checked, waiting for confirmation")
    INVALID = "invalid", _("has errors")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# Nothing more will happen to a job in one of these (READY waits for a person, not a worker).
FINAL = (JobStatus.INVALID, JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class BackgroundJob(models.Model):
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life: queued (dispatched), or the running worker's heartbeat.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Claims since the job was last asked for (bounded by JOB_MAX_ATTEMPTS) ...
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # ... and claims ever: the number of the current claim, which fences a worker's writes.
    claims = models.PositiveIntegerField(_("claims"), default=0)

    # The Celery task that runs a job of this kind, given its primary key.
    task_path: ClassVar[str] = ""

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class JobLost(Exception):
    """The job is no longer this worker's: cancelled, or given to another worker."""


class JobRun:
    """One worker's claim on a job. Its writes apply only while the row still carries this
    claim; used as a context manager, it keeps the heartbeat going from a thread of its own
    (a long write happens inside a transaction, which the progress calls stay out of)."""

    def __init__(self, model: type[BackgroundJob], pk: int, claim: int):
        self.model, self.pk, self.claim = model, pk, claim
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    def _mine(self):
        return self.model.objects.filter(pk=self.pk, status=JobStatus.RUNNING, claims=self.claim)

    def progress(self, percent: int) -> None:
        """Record progress and a heartbeat; JobLost if the job is no longer this worker's."""
        if self._lost.is_set() or not self._mine().update(
            progress=max(0, min(100, int(percent))), heartbeat_at=timezone.now()
        ):
            raise JobLost(self.pk)

    def beat(self) -> bool:
        return bool(self._mine().update(heartbeat_at=timezone.now()))

    def finish(self, status: str, message: str = "", **fields) -> bool:
        """End the job; False (and nothing written) if it is no longer this worker's."""
        return bool(
            self._mine().update(
                status=status,
                message=message,
                finished_at=timezone.now(),
                progress=100 if status in (JobStatus.DONE, JobStatus.READY) else F("progress"),
                **fields,
            )
        )

    def release(self) -> None:
        """Give the job back to the queue (a transient error: the task retries it)."""
        self._mine().update(status=JobStatus.QUEUED, heartbeat_at=timezone.now())

    def __enter__(self) -> JobRun:
        # Run inside the request that asked for it, the job is done before anyone could sweep it
        # (and the thread could not see the request's uncommitted rows).
        if not getattr(_inline, "active", False):
            self._thread = threading.Thread(
                target=self._beating, daemon=True, name=f"heartbeat-{self.model.__name__}-{self.pk}"
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _beating(self) -> None:
        try:
            while not self._stop.wait(heartbeat_interval()):
                if not self.beat():
                    self._lost.set()
                    return
        except DatabaseError:
            logger.warning(
                "heartbeat of %s %s stopped", self.model.__name__, self.pk, exc_info=True
            )
        finally:
            connections.close_all()  # this thread's own connections


def heartbeat_interval() -> float:
    return max(0.5, min(60.0, settings.JOB_STALE_SECONDS / 4))


def job_claim(model: type[BackgroundJob], pk: int) -> JobRun | None:
    """Take a queued job for this worker; None if another delivery already has it."""
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        attempts=F("attempts") + 1,
        claims=F("claims") + 1,
    )
    if not claimed:
        return None
    # Nobody else can claim it while it runs, so this is the number this worker set.
    return JobRun(model, pk, model.objects.values_list("claims", flat=True).get(pk=pk))


def job_models() -> list[type[BackgroundJob]]:
    return [model for model in apps.get_models() if issubclass(model, BackgroundJob)]


def sweep_stale(
    model: type[BackgroundJob], *, older_than: timedelta, max_attempts: int
) -> list[int]:
    """Requeue running jobs whose heartbeat stopped, fail those that keep dying, and return the
    jobs to dispatch again (with the queued ones nobody took for as long)."""
    now = timezone.now()
    cutoff = now - older_than
    stale = Q(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    failed = model.objects.filter(stale, attempts__gte=max_attempts).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message=gettext(
            "The work stopped %(count)s times without finishing, each time because the server "
            "running it stopped; nothing was written. Try again, and if it stops again tell the "
            "Economic Department."
        )
        % {"count": max_attempts},
    )
    if failed:
        logger.warning(
            "%s: %s stale jobs failed after %s attempts", model.__name__, failed, max_attempts
        )
    ids = []
    for pk in model.objects.filter(stale).values_list("pk", flat=True):
        # One conditional UPDATE each: a job whose worker beat in the meantime stays its own.
        if model.objects.filter(stale, pk=pk).update(status=JobStatus.QUEUED, heartbeat_at=now):
            ids.append(pk)
    forgotten = Q(status=JobStatus.QUEUED) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    for pk in model.objects.filter(forgotten).values_list("pk", flat=True):
        if model.objects.filter(forgotten, pk=pk).update(heartbeat_at=now):
            ids.append(pk)
    return ids


def sweep_stale_jobs() -> dict[str, list[int]]:
    """The beat's sweep over every kind of job; returns the ids dispatched again, by model."""
    swept = {}
    for model in job_models():
        ids = sweep_stale(
            model,
            older_than=timedelta(seconds=settings.JOB_STALE_SECONDS),
            max_attempts=settings.JOB_MAX_ATTEMPTS,
        )
        for pk in ids:
            job_dispatch(model, pk)
        if ids:
            logger.warning("%s: dispatched again %s", model.__name__, ids)
        swept[model._meta.label] = ids
    return swept


# ---- dispatching ------------------------------------------------------------------------------


def job_dispatch(model: type[BackgroundJob], pk: int) -> None:
    """Hand a queued job to whatever runs jobs here; call it once the row is committed
    (`transaction.on_commit`). With a broker its Celery task goes to the workers; without one (no
    REDIS_URL, where Celery would run it inside the request) a thread of this process runs it."""
    task = import_string(model.task_path)
    if task.app.conf.task_always_eager:
        IN_PROCESS.submit(model, pk)
    else:
        task.delay(pk)


# Set while a job runs inside the request that dispatched it (JOB_THREADS = 0).
_inline = threading.local()


def sweep_interval() -> float:
    """How often stale jobs are looked for: beat's schedule (settings.py) and IN_PROCESS's."""
    return float(min(60, max(1, settings.JOB_STALE_SECONDS // 4)))


class InProcessRunner:
    """The jobs of a process without a broker: a bounded pool of JOB_THREADS threads for each
    kind of job (so that, as with the workers' queues, no number of imports delays a report),
    each job on database connections of its own, closed when it ends. A job that breaks outside
    its service's own handling is failed with a message, as the sweep would end it. With
    JOB_THREADS = 0 a job runs inside the request that asked for it, as it commits (the tests'
    default: their rows are not committed, so another thread could not see them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._pending: set[Future] = set()
        self._sweeper: threading.Thread | None = None
        self._stop = threading.Event()
        self.swept = threading.Event()  # set after each sweep of this process

    def pool(self, model: type[BackgroundJob]) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(model._meta.label)
            if pool is None:
                pool = self._pools[model._meta.label] = ThreadPoolExecutor(
                    max_workers=settings.JOB_THREADS, thread_name_prefix=f"job-{model.__name__}"
                )
            return pool

    def submit(self, model: type[BackgroundJob], pk: int) -> None:
        if settings.JOB_THREADS <= 0:
            _inline.active = True
            try:
                import_string(model.task_path)(pk)
            finally:
                _inline.active = False
            return
        future = self.pool(model).submit(run_in_thread, model, pk)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 120) -> None:
        """Wait until no job of this process is waiting or running (a job may dispatch another)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = {future for future in self._pending if not future.done()}
            if not pending:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 or wait(pending, timeout=remaining).not_done:
                raise TimeoutError(f"{len(pending)} background jobs still running")

    def start_sweeping(self) -> None:
        """Sweep stale jobs from a thread of this process, as beat does where there is a broker:
        a job of a process that died is run again here, or failed after JOB_MAX_ATTEMPTS."""
        with self._lock:
            if self._sweeper is not None:
                return
            self._stop.clear()
            self._sweeper = threading.Thread(target=self._sweeping, daemon=True, name="job-sweep")
            self._sweeper.start()

    def _sweeping(self) -> None:
        while not self._stop.wait(sweep_interval()):
            try:
                sweep_stale_jobs()
            except DatabaseError:
                logger.warning("the in-process sweep failed; next time", exc_info=True)
            finally:
                connections.close_all()  # this thread's own connections
                self.swept.set()

    def stop_sweeping(self) -> None:
        self._stop.set()
        with self._lock:
            sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.join(timeout=30)

    def shutdown(self) -> None:
        """Stop sweeping, let every job end, and let the threads go (tests)."""
        self.stop_sweeping()
        self.drain()
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=True)


def run_in_thread(model: type[BackgroundJob], pk: int) -> None:
    """Run a job's task in a thread of the runner: the task claims the job and ends it (its
    service records its own failures); anything that escapes fails the job with a message."""
    try:
        import_string(model.task_path)(pk)
    except Exception:
        logger.exception("%s %s failed in process", model.__name__, pk)
        try:
            job_fail_unfinished(model, pk)
        except DatabaseError:
            # Left queued or running: the sweep takes it once it is stale.
            logger.warning("%s %s could not be marked failed", model.__name__, pk, exc_info=True)
    finally:
        connections.close_all()  # this thread's own connections; the next job opens new ones


def job_fail_unfinished(model: type[BackgroundJob], pk: int) -> bool:
    """End a job whose run broke where its service could not record it (a database error, a
    bug): failed, with a message a person can read; False if it had ended already."""
    return bool(
        model.objects.filter(pk=pk, status__in=ACTIVE).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=gettext(
                "The work stopped on an unexpected error; nothing was written. Try again, and "
                "if it stops again tell the Economic Department."
            ),
        )
    )


IN_PROCESS = InProcessRunner()
