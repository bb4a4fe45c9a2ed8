"""The feedback figures of a period: improvement actions on time per detailer, complaint handling on time."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cxcenter.figures import PeriodFigure
from feedback import period_figures
from feedback.models import Case
from feedback.tests.factories import CaseFactory, ImprovementActionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_process_improvement_counts_the_actions_of_the_plans_the_supervisor_detailed(supervisor, specialist):
    due = TODAY - datetime.timedelta(days=3)
    ImprovementActionFactory(plan__detailed_by=supervisor, due_date=due, done_on=due)
    ImprovementActionFactory(plan__detailed_by=supervisor, due_date=due, done_on=None)
    ImprovementActionFactory(plan__detailed_by=specialist, due_date=due, done_on=due)
    start, end = TODAY - datetime.timedelta(days=30), TODAY
    assert period_figures.process_improvement(start, end, supervisor) == PeriodFigure(1, 2, Decimal("50.0"))
    assert period_figures.process_improvement(start, end) == PeriodFigure(2, 3, Decimal("66.7"))


def test_complaint_figures_judge_the_complaints_received_in_the_period():
    now = timezone.now()
    received = now - datetime.timedelta(days=3)
    due = received + datetime.timedelta(hours=24)
    CaseFactory(received_at=received, response_due_at=due, resolution_due_at=due, acknowledged_at=received)
    CaseFactory(received_at=received, response_due_at=due, resolution_due_at=due)  # neither answered nor resolved
    CaseFactory(received_at=received, response_due_at=due, resolution_due_at=due, kind=Case.Kind.PRAISE)
    CaseFactory(received_at=now - datetime.timedelta(days=60), response_due_at=due, resolution_due_at=due)
    figures = period_figures.complaint_figures(timezone.localdate() - datetime.timedelta(days=7), timezone.localdate())
    assert figures["count"] == 2
    assert figures["response_on_time"] == PeriodFigure(1, 2, Decimal("50.0"))
    assert figures["resolution_on_time"] == PeriodFigure(0, 2, Decimal("0.0"))
