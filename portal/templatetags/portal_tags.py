from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
