"""Figures of the survey pages formatted for the reader's language."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import numberformat
from django.utils.formats import get_format

register = template.Library()

YUAN_SIGN = "¥"


def grouped(amount: Decimal) -> str:
    """The amount with two decimals and thousands grouped as the active language writes them.

    Django's zh-hans format has no thousands separator, but Chinese money is written 12,345.00
    (财务数字三位分节), so a language without a separator groups by three with commas.
    """
    separator = get_format("THOUSAND_SEPARATOR")
    grouping = get_format("NUMBER_GROUPING") if separator else 3
    return numberformat.format(
        amount,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=2,
        grouping=grouping,
        thousand_sep=separator or ",",
        force_grouping=True,
    )


@register.filter
def yuan(value, mode: str = ""):
    """An amount in yuan (元) for the active language: ¥1,234.50, -¥200.00, and "—" for no amount.

    With the argument "signed", a positive amount reads +¥200.00 (variances).
    """
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if amount < 0:
        sign = "-"
    elif amount > 0 and mode == "signed":
        sign = "+"
    else:
        sign = ""
    return f"{sign}{YUAN_SIGN}{grouped(abs(amount))}"
