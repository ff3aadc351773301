"""The derived test vectors D1-D7 of domain.md section 5."""

from decimal import Decimal

import pytest

from determinations.rules import financial_risk, marginal_risk
from determinations.rules.evaluate import evaluate_arrangement
from determinations.rules.qp_thresholds import QPStatus, ThresholdScores, evaluate_qp, qp_inputs_from_mapping, qp_status
from determinations.rules.results import Outcome

from .support import arrangement, params_for

D = Decimal
D1 = {
    "medicare": {"payment_numerator": 300000, "payment_denominator": 1000000},
    "other_payers": [{"name": "Commercial", "category": "other", "payment_numerator": 900000,
                      "payment_denominator": 1200000}],
}  # fmt: skip


def d1(**changes):
    data = {**D1, **changes}
    data["other_payers"] = D1["other_payers"] + changes.get("other_payers", [])
    return qp_inputs_from_mapping(data)


def test_d1_all_payer_payment_amount_py2024_is_qp():
    result = evaluate_qp(params_for(2024), d1())
    assert result.scores.medicare_payment == 30
    assert f"{result.scores.all_payer_payment:.3f}" == "54.545"
    assert result.medicare_option_status is QPStatus.NONE
    assert result.status is QPStatus.QP
    assert any("54.545%" in r.text and "50%" in r.text and "25%" in r.text for r in result.reasons)


def test_d1_same_inputs_py2025_is_partial_qp():
    result = evaluate_qp(params_for(2025), d1())
    assert result.status is QPStatus.PARTIAL_QP


def test_d2_dod_va_and_unavailable_medicaid_are_excluded():
    excluded = [
        {"name": "TRICARE", "category": "dod", "payment_numerator": 0, "payment_denominator": 100000},
        {"name": "VA", "category": "va", "payment_numerator": 0, "payment_denominator": 50000},
        {"name": "State Medicaid", "category": "medicaid", "payment_numerator": 0, "payment_denominator": 400000},
    ]
    result = evaluate_qp(params_for(2024), d1(other_payers=excluded, medicaid_apm_available_in_county=False))
    assert f"{result.scores.all_payer_payment:.3f}" == "54.545"
    assert result.status is QPStatus.QP
    assert "TRICARE, VA and State Medicaid" in result.reasons[0].text


def test_d2_medicaid_included_when_available_in_county_and_specialty():
    medicaid = [
        {"name": "State Medicaid", "category": "medicaid", "payment_numerator": 0, "payment_denominator": 400000}
    ]
    inputs = d1(other_payers=medicaid, medicaid_apm_available_in_county=True, specialty_eligible_for_medicaid_apm=True)
    result = evaluate_qp(params_for(2024), inputs)
    assert f"{result.scores.all_payer_payment:.3f}" == "46.154"
    assert result.status is QPStatus.PARTIAL_QP


def test_d2_medicaid_excluded_when_specialty_is_ineligible():
    medicaid = [
        {"name": "State Medicaid", "category": "medicaid", "payment_numerator": 0, "payment_denominator": 400000}
    ]
    inputs = d1(other_payers=medicaid, medicaid_apm_available_in_county=True, specialty_eligible_for_medicaid_apm=False)
    assert evaluate_qp(params_for(2024), inputs).status is QPStatus.QP


def test_d3_mixed_methods():
    scores = ThresholdScores(D(22), D(26), D(48), D(36))
    result = qp_status(params_for(2024), scores)
    assert result.status is QPStatus.QP
    assert "patient count" in result.reasons[-1].text
    # The payment pair alone fails: 22% is under the 25% Medicare minimum for QP.
    assert qp_status(params_for(2024), ThresholdScores(D(22), None, D(48), None)).status is QPStatus.PARTIAL_QP


REVENUE = {"risk_defined_in_revenue": True, "total_revenue": "5000000", "maximum_loss_amount": "350000",
           "expected_expenditures": None}  # fmt: skip


