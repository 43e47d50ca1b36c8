"""Celery tasks of audits: thin, each calls a service."""

from celery import shared_task
from django.utils import timezone

from audits import reminders


@shared_task
def send_reminders() -> int:
    """The beat's daily run of data-request reminders (audits/reminders.py); how many sent."""
    return reminders.reminders_send(today=timezone.localdate()).sent
