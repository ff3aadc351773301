"""The QP batch reads the submitted All-Payer QP figures, by both paths (docs/qp.md, "Submitted figures").

Figures as D1 of domain.md section 5 in 2026: Medicare 30 % (an APM Entity of two clinicians, each
$150,000 of $500,000), other payers' $900,000 of $1,200,000 through the Other Payer Advanced APM:
All-Payer score 54.545 %, a Partial QP in 2026 (QP needs 75 %). Without the submission the records
have no All-Payer data.
"""

from decimal import Decimal

from accounts.models import OrganizationKind
from tests.factories import organization_member

from ..qp.support import record
from ..qp.test_batch_cases import determine, medicare, other, set_based  # noqa: F401 (set_based is a fixture)
from .support import approved_determination, complete_draft, submit

D = Decimal
HALF = medicare("payment", 150_000, 500_000)
SCORE = D("54.545")


def _score(result):
    score = result.all_payer_payment_score
    return None if score is None else score.quantize(D("0.001"))


def _outcome(result):
    return result.status, result.basis, result.level, _score(result)


def test_the_entitys_submitted_figures_count_once_for_the_group(entity_member, commercial_2026, set_based):  # noqa: F811
    year = commercial_2026.submission.performance_year
    submit(complete_draft(entity_member, [commercial_2026], apm_entity_id="E1"), entity_member)
    results = determine(
        year,
        set_based,
        record(year, npi="1234567893", entity="E1", **HALF),
        record(year, npi="1245319599", entity="E1", **HALF),
        record(year, npi="1003000126", entity="E9", **medicare("payment", 300_000, 1_000_000)),
    )
    assert _outcome(results["1234567893"]) == ("partial_qp", "all_payer", "entity", SCORE)
    assert _outcome(results["1245319599"]) == ("partial_qp", "all_payer", "entity", SCORE)
    assert _outcome(results["1003000126"]) == ("none", "no_all_payer_data", "entity", None)


def test_a_snapshot_without_submitted_figures_is_left_alone(entity_member, commercial_2026, set_based):  # noqa: F811
    year = commercial_2026.submission.performance_year
    submit(complete_draft(entity_member, [commercial_2026], snapshot=2), entity_member)
    results = determine(year, set_based, record(year, npi="1234567893", entity="E1", **HALF), snapshot=1)
    assert _outcome(results["1234567893"]) == ("none", "no_all_payer_data", "entity", None)


def test_the_upload_takes_precedence_and_the_clinicians_own_level_is_used(entity_member, commercial_2026, set_based):  # noqa: F811
    year = commercial_2026.submission.performance_year
    clinician = organization_member(OrganizationKind.PRACTICE, name="Dr. Solo")
    submit(complete_draft(clinician, [commercial_2026], level="clinician", npi="1003000126"), clinician)
    submit(complete_draft(entity_member, [commercial_2026], apm_entity_id="E1"), entity_member)
    uploaded = other("payment", 100_000, 1_200_000)  # the upload's own figures for E1: they win
    results = determine(
        year,
        set_based,
        record(year, npi="1234567893", entity="E1", **HALF, **uploaded),
        record(year, npi="1245319599", entity="E1", **HALF),
        record(
            year, npi="1003000126", entity="E5", all_payer_level="entity", **medicare("payment", 300_000, 1_000_000)
        ),
    )
    # E1's upload carries figures, so the entity's submission is not added: (300,000 + 100,000) / 2,200,000.
    assert _outcome(results["1234567893"]) == ("none", "below_all_payer_thresholds", "entity", D("18.182"))
    # The clinician asked for their own determination, with their own figures.
    assert _outcome(results["1003000126"]) == ("partial_qp", "all_payer", "clinician", SCORE)


def test_a_payer_outside_any_arrangement_counts_in_the_denominator(entity_member, commercial_2026, set_based):  # noqa: F811
    """The denominator is the total from all payers (414.1440(b)), not only those with an Other Payer Advanced
    APM: $300,000 more from a payer outside any arrangement, (300,000 + 900,000) / (1,000,000 + 1,500,000)."""
    year = commercial_2026.submission.performance_year
    totals = {"other_payments": D("1500000")}
    submit(complete_draft(entity_member, [commercial_2026], apm_entity_id="E1", totals=totals), entity_member)
    results = determine(
        year,
        set_based,
        record(year, npi="1234567893", entity="E1", **HALF),
        record(year, npi="1245319599", entity="E1", **HALF),
    )
    # 48 %: below the Partial QP threshold of 50 %, where the arrangement's payer alone gave 54.545 %.
    assert _outcome(results["1234567893"]) == ("none", "below_all_payer_thresholds", "entity", D("48.000"))


def test_a_patient_of_two_payers_counts_once(entity_member, commercial_2026, reviewer, review_lead, set_based):  # noqa: F811
    """Two arrangements' patients, 300 and 200 of 1,000 patients in total (not 1,000 per payer, summed)."""
    year = commercial_2026.submission.performance_year
    second = approved_determination("other_payer", "Second Plan", "Beta Health", reviewer, review_lead)
    figures = {"payment_numerator": None, "patient_numerator": 250}
    totals = {"other_payments": None, "excluded_payments": None, "other_patients": 1_000}
    submit(complete_draft(entity_member, [commercial_2026, second], apm_entity_id="E1", figures=figures,
                          totals=totals), entity_member)  # fmt: skip
    patients = medicare("patient", 150, 500)
    result = determine(year, set_based, record(year, npi="1234567893", entity="E1", **patients))["1234567893"]
    # (150 + 250 + 250) / (500 + 1,000) patients; summing each payer's 1,000 would give 650 / 2,500 = 26 %.
    assert result.all_payer_patient_score.quantize(D("0.001")) == D("43.333")


def test_medicaid_arrangements_figures_are_kept_apart(entity_member, medicaid_2026, set_based):  # noqa: F811
    """Medicaid counts only in a county with a Medicaid Other Payer Advanced APM (414.1440(a)(2))."""
    year = medicaid_2026.submission.performance_year
    medicaid_totals = {"other_payments": None, "medicaid_payments": D("1200000")}
    submit(complete_draft(entity_member, [medicaid_2026], apm_entity_id="E1", totals=medicaid_totals), entity_member)
    results = determine(
        year,
        set_based,
        record(year, npi="1234567893", entity="E1", county_fips="24031", **HALF),
        record(year, npi="1245319599", entity="E1", county_fips="24005", **HALF),
    )
    # The entity's figures sit on its first record (by NPI), whose county has the Medicaid APM.
    assert _outcome(results["1234567893"]) == ("partial_qp", "all_payer", "entity", SCORE)
