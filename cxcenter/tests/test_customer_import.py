"""Customer import: every row checked, all or nothing."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cxcenter.models import Customer, TimelineEntry
from cxcenter.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = ["contact name", "organisation", "industry", "tier", "e-mail", "account manager", "consents to surveys"]


def xlsx(rows, header=HEADER, name="customers.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file):
    return client.post(reverse("customer-import"), {"file": file})


def test_a_good_file_imports_every_row(as_user, specialist, account_manager):
    rows = [
        ["王芳", "华东智能制造", "制造业", "重点客户", "wang@example.com", "account", "是"],
        ["Oliver Smith", "Harbour Foods", "Food", "large", "oliver@example.com", "", "no"],
    ]
    response = upload(as_user(specialist), xlsx(rows))
    assert response.status_code == 302
    wang = Customer.objects.get(email="wang@example.com")
    assert wang.tier == Customer.Tier.KEY and wang.consents_to_surveys and wang.account_manager == account_manager
    oliver = Customer.objects.get(email="oliver@example.com")
    assert oliver.tier == Customer.Tier.LARGE and not oliver.consents_to_surveys
    assert TimelineEntry.objects.filter(action=TimelineEntry.Action.IMPORTED).count() == 2


def test_chinese_headers_are_accepted(as_user, specialist):
    header = ["联系人", "单位", "行业", "客户等级", "电子邮件", "客户经理", "同意参与调研"]
    from django.utils import translation

    with translation.override("zh-hans"):
        from cxcenter.customer_import import column_label

        header = [
            str(column_label(c))
            for c in ["name", "organisation", "industry", "tier", "email", "account_manager", "consents_to_surveys"]
        ]
    response = upload(as_user(specialist), xlsx([["李娜", "", "", "ordinary", "", "", "yes"]], header=header))
    assert response.status_code == 302
    assert Customer.objects.get().name == "李娜"


def test_one_bad_row_imports_nothing_and_names_the_row(as_user, specialist):
    rows = [
        ["王芳", "", "", "key", "wang@example.com", "", "yes"],
        ["李娜", "", "", "key", "not-an-email", "", "yes"],
        ["张伟", "", "", "gold", "zhang@example.com", "", "maybe"],
    ]
    response = upload(as_user(specialist), xlsx(rows))
    assert response.status_code == 400
    assert not Customer.objects.exists()
    errors = {error.row: error.message for error in response.context["errors"]}
    assert set(errors) == {3, 4}
    assert "e-mail" in errors[3].lower()
    assert "tier" in errors[4] and "consents to surveys" in errors[4]


def test_duplicates_in_the_file_and_in_the_database_are_reported(as_user, specialist):
    CustomerFactory(email="existing@example.com")
    rows = [
        ["A", "", "", "", "new@example.com", "", ""],
        ["B", "", "", "", "NEW@example.com", "", ""],
        ["C", "", "", "", "existing@example.com", "", ""],
    ]
    response = upload(as_user(specialist), xlsx(rows))
    assert response.status_code == 400
    messages = {error.row: error.message for error in response.context["errors"]}
    assert "row 2" in messages[3]
    assert "already exists" in messages[4]
    assert Customer.objects.count() == 1


def test_unknown_account_manager_is_reported(as_user, specialist):
    response = upload(as_user(specialist), xlsx([["A", "", "", "", "", "ghost", ""]]))
    assert response.status_code == 400
    assert "ghost" in response.context["errors"][0].message


def test_wrong_columns_are_named(as_user, specialist):
    response = upload(as_user(specialist), xlsx([["x", "y"]], header=["customer", "colour"]))
    assert response.status_code == 400
    messages = " ".join(error.message for error in response.context["errors"])
    assert "customer, colour" in messages and "contact name" in messages


def test_a_file_that_is_not_xlsx_is_refused(as_user, specialist):
    fake = SimpleUploadedFile("customers.xlsx", b"name,email\nA,a@example.com\n")
    response = upload(as_user(specialist), fake)
    assert response.status_code == 400
    assert "not an Excel workbook" in response.context["errors"][0].message


def test_an_empty_workbook_is_refused(as_user, specialist):
    response = upload(as_user(specialist), xlsx([]))
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_the_template_can_be_imported_back(as_user, specialist, tmp_path):
    client = as_user(specialist)
    template = client.get(reverse("customer-import-template"))
    header = next(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))
    assert "contact name" in header
    response = upload(client, SimpleUploadedFile("template.xlsx", template.content))
    assert response.status_code == 302
    assert Customer.objects.count() == 1


def test_an_oversized_file_is_refused_before_reading(as_user, specialist):
    big = SimpleUploadedFile("customers.xlsx", b"0" * (5 * 1024 * 1024 + 1))
    response = upload(as_user(specialist), big)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not Customer.objects.exists()


def test_import_of_many_rows_runs_a_fixed_number_of_queries(as_user, specialist, django_assert_max_num_queries):
    rows = [[f"客户{n}", "", "", "", f"c{n}@example.com", "", "yes"] for n in range(200)]
    client = as_user(specialist)
    with django_assert_max_num_queries(20):
        response = upload(client, xlsx(rows))
    assert response.status_code == 302
    assert Customer.objects.count() == 200
    assert TimelineEntry.objects.filter(action=TimelineEntry.Action.IMPORTED).count() == 200
