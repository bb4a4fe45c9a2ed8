"""The survey figures of a period: each indicator's numerator, denominator and value, per owner and department."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cxcenter.figures import PeriodFigure
from cxcenter.models import Role
from surveys import period_figures
from surveys.models import Invitation, SurveyPlan
from surveys.services import plans as services
from surveys.tests.factories import BudgetLineFactory, InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire
from surveys.tests.test_plan_workflow import plan_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=120)


def plan(owner, director, *, to: str, **fields):
    """A plan of `owner` taken by the services to `to` (draft, approved, in_progress or completed)."""
    made = services.create_plan(actor=owner, **plan_fields(owner, **fields))
    steps = {
        "approved": [services.submit_plan, services.approve_plan],
        "in_progress": [services.submit_plan, services.approve_plan, services.start_plan],
        "completed": [services.submit_plan, services.approve_plan, services.start_plan, services.complete_plan],
    }
    for step in steps.get(to, []):
        step(plan_id=made.pk, actor=director if step is services.approve_plan else owner)
    return SurveyPlan.objects.get(pk=made.pk)


@pytest.fixture
def other(persona):
    return persona("other_supervisor", Role.SUPERVISOR)


def test_plan_completion_counts_approved_plans_due_in_the_period(supervisor, other, director):
    plan(supervisor, director, to="completed")
    plan(supervisor, director, to="approved")
    plan(supervisor, director, to="draft")  # never approved: not due
    plan(supervisor, director, to="completed", report_due=END + datetime.timedelta(days=1))  # due after the period
    plan(other, director, to="completed")
    assert period_figures.plan_completion(START, END, supervisor) == PeriodFigure(1, 2, Decimal("50.0"))
    assert period_figures.plan_completion(START, END) == PeriodFigure(2, 3, Decimal("66.7"))
    assert period_figures.plan_completion(END + datetime.timedelta(days=400), END + datetime.timedelta(days=800)) == (
        PeriodFigure(0, 0, None)
    )


def test_plan_execution_counts_approved_plans_of_the_period_and_those_started(supervisor, director):
    plan(supervisor, director, to="in_progress")
    plan(supervisor, director, to="approved")  # approved, not started: not executed
    plan(supervisor, director, to="draft")  # not approved: not counted at all
    assert period_figures.plan_execution(START, END, supervisor) == PeriodFigure(1, 2, Decimal("50.0"))


def test_satisfaction_and_feedback_rate_read_the_plans_responses_and_delivered_invitations(supervisor, other):
    mine = survey_questionnaire(plan__owner=supervisor)
    theirs = survey_questionnaire(plan__owner=other)
    deadline = timezone.now() + datetime.timedelta(days=5)
    batch = InvitationBatchFactory(questionnaire=mine, deadline=deadline)
    sent = [InvitationFactory(batch=batch, delivery=Invitation.Delivery.SENT) for _ in range(3)]
    InvitationFactory(batch=batch, delivery=Invitation.Delivery.FAILED)  # never reached the customer
    answer_invitation(sent[0], good_answers(mine))
    answer_invitation(sent[1], good_answers(mine, Overall="3"))
    answer_invitation(InvitationFactory(batch=InvitationBatchFactory(questionnaire=theirs, deadline=deadline)))

    rate = period_figures.feedback_rate(START, END, supervisor)
    assert (rate.numerator, rate.denominator, rate.value) == (2, 3, Decimal("66.7"))
    index = period_figures.satisfaction(START, END, supervisor)
    assert index.denominator == 2 and index.value == (index.numerator / 2).quantize(Decimal("0.01"))
    assert period_figures.satisfaction(START, END).denominator == 3


def test_costs_pool_the_plans_completed_in_the_period(supervisor, director):
    done = plan(supervisor, director, to="completed")
    budget = done.budget  # made with the plan
    BudgetLineFactory(budget=budget, estimate_amount=Decimal("800"), actual_amount=Decimal("900"))
    BudgetLineFactory(budget=budget, estimate_amount=Decimal("0"), actual_amount=Decimal("100"))  # outside the budget
    BudgetLineFactory(budget=budget, estimate_amount=Decimal("500"), actual_amount=None)  # not spent yet
    questionnaire = survey_questionnaire(plan=done)
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    for _ in range(3):
        answer_invitation(InvitationFactory(batch=batch), good_answers(questionnaire))

    assert period_figures.cost_budget_rate(START, END, supervisor) == PeriodFigure(1, 2, Decimal("50.0"))
    cost = period_figures.unit_cost(START, END, supervisor)
    assert (cost.numerator, cost.denominator, cost.value) == (Decimal("1000"), 3, Decimal("333.33"))
    assert period_figures.unit_cost(END + datetime.timedelta(days=1), END + datetime.timedelta(days=30)).value is None
