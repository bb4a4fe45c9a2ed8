"""Survey budgets (调研经费): every write and state change of a budget and its lines."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cxcenter import notifications, workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import has_role
from surveys.models import BudgetLine, PlanMilestone, SurveyBudget
from surveys.permissions import ACTUAL_RECORDERS, DECIDERS, can_edit_budget, ensure_plan_not_archived
from surveys.services.costs import refresh_cost_per_respondent
from surveys.services.plans import mark_node_done
from surveys.templatetags.surveys_format import yuan


class BudgetError(DomainError):
    """A budget change the rules do not allow; the message says why."""


def ensure_can_edit_budget(actor: User, budget: SurveyBudget) -> None:
    """Only the plan's owner or a plan author changes a budget, and only while it is a draft or returned.

    Raises PermissionDenied for anyone else and for the budget of an archived plan, BudgetError for a submitted
    or approved budget.
    """
    if not can_edit_budget(actor, budget):
        raise PermissionDenied(_("Only the plan's owner or a plan author may change its budget."))
    ensure_plan_not_archived(budget.plan)
    if not budget.is_editable:
        raise BudgetError(
            _("The budget is “%(status)s”; it can be changed only as a draft or after it was returned.")
            % {"status": budget.get_status_display()}
        )


def ensure_can_decide_budget(actor: User, budget: SurveyBudget) -> None:
    """Only a director decides, never on a budget they submitted themselves nor once the plan is archived
    (PermissionDenied)."""
    if not has_role(actor, *DECIDERS):
        raise PermissionDenied(_("Only the CX director decides on survey budgets."))
    ensure_plan_not_archived(budget.plan)
    workflow.ensure_not_submitter(actor, budget)


def ensure_not_negative(amount: Decimal) -> Decimal:
    """The amount itself; BudgetError when it is missing or below zero (the database refuses it too)."""
    if amount is None or amount < 0:
        raise BudgetError(_("An amount cannot be negative; enter 0 or more yuan."))
    return amount


def describe_line(line: BudgetLine, amount: Decimal) -> str:
    """The line as the timeline shows it: category, description and an amount."""
    values = {"category": line.get_category_display(), "description": line.description, "amount": yuan(amount)}
    if line.description:
        return _("%(category)s (%(description)s): %(amount)s") % values
    return _("%(category)s: %(amount)s") % values


@transaction.atomic
def add_budget_line(
    *, budget_id: int, actor: User, category: str, estimate_amount: Decimal, description: str = ""
) -> BudgetLine:
    """Add a cost item to a draft or returned budget; the plan's owner or a plan author.

    Raises PermissionDenied, BudgetError for a budget not editable or a negative estimate.
    """
    budget = workflow.lock(SurveyBudget, budget_id)
    ensure_can_edit_budget(actor, budget)
    line = BudgetLine.objects.create(
        budget=budget,
        category=category,
        description=description,
        estimate_amount=ensure_not_negative(estimate_amount),
    )
    workflow.record(
        budget,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Line added: %(line)s") % {"line": describe_line(line, line.estimate_amount)},
    )
    return line


@transaction.atomic
def update_budget_line(
    *, line_id: int, actor: User, category: str, estimate_amount: Decimal, description: str = ""
) -> BudgetLine:
    """Change a cost item of a draft or returned budget; same rules as add_budget_line."""
    line = lock_line(line_id)
    ensure_can_edit_budget(actor, line.budget)
    line.category = category
    line.description = description
    line.estimate_amount = ensure_not_negative(estimate_amount)
    line.save(update_fields=["category", "description", "estimate_amount"])
    workflow.record(
        line.budget,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Line changed: %(line)s") % {"line": describe_line(line, line.estimate_amount)},
    )
    return line


@transaction.atomic
def remove_budget_line(*, line_id: int, actor: User) -> SurveyBudget:
    """Remove a cost item from a draft or returned budget; same rules as add_budget_line.

    The removal stays on the budget's timeline.
    """
    line = lock_line(line_id)
    budget = line.budget
    ensure_can_edit_budget(actor, budget)
    comment = _("Line removed: %(line)s") % {"line": describe_line(line, line.estimate_amount)}
    line.delete()
    workflow.record(budget, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return budget


def lock_line(line_id: int) -> BudgetLine:
    """The line with its budget locked first, so edits never race a submission of the same budget."""
    budget_id = BudgetLine.objects.values_list("budget_id", flat=True).get(pk=line_id)
    budget = workflow.lock(SurveyBudget, budget_id)
    line = BudgetLine.objects.select_for_update().get(pk=line_id, budget=budget)
    line.budget = budget
    return line


@transaction.atomic
def submit_budget(*, budget_id: int, actor: User) -> SurveyBudget:
    """Send a draft or returned budget to the director (节点 4: director approves); the plan's owner or a plan author.

    Raises PermissionDenied, BudgetError for a budget without lines or not editable.
    """
    budget = workflow.lock(SurveyBudget, budget_id)
    ensure_can_edit_budget(actor, budget)
    if not budget.lines.exists():
        raise BudgetError(_("Add at least one budget line before submitting the budget."))
    workflow.transition(budget, to=SurveyBudget.Status.SUBMITTED, actor=actor)
    notifications.notify_submitted(budget)
    return budget


@transaction.atomic
def approve_budget(*, budget_id: int, actor: User, comment: str = "") -> SurveyBudget:
    """Director approves a submitted budget; node 4 of the plan (estimate the budget) is then done.

    Raises PermissionDenied for a non-director or the budget's submitter,
    InvalidTransition unless the budget is submitted.
    """
    budget = workflow.lock(SurveyBudget, budget_id)
    ensure_can_decide_budget(actor, budget)
    workflow.transition(budget, to=SurveyBudget.Status.APPROVED, actor=actor, comment=comment)
    _mark_budget_node_done(plan_id=budget.plan_id, actor=actor, comment=comment)
    notifications.notify_decided(budget)
    return budget


@transaction.atomic
def return_budget(*, budget_id: int, actor: User, comment: str) -> SurveyBudget:
    """Director returns a submitted budget with a comment saying what to change.

    Raises PermissionDenied for a non-director or the budget's submitter, BudgetError without a comment,
    InvalidTransition unless the budget is submitted.
    """
    budget = workflow.lock(SurveyBudget, budget_id)
    ensure_can_decide_budget(actor, budget)
    if not comment.strip():
        raise BudgetError(_("Say what to change: returning a budget needs a comment."))
    workflow.transition(budget, to=SurveyBudget.Status.RETURNED, actor=actor, comment=comment, comment_required=True)
    notifications.notify_decided(budget)
    return budget


@transaction.atomic
def record_actual_amount(*, line_id: int, actor: User, actual_amount: Decimal) -> BudgetLine:
    """Record what a cost item actually cost, once its budget is approved; specialists, supervisors, directors.

    The plan's cost per respondent is worked out again. Raises PermissionDenied for other roles and for an
    archived plan, BudgetError before approval or for a negative amount.
    """
    if not has_role(actor, *ACTUAL_RECORDERS):
        raise PermissionDenied(_("Only CX specialists, the supervisor and the director record actual amounts."))
    line = lock_line(line_id)
    budget = line.budget
    if budget.status != SurveyBudget.Status.APPROVED:
        raise BudgetError(_("Actual amounts can be recorded only once the director has approved the budget."))
    # Archived material is read-only (DOMAIN §4).
    ensure_plan_not_archived(budget.plan)
    line.actual_amount = ensure_not_negative(actual_amount)
    line.save(update_fields=["actual_amount"])
    workflow.record(
        budget,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Actual amount recorded: %(line)s") % {"line": describe_line(line, line.actual_amount)},
    )
    refresh_cost_per_respondent(plan_id=budget.plan_id)
    return line


def _mark_budget_node_done(*, plan_id: int, actor: User, comment: str) -> None:
    """Node 4 (估算调研经费) is done the day the director approves the budget, unless it already is."""
    if comment.strip():
        note = _("Budget approved: %(comment)s") % {"comment": comment.strip()}
    else:
        note = _("Budget approved.")
    mark_node_done(plan_id=plan_id, node=PlanMilestone.Node.BUDGET, actor=actor, note=note)
