"""Hostile input to the public feedback pages: a clear 4xx, never a 500, and nothing saved half."""

import pytest
from django.core.cache import cache
from django.test import Client

from cxcenter.models import Role
from feedback.models import Case
from feedback.tests.test_public import NEW, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_duty(persona):
    cache.clear()
    return persona("duty", Role.SUPERVISOR)


def visitor():
    return Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)


@pytest.mark.parametrize("token", ["abc\x00def", "x" * 65, "%00", "a\x00"])
def test_a_confirmation_token_with_a_nul_byte_or_too_long_is_not_found(token):
    assert visitor().get(f"/c/{token}/").status_code == 404
    assert visitor().post(f"/c/{token}/", {"satisfaction": "5"}).status_code == 404


def test_an_email_address_longer_than_the_column_is_explained():
    address = "a" * 250 + "@example.com"
    response = visitor().post(NEW, form_data(contact_email=address))
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_nul_byte_in_the_message_is_explained_and_nothing_is_saved():
    response = visitor().post(NEW, form_data(description="Broken\x00lid"))
    assert response.status_code == 400 and "Null characters are not allowed." in response.content.decode()
    assert not Case.objects.exists()


def test_a_form_posted_in_utf16_is_a_bad_request_not_a_crash():
    body = "kind=complaint&contact_name=x".encode("utf-16")
    response = visitor().generic("POST", NEW, body, content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
