"""The determination calendar: submission windows and deadlines, the QP Performance Period, snapshots.

Deadlines are the regulation's (42 CFR 414.1445 and the CMS-10621 forms), at the end of the day,
US Eastern time. CMS publishes no opening dates; the defaults here open payer windows on January 1
of the year the window closes and the clinician window for non-Medicaid arrangements on January 1
of the performance year (provisional, ``domain.md`` [U]). The reference data stores the result of
``default_windows`` for each year, and the program admin may change it.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from .parameters import (
    ALL_PAYER_QP,
    CLINICIAN_INITIATED,
    MEDICAID,
    MEDICARE_HEALTH_PLAN,
    MULTI_PAYER_MODEL,
    OTHER_PAYER,
    PAYER_INITIATED,
    PAYER_TYPES,
    Window,
    YearParameters,
)

EASTERN = ZoneInfo("America/New_York")
END_OF_DAY = datetime.time(23, 59, 59)

# The first QP Performance Period each process accepted each payer type for (domain.md section 3).
FIRST_YEAR = {
    (PAYER_INITIATED, MEDICAID): 2019,
    (PAYER_INITIATED, MEDICARE_HEALTH_PLAN): 2019,
    (PAYER_INITIATED, MULTI_PAYER_MODEL): 2019,
    (PAYER_INITIATED, OTHER_PAYER): 2020,
    (CLINICIAN_INITIATED, MEDICAID): 2019,
    (CLINICIAN_INITIATED, MEDICARE_HEALTH_PLAN): 2019,
    (CLINICIAN_INITIATED, MULTI_PAYER_MODEL): 2019,
    (CLINICIAN_INITIATED, OTHER_PAYER): 2019,
}
# The All-Payer Combination Option, and the data submission that feeds it, start with 2019 (domain.md 4.2).
ALL_PAYER_FIRST_YEAR = 2019


def eastern(day: datetime.date, time: datetime.time = datetime.time(0, 0)) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=EASTERN)


def medicare_advantage_bid_deadline(year: int) -> datetime.date:
    """The annual Medicare Advantage bid deadline: the first Monday in June (SSA 1854(a)(1))."""
    june_first = datetime.date(year, 6, 1)
    return june_first + datetime.timedelta(days=(7 - june_first.weekday()) % 7)


def submission_deadline(year: int, process: str, payer_type: str) -> datetime.date | None:
    """The last day to ask for a determination for performance year ``year``; ``None`` if not offered."""
    if year < FIRST_YEAR[(process, payer_type)]:
        return None
    prior = year - 1
    if process == PAYER_INITIATED:
        if payer_type == MEDICAID:
            return datetime.date(prior, 4, 1)  # 414.1445(a)
        if payer_type == MEDICARE_HEALTH_PLAN:
            return medicare_advantage_bid_deadline(prior)  # 414.1445(b)(1)
        return datetime.date(prior, 6, 1)  # the forms' June 1, not the 2018 text's June 30 (domain.md open item 9)
    if payer_type == MEDICAID:
        return datetime.date(prior, 11, 1)  # 414.1445(a)
    return datetime.date(year, 12, 1)  # 414.1445(b)(2)


def default_opening(year: int, process: str, payer_type: str) -> datetime.date:
    if process == CLINICIAN_INITIATED and payer_type != MEDICAID:
        return datetime.date(year, 1, 1)
    return datetime.date(year - 1, 1, 1)


def default_windows(year: int) -> tuple[Window, ...]:
    windows = []
    for process in (PAYER_INITIATED, CLINICIAN_INITIATED):
        for payer_type in PAYER_TYPES:
            deadline = submission_deadline(year, process, payer_type)
            if deadline is not None:
                opens = eastern(default_opening(year, process, payer_type))
                windows.append(Window(process, payer_type, opens, eastern(deadline, END_OF_DAY)))
    if year >= ALL_PAYER_FIRST_YEAR:
        # The data periods start on January 1; CMS publishes no opening date, so it opens then [U].
        windows.append(Window(ALL_PAYER_QP, "", eastern(datetime.date(year, 1, 1)), all_payer_data_deadline(year)))
    return tuple(windows)


def qp_performance_period(year: int) -> tuple[datetime.date, datetime.date]:
    """January 1 through August 31 of the performance year (42 CFR 414.1305)."""
    return datetime.date(year, 1, 1), datetime.date(year, 8, 31)


def default_snapshot_dates(year: int) -> tuple[datetime.date, ...]:
    """March 31, June 30 and August 31 (42 CFR 414.1425(b)(1))."""
    return datetime.date(year, 3, 31), datetime.date(year, 6, 30), datetime.date(year, 8, 31)


def snapshot_periods(params: YearParameters) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The data period of each snapshot: from the start of the QP Performance Period through the snapshot."""
    return tuple((params.qp_period_start, day) for day in params.snapshot_dates)


def all_payer_data_deadline(year: int) -> datetime.datetime:
    """All-Payer QP data are due December 1 of the performance year (42 CFR 414.1440(e))."""
    return eastern(datetime.date(year, 12, 1), END_OF_DAY)


def open_windows(params: YearParameters, now: datetime.datetime) -> tuple[Window, ...]:
    return tuple(w for w in params.windows if w.is_open(now))
