"""Survey plans (调研计划) and their ten nodes: every write and state change."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import notifications, workflow
from cxcenter.errors import DomainError
from cxcenter.models import Role, TimelineEntry, User
from cxcenter.roles import ensure_role, has_role
from surveys.models import PlanMilestone, SurveyBudget, SurveyPlan
from surveys.permissions import DECIDERS, MILESTONE_WORKERS, PLAN_AUTHORS, can_edit_plan, ensure_plan_not_archived
from surveys.services.costs import refresh_cost_per_respondent

# Where each node's due date falls within the plan's period (0 = start, 1 = end); the report
# and the archive follow the period, on the report due date.
NODE_SCHEDULE = {
    PlanMilestone.Node.GOAL: 0.0,
    PlanMilestone.Node.PLAN: 0.05,
    PlanMilestone.Node.SCHEDULE: 0.1,
    PlanMilestone.Node.BUDGET: 0.1,
    PlanMilestone.Node.METHOD: 0.15,
    PlanMilestone.Node.COLLECT: 0.6,
    PlanMilestone.Node.SCREEN: 0.75,
    PlanMilestone.Node.ANALYSE: 1.0,
}
SPECIALIST_NODES = {PlanMilestone.Node.COLLECT, PlanMilestone.Node.SCREEN, PlanMilestone.Node.ARCHIVE}


class PlanError(DomainError):
    """A plan or milestone change the rules do not allow; the message says why."""


def ensure_can_edit_plan(actor: User, plan: SurveyPlan) -> None:
    """The owner or a plan author may change a plan, and only while it is a draft or returned; never once archived."""
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_plan_not_archived(plan)
    if not can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the plan's owner may change it."))
    if not plan.is_editable:
        raise PlanError(
            _("The plan is “%(status)s”; it can be changed only as a draft or after it was returned.")
            % {"status": plan.get_status_display()}
        )


def milestone_due_dates(start: datetime.date, end: datetime.date, report_due: datetime.date) -> dict:
    """Spread the ten nodes over the plan's period."""
    days = (end - start).days
    dates = {node: start + datetime.timedelta(days=round(days * share)) for node, share in NODE_SCHEDULE.items()}
    dates[PlanMilestone.Node.REPORT] = report_due
    dates[PlanMilestone.Node.ARCHIVE] = report_due + datetime.timedelta(days=14)
    return dates


@transaction.atomic
def create_plan(*, actor: User, staff=(), **fields) -> SurveyPlan:
    """Draft a survey plan with its ten milestones and an empty budget. Plan authors only."""
    ensure_role(actor, *PLAN_AUTHORS)
    validate_dates(fields["period_start"], fields["period_end"], fields["report_due"])
    plan = SurveyPlan.objects.create(created_by=actor, **fields)
    plan.staff.set(staff)
    specialists = [user for user in staff if has_role(user, Role.SPECIALIST)]
    dates = milestone_due_dates(plan.period_start, plan.period_end, plan.report_due)
    PlanMilestone.objects.bulk_create(
        PlanMilestone(
            plan=plan,
            node=node,
            owner=specialists[0] if specialists and node in SPECIALIST_NODES else plan.owner,
            due_date=dates[node],
        )
        for node in PlanMilestone.Node
    )
    SurveyBudget.objects.create(plan=plan)
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.CREATED)
    return plan


@transaction.atomic
def update_plan(*, plan_id: int, actor: User, staff=None, **fields) -> SurveyPlan:
    """Change a draft or returned plan. Raises PermissionDenied or PlanError otherwise."""
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_can_edit_plan(actor, plan)
    validate_dates(
        fields.get("period_start", plan.period_start),
        fields.get("period_end", plan.period_end),
        fields.get("report_due", plan.report_due),
    )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()
    if staff is not None:
        plan.staff.set(staff)
    workflow.record(plan, actor=actor, action=TimelineEntry.Action.UPDATED)
    return plan


def validate_dates(start, end, report_due) -> None:
    if end < start:
        raise PlanError(_("The period must end after it starts."))
    if report_due < start:
        raise PlanError(_("The report cannot be due before the period starts."))


@transaction.atomic
def submit_plan(*, plan_id: int, actor: User) -> SurveyPlan:
    """Send a draft or returned plan to the director (节点 2: director approves). Owner or director."""
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_can_edit_plan(actor, plan)
    workflow.transition(plan, to=SurveyPlan.Status.SUBMITTED, actor=actor)
    notifications.notify_submitted(plan)
    return plan


