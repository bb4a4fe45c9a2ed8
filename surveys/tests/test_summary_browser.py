"""A result summary (客户体验结果汇总表) from first draft to approval, clicked through in Chromium, then a pain point.

The supervisor writes the summary of an answered questionnaire with a major problem pointing at a question and
submits it; the director returns it with a comment; the supervisor fixes it and resubmits; the director approves
it from the inbox and puts the problem into the pain-point library. The questionnaire and its answers are made
in Python; the summary, its problem and the pain point come from the pages.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cxcenter.models import Role
from cxcenter.tests.browser import click_and_wait, expect_message, log_out, works_in_english
from surveys.tests.factories import InvitationFactory, SurveyPlanFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire

pytestmark = pytest.mark.browser

QUESTIONNAIRE_TITLE = "Smart heater experience"
SUMMARY_TEXT = "Customers like the heater overall."
BETTER_SUMMARY = "Customers like the heater overall; two in three find the switch slow."
RETURN_COMMENT = "Say how many customers find the switch slow."
PROBLEM = "The on/off switch responds slowly"


def open_summary(page: Page, questionnaire) -> None:
    page.goto(questionnaire.get_absolute_url())
    click_and_wait(page, page.get_by_test_id("questionnaire-summary"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Result summary of")


def open_approval(page: Page) -> None:
    navigation = page.locator("#main-nav")
    click_and_wait(page, navigation.get_by_role("link", name="Approvals", exact=True))
    row = page.locator("main tbody tr").filter(has=page.get_by_role("cell", name="Result summary", exact=True))
    click_and_wait(page, row.get_by_role("link"))


def decide(page: Page, button: str, comment: str = "") -> None:
    page.get_by_label(re.compile(r"^Comment \(required to return")).fill(comment)
    click_and_wait(page, page.get_by_role("button", name=button, exact=True))


def test_supervisor_summarises_director_returns_then_approves_and_a_pain_point_follows(log_in, persona):
    supervisor = works_in_english(persona("supervisor", Role.SUPERVISOR))
    director = works_in_english(persona("director", Role.DIRECTOR))
    questionnaire = survey_questionnaire(plan=SurveyPlanFactory(owner=supervisor), title=QUESTIONNAIRE_TITLE)
    for comment in ("The switch is slow.", "Lovely colour.", "Switch lags a second."):
        answer_invitation(
            InvitationFactory(batch__questionnaire=questionnaire), good_answers(questionnaire, Comments=comment)
        )

    # 1. The supervisor starts the summary from the questionnaire and sees the figures.
    page = log_in(supervisor)
    page.goto(questionnaire.get_absolute_url())
    click_and_wait(page, page.get_by_test_id("questionnaire-summary"))
    page.get_by_label("Summary").fill(SUMMARY_TEXT)
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Result summary started")
    expect(page.get_by_test_id("summary-status")).to_have_text("Draft")
    expect(page.get_by_test_id("figure-invited")).to_have_text("3")
    expect(page.get_by_test_id("figure-answered")).to_have_text("3")
    expect(page.get_by_test_id("figure-response-rate")).to_have_text("100.0%")
    expect(page.get_by_test_id("summary-questions").locator("tbody tr")).to_have_count(7)

    # 2. A major problem pointing at the rating question and one comment, then the submission.
    click_and_wait(page, page.get_by_role("link", name="Add a problem"))
    page.get_by_label("Major").check()
    page.get_by_label("Description").fill(PROBLEM)
    page.get_by_role("group", name="Questions behind it").get_by_label("Overall", exact=True).check()
    page.get_by_label(re.compile("The switch is slow")).check()
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Problem added.")
    problems = page.get_by_test_id("summary-problems")
    expect(problems).to_contain_text("Major")
    expect(problems).to_contain_text(PROBLEM)
    expect(problems).to_contain_text("Overall")
    expect(problems).to_contain_text("The switch is slow.")
    click_and_wait(page, page.get_by_role("button", name="Submit to the director"))
    expect_message(page, "Summary submitted to the director.")
    expect(page.get_by_test_id("summary-status")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="Add a problem")).to_have_count(0)
    log_out(page)

    # 3. The director finds it in the inbox and returns it with a comment; without one it is refused.
    page = log_in(director)
    open_approval(page)
    decide(page, "Return with comment")
    expect_message(page, "needs a comment")
    expect(page.get_by_test_id("summary-status")).to_have_text("Submitted")
    decide(page, "Return with comment", RETURN_COMMENT)
    expect_message(page, "Summary returned to its author.")
    expect(page.get_by_test_id("summary-status")).to_have_text("Returned")
    log_out(page)

    # 4. The supervisor reads the comment, rewrites the summary and resubmits.
    page = log_in(supervisor)
    open_summary(page, questionnaire)
    expect(page.get_by_role("alert").filter(has_text="Returned by the director:")).to_contain_text(RETURN_COMMENT)
    click_and_wait(page, page.get_by_role("link", name="Edit the summary"))
    expect(page.get_by_label("Summary")).to_have_value(SUMMARY_TEXT)
    page.get_by_label("Summary").fill(BETTER_SUMMARY)
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Summary saved.")
    expect(page.get_by_test_id("summary-text")).to_have_text(BETTER_SUMMARY)
    click_and_wait(page, page.get_by_role("button", name="Submit to the director"))
    expect(page.get_by_test_id("summary-status")).to_have_text("Submitted")
    log_out(page)

    # 5. The director approves, then puts the problem into the pain-point library.
    page = log_in(director)
    open_approval(page)
    expect(page.get_by_test_id("summary-text")).to_have_text(BETTER_SUMMARY)
    decide(page, "Approve")
    expect_message(page, "Summary approved.")
    expect(page.get_by_test_id("summary-status")).to_have_text("Approved")
    timeline = page.locator(".timeline li")
    expect(timeline.filter(has_text="Submitted → Returned")).to_contain_text(RETURN_COMMENT)

    click_and_wait(page, page.get_by_role("link", name="Add to the pain-point library"))
    expect(page.get_by_test_id("source-quote")).to_contain_text(PROBLEM)
    expect(page.get_by_label("Description")).to_have_value(PROBLEM)
    page.get_by_label("Category").select_option(label="Functions")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Added to the pain-point library.")
    expect(page.get_by_test_id("painpoint-frequency")).to_have_text("1")
    expect(page.get_by_test_id("painpoint-status")).to_have_text("Open")
    sources = page.get_by_test_id("painpoint-sources")
    expect(sources).to_contain_text("Result summary problem")
    click_and_wait(page, sources.get_by_role("link", name=PROBLEM))
    expect(
        page.get_by_test_id("summary-problems").get_by_role("link", name="In the pain-point library")
    ).to_be_visible()

    # 6. The library lists the entry.
    page.locator("#main-nav").get_by_role("button", name="Surveys", exact=True).click()
    click_and_wait(page, page.locator("#main-nav").get_by_role("link", name="Pain-point library", exact=True))
    expect(page.get_by_test_id("painpoint-list").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("painpoint-list")).to_contain_text(PROBLEM)
