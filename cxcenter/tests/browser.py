"""Browser test support: Playwright driving Debian's Chromium against the live server.

Fixtures: `browser_page` (a fresh browser context per test, English unless `browser_locale` is parametrized)
and `log_in` (signs a user in through the real login form). Mark such tests `@pytest.mark.browser`.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling Google services the closed network
# never answers, and pages stall behind them.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The password UserFactory gives every user.
PASSWORD = "correct-horse-battery"
TIMEOUT_MS = 10_000

phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `browser_page` knows whether to take a screenshot."""
    report = yield
    item.stash.setdefault(phase_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole run; starting it costs more than most tests."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium).",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls from a
    # thread with a running loop; tests and fixtures read and write rows while the browser is open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        # While the loop runs, Django keeps a separate set of connections for this thread; close them before
        # the loop stops hiding them, or PostgreSQL refuses to drop the test database at the end of the run.
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_locale() -> str:
    """The browser's language, sent as Accept-Language; override with parametrize("browser_locale", [...])."""
    return "en-US"


@pytest.fixture
def browser_page(request, chromium, live_server, browser_locale) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, locale=browser_locale)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        call = request.node.stash.get(phase_reports, {}).get("call")
        if call is not None and call.failed and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.nodeid)}.png")
        context.close()


def submit_login_form(page: Page, username: str, password: str) -> None:
    """Fill in the login form on the current page and wait for the answer, whatever it is."""
    form = page.locator("form:has(#id_username)")
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.fixture
def log_in(browser_page) -> Callable[..., Page]:
    """log_in(user) → `browser_page`, signed in as that user through the login form."""

    def sign_in(user, password: str = PASSWORD) -> Page:
        browser_page.goto("/accounts/login/")
        submit_login_form(browser_page, user.get_username(), password)
        if "/accounts/login/" in browser_page.url:
            pytest.fail(f"{user.get_username()} could not log in: {browser_page.locator('main').inner_text()}")
        return browser_page

    return sign_in


def works_in_english(user):
    """The user chose English, so pages and e-mails read as the assertions expect."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def click_and_wait(page: Page, target) -> None:
    with page.expect_navigation():
        target.click()


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    click_and_wait(page, page.get_by_role("button", name="Log out"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
