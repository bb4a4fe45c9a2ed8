"""The survey figures of a period (local dates, both ends included), one function per indicator.

The KPI scale (seed 000 §7), the monthly report and the pages read these, never their own copies. Each takes the
period and, where the KPI scale assesses one supervisor, `owner` (the plans' owner; None for the department), and
returns a PeriodFigure: numerator, denominator and the value (a rate in %, a mean, or yuan), None when there is
nothing to divide by. Each reads the database in one or two aggregate queries.
"""

import datetime

from django.db.models import Count, Q, Sum

from cxcenter.figures import PeriodFigure, day_start, period_filter
from surveys.models import BudgetLine, Invitation, Response, SurveyPlan


def end_of(day: datetime.date) -> datetime.datetime:
    return day_start(day + datetime.timedelta(days=1))


def owned(queryset, owner, path: str = "owner"):
    return queryset if owner is None else queryset.filter(**{path: owner})


def plan_completion(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """调研计划完成率 = 客户调研计划实际完成量 / 客户调研计划应完成量 × 100%.

    Due: plans approved at some time whose report was due in the period. Done: of them, those completed by the
    end of the period.
    """
    due = owned(SurveyPlan.objects, owner).filter(approved_at__isnull=False, report_due__gte=start, report_due__lte=end)
    figures = due.aggregate(due=Count("pk"), done=Count("pk", filter=Q(completed_at__lt=end_of(end))))
    return PeriodFigure.rate(figures["done"], figures["due"])


def plan_execution(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """调研计划执行率 = 已经执行的调研计划数量 / 调研计划总数量 × 100%.

    All: plans approved by the end of the period and meant to run in it (their period overlaps). Executed: of
    them, those whose fieldwork had started by the end of the period.
    """
    plans = owned(SurveyPlan.objects, owner).filter(
        approved_at__lt=end_of(end), period_start__lte=end, period_end__gte=start
    )
    figures = plans.aggregate(all=Count("pk"), executed=Count("pk", filter=Q(in_progress_at__lt=end_of(end))))
    return PeriodFigure.rate(figures["executed"], figures["all"])


def satisfaction(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """客户体验满意度: the mean satisfaction index (0–100) of the responses submitted in the period to the
    questionnaires of the plans; responses without an index are left out. Numerator: the indexes' sum."""
    responses = owned(Response.objects, owner, "questionnaire__plan__owner").filter(
        period_filter("submitted_at", start, end), satisfaction_index__isnull=False
    )
    figures = responses.aggregate(total=Sum("satisfaction_index"), count=Count("pk"))
    return PeriodFigure.mean(figures["total"], figures["count"])


def feedback_rate(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """客户意见反馈率: of the invitations delivered (sent) whose batch deadline fell in the period, those answered.

    Open (QR) survey responses have no denominator and do not count.
    """
    invitations = owned(Invitation.objects, owner, "batch__questionnaire__plan__owner").filter(
        period_filter("batch__deadline", start, end), delivery=Invitation.Delivery.SENT
    )
    figures = invitations.aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    return PeriodFigure.rate(figures["answered"], figures["sent"])


def completed_plans(start: datetime.date, end: datetime.date, owner=None):
    return owned(SurveyPlan.objects, owner).filter(period_filter("completed_at", start, end))


def cost_budget_rate(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """客户需求调研成本预算率 = 已预算的客户需求调研成本数量 / 客户需求调研成本预算的总数量 × 100%.

    Over the plans completed in the period: cost lines with an actual amount that had an estimate in the budget
    (above 0) ÷ all cost lines with an actual amount.
    """
    lines = BudgetLine.objects.filter(
        budget__plan__in=completed_plans(start, end, owner).values("pk"), actual_amount__isnull=False
    )
    figures = lines.aggregate(all=Count("pk"), budgeted=Count("pk", filter=Q(estimate_amount__gt=0)))
    return PeriodFigure.rate(figures["budgeted"], figures["all"])


def unit_cost(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """单位客户需求调研成本: Σ actual amounts ÷ Σ responses over the plans completed in the period (pooled, not a mean
    of each plan's cost per respondent), in yuan with two decimals."""
    plans = completed_plans(start, end, owner).values("pk")
    actual = BudgetLine.objects.filter(budget__plan__in=plans).aggregate(total=Sum("actual_amount"))["total"]
    responses = Response.objects.filter(questionnaire__plan__in=plans).count()
    return PeriodFigure.mean(actual, responses)
