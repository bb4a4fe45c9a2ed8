"""An improvement plan clicked through in Chromium: the general manager drafts it from a pain point, the supervisor
details it into an action, the action's owner reports progress with evidence and marks it done, the supervisor
reviews it; then the complaint statistics show their charts. Only users, the pain point and the cases are made in
Python: every other row comes from the pages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxcenter.models import Role
from cxcenter.tests.browser import click_and_wait, expect_message, log_out
from feedback.models import Attachment, ImprovementPlan, ImprovementReview
from feedback.tests.factories import CaseFactory
from surveys.models import PainPoint
from surveys.services.pain_points import create_pain_point

pytestmark = pytest.mark.browser

TITLE = "Faster after-sales visits"
ACTION = "Add weekend engineers to the rota"


def in_english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def open_plan(page: Page) -> None:
    page.locator("#main-nav").get_by_role("button", name="Feedback", exact=True).click()
    click_and_wait(page, page.locator("#main-nav").get_by_role("link", name="Improvement plans", exact=True))
    click_and_wait(page, page.get_by_role("link", name=TITLE, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_an_improvement_plan_from_pain_point_to_review(persona, log_in, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    gm = in_english(persona("gm", Role.GENERAL_MANAGER))
    supervisor = in_english(persona("supervisor", Role.SUPERVISOR))
    owner = in_english(persona("engineer", Role.SPECIALIST))
    owner.display_name = "Engineer"
    owner.save(update_fields=["display_name"])
    pain_point = create_pain_point(
        actor=supervisor,
        category=PainPoint.Category.AFTER_SALES,
        description="After-sales visits take too long",
        note="phone calls",
    )
    today = timezone.localdate()

    page = log_in(gm)
    page.goto(pain_point.get_absolute_url())
    click_and_wait(page, page.get_by_role("link", name="Draft an improvement plan"))
    expect(page.get_by_label("After-sales visits take too long")).to_be_checked()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Goal").fill("Halve the waiting time for a visit.")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "drafted")
    expect(page.get_by_test_id("improvement-status")).to_have_text("Draft")
    click_and_wait(page, page.get_by_role("button", name="Send to the supervisor to detail"))
    expect(page.get_by_test_id("improvement-status")).to_have_text("Being detailed")
    log_out(page)

    log_in(supervisor)
    open_plan(page)
    click_and_wait(page, page.get_by_role("link", name="Add an action"))
    page.get_by_label("Action").fill(ACTION)
    page.get_by_label("Owner").select_option(label="Engineer")
    page.get_by_label("Due date").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Expected effect").fill("Weekend visits within 48 hours")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Action added.")
    click_and_wait(page, page.get_by_role("button", name="Put the plan into effect"))
    expect(page.get_by_test_id("improvement-status")).to_have_text("In progress")
    log_out(page)

    log_in(owner)
    page.goto(ImprovementPlan.objects.get().get_absolute_url())
    click_and_wait(page, page.get_by_role("link", name="Report progress"))
    page.get_by_label("Progress").fill("Two engineers now work on Saturdays.")
    evidence = tmp_path / "rota.txt"
    evidence.write_text("Saturday: Wang, Li", encoding="utf-8")
    page.get_by_label("Evidence files").set_input_files(evidence)
    click_and_wait(page, page.get_by_role("button", name="Save progress"))
    expect_message(page, "Progress recorded.")
    expect(page.get_by_test_id("improvement-actions")).to_contain_text("rota.txt")
    click_and_wait(page, page.get_by_role("link", name="Mark done"))
    click_and_wait(page, page.get_by_role("button", name="Mark done"))
    expect_message(page, "Action marked done.")
    expect(page.get_by_test_id("improvement-actions")).to_contain_text("On time")
    log_out(page)

    log_in(supervisor)
    open_plan(page)
    click_and_wait(page, page.get_by_role("link", name="Review the implementation"))
    page.get_by_label("Period start").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Period end").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Findings").fill("Weekend visits are faster.")
    page.get_by_label("Verdict").select_option(label="Effective")
    click_and_wait(page, page.get_by_role("button", name="Record the review"))
    expect_message(page, "Actions done on time: 100.0%.")
    expect(page.get_by_test_id("review-on-time")).to_have_text("100.0%")
    assert Attachment.objects.get().progress.action.plan.title == TITLE
    assert ImprovementReview.objects.get().on_time_rate == 100

    CaseFactory.create_batch(3)
    page.locator("#main-nav").get_by_role("button", name="Feedback", exact=True).click()
    click_and_wait(page, page.locator("#main-nav").get_by_role("link", name="Complaint statistics", exact=True))
    expect(page.get_by_test_id("total-count")).to_have_text("3")
    expect(page.get_by_test_id("chart-month").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("chart-channel").locator("svg")).to_be_visible()
