"""How the portal writes a day or a moment in a sentence: one format, in the portal's time zone.

``date_text(moment)`` gives "March 4, 2027"; ``time=True`` adds " at 5:00 PM"; ``with_zone=True``
adds the zone's abbreviation ("EST"); ``short=True`` abbreviates the month ("Mar 4, 2027") for
tables. Templates use Django's ``date`` filter; this is for messages written in Python.
"""

from datetime import datetime, tzinfo

from django.utils import timezone


def date_text(value, *, time: bool = False, with_zone: bool = False, short: bool = False, tz: tzinfo | None = None):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, tz)
    text = f"{value:%b} {value.day}, {value.year}" if short else f"{value:%B} {value.day}, {value.year}"
    if time:
        text += f" at {value:%-I:%M %p}"
    if with_zone:
        text += f" {value:%Z}"
    return text