def test_d4_revenue_based_nominal_amount():
    params = params_for(2024)
    facts = arrangement(2024, financial_risk=REVENUE).financial_risk
    test = financial_risk.revenue_test(params, facts)
    assert test.outcome is Outcome.DOES_NOT_MEET
    assert "$350,000 is 7% of the $5,000,000" in test.reasons[0].text
    assert "8% ($400,000)" in test.reasons[0].text
    facts = arrangement(2024, financial_risk={**REVENUE, "maximum_loss_amount": "400000"}).financial_risk
    assert financial_risk.revenue_test(params, facts).outcome is Outcome.MEETS


def test_d4_fails_revenue_but_passes_on_the_benchmark():
    data = arrangement(2024, financial_risk={**REVENUE, "expected_expenditures": "10000000"})
    result = financial_risk.evaluate_financial_risk(params_for(2024), data)
    assert result.outcome is Outcome.MEETS
    assert any("3.5% of expected expenditures" in r.text for r in result.reasons)


def test_d4_without_a_benchmark_needs_review():
    result = financial_risk.evaluate_financial_risk(params_for(2024), arrangement(2024, financial_risk=REVENUE))
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert "financial_risk.expected_expenditures" in result.missing_inputs


D5 = {"expected_expenditures": "10000000", "minimum_loss_rate": "2", "marginal_risk_rate": "40",
      "maximum_loss_amount": "350000"}  # fmt: skip


@pytest.mark.parametrize("year", range(2020, 2027))
def test_d5_expenditure_based_and_marginal_risk(year):
    data = arrangement(year, financial_risk=D5)
    result = financial_risk.evaluate_financial_risk(params_for(year), data)
    assert result.outcome is Outcome.MEETS
    text = " ".join(r.text for r in result.reasons)
    assert "total potential risk 3.5% of expected expenditures" in text
    assert "losses from 4% to 9.5% of expected expenditures is 40%" in text


@pytest.mark.parametrize("year", range(2019, 2027))
def test_d5_shared_loss_rate_25_percent_fails(year):
    data = arrangement(year, financial_risk={**D5, "marginal_risk_rate": "25"})
    result = financial_risk.evaluate_financial_risk(params_for(year), data)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert any("25%, which is below the 30%" in r.text for r in result.reasons)


def test_d5_minimum_loss_rate_5_percent_average_includes_the_zero_band():
    facts = arrangement(2020, financial_risk={**D5, "minimum_loss_rate": "5"}).financial_risk
    test = marginal_risk.evaluate(params_for(2020), facts, facts.expected_expenditures)
    # 0% on 4-5%, 40% on 5-12.5%: (0 x 1 + 40 x 7.5) / 8.5 = 35.294%; without the 0% band 40%: both pass.
    assert test.outcome is Outcome.MEETS
    assert "35.294%" in test.reasons[0].text
    assert test.provisional and test.provisional_notes


def test_d5_minimum_loss_rate_5_percent_in_2019_fails_on_the_lowest_rate():
    facts = arrangement(2019, financial_risk={**D5, "minimum_loss_rate": "5", "maximum_loss_amount": "450000"})
    test = marginal_risk.evaluate(params_for(2019), facts.financial_risk, D(10000000))
    assert test.outcome is Outcome.DOES_NOT_MEET
    assert "lowest marginal risk rate" in test.reasons[0].text and "is 0%" in test.reasons[0].text


def test_d5_when_the_interpretation_decides_a_reviewer_does():
    facts = arrangement(
        2021, financial_risk={**D5, "minimum_loss_rate": "6", "marginal_risk_rate": "35"}
    ).financial_risk
    test = marginal_risk.evaluate(params_for(2021), facts, facts.expected_expenditures)
    assert test.outcome is Outcome.NEEDS_REVIEW
    assert "28.378%" in test.reasons[0].text
    assert "35%" in test.reasons[1].text


MEDICAL_HOME = {"risk_type": "medicaid_medical_home", "risk_mechanisms": ["forgo_guaranteed_payment"],
                "medical_home_average_revenue": "2000000", "expected_expenditures": None}  # fmt: skip
