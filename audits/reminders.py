"""Reminders of a data request's deadline, by e-mail (the beat's daily task, audits/tasks.py).

Each facility whose submission is still open (OPEN_STATES) and that has an e-mail address gets
one reminder 7 days before the deadline, one 1 day before and one once it is overdue; at each of
these, every commune official of a commune with such facilities gets one digest listing them
(those without an e-mail address too: the official reaches them by hand or telephone). A run
sends only what `today` calls for: one missed (e-mail off, the server down) is sent at the next
run while its window lasts (7 to 2 days before, 1 day before and the day itself, up to
OVERDUE_DAYS after), and an earlier kind never after a later one.

Never twice: each e-mail is a `Reminder` row, unique per request, kind and facility (or
official), written and committed *before* the message is sent (the claim), and marked sent
once the server took it. A second run, or a second beat at the same moment, finds the row and
sends nothing. If the server refuses the message or cannot be reached, the claim is deleted, so
the next run tries again (a message refused for good, 5xx, does not stop the others; a server
that fails, 4xx or no connection, ends the run); a claim never marked sent (the process died
while sending) is taken again once it is STALE_CLAIM old, the only case in which a message
might go twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import commune_officials
from audits.mail import absolute_url, mail_enabled, send_templated
from audits.models import OPEN_STATES, DataRequest, Reminder, Submission

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
WEEK_DAYS = 7
# A request still open this many days after its deadline is no longer reminded of.
OVERDUE_DAYS = 30
STALE_CLAIM = timedelta(hours=1)
FACILITY_TEMPLATE = "audits/email/reminder.txt"
DIGEST_TEMPLATE = "audits/email/commune_digest.txt"


@dataclass
class Outgoing:
    """One e-mail due: to whom, about what, and its addressee's key in `Reminder`."""

    request: DataRequest
    kind: str
    email: str
    template: str
    context: dict[str, Any]
    facility_id: int | None = None
    recipient_id: int | None = None

    def key(self) -> dict[str, Any]:
        return {"request": self.request, "kind": self.kind, "facility_id": self.facility_id,
                "recipient_id": self.recipient_id}


@dataclass
class Run:
    """What one run did: messages sent, and messages due but not sent (tried again later)."""

    sent: int = 0
    failed: int = 0


def kind_for(deadline: date, today: date) -> str | None:
    """The facility reminder that `today` calls for, or None."""
    days_left = (deadline - today).days
    if days_left < -OVERDUE_DAYS or days_left > WEEK_DAYS:
        return None
    if days_left < 0:
        return Kind.OVERDUE
    return Kind.DAY if days_left <= 1 else Kind.WEEK


def reminders_due(today: date) -> list[Outgoing]:
    """Every reminder and digest `today` calls for that no run has sent or is sending."""
    requests = DataRequest.objects.filter(
        deadline__gte=today - timedelta(days=OVERDUE_DAYS),
        deadline__lte=today + timedelta(days=WEEK_DAYS),
    )
    late = (Submission.objects.filter(request__in=requests, state__in=OPEN_STATES)
            .select_related("request", "facility__commune")
            .order_by("request_id", "facility__name_sort", "facility_id"))
    done = _recorded(requests, timezone.now() - STALE_CLAIM)
    due: list[Outgoing] = []
    by_commune: dict[tuple[int, int], list] = defaultdict(list)  # (request, commune) -> open
    for submission in late:
        request, facility = submission.request, submission.facility
        kind = kind_for(request.deadline, today)
        if kind is None:
            continue
        by_commune[request.pk, facility.commune_id].append(facility)
        if not facility.email or (request.pk, kind, facility.pk, None) in done:
            continue
        url = absolute_url(reverse("audits:submission_fill", args=[submission.pk]))
        due.append(Outgoing(
            request=request, kind=kind, email=facility.email, template=FACILITY_TEMPLATE,
            facility_id=facility.pk,
            context={"request": request, "facility": facility, "url": url,
                     "overdue": kind == Kind.OVERDUE,
                     "days_left": (request.deadline - today).days},
        ))
    due.extend(_digests(by_commune, {s.request_id: s.request for s in late}, today, done))
    return due


def _recorded(requests, stale_before) -> set[tuple]:
    """Keys of the reminders sent, or claimed by a run that may still be sending them."""
    rows = Reminder.objects.filter(request__in=requests).filter(
        Q(sent_at__isnull=False) | Q(claimed_at__gte=stale_before))
    return set(rows.values_list("request_id", "kind", "facility_id", "recipient_id"))


def _digests(by_commune, requests, today, done) -> list[Outgoing]:
    """One digest for each commune official (with an e-mail address) of a commune with
    facilities still open, listing them."""
    officials = commune_officials({commune for _, commune in by_commune}).exclude(email="")
    officials_of = defaultdict(list)
    for official in officials.select_related("commune").order_by("username"):
        officials_of[official.commune_id].append(official)
    digests = []
    for (request_id, commune_id), facilities in by_commune.items():
        request = requests[request_id]
        kind = kind_for(request.deadline, today)
        url = absolute_url(reverse("audits:request_detail", args=[request_id]))
        for official in officials_of[commune_id]:
            if (request_id, kind, None, official.pk) in done:
                continue
            digests.append(Outgoing(
                request=request, kind=kind, email=official.email,
                template=DIGEST_TEMPLATE, recipient_id=official.pk,
                context={"request": request, "commune": official.commune,
                         "official": official, "facilities": facilities, "url": url,
                         "overdue": kind == Kind.OVERDUE},
            ))
    return digests


def reminders_send(*, today: date) -> Run:
    """Send every reminder and digest due `today` (the task passes timezone.localdate()).

    Each is claimed (a committed Reminder row) before it is sent, marked sent after; a message
    the server refused is released for the next run, and a server that cannot be reached ends
    the run, leaving everything not sent to the next one. With e-mail off nothing is claimed.
    """
    run = Run()
    if not mail_enabled():
        logger.warning("E-mail is off (no EMAIL_HOST): no reminder sent.")
        return run
    due = reminders_due(today)
    if not due:
        return run
    connection = get_connection()
    try:
        for position, item in enumerate(due):
            reminder = _claim(item)
            if reminder is None:
                continue
            try:
                send_templated(to=[item.email], template=item.template, context=item.context,
                               connection=connection)
            except (smtplib.SMTPException, OSError) as error:
                _release(reminder)
                if refused(error):  # this message only: the others may still go
                    run.failed += 1
                    logger.warning("Reminder %s to %s refused: %s", item.kind, item.email, error)
                    continue
                run.failed += len(due) - position
                logger.exception("E-mail server failed; %s reminders left to the next run",
                                 len(due) - position)
                break
            Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
            run.sent += 1
    finally:
        connection.close()
    return run


def refused(error: Exception) -> bool:
    """Whether the server refused this one message for good (its recipient, or a 5xx answer),
    rather than failing (a 4xx answer, a lost connection), which ends the run."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _claim(item: Outgoing) -> Reminder | None:
    """The committed claim of `item`, or None if another run sent it or is sending it."""
    now = timezone.now()
    key = item.key()
    try:
        with transaction.atomic():
            return Reminder.objects.create(**key, email=item.email, claimed_at=now)
    except IntegrityError:
        pass
    # A claim left by a run that died while sending: one conditional UPDATE takes it over, so
    # two runs cannot both take it.
    taken = Reminder.objects.filter(**key, sent_at=None,
                                    claimed_at__lt=now - STALE_CLAIM).update(claimed_at=now)
    return Reminder.objects.get(**key) if taken else None


def _release(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk, sent_at=None).delete()
