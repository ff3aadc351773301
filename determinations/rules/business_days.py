"""Business days: Monday to Friday, without the US federal holidays (5 U.S.C. 6103), as observed.

Used for the due date of an information request (``domain.md`` section 3.3: most likely 15 business
days from CMS's notice, unconfirmed, so the number is a setting). The holidays come from the
``holidays`` package (its national US calendar, which follows 5 U.S.C. 6103 and OPM's observance
rules); ``tests/rules/test_federal_holidays.py`` checks it against OPM's tables for 2017 to 2030.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays

SATURDAY = 5


@cache
def federal_holidays(year: int) -> frozenset[datetime.date]:
    """The weekdays of ``year`` on which a federal holiday is observed (Juneteenth from 2021)."""
    calendar = holidays.US(years=year, observed=True)
    return frozenset(day for day in calendar if day.year == year and day.weekday() < SATURDAY)


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and day not in federal_holidays(day.year)


def add_business_days(start: datetime.date, count: int) -> datetime.date:
    """The day ``count`` business days after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    day = start
    while count:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day
