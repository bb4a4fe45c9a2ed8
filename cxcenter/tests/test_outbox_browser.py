"""The director finds an e-mail the mail server refused and sends it again, in Chromium."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from cxcenter import outbox
from cxcenter.models import Customer
from cxcenter.tests.browser import click_and_wait, expect_message, works_in_english
from cxcenter.tests.factories import CustomerFactory

pytestmark = pytest.mark.browser

ADDRESS = "wang.fang@example.com"


def test_the_director_finds_a_refused_email_and_sends_it_again(log_in, director, smtp_server):
    customer = CustomerFactory(name="Wang Fang")
    smtp_server.refuse[ADDRESS] = "550 5.1.1 Mailbox unavailable"
    context = {"item": customer, "kind": Customer._meta.verbose_name, "url": customer.get_absolute_url()}
    with transaction.atomic():
        outbox.email_address("cxcenter/emails/item_submitted", ADDRESS, language="en", about=customer, context=context)

    page = log_in(works_in_english(director))
    click_and_wait(page, page.get_by_role("link", name="Notifications"))
    row = page.get_by_test_id("notifications").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("550 5.1.1 Mailbox unavailable")
    expect(row).to_contain_text(ADDRESS)

    del smtp_server.refuse[ADDRESS]
    click_and_wait(page, row.get_by_role("button", name="Send again"))
    expect_message(page, "will be sent again shortly")
    expect(page.locator("main")).to_contain_text("No notification has failed.")
    assert smtp_server.per_address() == {ADDRESS: 1}

    page.goto(customer.get_absolute_url())  # the customer's timeline tells the story
    expect(page.locator("main")).to_contain_text("could not be sent: 550 5.1.1")
    expect(page.locator("main")).to_contain_text("notification sent again")
