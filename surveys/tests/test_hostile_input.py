"""Hostile input to the public survey pages: a clear 4xx, never a 500, and every answer kept."""

import pytest
from django.test import Client

from surveys.models import Response
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import good_answers, survey_questionnaire

pytestmark = pytest.mark.django_db


def visitor():
    return Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)


@pytest.fixture
def invitation():
    return InvitationFactory(batch=InvitationBatchFactory(questionnaire=survey_questionnaire()))


@pytest.mark.parametrize("token", ["abc\x00def", "%00", "x" * 65])
def test_a_malformed_survey_token_is_not_found(token):
    assert visitor().get(f"/s/{token}/").status_code == 404
    assert visitor().post(f"/s/{token}/", {"Overall": "1"}).status_code == 404


def test_a_nul_byte_in_a_free_text_answer_is_explained_and_the_other_answers_kept(invitation):
    questionnaire = invitation.batch.questionnaire
    data = good_answers(questionnaire, Comments="Lid\x00leaks")
    response = visitor().post(f"/s/{invitation.token}/", data)
    assert response.status_code == 400 and not Response.objects.exists()
    page = response.content.decode()
    assert "Null characters are not allowed." in page
    assert "Units bought" in page  # the form is shown again, its other answers filled in


@pytest.mark.parametrize("number", ["1e999999999", "-1e999999999", "NaN", "Infinity", "9" * 400])
def test_a_number_too_large_or_not_a_number_is_explained(invitation, number):
    questionnaire = invitation.batch.questionnaire
    response = visitor().post(f"/s/{invitation.token}/", good_answers(questionnaire, **{"Units bought": number}))
    assert response.status_code == 400 and not Response.objects.exists()
    assert "Enter a number, such as 12 or 3.5." in response.content.decode()
