"""Derived status of indicators and goals: on track / at risk / off track / no data.

Never stored, never typed in: computed from the indicator's baseline, its targets and its
approved measurements. The rule (documented in docs/maalstyring.md):

1. Take the latest approved measurement for the whole population (no breakdown value). None →
   ``no_data``. Its *as-of date* is the last day of its period.
2. Take the next target: the first whose due date is on or after the as-of date, else the last
   target. No target → ``no_data`` (nothing to measure progress against).
3. Direction-aware: ``sign`` is +1 when higher is better, -1 when lower is better.
   If the target is reached, ``(value - target) * sign >= 0`` → ``on_track``.
4. Otherwise, if the target is no improvement on the baseline, the indicator has fallen below a
   level it should hold → ``off_track``.
5. Actual progress = ``(value - baseline) * sign / ((target - baseline) * sign)``; expected
   progress = the straight line from baseline date to target date at the as-of date, i.e.
   ``days(baseline → as-of) / days(baseline → target)``, between 0 and 1.
6. ``on_track`` if actual ≥ on-track threshold × expected (default 0.90), ``at_risk`` if actual ≥
   at-risk threshold × expected (default 0.60), else ``off_track``.

A goal's status is the worst status of its own indicators, ignoring ``no_data``; ``no_data`` if
it has no indicators or all of them have no data.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self]

    @property
    def css(self) -> str:
        return STATUS_CSS[self]

    @property
    def severity(self) -> int:
        return STATUS_SEVERITY[self]


STATUS_LABELS = {
    Status.ON_TRACK: _("På rette vej"),
    Status.AT_RISK: _("I risiko"),
    Status.OFF_TRACK: _("Ude af kurs"),
    Status.NO_DATA: _("Ingen data"),
}
STATUS_SYMBOLS = {Status.ON_TRACK: "✔", Status.AT_RISK: "▲", Status.OFF_TRACK: "✖", Status.NO_DATA: "–"}
STATUS_CSS = {
    Status.ON_TRACK: "status--ok",
    Status.AT_RISK: "status--warn",
    Status.OFF_TRACK: "status--bad",
    Status.NO_DATA: "status--none",
}
STATUS_SEVERITY = {Status.NO_DATA: 0, Status.ON_TRACK: 1, Status.AT_RISK: 2, Status.OFF_TRACK: 3}


@dataclass(frozen=True)
class Point:
    """A dated value: a measurement at the end of its period, a target at its due date."""

    on: date
    value: Decimal


@dataclass(frozen=True)
class Assessment:
    """The status and the figures it was derived from (shown beside the status on the pages)."""

    status: Status
    latest: Point | None = None
    target: Point | None = None
    actual_progress: Decimal | None = None  # share of the way from baseline to target
    expected_progress: Decimal | None = None  # share the straight line expects by the as-of date


def assess(
    *,
    baseline: Point,
    sign: int,
    targets: Sequence[Point],
    measurements: Iterable[Point],
    on_track_threshold: Decimal,
    at_risk_threshold: Decimal,
) -> Assessment:
    """Apply the status rule to plain values (see the module docstring)."""
    measurements = list(measurements)
    if not measurements:
        return Assessment(Status.NO_DATA)
    latest = max(measurements, key=lambda point: point.on)
    ordered = sorted(targets, key=lambda point: point.on)
    if not ordered:
        return Assessment(Status.NO_DATA, latest=latest)
    target = next((t for t in ordered if t.on >= latest.on), ordered[-1])
    needed = (target.value - baseline.value) * sign
    if (latest.value - target.value) * sign >= 0:
        return Assessment(Status.ON_TRACK, latest, target, Decimal(1) if needed > 0 else None, None)
    if needed <= 0:
        return Assessment(Status.OFF_TRACK, latest, target)
    actual = (latest.value - baseline.value) * sign / needed
    span = (target.on - baseline.on).days
    elapsed = (latest.on - baseline.on).days
    expected = min(Decimal(1), max(Decimal(0), Decimal(elapsed) / Decimal(span))) if span > 0 else Decimal(1)
    if actual >= on_track_threshold * expected:
        status = Status.ON_TRACK
    elif actual >= at_risk_threshold * expected:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Assessment(status, latest, target, actual, expected)


def measurement_points(measurements) -> list[Point]:
    """Approved whole-population measurements as points at the end of their periods."""
    return [Point(m.period_end, m.value) for m in measurements if m.status == "approved" and not m.breakdown_value]


def indicator_assessment(indicator, *, targets=None, measurements=None) -> Assessment:
    """The status of ``indicator``; pass prefetched ``targets``/``measurements`` to avoid queries."""
    targets = list(indicator.targets.all()) if targets is None else targets
    measurements = list(indicator.measurements.all()) if measurements is None else measurements
    return assess(
        baseline=Point(indicator.baseline_date, indicator.baseline_value),
        sign=indicator.sign,
        targets=[Point(t.due_date, t.value) for t in targets],
        measurements=measurement_points(measurements),
        on_track_threshold=indicator.on_track_threshold,
        at_risk_threshold=indicator.at_risk_threshold,
    )


def worst(statuses: Iterable[Status]) -> Status:
    """A goal's status: the worst of its indicators' statuses, ignoring no data."""
    return max(statuses, key=lambda status: status.severity, default=Status.NO_DATA)
