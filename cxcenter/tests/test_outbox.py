"""The outbox: every e-mail and job is a row first, goes out after the commit, once, whatever is down."""

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cxcenter import outbox
from cxcenter.models import Customer, OutboxMessage, Role, TimelineEntry
from cxcenter.tests.background import LIVE_BROKER, UNREACHABLE_BROKER, drain_queue
from cxcenter.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

State = OutboxMessage.State
TEMPLATE = "cxcenter/emails/item_submitted"


@pytest.fixture
def customer():
    return CustomerFactory(name="Wang Fang")


def write_email(director, customer):
    """What a service does: one e-mail about an object, to a member of staff."""
    context = {"item": customer, "kind": Customer._meta.verbose_name, "url": customer.get_absolute_url()}
    return outbox.email_users(TEMPLATE, [director], about=customer, context=context)


def committed_email(director, customer, capture):
    with capture(execute=True):
        [message_id] = write_email(director, customer)
    return OutboxMessage.objects.get(pk=message_id)


def test_an_email_is_a_row_first_and_goes_out_after_the_commit(
    director, customer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [message_id] = write_email(director, customer)
        assert OutboxMessage.objects.get(pk=message_id).state == State.PENDING
        assert smtp_server.received == []
    message = OutboxMessage.objects.get(pk=message_id)
    assert message.state == State.SENT and message.sent_at and message.attempts == 1
    [received] = smtp_server.received
    assert received.to == director.email and "Wang Fang" in received.subject
    assert message.title == received.subject.strip()  # what the director's list shows


def test_a_rolled_back_change_writes_and_sends_nothing(director, customer, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        write_email(director, customer)
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists() and smtp_server.received == []


def test_an_email_is_written_in_its_recipients_language(director, customer, django_capture_on_commit_callbacks):
    from django.core import mail

    director.preferred_language = "zh-hans"
    director.save(update_fields=["preferred_language"])
    committed_email(director, customer, django_capture_on_commit_callbacks)
    assert "提交" in mail.outbox[0].subject or "审批" in mail.outbox[0].subject


def test_a_row_handed_over_twice_is_sent_once(director, customer, smtp_server, django_capture_on_commit_callbacks):
    message = committed_email(director, customer, django_capture_on_commit_callbacks)
    assert outbox.deliver(ids=[message.pk]) == 0
    assert outbox.sweep() == 0
    assert len(smtp_server.received) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_over_one_row_send_one_email(smtp_server):
    # Plain rows: a transactional test must not depend on the role groups a migration made.
    customer = Customer.objects.create(name="Wang Fang", email="wang@example.com")
    message = OutboxMessage.objects.create(
        template=TEMPLATE,
        email="director@example.com",
        language="en",
        payload=outbox.stored({"item": customer, "kind": "customer", "url": customer.get_absolute_url()}),
    )
    start, done = threading.Barrier(3), []

    def worker():
        start.wait()
        try:
            done.append(outbox.deliver(ids=[message.pk]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(done) == [0, 0, 1]
    assert smtp_server.per_address() == {"director@example.com": 1}


def test_with_the_broker_down_the_row_waits_and_the_sweep_sends_it_once_it_is_back(
    director, customer, smtp_server, broker, django_capture_on_commit_callbacks, caplog
):
    broker.point_at(UNREACHABLE_BROKER)
    message = committed_email(director, customer, django_capture_on_commit_callbacks)
    assert "Broker unreachable" in caplog.text
    assert message.state == State.PENDING and smtp_server.received == []
    assert outbox.sweep() == 0  # still down: nothing lost, nothing sent

    broker.point_at(LIVE_BROKER)
    assert outbox.sweep() == 1
    assert drain_queue(LIVE_BROKER) == 1
    assert smtp_server.per_address() == {director.email: 1}
    assert outbox.sweep() == 0
    message.refresh_from_db()
    assert message.state == State.SENT


def test_a_refusing_mail_server_is_tried_again_later_then_the_failure_is_on_the_timeline(
    director, customer, smtp_server, django_capture_on_commit_callbacks, sweep
):
    smtp_server.refuse[director.email] = "451 4.3.0 Mailbox temporarily unavailable"
    message = committed_email(director, customer, django_capture_on_commit_callbacks)
    assert message.state == State.PENDING and message.attempts == 1 and message.last_error.startswith("451")
    assert message.next_attempt_at > timezone.now()
    assert sweep() == 0  # not due yet
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        assert sweep(later=datetime.timedelta(hours=1)) == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    entry = failure_entries(customer).get()
    assert director.email in entry.comment and "451" in entry.comment
    assert smtp_server.received == []


def test_an_address_refused_for_good_fails_at_once(director, customer, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse[director.email] = "550 5.1.1 Mailbox unavailable"
    message = committed_email(director, customer, django_capture_on_commit_callbacks)
    assert message.state == State.FAILED and message.attempts == 1 and "550" in message.last_error
    assert failure_entries(customer).count() == 1


def failure_entries(subject):
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        action=TimelineEntry.Action.NOTIFICATION_FAILED,
    )


def test_the_director_lists_failed_notifications_and_sends_one_again(
    as_user, director, customer, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse[director.email] = "550 5.1.1 Mailbox unavailable"
    message = committed_email(director, customer, django_capture_on_commit_callbacks)
    client = as_user(director)
    page = client.get(reverse("notification-list")).content.decode()
    assert message.title in page and "550 5.1.1" in page and customer.get_absolute_url() in page
    assert "Failed <span" in page

    del smtp_server.refuse[director.email]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notification-resend", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == State.SENT and smtp_server.per_address() == {director.email: 1}
    assert TimelineEntry.objects.filter(action=TimelineEntry.Action.NOTIFICATION_RESENT, actor=director).exists()
    assert "No notification has failed." in client.get(reverse("notification-list")).content.decode()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SPECIALIST, Role.GENERAL_MANAGER])
def test_only_directors_see_and_resend_notifications(as_user, persona, director, customer, role):
    message = OutboxMessage.objects.create(template=TEMPLATE, email="x@example.com", state=State.FAILED)
    client = as_user(persona("other", role))
    assert client.get(reverse("notification-list")).status_code == 403
    assert client.post(reverse("notification-resend", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert message.state == State.FAILED


def test_resending_an_unknown_notification_is_not_found(as_user, director):
    assert as_user(director).post(reverse("notification-resend", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_the_notification_list_query_count_is_flat(as_user, director, rows, django_assert_max_num_queries):
    customers = CustomerFactory.create_batch(rows)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            template=TEMPLATE,
            email=f"person{number}@example.com",
            recipient=director,
            state=State.FAILED,
            content_type=ContentType.objects.get_for_model(Customer),
            object_id=customer.pk,
        )
        for number, customer in enumerate(customers)
    )
    client = as_user(director)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("notification-list")).status_code == 200


def test_a_job_runs_once_after_the_commit_and_a_failing_one_is_retried(
    customer, django_capture_on_commit_callbacks, sweep
):
    calls = []

    def rename(*, customer, name):
        calls.append(name)
        if len(calls) == 1:
            raise ConnectionError("the database went away")
        Customer.objects.filter(pk=customer.pk).update(name=name)

    outbox.register_job("test.rename", rename)
    with django_capture_on_commit_callbacks(execute=True):
        [job_id] = [outbox.run_later("test.rename", about=customer, customer=customer, name="Li Na")]
    job = OutboxMessage.objects.get(pk=job_id)
    assert job.state == State.PENDING and "ConnectionError" in job.last_error
    assert sweep(later=datetime.timedelta(minutes=5)) == 1
    assert sweep(later=datetime.timedelta(minutes=5)) == 0
    customer.refresh_from_db()
    assert customer.name == "Li Na" and calls == ["Li Na", "Li Na"]
    assert OutboxMessage.objects.get(pk=job_id).state == State.SENT


def test_an_unknown_job_is_refused_when_written(customer):
    with pytest.raises(ValueError):
        outbox.run_later("no.such.job", about=customer)


def test_the_sweep_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]
    assert entry["task"] == "cxcenter.tasks.sweep_outbox_task" and entry["schedule"] == 60
