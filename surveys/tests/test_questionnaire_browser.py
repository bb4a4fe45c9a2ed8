"""A questionnaire from template to approval, clicked through in Chromium."""

import pytest
from playwright.sync_api import expect

from cxcenter.tests.browser import works_in_english
from surveys.models import Questionnaire
from surveys.tests.factories import SurveyPlanFactory

pytestmark = pytest.mark.browser


def test_supervisor_builds_from_a_template_previews_on_a_phone_and_the_director_approves(log_in, supervisor, director):
    plan = SurveyPlanFactory(owner=supervisor, title="2027 新品体验调研")
    page = log_in(works_in_english(supervisor))

    page.goto(f"/surveys/plans/{plan.pk}/questionnaires/new/")
    page.locator("#id_template_key").select_option("physical_product")
    page.locator("#id_language").select_option("zh-hans")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("客户体验调研表（实物产品）")
    expect(page.locator("main")).to_contain_text("产品形状和大小")

    page.set_viewport_size({"width": 390, "height": 844})
    with page.expect_navigation():
        page.get_by_role("link", name="Preview").click()
    preview = page.get_by_test_id("survey-preview")
    expect(preview).to_have_attribute("lang", "zh-hans")
    shape = preview.locator("fieldset", has_text="产品形状和大小")
    shape.locator("label").first.click()
    expect(shape.locator("input").first).to_be_checked()
    channel = preview.locator("fieldset", has_text="如购买，您会选择哪种渠道？")
    channel.get_by_label("网红带货").check()
    expect(channel.get_by_label("网红带货")).to_be_checked()

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the questionnaire").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the director").click()
    expect(page.get_by_test_id("questionnaire-status")).to_have_text("In review")

    page.context.clear_cookies()
    page = log_in(works_in_english(director))
    questionnaire = Questionnaire.objects.get()
    page.goto(f"/surveys/questionnaires/{questionnaire.pk}/")
    page.get_by_label("Comment (required to return it)").fill("可以发送")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("questionnaire-status")).to_have_text("Approved")
    expect(page.locator(".timeline")).to_contain_text("可以发送")
