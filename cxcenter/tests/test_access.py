"""Every staff page needs a login and the right role."""

import pytest
from django.urls import get_resolver, reverse

from cxcenter.models import Role
from cxcenter.tests.factories import CustomerFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

PUBLIC_VIEWS = {"login", "set_language", "healthz"}


def test_every_core_view_checks_a_role():
    resolver = get_resolver()
    unchecked = [
        pattern.name
        for pattern in resolver.url_patterns
        if getattr(pattern, "name", None)
        and pattern.name not in PUBLIC_VIEWS | {"logout", "password_change", "password_change_done"}
        and not hasattr(pattern.callback, "required_roles")
    ]
    assert unchecked == []


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/approvals/",
        "/customers/",
        "/customers/new/",
        "/customers/import/",
        "/customers/1/",
        "/customers/1/edit/",
        "/departments/",
        "/departments/new/",
        "/accounts/password/",
        "/customers/import/template.xlsx",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_any_role_sees_no_staff_page(as_user, persona):
    nobody = persona("nobody")
    client = as_user(nobody)
    for name in ["dashboard", "approvals", "customer-list", "department-list"]:
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.DIRECTOR, True),
        (Role.SPECIALIST, True),
        (Role.ACCOUNT_MANAGER, True),
        (Role.SERVICE_SPECIALIST, True),
        (Role.COMMITTEE, True),
        (Role.OPS_SUPERVISOR, False),
    ],
)
def test_customer_file_is_read_by_the_roles_that_need_it(as_user, persona, role, allowed):
    customer = CustomerFactory()
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    assert client.get(reverse("customer-list")).status_code == expected
    assert client.get(reverse("customer-detail", args=[customer.pk])).status_code == expected


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SPECIALIST, True),
        (Role.SUPERVISOR, True),
        (Role.DIRECTOR, True),
        (Role.ACCOUNT_MANAGER, False),
        (Role.COMMITTEE, False),
    ],
)
def test_import_and_export_are_for_the_cx_office(as_user, persona, role, allowed):
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    assert client.get(reverse("customer-import")).status_code == expected
    assert client.get(reverse("customer-list"), {"export": "xlsx"}).status_code == expected


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.DIRECTOR, True), (Role.GENERAL_MANAGER, True), (Role.SUPERVISOR, False), (Role.SPECIALIST, False)],
)
def test_departments_are_edited_by_the_director_and_the_general_manager(as_user, persona, role, allowed):
    department = DepartmentFactory()
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    assert client.get(reverse("department-edit", args=[department.pk])).status_code == expected
    response = client.post(reverse("department-create"), {"name": "质量部", "code": "quality", "is_active": "on"})
    assert response.status_code == (302 if allowed else 403)


def test_navigation_shows_each_role_what_it_may_use(as_user, persona):
    ops = as_user(persona("ops", Role.OPS_SUPERVISOR)).get(reverse("dashboard"))
    assert reverse("customer-list") not in ops.content.decode()
    account = as_user(persona("account", Role.ACCOUNT_MANAGER)).get(reverse("dashboard"))
    assert reverse("customer-list") in account.content.decode()


def test_the_forbidden_page_is_styled_and_says_why(as_user, persona):
    response = as_user(persona("ops", Role.OPS_SUPERVISOR)).get(reverse("customer-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "navbar" in response.content.decode()


def test_unknown_pages_get_the_styled_not_found_page(as_user, director):
    response = as_user(director).get("/no-such-page/")
    assert response.status_code == 404
    assert "navbar" in response.content.decode()


def test_the_server_error_page_stands_alone_and_is_translated(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("en"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert 'lang="en"' in response.content.decode()
