"""Quarters ("2026-Q3") and Danish working days, for the quarterly status reports."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .workdays import working_days_after

PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})-Q(?P<number>[1-4])$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ``code`` is the stored form, e.g. ``2026-Q3``."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not (MIN_YEAR <= self.year <= MAX_YEAR and 1 <= self.number <= 4):
            raise ValueError(f"not a quarter: {self.year}-Q{self.number}")

    @classmethod
    def parse(cls, value: str) -> "Quarter":
        """``"2026-Q3"`` → ``Quarter(2026, 3)``; anything else raises ``ValueError``."""
        match = PERIOD_PATTERN.match(str(value).strip()) if value is not None else None
        if not match:
            raise ValueError(f"not a period like 2026-Q3: {value!r}")
        return cls(int(match["year"]), int(match["number"]))

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        return _("%(number)s. kvartal %(year)s") % {"number": self.number, "year": self.year}

    def previous(self) -> "Quarter":
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    def next(self) -> "Quarter":
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def __str__(self) -> str:
        return self.code


def validate_period(value: str) -> None:
    """Model/form validator: the value must be a quarter like ``2026-Q3``."""
    try:
        Quarter.parse(value)
    except ValueError:
        raise ValidationError(_("Angiv perioden som et kvartal, fx 2026-Q3."), code="invalid_period") from None


# The reports follow the same Danish working-day calendar as the agenda send-out deadline.
nth_working_day_after = working_days_after


def quarterly_report_due(quarter: Quarter, workday: int) -> date:
    """The day the quarter's reports are due: the ``workday``-th Danish working day after it ends."""
    return nth_working_day_after(quarter.end, workday)
