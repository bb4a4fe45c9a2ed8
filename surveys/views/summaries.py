"""Staff pages of result summary tables (客户体验结果汇总表): the summary, its problems, the director's review."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxcenter.decisions import state_change_view
from cxcenter.errors import DomainError
from cxcenter.roles import role_required
from cxcenter.selectors import return_comment, timeline_for
from surveys.forms import ResultSummaryForm, SummaryProblemForm
from surveys.permissions import DECIDERS, SUMMARY_AUTHORS, SURVEY_READERS
from surveys.selectors import summaries as selectors
from surveys.selectors.results import get_questionnaire_for_results
from surveys.services import summaries as services
from surveys.services.summaries import SummaryError


def refused(request, summary):
    """A redirect with the reason when the user cannot change the summary now, else None."""
    try:
        services.ensure_can_edit_summary(request.user, summary)
    except SummaryError as error:
        messages.error(request, str(error))
        return redirect(summary)
    return None


@role_required(*SURVEY_READERS)
def summary_for_questionnaire(request, pk):
    """The questionnaire's summary, or the form to start it, or the questionnaire with the reason."""
    questionnaire = get_questionnaire_for_results(request.user, pk)
    summary = selectors.summary_of(questionnaire)
    if summary:
        return redirect(summary)
    if selectors.can_create_summary(request.user, questionnaire):
        return redirect("surveys:summary-create", questionnaire.pk)
    messages.info(request, _("This questionnaire has no result summary yet."))
    return redirect(questionnaire)


@role_required(*SUMMARY_AUTHORS)
def summary_create(request, pk):
    questionnaire = get_questionnaire_for_results(request.user, pk)
    existing = selectors.summary_of(questionnaire)
    if existing:
        messages.info(request, _("This questionnaire already has its result summary."))
        return redirect(existing)
    form = ResultSummaryForm(request.POST or None)
    if form.is_valid():
        try:
            summary = services.create_summary(
                questionnaire_id=questionnaire.pk, actor=request.user, **form.cleaned_data
            )
        except SummaryError as error:
            messages.error(request, str(error))
            return redirect(questionnaire)
        messages.success(request, _("Result summary started: now classify the problems found."))
        return redirect(summary)
    return render(request, "surveys/resultsummary_form.html", {"form": form, "questionnaire": questionnaire})


@role_required(*SURVEY_READERS)
def summary_detail(request, pk):
    summary = selectors.get_summary_for(request.user, pk)
    timeline = timeline_for(summary)
    return render(
        request,
        "surveys/resultsummary_detail.html",
        {
            "summary": summary,
            "questionnaire": summary.questionnaire,
            "problems": selectors.problem_rows(summary),
            "results": selectors.summary_figures(summary),
            "actions": selectors.summary_actions(request.user, summary),
            "timeline": timeline,
            "return_comment": return_comment(summary, timeline),
        },
    )


@role_required(*SUMMARY_AUTHORS)
def summary_edit(request, pk):
    summary = selectors.get_plain_summary_for(request.user, pk)
    if response := refused(request, summary):
        return response
    form = ResultSummaryForm(request.POST or None, instance=summary)
    if form.is_valid():
        try:
            services.update_summary(summary_id=summary.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Summary saved."))
        return redirect(summary)
    context = {"form": form, "summary": summary, "questionnaire": summary.questionnaire}
    return render(request, "surveys/resultsummary_form.html", context)


def problem_form(request, questionnaire, initial=None) -> SummaryProblemForm:
    chosen = request.POST.getlist("answers") if request.method == "POST" else (initial or {}).get("answers", [])
    return SummaryProblemForm(
        request.POST or None,
        initial=initial,
        questions=selectors.problem_question_choices(questionnaire),
        answers=selectors.problem_answer_choices(questionnaire),
        shown_answers=selectors.problem_answers_shown(questionnaire, search=answer_search(request), chosen=chosen),
    )


def answer_page(request) -> dict:
    return {"answer_search": answer_search(request), "answers_shown": selectors.PROBLEM_ANSWERS_SHOWN}


def answer_search(request) -> str:
    return request.GET.get("q", "").strip()[:200]


@role_required(*SUMMARY_AUTHORS)
def problem_add(request, pk):
    summary = selectors.get_plain_summary_for(request.user, pk)
    if response := refused(request, summary):
        return response
    form = problem_form(request, summary.questionnaire)
    if form.is_valid():
        try:
            services.add_problem(summary_id=summary.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Problem added."))
        return redirect(summary)
    context = {"form": form, "summary": summary, "questionnaire": summary.questionnaire}
    return render(request, "surveys/summaryproblem_form.html", {**context, **answer_page(request)})


@role_required(*SUMMARY_AUTHORS)
def problem_edit(request, pk):
    problem = selectors.get_problem_for(request.user, pk)
    summary = problem.summary
    if response := refused(request, summary):
        return response
    initial = {
        "severity": problem.severity,
        "description": problem.description,
        "questions": [question.pk for question in problem.questions.all()],
        "answers": [answer.pk for answer in problem.answers.all()],
    }
    form = problem_form(request, summary.questionnaire, initial)
    if form.is_valid():
        try:
            services.update_problem(problem_id=problem.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Problem saved."))
        return redirect(summary)
    context = {"form": form, "problem": problem, "summary": summary, "questionnaire": summary.questionnaire}
    return render(request, "surveys/summaryproblem_form.html", {**context, **answer_page(request)})


@role_required(*SUMMARY_AUTHORS)
@require_POST
def problem_remove(request, pk):
    problem = selectors.get_problem_for(request.user, pk)
    try:
        services.remove_problem(problem_id=problem.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Problem removed."))
    return redirect(problem.summary)


summary_action = partial(state_change_view, load=selectors.get_plain_summary_for, id_name="summary_id")


summary_submit = role_required(*SUMMARY_AUTHORS)(
    summary_action(services.submit_summary, gettext_lazy("Summary submitted to the director."))
)
summary_approve = role_required(*DECIDERS)(
    summary_action(services.approve_summary, gettext_lazy("Summary approved."), with_comment=True)
)
summary_return = role_required(*DECIDERS)(
    summary_action(services.return_summary, gettext_lazy("Summary returned to its author."), with_comment=True)
)
