"""The feedback figures of a period (local dates, both ends included), one function per indicator.

The KPI scale (seed 000 §7), the monthly report and the pages read these, never their own copies. Each returns
a PeriodFigure (numerator, denominator, value in %; None when there is nothing to divide by) in one query.
"""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cxcenter.figures import PeriodFigure
from feedback.models import Case, ImprovementAction
from feedback.selectors.statistics import cases_in_period, metrics


def actions_on_time(actions: QuerySet[ImprovementAction], start: datetime.date, end: datetime.date) -> PeriodFigure:
    """Of `actions`, those due in the period (denominator) and done on or before their due date (numerator)."""
    due = Q(due_date__gte=start, due_date__lte=end)
    figures = actions.aggregate(
        due=Count("pk", filter=due),
        on_time=Count("pk", filter=due & Q(done_on__isnull=False, done_on__lte=F("due_date"))),
    )
    return PeriodFigure.rate(figures["on_time"], figures["due"])


def process_improvement(start: datetime.date, end: datetime.date, owner=None) -> PeriodFigure:
    """客户体验流程改进目标达成率: improvement actions due in the period done on time, over the plans the assessed
    supervisor detailed into actions (`owner`; None for the department)."""
    actions = (
        ImprovementAction.objects.all() if owner is None else ImprovementAction.objects.filter(plan__detailed_by=owner)
    )
    return actions_on_time(actions, start, end)


def complaint_figures(start: datetime.date, end: datetime.date) -> dict:
    """The complaint handling figures (客户投诉处理情况) of the complaints received in the period, as the complaint
    statistics count them: `count`, and PeriodFigures `response_on_time` (acknowledged by the response
    deadline ÷ those judged) and `resolution_on_time` (resolved by the resolution deadline ÷ those judged)."""
    figures = cases_in_period(start, end, Case.Kind.COMPLAINT).aggregate(**metrics(timezone.now()))
    return {
        "count": figures["count"],
        "response_on_time": PeriodFigure.rate(figures["responded_on_time"], figures["response_judged"]),
        "resolution_on_time": PeriodFigure.rate(figures["resolved_on_time"], figures["resolution_judged"]),
    }