PROFILE = {"primary_care_focus": True, "empanelment": True, "eligible_clinician_count": 30,
           "parent_organization_clinician_count": 30,
           "medical_home_elements": ["chronic_preventive_care", "access_continuity", "risk_stratified_care",
                                     "medical_neighborhood"]}  # fmt: skip


@pytest.mark.parametrize(("year", "required"), [(2019, 60000), (2020, 80000), (2021, 100000), (2026, 100000)])
def test_d6_medical_home_nominal_amount(year, required):
    params = params_for(year)
    for amount, outcome in [(required - 1, Outcome.DOES_NOT_MEET), (required, Outcome.MEETS)]:
        data = arrangement(year, payer_type="medicaid", arrangement=PROFILE,
                           financial_risk={**MEDICAL_HOME, "maximum_loss_amount": str(amount)})  # fmt: skip
        assert financial_risk.evaluate_financial_risk(params, data).outcome is outcome


def test_d6_from_2023_an_apm_entity_over_50_clinicians_uses_the_general_standards():
    data = arrangement(2023, payer_type="medicaid", arrangement={**PROFILE, "eligible_clinician_count": 51},
                       financial_risk={**MEDICAL_HOME, "maximum_loss_amount": "100000"})  # fmt: skip
    result = financial_risk.evaluate_financial_risk(params_for(2023), data)
    texts = [r.text for r in result.reasons]
    assert any("has 51 eligible clinicians" in t and "general financial risk" in t for t in texts)
    # Forgoing a guaranteed payment is a medical home mechanism only, so the general risk standard fails.
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert result.provisional  # "more than 50" is the likely reading of an ambiguous text [P]
    assert "financial_risk.expected_expenditures" in result.missing_inputs
    data = arrangement(2023, payer_type="medicaid", arrangement={**PROFILE, "eligible_clinician_count": 50},
                       financial_risk={**MEDICAL_HOME, "maximum_loss_amount": "100000"})  # fmt: skip
    assert financial_risk.evaluate_financial_risk(params_for(2023), data).outcome is Outcome.MEETS


@pytest.mark.parametrize(("year", "amount"), [(2023, "14000.00"), (2024, "7520.00"), (2022, "20000.00")])
def test_d7_lump_sum_incentive(year, amount):
    result = evaluate_qp(params_for(year), qp_inputs_from_mapping({"scores": {"medicare_payment": 60},
                                                                   "part_b_base_amount": 400000}))  # fmt: skip
    assert result.status is QPStatus.QP
    assert result.reward.incentive_amount == D(amount)
    assert result.reward.payment_year == year + 2


def test_d7_no_lump_sum_from_2025_but_the_qualifying_apm_conversion_factor():
    result = evaluate_qp(params_for(2025), qp_inputs_from_mapping({"scores": {"medicare_payment": 80},
                                                                   "part_b_base_amount": 400000}))  # fmt: skip
    assert result.reward.incentive_amount is None
    assert result.reward.qp_conversion_factor_update_percent == D("0.75")
    assert "no lump-sum" in result.reward.reasons[0].text
    assert "qualifying APM conversion factor" in result.reward.reasons[1].text


def test_py2024_qp_gets_both_the_incentive_and_the_cy2026_conversion_factor():
    result = evaluate_qp(params_for(2024), qp_inputs_from_mapping({"scores": {"medicare_payment": 60}}))
    assert result.reward.incentive_percent == D("1.88")
    assert result.reward.qp_conversion_factor == D("33.5675")
    assert "$33.57" in result.reward.reasons[1].text or "$33.5675" in result.reward.reasons[1].text


def test_evaluate_arrangement_d5_meets_all_three_criteria():
    result = evaluate_arrangement(params_for(2024), arrangement(2024, financial_risk=D5))
    assert result.outcome is Outcome.MEETS
    assert set(result.criteria) == {"cehrt", "quality", "financial_risk"}
