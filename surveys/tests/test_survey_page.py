"""The customer's survey page /s/<token>/: one response per link, every bad answer explained."""

import datetime
import re
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import IndexFactor, Question, Questionnaire, Response
from surveys.tests.factories import (
    ChoiceFactory,
    IndexFactorFactory,
    InvitationFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    """An approved questionnaire with one question of each kind, the rating mapped to the index."""
    questionnaire = QuestionnaireFactory(status=Questionnaire.Status.APPROVED, language="en")
    section = SectionFactory(questionnaire=questionnaire)
    factor = IndexFactorFactory(weight=100)
    QuestionFactory(section=section, kind=Question.Kind.RATING, text="Overall", factor=factor)
    colour = QuestionFactory(section=section, kind=Question.Kind.SINGLE, text="Colour")
    ChoiceFactory(question=colour, label="Red")
    ChoiceFactory(question=colour, label="Blue")
    channels = QuestionFactory(section=section, kind=Question.Kind.MULTIPLE, text="Channels", is_required=False)
    ChoiceFactory(question=channels, label="Store")
    ChoiceFactory(question=channels, label="Online")
    QuestionFactory(section=section, kind=Question.Kind.NUMBER, text="Units bought", is_required=False)
    QuestionFactory(section=section, kind=Question.Kind.RECOMMEND, text="Recommend", factor=factor)
    QuestionFactory(section=section, kind=Question.Kind.PRICE_BAND, text="Price", is_required=False)
    QuestionFactory(section=section, kind=Question.Kind.TEXT, text="Comments", is_required=False)
    return questionnaire


@pytest.fixture
def invitation(questionnaire):
    return InvitationFactory(batch__questionnaire=questionnaire)


def question(questionnaire, text):
    return Question.objects.get(section__questionnaire=questionnaire, text=text)


def good_answers(questionnaire):
    colour = question(questionnaire, "Colour")
    channels = question(questionnaire, "Channels")
    return {
        f"q-{question(questionnaire, 'Overall').pk}": "1",
        f"q-{colour.pk}": str(colour.choices.first().pk),
        f"q-{channels.pk}": [str(choice.pk) for choice in channels.choices.all()],
        f"q-{question(questionnaire, 'Units bought').pk}": "3",
        f"q-{question(questionnaire, 'Recommend').pk}": "8",
        f"q-{question(questionnaire, 'Price').pk}": "300_500",
        f"q-{question(questionnaire, 'Comments').pk}": "Works well.",
    }


def url(invitation):
    return reverse("public:survey-answer", args=[invitation.token])


def test_tokens_are_long_and_random():
    first, second = InvitationFactory(), InvitationFactory()
    assert len(first.token) >= 43 and first.token != second.token


def test_the_page_opens_without_login_and_stamps_the_first_visit(client, invitation):
    response = client.get(url(invitation))
    assert response.status_code == 200
    assert "Overall" in response.content.decode()
    invitation.refresh_from_db()
    first_visit = invitation.opened_at
    assert first_visit is not None
    client.get(url(invitation))
    invitation.refresh_from_db()
    assert invitation.opened_at == first_visit


def test_answers_are_stored_and_scored(client, invitation, questionnaire):
    response = client.post(url(invitation), good_answers(questionnaire))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    stored = Response.objects.get()
    assert stored.invitation == invitation and stored.customer == invitation.customer
    assert stored.source == Response.Source.WEB
    # Rating "good" scores 1.0 and recommend 8 scores 0.8 on the one factor: mean 0.9.
    assert stored.satisfaction_index == 90
    ids = {text: question(questionnaire, text).pk for text in ("Overall", "Units bought", "Recommend", "Price")}
    colour, channels = question(questionnaire, "Colour"), question(questionnaire, "Channels")
    assert stored.answers == {
        str(ids["Overall"]): "1",
        str(colour.pk): [colour.choices.first().pk],
        str(channels.pk): [choice.pk for choice in channels.choices.all()],
        str(ids["Units bought"]): "3.00",
        str(ids["Recommend"]): "8",
        str(ids["Price"]): "2",  # the price band's position
    }
    assert list(stored.text_answers.values_list("text", flat=True)) == ["Works well."]
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_a_second_submit_gives_the_friendly_answered_page(client, invitation, questionnaire):
    client.post(url(invitation), good_answers(questionnaire))
    again = client.post(url(invitation), good_answers(questionnaire))
    assert again.status_code == 200
    assert "already in" in again.content.decode()
    assert Response.objects.count() == 1
    assert "already in" in client.get(url(invitation)).content.decode()


def test_missing_and_malformed_answers_are_explained_and_the_others_kept(client, invitation, questionnaire):
    other_question_choice = ChoiceFactory()
    data = good_answers(questionnaire)
    data[f"q-{question(questionnaire, 'Overall').pk}"] = ""
    data[f"q-{question(questionnaire, 'Units bought').pk}"] = "three"
    data[f"q-{question(questionnaire, 'Colour').pk}"] = str(other_question_choice.pk)
    data[f"q-{question(questionnaire, 'Recommend').pk}"] = "11"
    response = client.post(url(invitation), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("invalid-feedback") == 4
    assert "Please answer this question." in page
    assert "Enter a number" in page
    assert "Works well." in page  # the free text typed is kept
    assert not Response.objects.exists()


def test_ten_megabytes_of_text_are_refused_without_an_error_page(client, invitation, questionnaire):
    data = good_answers(questionnaire)
    data[f"q-{question(questionnaire, 'Comments').pk}"] = "x" * (10 * 1024 * 1024)
    response = client.post(url(invitation), data)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_long_text_is_refused_next_to_the_question(client, invitation, questionnaire):
    data = good_answers(questionnaire)
    data[f"q-{question(questionnaire, 'Comments').pk}"] = "很" * 6000
    response = client.post(url(invitation), data)
    assert response.status_code == 400
    assert "under 5000 characters" in response.content.decode()


# The form's stamp: the page names its questionnaire, signed for its link, so a submission needs no lookup first.


def form_stamp_of(client, invitation) -> str:
    page = client.get(url(invitation)).content.decode()
    return re.search(r'name="link" value="([^"]+)"', page).group(1)


def test_a_stamped_form_is_stored_in_one_statement(client, invitation, questionnaire):
    data = {**good_answers(questionnaire), "link": form_stamp_of(client, invitation)}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(invitation), data)
    assert response.status_code == 302
    executed = [query["sql"].split(" (")[0] for query in queries if query["sql"].startswith("EXECUTE")]
    assert executed == ["EXECUTE claim_and_store_response"]
    stored = Response.objects.get()
    assert stored.invitation == invitation and stored.satisfaction_index == 90


def test_a_forged_or_borrowed_stamp_is_ignored(client, invitation, questionnaire):
    other = InvitationFactory(batch__questionnaire=QuestionnaireFactory(status=Questionnaire.Status.APPROVED))
    borrowed = form_stamp_of(client, other)
    forged = f"{questionnaire.pk}.en:forged"
    for stamp in (borrowed, forged):
        response = client.post(url(invitation), {**good_answers(questionnaire), "link": stamp})
        assert response.status_code in (200, 302)
    stored = Response.objects.get()
    assert stored.invitation == invitation and stored.questionnaire == questionnaire
    assert not other.batch.questionnaire.responses.exists()


def test_a_stamped_form_of_a_closed_or_vanished_link_gets_its_page(client, invitation, questionnaire):
    data = {**good_answers(questionnaire), "link": form_stamp_of(client, invitation)}
    invitation.batch.deadline = timezone.now() - datetime.timedelta(minutes=1)
    invitation.batch.save()
    assert client.post(url(invitation), data).status_code == 410
    invitation.batch.deadline = timezone.now() + datetime.timedelta(days=1)
    invitation.batch.save()
    assert client.post(url(invitation), data).status_code == 302
    assert "already in" in client.post(url(invitation), data).content.decode()
    withdrawn = InvitationFactory(batch=invitation.batch)
    data = {**good_answers(questionnaire), "link": form_stamp_of(client, withdrawn)}
    withdrawn.delete()
    assert client.post(url(withdrawn), data).status_code == 404
    assert Response.objects.count() == 1


def test_unknown_and_tampered_tokens_are_not_found(client, invitation):
    assert client.get(reverse("public:survey-answer", args=["no-such-token"])).status_code == 404
    tampered = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    assert client.get(reverse("public:survey-answer", args=[tampered])).status_code == 404


def test_an_expired_link_gets_its_own_page(client, invitation, questionnaire):
    invitation.batch.deadline = timezone.now() - datetime.timedelta(minutes=1)
    invitation.batch.save()
    assert client.get(url(invitation)).status_code == 410
    response = client.post(url(invitation), good_answers(questionnaire))
    assert response.status_code == 410
    assert "has closed" in response.content.decode()
    assert not Response.objects.exists()


def test_anonymous_responses_keep_no_link_to_the_customer(client, invitation, questionnaire):
    questionnaire.is_anonymous = True
    questionnaire.save()
    client.post(url(invitation), good_answers(questionnaire))
    stored = Response.objects.get()
    assert stored.invitation is None and stored.customer is None
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert client.post(url(invitation), good_answers(questionnaire)).status_code == 200
    assert Response.objects.count() == 1


def test_the_page_speaks_the_questionnaire_language_with_a_switch(client, invitation, questionnaire):
    questionnaire.language = "zh-hans"
    questionnaire.save()
    page = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page and "好" in page
    page = client.get(url(invitation) + "?lang=en").content.decode()
    assert 'lang="en"' in page and "Good" in page


def test_the_page_query_count_does_not_grow_with_questions(
    client, invitation, questionnaire, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(url(invitation))
    section = questionnaire.sections.first()
    for number in range(20):
        QuestionFactory(section=section, kind=Question.Kind.RATING, text=f"Extra {number}")
    with django_assert_max_num_queries(12):
        client.get(url(invitation))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("from_the_page", [True, False], ids=["stamped form", "bare post"])
def test_concurrent_submits_of_one_link_give_one_response(questionnaire, from_the_page):
    from django.test import Client

    invitation = InvitationFactory(batch__questionnaire=questionnaire)
    data = good_answers(questionnaire)
    if from_the_page:
        data["link"] = form_stamp_of(Client(), invitation)
    start = threading.Barrier(4)
    statuses = []

    def submit():
        start.wait()
        try:
            statuses.append(Client().post(url(invitation), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 302]
    assert Response.objects.count() == 1
    assert IndexFactor.objects.exists()
