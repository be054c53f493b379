"""Formatting for report templates, working on the snapshot's plain values (strings, ISO dates)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import SimpleNamespace

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from monitoring.charts import indicator_chart_svg

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


@register.filter
def report_number(value):
    """'12.5000' → '12,5', '45.0000' → '45'; '–' for none (the charts' own number style)."""
    number = _decimal(value)
    if number is None:
        return "–"
    if number == number.to_integral_value():
        return number_format(number.quantize(Decimal(1)), 0)
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)


@register.filter
def report_change(value):
    """A signed change: '+2,5', '−1', '±0'; '–' for none."""
    number = _decimal(value)
    if number is None:
        return "–"
    if number == 0:
        return "±0"
    text = report_number(abs(number))
    return f"+{text}" if number > 0 else f"−{text}"


def _chart_date(value) -> date:
    return date.fromisoformat(str(value))


@register.filter
def report_chart(chart):
    """Draw a chart stored as data in the snapshot (see ``governance.reports._chart_data``) with the
    portal's one chart function, which escapes every text; anything else (e.g. markup stored by an
    older snapshot) draws nothing, so no markup from a snapshot is ever output unescaped."""
    if not isinstance(chart, dict):
        return ""
    try:
        indicator = SimpleNamespace(
            pk=int(chart["indicator"]),
            name=str(chart["name"]),
            unit=str(chart["unit"]),
            baseline_date=_chart_date(chart["baseline"]["date"]),
            baseline_value=Decimal(str(chart["baseline"]["value"])),
        )
        targets = [
            SimpleNamespace(due_date=_chart_date(t["date"]), value=Decimal(str(t["value"]))) for t in chart["targets"]
        ]
        measurements = [
            SimpleNamespace(
                period_end=_chart_date(p["date"]), value=Decimal(str(p["value"])), status="approved", breakdown_value=""
            )
            for p in chart["points"]
        ]
        width, height = int(chart["width"]), int(chart["height"])
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return ""
    svg = indicator_chart_svg(
        indicator, measurements, targets=targets, width=width, height=height, compact=bool(chart.get("compact"))
    )
    return mark_safe(svg)  # noqa: S308 - built here from typed values; every text is escaped by the chart function
