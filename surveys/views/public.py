"""The customer's survey pages: no login, mobile first, in the questionnaire's language."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from surveys.answers import frozen_form_questions, parse_answers
from surveys.models import Invitation, Questionnaire
from surveys.selectors.questionnaires import questionnaire_outline, with_contents
from surveys.services import responses
from surveys.services.responses import SurveyClosed

CLOSED_PAGES = {
    responses.ANSWERED: ("surveys/public/answered.html", 200),
    responses.EXPIRED: ("surveys/public/expired.html", 410),
    responses.CLOSED: ("surveys/public/closed.html", 410),
}


def invitation_for_token(token: str) -> Invitation:
    """The invitation of a link, or 404 with no hint whether such a token exists."""
    try:
        return Invitation.objects.select_related("batch__questionnaire").get(token=token)
    except Invitation.DoesNotExist:
        raise Http404 from None


def survey_language(request, questionnaire) -> str:
    """The questionnaire's language unless the customer switched (?lang=)."""
    chosen = request.GET.get("lang")
    return chosen if chosen in dict(settings.LANGUAGES) else questionnaire.language


def closed_page(request, reason: str, questionnaire):
    template, status = CLOSED_PAGES[reason]
    return render(request, template, {"questionnaire": questionnaire}, status=status)


def survey_form_page(request, questionnaire, language: str, batch=None, parsed=None):
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
    }
    return render(request, "surveys/public/survey_form.html", context, status=400 if parsed else 200)


@login_not_required
@never_cache
def survey_answer(request, token):
    invitation = invitation_for_token(token)
    batch = invitation.batch
    questionnaire = batch.questionnaire
    language = survey_language(request, questionnaire)
    with translation.override(language):
        if invitation.answered_at:
            return closed_page(request, responses.ANSWERED, questionnaire)
        if batch.is_expired:
            return closed_page(request, responses.EXPIRED, questionnaire)
        if request.method != "POST":
            responses.mark_opened(invitation=invitation)
            return survey_form_page(request, questionnaire, language, batch)
        # Batches go out for approved, frozen questionnaires only, so their questions are read once per process.
        parsed = parse_answers(frozen_form_questions(questionnaire.pk), request.POST, language)
        if not parsed.is_valid:
            return survey_form_page(request, questionnaire, language, batch, parsed)
        try:
            responses.answer_invitation(invitation=invitation, answers=parsed.answers)
        except SurveyClosed as closed:
            return closed_page(request, closed.reason, questionnaire)
        return redirect(f"{reverse('public:survey-thanks', args=[token])}?lang={language}")


@login_not_required
@never_cache
def survey_thanks(request, token):
    questionnaire = invitation_for_token(token).batch.questionnaire
    with translation.override(survey_language(request, questionnaire)):
        return render(request, "surveys/public/thanks.html", {"questionnaire": questionnaire})
