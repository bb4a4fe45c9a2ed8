import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["dashboard", "approvals", "customer-list", "customer-create", "customer-import",
                                  "department-list", "department-create"])
def test_director_pages_answer(as_user, director, name):
    assert as_user(director).get(reverse(name)).status_code in (200, 403)
