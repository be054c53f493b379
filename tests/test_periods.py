"""Quarters and the Danish working day the quarterly reports are due."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from common.periods import Quarter, quarterly_report_due, validate_period
from common.workdays import working_days_after


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ],
)
def test_a_period_parses_to_its_quarter_dates(code, start, end):
    quarter = Quarter.parse(code)
    assert (quarter.start, quarter.end, quarter.code, str(quarter)) == (start, end, code, code)


@pytest.mark.parametrize("bad", ["2026-Q5", "2026-Q0", "2026Q3", "26-Q3", "2026-q3x", "", "Q3-2026", "1999-Q1", None])
def test_bad_periods_are_refused(bad):
    with pytest.raises(ValueError):
        Quarter.parse(bad)
    with pytest.raises(ValidationError):
        validate_period(bad)


def test_quarters_step_across_years_and_contain_their_days():
    assert Quarter.parse("2026-Q1").previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter.containing(date(2026, 8, 15)) == Quarter(2026, 3)
    assert Quarter(2026, 3).label == "3. kvartal 2026"


def test_working_days_skip_weekends_and_new_year():
    # Q4 2025 ends Wed 31 Dec; 1 Jan is a holiday, 3–4 Jan a weekend: 2, 5, 6, 7, 8 January.
    assert quarterly_report_due(Quarter(2025, 4), 5) == date(2026, 1, 8)
    assert working_days_after(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_working_days_skip_easter():
    # Q1 2026 ends Tue 31 Mar; Skærtorsdag 2 Apr, Langfredag 3 Apr, 2. påskedag 6 Apr.
    assert quarterly_report_due(Quarter(2026, 1), 5) == date(2026, 4, 10)
    assert quarterly_report_due(Quarter(2026, 1), 1) == date(2026, 4, 1)


def test_working_days_skip_christmas():
    # Q4 2026 ends Thu 31 Dec 2026; 1 Jan 2027 is a Friday holiday.
    assert quarterly_report_due(Quarter(2026, 4), 1) == date(2027, 1, 4)
