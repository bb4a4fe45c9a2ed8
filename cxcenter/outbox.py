"""The one door for background work: every e-mail and every job is an outbox row first.

A service writes the row in its own transaction (email_users, email_address, run_later); after the commit the
rows are handed to the broker (cxcenter.queue.enqueue, which never raises) and a worker delivers them. A rolled
back change leaves no row, so it sends nothing; an unreachable broker or mail server leaves the row pending, and
the sweep (beat, every minute) hands it over again. A worker claims each row by a conditional update before it
acts, so two hand-overs of one row (the first attempt and the sweep, or two sweeps) send one e-mail. A row that
keeps failing ends as failed on its object's timeline, where staff see it and the director can send it again.

E-mail context and job arguments are stored as JSON: rows are stored by reference and loaded again when the
e-mail is rendered, lazily translated text is rendered in the recipient's language when the row is written.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import workflow
from .mail import MAIL_ERRORS, close_quietly, describe_error, is_temporary, render_email
from .models import OutboxMessage, Role, TimelineEntry, User
from .queue import enqueue
from .roles import ensure_role

logger = logging.getLogger(__name__)

State = OutboxMessage.State
MAX_ATTEMPTS = 6  # the first try and five more, one, two, four, eight and sixteen minutes apart
RETRY_BASE = datetime.timedelta(minutes=1)
# A row claimed this long ago lost its worker: the sweep hands it over again.
STUCK_AFTER = datetime.timedelta(minutes=15)
SWEEP_CHUNK = 100
REFERENCE = "$row"

Job = Callable[..., object]
_jobs: dict[str, Job] = {}


class NotDeliverable(Exception):
    """The row cannot be done, now or later (its object was deleted, its job is unknown)."""


def register_job(name: str, function: Job) -> None:
    """Name a function that run_later() may schedule; apps call this from AppConfig.ready()."""
    _jobs[name] = function


# --- writing rows ---------------------------------------------------------------------------------------------


def email_users(template: str, users: Iterable[User], *, about=None, context: dict | None = None) -> list[int]:
    """One e-mail per user with an address, in that user's language, sent after the commit. Returns the row ids."""
    rows = [
        mail_row(template, user.email, user.preferred_language, about, context, recipient=user)
        for user in {user.pk: user for user in users if user.email and user.is_active}.values()
    ]
    return write(rows)


def email_address(template: str, address: str, *, language: str, about=None, context: dict | None = None) -> int:
    """One e-mail to an address outside the staff (a customer), in `language`, sent after the commit."""
    return write([mail_row(template, address, language, about, context)])[0]


def run_later(job: str, *, about=None, **arguments) -> int:
    """Run a registered job with `arguments` (ids and plain values) after the commit, by a worker."""
    if job not in _jobs:
        raise ValueError(f"No job registered as {job!r}.")
    row = OutboxMessage(job=job, title=job, payload=stored(arguments), **subject_of(about))
    return write([row])[0]


def mail_row(template, address, language, about, context, *, recipient=None) -> OutboxMessage:
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        payload = stored(context or {})
    return OutboxMessage(
        template=template, recipient=recipient, email=address, language=language, payload=payload, **subject_of(about)
    )


def subject_of(about) -> dict:
    if about is None:
        return {}
    return {"content_type": ContentType.objects.get_for_model(about), "object_id": about.pk}


def write(rows: list[OutboxMessage]) -> list[int]:
    """Insert the rows; hand them to the broker once the surrounding transaction commits."""
    if not rows:
        return []
    ids = [row.pk for row in OutboxMessage.objects.bulk_create(rows)]
    transaction.on_commit(lambda: hand_over(ids))
    return ids


def hand_over(ids: list[int]) -> bool:
    """Give rows to a worker; False when the broker is unreachable (the rows wait for the sweep)."""
    return enqueue("cxcenter.tasks.deliver_outbox_task", ids)


