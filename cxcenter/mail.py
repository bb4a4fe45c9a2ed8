"""The product's one mail builder, and what a mail server's errors mean.

Every e-mail is a template trio `<template>_subject.txt`, `_body.txt`, `_body.html` rendered in its recipient's
language, with files attached where it has them. Nothing here sends during a request: the outbox and the
invitation rows are sent by workers (cxcenter.outbox, surveys.services.distribution).
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# What sending can raise: the server's answers, the network, and an address the mail library cannot encode.
MAIL_ERRORS = (smtplib.SMTPException, OSError, ValueError)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def render_email(
    template: str, context: dict, *, to: str, language: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMultiAlternatives:
    """The trio of `template` rendered in `language` for the address `to`, with `site_url` in its context."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def is_temporary(error: Exception) -> bool:
    """Worth another try later: no connection, a dropped one, a timeout, or a 4xx answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)


def describe_error(error: Exception) -> str:
    """The mail server's own answer where there is one ("550 5.1.1 mailbox unavailable"), else the error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, message = next(iter(error.recipients.values()))
        return f"{code} {as_text(message)}"[:500]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {as_text(error.smtp_error)}"[:500]
    return f"{type(error).__name__}: {error}"[:500]


def as_text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def close_quietly(connection) -> None:
    """Close an SMTP connection that may already be broken; its state no longer matters."""
    try:
        connection.close()
    except MAIL_ERRORS:
        logger.info("Mail connection was already broken when closed.")
