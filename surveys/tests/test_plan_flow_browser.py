"""A survey plan from first draft to approval, clicked through in Chromium the way a new supervisor and director would.

The supervisor drafts the plan, its budget and a questionnaire; the director returns the plan once, then approves
everything from the approvals inbox. Only the users are made in Python: every other row comes from the pages.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxcenter.models import Role
from cxcenter.tests.browser import click_and_wait, expect_message, log_out

pytestmark = pytest.mark.browser

PLAN_TITLE = "2027 smart kettle experience survey"
FIRST_GOAL = "Learn how customers rate the new kettle's heating speed."
SECOND_GOAL = "Learn how customers rate the new kettle's heating speed and its after-sales service."
RETURN_COMMENT = "Please add after-sales service to the goal."
QUESTIONNAIRE_TITLE = "Customer experience questionnaire (physical product)"
CJK = re.compile(r"[\u4e00-\u9fff]")


def works_in_english(user):
    """Users start in the product language (Chinese); this flow reads the English pages and e-mails."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def open_menu(page: Page, label: str, menu: str | None = None) -> None:
    navigation = page.locator("#main-nav")
    if menu:
        navigation.get_by_role("button", name=menu, exact=True).click()
    click_and_wait(page, navigation.get_by_role("link", name=label, exact=True))


def open_plan(page: Page) -> None:
    open_menu(page, "Survey plans", menu="Surveys")
    click_and_wait(page, page.get_by_role("link", name=PLAN_TITLE, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)


def back_to_plan(page: Page) -> None:
    click_and_wait(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PLAN_TITLE))


def fill_plan_form(page: Page, *, staff: str) -> None:
    start = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Title").fill(PLAN_TITLE)
    page.get_by_label("Goal").fill(FIRST_GOAL)
    page.get_by_label("Product type").select_option(label="Physical product")
    page.get_by_label("Method").select_option(label="Questionnaire (direct)")
    page.get_by_label("Owner").select_option(label="Supervisor")
    page.get_by_role("group", name="Staff").get_by_label(staff, exact=True).check()
    page.get_by_label("Period start").fill(start.isoformat())
    page.get_by_label("Period end").fill((start + datetime.timedelta(days=60)).isoformat())
    page.get_by_label("Report due").fill((start + datetime.timedelta(days=75)).isoformat())


def add_budget_line(page: Page, *, category: str, description: str, amount: str) -> None:
    click_and_wait(page, page.get_by_role("link", name="Add a line"))
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Estimate (yuan)").fill(amount)
    click_and_wait(page, page.get_by_role("button", name="Save"))


def create_questionnaire_from_template(page: Page) -> None:
    click_and_wait(page, page.get_by_role("link", name="New questionnaire for this plan"))
    page.get_by_label("Start from").select_option("physical_product")
    page.locator("#id_language").select_option("en")
    click_and_wait(page, page.get_by_role("button", name="Create the questionnaire"))


def submit_to_director(page: Page) -> None:
    click_and_wait(page, page.get_by_role("button", name="Submit to the director"))


def approval_row(page: Page, kind: str):
    return page.locator("main tbody tr").filter(has=page.get_by_role("cell", name=kind, exact=True))


def open_approval(page: Page, kind: str) -> None:
    open_menu(page, "Approvals")
    click_and_wait(page, approval_row(page, kind).get_by_role("link"))


def decide(page: Page, button: str, comment: str = "") -> None:
    page.get_by_label(re.compile(r"^Comment \(required to return")).fill(comment)
    click_and_wait(page, page.get_by_role("button", name=button, exact=True))


