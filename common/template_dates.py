"""Template filters for the one date format, loaded as template builtins (settings.TEMPLATES), so every
page, e-mail and PDF template has them without ``{% load %}``.

Plain dates and times use Django's own filters, which read the format modules
(``portal/formats/<lang>/formats.py``): ``|date`` (3. dec. 2026), ``|date:"DATETIME_FORMAT"``
(3. dec. 2026 kl. 14.30), ``|time`` (14.30), ``|date:"Y"`` (a year alone). These add the weekday.
"""

from django import template

from common.formatting import format_weekday_date, format_weekday_datetime

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def weekday_date(value):
    """'torsdag 3. dec. 2026' / 'Thursday 3 Dec 2026'; '' for none."""
    return format_weekday_date(value) if value else ""


@register.filter(expects_localtime=True, is_safe=False)
def weekday_datetime(value):
    """'torsdag 3. dec. 2026 kl. 14.30' / 'Thursday 3 Dec 2026, 14:30'; '' for none."""
    return format_weekday_datetime(value) if value else ""
