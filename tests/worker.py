"""A real Celery worker process on real Redis and PostgreSQL.

The worker reads the test database (committed data: these tests are transactional) and takes
its tasks from a Redis database of its own, so that nothing else on the machine is touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.sxsh_env import need

ROOT = Path(__file__).resolve().parents[1]


def worker_redis_url() -> str:
    """REDIS_TEST_URL, its database number lowered by the pytest-xdist worker's index (gw1 takes
    14 when the run was given 15), so that parallel workers never flush each other's queues."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number) - index}" if number.isdigit() else url


REDIS_URL = worker_redis_url()


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def broker(settings):
    """Send tasks to Redis instead of running them in process."""
    need("PostgreSQL", connection.vendor == "postgresql",
         "a worker process cannot share an in-memory SQLite test database")
    need("Redis", redis_available(), f"no Redis at {REDIS_URL}")
    import redis

    from melinh_sxsh.celery import app

    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    reset_pool(app)
    yield app
    app.conf.update(**saved)
    reset_pool(app)


def reset_pool(app) -> None:
    # The producer pool was made for the previous broker; the next send makes a new one.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def all_queues() -> str:
    """Every queue tasks are sent to: the default one and those of CELERY_TASK_ROUTES."""
    from django.conf import settings

    routes = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return ",".join(sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routes}))


class Worker:
    def __init__(self, env: dict[str, str], log: Path, queues: str, concurrency: int = 1):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "melinh_sxsh", "worker", "--loglevel=info",
             f"--concurrency={concurrency}", "-Q", queues, "--without-gossip",
             "--without-mingle", "--without-heartbeat",
             "-n", f"test-{os.getpid()}-{time.time_ns()}@%h"],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker dies mid-task, as on a power cut."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat(Worker):
    """Celery beat, with its schedule file in the test's own folder."""

    def __init__(self, env: dict[str, str], log: Path, schedule: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "melinh_sxsh", "beat", "--loglevel=info",
             "--schedule", str(schedule)],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)


def process_env(settings, extra: dict) -> dict[str, str]:
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    return {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "DEBUG": "true",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT), **{k: str(v) for k, v in extra.items()}}


@pytest.fixture
def start_worker(broker, tmp_path, settings):
    """start_worker(queues=..., concurrency=..., **env) -> a running worker process on the test
    database, taking every queue unless told otherwise."""
    workers = []

    def start(queues: str | None = None, concurrency: int = 1, **extra) -> Worker:
        worker = Worker(process_env(settings, extra), tmp_path / "worker.log",
                        queues or all_queues(), concurrency)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def start_beat(broker, tmp_path, settings):
    """start_beat(**env) -> Celery beat sending the project's schedule to the test broker."""
    beats = []

    def start(**extra) -> Beat:
        beat = Beat(process_env(settings, extra), tmp_path / "beat.log",
                    tmp_path / f"schedule-{len(beats)}")
        beats.append(beat)
        return beat

    yield start
    for beat in beats:
        beat.stop()


def wait_for(predicate, timeout: float = 90, interval: float = 0.3, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what or predicate}")
