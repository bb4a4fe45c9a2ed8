from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cxcenter import approvals
from cxcenter.models import Customer, Department, Role, User
from cxcenter.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_provider():
    """A provider standing in for an app that has items waiting for directors."""

    def provider(user):
        if user.groups.filter(name=Role.DIRECTOR).exists():
            yield approvals.PendingApproval(
                kind="Survey plan",
                title="2027 satisfaction survey",
                url="/surveys/1/",
                submitted_by="supervisor",
                submitted_at=timezone.now(),
            )

    approvals.register(provider)
    yield provider
    approvals.unregister(provider)


def test_approvals_inbox_lists_what_apps_register(as_user, director, supervisor, registered_provider):
    page = as_user(director).get(reverse("approvals"))
    assert "2027 satisfaction survey" in page.content.decode()
    page = as_user(supervisor).get(reverse("approvals"))
    assert "2027 satisfaction survey" not in page.content.decode()
    assert "Nothing is waiting for you" in page.content.decode()


def test_dashboard_shows_waiting_items(as_user, director, registered_provider):
    page = as_user(director).get(reverse("dashboard"))
    assert "2027 satisfaction survey" in page.content.decode()


def test_dashboard_explains_empty_cards(as_user, supervisor):
    page = as_user(supervisor).get(reverse("dashboard")).content.decode()
    assert "submitted to you will appear here" in page


def test_account_manager_sees_own_customers(as_user, account_manager):
    CustomerFactory.create_batch(3, account_manager=account_manager)
    CustomerFactory(account_manager=account_manager, consents_to_surveys=False)
    CustomerFactory()
    page = as_user(account_manager).get(reverse("dashboard"))
    card = next(card for card in page.context["dashboard"] if card.title == "Your customers")
    assert [line["figure"] for line in card.lines] == [4, 1]


@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_query_count_is_flat(as_user, specialist, rows, django_assert_max_num_queries):
    CustomerFactory.create_batch(rows)
    client = as_user(specialist)
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert Customer.objects.count() == 50
    assert User.objects.count() == 9
    assert Department.objects.count() == 9
    for role in Role.values:
        assert User.objects.filter(groups__name=role).count() == 1, role
    assert User.objects.get(username="director").check_password("cx-demo-2026")


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.count() == 9
