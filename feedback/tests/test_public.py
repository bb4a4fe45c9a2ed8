"""The public feedback form (/c/new/) and the customer's confirmation link (/c/<token>/)."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse

from cxcenter.models import Role
from feedback.models import Case
from feedback.services import cases as services
from feedback.services import closure
from feedback.tests.factories import CaseFactory
from feedback.views.public import STARTED_SALT

NEW = "/c/new/"


@pytest.fixture(autouse=True)
def fresh_counters():
    """The submission counters live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_visitor(client):
    """Assertions read English text: the visitor's browser asks for it."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def on_duty(persona):
    return persona("duty", Role.SUPERVISOR)


def started(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(**overrides):
    return {
        "kind": "complaint",
        "contact_name": "Wang Fang",
        "contact_email": "wang.fang@example.com",
        "contact_phone": "",
        "subject": "Delivery three days late",
        "description": "My order arrived three days after the promised date.",
        "website": "",
        "started": started(),
        **overrides,
    }


def test_the_form_is_public_and_carries_a_signed_start_time(client):
    response = client.get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="started"' in page and 'name="website"' in page and "csrfmiddlewaretoken" in page


def test_a_customer_sends_feedback_and_sees_the_case_number(client, on_duty):
    response = client.post(NEW, form_data(), follow=True)
    case = Case.objects.get()
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert case.channel == Case.Channel.WEB and case.status == Case.Status.NEW and case.owner == on_duty


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_case_keeps_the_language_of_the_form(client, on_duty, language):
    client.post(NEW, form_data(), HTTP_ACCEPT_LANGUAGE=language)
    assert Case.objects.get().language == language


def test_csrf_is_enforced(on_duty):
    client = Client(enforce_csrf_checks=True)
    assert client.post(NEW, form_data()).status_code == 403
    assert not Case.objects.exists()


def test_the_honeypot_refuses_robots(client, on_duty):
    response = client.post(NEW, form_data(website="http://spam.example.com"))
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("stamp", ["", "forged", "now"])
def test_a_form_sent_too_fast_or_without_a_real_stamp_is_refused_and_kept(client, on_duty, stamp, settings):
    # A wide margin: a slow first request must not make "just now" look patient.
    settings.CX_FEEDBACK_FORM_MIN_SECONDS = 60
    value = started(0) if stamp == "now" else stamp
    response = client.post(NEW, form_data(started=value))
    assert response.status_code == 400
    page = response.content.decode()
    assert "send it again" in page and "Delivery three days late" in page
    assert not Case.objects.exists()


def test_missing_contact_is_explained(client, on_duty):
    response = client.post(NEW, form_data(contact_email="", contact_phone=""))
    assert response.status_code == 400
    assert "e-mail address or a phone number" in response.content.decode()


def test_the_form_is_limited_per_address(client, on_duty, settings):
    settings.CX_FEEDBACK_FORM_MAX_POSTS = 2
    for _ in range(2):
        assert client.post(NEW, form_data()).status_code == 302
    response = client.post(NEW, form_data())
    assert response.status_code == 429 and response["Retry-After"]
    assert Case.objects.count() == 2
    assert Client(REMOTE_ADDR="10.0.0.9").post(NEW, form_data()).status_code == 302


def test_a_forged_thank_you_receipt_is_404(client):
    assert client.get(reverse("feedback-public:case-thanks"), {"r": "1"}).status_code == 404


def awaiting(specialist, **fields):
    case = CaseFactory(owner=specialist, **fields)
    services.acknowledge_case(case_id=case.pk, actor=specialist)
    services.start_investigation(case_id=case.pk, actor=specialist)
    services.record_handling(
        case_id=case.pk,
        actor=specialist,
        department=None,
        cause_category="product",
        cause="Faulty part",
        countermeasure="Replaced",
        resolution="We replaced the part.",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        closure.send_resolution(case_id=case.pk, actor=specialist)
    case.refresh_from_db()
    return case


def test_the_customer_confirms_once(client, specialist):
    case = awaiting(specialist)
    url = f"/c/{case.confirmation_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "We replaced the part." in page.content.decode()
    response = client.post(url, {"satisfaction": "5", "comment": "Great"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.customer_satisfaction == 5
    assert client.get(url).status_code == 410
    assert client.post(url, {"satisfaction": "1"}).status_code == 410
    case.refresh_from_db()
    assert case.customer_satisfaction == 5


def test_a_missing_score_is_explained_with_400(client, specialist):
    case = awaiting(specialist)
    response = client.post(f"/c/{case.confirmation_token}/", {"satisfaction": "9"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CUSTOMER


def test_a_forged_token_is_a_friendly_404_without_a_hint(client, specialist):
    awaiting(specialist)
    response = client.get("/c/not-a-real-token/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert client.get("/c/" + "x" * 200 + "/").status_code == 404


def test_not_satisfied_on_the_page_reopens_the_case(client, specialist, mailoutbox):
    specialist.preferred_language = "en"
    specialist.save(update_fields=["preferred_language"])
    case = awaiting(specialist)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/c/{case.confirmation_token}/", {"satisfaction": "1", "comment": "No change"})
    assert "looking into it again" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING and case.reopened_count == 1
    assert mailoutbox[-1].to == [specialist.email]
