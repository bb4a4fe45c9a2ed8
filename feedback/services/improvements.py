"""Improvement plans (客户满意度改进方案): drafted by the general manager, detailed by the supervisor into actions
(改进实施方案), carried out by the actions' owners and reviewed periodically (改进方案实施情况表)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import outbox, workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import ensure_role
from feedback.models import ActionProgress, ImprovementAction, ImprovementPlan, ImprovementReview
from feedback.period_figures import actions_on_time
from feedback.permissions import IMPROVEMENT_DETAILERS, IMPROVEMENT_DRAFTERS
from surveys.models import PainPoint, SurveyReport


class ImprovementError(DomainError):
    """An improvement plan or action change the rules do not allow; the message says why."""


def ensure_sources(report: SurveyReport | None, cases, pain_points) -> None:
    """A plan answers something found: an approved report, complaints or pain points (DOMAIN §4)."""
    if report is None and not cases and not pain_points:
        raise ImprovementError(_("Name what the plan answers: an approved report, cases or pain points."))
    if report is not None and report.status != SurveyReport.Status.APPROVED:
        raise ImprovementError(_("Only a report the director approved can start an improvement plan."))
    if any(pain_point.merged_into_id for pain_point in pain_points):
        raise ImprovementError(_("A merged pain point is a duplicate: choose the entry it was merged into."))


def describe_sources(report, cases, pain_points) -> str:
    parts = [str(report)] if report else []
    parts += [case.number for case in cases]
    parts += [str(pain_point) for pain_point in pain_points]
    return "; ".join(parts)


def ensure_drafter(actor: User, plan: ImprovementPlan) -> None:
    """The general manager changes a plan only while it is a draft."""
    ensure_role(actor, *IMPROVEMENT_DRAFTERS)
    if plan.status != ImprovementPlan.Status.DRAFT:
        raise ImprovementError(
            _("The plan is “%(status)s”; it can be changed only as a draft.") % {"status": plan.get_status_display()}
        )


@transaction.atomic
def draft_improvement_plan(
    *,
    actor: User,
    title: str,
    goal: str,
    report: SurveyReport | None = None,
    cases=(),
    pain_points=(),
) -> ImprovementPlan:
    """The general manager drafts an improvement plan from an approved report, cases and/or pain points.

    Raises PermissionDenied for other roles, ImprovementError without a source or for an unapproved report.
    """
    ensure_role(actor, *IMPROVEMENT_DRAFTERS)
    cases, pain_points = list(cases), list(pain_points)
    ensure_sources(report, cases, pain_points)
    plan = ImprovementPlan.objects.create(title=title, goal=goal, report=report, drafted_by=actor)
    plan.cases.set(cases)
    plan.pain_points.set(pain_points)
    workflow.record(
        plan, actor=actor, action=TimelineEntry.Action.CREATED, comment=describe_sources(report, cases, pain_points)
    )
    return plan


@transaction.atomic
def update_improvement_plan(
    *, plan_id: int, actor: User, title: str, goal: str, report=None, cases=(), pain_points=()
) -> ImprovementPlan:
    """The general manager changes a draft plan and its sources."""
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_drafter(actor, plan)
    cases, pain_points = list(cases), list(pain_points)
    ensure_sources(report, cases, pain_points)
    plan.title, plan.goal, plan.report = title, goal, report
    plan.save(update_fields=["title", "goal", "report", "updated_at"])
    plan.cases.set(cases)
    plan.pain_points.set(pain_points)
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED)
    return plan


@transaction.atomic
def send_for_detailing(*, plan_id: int, actor: User, comment: str = "") -> ImprovementPlan:
    """The general manager hands the draft to the supervisor, who details it into actions."""
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_role(actor, *IMPROVEMENT_DRAFTERS)
    return workflow.transition(plan, to=ImprovementPlan.Status.DETAILING, actor=actor, comment=comment)


def ensure_detailer(actor: User, plan: ImprovementPlan) -> None:
    """The supervisor or the director works on the implementation plan while it is detailed or carried out."""
    ensure_role(actor, *IMPROVEMENT_DETAILERS)
    if plan.status not in (ImprovementPlan.Status.DETAILING, ImprovementPlan.Status.IN_PROGRESS):
        raise ImprovementError(
            _("The plan is “%(status)s”; actions are added while it is being detailed or in progress.")
            % {"status": plan.get_status_display()}
        )


def validate_due_date(due_date: datetime.date, *, action=None) -> None:
    # A new action cannot be due in the past: it would count as overdue before anyone could do it.
    unchanged = action is not None and action.due_date == due_date
    if not unchanged and due_date < timezone.localdate():
        raise ImprovementError(_("The due date cannot be in the past."))


@transaction.atomic
def add_improvement_action(
    *,
    plan_id: int,
    actor: User,
    description: str,
    owner: User,
    due_date: datetime.date,
    expected_effect: str = "",
) -> ImprovementAction:
    """The supervisor or director adds an action (owner, due date, expected effect) to the implementation plan.

    Raises PermissionDenied for other roles, ImprovementError unless the plan is being detailed or in progress.
    """
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_detailer(actor, plan)
    validate_due_date(due_date)
    if not owner.is_active:
        raise ImprovementError(_("The owner's account is disabled: choose someone who can do the work."))
    action = ImprovementAction.objects.create(
        plan=plan, description=description, owner=owner, due_date=due_date, expected_effect=expected_effect
    )
    tell_owner_if_someone_else(action, actor)
    comment = _("Action added: %(action)s (%(owner)s, due %(due)s)") % {
        "action": action,
        "owner": owner,
        "due": due_date.isoformat(),
    }
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return action


@transaction.atomic
def update_improvement_action(
    *,
    action_id: int,
    actor: User,
    description: str,
    owner: User,
    due_date: datetime.date,
    expected_effect: str = "",
) -> ImprovementAction:
    """The supervisor or director re-words, reassigns or re-dates an action not yet done."""
    action = workflow.lock(ImprovementAction, action_id)
    plan = workflow.lock(ImprovementPlan, action.plan_id)
    ensure_detailer(actor, plan)
    if action.is_done:
        raise ImprovementError(_("This action is done; it can no longer be changed."))
    validate_due_date(due_date, action=action)
    changes = []
    if action.due_date != due_date:
        changes.append(_("due %(old)s → %(new)s") % {"old": action.due_date.isoformat(), "new": due_date.isoformat()})
    reassigned = action.owner_id != owner.pk
    if reassigned:
        changes.append(_("owner %(old)s → %(new)s") % {"old": action.owner, "new": owner})
    action.description, action.owner, action.due_date = description, owner, due_date
    action.expected_effect = expected_effect
    action.save(update_fields=["description", "owner", "due_date", "expected_effect"])
    if reassigned:
        tell_owner_if_someone_else(action, actor)
    comment = _("Action changed: %(action)s") % {"action": action}
    if changes:
        comment = f"{comment} ({', '.join(changes)})"
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return action


ACTION_ASSIGNED_EMAIL = "feedback/emails/action_assigned"


def tell_owner_if_someone_else(action: ImprovementAction, actor: User) -> None:
    """Owners are often outside the department: an action given to them is e-mailed (after the commit)."""
    if action.owner_id == actor.pk:
        return
    plan = action.plan
    context = {"action": action, "plan": plan, "url": plan.get_absolute_url()}
    outbox.email_users(ACTION_ASSIGNED_EMAIL, [action.owner], about=plan, context=context)


@transaction.atomic
def start_implementation(*, plan_id: int, actor: User, comment: str = "") -> ImprovementPlan:
    """The supervisor or director puts the detailed plan into effect; its pain points become “being improved”.

    Raises ImprovementError for a plan without actions.
    """
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_role(actor, *IMPROVEMENT_DETAILERS)
    if not plan.actions.exists():
        raise ImprovementError(_("Add at least one action before putting the plan into effect."))
    workflow.transition(plan, to=ImprovementPlan.Status.IN_PROGRESS, actor=actor, comment=comment)
    plan.detailed_by = actor
    plan.save(update_fields=["detailed_by", "updated_at"])
    mark_pain_points_improving(plan, actor)
    return plan


def mark_pain_points_improving(plan: ImprovementPlan, actor: User) -> None:
    """Close the loop with the pain-point library: an open need this plan answers is now being improved."""
    from surveys.services.pain_points import change_pain_point_status

    open_entries = plan.pain_points.filter(status=PainPoint.Status.OPEN, merged_into=None).values_list("pk", flat=True)
    for pain_point_id in open_entries:
        change_pain_point_status(
            pain_point_id=pain_point_id,
            actor=actor,
            status=PainPoint.Status.IMPROVING,
            comment=_("Improvement plan “%(plan)s” put into effect.") % {"plan": plan},
        )


def ensure_action_owner(actor: User, action: ImprovementAction, plan: ImprovementPlan) -> None:
    """Only the action's owner reports on it, and only while the plan is in progress."""
    if action.owner_id != actor.pk:
        raise PermissionDenied(_("Only the action's owner may report progress on it."))
    if plan.status != ImprovementPlan.Status.IN_PROGRESS:
        raise ImprovementError(
            _("The plan is “%(status)s”; progress is reported while it is in progress.")
            % {"status": plan.get_status_display()}
        )


