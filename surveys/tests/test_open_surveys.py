"""Open surveys /s/open/<slug>/: a QR code at the centre, one answer per browser, floods paused, staff QR pages."""

import threading

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.test import Client
from django.urls import reverse

from cxcenter.models import Role, TimelineEntry
from surveys.models import OpenSurvey, Questionnaire, Response
from surveys.services import open_surveys as services
from surveys.services.open_surveys import OpenSurveyError
from surveys.tests.response_builders import good_answers, survey_questionnaire
from surveys.urls import responses as response_urls
from surveys.views.public import BROWSER_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The submission counters live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def questionnaire():
    return survey_questionnaire()


@pytest.fixture
def open_survey(questionnaire, specialist):
    return services.create_open_survey(
        questionnaire_id=questionnaire.pk, actor=specialist, title="Beijing centre visitors", slug="beijing"
    )


def page(open_survey):
    return reverse("public:open-survey", args=[open_survey.slug])


def visitor(address="10.0.0.1"):
    return Client(REMOTE_ADDR=address)


# Services


def test_only_approved_questionnaires_are_opened(specialist):
    draft = survey_questionnaire(status=Questionnaire.Status.DRAFT)
    with pytest.raises(OpenSurveyError):
        services.create_open_survey(questionnaire_id=draft.pk, actor=specialist, title="Too early")


def test_centre_roles_open_surveys_and_others_cannot(questionnaire, persona):
    centre = persona("centre", Role.CENTER_DIRECTOR)
    created = services.create_open_survey(questionnaire_id=questionnaire.pk, actor=centre, title="Shanghai")
    assert created.is_active
    assert TimelineEntry.objects.filter(object_id=created.pk, action=TimelineEntry.Action.CREATED).exists()
    with pytest.raises(PermissionDenied):
        services.create_open_survey(
            questionnaire_id=questionnaire.pk, actor=persona("account", Role.ACCOUNT_MANAGER), title="No"
        )


def test_a_chinese_title_gets_a_generated_link_name_and_names_stay_unique(questionnaire, specialist, open_survey):
    generated = services.create_open_survey(questionnaire_id=questionnaire.pk, actor=specialist, title="北京体验中心")
    assert generated.slug.startswith("survey-")
    with pytest.raises(OpenSurveyError, match="already in use"):
        services.create_open_survey(
            questionnaire_id=questionnaire.pk, actor=specialist, title="Again", slug=open_survey.slug
        )


def test_closing_and_reopening_go_on_the_timeline(open_survey, specialist):
    services.close_open_survey(open_survey_id=open_survey.pk, actor=specialist)
    open_survey.refresh_from_db()
    assert not open_survey.is_active
    services.reopen_open_survey(open_survey_id=open_survey.pk, actor=specialist)
    open_survey.refresh_from_db()
    assert open_survey.is_active
    assert TimelineEntry.objects.filter(object_id=open_survey.pk, action=TimelineEntry.Action.UPDATED).count() == 2


# The visitor's page


def test_open_routes_come_before_the_token_routes(open_survey):
    assert page(open_survey) == "/s/open/beijing/"
    assert visitor().get(page(open_survey)).resolver_match.url_name == "open-survey"


def test_a_visitor_answers_without_login_and_the_browser_is_remembered(open_survey, questionnaire):
    browser = visitor()
    form = browser.get(page(open_survey))
    assert form.status_code == 200
    assert "Overall" in form.content.decode()
    cookie = form.cookies[BROWSER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) >= 365 * 24 * 3600
    sent = browser.post(page(open_survey), good_answers(questionnaire))
    assert sent.status_code == 302
    assert "Thank you" in browser.get(sent["Location"]).content.decode()
    stored = Response.objects.get()
    assert stored.source == Response.Source.OPEN and stored.open_survey == open_survey
    assert stored.customer is None and stored.invitation is None
    assert stored.browser_key and stored.satisfaction_index == 90


def test_the_same_browser_cannot_answer_twice(open_survey, questionnaire):
    browser = visitor()
    browser.get(page(open_survey))
    browser.post(page(open_survey), good_answers(questionnaire))
    again = browser.post(page(open_survey), good_answers(questionnaire))
    assert again.status_code == 200
    assert "already been answered on this device" in again.content.decode()
    assert Response.objects.count() == 1
    assert "already been answered" in browser.get(page(open_survey)).content.decode()


def test_another_browser_answers_too(open_survey, questionnaire):
    visitor().post(page(open_survey), good_answers(questionnaire))
    visitor().post(page(open_survey), good_answers(questionnaire))
    assert Response.objects.count() == 2
    assert len(set(Response.objects.values_list("browser_key", flat=True))) == 2


def test_a_forged_browser_cookie_is_ignored(open_survey, questionnaire):
    browser = visitor()
    browser.post(page(open_survey), good_answers(questionnaire))
    key = Response.objects.get().browser_key
    forger = visitor()
    forger.cookies[BROWSER_COOKIE] = key  # unsigned: not accepted as that browser's key
    assert "Overall" in forger.get(page(open_survey)).content.decode()


def test_bad_answers_are_explained_and_the_browser_keeps_its_key(open_survey, questionnaire):
    browser = visitor()
    data = good_answers(questionnaire, Overall="", **{"Units bought": "three"})
    response = browser.post(page(open_survey), data)
    assert response.status_code == 400
    assert response.content.decode().count("invalid-feedback") == 2
    assert BROWSER_COOKIE in response.cookies
    assert not Response.objects.exists()


