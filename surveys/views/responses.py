"""Staff pages of responses: the list per questionnaire, one response, paper and phone answers, the Excel export."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxcenter import services as core_services
from cxcenter.roles import role_required
from surveys import exports
from surveys.answers import parse_answers
from surveys.exports import RESPONSES_EXPORT
from surveys.forms import PaperEntryForm
from surveys.permissions import MILESTONE_WORKERS, SURVEY_READERS
from surveys.selectors import pain_points
from surveys.selectors import responses as selectors
from surveys.selectors.questionnaires import questionnaire_outline
from surveys.services import responses as services
from surveys.services.responses import SurveyClosed


@role_required(*SURVEY_READERS)
def response_list(request, pk):
    questionnaire = selectors.get_questionnaire_for_responses(request.user, pk)
    response_filter, page = selectors.response_page(
        request.user, questionnaire, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "questionnaire": questionnaire,
        "filter": response_filter,
        "page": page,
        "responses": list(page.object_list),
        "query": query.urlencode(),
        "show_customer": not questionnaire.is_anonymous,
    }
    return render(request, "surveys/response_list.html", context)


@role_required(*SURVEY_READERS)
@require_POST
def response_export(request, pk):
    """The list as filtered: small ones download at once, large ones are built by a task (their page polls)."""
    questionnaire = selectors.get_questionnaire_for_responses(request.user, pk)
    response_filter = selectors.response_filter(questionnaire, request.GET)
    responses = response_filter.qs
    if responses.count() <= settings.CX_EXPORT_DIRECT_MAX_ROWS:
        return exports.responses_workbook(questionnaire, responses)
    export = core_services.request_export(
        actor=request.user,
        kind=RESPONSES_EXPORT,
        params={
            "questionnaire": questionnaire.pk,
            "filters": selectors.export_filters(response_filter),
            "language": translation.get_language(),
            "back_url": reverse("surveys:response-list", args=[questionnaire.pk]),
            "back_label": _("Responses"),
        },
        filename=exports.responses_filename(questionnaire),
        readers=SURVEY_READERS,
        title=_("Responses to “%(title)s”") % {"title": questionnaire},
    )
    return redirect("export-detail", export.pk)


@role_required(*SURVEY_READERS)
def response_detail(request, pk):
    response = selectors.get_response_for(request.user, pk)
    context = {
        "response": response,
        "questionnaire": response.questionnaire,
        "sections": pain_points.with_library_links(request.user, response, selectors.response_answers(response)),
        "show_customer": not response.questionnaire.is_anonymous,
    }
    return render(request, "surveys/response_detail.html", context)


@role_required(*MILESTONE_WORKERS)
def invitation_enter(request, pk):
    """A specialist types in the answers of a paper form or a phone interview for one invitation."""
    invitation = selectors.get_invitation_for_entry(request.user, pk)
    questionnaire = invitation.batch.questionnaire
    form = PaperEntryForm(request.POST or None)
    sections = questionnaire_outline(questionnaire)
    questions = [question for section in sections for question in section.questions.all()]
    context = {"invitation": invitation, "questionnaire": questionnaire, "sections": sections, "form": form}
    if request.method != "POST":
        return render(request, "surveys/invitation_enter.html", context)
    if invitation.answered_at:
        # The page of an answered invitation says so and offers no form; a late submit stores nothing.
        messages.error(request, _("This invitation was answered already; nothing was stored."))
        return render(request, "surveys/invitation_enter.html", context, status=409)
    # Errors in the language of the person typing, next to questions in the questionnaire's language.
    parsed = parse_answers(questions, request.POST, translation.get_language())
    if form.is_valid() and parsed.is_valid:
        try:
            response = services.record_paper_answers(
                invitation_id=invitation.pk,
                answers=parsed.answers,
                source=form.cleaned_data["source"],
                actor=request.user,
            )
        except SurveyClosed:
            messages.error(request, _("This invitation was answered already; nothing was stored."))
            return redirect("surveys:invitation-enter", invitation.pk)
        messages.success(request, _("Answers stored. Check them below against the form."))
        return redirect("surveys:response-detail", response.pk)
    for question in questions:
        question.answer_values = parsed.values.get(question.pk, [])
        question.errors = parsed.errors.get(question.pk, [])
    context["error_count"] = len(parsed.errors)
    return render(request, "surveys/invitation_enter.html", context, status=400)
