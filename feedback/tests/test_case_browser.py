"""A phone complaint from first contact to the customer's own answer, clicked through in Chromium.

The service specialist records the complaint and sees its SLA clock; the supervisor sets the responsible
department, the cause and the countermeasure and sends the resolution, which e-mails the customer a link; the
customer answers "not satisfied" on a phone-sized page and the case reopens for its owner.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from cxcenter.models import Role
from cxcenter.tests.browser import click_and_wait, expect_message, log_out, works_in_english
from cxcenter.tests.factories import CustomerFactory, DepartmentFactory
from feedback.models import Case

pytestmark = pytest.mark.browser

SUBJECT = "Heater takes twenty minutes to warm up"
CUSTOMER_EMAIL = "li.na@example.com"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LINK = re.compile(r"https?://[^\s\"<>]+/c/[A-Za-z0-9_-]+/")


def open_cases(page: Page) -> None:
    navigation = page.locator("#main-nav")
    navigation.get_by_role("button", name="Feedback", exact=True).click()
    click_and_wait(page, navigation.get_by_role("link", name="Feedback cases", exact=True))


def test_phone_complaint_to_the_customers_answer(log_in, persona, chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    service = works_in_english(persona("service", Role.SERVICE_SPECIALIST))
    supervisor = works_in_english(persona("supervisor", Role.SUPERVISOR))
    CustomerFactory(name="Li Na", organisation="Harbour Foods", email=CUSTOMER_EMAIL)
    DepartmentFactory(name="Quality", code="quality")

    # 1. The service specialist records the phone complaint and sees the SLA clock.
    page = log_in(service)
    open_cases(page)
    click_and_wait(page, page.get_by_role("link", name="Record feedback"))
    page.get_by_label("Kind").select_option(label="Complaint")
    page.get_by_label("Channel").select_option(label="Phone call")
    page.get_by_label("Severity").select_option(label="Serious")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Description").fill("The customer called: the heater needs twenty minutes.")
    page.get_by_label("Customer", exact=True).select_option(label="Li Na (Harbour Foods)")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    expect_message(page, "you own it until it is closed")
    expect(page.get_by_test_id("case-status")).to_have_text("New")
    expect(page.get_by_test_id("case-owner")).to_have_text("Service")
    expect(page.get_by_test_id("sla-response")).to_contain_text("Respond within 4 h (calendar hours)")
    expect(page.get_by_test_id("sla-response")).to_contain_text("left")
    click_and_wait(page, page.get_by_role("button", name="Acknowledge to the customer"))
    expect(page.get_by_test_id("sla-response")).to_contain_text("Met on")
    click_and_wait(page, page.get_by_role("button", name="Investigate"))
    expect(page.get_by_test_id("case-status")).to_have_text("Investigating")
    log_out(page)

    # 2. The supervisor sets the department, the cause and the countermeasure, then sends the resolution.
    page = log_in(supervisor)
    open_cases(page)
    click_and_wait(page, page.get_by_role("link", name=re.compile(r"^FB\d{4}-")))
    handling = page.get_by_test_id("handling")
    handling.get_by_label("Responsible department").select_option(label="Quality")
    handling.get_by_label("Cause category").select_option(label="Product quality")
    handling.get_by_label("Cause analysis").fill("A batch of heating elements below specification.")
    handling.get_by_label("Countermeasures").fill("Replace the element; tighten incoming inspection.")
    handling.get_by_label("Resolution told to the customer").fill("We replaced the heating element on 3 May.")
    click_and_wait(page, handling.get_by_role("button", name="Save the handling"))
    expect_message(page, "Handling saved.")
    expect(page.get_by_test_id("case-department")).to_have_text("Quality")
    click_and_wait(page, page.get_by_role("button", name="Send the resolution to the customer"))
    expect(page.get_by_test_id("case-status")).to_have_text("Awaiting the customer")
    [message] = [message for message in mail.outbox if message.to == [CUSTOMER_EMAIL]]
    link = LINK.search(message.body).group(0)

    # 3. The customer answers "not satisfied" on a phone-sized page.
    context = chromium.new_context(**PHONE, locale="en-US")
    phone = context.new_page()
    try:
        phone.goto(link)
        expect(phone.get_by_test_id("case-resolution")).to_contain_text("replaced the heating element")
        phone.get_by_label("2 – not satisfied").check()
        phone.get_by_label("Anything you would like to add?").fill("Still slow after the repair.")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Send my answer").click()
        expect(phone.get_by_test_id("case-confirmed")).to_contain_text("looking into it again")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        phone.goto(link)
        expect(phone.get_by_test_id("link-unknown")).to_be_visible()
    finally:
        context.close()

    # 4. The case is open again for its owner, who is told by e-mail.
    page.reload()
    expect(page.get_by_test_id("case-status")).to_have_text("Investigating")
    expect(page.get_by_test_id("reopened")).to_have_text("Reopened once")
    expect(page.locator(".timeline")).to_contain_text("Still slow after the repair.")
    assert any(message.to == [service.email] and "not satisfied" in message.subject for message in mail.outbox)
    case = Case.objects.get(subject=SUBJECT)
    assert case.reopened_count == 1 and case.customer_satisfaction == 2
