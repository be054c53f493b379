from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


class ScrollRegionNode(template.Node):
    def __init__(self, label, nodelist):
        self.label = label
        self.nodelist = nodelist

    def render(self, context):
        label = self.label.resolve(context)
        if not label:
            raise template.TemplateSyntaxError("scrollregion needs a non-empty label")
        return format_html(
            '<div class="table--responsive-scroll portal-scroll-region" tabindex="0" role="region" aria-label="{}">'
            "{}</div>",
            label,
            mark_safe(self.nodelist.render(context)),  # noqa: S308 (rendered by the template engine, escaped there)
        )


@register.tag
def scrollregion(parser, token):
    """``{% scrollregion _("Label") %}<table>…</table>{% endscrollregion %}``: a wide table (or chart) in a
    scroll region that keyboard users can focus and scroll, named for screen readers (WCAG 1.4.10,
    2.1.1), so the page itself never scrolls sideways at 375 px."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% scrollregion label %}…{% endscrollregion %}")
    label = parser.compile_filter(bits[1])
    nodelist = parser.parse(("endscrollregion",))
    parser.delete_first_token()
    return ScrollRegionNode(label, nodelist)
