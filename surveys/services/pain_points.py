"""The customer pain-point library (客户需求痛点库): entries, their sources, status and merges."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import Role, TimelineEntry, User
from cxcenter.roles import ensure_role
from surveys.models import Answer, PainPoint, PainPointSource, ResultSummary, SummaryProblem

# Specialists keep the library while collecting feedback (DOMAIN §1 node 6); the supervisor and director too.
PAIN_POINT_EDITORS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR)


class PainPointError(DomainError):
    """A library change the rules do not allow; the message says why."""


def ensure_not_merged(pain_point: PainPoint) -> None:
    """A merged entry is read-only: its sources and count live on in the entry it was merged into."""
    if pain_point.is_merged:
        message = _("This entry was merged into “%(target)s”; change that entry instead.")
        raise PainPointError(message % {"target": pain_point.merged_into})


def checked_problem(problem_id: int) -> SummaryProblem:
    """A problem of an approved result summary; PainPointError for a summary still under work."""
    problem = SummaryProblem.objects.select_related("summary").get(pk=problem_id)
    if problem.summary.status != ResultSummary.Status.APPROVED:
        raise PainPointError(_("Problems enter the library once the director has approved their summary."))
    return problem


def describe_source(source: PainPointSource) -> str:
    if source.answer_id:
        return _("answer to “%(question)s”: %(text)s") % {
            "question": source.answer.question.text,
            "text": source.answer.text[:200],
        }
    if source.problem_id:
        return _("problem of the result summary: %(problem)s") % {"problem": source.problem.description}
    return source.note or _("entered by hand")


def attach_source(
    pain_point: PainPoint, *, actor: User, answer_id: int | None, problem_id: int | None, note: str
) -> PainPointSource:
    """Store one source of a locked entry, refusing an answer or problem already in the library."""
    answer = Answer.objects.select_related("question").get(pk=answer_id) if answer_id else None
    problem = checked_problem(problem_id) if problem_id else None
    if answer and problem:
        raise PainPointError(_("A source is either an answer or a problem, not both."))
    if answer or problem:
        same = {"answer": answer} if answer else {"problem": problem}
        already = PainPointSource.objects.select_related("pain_point").filter(**same).first()
        if already:
            raise already_in_library(already.pain_point)
    try:
        # The unique constraints settle a race between two people adding the same answer at once.
        with transaction.atomic():
            source = PainPointSource.objects.create(
                pain_point=pain_point, answer=answer, problem=problem, note=note, added_by=actor
            )
    except IntegrityError:
        raise already_in_library(None) from None
    return source


def already_in_library(pain_point: PainPoint | None) -> PainPointError:
    if pain_point is None:
        return PainPointError(_("This source is already in the pain-point library."))
    return PainPointError(
        _("This source is already in the pain-point library, under “%(entry)s”.") % {"entry": pain_point}
    )


@transaction.atomic
def create_pain_point(
    *,
    actor: User,
    category: str,
    description: str,
    severity: str = PainPoint.Severity.MEDIUM,
    answer_id: int | None = None,
    problem_id: int | None = None,
    note: str = "",
) -> PainPoint:
    """Open a library entry with its first source: a free-text answer, a summary problem or a note.

    Specialists, supervisors and directors. Raises PermissionDenied for other roles, PainPointError for a
    source already in the library or one that cannot be a source.
    """
    ensure_role(actor, *PAIN_POINT_EDITORS)
    pain_point = PainPoint.objects.create(
        category=category, description=description, severity=severity, frequency=1, created_by=actor
    )
    source = attach_source(pain_point, actor=actor, answer_id=answer_id, problem_id=problem_id, note=note)
    workflow.record(pain_point, actor=actor, action=TimelineEntry.Action.CREATED, comment=describe_source(source))
    return pain_point


@transaction.atomic
def add_pain_point_source(
    *, pain_point_id: int, actor: User, answer_id: int | None = None, problem_id: int | None = None, note: str = ""
) -> PainPointSource:
    """Record that the need was met once more: a further source, and the frequency goes up by one.

    Same roles and errors as create_pain_point; PainPointError for a merged entry.
    """
    ensure_role(actor, *PAIN_POINT_EDITORS)
    pain_point = workflow.lock(PainPoint, pain_point_id)
    ensure_not_merged(pain_point)
    source = attach_source(pain_point, actor=actor, answer_id=answer_id, problem_id=problem_id, note=note)
    PainPoint.objects.filter(pk=pain_point.pk).update(frequency=F("frequency") + 1)
    workflow.record(
        pain_point,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Source added: %(source)s") % {"source": describe_source(source)},
    )
    return source


@transaction.atomic
def update_pain_point(*, pain_point_id: int, actor: User, category: str, description: str, severity: str) -> PainPoint:
    """Reword or reclassify an entry; same roles as create_pain_point, PainPointError for a merged entry."""
    ensure_role(actor, *PAIN_POINT_EDITORS)
    pain_point = workflow.lock(PainPoint, pain_point_id)
    ensure_not_merged(pain_point)
    pain_point.category, pain_point.description, pain_point.severity = category, description, severity
    pain_point.save(update_fields=["category", "description", "severity", "updated_at"])
    workflow.record(pain_point, actor=actor, action=TimelineEntry.Action.UPDATED)
    return pain_point


@transaction.atomic
def change_pain_point_status(*, pain_point_id: int, actor: User, status: str, comment: str = "") -> PainPoint:
    """Move an entry along open → being improved → solved (or open it again), on its timeline.

    Same roles as create_pain_point; PainPointError for a merged entry, InvalidTransition for a move the
    table does not allow.
    """
    ensure_role(actor, *PAIN_POINT_EDITORS)
    pain_point = workflow.lock(PainPoint, pain_point_id)
    ensure_not_merged(pain_point)
    return workflow.transition(pain_point, to=status, actor=actor, comment=comment)


@transaction.atomic
def merge_pain_points(*, source_id: int, target_id: int, actor: User, comment: str = "") -> PainPoint:
    """Merge a duplicate entry into another: its sources and frequency move over, it stays as "merged into".

    Both rows are locked (in id order, so two opposite merges cannot deadlock). Entries merged earlier into
    the duplicate now point at the target. Same roles as create_pain_point; PainPointError for an entry
    merged into itself or into or from an entry already merged. Returns the target.
    """
    ensure_role(actor, *PAIN_POINT_EDITORS)
    if source_id == target_id:
        raise PainPointError(_("An entry cannot be merged into itself."))
    locked = PainPoint.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk")
    rows = {row.pk: row for row in locked}
    if len(rows) != 2:
        raise PainPoint.DoesNotExist
    duplicate, target = rows[source_id], rows[target_id]
    ensure_not_merged(duplicate)
    if target.is_merged:
        raise PainPointError(
            _("“%(target)s” was itself merged into another entry; merge into that one.") % {"target": target}
        )
    moved = PainPointSource.objects.filter(pain_point=duplicate).update(pain_point=target)
    PainPoint.objects.filter(merged_into=duplicate).update(merged_into=target)
    target.frequency += duplicate.frequency
    target.save(update_fields=["frequency", "updated_at"])
    duplicate.merged_into = target
    duplicate.save(update_fields=["merged_into", "updated_at"])
    values = {"duplicate": duplicate, "target": target, "count": duplicate.frequency, "sources": moved}
    workflow.record(
        duplicate,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=join_comment(_("Merged into “%(target)s”.") % values, comment),
    )
    workflow.record(
        target,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=join_comment(
            _("“%(duplicate)s” merged in: frequency +%(count)s, %(sources)s sources moved.") % values, comment
        ),
    )
    return target


def join_comment(text: str, comment: str) -> str:
    return f"{text}\n{comment.strip()}" if comment.strip() else text
