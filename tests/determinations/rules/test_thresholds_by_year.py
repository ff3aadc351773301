"""Every threshold and percentage of every year 2017-2026, just below, equal and just above (domain.md 2 and 4).

The expected figures are typed in here from domain.md, apart from the reference data file, so the
file and the rules are both checked against the rule book.
"""

from decimal import Decimal

import pytest

from determinations.rules import cehrt, financial_risk, marginal_risk
from determinations.rules.parameters import MarginalRiskVariant, QualityVariant
from determinations.rules.qp_thresholds import QPStatus, ThresholdScores, qp_reward, qp_status
from determinations.rules.results import Outcome

from .support import YEARS, arrangement, edges, params_for

D = Decimal
EARLY = {"medicare": ((25, 20), (20, 10)), "all_payer": None}
FROZEN = {"medicare": ((50, 35), (40, 25)), "all_payer": ((50, 35), (40, 25))}
LATER = {"medicare": ((75, 50), (50, 35)), "all_payer": ((75, 50), (50, 35))}
QP_TABLE = {2017: EARLY, 2018: EARLY, **dict.fromkeys(range(2019, 2025), FROZEN), 2025: LATER, 2026: LATER}
MEDICARE_MINIMUMS = ((25, 20), (20, 10))  # (QP pay, QP patient), (Partial pay, Partial patient), every year
CEHRT = {2017: 50, 2018: 50, 2019: 50, **dict.fromkeys(range(2020, 2027), 75)}
MEDICAL_HOME = {2019: 3, 2020: 4, **dict.fromkeys(range(2021, 2027), 5)}
INCENTIVE = {**dict.fromkeys(range(2017, 2023), D(5)), 2023: D("3.5"), 2024: D("1.88"), 2025: None, 2026: None}
STATUS = {0: QPStatus.QP, 1: QPStatus.PARTIAL_QP}
METHOD = {0: "payment", 1: "patient"}


def medicare_option_cases():
    for year in YEARS:
        for tier, pair in enumerate(QP_TABLE[year]["medicare"]):
            for m, threshold in enumerate(pair):
                for score, reaches in edges(threshold):
                    yield year, STATUS[tier], METHOD[m], score, reaches


@pytest.mark.parametrize(("year", "status", "method", "score", "reaches"), list(medicare_option_cases()))
def test_medicare_option_threshold(year, status, method, score, reaches):
    result = qp_status(params_for(year), ThresholdScores(**{f"medicare_{method}": score}))
    if reaches:
        assert result.medicare_option_status is status
    else:
        assert result.medicare_option_status.rank == status.rank - 1
    assert result.status.rank >= result.medicare_option_status.rank


def all_payer_cases():
    for year in YEARS:
        table = QP_TABLE[year]["all_payer"]
        if table is None:
            continue
        for tier, pair in enumerate(table):
            for m, threshold in enumerate(pair):
                minimum = MEDICARE_MINIMUMS[tier][m]
                # The All-Payer threshold, with the Medicare score exactly at its minimum.
                for score, reaches in edges(threshold):
                    yield year, STATUS[tier], METHOD[m], D(minimum), score, reaches
                # The Medicare minimum, with an All-Payer score exactly at its threshold.
                for medicare, reaches in edges(minimum):
                    yield year, STATUS[tier], METHOD[m], medicare, D(threshold), reaches


@pytest.mark.parametrize(("year", "status", "method", "medicare", "all_payer", "reaches"), list(all_payer_cases()))
def test_all_payer_threshold_and_medicare_minimum(year, status, method, medicare, all_payer, reaches):
    scores = ThresholdScores(**{f"medicare_{method}": medicare, f"all_payer_{method}": all_payer})
    result = qp_status(params_for(year), scores)
    assert result.medicare_option_status is QPStatus.NONE
    if reaches:
        assert result.status is status
    else:
        assert result.status.rank == status.rank - 1


@pytest.mark.parametrize("year", [2017, 2018])
def test_no_all_payer_option_before_2019(year):
    scores = ThresholdScores(medicare_payment=D(24), all_payer_payment=D(99), all_payer_patient=D(99))
    result = qp_status(params_for(year), scores)
    assert result.status is QPStatus.PARTIAL_QP
    assert result.all_payer_status is None
    assert "not available" in result.reasons[-1].text


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("method", ["payment", "patient"])
def test_below_the_lowest_medicare_minimum_gives_no_all_payer_determination(year, method):
    lowest = MEDICARE_MINIMUMS[1][0 if method == "payment" else 1]
    scores = ThresholdScores(**{f"medicare_{method}": D(lowest) - D("0.001"), f"all_payer_{method}": D(100)})
    result = qp_status(params_for(year), scores)
    assert result.all_payer_status is None
    assert result.status is QPStatus.NONE


@pytest.mark.parametrize("year", YEARS)
def test_cehrt_share_threshold(year):
    params = params_for(year)
    assert params.cehrt_participant_percent == CEHRT[year]
    for share, reaches in edges(CEHRT[year]):
        facts = arrangement(year, cehrt={"requires_cehrt": False, "lowest_entity_cehrt_percent": str(share)}).cehrt
        assert cehrt.evaluate_cehrt(params, facts).outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", YEARS)
def test_nominal_amount_of_expected_expenditures(year):
    params = params_for(year)
    assert params.nominal_expenditure_percent == 3
    for share, reaches in edges(3):
        facts = arrangement(year, financial_risk={"maximum_loss_amount": str(share * 100000)}).financial_risk
        test = financial_risk.expenditure_test(params, facts, facts.expected_expenditures)
        assert test.outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", YEARS)
