"""Reads of result summary tables (客户体验结果汇总表): one summary with its problems and figures, the inbox."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from cxcenter.approvals import PendingApproval
from cxcenter.roles import ensure_role, has_role
from surveys.models import Answer, PainPointSource, Question, Questionnaire, ResultSummary, SummaryProblem, SurveyPlan
from surveys.permissions import DECIDERS, SUMMARY_AUTHORS, SURVEY_READERS, can_edit_summary
from surveys.selectors.results import free_text_answers, questionnaire_results
from surveys.services.pain_points import PAIN_POINT_EDITORS


@dataclass(frozen=True)
class SummaryActions:
    """What the current user may do with a summary in its current state, for the buttons on its page."""

    edit: bool
    submit: bool
    decide: bool
    add_to_library: bool


def problems_with_sources() -> QuerySet[SummaryProblem]:
    """Problems with the questions and answers behind them, in three queries whatever their number."""
    answers = Answer.objects.select_related("question", "response").order_by("pk")
    return SummaryProblem.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("section__position", "position", "pk")),
        Prefetch("answers", queryset=answers),
    )


def get_summary_for(user, pk: int) -> ResultSummary:
    """A summary with its questionnaire, plan, people and problems (`problem_list`), or 404.

    PermissionDenied for roles that do not read surveys.
    """
    ensure_role(user, *SURVEY_READERS)
    queryset = ResultSummary.objects.select_related(
        "questionnaire__plan", "created_by", "submitted_by", "approved_by", "returned_by"
    ).prefetch_related(Prefetch("problems", queryset=problems_with_sources(), to_attr="problem_list"))
    return get_object_or_404(queryset, pk=pk)


def get_plain_summary_for(user, pk: int) -> ResultSummary:
    """A summary row with its questionnaire and plan, without problems (state changes, forms), or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(ResultSummary.objects.select_related("questionnaire__plan"), pk=pk)


def get_problem_for(user, pk: int) -> SummaryProblem:
    """A problem with its summary, questionnaire and plan, and its questions and answers loaded, or 404."""
    ensure_role(user, *SURVEY_READERS)
    queryset = problems_with_sources().select_related("summary__questionnaire__plan")
    return get_object_or_404(queryset, pk=pk)


def summary_of(questionnaire: Questionnaire) -> ResultSummary | None:
    """The questionnaire's summary, if it has one."""
    return ResultSummary.objects.filter(questionnaire=questionnaire).first()


def problem_question_choices(questionnaire: Questionnaire) -> QuerySet[Question]:
    """The questions a problem can point at, in the customer's order."""
    return Question.objects.filter(section__questionnaire=questionnaire).order_by(
        "section__position", "section_id", "position", "pk"
    )


def problem_answer_choices(questionnaire: Questionnaire) -> QuerySet[Answer]:
    """The free-text answers a problem can quote, newest first, with their question and response."""
    return free_text_answers(questionnaire)


# A campaign may bring thousands of comments: the problem form lists a page of them, found by a search.
PROBLEM_ANSWERS_SHOWN = 100


def problem_answers_shown(questionnaire: Questionnaire, *, search: str, chosen: list[str]) -> QuerySet[Answer]:
    """The comments the problem form lists: those already ticked, and the newest PROBLEM_ANSWERS_SHOWN that
    match `search`. `chosen` may hold anything posted; only ids are kept."""
    chosen_ids = [int(value) for value in chosen if str(value).isdigit()]
    newest = free_text_answers(questionnaire, search=search).values("pk")[:PROBLEM_ANSWERS_SHOWN]
    return free_text_answers(questionnaire).filter(Q(pk__in=chosen_ids) | Q(pk__in=newest))


def summary_actions(user, summary: ResultSummary) -> SummaryActions:
    """The buttons a user sees on a summary's page; the services enforce the same rules."""
    archived = summary.questionnaire.plan.status == SurveyPlan.Status.ARCHIVED
    editable = not archived and summary.is_editable and can_edit_summary(user, summary)
    return SummaryActions(
        edit=editable,
        submit=editable and bool(summary.summary.strip()),
        decide=not archived
        and has_role(user, *DECIDERS)
        and summary.status == ResultSummary.Status.SUBMITTED
        and summary.submitted_by_id != user.pk,
        add_to_library=summary.status == ResultSummary.Status.APPROVED and has_role(user, *PAIN_POINT_EDITORS),
    )


def can_create_summary(user, questionnaire: Questionnaire) -> bool:
    """Whether the questionnaire page offers to start its summary."""
    return (
        has_role(user, *SUMMARY_AUTHORS)
        and questionnaire.status == Questionnaire.Status.APPROVED
        and questionnaire.plan.status != SurveyPlan.Status.ARCHIVED
    )


def problems_in_library(summary: ResultSummary) -> dict[int, object]:
    """{problem id: the library entry holding it} for the summary's problems already in the library (one query)."""
    sources = PainPointSource.objects.filter(problem__summary=summary).select_related("pain_point")
    return {source.problem_id: source.pain_point for source in sources}


@dataclass(frozen=True)
class ProblemRow:
    problem: SummaryProblem
    pain_point: object


def problem_rows(summary: ResultSummary) -> list[ProblemRow]:
    """The summary's problems (from get_summary_for), major first, each with its library entry if any."""
    library = problems_in_library(summary)
    return [ProblemRow(problem, library.get(problem.pk)) for problem in summary.problem_list]


def summary_figures(summary: ResultSummary):
    """The questionnaire's key figures and per-question statistics (surveys.selectors.results), without charts."""
    return questionnaire_results(summary.questionnaire, with_charts=False)


def summaries_awaiting_decision(user) -> list[PendingApproval]:
    """Submitted summaries for a director to decide, not their own (approvals inbox)."""
    if not has_role(user, *DECIDERS):
        return []
    summaries = (
        ResultSummary.objects.filter(status=ResultSummary.Status.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("questionnaire", "submitted_by")
    )
    return [
        PendingApproval(
            kind=str(ResultSummary._meta.verbose_name),
            title=str(summary.questionnaire),
            url=summary.get_absolute_url(),
            submitted_by=str(summary.submitted_by),
            submitted_at=summary.submitted_at,
        )
        for summary in summaries
    ]
