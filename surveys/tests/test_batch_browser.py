"""Sending a questionnaire to customers, clicked through in Chromium."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cxcenter.models import Customer
from cxcenter.tests.browser import works_in_english
from cxcenter.tests.factories import CustomerFactory
from surveys.models import Invitation, InvitationBatch, Questionnaire, SurveyPlan
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory, QuestionnaireFactory, SurveyPlanFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def questionnaire():
    plan = SurveyPlanFactory(status=SurveyPlan.Status.IN_PROGRESS)
    return QuestionnaireFactory(plan=plan, status=Questionnaire.Status.APPROVED, language="en", title="Kettle survey")


def test_specialist_sends_to_key_customers_and_sees_who_was_skipped(log_in, specialist, questionnaire, mailoutbox):
    CustomerFactory(tier=Customer.Tier.KEY, name="Wang Fang")
    CustomerFactory(tier=Customer.Tier.KEY, name="Li Lei", consents_to_surveys=False)
    CustomerFactory(tier=Customer.Tier.ORDINARY, name="Zhao Min")
    page = log_in(works_in_english(specialist))

    page.goto(questionnaire.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name="Send to customers").click()
    audience = page.get_by_test_id("audience")
    expect(audience).to_contain_text("2 customers matching the filters will be invited")
    page.get_by_label("Tier").select_option("key")
    expect(page.get_by_test_id("audience")).to_contain_text("1 customer matching the filters will be invited")
    expect(page.get_by_test_id("audience")).to_contain_text("Has not consented to surveys: 1")
    page.get_by_label("Search").fill("Nobody of that name")
    expect(page.get_by_test_id("audience")).to_contain_text("0 customers matching the filters will be invited")
    page.get_by_label("Search").fill("")
    expect(page.get_by_test_id("audience")).to_contain_text("1 customer matching the filters will be invited")
    page.get_by_label("Name").fill("Key customers, spring")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitations").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Key customers, spring")
    expect(page.get_by_test_id("sent-count")).to_have_text("1")
    expect(page.get_by_test_id("skipped")).to_contain_text("Li Lei")
    expect(page.get_by_test_id("skipped")).to_contain_text("Has not consented to surveys")
    assert [message.to for message in mailoutbox] == [[Customer.objects.get(name="Wang Fang").email]]


def test_the_progress_updates_by_itself_while_the_emails_go_out(log_in, specialist, questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire, name="Live")
    invitation = InvitationFactory(batch=batch)
    page = log_in(works_in_english(specialist))

    page.goto(batch.get_absolute_url())
    expect(page.get_by_test_id("sending")).to_be_visible()
    expect(page.get_by_test_id("sent-count")).to_have_text("0")

    Invitation.objects.filter(pk=invitation.pk).update(
        delivery=Invitation.Delivery.SENT, sent_at=timezone.now(), attempts=1
    )

    expect(page.get_by_test_id("sent-count")).to_have_text("1")
    expect(page.get_by_test_id("sending")).to_have_count(0)
    assert InvitationBatch.objects.get().pk == batch.pk
