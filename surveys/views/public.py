"""The customer's survey pages: no login, mobile first, in the questionnaire's language."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from surveys.answers import parse_answers
from surveys.models import Invitation
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


def closed_page(request, reason: str, questionnaire):
    template, status = CLOSED_PAGES[reason]
    return render(request, template, {"questionnaire": questionnaire}, status=status)


@login_not_required
@never_cache
def survey_answer(request, token):
    invitation = invitation_for_token(token)
    batch = invitation.batch
    questionnaire = with_contents(type(batch.questionnaire).objects.all()).get(pk=batch.questionnaire_id)
    language = survey_language(request, questionnaire)
    with translation.override(language):
        if invitation.answered_at:
            return closed_page(request, responses.ANSWERED, questionnaire)
        if batch.is_expired:
            return closed_page(request, responses.EXPIRED, questionnaire)
        responses.mark_opened(invitation=invitation)
        sections = questionnaire_outline(questionnaire, language)
        questions = [question for section in sections for question in section.questions.all()]
        parsed = None
        if request.method == "POST":
            parsed = parse_answers(questions, request.POST, language)
            if parsed.is_valid:
                try:
                    responses.answer_invitation(invitation_id=invitation.pk, answers=parsed.answers)
                except SurveyClosed as closed:
                    return closed_page(request, closed.reason, questionnaire)
                return redirect(f"{reverse('public:survey-thanks', args=[token])}?lang={language}")
            for question in questions:
                question.answer_values = parsed.values.get(question.pk, [])
                question.errors = parsed.errors.get(question.pk, [])
        return render(
            request,
            "surveys/public/survey_form.html",
            {
                "questionnaire": questionnaire,
                "sections": sections,
                "batch": batch,
                "error_count": len(parsed.errors) if parsed else 0,
                "language": language,
            },
            status=400 if parsed and not parsed.is_valid else 200,
        )


@login_not_required
@never_cache
def survey_thanks(request, token):
    invitation = invitation_for_token(token)
    questionnaire = invitation.batch.questionnaire
    with translation.override(survey_language(request, questionnaire)):
        return render(request, "surveys/public/thanks.html", {"questionnaire": questionnaire})


def survey_language(request, questionnaire) -> str:
    """The questionnaire's language unless the customer switched (?lang=)."""
    chosen = request.GET.get("lang")
    return chosen if chosen in dict(settings.LANGUAGES) else questionnaire.language
