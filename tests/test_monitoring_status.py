"""The status rule, tested against hand-worked cases (docs/maalstyring.md).

Most cases use baseline 2021-01-01 and a target on 2023-01-01 (730 days). A measurement whose
period ends 2022-01-01 is 365 days in, so the straight line expects exactly 50 % of the way.
With the default thresholds (0.90 / 0.60) on track needs ≥ 45 % of the way, at risk ≥ 30 %.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from common.periods import parse_period
from monitoring.models import Indicator, Measurement, Target
from monitoring.status import Point, Status, assess, indicator_assessment, worst

ON, RISK, OFF, NONE = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA
B0 = date(2021, 1, 1)
T1 = date(2023, 1, 1)
MID = date(2022, 1, 1)

# (case, sign, baseline, targets [(date, value)], measurements [(date, value)], expected status)
CASES = [
    # Higher is better: baseline 50 → target 70. Half-way expected at MID: 60.
    ("higher: exactly on the line", 1, 50, [(T1, 70)], [(MID, 60)], ON),
    ("higher: 45 % of the way = 0.90 × expected, on track", 1, 50, [(T1, 70)], [(MID, 59)], ON),
    ("higher: just under 0.90 × expected", 1, 50, [(T1, 70)], [(MID, D("58.9"))], RISK),
    ("higher: 30 % of the way = 0.60 × expected, at risk", 1, 50, [(T1, 70)], [(MID, 56)], RISK),
    ("higher: just under 0.60 × expected", 1, 50, [(T1, 70)], [(MID, D("55.9"))], OFF),
    ("higher: worse than baseline", 1, 50, [(T1, 70)], [(MID, 45)], OFF),
    ("higher: target already reached early", 1, 50, [(T1, 70)], [(MID, 72)], ON),
    ("higher: target exactly reached", 1, 50, [(T1, 70)], [(MID, 70)], ON),
    # Lower is better (e.g. crime): baseline 20 → target 10. Half-way expected at MID: 15.
    ("lower: a fall is progress, on the line", -1, 20, [(T1, 10)], [(MID, 15)], ON),
    ("lower: 35 % of the way", -1, 20, [(T1, 10)], [(MID, D("16.5"))], RISK),
    ("lower: 20 % of the way", -1, 20, [(T1, 10)], [(MID, 18)], OFF),
    ("lower: a rise is the wrong way", -1, 20, [(T1, 10)], [(MID, 22)], OFF),
    ("lower: target already reached", -1, 20, [(T1, 10)], [(MID, 9)], ON),
    # The latest measurement counts, whatever periods are missing in between.
    (
        "missing periods: only the latest counts",
        1,
        50,
        [(T1, 70)],
        [(date(2021, 3, 31), 51), (MID, 60)],  # nothing for Q2–Q4 2021
        ON,
    ),
    ("missing periods: latest is behind", 1, 50, [(T1, 70)], [(date(2021, 6, 30), 58), (MID, 54)], OFF),
    # No data, no target.
    ("no measurement", 1, 50, [(T1, 70)], [], NONE),
    ("no target", 1, 50, [], [(MID, 60)], NONE),
    # Several targets: the next one not yet due at the measurement's date, else the last.
    # Targets 60 by MID and 70 by T1; at 2022-07-02 (547 days) the line to T1 expects 74.9 %;
    # 60 met the first target but is only 50 % of the way to the second: 0.67 × expected.
    ("next target after the first is due", 1, 50, [(MID, 60), (T1, 70)], [(date(2022, 7, 2), 60)], RISK),
    ("measurement on a target's due date uses that target", 1, 50, [(MID, 60), (T1, 70)], [(MID, 60)], ON),
    # After the last target date the line expects 100 %: 90 % of the way is still on track.
    ("past the last target: 90 % of the way", 1, 50, [(T1, 70)], [(date(2023, 6, 30), 68)], ON),
    ("past the last target: 75 % of the way", 1, 50, [(T1, 70)], [(date(2023, 6, 30), 65)], RISK),
    # A target that is no improvement (hold the level) and is missed: off track.
    ("hold the level, missed", 1, 50, [(T1, 50)], [(MID, 48)], OFF),
    ("hold the level, kept", 1, 50, [(T1, 50)], [(MID, 50)], ON),
]


def _points(pairs):
    return [Point(on, D(value)) for on, value in pairs]


@pytest.mark.parametrize(
    ("sign", "baseline", "targets", "measurements", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_rule(sign, baseline, targets, measurements, expected):
    result = assess(
        baseline=Point(B0, D(baseline)),
        sign=sign,
        targets=_points(targets),
        measurements=_points(measurements),
        on_track_threshold=D("0.90"),
        at_risk_threshold=D("0.60"),
    )
    assert result.status == expected


def test_figures_behind_the_status():
    result = assess(
        baseline=Point(B0, D(50)),
        sign=1,
        targets=_points([(T1, 70)]),
        measurements=_points([(MID, 56)]),
        on_track_threshold=D("0.90"),
        at_risk_threshold=D("0.60"),
    )
    assert result.expected_progress == D("0.5")
    assert result.actual_progress == D("0.3")
    assert result.latest == Point(MID, D(56)) and result.target == Point(T1, D(70))


def test_thresholds_are_per_indicator():
    kwargs = {"baseline": Point(B0, D(50)), "sign": 1, "targets": _points([(T1, 70)])}
    strict = assess(
        **kwargs, measurements=_points([(MID, 58)]), on_track_threshold=D("0.90"), at_risk_threshold=D("0.60")
    )
    lenient = assess(
        **kwargs, measurements=_points([(MID, 58)]), on_track_threshold=D("0.80"), at_risk_threshold=D("0.50")
    )
    assert (strict.status, lenient.status) == (RISK, ON)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([ON, RISK, NONE], RISK),
        ([ON, OFF, RISK], OFF),
        ([ON, NONE], ON),
        ([NONE, NONE], NONE),
        ([], NONE),
    ],
)
def test_goal_status_is_the_worst_ignoring_no_data(statuses, expected):
    assert worst(statuses) == expected


def test_indicator_assessment_counts_only_approved_whole_population_measurements():
    indicator = Indicator(
        pk=1,
        name="Test",
        direction=Indicator.Direction.LOWER_IS_BETTER,
        baseline_value=D(20),
        baseline_date=B0,
        frequency=Indicator.Frequency.YEARLY,
        on_track_threshold=D("0.90"),
        at_risk_threshold=D("0.60"),
    )
    targets = [Target(value=D(10), due_date=T1)]

    def m(period, value, status="approved", breakdown=""):
        parsed = parse_period(period)
        return Measurement(
            period=period,
            period_start=parsed.start,
            period_end=parsed.end,
            value=D(value),
            status=status,
            breakdown_value=breakdown,
        )

    # 2021: 365 days of 730 → expected half-way (15). The draft and the breakdown rows must not count.
    measurements = [m("2021", 15), m("2022", 11, status="draft"), m("2021", 25, breakdown="Piger")]
    assert indicator_assessment(indicator, targets=targets, measurements=measurements).status == ON
    assert indicator_assessment(indicator, targets=targets, measurements=[m("2022", 11, status="draft")]).status == NONE


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2025-Q3", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2024-q1", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2025-H1", "2025-H1", date(2025, 1, 1), date(2025, 6, 30)),
        ("2025-H2", "2025-H2", date(2025, 7, 1), date(2025, 12, 31)),
        (" 2025 ", "2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_parse(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2025-Q5", "2025-H3", "25-Q1", "2025Q1", "Q1-2025", "", "abc", "2025-M01"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValidationError):
        parse_period(text)