def test_supervisor_drafts_a_plan_the_director_returns_it_then_approves_everything(log_in, persona):
    supervisor = works_in_english(persona("supervisor", Role.SUPERVISOR))
    director = works_in_english(persona("director", Role.DIRECTOR))
    persona("specialist", Role.SPECIALIST)

    # 1. The supervisor drafts the plan from the Surveys menu.
    page = log_in(supervisor)
    open_menu(page, "Survey plans", menu="Surveys")
    click_and_wait(page, page.get_by_role("link", name="New plan"))
    fill_plan_form(page, staff="Specialist")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, f"Plan “{PLAN_TITLE}” drafted with its ten nodes.")
    expect(page.get_by_test_id("plan-status")).to_have_text("Draft")
    schedule = page.locator("section.card", has_text="Schedule: the ten nodes")
    expect(schedule.locator("tbody tr")).to_have_count(10)
    expect(page.locator(".schedule-chart svg")).to_be_visible()
    expect(page.locator(".schedule-chart svg g.node")).to_have_count(10)

    # 2. The budget: a negative amount is refused and kept on the form, then two lines and a submission.
    click_and_wait(page, page.get_by_role("link", name="Budget", exact=True))
    add_budget_line(page, category="Fieldwork", description="Home visits", amount="-500")
    expect(page.locator("main")).to_contain_text("An amount cannot be negative")
    expect(page.get_by_label("Description")).to_have_value("Home visits")
    page.get_by_label("Estimate (yuan)").fill("12000")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Budget line added.")
    add_budget_line(page, category="Incentives", description="Lottery prizes", amount="3000")
    expect_message(page, "Budget line added.")
    lines = page.get_by_test_id("budget-lines").locator("tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="Fieldwork")).to_contain_text("¥12,000.00")
    expect(lines.filter(has_text="Incentives")).to_contain_text("¥3,000.00")
    expect(page.get_by_test_id("total-estimate")).to_have_text("¥15,000.00")
    submit_to_director(page)
    expect_message(page, "Budget submitted to the director.")
    expect(page.get_by_test_id("budget-status")).to_have_text("Submitted")

    # 3. A questionnaire from the physical product template, previewed, then sent for review.
    back_to_plan(page)
    create_questionnaire_from_template(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTIONNAIRE_TITLE)
    click_and_wait(page, page.get_by_role("link", name="Preview", exact=True))
    preview = page.get_by_test_id("survey-preview")
    expect(preview).to_have_attribute("lang", "en")
    expect(preview.get_by_role("heading", level=1)).to_have_text(QUESTIONNAIRE_TITLE)
    expect(preview).to_contain_text("Shape and size of the product")
    click_and_wait(page, page.get_by_role("link", name="Back to the questionnaire"))
    submit_to_director(page)
    expect(page.get_by_test_id("questionnaire-status")).to_have_text("In review")

    # 4. The plan goes to the director.
    back_to_plan(page)
    expect(page.locator(".list-group-item", has_text=QUESTIONNAIRE_TITLE)).to_contain_text("In review")
    submit_to_director(page)
    expect_message(page, "Plan submitted to the director.")
    expect(page.get_by_test_id("plan-status")).to_have_text("Submitted")
    log_out(page)

    # 5. The director finds all three in the inbox and returns the plan.
    page = log_in(director)
    open_menu(page, "Approvals")
    expect(page.locator("main tbody tr")).to_have_count(3)
    expect(approval_row(page, "Survey plan")).to_contain_text(PLAN_TITLE)
    expect(approval_row(page, "Survey budget")).to_contain_text(PLAN_TITLE)
    expect(approval_row(page, "Questionnaire")).to_contain_text(QUESTIONNAIRE_TITLE)
    open_approval(page, "Survey plan")
    decide(page, "Return with comment", RETURN_COMMENT)
    expect_message(page, "Plan returned to its owner.")
    expect(page.get_by_test_id("plan-status")).to_have_text("Returned")
    log_out(page)

    # 6. The supervisor reads the comment, changes the goal and resubmits.
    page = log_in(supervisor)
    open_plan(page)
    expect(page.get_by_role("alert").filter(has_text="Returned by the director:")).to_contain_text(RETURN_COMMENT)
    click_and_wait(page, page.get_by_role("link", name="Edit", exact=True))
    expect(page.get_by_label("Goal")).to_have_value(FIRST_GOAL)
    page.get_by_label("Goal").fill(SECOND_GOAL)
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Plan saved.")
    expect(page.locator("main dl")).to_contain_text(SECOND_GOAL)
    submit_to_director(page)
    expect(page.get_by_test_id("plan-status")).to_have_text("Submitted")
    expect(page.get_by_role("alert").filter(has_text="Returned by the director:")).to_have_count(0)
    log_out(page)

    # 7. The director approves the plan, the budget and the questionnaire, emptying the inbox.
    page = log_in(director)
    open_approval(page, "Survey plan")
    expect(page.locator("main dl")).to_contain_text(SECOND_GOAL)
    decide(page, "Approve")
    expect(page.get_by_test_id("plan-status")).to_have_text("Approved")
    open_approval(page, "Survey budget")
    decide(page, "Approve")
    expect(page.get_by_test_id("budget-status")).to_have_text("Approved")
    open_approval(page, "Questionnaire")
    decide(page, "Approve")
    expect(page.get_by_test_id("questionnaire-status")).to_have_text("Approved")
    open_menu(page, "Approvals")
    expect(page.locator("main tbody tr")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you")

    # 8. The plan's timeline keeps every decision, newest first, and each one sent its e-mail.
    open_plan(page)
    timeline = page.locator(".timeline li")
    expect(timeline).to_contain_text(
        [
            "changed status: Submitted → Approved",
            "changed status: Returned → Submitted",
            "updated",
            "changed status: Submitted → Returned",
            "changed status: Draft → Submitted",
            "created",
        ]
    )
    expect(timeline.filter(has_text="Submitted → Returned")).to_contain_text(RETURN_COMMENT)

    questionnaire = f"{QUESTIONNAIRE_TITLE} (v1)"
    assert [(message.to, message.subject) for message in mail.outbox] == [
        ([director.email], f"[CX Center] Survey budget submitted for your decision: {PLAN_TITLE}"),
        ([director.email], f"[CX Center] Questionnaire submitted for your decision: {questionnaire}"),
        ([director.email], f"[CX Center] Survey plan submitted for your decision: {PLAN_TITLE}"),
        ([supervisor.email], f"[CX Center] Survey plan {PLAN_TITLE}: Returned"),
        ([director.email], f"[CX Center] Survey plan submitted for your decision: {PLAN_TITLE}"),
        ([supervisor.email], f"[CX Center] Survey plan {PLAN_TITLE}: Approved"),
        ([supervisor.email], f"[CX Center] Survey budget {PLAN_TITLE}: Approved"),
        ([supervisor.email], f"[CX Center] Questionnaire {questionnaire}: Approved"),
    ]
    assert RETURN_COMMENT in mail.outbox[3].body

    # 9. The director switches to Chinese from the navbar. The zh-hans catalogue is still being filled in, so
    # the checks read labels it already has (menu, timeline) as Chinese text rather than pinning their wording.
    click_and_wait(page, page.locator("button[name=language][value=zh-hans]"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(page.locator("#main-nav a[href='/approvals/']")).to_have_text(CJK)
    expect(page.locator("#main-nav a[href='/surveys/']")).to_have_text(CJK)
    timeline_card = page.locator("section.card", has=page.locator(".timeline"))
    expect(timeline_card.locator(".card-header")).to_have_text(CJK)
