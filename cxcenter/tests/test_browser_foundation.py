"""What a member of staff meets first, clicked through in Chromium: language, sign-in lockout, customer import."""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from cxcenter.models import Customer
from cxcenter.tests.browser import PASSWORD, submit_login_form

pytestmark = pytest.mark.browser

HEADER = ["contact name", "organisation", "e-mail", "tier", "consents to surveys"]


def works_in_english(user):
    """Users start in the product language (Chinese); these checks read the English pages."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def customer_file(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def upload_customer_file(page, path):
    page.goto("/customers/import/")
    page.locator("#id_file").set_input_files(path)
    with page.expect_navigation():
        page.locator("form:has(#id_file) button[type=submit]").click()


def test_director_switches_the_dashboard_to_chinese(log_in, director):
    page = log_in(works_in_english(director))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")

    with page.expect_navigation():
        page.locator("button[name=language][value=zh-hans]").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Welcome,")
    director.refresh_from_db()
    assert director.preferred_language == "zh-hans"


def test_five_wrong_passwords_lock_the_account(browser_page, director):
    page = browser_page
    for _attempt in range(5):
        page.goto("/accounts/login/")
        submit_login_form(page, director.username, "wrong-password")

    page.goto("/accounts/login/")
    submit_login_form(page, director.username, PASSWORD)

    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_customer_file_with_one_bad_row_imports_nothing(log_in, specialist, tmp_path):
    page = log_in(works_in_english(specialist))
    rows = [
        ["Li Wei", "Acme Machinery", "li.wei@example.com", "key", "yes"],
        ["Zhang Min", "Bright Foods", "zhang.min.example.com", "large", "no"],
        ["Wang Fang", "Harbour Logistics", "wang.fang@example.com", "ordinary", "yes"],
    ]

    upload_customer_file(page, customer_file(tmp_path / "customers.xlsx", rows))

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Row 3")
    expect(errors).to_contain_text("Enter a valid email address.")
    assert Customer.objects.count() == 0

    rows[1][2] = "zhang.min@example.com"
    upload_customer_file(page, customer_file(tmp_path / "customers-fixed.xlsx", rows))

    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.get_by_role("alert")).to_contain_text("3 customers imported.")
    for name in ("Li Wei", "Zhang Min", "Wang Fang"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert Customer.objects.count() == 3
