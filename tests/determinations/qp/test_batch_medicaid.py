"""The Medicaid test of 42 CFR 414.1440(a)(2) in the batch, by both paths (domain.md 4.4, D2).

A record's Medicaid figures count with the other payers' only when the county where the clinician
sees the most patients has a Medicaid Other Payer Advanced APM approved for the year (the selector
``medicaid_apm_counties``) and their specialty may take part; otherwise Medicaid is left out of
numerator and denominator alike. The approved Medicaid arrangement here records counties 24031
and 24033. Figures as D2, in 2026: Medicare 30 %, other payers $900,000 of $1,200,000.
"""

from decimal import Decimal

import pytest

from determinations.models import QPDeterminationRun
from determinations.states import SubmissionStatus
from tests.factories import SubmissionFactory, organization_member
from tests.factories import submissions as steps

from .support import record
from .test_batch_cases import determine, medicare, other, set_based  # noqa: F401 (set_based is a fixture)

D = Decimal
MEDICARE = medicare("payment", 300_000, 1_000_000)


def medicaid(numerator, denominator) -> dict:
    return {"medicaid_payment_numerator": D(numerator), "medicaid_payment_denominator": D(denominator)}


# (id, figures, county, specialty eligible, All-Payer payment score, status, basis)
CASES = [
    ("county with a Medicaid APM: included", MEDICARE | other("payment", 900_000, 1_200_000) | medicaid(0, 400_000),
     "24031", True, "46.154", "none", "below_all_payer_thresholds"),
    ("county without one: excluded", MEDICARE | other("payment", 900_000, 1_200_000) | medicaid(0, 400_000),
     "24005", True, "54.545", "partial_qp", "all_payer"),
    ("specialty not eligible: excluded", MEDICARE | other("payment", 900_000, 1_200_000) | medicaid(0, 400_000),
     "24033", False, "54.545", "partial_qp", "all_payer"),
    ("no county given: excluded", MEDICARE | other("payment", 900_000, 1_200_000) | medicaid(0, 400_000),
     "", True, "54.545", "partial_qp", "all_payer"),
    ("Medicaid through the APM helps where it counts", MEDICARE | medicaid(400_000, 400_000),
     "24033", True, "50.000", "partial_qp", "all_payer"),
    ("excluded Medicaid alone is no All-Payer data", MEDICARE | medicaid(400_000, 400_000),
     "24005", True, None, "none", "no_all_payer_data"),
]  # fmt: skip


@pytest.fixture
def medicaid_apm_2026(reference_data, clock, media, reviewer, review_lead):
    agency = organization_member("payer", "medicaid", "Test State Medicaid Agency")
    submission = SubmissionFactory(member=agency, name="County Care", year=2026, state=SubmissionStatus.IN_REVIEW,
                                   reviewer=reviewer)  # fmt: skip
    steps.approved(submission, reviewer, review_lead)


def test_medicaid_counts_only_in_a_county_with_a_medicaid_apm(years, set_based, medicaid_apm_2026):  # noqa: F811
    year = years[2026]
    records = [
        record(year, npi=f"{i:010d}", entity=f"E{i}", county_fips=county, medicaid_specialty_eligible=eligible,
               **figures)
        for i, (_, figures, county, eligible, *_expected) in enumerate(CASES)
    ]  # fmt: skip
    results = determine(year, set_based, *records)
    for i, (name, _figures, _county, _eligible, score, status, basis) in enumerate(CASES):
        result = results[f"{i:010d}"]
        got = None if result.all_payer_payment_score is None else result.all_payer_payment_score.quantize(D("0.001"))
        assert (got, result.status, result.basis) == (None if score is None else D(score), status, basis), name
    assert QPDeterminationRun.objects.get().medicaid_counties == ["24031", "24033"]
