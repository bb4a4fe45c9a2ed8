"""A survey report from draft to archive, clicked through in Chromium.

The supervisor drafts the survey report of an approved plan and submits it; the director approves it from the
approvals inbox and downloads the PDF; once the plan is completed the specialist archives it; nothing can be
edited afterwards, not even by posting to an edit address.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cxcenter.models import Role
from cxcenter.tests.browser import click_and_wait, expect_message, log_out, works_in_english
from surveys.models import PlanMilestone, SurveyPlan, SurveyReport
from surveys.services import plans

pytestmark = pytest.mark.browser

PLAN_TITLE = "2027 kettle after-sales survey"
FINDINGS = "Customers wait too long for repairs."


def test_a_report_is_drafted_approved_downloaded_and_archived(log_in, persona):
    supervisor = works_in_english(persona("supervisor", Role.SUPERVISOR))
    director = works_in_english(persona("director", Role.DIRECTOR))
    specialist = works_in_english(persona("specialist", Role.SPECIALIST))
    today = timezone.localdate()
    plan = plans.create_plan(
        actor=supervisor,
        staff=[specialist],
        title=PLAN_TITLE,
        goal="Find what customers think of after-sales service.",
        product_type=SurveyPlan.ProductType.SERVICE,
        method=SurveyPlan.Method.QUESTIONNAIRE,
        owner=supervisor,
        period_start=today - datetime.timedelta(days=40),
        period_end=today - datetime.timedelta(days=1),
        report_due=today,
    )
    plans.submit_plan(plan_id=plan.pk, actor=supervisor)
    plans.approve_plan(plan_id=plan.pk, actor=director)

    # 1. The supervisor drafts the survey report from the plan's page and submits it.
    page = log_in(supervisor)
    page.goto(plan.get_absolute_url())
    click_and_wait(page, page.get_by_role("button", name="Draft the survey report"))
    expect_message(page, "Survey report drafted")
    page.get_by_label("Findings (problems found)").fill(FINDINGS)
    page.get_by_label("Conclusions").fill("Service is good but slow.")
    page.get_by_label("Recommendations").fill("Add a second repair team.")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "Report saved.")
    expect(page.get_by_test_id("report-text")).to_contain_text(FINDINGS)
    click_and_wait(page, page.get_by_role("button", name="Submit to the director"))
    expect_message(page, "Report submitted to the director.")
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    log_out(page)

    # 2. The director approves it from the approvals inbox and downloads the PDF.
    page = log_in(director)
    click_and_wait(page, page.locator("#main-nav").get_by_role("link", name="Approvals", exact=True))
    row = page.locator("main tbody tr").filter(has=page.get_by_role("cell", name="Survey report", exact=True))
    click_and_wait(page, row.get_by_role("link"))
    page.get_by_label(re.compile(r"^Comment \(required to return")).fill("Approved.")
    click_and_wait(page, page.get_by_role("button", name="Approve", exact=True))
    expect_message(page, "Report approved.")
    expect(page.get_by_test_id("report-status")).to_have_text("Approved")
    pdf_link = page.get_by_role("link", name="Download PDF")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert plan.milestones.get(node=PlanMilestone.Node.REPORT).is_done
    log_out(page)

    # 3. The plan is completed; the specialist archives it.
    plans.start_plan(plan_id=plan.pk, actor=supervisor)
    plans.complete_plan(plan_id=plan.pk, actor=supervisor)
    page = log_in(specialist)
    page.goto(plan.get_absolute_url())
    click_and_wait(page, page.get_by_role("button", name="Archive the plan"))
    number = f"{today.year}-0001"
    expect_message(page, f"Plan archived as {number}.")
    expect(page.get_by_test_id("plan-status")).to_have_text("Archived")
    expect(page.get_by_test_id("archive-number")).to_contain_text(number)
    log_out(page)

    # 4. Nothing can be edited any more: no buttons, and a POST to the edit address is refused.
    page = log_in(supervisor)
    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="New questionnaire for this plan")).to_have_count(0)
    report = SurveyReport.objects.get(plan=plan)
    page.goto(report.get_absolute_url())
    expect(page.get_by_role("link", name="Edit the text")).to_have_count(0)
    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    refused = page.request.post(
        f"/surveys/reports/{report.pk}/edit/",
        form={"findings": "changed", "conclusions": "changed", "recommendations": ""},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert refused.status == 403
    report.refresh_from_db()
    assert report.findings == FINDINGS
