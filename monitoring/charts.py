"""The one chart of målstyring: an indicator over time as a server-side SVG string.

Used by the goal page, the indicator page and (later) the PDF reports, so all of them draw the
same picture: approved measurements (solid line with dots), the baseline (square), the targets
(diamonds on a dashed target line) and the straight-line trajectory from baseline to targets
(dotted). Accessible: ``role="img"`` with a ``<title>`` and a ``<desc>`` that says the figures
in words, so a screen reader gets the content and not just "image".
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from common.formatting import format_date, format_number

from .status import Point, measurement_points

INK, MUTED, BLUE, GREEN, GRID = "#1a1a1a", "#595959", "#004993", "#0b6b2e", "#d9d9d9"


def _grid(*, x, y, low, high, start: date, end: date, left, top, plot_w, plot_h, year_label_y) -> list[str]:
    """Horizontal value lines (low, middle, high) and a vertical line per 1 January, with labels."""
    parts = []
    for fraction in (0, 0.5, 1):
        value = low + (high - low) * Decimal(str(fraction))
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value)}" y2="{y(value)}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(format_number(value))}</text>'
        )
    for year in range(start.year + (start.month > 1 or start.day > 1), end.year + 1):
        tick = date(year, 1, 1)
        parts.append(
            f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{top}" y2="{top + plot_h}" stroke="{GRID}"/>'
            f'<text x="{x(tick)}" y="{year_label_y}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{year}</text>'
        )
    return parts


def indicator_chart_svg(
    indicator,
    measurements,
    *,
    width: int = 640,
    height: int = 260,
    targets=None,
    compact: bool = False,
) -> str:
    """SVG markup for ``indicator`` with its approved whole-population ``measurements``.

    ``targets`` defaults to ``indicator.targets.all()`` (prefetch it on list pages). ``compact``
    drops the axis labels for the small charts on the goal page.
    """
    targets = list(indicator.targets.all()) if targets is None else list(targets)
    points = sorted(measurement_points(measurements), key=lambda p: p.on)
    baseline = Point(indicator.baseline_date, Decimal(indicator.baseline_value))
    target_points = sorted((Point(t.due_date, Decimal(t.value)) for t in targets), key=lambda p: p.on)

    left, right, top, bottom = (6, 6, 6, 6) if compact else (56, 16, 16, 34)
    plot_w, plot_h = width - left - right, height - top - bottom
    all_points = [baseline, *target_points, *points]
    start = min(p.on for p in all_points)
    end = max(p.on for p in all_points)
    if end <= start:
        end = date(start.year + 1, start.month, 1)
    low = min(p.value for p in all_points)
    high = max(p.value for p in all_points)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * Decimal("0.1")
    low, high = low - pad, high + pad
    span_days = (end - start).days

    def x(on: date) -> float:
        return round(left + plot_w * (on - start).days / span_days, 1)

    def y(value: Decimal) -> float:
        return round(top + plot_h * float((high - value) / (high - low)), 1)

    title = _("Udvikling for %(name)s") % {"name": indicator.name}
    unit = indicator.unit
    parts_desc = [
        _("Baseline %(value)s %(unit)s (%(date)s).")
        % {"value": format_number(baseline.value), "unit": unit, "date": format_date(baseline.on)}
    ]
    if points:
        last = points[-1]
        parts_desc.append(
            _("%(count)s målinger; seneste %(value)s %(unit)s (%(date)s).")
            % {
                "count": len(points),
                "value": format_number(last.value),
                "unit": unit,
                "date": format_date(last.on),
            }
        )
    else:
        parts_desc.append(_("Ingen godkendte målinger endnu."))
    for target in target_points:
        parts_desc.append(
            _("Mål %(value)s %(unit)s senest %(date)s.")
            % {"value": format_number(target.value), "unit": unit, "date": format_date(target.on)}
        )
    ident = f"chart-{indicator.pk}-{width}"
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(" ".join(parts_desc))}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="{GRID}"/>',
    ]
    if not compact:
        svg.extend(
            _grid(
                x=x,
                y=y,
                low=low,
                high=high,
                start=start,
                end=end,
                left=left,
                top=top,
                plot_w=plot_w,
                plot_h=plot_h,
                year_label_y=height - 14,
            )
        )
        svg.append(f'<text x="4" y="{top + 10}" font-size="11" fill="{MUTED}">{escape(unit)}</text>')
    # Trajectory: straight lines baseline → target 1 → target 2 …
    if target_points:
        path = [baseline, *target_points]
        coords = " ".join(f"{x(p.on)},{y(p.value)}" for p in path)
        svg.append(
            f'<polyline points="{coords}" fill="none" stroke="{MUTED}" stroke-width="1.5" '
            f'stroke-dasharray="2 4"><title>{escape(_("Forventet forløb"))}</title></polyline>'
        )
        # Target line: from the first target level across the plot, and a diamond per target.
        final = target_points[-1]
        svg.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(final.value)}" y2="{y(final.value)}" '
            f'stroke="{GREEN}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        for target in target_points:
            cx, cy = x(target.on), y(target.value)
            svg.append(
                f'<polygon points="{cx},{cy - 6} {cx + 6},{cy} {cx},{cy + 6} {cx - 6},{cy}" fill="{GREEN}">'
                f"<title>{escape(_('Mål') + ' ' + format_number(target.value) + ' ' + unit)}</title></polygon>"
            )
    svg.append(
        f'<rect x="{x(baseline.on) - 4}" y="{y(baseline.value) - 4}" width="8" height="8" fill="{INK}">'
        f"<title>{escape(_('Baseline') + ' ' + format_number(baseline.value) + ' ' + unit)}</title></rect>"
    )
    if points:
        line = [baseline, *points] if baseline.on <= points[0].on else points
        coords = " ".join(f"{x(p.on)},{y(p.value)}" for p in line)
        svg.append(f'<polyline points="{coords}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
        radius = 2.5 if compact else 3.5
        for point in points:
            svg.append(
                f'<circle cx="{x(point.on)}" cy="{y(point.value)}" r="{radius}" fill="{BLUE}">'
                f"<title>{escape(format_date(point.on) + ': ' + format_number(point.value) + ' ' + unit)}"
                f"</title></circle>"
            )
    svg.append("</svg>")
    return "".join(svg)


# --- Several series on one time axis (the portal's bybarometer) ---------------------------------

SERIES_COLOURS = ["#004993", "#8a5a00", "#0b6b2e", "#6f2da8", "#b3261e", "#00707a", "#595959", "#a3367a"]
SERIES_DASHES = ["", "6 3", "2 3", "8 3 2 3"]


@dataclass(frozen=True)
class Series:
    """One line of a multi-series chart: a label, dated points and a kind (``area``, ``municipality``,
    ``country``) that picks the style: the kommune is a thick dark dashed line, the country a thick grey dotted one."""

    label: str
    points: list[Point] = field(default_factory=list)
    kind: str = "area"


def multi_series_chart_svg(
    series: list[Series], *, title: str, unit: str = "", width: int = 720, height: int = 300, ident: str = "series"
) -> str:
    """An accessible SVG line chart of several series over time, with a legend.

    Areas get a colour and a dash pattern each (so lines differ without colour); the kommune and
    the whole country stand out as thick reference lines.
    """
    drawn = [s for s in series if s.points]
    legend_rows = (len(series) + 2) // 3
    left, right, top, bottom = 56, 16, 16, 34 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_h < 80:
        height += 80 - plot_h
        plot_h = 80
    everything = [p for s in drawn for p in s.points]
    desc = [
        _("%(label)s: seneste %(value)s %(unit)s (%(date)s).")
        % {
            "label": s.label,
            "value": format_number(s.points[-1].value),
            "unit": unit,
            "date": format_date(s.points[-1].on),
        }
        for s in drawn
    ] or [_("Ingen tal endnu.")]
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(" ".join(desc))}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="{GRID}"/>',
    ]
    if everything:
        start = min(p.on for p in everything)
        end = max(p.on for p in everything)
        if end <= start:
            end = date(start.year + 1, start.month, 1)
        low = min(Decimal(p.value) for p in everything)
        high = max(Decimal(p.value) for p in everything)
        if high == low:
            high, low = high + 1, low - 1
        pad = (high - low) * Decimal("0.1")
        low, high = low - pad, high + pad
        span_days = (end - start).days

        def x(on: date) -> float:
            return round(left + plot_w * (on - start).days / span_days, 1)

        def y(value) -> float:
            return round(top + plot_h * float((high - Decimal(value)) / (high - low)), 1)

        svg.extend(
            _grid(
                x=x,
                y=y,
                low=low,
                high=high,
                start=start,
                end=end,
                left=left,
                top=top,
                plot_w=plot_w,
                plot_h=plot_h,
                year_label_y=top + plot_h + 14,
            )
        )
        if unit:
            svg.append(f'<text x="4" y="{top + 10}" font-size="11" fill="{MUTED}">{escape(unit)}</text>')
    styles = _series_styles(series)
    for s, (colour, dash, stroke) in zip(series, styles, strict=True):
        if not s.points or not everything:
            continue
        coords = " ".join(f"{x(p.on)},{y(p.value)}" for p in s.points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{stroke}"{dash_attr}>'
            f"<title>{escape(s.label)}</title></polyline>"
        )
    column_w = (width - left - right) / 3
    for index, (s, (colour, dash, stroke)) in enumerate(zip(series, styles, strict=True)):
        lx = left + column_w * (index % 3)
        ly = top + plot_h + 30 + 18 * (index // 3)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(
            f'<line x1="{lx:.1f}" x2="{lx + 24:.1f}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="{stroke}"{dash_attr}/>'
            f'<text x="{lx + 30:.1f}" y="{ly}" font-size="11" fill="{INK}">{escape(s.label[:40])}</text>'
        )
    svg.append("</svg>")
    return "".join(svg)


def _series_styles(series: list[Series]) -> list[tuple[str, str, float]]:
    styles, area_index = [], 0
    for s in series:
        if s.kind == "municipality":
            styles.append((INK, "10 4", 3.5))
        elif s.kind == "country":
            styles.append((MUTED, "2 3", 3.5))
        else:
            colour = SERIES_COLOURS[area_index % len(SERIES_COLOURS)]
            dash = SERIES_DASHES[(area_index // len(SERIES_COLOURS) + area_index) % len(SERIES_DASHES)]
            styles.append((colour, dash, 2))
            area_index += 1
    return styles
