from django import template

from common.formatting import format_kr, format_percent

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: dictionary lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def percent(value, digits=0):
    """A fraction as a Danish percentage: 0.253 → '25 %'; '–' for none."""
    return format_percent(value, digits)


@register.filter
def kr(value):
    """An amount in whole kroner with Danish thousands separators: 1234567 → '1.234.567 kr.'."""
    return format_kr(value)
