from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: dictionary lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def percent(value, digits=0):
    """A fraction as a Danish percentage: 0.253 → '25 %'. Empty for None."""
    if value is None:
        return "–"
    digits = int(digits)
    rounded = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, digits)} %"


@register.filter
def kr(value):
    """An amount in whole kroner with Danish thousands separators: 1234567 → '1.234.567 kr.'."""
    if value is None:
        return "–"
    whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(whole, 0, force_grouping=True)} kr."