def test_flooding_from_one_address_is_paused_after_the_limit(open_survey, questionnaire, settings):
    settings.CX_OPEN_SURVEY_MAX_POSTS = 10
    statuses = [
        visitor("203.0.113.7").post(page(open_survey), good_answers(questionnaire)).status_code for _ in range(13)
    ]
    assert statuses == [302] * 10 + [429] * 3
    assert Response.objects.count() == 10
    # Another address is not held up by the flood.
    assert visitor("203.0.113.8").post(page(open_survey), good_answers(questionnaire)).status_code == 302


def test_the_pause_page_speaks_the_visitor_language(open_survey, questionnaire, settings):
    settings.CX_OPEN_SURVEY_MAX_POSTS = 0
    response = visitor().post(page(open_survey), good_answers(questionnaire))
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.CX_OPEN_SURVEY_WINDOW)
    assert 'lang="en"' in response.content.decode() and "try again in a few minutes" in response.content.decode()
    chinese = visitor().post(page(open_survey) + "?lang=zh-hans", good_answers(questionnaire))
    assert chinese.status_code == 429 and 'lang="zh-hans"' in chinese.content.decode()
    assert not Response.objects.exists()


def test_a_closed_open_survey_says_so(open_survey, questionnaire, specialist):
    services.close_open_survey(open_survey_id=open_survey.pk, actor=specialist)
    assert visitor().get(page(open_survey)).status_code == 410
    response = visitor().post(page(open_survey), good_answers(questionnaire))
    assert response.status_code == 410
    assert "not open" in response.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_link_name_is_not_found(open_survey):
    assert visitor().get(reverse("public:open-survey", args=["no-such-survey"])).status_code == 404


# Staff pages


def test_every_response_and_open_survey_page_checks_a_role():
    unchecked = [p.name for p in response_urls.urlpatterns if not getattr(p.callback, "required_roles", None)]
    assert unchecked == []


def test_staff_create_an_open_survey_from_the_list(as_user, questionnaire, persona):
    client = as_user(persona("service", Role.SERVICE_SPECIALIST))
    listing = client.get(reverse("surveys:opensurvey-list"), {"questionnaire": questionnaire.pk})
    assert listing.status_code == 200
    created = client.post(
        reverse("surveys:opensurvey-list"),
        {"questionnaire": questionnaire.pk, "title": "Guangzhou centre", "slug": "guangzhou"},
    )
    assert created.status_code == 302
    detail = client.get(created["Location"])
    assert detail.status_code == 200
    assert "/s/open/guangzhou/" in detail.content.decode()


def test_the_detail_page_links_the_absolute_survey_url(as_user, specialist, open_survey, settings):
    settings.SITE_URL = "https://cx.example.com"
    page_ = as_user(specialist).get(reverse("surveys:opensurvey-detail", args=[open_survey.pk]))
    assert "https://cx.example.com/s/open/beijing/" in page_.content.decode()


def test_staff_close_an_open_survey_and_visitors_see_it_closed(as_user, specialist, open_survey):
    response = as_user(specialist).post(reverse("surveys:opensurvey-close", args=[open_survey.pk]))
    assert response.status_code == 302
    assert visitor().get(page(open_survey)).status_code == 410


def test_qr_codes_are_served_as_svg_and_png(as_user, specialist, open_survey):
    client = as_user(specialist)
    svg = client.get(reverse("surveys:opensurvey-qr-svg", args=[open_survey.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert body.lstrip().startswith("<?xml") and "<svg" in body and body.rstrip().endswith("</svg>")
    png = client.get(reverse("surveys:opensurvey-qr-png", args=[open_survey.pk]), {"download": "1"})
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png["Content-Disposition"] == 'attachment; filename="qr-beijing.png"'


def test_the_printable_card_has_the_title_the_code_and_the_invitation(as_user, specialist, open_survey):
    card = as_user(specialist).get(reverse("surveys:opensurvey-print", args=[open_survey.pk])).content.decode()
    assert "Beijing centre visitors" in card
    assert reverse("surveys:opensurvey-qr-svg", args=[open_survey.pk]) in card
    assert "Scan the code" in card


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.OPS_SUPERVISOR, Role.COMMITTEE])
def test_other_roles_get_no_open_survey_page_or_code(as_user, persona, open_survey, role):
    client = as_user(persona("other", role))
    for name in ("surveys:opensurvey-detail", "surveys:opensurvey-qr-svg", "surveys:opensurvey-print"):
        assert client.get(reverse(name, args=[open_survey.pk])).status_code == 403
    assert client.get(reverse("surveys:opensurvey-list")).status_code == 403


def test_visitors_never_reach_the_staff_pages(open_survey):
    response = visitor().get(reverse("surveys:opensurvey-qr-png", args=[open_survey.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_browser_give_one_response():
    questionnaire = survey_questionnaire()
    # A plain row: roles are data of a migration, which a transactional test must not depend on.
    open_survey = OpenSurvey.objects.create(
        questionnaire=questionnaire, slug="desk", title="Desk", created_by=questionnaire.created_by
    )
    cookie = visitor().get(page(open_survey)).cookies[BROWSER_COOKIE].value
    data = good_answers(questionnaire)
    start = threading.Barrier(4)
    statuses = []

    def submit():
        browser = visitor()
        browser.cookies[BROWSER_COOKIE] = cookie
        start.wait()
        try:
            statuses.append(browser.post(page(open_survey), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 302]
    assert Response.objects.count() == 1
