from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.formatting import format_date, format_kr, format_percent

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


AGENDA_STATES = {
    # state: (css class, symbol, text; %(date)s is the send-out deadline)
    "sent": ("status--ok", "✔", gettext_lazy("Dagsorden udsendt til tiden")),
    "sent_late": ("status--warn", "▲", gettext_lazy("Dagsorden udsendt for sent")),
    "late": ("status--bad", "✖", gettext_lazy("Dagsorden ikke udsendt – fristen %(date)s er overskredet")),
    "due_today": ("status--warn", "▲", gettext_lazy("Dagsorden skal udsendes i dag")),
    "open": ("status--none", "–", gettext_lazy("Udsendes senest %(date)s")),
}


@register.simple_tag
def agenda_state(state, deadline):
    """``{% agenda_state meeting.send_out_state meeting.send_deadline %}``: the next meeting's send-out
    state as a status badge (sent, sent late, late, due today or open with its deadline). A tag, not
    an include: the Overblik and Mit sekretariat show one per row."""
    css, symbol, text = AGENDA_STATES.get(state, AGENDA_STATES["open"])
    if "%(date)s" in str(text):
        text = str(text) % {"date": format_date(deadline) if deadline else ""}
    return format_html('<span class="status {}"><span aria-hidden="true">{}</span> {}</span>', css, symbol, text)
