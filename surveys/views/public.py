"""The customer's survey pages: no login, mobile first, in the questionnaire's language."""

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.signing import BadSignature, Signer
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from cxcenter.ratelimit import within_rate_limit
from surveys.answers import frozen_form_questions, parse_answers
from surveys.models import Invitation, InvitationBatch, Questionnaire
from surveys.selectors.distribution import SurveyLink, survey_link
from surveys.selectors.open_surveys import has_answered, open_survey_for_slug
from surveys.selectors.questionnaires import questionnaire_outline, with_contents
from surveys.services import responses
from surveys.services.responses import SurveyClosed

CLOSED_PAGES = {
    responses.ANSWERED: ("surveys/public/answered.html", 200),
    responses.EXPIRED: ("surveys/public/expired.html", 410),
    responses.CLOSED: ("surveys/public/closed.html", 410),
}


def link_for_token(token: str) -> SurveyLink:
    """The link of a token, or 404 with no hint whether such a token exists."""
    link = survey_link(token)
    if link is None:
        raise Http404
    return link


def survey_language(request, questionnaire_language: str) -> str:
    """The questionnaire's language unless the customer switched (?lang=)."""
    chosen = request.GET.get("lang")
    return chosen if chosen in dict(settings.LANGUAGES) else questionnaire_language


def closed_page(request, reason: str, questionnaire):
    """The page of a link that takes no answers; `questionnaire` may be its id."""
    if not isinstance(questionnaire, Questionnaire):
        questionnaire = Questionnaire.objects.get(pk=questionnaire)
    template, status = CLOSED_PAGES[reason]
    return render(request, template, {"questionnaire": questionnaire}, status=status)


def survey_form_page(request, questionnaire, language: str, batch=None, parsed=None, form_stamp=""):
    """The questionnaire as the customer fills it in, refilled with the answers and errors of a failed submit."""
    questionnaire = with_contents(Questionnaire.objects.all()).get(pk=questionnaire.pk)
    sections = questionnaire_outline(questionnaire, language)
    if parsed is not None:
        for section in sections:
            for question in section.questions.all():
                question.answer_values = parsed.values.get(question.pk, [])
                question.errors = parsed.errors.get(question.pk, [])
    context = {
        "questionnaire": questionnaire,
        "sections": sections,
        "batch": batch,
        "error_count": len(parsed.errors) if parsed else 0,
        "language": language,
        "form_stamp": form_stamp,
    }
    return render(request, "surveys/public/survey_form.html", context, status=400 if parsed else 200)


@login_not_required
@never_cache
def survey_answer(request, token):
    stamp = read_form_stamp(token, request.POST.get("link", "")) if request.method == "POST" else None
    if stamp is not None:
        return submit_answers(request, token, *stamp)
    link = link_for_token(token)
    language = survey_language(request, link.language)
    with translation.override(language):
        if link.is_answered:
            return closed_page(request, responses.ANSWERED, link.questionnaire_id)
        if link.is_expired:
            return closed_page(request, responses.EXPIRED, link.questionnaire_id)
        if request.method != "POST":
            responses.mark_opened(invitation_id=link.invitation_id)
            return invitation_form_page(request, token, link, language)
    return submit_answers(request, token, link.questionnaire_id, link.language)


def submit_answers(request, token: str, questionnaire_id: int, questionnaire_language: str):
    """Check the posted answers; store them, or show the form again with its errors and every answer kept."""
    language = survey_language(request, questionnaire_language)
    # Batches go out for approved, frozen questionnaires only, so their questions are read once per process.
    parsed = parse_answers(frozen_form_questions(questionnaire_id), request.POST, language)
    with translation.override(language):
        if not parsed.is_valid:
            return invitation_form_page(request, token, link_for_token(token), language, parsed)
        try:
            responses.answer_invitation(token=token, questionnaire_id=questionnaire_id, answers=parsed.answers)
        except SurveyClosed as closed:
            return closed_page(request, closed.reason, questionnaire_id)
        except Invitation.DoesNotExist:
            raise Http404 from None
    return HttpResponseRedirect(f"{reverse('public:survey-thanks', args=[token])}?lang={language}")


# The form carries its questionnaire and language, signed for its own link, so that a submission is checked
# and stored without looking the link up first: one round trip to the database instead of two.
FORM_STAMP_SALT = "surveys.survey-form"


