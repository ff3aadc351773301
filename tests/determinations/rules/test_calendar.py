"""Deadlines by process, payer type and year, in US Eastern time; the QP Performance Period and snapshots."""

import datetime

import pytest

from determinations.rules import calendar
from determinations.rules.parameters import ALL_PAYER_QP, CLINICIAN_INITIATED, PAYER_INITIATED

from .support import params_for


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2018, datetime.date(2018, 6, 4)), (2019, datetime.date(2019, 6, 3)), (2023, datetime.date(2023, 6, 5)),
     (2025, datetime.date(2025, 6, 2)), (2026, datetime.date(2026, 6, 1))],
)  # fmt: skip
def test_medicare_advantage_bid_deadline_is_the_first_monday_in_june(year, expected):
    assert calendar.medicare_advantage_bid_deadline(year) == expected
    assert expected.weekday() == 0


@pytest.mark.parametrize(
    ("process", "payer_type", "deadline"),
    [
        (PAYER_INITIATED, "medicaid", datetime.date(2023, 4, 1)),
        (PAYER_INITIATED, "medicare_health_plan", datetime.date(2023, 6, 5)),
        (PAYER_INITIATED, "multi_payer_model", datetime.date(2023, 6, 1)),
        (PAYER_INITIATED, "other_payer", datetime.date(2023, 6, 1)),
        (CLINICIAN_INITIATED, "medicaid", datetime.date(2023, 11, 1)),
        (CLINICIAN_INITIATED, "medicare_health_plan", datetime.date(2024, 12, 1)),
        (CLINICIAN_INITIATED, "other_payer", datetime.date(2024, 12, 1)),
    ],
)
def test_deadlines_for_performance_year_2024(process, payer_type, deadline):
    assert calendar.submission_deadline(2024, process, payer_type) == deadline
    window = params_for(2024).window(process, payer_type)
    assert window.closes_at == datetime.datetime.combine(deadline, datetime.time(23, 59, 59), tzinfo=calendar.EASTERN)


def test_remaining_payers_start_a_year_later():
    assert calendar.submission_deadline(2019, PAYER_INITIATED, "other_payer") is None
    assert calendar.submission_deadline(2020, PAYER_INITIATED, "other_payer") == datetime.date(2019, 6, 1)
    assert calendar.default_windows(2018) == ()


def test_deadlines_are_eastern_time_with_daylight_saving():
    window = params_for(2024).window(PAYER_INITIATED, "medicaid")
    assert window.closes_at.utcoffset() == datetime.timedelta(hours=-4)
    assert window.opens_at.utcoffset() == datetime.timedelta(hours=-5)
    assert window.is_open(datetime.datetime(2023, 4, 2, 3, 59, 58, tzinfo=datetime.UTC))
    assert not window.is_open(datetime.datetime(2023, 4, 2, 4, 0, 0, tzinfo=datetime.UTC))


def test_open_windows_on_a_day():
    now = datetime.datetime(2024, 7, 1, 12, tzinfo=calendar.EASTERN)
    opened = {(w.process, w.payer_type) for w in calendar.open_windows(params_for(2024), now)}
    requests = {(CLINICIAN_INITIATED, t) for t in ("medicare_health_plan", "multi_payer_model", "other_payer")}
    assert opened == requests | {(ALL_PAYER_QP, "")}


def test_the_all_payer_qp_window_closes_at_the_end_of_december_1_eastern():
    """42 CFR 414.1440(e): All-Payer QP data are due December 1 of the performance year; from 2019 only."""
    window = params_for(2026).window(ALL_PAYER_QP, "")
    assert window.closes_at == datetime.datetime(2026, 12, 1, 23, 59, 59, tzinfo=calendar.EASTERN)
    assert window.is_open(datetime.datetime(2026, 12, 2, 4, 59, 58, tzinfo=datetime.UTC))
    assert not window.is_open(datetime.datetime(2026, 12, 2, 5, 0, 0, tzinfo=datetime.UTC))
    assert params_for(2018).window(ALL_PAYER_QP, "") is None


def test_qp_performance_period_and_snapshots():
    params = params_for(2025)
    assert calendar.snapshot_periods(params) == tuple(
        (datetime.date(2025, 1, 1), datetime.date(2025, month, day)) for month, day in ((3, 31), (6, 30), (8, 31))
    )
    assert calendar.all_payer_data_deadline(2025).date() == datetime.date(2025, 12, 1)
