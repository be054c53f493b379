"""The portal's English date format (settings.FORMAT_MODULE_PATH): "3 Dec 2026", "3 Dec 2026, 14:30".

Same shape as the Danish one (day, short month, year; 24-hour clock); see ``portal/formats/da``.
Input formats are Django's English ones, which include ISO dates.
"""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
