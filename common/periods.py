"""Periods, one parser for the whole portal.

Measurement periods are text: ``2025-Q3`` (quarter), ``2025-H1`` (half year) or ``2025`` (year);
``parse_period`` gives their first and last day, for the forms, the imports, the area statistics and
the reports alike. ``Quarter`` is the status reports' period, built on the same parser, and
``quarterly_report_due`` places a quarter's reports on the Danish working-day calendar.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.workdays import working_days_after

QUARTERLY, HALF_YEARLY, YEARLY = "quarterly", "half_yearly", "yearly"
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QqHh])(?P<number>\d))?$")


@dataclass(frozen=True)
class Period:
    """A parsed period: its canonical label, kind (a ``Indicator.Frequency`` value) and dates."""

    label: str
    kind: str
    start: date
    end: date


def parse_period(text: str) -> Period:
    """Parse ``2025-Q3`` / ``2025-H1`` / ``2025``; raise ``ValidationError`` with a Danish message."""
    raw = (text or "").strip()
    match = _PATTERN.match(raw)
    if not match:
        raise ValidationError(
            _("Ugyldig periode “%(period)s”: brug fx 2025-Q3 (kvartal), 2025-H1 (halvår) eller 2025 (år).")
            % {"period": raw}
        )
    year = int(match["year"])
    if not 1900 <= year <= 2100:
        raise ValidationError(_("Ugyldigt år i perioden “%(period)s”.") % {"period": raw})
    kind_letter = (match["kind"] or "").upper()
    if not kind_letter:
        return Period(str(year), YEARLY, date(year, 1, 1), date(year, 12, 31))
    number = int(match["number"])
    if kind_letter == "Q":
        if not 1 <= number <= 4:
            raise ValidationError(_("Et kvartal skal være Q1–Q4, ikke “%(period)s”.") % {"period": raw})
        first_month = 3 * (number - 1) + 1
        last_month = first_month + 2
        return Period(
            f"{year}-Q{number}",
            QUARTERLY,
            date(year, first_month, 1),
            date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    if not 1 <= number <= 2:
        raise ValidationError(_("Et halvår skal være H1 eller H2, ikke “%(period)s”.") % {"period": raw})
    if number == 1:
        return Period(f"{year}-H1", HALF_YEARLY, date(year, 1, 1), date(year, 6, 30))
    return Period(f"{year}-H2", HALF_YEARLY, date(year, 7, 1), date(year, 12, 31))


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
        return parse_period(self.code).start

    @property
    def end(self) -> date:
        return parse_period(self.code).end

    def bounds(self) -> tuple[datetime, datetime]:
        """The quarter as aware datetimes [start, end) in the portal's time zone (Copenhagen)."""
        start = timezone.make_aware(datetime.combine(self.start, time.min))
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return start, end

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


def quarterly_report_due(quarter: Quarter, workday: int) -> date:
    """The day the quarter's reports are due: the ``workday``-th Danish working day after it ends."""
    return working_days_after(quarter.end, workday)
