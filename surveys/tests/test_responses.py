"""Responses: paper and phone answers typed in by a specialist, the list per questionnaire, one response's answers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cxcenter.models import Customer, Role
from cxcenter.tests.factories import CustomerFactory
from surveys.answer_sheets import GivenAnswers, answer_sheet
from surveys.models import Questionnaire, Response
from surveys.services import open_surveys
from surveys.services.responses import claim_and_store
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import (
    answer_invitation,
    answer_open_survey,
    good_answers,
    parsed,
    question,
    survey_questionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return survey_questionnaire()


@pytest.fixture
def invitation(questionnaire):
    return InvitationFactory(batch__questionnaire=questionnaire)


def enter_url(invitation):
    return reverse("surveys:invitation-enter", args=[invitation.pk])


def list_url(questionnaire):
    return reverse("surveys:response-list", args=[questionnaire.pk])


# Paper and phone answers


def test_a_specialist_types_in_a_paper_form(as_user, specialist, invitation, questionnaire):
    client = as_user(specialist)
    form = client.get(enter_url(invitation))
    assert form.status_code == 200
    assert "Overall" in form.content.decode() and 'name="source"' in form.content.decode()
    sent = client.post(enter_url(invitation), {"source": "paper", **good_answers(questionnaire)})
    assert sent.status_code == 302
    stored = Response.objects.get()
    assert stored.source == Response.Source.PAPER and stored.entered_by == specialist
    assert stored.customer == invitation.customer and stored.invitation == invitation
    assert stored.satisfaction_index == 90
    detail = client.get(sent["Location"])
    assert "Paper form" in detail.content.decode()


def test_phone_answers_are_marked_as_such(as_user, supervisor, invitation, questionnaire):
    as_user(supervisor).post(enter_url(invitation), {"source": "phone", **good_answers(questionnaire)})
    assert Response.objects.get().source == Response.Source.PHONE


def test_an_unknown_source_is_refused_and_nothing_stored(as_user, specialist, invitation, questionnaire):
    response = as_user(specialist).post(enter_url(invitation), {"source": "web", **good_answers(questionnaire)})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_errors_are_shown_next_to_each_question(as_user, specialist, invitation, questionnaire):
    data = {"source": "paper", **good_answers(questionnaire, Overall="", Recommend="12")}
    response = as_user(specialist).post(enter_url(invitation), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("invalid-feedback") == 2
    assert "Please answer this question." in page
    assert "Works well." in page  # what was typed is kept
    assert not Response.objects.exists()


def test_an_answered_invitation_takes_nothing_more(as_user, specialist, invitation, questionnaire):
    answer_invitation(invitation)
    client = as_user(specialist)
    page = client.get(enter_url(invitation))
    assert page.status_code == 200 and "was answered on" in page.content.decode()
    again = client.post(enter_url(invitation), {"source": "paper", **good_answers(questionnaire)})
    assert again.status_code == 409
    assert "nothing was stored" in again.content.decode()
    assert Response.objects.count() == 1
    assert Response.objects.get().source == Response.Source.WEB


def test_paper_answers_to_an_anonymous_questionnaire_keep_no_customer(as_user, specialist, persona):
    anonymous = survey_questionnaire(is_anonymous=True)
    invitation = InvitationFactory(batch__questionnaire=anonymous)
    as_user(specialist).post(enter_url(invitation), {"source": "paper", **good_answers(anonymous)})
    stored = Response.objects.get()
    assert stored.customer is None and stored.invitation is None and stored.entered_by == specialist


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.COMMITTEE, Role.GENERAL_MANAGER, Role.OPS_SUPERVISOR])
def test_only_the_cx_office_types_in_answers(as_user, persona, invitation, questionnaire, role):
    client = as_user(persona("other", role))
    assert client.get(enter_url(invitation)).status_code == 403
    assert client.post(enter_url(invitation), {"source": "paper", **good_answers(questionnaire)}).status_code == 403
    assert not Response.objects.exists()


def test_visitors_without_login_cannot_type_in_answers(client, invitation, questionnaire):
    response = client.post(enter_url(invitation), {"source": "paper", **good_answers(questionnaire)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Response.objects.exists()


# The list


def responses_for(questionnaire, count: int, **customer):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    for _ in range(count):
        answer_invitation(InvitationFactory(batch=batch, customer=CustomerFactory(**customer)))


def test_the_list_shows_each_response_with_its_index_and_customer(as_user, director, questionnaire, invitation):
    answer_invitation(invitation)
    page = as_user(director).get(list_url(questionnaire))
    assert page.status_code == 200
    content = page.content.decode()
    assert invitation.customer.name in content
    assert "90.00" in content
    assert reverse("surveys:response-detail", args=[Response.objects.get().pk]) in content
    assert 'name="tier"' in content


def test_the_list_filters_by_source_date_and_tier(as_user, director, specialist, questionnaire):
    responses_for(questionnaire, 2, tier=Customer.Tier.KEY)
    responses_for(questionnaire, 3, tier=Customer.Tier.ORDINARY)
    open_survey = open_surveys.create_open_survey(questionnaire_id=questionnaire.pk, actor=specialist, title="Desk")
    answer_open_survey(open_survey, "browser-1")
    old = Response.objects.filter(source=Response.Source.WEB).first()
    Response.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=40))
    client = as_user(director)

    def count(**params):
        return len(client.get(list_url(questionnaire), params).context["responses"])

    assert count() == 6
    assert count(source="open") == 1
    assert count(tier="key") == 2
    today = timezone.localdate()
    assert count(submitted_from=(today - datetime.timedelta(days=1)).isoformat()) == 5
    assert count(submitted_to=(today - datetime.timedelta(days=30)).isoformat()) == 1
    assert count(submitted_from=today.isoformat(), submitted_to=today.isoformat()) == 5


def test_an_anonymous_questionnaire_lists_no_customer_and_no_tier_filter(as_user, director):
    anonymous = survey_questionnaire(is_anonymous=True)
    invitation = InvitationFactory(batch__questionnaire=anonymous)
    answer_invitation(invitation)
    content = as_user(director).get(list_url(anonymous)).content.decode()
    assert invitation.customer.name not in content
    assert 'name="tier"' not in content
    detail = as_user(director).get(reverse("surveys:response-detail", args=[Response.objects.get().pk]))
    assert invitation.customer.name not in detail.content.decode()
    assert "no customer is kept" in detail.content.decode()


def test_the_list_is_paginated(as_user, director, questionnaire, settings):
    settings.CX_PAGE_SIZE = 2
    responses_for(questionnaire, 5)
    client = as_user(director)
    first = client.get(list_url(questionnaire))
    assert len(first.context["responses"]) == 2 and "Page 1 of 3" in first.content.decode()
    assert len(client.get(list_url(questionnaire), {"page": 3}).context["responses"]) == 1


def test_the_list_query_count_does_not_grow_with_responses(
    as_user, director, questionnaire, django_assert_max_num_queries
):
    client = as_user(director)
    responses_for(questionnaire, 1)
    with django_assert_max_num_queries(10):
        assert client.get(list_url(questionnaire)).status_code == 200
    responses_for(questionnaire, 29)
    with django_assert_max_num_queries(10):
        response = client.get(list_url(questionnaire))
    assert len(response.context["responses"]) == 25


def test_one_response_reads_as_labels_in_the_questionnaire_order(as_user, director, invitation, questionnaire):
    answer_invitation(invitation, good_answers(questionnaire, Comments="=1+1"))
    detail = as_user(director).get(reverse("surveys:response-detail", args=[Response.objects.get().pk]))
    content = detail.content.decode()
    assert detail.status_code == 200
    assert "Good" in content and "Red" in content and "Store; Online" in content
    assert "300–500 yuan" in content and "=1+1" in content
    assert invitation.customer.name in content


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.OPS_SUPERVISOR, Role.CENTER_DIRECTOR])
def test_responses_are_read_by_survey_readers_only(as_user, persona, invitation, questionnaire, role):
    answer_invitation(invitation)
    client = as_user(persona("other", role))
    assert client.get(list_url(questionnaire)).status_code == 403
    assert client.get(reverse("surveys:response-detail", args=[Response.objects.get().pk])).status_code == 403


def test_an_unknown_response_is_not_found(as_user, director):
    assert as_user(director).get(reverse("surveys:response-detail", args=[999999])).status_code == 404


def test_a_malformed_filter_is_explained_not_a_server_error(as_user, director, questionnaire, invitation):
    answer_invitation(invitation)
    response = as_user(director).get(list_url(questionnaire), {"submitted_from": "yesterday", "source": "fax"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


# Storing: one prepared statement finds, claims and stores


def new_response(questionnaire, answers=()):
    """A response as answer_invitation builds it before storing: scored, with its answer sheet."""
    return Response(
        questionnaire=questionnaire,
        source=Response.Source.WEB,
        submitted_at=timezone.now(),
        satisfaction_index=90,
        answers=answer_sheet(answers),
    )


def test_storing_claims_once_and_keeps_every_answer(questionnaire, invitation):
    answers = parsed(questionnaire, good_answers(questionnaire))
    first = new_response(questionnaire, answers)
    assert claim_and_store(invitation.token, first, answers, before_deadline=True) is True
    assert claim_and_store(invitation.token, new_response(questionnaire), answers, before_deadline=True) is False
    stored = Response.objects.get()
    assert stored.pk == first.pk and stored.satisfaction_index == 90
    assert (stored.invitation, stored.customer) == (invitation, invitation.customer)
    assert (first.invitation_id, first.customer_id) == (invitation.pk, invitation.customer_id)
    texts = dict(stored.text_answers.values_list("question_id", "text"))
    given = GivenAnswers.of(stored.answers, texts)
    assert texts == {a.question_id: a.text for a in answers if a.text}
    assert given.numbers == {a.question_id: a.number for a in answers if a.number is not None}
    chosen = {}
    for answer in answers:
        if answer.choice_id:
            chosen.setdefault(answer.question_id, []).append(answer.choice_id)
    assert given.choices == chosen and len(chosen[question(questionnaire, "Channels").pk]) == 2
    invitation.refresh_from_db()
    assert invitation.answered_at == first.submitted_at and invitation.opened_at == first.submitted_at


def test_storing_refuses_another_link_and_a_closed_batch(questionnaire, invitation):
    answers = parsed(questionnaire, good_answers(questionnaire))
    other_questionnaire = survey_questionnaire()
    assert claim_and_store("no-such-token", new_response(questionnaire), answers, before_deadline=True) is False
    assert claim_and_store(invitation.token, new_response(other_questionnaire), answers, before_deadline=True) is False
    invitation.batch.deadline = timezone.now() - datetime.timedelta(minutes=1)
    invitation.batch.save()
    assert claim_and_store(invitation.token, new_response(questionnaire), answers, before_deadline=True) is False
    assert not Response.objects.exists()
    # A specialist typing in a paper form may do so after the deadline.
    assert claim_and_store(invitation.token, new_response(questionnaire), answers, before_deadline=False) is True


def test_storing_keeps_an_anonymous_response_apart_from_the_customer(invitation):
    questionnaire = invitation.batch.questionnaire
    Questionnaire.objects.filter(pk=questionnaire.pk).update(is_anonymous=True)
    response = new_response(questionnaire)
    answers = parsed(questionnaire, good_answers(questionnaire))
    assert claim_and_store(invitation.token, response, answers, before_deadline=True)
    stored = Response.objects.get()
    assert (stored.invitation_id, stored.customer_id, response.invitation_id, response.customer_id) == (None,) * 4
