"""The closed loop with surveys: a poor answer to an invitation opens a follow-up case by itself."""

from collections import Counter

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from cxcenter.models import Role
from cxcenter.tests.factories import CustomerFactory
from feedback.models import Case
from feedback.services import follow_up
from surveys.services import responses
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, good_answers, parsed, survey_questionnaire


@pytest.fixture
def questionnaire(db):
    return survey_questionnaire(title="Kettle survey")


def invitation_for(questionnaire, customer=None):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    return InvitationFactory(batch=batch, customer=customer or CustomerFactory())


def answer(invitation, **replace):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        response = answer_invitation(invitation, good_answers(invitation.batch.questionnaire, **replace))
    return response, callbacks


def test_a_poor_rating_opens_a_case_for_the_account_manager(questionnaire, account_manager, mailoutbox):
    invitation = invitation_for(questionnaire, CustomerFactory(account_manager=account_manager))
    response, _callbacks = answer(invitation, Overall="5", Comments="The lid leaks.")
    case = Case.objects.get(survey_response=response)
    assert case.kind == Case.Kind.COMPLAINT and case.channel == Case.Channel.SURVEY
    assert case.owner == account_manager and case.customer == invitation.customer
    assert "The lid leaks." in case.description and "Kettle survey" in case.subject
    assert mailoutbox[-1].to == [account_manager.email]


def test_a_low_index_opens_a_case_for_the_supervisor_without_account_manager(questionnaire, supervisor):
    response, _callbacks = answer(invitation_for(questionnaire), Overall="3", Recommend="1")
    assert response.satisfaction_index < 60
    assert Case.objects.get(survey_response=response).owner == supervisor


def test_a_good_answer_opens_nothing(questionnaire, supervisor):
    _response, callbacks = answer(invitation_for(questionnaire))
    assert callbacks == []
    assert not Case.objects.exists()


def test_an_anonymous_survey_opens_nothing(supervisor):
    questionnaire = survey_questionnaire(is_anonymous=True)
    response, callbacks = answer(invitation_for(questionnaire), Overall="5")
    assert response.customer_id is None and callbacks == []
    assert not Case.objects.exists()


def test_running_the_job_twice_gives_one_case(questionnaire, supervisor):
    response, _callbacks = answer(invitation_for(questionnaire), Overall="5")
    first = follow_up.open_follow_up_case(response_id=response.pk)
    second = follow_up.open_follow_up_case(response_id=response.pk)
    assert first == second
    assert Case.objects.filter(survey_response=response).count() == 1


def test_the_task_ignores_an_anonymous_response(supervisor):
    questionnaire = survey_questionnaire(is_anonymous=True)
    response = answer_invitation(invitation_for(questionnaire), good_answers(questionnaire, Overall="5"))
    assert follow_up.open_follow_up_case(response_id=response.pk) is None


def test_a_poor_answer_adds_only_its_job_to_answering(questionnaire, persona):
    persona("duty", Role.SUPERVISOR)
    counts = []
    # The first answer loads the questionnaire's scoring tree; compare a good and a poor answer after it.
    for overall in ("1", "1", "5"):
        invitation = invitation_for(questionnaire)
        data = good_answers(questionnaire, Overall=overall)
        answers = parsed(questionnaire, data)
        with TestCase.captureOnCommitCallbacks(execute=False), CaptureQueriesContext(connection) as queries:
            responses.answer_invitation(token=invitation.token, questionnaire_id=questionnaire.pk, answers=answers)
        counts.append(Counter(query["sql"].split(" ")[0] for query in queries))
    good, poor = counts[1], counts[2]
    # The decision is made in memory; a poor answer's job is one insert, in the transaction of the response.
    assert poor - good == Counter({"SAVEPOINT": 1, "INSERT": 1, "RELEASE": 1}) and not good - poor
