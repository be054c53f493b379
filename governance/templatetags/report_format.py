"""Formatting for report templates, working on the snapshot's plain values (strings, ISO dates)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def report_kr(value):
    """'1234567.00' → '1.234.567 kr.'; '–' for none."""
    number = _decimal(value)
    if number is None:
        return "–"
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(whole, 0, force_grouping=True)} kr."


@register.filter
def report_percent(value):
    """'0.2531' → '25 %'; '–' for none."""
    number = _decimal(value)
    if number is None:
        return "–"
    rounded = (number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, 0)} %"


@register.filter
def report_date(value, fmt="j. F Y"):
    """An ISO date string from the snapshot, formatted the Danish way."""
    if not value:
        return "–"
    try:
        return date_format(date.fromisoformat(value), fmt)
    except (TypeError, ValueError):
        return value
