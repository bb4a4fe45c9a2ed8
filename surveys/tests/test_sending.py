"""Sending invitations through a real SMTP server: every customer gets their own link exactly once, whatever fails."""

import datetime
import threading

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connections
from django.utils import timezone

from cxcenter.models import TimelineEntry
from cxcenter.queue import enqueue
from cxcenter.tests.background import LIVE_BROKER, UNREACHABLE_BROKER, drain_queue
from cxcenter.tests.factories import CustomerFactory
from surveys import tasks
from surveys.models import Invitation, InvitationBatch, Questionnaire, SurveyPlan
from surveys.services import distribution
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory, QuestionnaireFactory, SurveyPlanFactory

pytestmark = pytest.mark.django_db

Delivery = Invitation.Delivery


@pytest.fixture
def questionnaire():
    plan = SurveyPlanFactory(status=SurveyPlan.Status.IN_PROGRESS)
    return QuestionnaireFactory(plan=plan, status=Questionnaire.Status.APPROVED, language="en", title="Kettle survey")


@pytest.fixture
def customers():
    return [CustomerFactory(email=f"buyer{number}@example.com") for number in range(5)]


def launch(questionnaire, actor, customers, capture, **fields):
    """create_batch() as a page calls it, with its on-commit enqueueing run."""
    values = {
        "name": "Spring mailing",
        "deadline": timezone.now() + datetime.timedelta(days=14),
        "incentive": InvitationBatch.Incentive.LOTTERY,
        "incentive_text": "Ten kettles to win.",
        "email_subject": "Tell us about your kettle",
        "email_message": "Thank you for your purchase.",
        **fields,
    }
    with capture(execute=True):
        return distribution.create_batch(
            questionnaire_id=questionnaire.pk, actor=actor, customers=[c.pk for c in customers], **values
        )


def deliveries(batch) -> dict[str, str]:
    return dict(batch.invitations.values_list("email", "delivery"))


def test_a_batch_reaches_every_customer_with_their_own_link(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks
):
    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)

    assert sorted(smtp_server.per_address().items()) == [(c.email, 1) for c in customers]
    for invitation in batch.invitations.all():
        received = smtp_server.to(invitation.email)
        link = f"{settings.SITE_URL}/s/{invitation.token}/"
        assert link in received.text and f'href="{link}"' in received.html
        assert received.tokens == {invitation.token}
        assert received.subject == "Tell us about your kettle"
        assert "Thank you for your purchase." in received.text
        assert f"Dear {invitation.customer.name}," in received.text
        assert "Lottery" in received.text and "Ten kettles to win." in received.text
        assert invitation.delivery == Delivery.SENT and invitation.sent_at and invitation.attempts == 1
    # One SMTP connection served the whole chunk.
    assert smtp_server.connections == 1


def test_the_link_opens_the_customers_survey_page(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks, client
):
    launch(questionnaire, specialist, customers[:1], django_capture_on_commit_callbacks)
    [token] = smtp_server.received[0].tokens
    response = client.get(f"/s/{token}/")
    assert response.status_code == 200
    assert Invitation.objects.get(token=token).opened_at is not None


def test_the_message_goes_in_as_plain_text_and_is_escaped_in_html(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks
):
    message = "Hello <b>friends</b> & partners\nSecond line"
    launch(questionnaire, specialist, customers[:1], django_capture_on_commit_callbacks, email_message=message)
    received = smtp_server.received[0]
    assert message in received.text
    assert "Hello &lt;b&gt;friends&lt;/b&gt; &amp; partners<br>Second line" in received.html
    assert "<b>friends</b>" not in received.html


def test_the_email_is_written_in_the_questionnaires_language(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks
):
    questionnaire.language = "zh-hans"
    questionnaire.save(update_fields=["language"])
    customer = customers[0]
    launch(questionnaire, specialist, [customer], django_capture_on_commit_callbacks)
    assert f"{customer.name}，您好：" in smtp_server.received[0].text


