"""A rule written once as a Q, checked either way: as a filter in the database, or on one row already loaded.

`holds(rule, row)` evaluates a Q over a model instance's own fields, for the simple lookups rules use (exact,
isnull, in, lt, lte, gt, gte), so that "overdue" and the like are written once for the lists, the exports, the
statistics and the row's own `is_overdue` property.
"""

import operator

from django.db import models
from django.db.models import Q
from django.utils import timezone

LOOKUPS = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, choices: value in choices,
    "isnull": lambda value, expected: (value is None) == expected,
}


def holds(rule: Q, row) -> bool:
    """Whether `row` satisfies `rule`, without a query (ValueError for a lookup this does not evaluate)."""
    results = (holds(child, row) if isinstance(child, Q) else condition_holds(*child, row) for child in rule.children)
    outcome = all(results) if rule.connector == Q.AND else any(results)
    return not outcome if rule.negated else outcome


def condition_holds(lookup: str, expected, row) -> bool:
    field, _, name = lookup.partition("__")
    compare = LOOKUPS.get(name or "exact")
    if compare is None or "__" in name:
        raise ValueError(f"holds() does not evaluate the lookup {lookup!r}.")
    value = getattr(row, field)
    if value is None and name != "isnull":
        return False  # as in SQL: a comparison with NULL is not true
    return compare(value, expected)


def not_done_by(today) -> Q:
    """A task with a due date and a done date (a survey node, an improvement action) not done by its due date."""
    return Q(done_on__isnull=True, due_date__lt=today)


class DueTaskQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(not_done_by(today or timezone.localdate()))
