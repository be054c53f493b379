"""Danish number and date formatting, one place for pages, charts, e-mails and reports.

Every number function takes a number (or a numeric string, as stored in report snapshots) and returns
text formatted for the active language by Django's localisation; ``None`` and "" give an en dash.

Dates have one format per language, set in ``portal/formats/<lang>/formats.py``
(``settings.FORMAT_MODULE_PATH``): "3. dec. 2026" and "3. dec. 2026 kl. 14.30" in Danish, "3 Dec 2026"
and "3 Dec 2026, 14:30" in English. Templates use Django's ``|date`` (the date), ``|date:"DATETIME_FORMAT"``,
``|time`` and ``|date:"l"`` (weekday); Python code that builds text for people uses the functions
below. Exports (XLSX, CSV, API, iCal) keep ISO 8601 (``value.isoformat()``), never these.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

EMPTY = "–"


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal, or None when it is empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(value) -> str:
    """Whole numbers without decimals, others with one: 45 → '45', 12.5 → '12,5'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if not number.is_finite():
        return number_format(number)
    return _number_text(number, get_language())


# Django's localised formatting costs tens of microseconds a call, and a målstyring page or a
# report shows the same few hundred days and values in every chart, table and title: each text
# is made once per language (and again after a formatting setting changes, in tests).
@lru_cache(maxsize=4096)
def _number_text(number: Decimal, language: str | None) -> str:
    if number == number.to_integral_value():
        return number_format(number.quantize(Decimal(1)), 0)
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)


@lru_cache(maxsize=4096)
def _kr_text(whole: Decimal, language: str | None) -> str:
    return f"{number_format(whole, 0, force_grouping=True)} kr."


@lru_cache(maxsize=4096)
def _date_text(day: date, language: str | None) -> str:
    return date_format(day, "DATE_FORMAT")


@receiver(setting_changed)
def _forget_texts(**kwargs) -> None:
    for cached in (_number_text, _kr_text, _date_text):
        cached.cache_clear()


def format_decimal(value, digits: int = 2) -> str:
    """A number with a fixed number of decimals: 0.9 → '0,90' (Danish) / '0.90' (English)."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    return number_format(number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP), int(digits))


def format_change(value) -> str:
    """A signed change: '+2,5', '−1', '±0'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if number == 0:
        return "±0"
    text = format_number(abs(number))
    return f"+{text}" if number > 0 else f"−{text}"


def format_kr(value) -> str:
    """An amount in whole kroner with thousands separators: 1234567 → '1.234.567 kr.'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    if not number.is_finite():
        return f"{number_format(number)} kr."
    return _kr_text(number.quantize(Decimal(1), rounding=ROUND_HALF_UP), get_language())


def format_percent(value, digits: int = 0) -> str:
    """A fraction as a percentage: 0.253 → '25 %'."""
    number = to_decimal(value)
    if number is None:
        return EMPTY
    digits = int(digits)
    rounded = (number * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, digits)} %"


def _local(value):
    """An aware datetime in the current time zone (as templates show it); dates and naive values as they are."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _as_date(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value


def format_date(value) -> str:
    """A day in the active language's one format: '3. dec. 2026' / '3 Dec 2026'. Takes a date, an aware
    datetime (its local day) or an ISO date string (report snapshots); '–' for none."""
    value = _as_date(_local(value))
    if not value:
        return EMPTY
    if type(value) is not date:  # a datetime: its own moment, not cached
        return date_format(value, "DATE_FORMAT")
    return _date_text(value, get_language())


def format_datetime(value) -> str:
    """A moment in local time: '3. dec. 2026 kl. 14.30' / '3 Dec 2026, 14:30'; '–' for none."""
    if not value:
        return EMPTY
    return date_format(_local(value), "DATETIME_FORMAT")


def format_time(value) -> str:
    """A local clock time: '14.30' / '14:30'; '–' for none."""
    if not value:
        return EMPTY
    return date_format(_local(value), "TIME_FORMAT")


def format_weekday_date(value) -> str:
    """The day with its weekday: 'torsdag 3. dec. 2026' / 'Thursday 3 Dec 2026' (meetings, deadlines)."""
    value = _as_date(_local(value))
    if not value:
        return EMPTY
    return f"{date_format(value, 'l')} {date_format(value, 'DATE_FORMAT')}"


def format_weekday_datetime(value) -> str:
    """A moment with its weekday: 'torsdag 3. dec. 2026 kl. 14.30' / 'Thursday 3 Dec 2026, 14:30'."""
    if not value:
        return EMPTY
    value = _local(value)
    return f"{date_format(value, 'l')} {date_format(value, 'DATETIME_FORMAT')}"
