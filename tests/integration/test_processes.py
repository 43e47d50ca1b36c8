"""docker-compose.yml cannot run here (no Docker engine), so the processes it starts are started
directly, as it starts them: gunicorn with production settings, and Celery beat."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import sqlite_copy

ROOT = Path(__file__).resolve().parents[2]
# One xdist worker takes the module, so that its collected static files are made once.
pytestmark = pytest.mark.xdist_group("production")
HTTPS = {"X-Forwarded-Proto": "https"}  # as the proxy in front says; plain HTTP is redirected
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory, migrated_sqlite):
    tmp_path = tmp_path_factory.mktemp("production")
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 64,
           "DATABASE_URL": sqlite_copy(migrated_sqlite, tmp_path), "REDIS_URL": "",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "MEDIA_ROOT": str(tmp_path / "media"),
           "STATIC_ROOT": str(tmp_path / "static")}
    done = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return env


def test_gunicorn_serves_the_portal_with_production_settings(production_env):
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "melinh_sxsh.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT,
                              env=production_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                health = urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        assert health.status == 200  # plain HTTP: the load balancer's probe is not redirected
        request = urllib.request.Request(f"{base}/accounts/login/",
                                         headers={"X-Forwarded-Proto": "https"})
        page = urllib.request.urlopen(request, timeout=5)
        assert page.status == 200
        assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
        body = page.read().decode()
        assert "Đăng nhập" in body and ".css" in body
        stylesheet = body.split('href="/static/css/site.')[1].split('"')[0]
        static = urllib.request.Request(f"{base}/static/css/site.{stylesheet}",
                                        headers={"X-Forwarded-Proto": "https"})
        assert urllib.request.urlopen(static, timeout=5).status == 200  # whitenoise, hashed
        # Fewer bytes: static files brotli and immutable under their hashed names, pages gzip.
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"',
                        body)
        assert css, "the stylesheet is linked under its hashed name"
        answer = urllib.request.urlopen(urllib.request.Request(
            base + css[1], headers={**HTTPS, "Accept-Encoding": "br, gzip"}), timeout=5)
        assert answer.headers["Content-Encoding"] == "br"
        assert "max-age=315360000" in answer.headers["Cache-Control"]
        assert "immutable" in answer.headers["Cache-Control"]
        size = (ROOT / "static/vendor/bootstrap/bootstrap.min.css").stat().st_size
        assert len(answer.read()) < size / 5
        page = urllib.request.urlopen(urllib.request.Request(
            f"{base}/public/", headers={**HTTPS, "Accept-Encoding": "gzip"}), timeout=5)
        assert page.headers["Content-Encoding"] == "gzip"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_celery_beat_starts_with_the_one_schedule(production_env, tmp_path):
    log = tmp_path / "beat.log"
    beat = subprocess.Popen([sys.executable, "-m", "celery", "-A", "melinh_sxsh", "beat",
                             "--loglevel=info", "--schedule", str(tmp_path / "schedule")],
                            cwd=ROOT, env={**production_env, "REDIS_URL": "memory://"},
                            stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while "beat: Starting" not in log.read_text() and beat.poll() is None:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        time.sleep(1)  # a schedule entry that fails would print its traceback right after
    finally:
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(timeout=30)
    output = log.read_text()
    assert "beat: Starting" in output, output[-2000:]
    assert "Traceback" not in output
