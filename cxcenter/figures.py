"""The product's one definition of a rate and a mean, and of how they are rounded: half up, rates to one decimal
(66.7 %), means and indexes to two (83.25). Every page, export, report and KPI line that shows one uses these."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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