def test_refused_recipients_fail_with_the_servers_answer_and_the_others_are_sent(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks
):
    refused = {customers[1].email, customers[3].email}
    smtp_server.refuse = {address: "550 5.1.1 Mailbox unavailable" for address in refused}

    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)

    assert set(smtp_server.per_address()) == {c.email for c in customers} - refused
    for invitation in batch.invitations.all():
        if invitation.email in refused:
            assert invitation.delivery == Delivery.FAILED and invitation.failed_at
            assert invitation.last_error == "550 5.1.1 Mailbox unavailable"
            assert invitation.sent_at is None
        else:
            assert invitation.delivery == Delivery.SENT and invitation.last_error == ""


@pytest.mark.parametrize("misbehaviour", ["drop_after", "busy_after"])
def test_a_connection_lost_mid_batch_is_retried_and_nobody_gets_two_emails(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks, misbehaviour
):
    setattr(smtp_server, misbehaviour, 2)

    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)

    assert smtp_server.per_address() == {c.email: 1 for c in customers}
    assert set(deliveries(batch).values()) == {Delivery.SENT}
    # The third invitation was tried twice: once on the lost connection, once on the retry.
    attempts = sorted(batch.invitations.values_list("attempts", flat=True))
    assert attempts == [1, 1, 1, 1, 2]
    assert smtp_server.connections == 2


