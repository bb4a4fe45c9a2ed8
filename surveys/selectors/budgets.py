"""Reads of survey budgets (调研经费): one budget with its lines and totals, the budgets waiting for a decision."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Prefetch, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cxcenter.approvals import PendingApproval
from cxcenter.roles import ensure_role, has_role
from surveys.models import BudgetLine, SurveyBudget, SurveyPlan
from surveys.permissions import ACTUAL_RECORDERS, DECIDERS, SURVEY_READERS, can_edit_budget

MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class BudgetTotals:
    """The budget's sums; actual and variance cover only the lines whose actual amount is known."""

    estimate: Decimal
    actual: Decimal | None
    variance: Decimal | None
    line_count: int
    overrun_count: int

    @property
    def is_overrun(self) -> bool:
        return self.variance is not None and self.variance > 0


@dataclass(frozen=True)
class BudgetActions:
    """What the current user may do with a budget in its current state, for the buttons on its page."""

    edit: bool
    submit: bool
    decide: bool
    record_actuals: bool


def lines_in_category_order():
    """Lines ordered by the regulation's list of categories (问卷设计费 … 激励费用), then as entered."""
    position = Case(
        *(When(category=value, then=Value(index)) for index, value in enumerate(BudgetLine.Category.values)),
        default=Value(len(BudgetLine.Category.values)),
    )
    return BudgetLine.objects.order_by(position, "pk")


def budget_totals(budget: SurveyBudget) -> BudgetTotals:
    """Sums of estimates and actuals, the variance and the overrun count of a budget, in one query."""
    figures = BudgetLine.objects.filter(budget=budget).aggregate(
        estimate=Coalesce(Sum("estimate_amount"), Value(Decimal("0")), output_field=MONEY),
        actual=Sum("actual_amount"),
        # A line without an actual amount adds NULL, which SUM skips: the variance covers known costs only.
        variance=Sum(F("actual_amount") - F("estimate_amount"), output_field=MONEY),
        line_count=Count("pk"),
        overrun_count=Count("pk", filter=Q(actual_amount__gt=F("estimate_amount"))),
    )
    return BudgetTotals(**figures)


def get_budget_for(user, plan_id: int) -> SurveyBudget:
    """A plan's budget with its lines (`line_list`, by category) and its totals (`totals`), or 404.

    PermissionDenied for roles that do not read surveys.
    """
    ensure_role(user, *SURVEY_READERS)
    budget = get_object_or_404(
        SurveyBudget.objects.select_related(
            "plan", "plan__owner", "submitted_by", "approved_by", "returned_by"
        ).prefetch_related(Prefetch("lines", queryset=lines_in_category_order(), to_attr="line_list")),
        plan_id=plan_id,
    )
    budget.totals = budget_totals(budget)
    return budget


def get_plain_budget_for(user, plan_id: int) -> SurveyBudget:
    """A plan's budget row with its plan, without lines or totals (state changes, forms), or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(SurveyBudget.objects.select_related("plan"), plan_id=plan_id)


def get_budget_line_for(user, plan_id: int, pk: int) -> BudgetLine:
    """A line of the plan's budget, with the budget and plan loaded, or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(BudgetLine.objects.select_related("budget__plan__owner"), pk=pk, budget__plan_id=plan_id)


def budget_actions(user, budget: SurveyBudget) -> BudgetActions:
    """The buttons a user sees on a budget's page; the services enforce the same rules."""
    editable = budget.is_editable and can_edit_budget(user, budget)
    return BudgetActions(
        edit=editable,
        submit=editable and bool(budget.line_list),
        decide=has_role(user, *DECIDERS)
        and budget.status == SurveyBudget.Status.SUBMITTED
        and budget.submitted_by_id != user.pk,
        record_actuals=budget.status == SurveyBudget.Status.APPROVED
        and budget.plan.status != SurveyPlan.Status.ARCHIVED
        and has_role(user, *ACTUAL_RECORDERS),
    )


def budgets_awaiting_decision(user) -> list[PendingApproval]:
    """Submitted budgets for a director to decide, not their own (approvals inbox)."""
    if not has_role(user, *DECIDERS):
        return []
    budgets = (
        SurveyBudget.objects.filter(status=SurveyBudget.Status.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("plan", "submitted_by")
    )
    return [
        PendingApproval(
            kind=str(SurveyBudget._meta.verbose_name),
            title=budget.plan.title,
            url=budget.get_absolute_url(),
            submitted_by=str(budget.submitted_by),
            submitted_at=budget.submitted_at,
        )
        for budget in budgets
    ]
