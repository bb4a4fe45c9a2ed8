"""The satisfaction index tree, clicked through in Chromium: add factors, share out their weights, retire one."""

import pytest
from playwright.sync_api import expect

from cxcenter.tests.browser import works_in_english
from surveys.models import IndexFactor
from surveys.services.index import add_factor, create_index_system

pytestmark = pytest.mark.browser


def test_supervisor_shares_out_the_weights_of_a_group_and_retires_a_factor(log_in, supervisor):
    system = create_index_system(name="Product satisfaction", actor=supervisor)
    add_factor(system_id=system.pk, name="Appearance", weight=100, actor=supervisor)
    page = log_in(works_in_english(supervisor))
    page.goto(f"/surveys/index/{system.pk}/")

    page.get_by_role("link", name="New top-level factor").click()
    page.get_by_label("Name").fill("Use")
    page.get_by_label("Weight (%)").fill("40")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("weight-problems")).to_contain_text("add up to 140.00%")

    page.get_by_role("link", name="Correct the weights").click()
    page.get_by_label("Appearance").fill("50")
    expect(page.get_by_test_id("weights-total")).to_contain_text("90.00%")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_test_id("weights-error")).to_contain_text("add up to 90.00%; they must add up to 100%")

    page.get_by_label("Appearance").fill("60")
    expect(page.get_by_test_id("weights-total")).to_contain_text("100.00%")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_role("alert").first).to_contain_text("Weights saved.")
    expect(page.get_by_test_id("weight-problems")).to_have_count(0)

    use = IndexFactor.objects.get(name="Use")
    page.get_by_test_id(f"factor-{use.pk}").get_by_role("link", name="Retire").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Retire the factor").click()
    expect(page.get_by_test_id(f"factor-{use.pk}")).to_contain_text("Retired on")
    expect(page.get_by_test_id("weight-problems")).to_contain_text("add up to 60.00%")
