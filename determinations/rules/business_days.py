"""Business days: Monday to Friday, without the US federal holidays (5 U.S.C. 6103), as observed.

Used for the due date of an information request (``domain.md`` section 3.3: most likely 15 business
days from CMS's notice, unconfirmed, so the number is a setting).
"""

from __future__ import annotations

import datetime
from functools import cache

SATURDAY, SUNDAY = 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> datetime.date:
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: datetime.date) -> datetime.date:
    """A holiday on a Saturday is observed the Friday before; on a Sunday, the Monday after."""
    if day.weekday() == SATURDAY:
        return day - datetime.timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + datetime.timedelta(days=1)
    return day


@cache
def federal_holidays(year: int) -> frozenset[datetime.date]:
    """The federal holidays observed in ``year`` (Juneteenth from 2021)."""
    fixed = [(1, 1), (7, 4), (11, 11), (12, 25)]
    if year >= 2021:
        fixed.append((6, 19))
    days = {_observed(datetime.date(year, month, day)) for month, day in fixed}
    days |= {
        _nth_weekday(year, 1, 0, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _last_weekday(year, 5, 0),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    }
    # New Year's Day of the next year, when it falls on a Saturday, is observed on December 31.
    if datetime.date(year + 1, 1, 1).weekday() == SATURDAY:
        days.add(datetime.date(year, 12, 31))
    return frozenset(days)


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
