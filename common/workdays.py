"""Danish working days and the agenda send-out deadline.

The secretariat sends the agenda and its bilag 10–14 working days before a meeting (seed 003).
Working days are Monday–Friday except Danish public holidays from the maintained ``holidays``
package (``holidays.Denmark``: nytårsdag, skærtorsdag, langfredag, påske, store bededag until 2023,
Kristi himmelfart, pinse, juledag and 2. juledag).

Decision: Grundlovsdag (5 June), juleaftensdag (24 December) and nytårsaftensdag (31 December) are
not official public holidays, so the package leaves them out of its default category, but most
public offices and the secretariats' partners close on them. We count them as non-working days
too, so a deadline never lands on a day nobody is at work to send.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SEND_OUT_WORKING_DAYS = 10


# (month, day) of days that are not official public holidays but on which offices close.
CUSTOMARY_CLOSED_DAYS = frozenset({(6, 5), (12, 24), (12, 31)})


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Denmark(years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday–Friday and neither a Danish public holiday nor 5 June, 24 or 31 December."""
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in CUSTOMARY_CLOSED_DAYS:
        return False
    return day not in _public_holidays(day.year)


@lru_cache(maxsize=64)
def _named_holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.Denmark(years=year, language=language).items())


def holiday_name(day: date) -> str | None:
    """The name of the Danish public holiday on ``day`` (or of 5 June, 24 or 31 December, on which
    offices close), in the active language; None on any other day. Weekends are not holidays here."""
    language = "da" if (get_language() or "da").startswith("da") else "en_US"
    name = _named_holidays(day.year, language).get(day)
    if name:
        return name
    customary = {(6, 5): _("Grundlovsdag"), (12, 24): _("Juleaftensdag"), (12, 31): _("Nytårsaftensdag")}
    return customary.get((day.month, day.day))


@lru_cache(maxsize=4096)  # pages ask for the send-out deadline of every meeting they list
def working_days_before(day: date, count: int) -> date:
    """The date ``count`` working days before ``day`` (``day`` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_after(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted; ``count`` ≥ 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def send_out_deadline(meeting_day: date) -> date:
    """The last day the agenda may go out: 10 Danish working days before the meeting day."""
    return working_days_before(meeting_day, SEND_OUT_WORKING_DAYS)
