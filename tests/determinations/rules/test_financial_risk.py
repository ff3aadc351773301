"""Criterion C: capitation, the general standards, the benchmark cap and the medical home standards."""

from decimal import Decimal

import pytest

from determinations.rules import marginal_risk
from determinations.rules.arrangement import LossBand
from determinations.rules.financial_risk import evaluate_financial_risk
from determinations.rules.results import Outcome

from .support import arrangement, params_for

ELEMENTS = ["chronic_preventive_care", "access_continuity", "risk_stratified_care", "patient_engagement"]


def risk(year, payer_type="other_payer", profile=None, **answers):
    data = arrangement(year, payer_type=payer_type, arrangement=profile or {}, financial_risk=answers)
    return evaluate_financial_risk(params_for(year), data)


def test_the_general_standards_meet():
    assert risk(2024).outcome is Outcome.MEETS


def test_full_capitation_meets_by_itself():
    result = risk(2024, risk_type="full_capitation", capitation_without_settlement=True,
                  is_cms_medicare_advantage_capitation=False, risk_mechanisms=[], maximum_loss_amount=None)  # fmt: skip
    assert result.outcome is Outcome.MEETS
    assert result.reasons[0].citation == "42 CFR 414.1420(d)(7)"


def test_cms_capitation_of_a_medicare_advantage_organization_is_not_capitation():
    result = risk(2024, risk_type="full_capitation", capitation_without_settlement=True,
                  is_cms_medicare_advantage_capitation=True, maximum_loss_amount="100000")  # fmt: skip
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert "Medicare Advantage Organization are not capitation arrangements" in result.reasons[0].text


def test_capitation_with_settlement_falls_back_to_the_general_standards():
    result = risk(2024, risk_type="full_capitation", capitation_without_settlement=False,
                  is_cms_medicare_advantage_capitation=False)  # fmt: skip
    assert result.outcome is Outcome.MEETS  # the general figures of the base arrangement pass
    assert risk(2024, risk_type="full_capitation", capitation_without_settlement=None,
                maximum_loss_amount=None).outcome is Outcome.NEEDS_REVIEW  # fmt: skip


def test_the_benchmark_is_capped_at_spending_without_the_arrangement():
    result = risk(2024, expected_expenditures="12000000", expenditures_without_arrangement="10000000",
                  maximum_loss_amount="330000")  # fmt: skip
    assert result.outcome is Outcome.MEETS
    assert any("risk is assessed against $10,000,000" in r.text for r in result.reasons)
    assert risk(2024, expected_expenditures="12000000", maximum_loss_amount="330000").outcome is Outcome.DOES_NOT_MEET


def test_the_general_risk_standard_needs_a_mechanism():
    result = risk(2024, risk_mechanisms=["forgo_guaranteed_payment"])
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert "neither withholds payment" in result.reasons[0].text
    assert risk(2024, risk_mechanisms=None).missing_inputs == ("financial_risk.risk_mechanisms",)


def test_2019_also_needs_four_percent_of_expected_expenditures():
    assert risk(2019, maximum_loss_amount="350000").outcome is Outcome.DOES_NOT_MEET
    assert risk(2020, maximum_loss_amount="350000").outcome is Outcome.MEETS


def medicaid_home(year, **changes):
    answers = {"risk_type": "medicaid_medical_home", "risk_mechanisms": ["forgo_guaranteed_payment"],
               "maximum_loss_amount": "100000", "medical_home_average_revenue": "2000000",
               "expected_expenditures": None} | changes  # fmt: skip
    profile = {"primary_care_focus": True, "empanelment": True, "medical_home_elements": ELEMENTS,
               "parent_organization_clinician_count": 10, "eligible_clinician_count": 10}  # fmt: skip
    return answers, profile


def test_a_medicaid_medical_home_meets_its_own_standards():
    answers, profile = medicaid_home(2021)
    result = risk(2021, "medicaid", profile, **answers)
    assert result.outcome is Outcome.MEETS
    assert any("42 CFR 414.1420(d)(4)" in r.text for r in result.reasons)


def test_only_medicaid_can_be_a_medicaid_medical_home():
    answers, profile = medicaid_home(2021)
    result = risk(2021, "other_payer", profile, **answers)
    assert "only a Title XIX" in result.reasons[0].text
    assert result.outcome is Outcome.DOES_NOT_MEET


def test_an_aligned_other_payer_medical_home_from_2020():
    answers, profile = medicaid_home(2020, risk_type="aligned_medical_home", maximum_loss_amount="80000")
    profile["aligned_with_multi_payer_model"] = True
    assert risk(2020, "multi_payer_model", profile, **answers).outcome is Outcome.MEETS
    result = risk(2019, "multi_payer_model", profile, **answers)
    assert "not available for 2019" in result.reasons[0].text


def test_three_elements_are_not_a_medical_home():
    answers, profile = medicaid_home(2021)
    profile["medical_home_elements"] = ELEMENTS[:3]
    result = risk(2021, "medicaid", profile, **answers)
    assert "3 of the seven medical home elements, fewer than the 4 required" in result.reasons[0].text


def test_unknown_medical_home_facts_need_review():
    answers, _ = medicaid_home(2021)
    result = risk(2021, "medicaid", {}, **answers)
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert "arrangement.primary_care_focus" in result.missing_inputs
    assert "arrangement.parent_organization_clinician_count" in result.missing_inputs


@pytest.mark.parametrize(
    ("bands", "cap", "expected_end", "expected_rate"),
    [
        # 50% from the first dollar: payments reach 3% at a 6% loss; rates on 4-6% are compared.
        ([LossBand(Decimal(0), None, Decimal(50))], None, Decimal(6), Decimal(50)),
        # 20% on 0-10%, 60% after: 2% paid at 10%, the last 1% at 10 + 1/0.6.
        (
            [LossBand(Decimal(0), Decimal(10), Decimal(20)), LossBand(Decimal(10), None, Decimal(60))],
            None,
            Decimal(10) + Decimal(100) / Decimal(60),
            None,
        ),
        # A 2% cap: payments stop at a 4% loss and never reach 3%; the rate left is 50% on 0-4%.
        ([LossBand(Decimal(0), None, Decimal(50))], Decimal(2), Decimal(4), Decimal(50)),
    ],
)
def test_large_loss_point(bands, cap, expected_end, expected_rate):
    schedule = marginal_risk.segments(tuple(bands), cap)
    assert marginal_risk.large_loss_point(schedule, Decimal(3)) == expected_end


def test_bands_average_is_weighted_by_loss():
    facts = arrangement(2021, financial_risk={"marginal_risk_rate": None, "minimum_loss_rate": None,
                                              "marginal_risk_bands": [
                                                  {"from_percent": 0, "to_percent": 6, "rate_percent": 20},
                                                  {"from_percent": 6, "to_percent": None, "rate_percent": 50}]}
                        ).financial_risk  # fmt: skip
    result = marginal_risk.evaluate(params_for(2021), facts, facts.expected_expenditures)
    # 1.2% paid by a 6% loss, the remaining 1.8% by 9.6%; average on 4-9.6% = (20 x 2 + 50 x 3.6) / 5.6.
    assert result.outcome is Outcome.MEETS
    assert "losses from 4% to 9.6%" in result.reasons[0].text
    assert "39.286%" in result.reasons[0].text


def test_a_schedule_that_never_pays_fails():
    facts = arrangement(2021, financial_risk={"marginal_risk_rate": "0", "minimum_loss_rate": "0"}).financial_risk
    result = marginal_risk.evaluate(params_for(2021), facts, facts.expected_expenditures)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert "requires no payment" in result.reasons[0].text
