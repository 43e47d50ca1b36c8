"""The portal's e-mails: plain text, in Vietnamese, subject and body from two templates.

`send_templated(to=[...], template="audits/email/reminder.txt", context={...})` renders that
template as the body and `templates/audits/email/reminder_subject.txt` (one line) as the
subject, in Vietnamese, and hands the message to the backend that settings.py chose from the
environment (README.md, "Configuration"): SMTP with EMAIL_HOST, files under var/mail under
`make run`, nothing in production without EMAIL_HOST (`mail_enabled()` is then False).
Templates use `{% translate %}` with English msgids like every page; they are rendered without
HTML escaping (plain text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

DUMMY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# RFC 3834: an automatic message, so that auto-responders do not answer it.
HEADERS = {"Auto-Submitted": "auto-generated"}


def mail_enabled() -> bool:
    """Whether e-mail goes anywhere (False in production without EMAIL_HOST)."""
    return settings.EMAIL_BACKEND != DUMMY_BACKEND


def absolute_url(path: str) -> str:
    """The address of one of the portal's pages (a path from `reverse`) as a link in an e-mail
    or a letter: SITE_URL + path."""
    return settings.SITE_URL + path


def render_templated(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of the body template `template` ("audits/email/reminder.txt") and its
    subject template beside it ("audits/email/reminder_subject.txt"), in the portal's
    language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _render(template.removesuffix(".txt") + "_subject.txt", context)
        body = _render(template, context)
    # A header is one line; blank lines a template's tags leave in the body are dropped to two.
    subject = " ".join(subject.split())
    lines = [line.rstrip() for line in body.strip().splitlines()]
    body = "\n".join(line for i, line in enumerate(lines)
                     if line or (i and lines[i - 1])) + "\n"
    return subject, body


def _render(name: str, context: Mapping[str, Any]) -> str:
    # The engine's own Template, so that the context can turn HTML escaping off: a facility
    # named "A & B" stays "A & B" in a plain-text message.
    return get_template(name).template.render(Context(dict(context), autoescape=False))


def build_templated(*, to: Sequence[str], template: str,
                    context: Mapping[str, Any]) -> EmailMessage:
    """The message `send_templated` sends, not sent (to send several over one connection)."""
    subject, body = render_templated(template, context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, list(to), headers=HEADERS)


def send_templated(*, to: Sequence[str], template: str, context: Mapping[str, Any],
                   connection: Any = None) -> bool:
    """Render `template` with `context` and send it to the addresses `to`.

    Returns False, sending nothing, when e-mail is off (`mail_enabled()`), True once the server
    (or the file backend) took the message. An SMTP failure is raised (smtplib.SMTPException or
    OSError), never swallowed: the caller decides whether to try again later. `connection`
    (from `django.core.mail.get_connection()`, opened by the caller) sends several messages over
    one SMTP session.
    """
    if not mail_enabled():
        return False
    message = build_templated(to=to, template=template, context=context)
    message.connection = connection or get_connection()
    return message.send() == 1
