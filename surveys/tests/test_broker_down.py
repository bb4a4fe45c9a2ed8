"""With the broker unreachable, a decision answers normally, is saved, and its e-mail goes out once it is back."""

import pytest
from django.urls import reverse

from cxcenter import outbox
from cxcenter.models import OutboxMessage
from cxcenter.tests.background import LIVE_BROKER, UNREACHABLE_BROKER, drain_queue
from surveys.models import Questionnaire, SurveyPlan
from surveys.services import plans
from surveys.services import questionnaires as questionnaire_services
from surveys.tests.factories import SurveyPlanFactory
from surveys.tests.questionnaire_builders import one_of_each_kind
from surveys.tests.test_plan_views import plan_fields

pytestmark = pytest.mark.django_db


def waiting_rows():
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)


def back_up_and_swept(broker) -> int:
    """The broker returns; the beat sweep hands the waiting rows over and a worker sends them."""
    broker.point_at(LIVE_BROKER)
    handed = outbox.sweep()
    drain_queue(LIVE_BROKER)
    return handed


def test_approving_a_plan_while_the_broker_is_down_answers_and_the_owner_hears_once_it_is_back(
    as_user, supervisor, director, smtp_server, broker, django_capture_on_commit_callbacks
):
    plan = plans.create_plan(actor=supervisor, **plan_fields(supervisor))
    plans.submit_plan(plan_id=plan.pk, actor=supervisor)
    OutboxMessage.objects.all().delete()  # the submission's own e-mails are not this test's
    broker.point_at(UNREACHABLE_BROKER)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(director).post(reverse("surveys:plan-approve", args=[plan.pk]), {"comment": "Go ahead"})

    assert response.status_code == 302
    assert SurveyPlan.objects.get(pk=plan.pk).status == SurveyPlan.Status.APPROVED
    assert [row.recipient for row in waiting_rows()] == [supervisor] and smtp_server.received == []
    assert back_up_and_swept(broker) == 1
    assert smtp_server.per_address() == {supervisor.email: 1}
    assert outbox.sweep() == 0 and drain_queue(LIVE_BROKER) == 0


def test_a_questionnaire_sent_for_review_while_the_broker_is_down_reaches_the_directors_once(
    as_user, supervisor, director, smtp_server, broker, django_capture_on_commit_callbacks
):
    questionnaire = one_of_each_kind(SurveyPlanFactory(owner=supervisor), supervisor)
    broker.point_at(UNREACHABLE_BROKER)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(supervisor).post(reverse("surveys:questionnaire-submit", args=[questionnaire.pk]))
    assert response.status_code == 302
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director)

    assert sorted(row.recipient.username for row in waiting_rows()) == ["director", "supervisor"]
    assert back_up_and_swept(broker) == 2
    assert smtp_server.per_address() == {director.email: 1, supervisor.email: 1}
