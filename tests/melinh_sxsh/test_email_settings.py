"""E-mail settings from the environment (README.md, "Configuration"): SMTP with EMAIL_HOST,
files under var/mail under `make run`, off in production without a server; SITE_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "sxsh.melinh.vn,localhost"}


def mail_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'backend': s.EMAIL_BACKEND.rsplit('.', 2)[-2], 'host': s.EMAIL_HOST,"
        "'port': s.EMAIL_PORT, 'tls': s.EMAIL_USE_TLS, 'ssl': s.EMAIL_USE_SSL,"
        "'files': str(s.EMAIL_FILE_PATH), 'sender': s.DEFAULT_FROM_EMAIL,"
        "'timeout': s.EMAIL_TIMEOUT, 'site': s.SITE_URL}))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "melinh_sxsh.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def read(env: dict[str, str]) -> dict:
    result = mail_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_make_run_writes_mail_as_files_under_var_mail():
    got = read({"DEBUG": "true"})
    assert got["backend"] == "filebased"
    assert got["files"] == str(ROOT / "var" / "mail")
    assert got["site"] == "http://127.0.0.1:8000"


@pytest.mark.slow
def test_production_without_a_server_sends_nothing_and_links_to_its_host():
    got = read(PRODUCTION)
    assert got["backend"] == "dummy"
    assert got["site"] == "https://sxsh.melinh.vn"


@pytest.mark.slow
def test_a_server_from_the_environment():
    got = read({**PRODUCTION, "EMAIL_HOST": "smtp.melinh.vn", "EMAIL_USE_TLS": "true",
                "EMAIL_TIMEOUT": "5", "DEFAULT_FROM_EMAIL": "sxsh@melinh.vn",
                "SITE_URL": "https://sxsh.hanoi.gov.vn/"})
    assert (got["backend"], got["host"], got["port"], got["tls"], got["ssl"]) == (
        "smtp", "smtp.melinh.vn", 587, True, False)
    assert (got["timeout"], got["sender"]) == (5, "sxsh@melinh.vn")
    assert got["site"] == "https://sxsh.hanoi.gov.vn"
    ssl = read({**PRODUCTION, "EMAIL_HOST": "smtp.melinh.vn", "EMAIL_USE_SSL": "yes"})
    assert (ssl["port"], ssl["ssl"]) == (465, True)
    assert read({**PRODUCTION, "EMAIL_HOST": "h", "EMAIL_PORT": "2525"})["port"] == 2525


@pytest.mark.parametrize(("env", "message"), [
    ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "cannot both be true"),
    ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS must be true or false"),
    ({"SITE_URL": "https://sxsh.vn/path; x"}, "SITE_URL"),
])
def test_contradictions_and_typos_are_refused(env, message):
    result = mail_settings({"DEBUG": "true", **env})
    assert result.returncode != 0
    assert message in result.stderr
