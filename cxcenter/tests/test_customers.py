import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from cxcenter import services
from cxcenter.exports import safe_cell
from cxcenter.models import Customer, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_FORM = {
    "name": "王芳",
    "organisation": "华东智能制造有限公司",
    "industry": "制造业",
    "tier": "key",
    "email": "wang.fang@example.com",
    "phone": "13800001111",
    "preferred_contact": "email",
    "consents_to_surveys": "on",
}


def test_specialist_creates_a_customer_and_it_is_on_the_timeline(as_user, specialist):
    response = as_user(specialist).post(reverse("customer-create"), CUSTOMER_FORM)
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    assert customer.tier == Customer.Tier.KEY and customer.consents_to_surveys
    assert [entry.action for entry in timeline_for(customer)] == [TimelineEntry.Action.CREATED]


def test_a_bad_email_is_refused_with_the_form_kept(as_user, specialist):
    response = as_user(specialist).post(reverse("customer-create"), {**CUSTOMER_FORM, "email": "not-an-address"})
    assert response.status_code == 200
    assert not Customer.objects.exists()
    assert "wang.fang" not in response.content.decode()
    assert "华东智能制造有限公司" in response.content.decode()


def test_duplicate_email_is_refused_whatever_its_case(as_user, specialist):
    CustomerFactory(email="Wang.Fang@Example.com")
    response = as_user(specialist).post(reverse("customer-create"), CUSTOMER_FORM)
    assert response.status_code == 200
    assert Customer.objects.count() == 1


def test_consent_change_is_timelined(director):
    customer = CustomerFactory(consents_to_surveys=True)
    services.update_customer(customer_id=customer.pk, actor=director, consents_to_surveys=False)
    actions = [entry.action for entry in timeline_for(customer)]
    assert actions == [TimelineEntry.Action.CONSENT_WITHDRAWN, TimelineEntry.Action.UPDATED]
    services.update_customer(customer_id=customer.pk, actor=director, consents_to_surveys=True)
    assert timeline_for(customer)[0].action == TimelineEntry.Action.CONSENT_GIVEN


def test_saving_without_changes_adds_nothing_to_the_timeline(director):
    customer = CustomerFactory()
    services.update_customer(customer_id=customer.pk, actor=director, name=customer.name)
    assert timeline_for(customer) == []


def test_account_manager_edits_only_own_customers(as_user, account_manager, persona):
    other_manager = persona("other", "account_manager")
    mine = CustomerFactory(account_manager=account_manager)
    theirs = CustomerFactory(account_manager=other_manager)
    client = as_user(account_manager)
    assert client.get(reverse("customer-edit", args=[mine.pk])).status_code == 200
    response = client.post(reverse("customer-edit", args=[theirs.pk]), {**CUSTOMER_FORM, "name": "改名"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name != "改名"
    with pytest.raises(PermissionDenied):
        services.update_customer(customer_id=theirs.pk, actor=account_manager, name="改名")


def test_unknown_customer_is_not_found(as_user, director):
    assert as_user(director).get(reverse("customer-detail", args=[987654])).status_code == 404


def test_list_searches_filters_and_paginates(as_user, director, settings):
    settings.CX_PAGE_SIZE = 5
    CustomerFactory.create_batch(7, tier="ordinary", industry="零售")
    CustomerFactory(name="赵敏", tier="key", industry="医疗器械", consents_to_surveys=False)
    client = as_user(director)
    page = client.get(reverse("customer-list"), {"q": "赵敏"})
    assert list(page.context["customers"]) == [Customer.objects.get(name="赵敏")]
    page = client.get(reverse("customer-list"), {"tier": "key", "consents_to_surveys": "false"})
    assert [c.name for c in page.context["customers"]] == ["赵敏"]
    page = client.get(reverse("customer-list"), {"industry": "零售", "page": 2})
    assert len(page.context["customers"]) == 2
    assert "industry=%E9%9B%B6%E5%94%AE" in page.context["query"]


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_does_not_grow_with_rows(
    as_user, director, account_manager, rows, django_assert_max_num_queries
):
    CustomerFactory.create_batch(rows, account_manager=account_manager)
    client = as_user(director)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("customer-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_export_query_count_does_not_grow_with_rows(
    as_user, director, account_manager, rows, django_assert_max_num_queries
):
    CustomerFactory.create_batch(rows, account_manager=account_manager)
    client = as_user(director)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("customer-list"), {"export": "xlsx"}).status_code == 200


def test_export_holds_the_filtered_rows_with_formulas_neutralised(as_user, director, tmp_path):
    CustomerFactory(name='=HYPERLINK("http://evil")', organisation="+cmd", tier="key")
    CustomerFactory(name="普通客户", tier="ordinary")
    response = as_user(director).get(reverse("customer-list"), {"tier": "key", "export": "xlsx"})
    path = tmp_path / "customers.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1] == "'+cmd"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_safe_cell_neutralises_formula_prefixes(value):
    assert safe_cell(value) == "'" + value


def test_safe_cell_leaves_numbers_and_plain_text():
    assert safe_cell(-5) == -5
    assert safe_cell("王芳") == "王芳"