def stored(value):
    """A JSON copy of `value`: rows become references, lazily translated text becomes text."""
    if isinstance(value, models.Model):
        return {REFERENCE: [value._meta.label_lower, value.pk]}
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [stored(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def loaded(value):
    """The inverse of stored(): references become rows again (NotDeliverable for a row deleted since)."""
    if isinstance(value, dict) and set(value) == {REFERENCE}:
        label, pk = value[REFERENCE]
        model = apps.get_model(label)
        try:
            return model._base_manager.get(pk=pk)
        except model.DoesNotExist:
            raise NotDeliverable(f"{label} {pk} no longer exists") from None
    if isinstance(value, dict):
        return {key: loaded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [loaded(item) for item in value]
    return value


# --- delivering -----------------------------------------------------------------------------------------------


def deliver(*, ids: list[int]) -> int:
    """Do the rows among `ids` that are still pending and due: send the e-mails over one SMTP connection, run the
    jobs. Returns how many were done. Each row is claimed first, so a row handed over twice is done once."""
    done = 0
    connection = None
    try:
        for message in OutboxMessage.objects.filter(pk__in=ids, state=State.PENDING).order_by("pk"):
            if not claim(message):
                continue
            if message.template and connection is None:
                connection = get_connection()
            done += attempt(message, connection)
    finally:
        if connection is not None:
            close_quietly(connection)
    return done


def claim(message: OutboxMessage) -> bool:
    """pending → sending, counting the attempt; True only for the caller that changed the row."""
    now = timezone.now()
    changed = OutboxMessage.objects.filter(pk=message.pk, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    message.attempts += 1
    return changed == 1


def attempt(message: OutboxMessage, connection) -> int:
    try:
        if message.template:
            send(message, connection)
        else:
            run(message)
    except NotDeliverable as error:
        give_up(message, str(error))
        return 0
    except MAIL_ERRORS as error:
        if message.template and not is_temporary(error):
            give_up(message, describe_error(error))
        else:
            retry_later(message, describe_error(error))
        return 0
    except Exception as error:
        # A job's own failure (a bug, a lost database connection): logged with its traceback, kept for a retry.
        logger.exception("Outbox job %s (row %s) failed", message.job, message.pk)
        retry_later(message, describe_error(error))
        return 0
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.SENT, sent_at=timezone.now(), last_error="")
    return 1


def send(message: OutboxMessage, connection) -> None:
    context = {**loaded(message.payload), "recipient": message.recipient}
    email = render_email(message.template, context, to=message.email, language=message.language)
    if not message.title:
        OutboxMessage.objects.filter(pk=message.pk).update(title=email.subject[:200])
        message.title = email.subject[:200]
    if not connection.send_messages([email]):
        raise NotDeliverable(_("The mail server accepted no recipient."))


def run(message: OutboxMessage) -> None:
    job = _jobs.get(message.job)
    if job is None:
        raise NotDeliverable(f"no job registered as {message.job!r}")
    with transaction.atomic():
        job(**loaded(message.payload))


def retry_later(message: OutboxMessage, error: str) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        give_up(message, error)
        return
    OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING).update(
        state=State.PENDING,
        next_attempt_at=timezone.now() + RETRY_BASE * 2 ** (message.attempts - 1),
        claimed_at=None,
        last_error=error[:500],
    )


@transaction.atomic
def give_up(message: OutboxMessage, error: str) -> None:
    """Mark the row failed and say so on its object's timeline, where staff look."""
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.FAILED, claimed_at=None, last_error=error[:500])
    if message.content_type_id is None:
        return
    subject = message.subject
    if subject is not None:
        workflow.record(
            subject, actor=None, action=TimelineEntry.Action.NOTIFICATION_FAILED, comment=failure(message, error)
        )


def failure(message: OutboxMessage, error: str) -> str:
    if message.template:
        return _("The e-mail “%(title)s” to %(address)s could not be sent: %(error)s") % {
            "title": message.title or message.template,
            "address": message.email,
            "error": error,
        }
    return _("The background job “%(job)s” failed: %(error)s") % {"job": message.job, "error": error}


# --- the sweep and resending ----------------------------------------------------------------------------------


def sweep() -> int:
    """Hand over again what is due and still to do (beat, every minute); returns how many rows were handed over.

    Rows claimed STUCK_AFTER ago lost their worker and are due again (the claim keeps a slow worker's row from
    going twice). Stops at the first chunk the broker refuses: those rows wait for the next sweep.
    """
    now = timezone.now()
    OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        state=State.PENDING, claimed_at=None, next_attempt_at=now
    )
    due = list(
        OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    handed = 0
    for start in range(0, len(due), SWEEP_CHUNK):
        chunk = due[start : start + SWEEP_CHUNK]
        if not hand_over(chunk):
            break
        handed += len(chunk)
    return handed


@transaction.atomic
def resend(*, message_id: int, actor: User) -> OutboxMessage:
    """The director sends a failed notification again (after the address or the mail server was fixed).

    Directors only (PermissionDenied); a row that did not fail is left as it is.
    """
    ensure_role(actor, Role.DIRECTOR)
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.state != State.FAILED:
        return message
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if message.subject is not None:
        workflow.record(
            message.subject,
            actor=actor,
            action=TimelineEntry.Action.NOTIFICATION_RESENT,
            comment=message.title or message.template or message.job,
        )
    ids = [message.pk]
    transaction.on_commit(lambda: hand_over(ids))
    message.refresh_from_db()
    return message