def test_nominal_amount_of_revenue(year):
    params = params_for(year)
    if year < 2019:
        assert params.nominal_revenue_percent is None
        return
    assert params.nominal_revenue_percent == 8
    for share, reaches in edges(8):
        changes = {
            "risk_defined_in_revenue": True,
            "total_revenue": "1000000",
            "maximum_loss_amount": str(share * 10000),
        }
        facts = arrangement(year, financial_risk=changes).financial_risk
        test = financial_risk.revenue_test(params, facts)
        assert test.outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", YEARS)
def test_total_risk_minimum_only_in_2019_and_before(year):
    params = params_for(year)
    if year >= 2020:
        assert params.total_risk_minimum_percent_of_expenditures is None
        return
    assert params.total_risk_minimum_percent_of_expenditures == 4
    for share, reaches in edges(4):
        facts = arrangement(year, financial_risk={"maximum_loss_amount": str(share * 100000)}).financial_risk
        test = financial_risk.total_risk_minimum(params, facts, facts.expected_expenditures)
        assert test.outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", YEARS)
def test_marginal_risk_rate_minimum(year):
    params = params_for(year)
    assert params.marginal_risk_rate_minimum_percent == 30
    assert params.marginal_risk_variant is (MarginalRiskVariant.LOWEST if year <= 2019 else MarginalRiskVariant.AVERAGE)
    for rate, reaches in edges(30):
        changes = {"marginal_risk_rate": str(rate), "minimum_loss_rate": "0"}
        facts = arrangement(year, financial_risk=changes).financial_risk
        test = marginal_risk.evaluate(params, facts, facts.expected_expenditures)
        assert test.outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", YEARS)
def test_minimum_loss_rate_allowance(year):
    """A corridor up to the 4% allowance costs nothing; beyond it the 0% losses count against the rate."""
    params = params_for(year)
    assert params.minimum_loss_rate_allowance_percent == 4
    below_allowance = D(4) + D("0.001")
    expected = {
        D("3.999"): Outcome.MEETS,
        D(4): Outcome.MEETS,
        # 2019 compares the lowest rate (0%); later years average, and leaving the 0% out would pass: review.
        below_allowance: Outcome.DOES_NOT_MEET if year <= 2019 else Outcome.NEEDS_REVIEW,
    }
    for corridor, outcome in expected.items():
        changes = {"marginal_risk_rate": "30", "minimum_loss_rate": str(corridor)}
        facts = arrangement(year, financial_risk=changes).financial_risk
        assert marginal_risk.evaluate(params, facts, facts.expected_expenditures).outcome is outcome


@pytest.mark.parametrize("year", range(2019, 2027))
def test_medical_home_nominal_amount(year):
    params = params_for(year)
    assert params.medical_home_nominal_percent == MEDICAL_HOME[year]
    for share, reaches in edges(MEDICAL_HOME[year]):
        changes = {"maximum_loss_amount": str(share * 20000), "medical_home_average_revenue": "2000000"}
        facts = arrangement(year, financial_risk=changes).financial_risk
        test = financial_risk.medical_home_nominal(params, facts)
        assert test.outcome is (Outcome.MEETS if reaches else Outcome.DOES_NOT_MEET)


@pytest.mark.parametrize("year", range(2019, 2027))
def test_medical_home_size_limit(year):
    params = params_for(year)
    field = "parent_organization_clinician_count" if year <= 2022 else "eligible_clinician_count"
    # 2019-2022: 50 or more in the parent organization; from 2023: more than 50 in the APM Entity.
    over = {49: False, 50: year <= 2022, 51: True}
    for count, excluded in over.items():
        data = medicaid_medical_home(year, **{field: count})
        test = financial_risk.medical_home_eligibility(params, data)
        assert test.outcome is (Outcome.DOES_NOT_MEET if excluded else Outcome.MEETS), (count, test.reasons)


def medicaid_medical_home(year, **profile):
    return arrangement(
        year,
        payer_type="medicaid",
        arrangement={"primary_care_focus": True, "empanelment": True, "medical_home_elements": [
            "chronic_preventive_care", "access_continuity", "risk_stratified_care", "patient_engagement"], **profile},
        financial_risk={"risk_type": "medicaid_medical_home"},
    )  # fmt: skip


@pytest.mark.parametrize("year", YEARS)
def test_quality_variant_by_year(year):
    expected = (
        QualityVariant.LEGACY_2019
        if year <= 2019
        else QualityVariant.ADDITIONAL_OUTCOME_MEASURE
        if year <= 2022
        else QualityVariant.SINGLE_MEASURE_MAY_SATISFY_BOTH
    )
    assert params_for(year).quality_variant is expected


@pytest.mark.parametrize("year", YEARS)
def test_incentive_and_conversion_factor(year):
    params = params_for(year)
    assert params.incentive_percent == INCENTIVE[year]
    reward = qp_reward(params, QPStatus.QP, D(400000))
    if INCENTIVE[year] is None:
        assert reward.incentive_amount is None
    else:
        assert reward.incentive_amount == D(400000) * INCENTIVE[year] / 100
    assert (reward.qp_conversion_factor_update_percent is not None) is (year >= 2024)
    assert qp_reward(params, QPStatus.PARTIAL_QP, D(400000)) is None
