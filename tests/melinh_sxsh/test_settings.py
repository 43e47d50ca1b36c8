import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from melinh_sxsh.lib.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("on", True),
     ("0", False), ("false", False), ("No", False), ("off", False), ("", False)],
)
def test_env_bool_words(raw, expected):
    assert env_bool({"X": raw}, "X", default=not expected) is expected


def test_env_bool_default_and_garbage():
    assert env_bool({}, "X", True) is True
    assert env_bool({}, "X", False) is False
    with pytest.raises(ImproperlyConfigured, match="X must be true or false"):
        env_bool({"X": "maybe"}, "X", False)


def test_env_list_splits_and_trims():
    assert env_list({"H": " a.vn, b.vn ,,"}, "H", "") == ["a.vn", "b.vn"]
    assert env_list({}, "H", "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]


def test_env_int_and_str():
    assert env_int({"N": "42"}, "N", 1) == 42
    assert env_int({"N": " "}, "N", 7) == 7
    with pytest.raises(ImproperlyConfigured):
        env_int({"N": "many"}, "N", 1)
    assert env_str({"S": "  x "}, "S") == "x"


def settings_in(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'],"
        "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS, 'media': str(s.MEDIA_ROOT),"
        "'secure_cookie': s.SESSION_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "melinh_sxsh.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.slow
def test_defaults_are_the_embedded_ones():
    result = settings_in({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["debug"] is True
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["name"] == str(ROOT / "var" / "db.sqlite3")
    assert got["eager"] is True
    assert got["hosts"] == ["127.0.0.1", "localhost"]
    assert got["media"] == str(ROOT / "var" / "media")
    assert got["secure_cookie"] is False
    assert (got["lang"], got["tz"]) == ("vi", "Asia/Ho_Chi_Minh")


@pytest.mark.slow
def test_production_values_when_debug_is_off():
    result = settings_in({
        "SECRET_KEY": "x" * 60, "DATABASE_URL": "postgres://u:p@db:5432/sxsh",
        "REDIS_URL": "redis://redis:6379/0", "ALLOWED_HOSTS": "sxsh.melinh.vn",
        "MEDIA_ROOT": "/srv/media",
    })
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["debug"] is False
    assert got["engine"] == "django.db.backends.postgresql"
    assert got["name"] == "sxsh"
    assert got["eager"] is False and got["broker"] == "redis://redis:6379/0"
    assert got["hosts"] == ["sxsh.melinh.vn"]
    assert got["media"] == "/srv/media"
    assert got["secure_cookie"] is True
    assert got["hsts"] >= 31_536_000


def test_secret_key_is_required_without_debug():
    result = settings_in({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_bad_boolean_is_refused():
    result = settings_in({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_negative_number_of_job_threads_is_refused():
    result = settings_in({"DEBUG": "true", "JOB_THREADS": "-1"})
    assert result.returncode != 0
    assert "JOB_THREADS must be 0 or more" in result.stderr
