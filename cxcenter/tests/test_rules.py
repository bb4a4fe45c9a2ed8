"""cxcenter.rules.holds(): a rule written once as a Q gives the same answer on a loaded row as in the database."""

import pytest
from django.db.models import Q

from cxcenter.rules import holds


class Row:
    def __init__(self, **fields):
        self.__dict__.update(fields)


@pytest.mark.parametrize(
    ("rule", "row", "expected"),
    [
        (Q(due__lt=5), Row(due=4), True),
        (Q(due__lt=5), Row(due=5), False),
        (Q(due__lte=5, done__isnull=True), Row(due=5, done=None), True),
        (Q(due__lte=5, done__isnull=True), Row(due=5, done=3), False),
        (Q(state__in={"a", "b"}) | Q(due__gt=9), Row(state="c", due=10), True),
        (~Q(state__in={"a", "b"}), Row(state="a"), False),
        (Q(state="a"), Row(state="a"), True),
        (Q(due__lt=5), Row(due=None), False),  # as in SQL: nothing compares with NULL
    ],
)
def test_holds_evaluates_the_lookups_rules_use(rule, row, expected):
    assert holds(rule, row) is expected


def test_holds_refuses_a_lookup_it_does_not_know():
    with pytest.raises(ValueError):
        holds(Q(name__icontains="x"), Row(name="x"))
