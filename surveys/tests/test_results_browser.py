"""The results page in Chromium: the director reads a questionnaire's results in Chinese."""

import pytest
from playwright.sync_api import expect

from surveys.tests.factories import InvitationFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire

pytestmark = pytest.mark.browser


def test_director_reads_the_index_and_a_chart_in_chinese(log_in, director):
    director.preferred_language = "zh-hans"
    director.save(update_fields=["preferred_language"])
    questionnaire = survey_questionnaire(title="展厅体验调查")
    answer_invitation(InvitationFactory(batch__questionnaire=questionnaire))
    answer_invitation(InvitationFactory(batch__questionnaire=questionnaire), good_answers(questionnaire, Overall="3"))

    page = log_in(director)
    page.goto(f"/surveys/questionnaires/{questionnaire.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("questionnaire-results").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # Indexes 90.00 and 65.00 (the rating 3 scores 0.5, the recommend 8 scores 0.8).
    expect(page.get_by_test_id("satisfaction-index")).to_have_text("77.50")
    expect(page.get_by_test_id("response-rate")).to_have_text("100.0%")
    overall = page.get_by_test_id("question-result").filter(has_text="Overall")
    chart = overall.locator("svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("好")
    expect(chart).to_contain_text("一般")
