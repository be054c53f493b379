"""The portal's one Danish date format (settings.FORMAT_MODULE_PATH), ahead of Django's own.

Dates read "3. dec. 2026" (month abbreviations with a full stop, short months in full: "3. maj 2026"),
times "kl. 14.30". Templates use ``|date`` / ``|date:"DATETIME_FORMAT"`` / ``|time`` and Python code
``common.formatting.format_date`` / ``format_datetime``; exports (XLSX, CSV, API, iCal) use ISO 8601.
Input formats keep Django's Danish "3.12.2026" first (what a date field shows) and also take
"03-12-2026"; ISO dates ("2026-12-03", what ``<input type="date">`` sends) are always accepted.
"""

DATE_FORMAT = "j. N Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. N Y \k\l. H.i"
SHORT_DATE_FORMAT = "j. N Y"
SHORT_DATETIME_FORMAT = r"j. N Y \k\l. H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. N"

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 3.12.2026
    "%d-%m-%Y",  # 03-12-2026
]
