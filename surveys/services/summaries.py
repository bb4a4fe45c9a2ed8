"""Result summary tables (客户体验结果汇总表): every write and state change of a summary and its problems."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cxcenter import notifications, workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import ensure_role, has_role
from surveys.models import Answer, Question, Questionnaire, ResultSummary, SummaryProblem, SurveyPlan
from surveys.permissions import DECIDERS, SUMMARY_AUTHORS, can_edit_summary, ensure_plan_not_archived

# Summaries are drafted by those who draft plans and questionnaires (DOMAIN §3).


class SummaryError(DomainError):
    """A summary change the rules do not allow; the message says why."""


def plan_of(summary: ResultSummary) -> SurveyPlan:
    return SurveyPlan.objects.get(questionnaires__pk=summary.questionnaire_id)


def ensure_can_edit_summary(actor: User, summary: ResultSummary) -> None:
    """Only the author or a director changes a summary, only as a draft or returned, never once archived.

    Raises PermissionDenied for anyone else and for an archived plan, SummaryError for a submitted or
    approved summary.
    """
    if not can_edit_summary(actor, summary):
        raise PermissionDenied(_("Only the summary's author or the director may change it."))
    ensure_plan_not_archived(plan_of(summary))
    if not summary.is_editable:
        raise SummaryError(
            _("The summary is “%(status)s”; it can be changed only as a draft or after it was returned.")
            % {"status": summary.get_status_display()}
        )


def ensure_can_decide_summary(actor: User, summary: ResultSummary) -> None:
    """Only a director decides, never on their own submission, never on archived material (PermissionDenied)."""
    if not has_role(actor, *DECIDERS):
        raise PermissionDenied(_("Only the CX director decides on result summaries."))
    workflow.ensure_not_submitter(actor, summary)
    ensure_plan_not_archived(plan_of(summary))


@transaction.atomic
def create_summary(*, questionnaire_id: int, actor: User, summary: str = "") -> ResultSummary:
    """Start the result summary of an approved questionnaire; supervisors and directors.

    Raises PermissionDenied for other roles or an archived plan, SummaryError for a questionnaire not
    approved or one that already has its summary.
    """
    ensure_role(actor, *SUMMARY_AUTHORS)
    questionnaire = Questionnaire.objects.select_related("plan").get(pk=questionnaire_id)
    ensure_plan_not_archived(questionnaire.plan)
    if questionnaire.status != Questionnaire.Status.APPROVED:
        raise SummaryError(_("Only an approved questionnaire has results to summarise."))
    try:
        # The one-to-one column refuses a second summary even when two people create one at the same time.
        with transaction.atomic():
            result = ResultSummary.objects.create(questionnaire=questionnaire, summary=summary, created_by=actor)
    except IntegrityError:
        raise SummaryError(_("This questionnaire already has its result summary.")) from None
    workflow.record(result, actor=actor, action=TimelineEntry.Action.CREATED)
    return result


@transaction.atomic
def update_summary(*, summary_id: int, actor: User, summary: str) -> ResultSummary:
    """Change the summary column of a draft or returned summary; same rules as ensure_can_edit_summary."""
    result = workflow.lock(ResultSummary, summary_id)
    ensure_can_edit_summary(actor, result)
    result.summary = summary
    result.save(update_fields=["summary", "updated_at"])
    workflow.record(result, actor=actor, action=TimelineEntry.Action.UPDATED)
    return result


def checked_sources(summary: ResultSummary, questions, answers) -> tuple[list, list]:
    """The questions and free-text answers behind a problem, refused unless they belong to the summary's
    questionnaire (the summary quotes what its customers wrote)."""
    question_ids = {question.pk for question in questions}
    answer_ids = {answer.pk for answer in answers}
    own_questions = Question.objects.filter(pk__in=question_ids, section__questionnaire_id=summary.questionnaire_id)
    own_answers = Answer.objects.filter(pk__in=answer_ids, response__questionnaire_id=summary.questionnaire_id)
    questions, answers = list(own_questions), list(own_answers)
    if len(questions) != len(question_ids) or len(answers) != len(answer_ids):
        raise SummaryError(_("A problem can point only at questions and free-text answers of this questionnaire."))
    return questions, answers


def describe_problem(problem: SummaryProblem) -> str:
    return _("%(severity)s: %(description)s") % {
        "severity": problem.get_severity_display(),
        "description": problem.description,
    }


@transaction.atomic
def add_problem(
    *, summary_id: int, actor: User, severity: str, description: str, questions=(), answers=()
) -> SummaryProblem:
    """Classify a problem found as major or minor (主要/次要问题), with the questions and answers behind it.

    Same rules as ensure_can_edit_summary; SummaryError for questions or answers of another questionnaire.
    """
    summary = workflow.lock(ResultSummary, summary_id)
    ensure_can_edit_summary(actor, summary)
    questions, answers = checked_sources(summary, questions, answers)
    problem = SummaryProblem.objects.create(summary=summary, severity=severity, description=description)
    problem.questions.set(questions)
    problem.answers.set(answers)
    comment = _("Problem added: %(problem)s") % {"problem": describe_problem(problem)}
    workflow.record(summary, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return problem


def lock_problem(problem_id: int) -> SummaryProblem:
    """The problem with its summary locked first, so edits never race a submission of the same summary."""
    summary_id = SummaryProblem.objects.values_list("summary_id", flat=True).get(pk=problem_id)
    summary = workflow.lock(ResultSummary, summary_id)
    problem = SummaryProblem.objects.select_for_update().get(pk=problem_id, summary=summary)
    problem.summary = summary
    return problem


@transaction.atomic
def update_problem(
    *, problem_id: int, actor: User, severity: str, description: str, questions=(), answers=()
) -> SummaryProblem:
    """Change a problem of a draft or returned summary; same rules as add_problem."""
    problem = lock_problem(problem_id)
    summary = problem.summary
    ensure_can_edit_summary(actor, summary)
    questions, answers = checked_sources(summary, questions, answers)
    problem.severity, problem.description = severity, description
    problem.save(update_fields=["severity", "description"])
    problem.questions.set(questions)
    problem.answers.set(answers)
    comment = _("Problem changed: %(problem)s") % {"problem": describe_problem(problem)}
    workflow.record(summary, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return problem


@transaction.atomic
def remove_problem(*, problem_id: int, actor: User) -> ResultSummary:
    """Remove a problem from a draft or returned summary; the removal stays on the summary's timeline."""
    problem = lock_problem(problem_id)
    summary = problem.summary
    ensure_can_edit_summary(actor, summary)
    comment = _("Problem removed: %(problem)s") % {"problem": describe_problem(problem)}
    problem.delete()
    workflow.record(summary, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return summary


@transaction.atomic
def submit_summary(*, summary_id: int, actor: User) -> ResultSummary:
    """Send a draft or returned summary to the director for review; the author or a director.

    Raises PermissionDenied, SummaryError for a summary without its summary text or not editable.
    """
    summary = workflow.lock(ResultSummary, summary_id)
    ensure_can_edit_summary(actor, summary)
    if not summary.summary.strip():
        raise SummaryError(_("Write the summary before submitting it to the director."))
    workflow.transition(summary, to=ResultSummary.Status.SUBMITTED, actor=actor)
    notifications.notify_submitted(summary)
    return summary


@transaction.atomic
def approve_summary(*, summary_id: int, actor: User, comment: str = "") -> ResultSummary:
    """Director approves a submitted result summary.

    Raises PermissionDenied for a non-director, the summary's submitter or an archived plan,
    InvalidTransition unless the summary is submitted.
    """
    summary = workflow.lock(ResultSummary, summary_id)
    ensure_can_decide_summary(actor, summary)
    workflow.transition(summary, to=ResultSummary.Status.APPROVED, actor=actor, comment=comment)
    notifications.notify_decided(summary)
    return summary


@transaction.atomic
def return_summary(*, summary_id: int, actor: User, comment: str) -> ResultSummary:
    """Director returns a submitted summary with a comment saying what to change.

    Raises PermissionDenied as approve_summary, SummaryError without a comment,
    InvalidTransition unless the summary is submitted.
    """
    summary = workflow.lock(ResultSummary, summary_id)
    ensure_can_decide_summary(actor, summary)
    if not comment.strip():
        raise SummaryError(_("Say what to change: returning a summary needs a comment."))
    workflow.transition(summary, to=ResultSummary.Status.RETURNED, actor=actor, comment=comment, comment_required=True)
    notifications.notify_decided(summary)
    return summary
