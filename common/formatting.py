"""Danish number formatting, one place for pages, charts, reports and exports.

Every function takes a number (or a numeric string, as stored in report snapshots) and returns text
formatted for the active language by Django's localisation; ``None`` and "" give an en dash.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

EMPTY = "–"


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal, or None when it is empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(value) -> str:
    """Whole numbers without decimals, others with one: 45 → '45', 12.5 → '12,5'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if number == number.to_integral_value():
        return number_format(number.quantize(Decimal(1)), 0)
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)


def format_change(value) -> str:
    """A signed change: '+2,5', '−1', '±0'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if number == 0:
        return "±0"
    text = format_number(abs(number))
    return f"+{text}" if number > 0 else f"−{text}"


def format_kr(value) -> str:
    """An amount in whole kroner with thousands separators: 1234567 → '1.234.567 kr.'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(whole, 0, force_grouping=True)} kr."


def format_percent(value, digits: int = 0) -> str:
    """A fraction as a percentage: 0.253 → '25 %'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    digits = int(digits)
    rounded = (number * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, digits)} %"
