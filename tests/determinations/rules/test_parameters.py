"""The reference data: every year 2017-2027 valid, consistent with the calendar and the choices."""

import datetime
from decimal import Decimal

import pytest

from determinations.choices import PayerType, Process, WindowProcess
from determinations.rules import calendar, parameters
from determinations.rules.inputs import RuleInputError
from determinations.rules.parameters import PARAMETER_FIELDS, year_parameters_from_mapping, year_parameters_to_mapping

from .support import params_for, reference_records


def test_every_year_2017_to_2028_is_there_and_valid():
    assert sorted(reference_records()) == list(range(2017, 2029))
    for year in reference_records():
        params = params_for(year)
        assert params.year == year
        assert params.payment_year == year + 2


def test_choices_match_the_values_the_rules_use():
    assert set(parameters.PAYER_TYPES) == set(PayerType.values)
    assert set(parameters.PROCESSES) == set(WindowProcess.values) >= set(Process.values)


@pytest.mark.parametrize("year", range(2017, 2029))
def test_windows_and_period_match_the_calendar(year):
    params = params_for(year)
    assert params.windows == calendar.default_windows(year)
    assert (params.qp_period_start, params.qp_period_end) == calendar.qp_performance_period(year)
    assert params.snapshot_dates == calendar.default_snapshot_dates(year)


def test_all_payer_option_from_2019():
    assert [y for y in reference_records() if params_for(y).all_payer_option_available] == list(range(2019, 2029))


def test_provisional_flags_follow_the_rule_book():
    assert params_for(2019).provisional_fields == {"windows"}
    assert "cehrt_participant_percent" in params_for(2024).provisional_fields
    assert "cehrt_participant_percent" not in params_for(2023).provisional_fields
    assert "all_payer_qp_payment_percent" in params_for(2024).provisional_fields
    assert "medical_home_size_limit" in params_for(2023).provisional_fields
    assert set(PARAMETER_FIELDS) - {"year", "qp_period_start", "qp_period_end", "snapshot_dates",
                                    "all_payer_option_available"} <= params_for(2027).provisional_fields  # fmt: skip


def test_the_2027_figures_carry_2026_forward():
    later, earlier = year_parameters_to_mapping(params_for(2027)), year_parameters_to_mapping(params_for(2026))
    different = {k for k in later if later[k] != earlier[k]}
    assert different == {"year", "qp_period_start", "qp_period_end", "snapshot_dates", "windows", "provisional_fields"}


def test_round_trip():
    params = params_for(2024)
    assert year_parameters_from_mapping(year_parameters_to_mapping(params)) == params


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cehrt_participant_percent": "101"}, "cehrt_participant_percent"),
        ({"quality_variant": "1999"}, "quality_variant"),
        ({"all_payer_qp_payment_percent": None}, "all_payer_qp_payment_percent"),
        ({"snapshot_dates": ["2024-09-30"]}, "snapshot_dates[0]"),
        ({"provisional_fields": ["colour"]}, "provisional_fields"),
        ({"windows": [{"process": "payer_initiated", "payer_type": "medicaid", "opens_at": "2023-01-01T00:00:00",
                       "closes_at": "2023-04-01T23:59:59-04:00"}]}, "windows[0].opens_at"),
    ],
)  # fmt: skip
def test_bad_parameters_name_the_field(change, field):
    with pytest.raises(RuleInputError) as error:
        year_parameters_from_mapping(reference_records()[2024] | change)
    assert error.value.field == field


def test_a_percentage_is_a_decimal():
    assert isinstance(params_for(2024).incentive_percent, Decimal)
    assert params_for(2024).qp_conversion_factor == Decimal("33.5675")
    assert params_for(2024).qp_period_end == datetime.date(2024, 8, 31)
