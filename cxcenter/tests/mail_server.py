"""A real SMTP server on 127.0.0.1 for the sending tests (aiosmtpd), with ways to refuse and to drop."""

import email
import re
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s\"<>]+/s/([A-Za-z0-9_-]+)/")


@dataclass
class ReceivedMail:
    to: str
    subject: str
    text: str
    html: str

    @property
    def tokens(self) -> set[str]:
        return set(LINK.findall(self.text))


@dataclass
class MailServer:
    """What the server received, and how it misbehaves.

    `refuse`: address → SMTP reply ("550 5.1.1 …") given to RCPT for it.
    `drop_after`: after accepting that many messages, drop the connection at the next DATA (once).
    `busy_after`: after accepting that many messages, answer the next DATA "421" and close (once).
    """

    port: int = 0
    received: list[ReceivedMail] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    busy_after: int | None = None
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def per_address(self) -> Counter:
        return Counter(mail.to for mail in self.received)

    def to(self, address: str) -> ReceivedMail:
        [mail] = [mail for mail in self.received if mail.to == address]
        return mail

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_after is not None and len(self.received) >= self.drop_after:
                self.drop_after = None
                server.transport.close()
                return "421 4.4.2 Connection dropped"
            if self.busy_after is not None and len(self.received) >= self.busy_after:
                self.busy_after = None
                server.transport.close()
                return "421 4.3.2 Service not available, closing transmission channel"
            message = email.message_from_bytes(envelope.original_content, policy=default_policy)
            text = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            for address in envelope.rcpt_tos:
                self.received.append(
                    ReceivedMail(
                        to=address,
                        subject=str(message["Subject"]),
                        text=text.get_content().replace("\r\n", "\n") if text else "",
                        html=html.get_content().replace("\r\n", "\n") if html else "",
                    )
                )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_mail_server(settings):
    """Start a local SMTP server and point Django's mail (the pytest-django `settings` fixture) at it."""
    server = MailServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        controller.stop()
