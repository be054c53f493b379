"""Formatting for report templates, working on the snapshot's plain values (strings, ISO dates)."""

from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django import template
from django.utils.safestring import mark_safe

from common.formatting import format_change, format_date, format_kr, format_number, format_percent
from monitoring.charts import indicator_chart_svg

register = template.Library()


@register.filter
def report_kr(value):
    """'1234567.00' → '1.234.567 kr.'; '–' for none."""
    return format_kr(value)


@register.filter
def report_percent(value):
    """'0.2531' → '25 %'; '–' for none."""
    return format_percent(value)


@register.filter
def report_date(value):
    """An ISO date string from the snapshot in the portal's one date format ("3. dec. 2026"); '–' for none."""
    if not value:
        return "–"
    try:
        return format_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


@register.filter
def report_number(value):
    """'12.5000' → '12,5', '45.0000' → '45'; '–' for none (the charts' own number style)."""
    return format_number(value)


@register.filter
def report_change(value):
    """A signed change: '+2,5', '−1', '±0'; '–' for none."""
    return format_change(value)


def _chart_date(value) -> date:
    return date.fromisoformat(str(value))


@register.filter
def report_chart(chart):
    """Draw a chart stored as data in the snapshot (see ``governance.reports.content._chart_data``) with the
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
