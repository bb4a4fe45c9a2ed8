"""The product's one definition of a rate and a mean, and of how they are rounded: half up, rates to one decimal
(66.7 %), means and indexes to two (83.25). Every page, export, report and KPI line that shows one uses these.

Periods are local dates, both ends included (day_start, period_filter). Each app's period-figures module
(surveys/period_figures.py, feedback/period_figures.py) gives one function per indicator returning a PeriodFigure.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

RATE = Decimal("0.1")
FIGURE = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    """part ÷ whole × 100, one decimal, half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP)


def mean(total, count) -> Decimal | None:
    """total ÷ count, two decimals, half up; None when nothing was counted (or the total is unknown)."""
    if not count or total is None:
        return None
    return figure(Decimal(total) / Decimal(count))


def figure(value) -> Decimal | None:
    """A mean or an index already computed (by the database, or exactly as a Fraction): two decimals, half up."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        value = Decimal(str(value))
    return Decimal(value).quantize(FIGURE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodFigure:
    """An indicator for a period: what was counted (numerator ÷ denominator) and the value shown, None when there
    was nothing to divide by."""

    numerator: Decimal | int
    denominator: Decimal | int
    value: Decimal | None

    @classmethod
    def rate(cls, numerator, denominator) -> "PeriodFigure":
        return cls(numerator, denominator, percent(numerator, denominator))

    @classmethod
    def mean(cls, total, count) -> "PeriodFigure":
        return cls(total or 0, count, mean(total, count))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day in the active time zone (Asia/Shanghai by default)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_filter(prefix: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    """Days in the active time zone, both ends included, as bounds on `<prefix>` (a datetime); an open end is open."""
    condition = Q()
    if date_from:
        condition &= Q(**{f"{prefix}__gte": day_start(date_from)})
    if date_to:
        condition &= Q(**{f"{prefix}__lt": day_start(date_to + datetime.timedelta(days=1))})
    return condition
