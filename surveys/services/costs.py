"""Cost per respondent (单位客户需求调研成本): the plan's actual cost divided by its responses."""

from decimal import Decimal

from django.db.models import Sum

from cxcenter.figures import mean
from surveys.models import BudgetLine, Response, SurveyPlan


def refresh_cost_per_respondent(*, plan_id: int) -> Decimal | None:
    """Recompute and store the plan's cost per respondent; returns it.

    Sum of the actual amounts of the plan's budget lines ÷ responses to the plan's questionnaires, in yuan with two
    decimals. None while no actual amount is known or nobody has answered (nothing to divide by). Called when an
    actual amount is recorded and when the plan is completed or archived; the KPI scale reads the stored figure.
    """
    actual = BudgetLine.objects.filter(budget__plan_id=plan_id).aggregate(total=Sum("actual_amount"))["total"]
    responses = Response.objects.filter(questionnaire__plan_id=plan_id).count()
    value = mean(actual, responses)
    # A plain update: the plan's own row (status, stamps) is not touched, whoever holds it.
    SurveyPlan.objects.filter(pk=plan_id).update(cost_per_respondent=value)
    return value
