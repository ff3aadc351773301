"""Business days skip the federal holidays on the days OPM says they are observed, 2017 to 2030.

The dates are OPM's "Federal Holidays" tables (opm.gov, policy-data-oversight/pay-leave/federal-holidays),
nationwide holidays only: Inauguration Day (Washington, DC area only) and one-off closures by
executive order (such as December 24, 2018) are not holidays under 5 U.S.C. 6103(a).
"""

import datetime

import pytest

from determinations.rules.business_days import federal_holidays, is_business_day

OPM = {
    2017: ["01-02", "01-16", "02-20", "05-29", "07-04", "09-04", "10-09", "11-10", "11-23", "12-25"],
    2018: ["01-01", "01-15", "02-19", "05-28", "07-04", "09-03", "10-08", "11-12", "11-22", "12-25"],
    2019: ["01-01", "01-21", "02-18", "05-27", "07-04", "09-02", "10-14", "11-11", "11-28", "12-25"],
    2020: ["01-01", "01-20", "02-17", "05-25", "07-03", "09-07", "10-12", "11-11", "11-26", "12-25"],
    # Juneteenth from 2021; New Year's Day 2022, a Saturday, is observed on Friday, December 31, 2021.
    2021: ["01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "10-11", "11-11", "11-25", "12-24", "12-31"],
    2022: ["01-17", "02-21", "05-30", "06-20", "07-04", "09-05", "10-10", "11-11", "11-24", "12-26"],
    2023: ["01-02", "01-16", "02-20", "05-29", "06-19", "07-04", "09-04", "10-09", "11-10", "11-23", "12-25"],
    2024: ["01-01", "01-15", "02-19", "05-27", "06-19", "07-04", "09-02", "10-14", "11-11", "11-28", "12-25"],
    2025: ["01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "10-13", "11-11", "11-27", "12-25"],
    2026: ["01-01", "01-19", "02-16", "05-25", "06-19", "07-03", "09-07", "10-12", "11-11", "11-26", "12-25"],
    2027: ["01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "10-11", "11-11", "11-25", "12-24", "12-31"],
    2028: ["01-17", "02-21", "05-29", "06-19", "07-04", "09-04", "10-09", "11-10", "11-23", "12-25"],
    2029: ["01-01", "01-15", "02-19", "05-28", "06-19", "07-04", "09-03", "10-08", "11-12", "11-22", "12-25"],
    2030: ["01-01", "01-21", "02-18", "05-27", "06-19", "07-04", "09-02", "10-14", "11-11", "11-28", "12-25"],
}


def _dates(year: int) -> set[datetime.date]:
    return {datetime.date.fromisoformat(f"{year}-{day}") for day in OPM[year]}


@pytest.mark.parametrize("year", sorted(OPM))
def test_the_observed_federal_holidays_are_opms(year):
    assert all(day.weekday() < 5 for day in _dates(year)), "OPM lists the weekday each holiday is observed on"
    assert federal_holidays(year) == _dates(year)


@pytest.mark.parametrize("year", sorted(OPM))
def test_every_other_weekday_is_a_business_day(year):
    day, holidays = datetime.date(year, 1, 1), _dates(year)
    while day.year == year:
        assert is_business_day(day) is (day.weekday() < 5 and day not in holidays), day
        day += datetime.timedelta(days=1)
