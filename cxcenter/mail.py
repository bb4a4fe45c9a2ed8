"""E-mail to staff: one message per recipient, rendered in that recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation


def send_to_users(template: str, users, context: dict) -> int:
    """Send the trio `<template>_subject.txt`, `_body.txt`, `_body.html` to each user with an e-mail address.

    Returns the number of messages sent. One SMTP connection serves all recipients.
    """
    recipients = [user for user in users if user.email]
    if not recipients:
        return 0
    messages = []
    for user in recipients:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            full_context = {**context, "recipient": user, "site_url": settings.SITE_URL}
            subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
            body = render_to_string(f"{template}_body.txt", full_context)
            html = render_to_string(f"{template}_body.html", full_context)
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    with get_connection() as connection:
        return connection.send_messages(messages)
