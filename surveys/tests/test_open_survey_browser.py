"""An open survey from the QR card to the list of responses, clicked through in Chromium."""

import pytest
from playwright.sync_api import expect

from surveys.tests.response_builders import survey_questionnaire

pytestmark = pytest.mark.browser


def test_specialist_opens_a_qr_survey_a_visitor_answers_once_and_the_answer_is_listed(log_in, specialist, chromium):
    specialist.preferred_language = "en"
    specialist.save(update_fields=["preferred_language"])
    questionnaire = survey_questionnaire(title="Centre visit")
    page = log_in(specialist)

    page.goto(f"/surveys/open-surveys/?questionnaire={questionnaire.pk}")
    page.get_by_label("Title").fill("Beijing centre visitors")
    page.get_by_label("Link name").fill("beijing-visitors")
    with page.expect_navigation():
        page.get_by_role("button", name="Create").click()
    expect(page.get_by_test_id("open-survey-status")).to_have_text("Open")
    qr = page.get_by_test_id("open-survey-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100
    link = page.get_by_test_id("open-survey-url").inner_text()
    assert link.endswith("/s/open/beijing-visitors/")

    phone = chromium.new_context(base_url=page.url.split("/surveys/")[0], locale="en-US")
    visitor = phone.new_page()
    visitor.set_viewport_size({"width": 390, "height": 844})
    try:
        visitor.goto("/s/open/beijing-visitors/")
        visitor.locator("fieldset", has_text="Overall").get_by_text("Good", exact=True).click()
        visitor.locator("fieldset", has_text="Colour").get_by_label("Blue").check()
        visitor.locator("fieldset", has_text="Recommend").get_by_text("9", exact=True).click()
        with visitor.expect_navigation():
            visitor.get_by_role("button", name="Submit my answers").click()
        expect(visitor.get_by_test_id("survey-thanks")).to_be_visible()
        visitor.goto("/s/open/beijing-visitors/")
        expect(visitor.get_by_test_id("survey-answered")).to_contain_text("already been answered on this device")
    finally:
        phone.close()

    page.goto(f"/surveys/questionnaires/{questionnaire.pk}/responses/")
    expect(page.get_by_test_id("response-count")).to_have_text("1 response")
    expect(page.locator("table")).to_contain_text("Beijing centre visitors")
