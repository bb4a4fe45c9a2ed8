"""A survey budget clicked through in Chromium: lines drafted, a bad amount corrected, submitted, approved."""

import pytest
from playwright.sync_api import expect

from cxcenter.tests.browser import works_in_english
from surveys.models import PlanMilestone, SurveyBudget
from surveys.tests.factories import SurveyBudgetFactory, SurveyPlanFactory

pytestmark = pytest.mark.browser


def test_supervisor_drafts_and_submits_a_budget_and_the_director_approves_it(log_in, supervisor, director):
    plan = SurveyPlanFactory(owner=supervisor, title="2027 appliance survey")
    PlanMilestone.objects.create(
        plan=plan, node=PlanMilestone.Node.BUDGET, owner=supervisor, due_date=plan.period_start
    )
    budget = SurveyBudgetFactory(plan=plan)
    page = log_in(works_in_english(supervisor))
    page.goto(f"/surveys/plans/{plan.pk}/budget/")

    page.get_by_role("link", name="Add a line").click()
    page.get_by_label("Category").select_option(label="Fieldwork")
    page.get_by_label("Description").fill("Home visits")
    page.get_by_label("Estimate (yuan)").fill("-20")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("An amount cannot be negative")
    expect(page.get_by_label("Description")).to_have_value("Home visits")
    page.get_by_label("Estimate (yuan)").fill("1234.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Budget line added.")
    expect(page.get_by_test_id("total-estimate")).to_have_text("¥1,234.50")

    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the director").click()
    expect(page.get_by_test_id("budget-status")).to_have_text("Submitted")

    page.context.clear_cookies()
    page = log_in(works_in_english(director))
    page.goto(f"/surveys/plans/{plan.pk}/budget/")
    page.get_by_label("Comment (required to return it)").fill("Agreed.")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("budget-status")).to_have_text("Approved")
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.APPROVED
    assert PlanMilestone.objects.get(plan=plan, node=PlanMilestone.Node.BUDGET).is_done
