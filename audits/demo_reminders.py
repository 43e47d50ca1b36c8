"""For `load_demo` under `make run`: the demo request's reminders written once under var/mail,
so that a person can read what facilities and commune officials will receive."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from audits.models import DataRequest
from audits.reminders import WEEK_DAYS, reminders_send

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def write_examples() -> int:
    """The reminders the demo's request will send 7 days before its deadline, as files; how
    many. Only with the file backend (never through a real server), and rolled back: no
    Reminder row stays, so each still goes on its own day."""
    request = DataRequest.objects.filter(year=2018).order_by("-created_at").first()
    if settings.EMAIL_BACKEND != FILE_BACKEND or request is None:
        return 0
    with transaction.atomic():
        run = reminders_send(today=request.deadline - timedelta(days=WEEK_DAYS))
        transaction.set_rollback(True)
    return run.sent