def form_signer(token: str) -> Signer:
    return Signer(salt=f"{FORM_STAMP_SALT}:{token}")


def form_stamp(token: str, questionnaire_id: int, language: str) -> str:
    return form_signer(token).sign(f"{questionnaire_id}.{language}")


def read_form_stamp(token: str, value: str) -> tuple[int, str] | None:
    """The questionnaire id and language of a form stamped for this link, or None (missing, forged, another link's)."""
    try:
        questionnaire_id, language = form_signer(token).unsign(value).split(".", 1)
        return int(questionnaire_id), language
    except (BadSignature, ValueError):
        return None


def invitation_form_page(request, token: str, link: SurveyLink, language: str, parsed=None):
    batch = InvitationBatch.objects.select_related("questionnaire").get(invitations__id=link.invitation_id)
    return survey_form_page(
        request,
        batch.questionnaire,
        language,
        batch,
        parsed,
        form_stamp=form_stamp(token, link.questionnaire_id, link.language),
    )


@login_not_required
@never_cache
def survey_thanks(request, token):
    link = link_for_token(token)
    questionnaire = Questionnaire.objects.get(pk=link.questionnaire_id)
    with translation.override(survey_language(request, link.language)):
        return render(request, "surveys/public/thanks.html", {"questionnaire": questionnaire})


# The open survey's browser key: random, signed so it cannot be forged, kept two years.
BROWSER_COOKIE = "cx_survey_browser"
BROWSER_COOKIE_SALT = "surveys.open-survey.browser"
BROWSER_COOKIE_AGE = 2 * 365 * 24 * 60 * 60


@login_not_required
@never_cache
def open_survey_answer(request, slug):
    """An open survey (QR code at a centre): anyone may answer, once per browser, a few times per address."""
    open_survey = open_survey_for_slug(slug)
    questionnaire = open_survey.questionnaire
    language = survey_language(request, questionnaire.language)
    browser_key = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT)
    with translation.override(language):
        if not open_survey.is_active:
            return closed_page(request, responses.CLOSED, questionnaire)
        if has_answered(open_survey, browser_key):
            return open_answered_page(request, questionnaire)
        browser_key = browser_key or secrets.token_urlsafe(32)
        if request.method != "POST":
            return remember_browser(survey_form_page(request, questionnaire, language), browser_key)
        if not within_rate_limit(
            request, "open-survey", limit=settings.CX_OPEN_SURVEY_MAX_POSTS, window=settings.CX_OPEN_SURVEY_WINDOW
        ):
            page = render(request, "surveys/public/too_many.html", {"questionnaire": questionnaire}, status=429)
            page["Retry-After"] = str(settings.CX_OPEN_SURVEY_WINDOW)
            return page
        # Open surveys are made from approved, frozen questionnaires only.
        parsed = parse_answers(frozen_form_questions(questionnaire.pk), request.POST, language)
        if not parsed.is_valid:
            return remember_browser(survey_form_page(request, questionnaire, language, parsed=parsed), browser_key)
        try:
            responses.answer_open_survey(open_survey=open_survey, browser_key=browser_key, answers=parsed.answers)
        except SurveyClosed as closed:
            if closed.reason == responses.ANSWERED:
                return open_answered_page(request, questionnaire)
            return closed_page(request, closed.reason, questionnaire)
        thanks = f"{reverse('public:open-survey-thanks', args=[slug])}?lang={language}"
        return remember_browser(HttpResponseRedirect(thanks), browser_key)


@login_not_required
@never_cache
def open_survey_thanks(request, slug):
    questionnaire = open_survey_for_slug(slug).questionnaire
    with translation.override(survey_language(request, questionnaire.language)):
        return render(request, "surveys/public/thanks.html", {"questionnaire": questionnaire})


def open_answered_page(request, questionnaire):
    return render(request, "surveys/public/open_answered.html", {"questionnaire": questionnaire})


def remember_browser(response, browser_key: str):
    """Keep the browser's key, so a second visit from it finds its answers in."""
    response.set_signed_cookie(
        BROWSER_COOKIE,
        browser_key,
        salt=BROWSER_COOKIE_SALT,
        max_age=BROWSER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
