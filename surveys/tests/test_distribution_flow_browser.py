"""A questionnaire sent to fifty customers by e-mail, answered on a phone and followed up with reminders.

The specialist launches the batch from the questionnaire's page in Chromium; the e-mails go through a real SMTP
server on 127.0.0.1, and one customer answers from the link in their own e-mail on a phone-sized browser.
"""

import datetime
import re
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cxcenter.models import Customer
from cxcenter.tests.browser import click_and_wait, works_in_english
from cxcenter.tests.factories import CustomerFactory
from cxcenter.tests.mail_server import running_mail_server
from surveys.models import Invitation, InvitationBatch, Question, Questionnaire, Response, SurveyPlan
from surveys.services import distribution
from surveys.tests.factories import (
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    SurveyPlanFactory,
)

pytestmark = pytest.mark.browser

TITLE = "Smart kettle experience"
BATCH_NAME = "Key customers, autumn"
SUBJECT = "How is your new kettle?"
MESSAGE = "Thank you for choosing our kettle. Two minutes of your time help us make it better."
RATING = "How satisfied are you with the kettle overall?"
COLOUR = "Which colour did you buy?"
COMMENTS = "Anything else you would like to tell us?"
COMMENT_TEXT = "The lid is hard to open with one hand."
ANSWERING = "buyer07@example.com"
INVITED = [f"buyer{number:02d}@example.com" for number in range(1, 51)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def questionnaire():
    plan = SurveyPlanFactory(status=SurveyPlan.Status.IN_PROGRESS, title="2027 smart kettle survey")
    questionnaire = QuestionnaireFactory(plan=plan, status=Questionnaire.Status.APPROVED, language="en", title=TITLE)
    section = SectionFactory(questionnaire=questionnaire, title="Your kettle")
    QuestionFactory(section=section, kind=Question.Kind.RATING, text=RATING)
    colour = QuestionFactory(section=section, kind=Question.Kind.SINGLE, text=COLOUR, is_required=False)
    ChoiceFactory(question=colour, label="Silver")
    ChoiceFactory(question=colour, label="Red")
    QuestionFactory(section=section, kind=Question.Kind.TEXT, text=COMMENTS, is_required=False)
    return questionnaire


@pytest.fixture
def customers():
    """Fifty key customers who can be invited, two key customers who cannot, and ordinary ones the filter leaves out."""
    for number, address in enumerate(INVITED, start=1):
        CustomerFactory(tier=Customer.Tier.KEY, name=f"Buyer {number:02d}", email=address)
    CustomerFactory(tier=Customer.Tier.KEY, name="Chen Jing", email="chen.jing@example.com", consents_to_surveys=False)
    CustomerFactory(tier=Customer.Tier.KEY, name="Liu Yang", email="")
    for number in range(3):
        CustomerFactory(tier=Customer.Tier.ORDINARY, name=f"Walk-in {number}", email=f"walkin{number}@example.com")


@pytest.fixture
def smtp_server(settings, live_server):
    # The links in the e-mails must lead to the server the phone browser can reach.
    settings.SITE_URL = live_server.url
    with running_mail_server(settings) as server:
        yield server


def figure(page: Page, label: str):
    """One of the batch's progress figures, found by the caption under it."""
    return page.get_by_test_id("batch-progress").locator(f"div:has(> .small:text-is('{label}')) > .figure-number")


def choose_key_customers(page: Page) -> None:
    page.get_by_label("Tier").select_option(label="Key customer")
    audience = page.get_by_test_id("audience")
    expect(audience).to_contain_text("50 customers matching the filters will be invited")
    expect(audience).to_contain_text("2 selected customers will be skipped")
    expect(audience).to_contain_text("No e-mail address: 1")
    expect(audience).to_contain_text("Has not consented to surveys: 1")


def fill_mailing(page: Page) -> None:
    deadline = timezone.localtime() + datetime.timedelta(days=14)
    page.get_by_label("Name").fill(BATCH_NAME)
    page.get_by_role("textbox", name="Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("E-mail subject").fill(SUBJECT)
    page.get_by_label("E-mail message").fill(MESSAGE)


def launch_batch(page: Page, questionnaire) -> None:
    page.goto(questionnaire.get_absolute_url())
    click_and_wait(page, page.get_by_role("link", name="Send to customers"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Send “{TITLE}” to customers")
    choose_key_customers(page)
    fill_mailing(page)
    click_and_wait(page, page.get_by_role("button", name="Send the invitations"))


def expect_progress(page: Page, *, sent: int, opened: int, answered: int) -> None:
    expect(page.get_by_test_id("sent-count")).to_have_text(str(sent))
    expect(page.get_by_test_id("sending")).to_have_count(0)
    expect(page.get_by_test_id("failed-count")).to_have_text("0")
    expect(figure(page, "Opened")).to_have_text(str(opened))
    expect(figure(page, "Answered")).to_have_text(str(answered))


def expect_skipped_listed(page: Page) -> None:
    skipped = page.get_by_test_id("skipped")
    expect(skipped).to_contain_text("2 customers skipped")
    expect(skipped.locator("tbody tr").filter(has_text="Chen Jing")).to_contain_text("Has not consented to surveys")
    expect(skipped.locator("tbody tr").filter(has_text="Liu Yang")).to_contain_text("No e-mail address")


def assert_one_invitation_each(smtp_server, batch: InvitationBatch) -> None:
    assert len(smtp_server.received) == 50
    assert sorted(smtp_server.per_address()) == INVITED
    tokens = dict(batch.invitations.values_list("email", "token"))
    for mail in smtp_server.received:
        assert mail.subject == SUBJECT
        assert MESSAGE in mail.text
        assert mail.tokens == {tokens[mail.to]}
    assert len({token for mail in smtp_server.received for token in mail.tokens}) == 50


def link_in_email(smtp_server, address: str) -> str:
    [link] = re.findall(r"https?://\S+/s/[A-Za-z0-9_-]+/", smtp_server.to(address).text)
    return link


def question_group(page: Page, text: str):
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def answer_on_a_phone(chromium: Browser, link: str) -> None:
    phone = chromium.new_context(locale="en-US", **PHONE)
    customer = phone.new_page()
    try:
        customer.goto(link)
        expect(customer.get_by_role("heading", level=1)).to_have_text(TITLE)
        question_group(customer, COMMENTS).get_by_role("textbox").fill(COMMENT_TEXT)
        click_and_wait(customer, customer.get_by_role("button", name="Submit my answers"))

        expect(customer.get_by_test_id("survey-errors")).to_contain_text("One answer needs your attention")
        expect(question_group(customer, RATING)).to_contain_text("Please answer this question.")
        expect(question_group(customer, COMMENTS).get_by_role("textbox")).to_have_value(COMMENT_TEXT)

        question_group(customer, RATING).get_by_text("Fairly good", exact=True).click()
        question_group(customer, COLOUR).get_by_label("Red").check()
        # A customer's impatient double tap must still end on the thank-you page with one response.
        customer.get_by_role("button", name="Submit my answers").dblclick()
        expect(customer.get_by_test_id("survey-thanks")).to_be_visible()
        expect(customer.get_by_test_id("survey-thanks")).to_contain_text("Your answers have been received")
    finally:
        phone.close()


def twelve_days_pass(batch: InvitationBatch) -> None:
    # Reminders go to e-mails sent at least a day ago in a batch whose deadline is near: both move back together.
    shift = datetime.timedelta(days=12)
    InvitationBatch.objects.filter(pk=batch.pk).update(deadline=F("deadline") - shift)
    Invitation.objects.filter(batch=batch).update(sent_at=F("sent_at") - shift)


def reminders(smtp_server) -> list:
    return [mail for mail in smtp_server.received if mail.subject == f"Reminder: {SUBJECT}"]


def test_fifty_customers_are_invited_one_answers_on_a_phone_and_the_others_are_reminded(
    log_in, specialist, questionnaire, customers, smtp_server, chromium
):
    page = log_in(works_in_english(specialist))
    launch_batch(page, questionnaire)

    expect(page.get_by_role("heading", level=1)).to_have_text(BATCH_NAME)
    batch = InvitationBatch.objects.get()
    expect_progress(page, sent=50, opened=0, answered=0)
    expect_skipped_listed(page)
    assert_one_invitation_each(smtp_server, batch)

    answer_on_a_phone(chromium, link_in_email(smtp_server, ANSWERING))
    invitation = batch.invitations.get(email=ANSWERING)
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert Response.objects.count() == 1

    page.reload()
    expect_progress(page, sent=50, opened=1, answered=1)
    expect(page.get_by_test_id("response-rate")).to_have_text(re.compile(r"^2(\.0)?%$"))

    twelve_days_pass(batch)
    assert distribution.send_due_reminders() == 49
    reminded = Counter(mail.to for mail in reminders(smtp_server))
    assert sorted(reminded) == sorted(set(INVITED) - {ANSWERING})
    assert set(reminded.values()) == {1}
    tokens = dict(batch.invitations.values_list("email", "token"))
    assert all(mail.tokens == {tokens[mail.to]} for mail in reminders(smtp_server))

    assert distribution.send_due_reminders() == 0
    assert len(smtp_server.received) == 50 + 49
