import pytest
from django.conf import settings
from django.urls import reverse

from cxcenter.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_login_page_is_styled_and_public(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Log in to CX Center" in response.content.decode()


def test_login_sets_the_users_own_language(client, director):
    director.preferred_language = "en"
    director.save()
    response = login(client, "director", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_five_wrong_passwords_lock_the_account_from_that_address(client, director):
    for _attempt in range(4):
        assert login(client, "director", "wrong").status_code == 200
    assert login(client, "director", "wrong").status_code == 429
    locked = login(client, "director", PASSWORD)
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_and_address(client, director):
    UserFactory(username="colleague")
    for _attempt in range(5):
        login(client, "director", "wrong")
    assert login(client, "colleague", PASSWORD).status_code == 302
    client.logout()
    assert login(client, "director", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, director):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _attempt in range(5):
        login(client, "director", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "director", PASSWORD).status_code == 302


def test_logout_needs_a_post(as_user, director):
    client = as_user(director)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change(as_user, director):
    client = as_user(director)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ch4nged-Pass-2026", "new_password2": "Ch4nged-Pass-2026"},
    )
    assert response.status_code == 302
    director.refresh_from_db()
    assert director.check_password("Ch4nged-Pass-2026")


def test_language_switch_remembers_the_choice(as_user, director):
    client = as_user(director)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    director.refresh_from_db()
    assert director.preferred_language == "en"


def test_language_switch_ignores_unknown_languages(as_user, director):
    client = as_user(director)
    client.post(reverse("set_language"), {"language": "xx"})
    director.refresh_from_db()
    assert director.preferred_language == ""


def test_accept_language_picks_the_page_language(client):
    assert 'lang="en"' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert 'lang="zh-hans"' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh").content.decode()


def test_forms_are_protected_against_cross_site_requests(director):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = client.post(reverse("customer-create"), {"name": "x"})
    assert response.status_code == 403


def test_without_a_chosen_language_the_browser_decides_after_login(client, director):
    response = login(client, "director", PASSWORD)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="en"' in client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
