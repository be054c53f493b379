"""Measurement periods as text: ``2025-Q3`` (quarter), ``2025-H1`` (half year) or ``2025`` (year).

One parser for the form, the imports and the area statistics, so a period means the same
everywhere: its first and last day.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