@transaction.atomic
def add_action_progress(*, action_id: int, actor: User, note: str, files=()) -> ActionProgress:
    """The action's owner writes a progress note, with evidence files (stored through the attachment service).

    Raises PermissionDenied for anyone but the owner, ImprovementError unless the plan is in progress.
    """
    from feedback.services.attachments import add_attachment

    action = workflow.lock(ImprovementAction, action_id)
    plan = action.plan
    ensure_action_owner(actor, action, plan)
    if not note.strip():
        raise ImprovementError(_("Write what was done."))
    progress = ActionProgress.objects.create(action=action, note=note, written_by=actor)
    for file in files:
        add_attachment(actor=actor, file=file, progress=progress)
    comment = _("Progress on “%(action)s”: %(note)s") % {"action": action, "note": note}
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return progress


@transaction.atomic
def complete_improvement_action(
    *, action_id: int, actor: User, done_on: datetime.date | None = None, note: str = ""
) -> ImprovementAction:
    """The action's owner marks it done (on time when done on or before its due date).

    Raises PermissionDenied for anyone but the owner, ImprovementError for an action done twice or a date
    in the future.
    """
    action = workflow.lock(ImprovementAction, action_id)
    plan = action.plan
    ensure_action_owner(actor, action, plan)
    if action.is_done:
        raise ImprovementError(_("This action is already done."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ImprovementError(_("An action cannot be done in the future."))
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    if note.strip():
        ActionProgress.objects.create(action=action, note=note, written_by=actor)
    comment = _("Action done on %(date)s: %(action)s") % {"date": done_on.isoformat(), "action": action}
    if not action.is_on_time:
        comment = f"{comment} ({_('late')})"
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return action


@transaction.atomic
def record_improvement_review(
    *,
    plan_id: int,
    actor: User,
    period_start: datetime.date,
    period_end: datetime.date,
    findings: str,
    verdict: str,
) -> ImprovementReview:
    """The supervisor or director reviews the plan's implementation over a period (改进方案实施情况表).

    Stores the share of the plan's actions due in the period that were done on time (None when none was due).
    Raises ImprovementError before the plan is in effect, or for a period that ends before it starts or in the
    future.
    """
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_role(actor, *IMPROVEMENT_DETAILERS)
    if plan.status not in (ImprovementPlan.Status.IN_PROGRESS, ImprovementPlan.Status.CLOSED):
        raise ImprovementError(_("A plan is reviewed once it is in effect."))
    if period_end < period_start:
        raise ImprovementError(_("The period must end after it starts."))
    if period_start > timezone.localdate():
        raise ImprovementError(_("A review covers a period that has started."))
    on_time = actions_on_time(ImprovementAction.objects.filter(plan=plan), period_start, period_end)
    review = ImprovementReview.objects.create(
        plan=plan,
        period_start=period_start,
        period_end=period_end,
        findings=findings,
        verdict=verdict,
        on_time_rate=on_time.value,
        reviewed_by=actor,
    )
    comment = _("Review %(start)s – %(end)s: %(verdict)s") % {
        "start": period_start.isoformat(),
        "end": period_end.isoformat(),
        "verdict": review.get_verdict_display(),
    }
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return review


@transaction.atomic
def close_improvement_plan(*, plan_id: int, actor: User, comment: str = "") -> ImprovementPlan:
    """The supervisor or director closes a plan whose actions are all done and which has been reviewed."""
    plan = workflow.lock(ImprovementPlan, plan_id)
    ensure_role(actor, *IMPROVEMENT_DETAILERS)
    if plan.actions.filter(done_on=None).exists():
        raise ImprovementError(_("Some actions are not done yet; the plan cannot be closed."))
    if not plan.reviews.exists():
        raise ImprovementError(_("Review the plan's implementation before closing it."))
    return workflow.transition(plan, to=ImprovementPlan.Status.CLOSED, actor=actor, comment=comment)
