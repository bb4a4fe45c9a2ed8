"""Deadlines: the beat sweep e-mails the owner and the supervisors once per breach; the dashboard lists them."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cxcenter.models import OutboxMessage, Role, User
from cxcenter.rules import holds
from feedback.models import Case, response_overdue
from feedback.services import deadlines
from feedback.tasks import flag_sla_breaches_task
from feedback.tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def english_readers(specialist, supervisor):
    """The assertions read English e-mails: their recipients chose English."""
    User.objects.filter(pk__in=[specialist.pk, supervisor.pk]).update(preferred_language="en")


def late_case(owner, hours_ago=30, **fields):
    received = timezone.now() - datetime.timedelta(hours=hours_ago)
    return CaseFactory(owner=owner, received_at=received, **fields)


@pytest.fixture
def flag(django_capture_on_commit_callbacks):
    """The beat task as a worker runs it: its transactions commit and the outbox hands the e-mails over."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return flag_sla_breaches_task()

    return run


def test_a_breach_is_emailed_once_to_the_owner_and_the_supervisors(specialist, supervisor, flag):
    case = late_case(specialist)
    assert flag() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([specialist.email, supervisor.email])
    assert "response deadline passed" in mail.outbox[0].subject
    assert flag() == 0
    assert len(mail.outbox) == 2
    case.refresh_from_db()
    assert case.response_breach_notified_at is not None and case.resolution_breach_notified_at is None


def test_response_and_resolution_breaches_are_separate(specialist, supervisor, flag):
    late_case(specialist, hours_ago=200)
    assert flag() == 4
    subjects = {message.subject for message in mail.outbox}
    assert any("resolution deadline passed" in subject for subject in subjects)


def test_cases_within_their_deadlines_or_answered_are_left_alone(specialist, supervisor):
    CaseFactory(owner=specialist)
    late_case(specialist, acknowledged_at=timezone.now())
    late_case(specialist, status=Case.Status.CLOSED, acknowledged_at=timezone.now(), resolved_at=timezone.now())
    assert flag_sla_breaches_task() == 0


def test_a_refusing_mail_server_loses_no_breach_email(specialist, supervisor, settings, flag, sweep):
    late_case(specialist)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    assert flag() == 2
    assert mail.outbox == [] and OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count() == 2
    assert flag() == 0  # the breach is claimed: its e-mails wait in the outbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(later=datetime.timedelta(minutes=2)) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([specialist.email, supervisor.email])


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_email_per_person(persona):
    specialist = persona("specialist", Role.SPECIALIST)
    persona("supervisor", Role.SUPERVISOR)
    late_case(specialist)
    results, barrier = [], threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            results.append(deadlines.flag_sla_breaches())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 2]
    assert len(mail.outbox) == 2


def test_breaches_are_listed_on_the_dashboard(as_user, specialist):
    case = late_case(specialist, subject="Broken hinge")
    page = as_user(specialist).get(reverse("dashboard")).content.decode()
    assert "Feedback past its deadline" in page and "Broken hinge" in page and case.get_absolute_url() in page


def test_the_sweep_runs_every_ten_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["flag-case-breaches"]
    assert entry["task"] == "feedback.tasks.flag_sla_breaches_task"
    assert entry["schedule"].minute == set(range(0, 60, 10))


def test_a_case_s_overdue_property_and_the_overdue_list_agree():
    now = timezone.now()
    late = now - datetime.timedelta(hours=1)
    later = now + datetime.timedelta(hours=1)
    cases = [
        CaseFactory(response_due_at=late, acknowledged_at=None, status=Case.Status.NEW),
        CaseFactory(response_due_at=late, acknowledged_at=late, status=Case.Status.ACKNOWLEDGED),
        CaseFactory(response_due_at=later, acknowledged_at=None, status=Case.Status.NEW),
        # A closed case is never overdue, even one closed without a recorded acknowledgement.
        CaseFactory(response_due_at=late, acknowledged_at=None, status=Case.Status.CLOSED),
    ]
    listed = set(Case.objects.filter(response_overdue(now)).values_list("pk", flat=True))
    assert listed == {cases[0].pk}
    assert [holds(response_overdue(now), case) for case in cases] == [True, False, False, False]
