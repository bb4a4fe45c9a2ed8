"""Feedback with the broker or the mail server down: every page answers, nothing is lost, each e-mail goes once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cxcenter import outbox
from cxcenter.models import ExportFile, OutboxMessage, Role
from cxcenter.services import sweep_exports
from cxcenter.tests.background import LIVE_BROKER, UNREACHABLE_BROKER, drain_queue
from cxcenter.tests.factories import CustomerFactory
from feedback.models import Case
from feedback.services import closure, follow_up
from feedback.tests.factories import CaseFactory
from feedback.tests.test_cases import committed, record, to_awaiting_customer
from feedback.tests.test_public import NEW, form_data
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


def test_a_not_satisfied_customer_gets_an_answer_while_the_mail_server_refuses_and_the_owner_hears_later(
    specialist, smtp_server, sweep
):
    case = to_awaiting_customer(record(specialist), specialist)
    case.refresh_from_db()
    smtp_server.refuse[specialist.email] = "421 4.3.2 Service not available"

    with committed():
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            f"/c/{case.confirmation_token}/", {"satisfaction": "1", "comment": "Still slow"}
        )

    assert response.status_code == 200 and "Thank you" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING and case.customer_satisfaction == 1
    [waiting] = OutboxMessage.objects.filter(template=closure.REOPENED_EMAIL)
    assert waiting.state == State.PENDING and waiting.last_error.startswith("421")
    assert specialist.email not in smtp_server.per_address()

    del smtp_server.refuse[specialist.email]
    assert sweep(later=datetime.timedelta(minutes=2)) == 1
    assert sweep(later=datetime.timedelta(minutes=2)) == 0
    assert smtp_server.per_address()[specialist.email] == 1


def test_the_confirmation_email_waits_for_a_refusing_mail_server_and_goes_once(specialist, smtp_server, sweep):
    customer = CustomerFactory(email="li.na@example.com")
    smtp_server.refuse[customer.email] = "451 4.3.0 Try again later"
    case = to_awaiting_customer(record(specialist, customer=customer), specialist)
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_CUSTOMER
    assert customer.email not in smtp_server.per_address()

    del smtp_server.refuse[customer.email]
    assert sweep(later=datetime.timedelta(minutes=2)) == 1
    received = smtp_server.to(customer.email)
    assert Case.objects.get(pk=case.pk).confirmation_token in received.text


def test_a_poor_answer_given_while_the_broker_is_down_opens_its_case_once_it_is_back(
    account_manager, smtp_server, broker
):
    customer = CustomerFactory(account_manager=account_manager)
    questionnaire = survey_questionnaire(title="Kettle survey")
    invitation = InvitationFactory(batch=InvitationBatchFactory(questionnaire=questionnaire), customer=customer)
    broker.point_at(UNREACHABLE_BROKER)

    with committed():
        response = answer_invitation(invitation, good_answers(questionnaire, Overall="5", Comments="The lid leaks."))

    assert not Case.objects.exists()
    [job] = OutboxMessage.objects.filter(job=follow_up.FOLLOW_UP_JOB)
    assert job.state == State.PENDING and job.payload == {"response_id": response.pk}

    broker.point_at(LIVE_BROKER)
    assert outbox.sweep() == 1
    with committed():
        assert drain_queue(LIVE_BROKER) == 1  # the job: it opens the case and writes the account manager's e-mail
    assert drain_queue(LIVE_BROKER) == 1  # that e-mail
    case = Case.objects.get(survey_response=response)
    assert case.owner == account_manager and "The lid leaks." in case.description
    assert smtp_server.per_address() == {account_manager.email: 1}
    assert outbox.sweep() == 0 and Case.objects.count() == 1


def test_the_public_form_answers_while_redis_is_down(client, persona, broker, settings, caplog):
    """Redis is the broker and the cache of the form's rate limit: with it down the customer is still heard."""
    persona("duty", Role.SUPERVISOR)
    broker.point_at(UNREACHABLE_BROKER)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE_BROKER}
    }
    with committed():
        response = client.post(NEW, form_data())
    assert response.status_code == 302
    assert Case.objects.get().subject == "Delivery three days late"
    assert "Rate limit feedback-form not counted" in caplog.text


def test_an_export_asked_for_while_the_broker_is_down_is_built_once_it_is_back(
    as_user, supervisor, settings, broker, tmp_path
):
    settings.CX_EXPORT_DIRECT_MAX_ROWS, settings.PRIVATE_ROOT = 1, tmp_path
    CaseFactory.create_batch(2)
    broker.point_at(UNREACHABLE_BROKER)
    with committed():
        response = as_user(supervisor).post(reverse("feedback:case-export"))
    export = ExportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export-detail", args=[export.pk])
    assert export.status == ExportFile.Status.PENDING

    broker.point_at(LIVE_BROKER)
    ExportFile.objects.update(created_at=export.created_at - datetime.timedelta(minutes=20))
    sweep_exports()
    assert drain_queue(LIVE_BROKER) == 1
    export.refresh_from_db()
    assert export.status == ExportFile.Status.READY and export.row_count == 2
