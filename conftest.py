"""Fixtures shared by every app's tests: one persona per role, a logged-in client, eager tasks."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from cxcenter.celery import app as celery_app
from cxcenter.models import Role
from cxcenter.tests.factories import UserFactory

pytest_plugins = ["cxcenter.tests.browser", "cxcenter.tests.background"]


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """Every test user has a password: hashing it the production way would cost the suite minutes."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tests run tasks in-process unless a test asks for the real broker itself."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def english_by_default():
    """Service messages are asserted in English; tests of the Chinese pages ask for zh-hans themselves."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_questionnaire_caches():
    """Per-process caches of frozen questionnaires must not outlive a test whose ids another test may reuse."""
    from surveys.answers import frozen_form_questions
    from surveys.services import responses

    frozen_form_questions.cache_clear()
    responses._scoring_trees.clear()


def make_persona(username: str, *roles: str):
    user = UserFactory(username=username, display_name=username.title())
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def persona(db):
    """Factory fixture: persona("name", Role.DIRECTOR, ...) → a user holding those roles."""
    return make_persona


@pytest.fixture
def director(db):
    return make_persona("director", Role.DIRECTOR)


@pytest.fixture
def supervisor(db):
    return make_persona("supervisor", Role.SUPERVISOR)


@pytest.fixture
def specialist(db):
    return make_persona("specialist", Role.SPECIALIST)


@pytest.fixture
def general_manager(db):
    return make_persona("gm", Role.GENERAL_MANAGER)


@pytest.fixture
def account_manager(db):
    return make_persona("account", Role.ACCOUNT_MANAGER)


@pytest.fixture
def ops_supervisor(db):
    return make_persona("ops", Role.OPS_SUPERVISOR)


@pytest.fixture
def as_user(client):
    """as_user(user) → the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        # Assertions read English text; tests of the Chinese pages ask for zh-hans themselves.
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login