def test_running_the_task_twice_sends_no_email_twice(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = distribution.create_batch(
            questionnaire_id=questionnaire.pk,
            actor=specialist,
            customers=[c.pk for c in customers],
            name="Twice",
            deadline=timezone.now() + datetime.timedelta(days=3),
            email_subject="Subject",
            email_message="Message",
        )
    ids = list(batch.invitations.values_list("pk", flat=True))

    assert tasks.send_invitations_task.apply((ids,)).get() == 5
    assert tasks.send_invitations_task.apply((ids,)).get() == 0
    assert tasks.send_batch_task.apply((batch.pk,)).get() == 0

    assert smtp_server.per_address() == {c.email: 1 for c in customers}


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_invitations_send_each_once(questionnaire, customers, smtp_server):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    ids = [InvitationFactory(batch=batch, customer=customer).pk for customer in customers]
    more = [CustomerFactory() for _ in range(25)]
    ids += [InvitationFactory(batch=batch, customer=customer).pk for customer in more]
    start = threading.Barrier(3)

    def worker():
        start.wait()
        try:
            distribution.send_invitations(invitation_ids=ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(smtp_server.received) == 30
    assert set(smtp_server.per_address().values()) == {1}
    assert set(Invitation.objects.filter(pk__in=ids).values_list("delivery", flat=True)) == {Delivery.SENT}


def test_a_mail_server_that_stays_down_fails_the_invitations_after_the_retries(
    questionnaire, customers, specialist, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)

    for invitation in batch.invitations.all():
        assert invitation.delivery == Delivery.FAILED
        assert "ConnectionRefusedError" in invitation.last_error


def test_a_temporary_failure_puts_the_invitations_back_in_the_queue(questionnaire, customers, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    ids = [InvitationFactory(batch=batch, customer=customer).pk for customer in customers]

    with pytest.raises(distribution.TemporaryDeliveryError) as raised:
        distribution.send_invitations(invitation_ids=ids)

    assert raised.value.invitation_ids == ids
    assert set(deliveries(batch).values()) == {Delivery.QUEUED}


def test_an_expired_batch_sends_nothing(questionnaire, customers, smtp_server):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    invitation = InvitationFactory(batch=batch, customer=customers[0])
    InvitationBatch.objects.filter(pk=batch.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))

    distribution.send_invitations(invitation_ids=[invitation.pk])

    invitation.refresh_from_db()
    assert invitation.delivery == Delivery.FAILED and "deadline" in invitation.last_error
    assert smtp_server.received == []


# --- the broker ----------------------------------------------------------------------------------------------


def test_enqueue_says_false_when_the_broker_is_unreachable(broker, caplog):
    broker.point_at(UNREACHABLE_BROKER)
    assert enqueue("surveys.tasks.send_batch_task", 1) is False
    assert "Broker unreachable" in caplog.text


def test_a_batch_launched_while_the_broker_is_down_is_kept_and_sent_by_the_sweep(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks, broker
):
    broker.point_at(UNREACHABLE_BROKER)

    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)

    assert InvitationBatch.objects.filter(pk=batch.pk).exists()
    assert deliveries(batch) == {c.email: Delivery.QUEUED for c in customers}
    assert smtp_server.received == []
    # The sweep finds the broker still down: nothing lost, nothing sent.
    Invitation.objects.update(queued_at=timezone.now() - datetime.timedelta(minutes=11))
    assert distribution.requeue_stale_invitations() == 0

    broker.point_at(LIVE_BROKER)
    assert enqueue("surveys.tasks.requeue_stale_invitations_task")  # beat's message
    assert drain_queue(LIVE_BROKER) == 2  # the sweep, then the one chunk it enqueued

    assert smtp_server.per_address() == {c.email: 1 for c in customers}
    assert set(deliveries(batch).values()) == {Delivery.SENT}


def test_a_batch_goes_through_the_broker_to_the_worker(
    questionnaire, customers, specialist, smtp_server, django_capture_on_commit_callbacks, broker
):
    broker.point_at(LIVE_BROKER)

    batch = launch(questionnaire, specialist, customers, django_capture_on_commit_callbacks)
    assert set(deliveries(batch).values()) == {Delivery.QUEUED}
    assert drain_queue(LIVE_BROKER) == 2  # the batch task, then its one chunk

    assert smtp_server.per_address() == {c.email: 1 for c in customers}


def test_a_worker_retries_the_unsent_rest_later_with_a_growing_delay(questionnaire, customers, smtp_server, broker):
    broker.point_at(LIVE_BROKER)
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    ids = [InvitationFactory(batch=batch, customer=customer).pk for customer in customers]
    smtp_server.drop_after = 2
    task = tasks.send_invitations_task

    # As a worker runs it: the third retry of the message, not in eager mode.
    task.push_request(id="worker-run", retries=2, is_eager=False, called_directly=False)
    try:
        with pytest.raises(Retry) as raised:
            task.run(ids)
    finally:
        task.pop_request()

    assert raised.value.when == 120
    assert deliveries(batch) == {
        **{c.email: Delivery.SENT for c in customers[:2]},
        **{c.email: Delivery.QUEUED for c in customers[2:]},
    }
    assert drain_queue(LIVE_BROKER) == 1  # the retry carries the three unsent invitations
    assert smtp_server.per_address() == {c.email: 1 for c in customers}


# --- the sweep -----------------------------------------------------------------------------------------------


def test_the_sweep_leaves_recent_invitations_to_their_task(questionnaire, customers, smtp_server):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    InvitationFactory(batch=batch, customer=customers[0])
    assert tasks.requeue_stale_invitations_task.apply().get() == 0
    assert smtp_server.received == []


def test_the_sweep_sends_what_a_lost_worker_left_in_sending(questionnaire, customers, smtp_server):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    now = timezone.now()
    lost = InvitationFactory(
        batch=batch,
        customer=customers[0],
        delivery=Delivery.SENDING,
        queued_at=now - datetime.timedelta(minutes=20),
        sending_since=now - datetime.timedelta(minutes=16),
        attempts=1,
    )
    busy = InvitationFactory(
        batch=batch,
        customer=customers[1],
        delivery=Delivery.SENDING,
        queued_at=now - datetime.timedelta(minutes=20),
        sending_since=now - datetime.timedelta(minutes=1),
        attempts=1,
    )

    assert tasks.requeue_stale_invitations_task.apply().get() == 1

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.delivery == Delivery.SENT and lost.attempts == 2
    assert busy.delivery == Delivery.SENDING
    assert smtp_server.per_address() == {customers[0].email: 1}


def test_an_invitation_interrupted_too_often_is_marked_failed(questionnaire, customers, smtp_server):
    now = timezone.now()
    invitation = InvitationFactory(
        batch=InvitationBatchFactory(questionnaire=questionnaire),
        customer=customers[0],
        delivery=Delivery.SENDING,
        queued_at=now - datetime.timedelta(hours=2),
        sending_since=now - datetime.timedelta(hours=1),
        attempts=distribution.MAX_ATTEMPTS,
    )

    distribution.requeue_stale_invitations()

    invitation.refresh_from_db()
    assert invitation.delivery == Delivery.FAILED and invitation.last_error
    assert smtp_server.received == []


# --- reminders -----------------------------------------------------------------------------------------------


@pytest.fixture
def reminder_batch(questionnaire):
    """A batch two days from its deadline whose e-mails went out three days ago."""
    batch = InvitationBatchFactory(
        questionnaire=questionnaire,
        deadline=timezone.now() + datetime.timedelta(days=2),
        reminder_days_before=3,
        max_reminders=2,
        email_subject="Kettle survey",
    )
    sent_at = timezone.now() - datetime.timedelta(days=3)
    for number in range(3):
        InvitationFactory(
            batch=batch,
            customer=CustomerFactory(email=f"r{number}@example.com"),
            delivery=Delivery.SENT,
            sent_at=sent_at,
            answered_at=sent_at if number == 0 else None,
        )
    return batch


def reminded(batch) -> dict[str, int]:
    return dict(batch.invitations.values_list("email", "reminders_sent"))


def a_day_passes(batch):
    Invitation.objects.filter(batch=batch, last_reminded_at__isnull=False).update(
        last_reminded_at=timezone.now() - datetime.timedelta(hours=25)
    )


def test_reminders_go_only_to_those_who_have_not_answered(reminder_batch, smtp_server):
    assert tasks.send_reminders_task.apply().get() == 2

    assert smtp_server.per_address() == {"r1@example.com": 1, "r2@example.com": 1}
    received = smtp_server.to("r1@example.com")
    invitation = reminder_batch.invitations.get(email="r1@example.com")
    assert received.subject == "Reminder: Kettle survey"
    assert received.tokens == {invitation.token}
    assert reminded(reminder_batch) == {"r0@example.com": 0, "r1@example.com": 1, "r2@example.com": 1}


def test_reminders_are_recorded_on_the_invitations_history(reminder_batch):
    distribution.send_due_reminders()

    entries = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation), action=TimelineEntry.Action.REMINDED
    )
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        reminder_batch.invitations.filter(answered_at=None).values_list("pk", flat=True)
    )
    assert {entry.actor for entry in entries} == {None}


