"""docker-compose.yml cannot run on this machine (no Docker engine): check what it names."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def command_words(service: dict) -> list[str]:
    command = service.get("command", "")
    if isinstance(command, list):
        command = " ".join(command)
    return shlex.split(command.replace("&&", " && ").replace('"', " "))


def test_services_and_volumes():
    doc = compose()
    assert set(doc["services"]) == {"db", "redis", "web", "worker", "worker-imports", "beat"}
    assert doc["services"]["db"]["image"].startswith("postgres:16")
    assert doc["services"]["redis"]["image"].startswith("redis:7")
    assert {"db-data", "media"} <= set(doc["volumes"])
    for name in ("db", "redis", "web", "worker", "worker-imports"):
        assert "healthcheck" in doc["services"][name], name


def test_every_command_names_something_that_exists():
    doc = compose()
    checked = 0
    for name in ("web", "worker", "worker-imports", "beat"):
        words = command_words(doc["services"][name])
        for i, word in enumerate(words):
            if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", word):  # gunicorn module:attribute
                module, attribute = word.split(":")
                assert hasattr(importlib.import_module(module), attribute), word
                checked += 1
            if word == "-A":  # celery -A package
                assert hasattr(importlib.import_module(words[i + 1]), "celery_app")
                checked += 1
            if word == "manage.py":
                assert (ROOT / "manage.py").exists()
                assert words[i + 1] in get_commands(), words[i + 1]
                checked += 1
    assert checked >= 4


def test_web_migrates_on_start_and_probes_healthz():
    web = compose()["services"]["web"]
    assert "migrate" in command_words(web)
    probe = " ".join(web["healthcheck"]["test"])
    path = re.search(r"localhost:8000(/\S*?)'", probe).group(1)
    assert resolve(path).url_name == "healthz"


def test_dockerfile_starts_the_same_wsgi_module():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "melinh_sxsh.wsgi:application" in dockerfile
    assert "FROM python:3.11" in dockerfile


def worker_queues() -> dict[str, set[str]]:
    """The queues each Celery worker service of docker-compose.yml takes (-Q)."""
    queues = {}
    for name, service in compose()["services"].items():
        words = command_words(service)
        if words[:1] == ["celery"] and "worker" in words:
            assert "-Q" in words, f"{name} takes no explicit queue"
            queues[name] = set(words[words.index("-Q") + 1].split(","))
    return queues


def test_every_queue_has_a_worker_and_imports_have_their_own(settings):
    queues = worker_queues()
    sent_to = {
        settings.CELERY_TASK_DEFAULT_QUEUE,
        *(route["queue"] for route in settings.CELERY_TASK_ROUTES.values()),
    }
    assert set().union(*queues.values()) == sent_to
    # However many files are being checked, no report waits behind them: the workers that
    # take imports take nothing else, and those that build reports take no import.
    assert settings.CELERY_TASK_ROUTES["facilities.tasks.run_import_job"]["queue"] == "imports"
    for name, taken in queues.items():
        assert taken == {"imports"} or "imports" not in taken, name
    from melinh_sxsh.celery import app

    assert app.amqp.router.route({}, "reports.tasks.build_report")["queue"].name == "celery"
    assert app.amqp.router.route({}, "facilities.tasks.run_import_job")["queue"].name == "imports"