@transaction.atomic
def approve_plan(*, plan_id: int, actor: User, comment: str = "") -> SurveyPlan:
    """Director approves a submitted survey plan; node 2 (draft the plan) is then done.

    Raises PermissionDenied for the plan's submitter or a non-director,
    InvalidTransition unless the plan is submitted.
    """
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_role(actor, *DECIDERS)
    ensure_plan_not_archived(plan)
    workflow.ensure_not_submitter(actor, plan)
    workflow.transition(plan, to=SurveyPlan.Status.APPROVED, actor=actor, comment=comment)
    mark_node_done(plan_id=plan.pk, node=PlanMilestone.Node.PLAN, actor=actor, note=comment)
    notifications.notify_decided(plan)
    return plan


@transaction.atomic
def return_plan(*, plan_id: int, actor: User, comment: str) -> SurveyPlan:
    """Director returns a submitted plan with a comment saying what to change."""
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_role(actor, *DECIDERS)
    ensure_plan_not_archived(plan)
    workflow.ensure_not_submitter(actor, plan)
    workflow.transition(plan, to=SurveyPlan.Status.RETURNED, actor=actor, comment=comment, comment_required=True)
    notifications.notify_decided(plan)
    return plan


@transaction.atomic
def start_plan(*, plan_id: int, actor: User) -> SurveyPlan:
    """The owner starts the fieldwork of an approved plan."""
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_owner_or_director(actor, plan)
    return workflow.transition(plan, to=SurveyPlan.Status.IN_PROGRESS, actor=actor)


@transaction.atomic
def complete_plan(*, plan_id: int, actor: User, comment: str = "") -> SurveyPlan:
    """The owner declares a plan in progress completed; its cost per respondent is worked out again."""
    plan = workflow.lock(SurveyPlan, plan_id)
    ensure_owner_or_director(actor, plan)
    workflow.transition(plan, to=SurveyPlan.Status.COMPLETED, actor=actor, comment=comment)
    plan.cost_per_respondent = refresh_cost_per_respondent(plan_id=plan.pk)
    return plan


def ensure_owner_or_director(actor: User, plan: SurveyPlan) -> None:
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_plan_not_archived(plan)
    if plan.owner_id != actor.pk and not has_role(actor, Role.DIRECTOR):
        raise PermissionDenied(_("Only the plan's owner or the director may do this."))


def mark_node_done(*, plan_id: int, node: int, actor: User, note: str = "") -> None:
    """Stamp a node done as a side effect of a decision, unless it already is."""
    PlanMilestone.objects.filter(plan_id=plan_id, node=node, done_on=None).update(
        done_on=timezone.localdate(), done_by=actor, note=note
    )


@transaction.atomic
def reschedule_milestone(*, milestone_id: int, actor: User, due_date: datetime.date, owner: User) -> PlanMilestone:
    """Re-date or reassign a node. The plan's owner or the director, until the plan is archived."""
    milestone = workflow.lock(PlanMilestone, milestone_id)
    plan = milestone.plan
    ensure_owner_or_director(actor, plan)
    milestone.due_date, milestone.owner = due_date, owner
    milestone.save(update_fields=["due_date", "owner"])
    return milestone


@transaction.atomic
def complete_milestone(
    *, milestone_id: int, actor: User, note: str = "", done_on: datetime.date | None = None
) -> PlanMilestone:
    """Mark a node done with a note, by its owner, the plan's owner or the director.

    Raises PlanError unless the plan has been approved (work starts only then) and for a node done twice.
    """
    milestone = workflow.lock(PlanMilestone, milestone_id)
    plan = milestone.plan
    ensure_role(actor, *MILESTONE_WORKERS)
    ensure_plan_not_archived(plan)
    if actor.pk not in (milestone.owner_id, plan.owner_id) and not has_role(actor, Role.DIRECTOR):
        raise PermissionDenied(_("Only the node's owner, the plan's owner or the director may mark it done."))
    if plan.status not in (SurveyPlan.Status.APPROVED, SurveyPlan.Status.IN_PROGRESS):
        raise PlanError(_("Nodes can be marked done only once the plan is approved and not yet completed."))
    if milestone.is_done:
        raise PlanError(_("This node is already done."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise PlanError(_("A node cannot be done in the future."))
    milestone.done_on, milestone.done_by, milestone.note = done_on, actor, note
    milestone.save(update_fields=["done_on", "done_by", "note"])
    workflow.record(
        plan,
        actor=actor,
        action=TimelineEntry.Action.MILESTONE_DONE,
        comment=f"{milestone}: {note}" if note else str(milestone),
    )
    return milestone