def test_a_second_run_the_same_day_sends_nothing(reminder_batch):
    assert distribution.send_due_reminders() == 2
    assert distribution.send_due_reminders() == 0
    assert len(mail.outbox) == 2


def test_never_more_reminders_than_the_batch_allows(reminder_batch):
    assert distribution.send_due_reminders() == 2
    a_day_passes(reminder_batch)
    assert distribution.send_due_reminders() == 2
    a_day_passes(reminder_batch)
    assert distribution.send_due_reminders() == 0
    assert reminded(reminder_batch) == {"r0@example.com": 0, "r1@example.com": 2, "r2@example.com": 2}
    assert len(mail.outbox) == 4


def test_an_answer_stops_the_reminders(reminder_batch):
    distribution.send_due_reminders()
    reminder_batch.invitations.filter(email="r1@example.com").update(answered_at=timezone.now())
    a_day_passes(reminder_batch)

    assert distribution.send_due_reminders() == 1
    assert reminded(reminder_batch)["r1@example.com"] == 1


@pytest.mark.parametrize(
    ("deadline", "sent_days_ago"),
    [
        (datetime.timedelta(days=10), 3),  # the deadline is not near yet
        (datetime.timedelta(hours=-1), 3),  # the deadline has passed
        (datetime.timedelta(days=2), 0),  # the invitation went out less than a day ago
    ],
)
def test_no_reminder_outside_the_window(reminder_batch, deadline, sent_days_ago):
    InvitationBatch.objects.filter(pk=reminder_batch.pk).update(deadline=timezone.now() + deadline)
    reminder_batch.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=sent_days_ago))
    assert distribution.send_due_reminders() == 0
    assert mail.outbox == []


def test_invitations_that_were_not_delivered_get_no_reminder(reminder_batch):
    reminder_batch.invitations.update(delivery=Delivery.FAILED)
    assert distribution.send_due_reminders() == 0


def test_a_mail_server_down_gives_the_reminder_back_for_the_next_run(reminder_batch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1

    assert distribution.send_due_reminders() == 0
    assert set(reminded(reminder_batch).values()) == {0}
