"""Bad input gives a RuleInputError (a ValueError) naming the field, never a traceback from inside a rule."""

import pytest

from determinations.rules.arrangement import RuleInputError, arrangement_from_mapping
from determinations.rules.qp_thresholds import qp_inputs_from_mapping

from .support import MEETS_GENERAL

BASE = {**MEETS_GENERAL, "year": 2024}


def with_section(section, **changes):
    return {**BASE, section: {**BASE.get(section, {}), **changes}}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (with_section("financial_risk", maximum_loss_amount="-5"), "financial_risk.maximum_loss_amount",
         "must not be negative"),
        (with_section("financial_risk", marginal_risk_rate="140"), "financial_risk.marginal_risk_rate",
         "must be between 0 and 100"),
        (with_section("financial_risk", expected_expenditures="a lot"), "financial_risk.expected_expenditures",
         "must be a number"),
        (with_section("financial_risk", expected_expenditures=True), "financial_risk.expected_expenditures",
         "must be a number"),
        (with_section("financial_risk", risk_type="shared_savings_only"), "financial_risk.risk_type", "must be one of"),
        (with_section("financial_risk", risk_defined_in_revenue="yes"), "financial_risk.risk_defined_in_revenue",
         "must be true or false"),
        (with_section("financial_risk", marginal_risk_bands=[
            {"from_percent": 0, "to_percent": 5, "rate_percent": 0},
            {"from_percent": 4, "to_percent": None, "rate_percent": 40}]),
         "financial_risk.marginal_risk_bands[1].from_percent", "must not overlap"),
        (with_section("financial_risk", marginal_risk_bands=[{"from_percent": 5, "to_percent": 5, "rate_percent": 1}]),
         "financial_risk.marginal_risk_bands[0].to_percent", "must be above from_percent"),
        (with_section("cehrt", lowest_entity_cehrt_percent="100.5"), "cehrt.lowest_entity_cehrt_percent",
         "must be between 0 and 100"),
        (with_section("cehrt", apm_entities=[{"participants": 10, "participants_using_cehrt": 11}]),
         "cehrt.apm_entities[0].participants_using_cehrt", "must not exceed participants (10)"),
        (with_section("quality", measures=[{"title": "X", "basis": "popular"}]), "quality.measures[0].basis",
         "must be one of"),
        (with_section("quality", measures="236"), "quality.measures", "must be a list"),
        (with_section("arrangement", medical_home_elements=["free_lunch"]), "arrangement.medical_home_elements",
         "unknown values free_lunch"),
        (with_section("arrangement", eligible_clinician_count=-1), "arrangement.eligible_clinician_count",
         "must not be negative"),
        ({**BASE, "payer_type": "tricare"}, "payer_type", "must be one of"),
        ({**BASE, "year": None}, "year", "is required"),
        ({**BASE, "cehrt": "yes"}, "cehrt", "must be an object"),
    ],
)  # fmt: skip
def test_arrangement_errors_name_the_field(data, field, message):
    with pytest.raises(RuleInputError) as error:
        arrangement_from_mapping(data)
    assert error.value.field == field
    assert message in error.value.message
    assert str(error.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"medicare": {"payment_numerator": 5, "payment_denominator": 4}}, "medicare.payment_numerator"),
        ({"medicare": {"payment_numerator": 5}}, "medicare.payment_denominator"),
        ({"medicare": {"patient_denominator": 5}}, "medicare.patient_numerator"),
        ({"other_payers": [{"category": "tricare"}]}, "other_payers[0].category"),
        ({"other_payers": [{"category": "other", "payment_numerator": -1, "payment_denominator": 3}]},
         "other_payers[0].payment_numerator"),
        ({"scores": {"all_payer_payment": 101}}, "scores.all_payer_payment"),
        ({"part_b_base_amount": "-1"}, "part_b_base_amount"),
    ],
)  # fmt: skip
def test_qp_errors_name_the_field(data, field):
    with pytest.raises(RuleInputError) as error:
        qp_inputs_from_mapping(data)
    assert error.value.field == field


def test_year_override_and_unknown_keys():
    data = {**BASE, "contact": {"submitter_name": "Pat"}, "arrangement": {"name": "X", "description": "ignored"}}
    assert arrangement_from_mapping(data, year=2021).year == 2021
    assert arrangement_from_mapping(data).name == "X"


def test_a_float_is_read_through_its_text():
    data = with_section("financial_risk", marginal_risk_rate=0.1)
    assert str(arrangement_from_mapping(data).financial_risk.marginal_risk_rate) == "0.1"
