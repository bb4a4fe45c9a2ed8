"""Invitation batches (发放调研表): making a batch, sending its e-mails, the sweep, reminders (DOMAIN §3).

The invitation row is the source of truth for its e-mail: queued → sending → sent or failed. Every step claims
its rows with a conditional update, so a task delivered twice, two workers given the same ids, or a sweep
running beside a slow worker never send one e-mail twice; and a broker that is down loses nothing, because the
rows stay queued until the sweep puts them on the queue again.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg2.extras import execute_values

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.mail import MAIL_ERRORS, close_quietly, describe_error, is_temporary, render_email
from cxcenter.models import Customer, TimelineEntry, User
from cxcenter.queue import enqueue
from cxcenter.roles import ensure_role
from surveys.models import Invitation, InvitationBatch, Questionnaire
from surveys.permissions import MILESTONE_WORKERS, ensure_plan_not_archived
from surveys.selectors.distribution import SENDABLE_PLAN_STATES, with_skip_reason

logger = logging.getLogger(__name__)

Delivery = Invitation.Delivery

CHUNK_SIZE = 200  # invitations per sending task: one SMTP connection each
INSERT_BATCH_SIZE = 2000
MAX_ATTEMPTS = 6  # the first try and five retries; an invitation tried more often is marked failed
STALE_QUEUED_AFTER = datetime.timedelta(minutes=10)
STUCK_SENDING_AFTER = datetime.timedelta(minutes=15)
REMINDER_INTERVAL = datetime.timedelta(hours=24)
INVITATION_EMAIL = "surveys/emails/invitation"
REMINDER_EMAIL = "surveys/emails/invitation_reminder"


class BatchError(DomainError):
    """A batch the rules do not allow; the message says why."""


class TemporaryDeliveryError(Exception):
    """The mail server could not take the e-mails now; `invitation_ids` are queued again for a later try."""

    def __init__(self, message: str, invitation_ids: list[int]):
        super().__init__(message)
        self.invitation_ids = invitation_ids


def chunked(items: Sequence, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# --- making a batch ---------------------------------------------------------------------------------------------


def ensure_can_send(questionnaire: Questionnaire) -> None:
    """Raise BatchError unless the questionnaire is approved and its plan approved or in progress;
    PermissionDenied once the plan is archived (read-only material)."""
    ensure_plan_not_archived(questionnaire.plan)
    if questionnaire.status != Questionnaire.Status.APPROVED:
        raise BatchError(
            _("“%(title)s” is not approved; only an approved questionnaire can be sent to customers.")
            % {"title": questionnaire}
        )
    plan = questionnaire.plan
    if plan.status not in SENDABLE_PLAN_STATES:
        raise BatchError(
            _("The plan “%(plan)s” is %(status)s; questionnaires are sent while a plan is approved or in progress.")
            % {"plan": plan, "status": plan.get_status_display()}
        )


@transaction.atomic
def create_batch(
    *,
    questionnaire_id: int,
    actor: User,
    customers: QuerySet[Customer] | Iterable[int],
    name: str,
    deadline: datetime.datetime,
    incentive: str = InvitationBatch.Incentive.NONE,
    incentive_text: str = "",
    email_subject: str,
    email_message: str,
    reminder_days_before: int = 3,
    max_reminders: int = 2,
) -> InvitationBatch:
    """A specialist sends an approved questionnaire to a selection of customers, each with their own link.

    Customers without an e-mail address, without consent to surveys, or already invited from this questionnaire
    are left out and listed in `skipped` with the reason. The e-mails go out once the transaction commits.
    MILESTONE_WORKERS only (PermissionDenied); BatchError for a questionnaire or plan not ready to send, a deadline
    that has passed, or a selection in which nobody can be invited.
    """
    ensure_role(actor, *MILESTONE_WORKERS)
    # Two batches made at once from one questionnaire would both invite the same customers: one waits for the other.
    questionnaire = workflow.lock(Questionnaire, questionnaire_id)
    ensure_can_send(questionnaire)
    if deadline <= timezone.now():
        raise BatchError(_("The deadline must be in the future."))
    selection = customers if isinstance(customers, QuerySet) else Customer.objects.filter(pk__in=list(customers))
    rows = list(
        with_skip_reason(Customer.objects.filter(pk__in=selection.values("pk")), questionnaire.pk)
        .order_by("pk")
        .values("pk", "name", "organisation", "email", "skip_reason")
    )
    invited = [row for row in rows if not row["skip_reason"]]
    skipped = [
        {"customer": row["pk"], "name": customer_label(row), "email": row["email"], "reason": row["skip_reason"]}
        for row in rows
        if row["skip_reason"]
    ]
    if not rows:
        raise BatchError(_("No customer is selected."))
    if not invited:
        raise BatchError(
            ngettext(
                "The selected customer cannot be invited (see the reasons above).",
                "None of the %(count)d selected customers can be invited (see the reasons above).",
                len(rows),
            )
            % {"count": len(rows)}
        )
    batch = InvitationBatch.objects.create(
        questionnaire=questionnaire,
        name=name,
        deadline=deadline,
        incentive=incentive,
        incentive_text=incentive_text,
        email_subject=email_subject,
        email_message=email_message,
        reminder_days_before=reminder_days_before,
        max_reminders=max_reminders,
        skipped=skipped,
        created_by=actor,
    )
    now = timezone.now()
    insert_invitations(
        [{"batch_id": batch.pk, "customer_id": row["pk"], "email": row["email"], "queued_at": now} for row in invited]
    )
    workflow.record(
        batch,
        actor=actor,
        action=TimelineEntry.Action.CREATED,
        comment=_("%(invited)d invited, %(skipped)d skipped.") % {"invited": len(invited), "skipped": len(skipped)},
    )
    transaction.on_commit(lambda: enqueue("surveys.tasks.send_batch_task", batch.pk))
    return batch


def insert_invitations(rows: list[dict]) -> None:
    """Insert invitations given as {field attname: value}; the other fields take their defaults, each drawing
    its own 256-bit token (new_token).

    As multi-row INSERTs (psycopg2's execute_values) with every constant default prepared once: bulk_create
    prepares each of the fifteen fields of each row, which for a campaign of 100,000 costs more than the
    database's own work.
    """
    fields = [field for field in Invitation._meta.concrete_fields if not field.primary_key]
    given = rows[0].keys() if rows else ()
    drawn = [
        field for field in fields if field.attname not in given and field.has_default() and callable(field.default)
    ]
    constants = {
        field.attname: field.get_db_prep_save(field.get_default(), connection)
        for field in fields
        if field.attname not in given and field not in drawn
    }

    def values(row: dict) -> tuple:
        row = {**constants, **row, **{field.attname: field.default() for field in drawn}}
        return tuple(row[field.attname] for field in fields)

    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"INSERT INTO {Invitation._meta.db_table} ({columns}) VALUES %s",  # noqa: S608 - the model's own names
            (values(row) for row in rows),
            page_size=INSERT_BATCH_SIZE,
        )


def customer_label(row: dict) -> str:
    return f"{row['name']} ({row['organisation']})" if row["organisation"] else row["name"]


@transaction.atomic
def retry_failed(*, batch_id: int, actor: User) -> int:
    """Queue a batch's failed invitations again (after the address or the mail server was fixed).

    Returns how many were queued. MILESTONE_WORKERS only; BatchError once the batch's deadline has passed.
    """
    ensure_role(actor, *MILESTONE_WORKERS)
    batch = workflow.lock(InvitationBatch, batch_id)
    ensure_plan_not_archived(batch.questionnaire.plan)
    if batch.is_expired:
        raise BatchError(
            _("The deadline of “%(batch)s” has passed; its invitations are no longer sent.") % {"batch": batch}
        )
    count = Invitation.objects.filter(batch=batch, delivery=Delivery.FAILED).update(
        delivery=Delivery.QUEUED, queued_at=timezone.now(), failed_at=None, sending_since=None, attempts=0
    )
    if count:
        workflow.record(
            batch,
            actor=actor,
            action=TimelineEntry.Action.UPDATED,
            comment=ngettext(
                "%(count)d failed invitation queued again.", "%(count)d failed invitations queued again.", count
            )
            % {"count": count},
        )
        transaction.on_commit(lambda: enqueue("surveys.tasks.send_batch_task", batch.pk))
    return count


# --- sending ----------------------------------------------------------------------------------------------------


def send_batch(*, batch_id: int) -> int:
    """Put a batch's queued invitations on the queue, one sending task per chunk of CHUNK_SIZE.

    Returns how many invitations were put on the queue. Stops at the first chunk the broker refuses: those rows
    stay queued and requeue_stale_invitations() sends them when the broker is back.
    """
    ids = list(
        Invitation.objects.filter(batch_id=batch_id, delivery=Delivery.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return enqueue_chunks(ids)


def enqueue_chunks(invitation_ids: list[int]) -> int:
    enqueued = 0
    for chunk in chunked(invitation_ids, CHUNK_SIZE):
        if not enqueue("surveys.tasks.send_invitations_task", chunk):
            break
        enqueued += len(chunk)
    return enqueued


def send_invitations(*, invitation_ids: list[int], last_attempt: bool = False) -> int:
    """Send the invitation e-mails of the queued rows among `invitation_ids` over one SMTP connection.

    Each row is claimed (queued → sending) by a conditional update just before its e-mail goes: only a row this
    call changed is its own, so a task run twice sends nothing twice. Then it is marked sent or failed.
    A permanent refusal (5xx, a bad address) fails that invitation with the server's answer and the others go on.
    A temporary failure (connection refused or dropped, timeout, 4xx) puts the invitation back in the queue and
    raises TemporaryDeliveryError naming the ids still to send, for the task to retry later; on the `last_attempt`
    they are marked failed instead. Returns the number of e-mails sent.
    """
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, delivery=Delivery.QUEUED)
        .select_related("batch__questionnaire", "customer")
        .order_by("pk")
    )
    if not invitations:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except MAIL_ERRORS as error:
        postpone(invitations, describe_error(error), last_attempt=last_attempt)
        return 0
    sent = 0
    try:
        for index, invitation in enumerate(invitations):
            if not claim(invitation):
                continue
            if invitation.batch.is_expired:
                mark_failed(invitation.pk, _("The deadline passed before the e-mail could be sent."))
                continue
            try:
                accepted = connection.send_messages([invitation_email(INVITATION_EMAIL, invitation)])
            except MAIL_ERRORS as error:
                reason = describe_error(error)
                if is_temporary(error):
                    release(invitation, reason, give_up=last_attempt or invitation.attempts >= MAX_ATTEMPTS)
                    postpone(invitations[index + 1 :], reason, last_attempt=last_attempt, tried=invitation)
                    return sent
                mark_failed(invitation.pk, reason)
            else:
                if accepted:
                    mark_sent(invitation.pk)
                    sent += 1
                else:
                    mark_failed(invitation.pk, _("The mail server accepted no recipient."))
    finally:
        close_quietly(connection)
    return sent


def claim(invitation: Invitation) -> bool:
    """queued → sending, counting the attempt; True only for the caller that changed the row."""
    now = timezone.now()
    changed = Invitation.objects.filter(pk=invitation.pk, delivery=Delivery.QUEUED).update(
        delivery=Delivery.SENDING, sending_since=now, attempts=F("attempts") + 1
    )
    invitation.attempts += 1
    return changed == 1


def mark_sent(invitation_id: int) -> None:
    Invitation.objects.filter(pk=invitation_id).update(
        delivery=Delivery.SENT, sent_at=timezone.now(), sending_since=None, failed_at=None, last_error=""
    )


def mark_failed(invitation_id: int, error: str) -> None:
    Invitation.objects.filter(pk=invitation_id).update(
        delivery=Delivery.FAILED, failed_at=timezone.now(), sending_since=None, last_error=error[:500]
    )


def release(invitation: Invitation, error: str, *, give_up: bool) -> None:
    """A claimed invitation whose e-mail did not go: back to the queue, or failed when it has been tried enough."""
    if give_up:
        mark_failed(invitation.pk, error)
        return
    Invitation.objects.filter(pk=invitation.pk, delivery=Delivery.SENDING).update(
        delivery=Delivery.QUEUED, sending_since=None, queued_at=timezone.now(), last_error=error[:500]
    )


def postpone(rest: list[Invitation], error: str, *, last_attempt: bool, tried: Invitation | None = None) -> None:
    """After a temporary failure: fail the unsent rows on the last attempt, else raise for a retry of them."""
    pending = [invitation.pk for invitation in rest]
    if last_attempt:
        Invitation.objects.filter(pk__in=pending, delivery=Delivery.QUEUED).update(
            delivery=Delivery.FAILED, failed_at=timezone.now(), last_error=error[:500]
        )
        return
    if tried is not None and tried.attempts < MAX_ATTEMPTS:
        pending.insert(0, tried.pk)
    if pending:
        raise TemporaryDeliveryError(error, pending)


def invitation_email(template: str, invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation's (or reminder's) e-mail, in the questionnaire's language."""
    batch = invitation.batch
    context = {
        "invitation": invitation,
        "batch": batch,
        "questionnaire": batch.questionnaire,
        "customer": invitation.customer,
        "link": settings.SITE_URL + invitation.get_absolute_url(),
    }
    return render_email(template, context, to=invitation.email, language=batch.questionnaire.language)


# --- the sweep --------------------------------------------------------------------------------------------------


def requeue_stale_invitations() -> int:
    """Put back on the queue what a lost message, a lost worker or an unreachable broker left behind (beat).

    Invitations stuck in `sending` for STUCK_SENDING_AFTER (their worker died) return to `queued` first, by a
    conditional update, or fail once tried MAX_ATTEMPTS times; then every invitation queued for longer than
    STALE_QUEUED_AFTER is enqueued again in chunks. The claim in send_invitations() keeps this from sending twice.
    Returns how many invitations were enqueued; stops while the broker is unreachable.
    """
    now = timezone.now()
    stuck = Invitation.objects.filter(delivery=Delivery.SENDING, sending_since__lt=now - STUCK_SENDING_AFTER)
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        delivery=Delivery.FAILED,
        failed_at=now,
        sending_since=None,
        last_error=_("Sending was interrupted too many times."),
    )
    # queued_at ≤ sending_since, so the rows put back here are already stale and go out below.
    stuck.update(delivery=Delivery.QUEUED, sending_since=None)
    stale = list(
        Invitation.objects.filter(delivery=Delivery.QUEUED, queued_at__lt=now - STALE_QUEUED_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    enqueued = 0
    for chunk in chunked(stale, CHUNK_SIZE):
        if not enqueue("surveys.tasks.send_invitations_task", chunk):
            break
        # Left alone by the next sweeps for a while, as the queue delivers them.
        Invitation.objects.filter(pk__in=chunk, delivery=Delivery.QUEUED).update(queued_at=now)
        enqueued += len(chunk)
    return enqueued


# --- reminders --------------------------------------------------------------------------------------------------


def send_due_reminders() -> int:
    """Remind the customers who have not answered as the deadline nears (催办, beat, hourly).

    A reminder goes to an invitation that was sent at least a day ago, is not answered, had fewer than the
    batch's `max_reminders` and none in the last 24 hours, in a batch whose deadline is at most
    `reminder_days_before` days away and not passed. Each is claimed by a conditional update before its e-mail
    goes (a second run the same day finds nothing) and recorded on the invitation's timeline. Returns how many
    reminders were sent; a temporary mail failure ends the run, and the next hour tries again.
    """
    now = timezone.now()
    batches = [
        batch.pk
        for batch in InvitationBatch.objects.filter(deadline__gt=now, max_reminders__gt=0).only(
            "pk", "deadline", "reminder_days_before"
        )
        if batch.deadline - datetime.timedelta(days=batch.reminder_days_before) <= now
    ]
    if not batches:
        return 0
    due = list(
        Invitation.objects.filter(
            batch__in=batches,
            delivery=Delivery.SENT,
            answered_at=None,
            sent_at__lte=now - REMINDER_INTERVAL,
            reminders_sent__lt=F("batch__max_reminders"),
        )
        .filter(Q(last_reminded_at=None) | Q(last_reminded_at__lte=now - REMINDER_INTERVAL))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for chunk in chunked(due, CHUNK_SIZE):
        try:
            sent += send_reminders(invitation_ids=chunk, now=now)
        except TemporaryDeliveryError as error:
            logger.warning("Reminders stopped after %d sent, the mail server is unavailable: %s", sent, error)
            break
    return sent


def send_reminders(*, invitation_ids: list[int], now: datetime.datetime) -> int:
    """Send one chunk of reminders over one SMTP connection; TemporaryDeliveryError when the server is unavailable."""
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids)
        .select_related("batch__questionnaire", "customer")
        .order_by("pk")
    )
    connection = get_connection()
    try:
        connection.open()
    except MAIL_ERRORS as error:
        raise TemporaryDeliveryError(describe_error(error), invitation_ids) from error
    sent = 0
    try:
        for invitation in invitations:
            if not reminder_due(invitation, now) or not claim_reminder(invitation, now):
                continue
            try:
                connection.send_messages([invitation_email(REMINDER_EMAIL, invitation)])
            except MAIL_ERRORS as error:
                if is_temporary(error):
                    unclaim_reminder(invitation, now)
                    raise TemporaryDeliveryError(describe_error(error), invitation_ids) from error
                # The claim stands: a permanently refused address is not tried again and again.
                logger.warning("Reminder for invitation %s refused: %s", invitation.pk, describe_error(error))
                continue
            workflow.record(invitation, actor=None, action=TimelineEntry.Action.REMINDED)
            sent += 1
    finally:
        close_quietly(connection)
    return sent


def reminder_due(invitation: Invitation, now: datetime.datetime) -> bool:
    """The rule checked again on the row as loaded now; the claim then holds the row to these very values."""
    last = invitation.last_reminded_at
    return (
        invitation.answered_at is None
        and invitation.reminders_sent < invitation.batch.max_reminders
        and (last is None or last <= now - REMINDER_INTERVAL)
    )


def claim_reminder(invitation: Invitation, now: datetime.datetime) -> bool:
    """Count the reminder on the row as loaded; a concurrent run or an answer in between leaves it unchanged."""
    return (
        Invitation.objects.filter(
            pk=invitation.pk,
            reminders_sent=invitation.reminders_sent,
            last_reminded_at=invitation.last_reminded_at,
            answered_at=None,
        ).update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
        == 1
    )


def unclaim_reminder(invitation: Invitation, now: datetime.datetime) -> None:
    """Give back a reminder that did not go, so the next run sends it."""
    Invitation.objects.filter(
        pk=invitation.pk, reminders_sent=invitation.reminders_sent + 1, last_reminded_at=now
    ).update(reminders_sent=invitation.reminders_sent, last_reminded_at=invitation.last_reminded_at)
