"""A real SMTP server on the loopback (aiosmtpd) that keeps what it receives, for the tests of
the portal's e-mail; a plugin (pyproject.toml), so its fixtures are every test's:
`smtp_server` (one per module) is the server and its inbox; `send_to_smtp_server` points
Django's SMTP backend at it for one test and empties the inbox first.
"""

from __future__ import annotations

import email
import importlib.util
import socket
import sys
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from importlib.metadata import distribution
from pathlib import Path

import pytest


def _aiosmtpd_controller():
    """aiosmtpd's Controller. aiosmtpd imports `public` (its dependency atpublic), a name that
    the portal's own app takes first on sys.path: atpublic stands in under that name only while
    aiosmtpd's modules are imported, and the app's module is put back."""
    import public as portal_app  # the portal's app, first on sys.path

    path = Path(distribution("atpublic").locate_file("public/__init__.py"))
    spec = importlib.util.spec_from_file_location("public", path,
                                                  submodule_search_locations=[str(path.parent)])
    atpublic = importlib.util.module_from_spec(spec)
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        sys.modules["public"] = portal_app
    return Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()


class Inbox:
    """The messages the server accepted. With `refuse_after` set, it answers every message
    past that many with a temporary failure (451), as a server that gives up midway; a message
    to one of `rejected` it refuses for good (550)."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refuse_after: int | None = None
        self.rejected: set[str] = set()  # recipients whose messages it refuses for good (550)
        self.lock = threading.Lock()
        self.host = "127.0.0.1"
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
                return "451 4.3.0 Try again later"
            if self.rejected & set(envelope.rcpt_tos):
                return "550 5.7.1 Message rejected"
            message = email.message_from_bytes(envelope.content, policy=default_policy)
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.refuse_after = None
            self.rejected = set()

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    inbox = Inbox()
    inbox.port = free_port()
    controller = _aiosmtpd_controller()(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def send_to_smtp_server(settings, smtp_server) -> Inbox:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    smtp_server.clear()
    return smtp_server
