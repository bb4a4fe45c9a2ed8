"""Cost per respondent (单位客户需求调研成本): actual cost ÷ responses, refreshed on actuals, completion, archive."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import BudgetLine, SurveyPlan
from surveys.services import budgets, plans
from surveys.services.archive import archive_plan
from surveys.services.costs import refresh_cost_per_respondent
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, survey_questionnaire

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def plan(supervisor, director):
    plan = plans.create_plan(
        actor=supervisor,
        title="2027 新品体验调研",
        goal="了解新品体验",
        product_type=SurveyPlan.ProductType.PHYSICAL,
        method=SurveyPlan.Method.QUESTIONNAIRE,
        owner=supervisor,
        period_start=TODAY - datetime.timedelta(days=30),
        period_end=TODAY,
        report_due=TODAY,
    )
    for amount in ("1000.00", "500.00"):
        budgets.add_budget_line(
            budget_id=plan.budget.pk,
            actor=supervisor,
            category=BudgetLine.Category.FIELDWORK,
            estimate_amount=Decimal(amount),
        )
    plans.submit_plan(plan_id=plan.pk, actor=supervisor)
    plans.approve_plan(plan_id=plan.pk, actor=director)
    budgets.submit_budget(budget_id=plan.budget.pk, actor=supervisor)
    budgets.approve_budget(budget_id=plan.budget.pk, actor=director)
    return plan


def answered(plan, count):
    batch = InvitationBatchFactory(questionnaire=survey_questionnaire(plan=plan, created_by=plan.owner))
    for _number in range(count):
        answer_invitation(InvitationFactory(batch=batch))


def record(plan, actor, *amounts):
    for line, amount in zip(plan.budget.lines.order_by("pk"), amounts, strict=False):
        budgets.record_actual_amount(line_id=line.pk, actor=actor, actual_amount=Decimal(amount))
    plan.refresh_from_db()
    return plan.cost_per_respondent


def test_recording_an_actual_amount_divides_the_actual_cost_by_the_responses(plan, specialist):
    answered(plan, 3)
    assert record(plan, specialist, "1000.00") == Decimal("333.33")
    assert record(plan, specialist, "1000.00", "500.00") == Decimal("500.00")


def test_no_responses_gives_no_figure_instead_of_a_division_by_zero(plan, specialist):
    assert record(plan, specialist, "1000.00") is None
    assert refresh_cost_per_respondent(plan_id=plan.pk) is None


def test_no_actual_amount_gives_no_figure(plan):
    answered(plan, 2)
    assert refresh_cost_per_respondent(plan_id=plan.pk) is None


def test_completion_and_archiving_work_it_out_again(plan, supervisor, specialist):
    record(plan, specialist, "900.00")
    answered(plan, 2)
    plans.start_plan(plan_id=plan.pk, actor=supervisor)
    completed = plans.complete_plan(plan_id=plan.pk, actor=supervisor)
    assert completed.cost_per_respondent == Decimal("450.00")
    answered(plan, 1)
    archived = archive_plan(plan_id=plan.pk, actor=specialist)
    assert archived.cost_per_respondent == Decimal("300.00")
    plan.refresh_from_db()
    assert plan.cost_per_respondent == Decimal("300.00")


def test_the_plan_and_budget_pages_show_a_dash_without_a_figure(as_user, plan, supervisor, specialist):
    client = as_user(supervisor)
    for url in (plan.get_absolute_url(), reverse("surveys:budget-detail", args=[plan.pk])):
        page = client.get(url).content.decode()
        assert 'data-testid="cost-per-respondent">—<' in page, url
    answered(plan, 4)
    record(plan, specialist, "1000.00", "200.00")
    for url in (plan.get_absolute_url(), reverse("surveys:budget-detail", args=[plan.pk])):
        assert 'data-testid="cost-per-respondent">¥300.00<' in client.get(url).content.decode(), url
