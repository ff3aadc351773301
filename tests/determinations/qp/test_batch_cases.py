"""The batch on domain.md section 5 and on every threshold edge of every year, by both paths.

Each case runs through the set-based SQL (PostgreSQL) and the streamed Python path; the expected
figures are typed in from domain.md 4.2, apart from the reference data the batch reads.
"""

from decimal import Decimal

import pytest
from django.db import connection

from determinations.models import ParticipationRecord, QPDetermination
from tests.support import skip_or_fail

from .support import record, run_batch

D = Decimal
EARLY = {"medicare": ((25, 20), (20, 10)), "all_payer": None}
FROZEN = {"medicare": ((50, 35), (40, 25)), "all_payer": ((50, 35), (40, 25))}
LATER = {"medicare": ((75, 50), (50, 35)), "all_payer": ((75, 50), (50, 35))}
QP_TABLE = {2017: EARLY, 2018: EARLY, **dict.fromkeys(range(2019, 2025), FROZEN), 2025: LATER, 2026: LATER}
MEDICARE_MINIMUMS = ((25, 20), (20, 10))
STATUS = ("qp", "partial_qp")
RANK = {"none": 0, "partial_qp": 1, "qp": 2}
METHODS = ("payment", "patient")
UNIT = 100_000  # Medicare denominators: one unit is 0.001 %


@pytest.fixture(params=[True, False], ids=["sql", "python"])
def set_based(request, db):
    if request.param and connection.vendor != "postgresql":
        skip_or_fail("the set-based batch needs PostgreSQL (DATABASE_URL)")
    return request.param


def determine(performance_year, set_based, *records, snapshot=1) -> dict[str, QPDetermination]:
    ParticipationRecord.objects.bulk_create(records)
    run = run_batch(performance_year, snapshot, set_based=set_based)
    return {d.npi: d for d in QPDetermination.objects.filter(run=run)}


def medicare(method, numerator, denominator=UNIT) -> dict:
    amount = D if method == "payment" else int
    return {f"medicare_{method}_numerator": amount(numerator), f"medicare_{method}_denominator": amount(denominator)}


def other(method, numerator, denominator) -> dict:
    amount = D if method == "payment" else int
    return {f"other_{method}_numerator": amount(numerator), f"other_{method}_denominator": amount(denominator)}


def below_equal_above(value):
    return [(value - 1, False), (value, True), (value + 1, True)]


def medicare_option_cases(year):
    for tier, pair in enumerate(QP_TABLE[year]["medicare"]):
        for m, threshold in enumerate(pair):
            for numerator, reaches in below_equal_above(threshold * UNIT // 100):
                yield STATUS[tier], medicare(METHODS[m], numerator), reaches, "medicare_option"


OTHER_DENOMINATOR = 3 * UNIT  # All-Payer denominator 4 * UNIT: one unit is 0.00025 %


def all_payer_cases(year):
    for tier, pair in enumerate(QP_TABLE[year]["all_payer"] or ()):
        for m, threshold in enumerate(pair):
            method, minimum, target = METHODS[m], MEDICARE_MINIMUMS[tier][m] * UNIT // 100, threshold * 4 * UNIT // 100
            # The All-Payer score around its threshold, the Medicare score exactly at its minimum.
            for total, reaches in below_equal_above(target):
                figures = medicare(method, minimum) | other(method, total - minimum, OTHER_DENOMINATOR)
                yield STATUS[tier], figures, reaches, "all_payer"
            # The Medicare score around its minimum, the All-Payer score exactly at its threshold.
            for numerator, reaches in below_equal_above(minimum):
                figures = medicare(method, numerator) | other(method, target - numerator, OTHER_DENOMINATOR)
                yield STATUS[tier], figures, reaches, "all_payer"


@pytest.mark.parametrize("year", sorted(QP_TABLE))
def test_threshold_edges(years, set_based, year):
    """Just below, equal and just above every Medicare Option threshold, All-Payer threshold and Medicare
    minimum of the year, each clinician alone in an APM Entity, all in one run."""
    cases = list(medicare_option_cases(year)) + list(all_payer_cases(year))
    records = [
        record(years[year], npi=f"{i:010d}", entity=f"E{i}", **figures) for i, (_, figures, _, _) in enumerate(cases)
    ]
    results = determine(years[year], set_based, *records)
    for i, (status, _figures, reaches, option) in enumerate(cases):
        result = results[f"{i:010d}"]
        assert RANK[result.status] == (RANK[status] if reaches else RANK[status] - 1), (i, cases[i])
        if option == "all_payer":
            assert result.medicare_option_status == "none"
        if reaches:
            assert result.basis == option, (i, cases[i])


@pytest.mark.parametrize("year", sorted(QP_TABLE))
def test_zero_denominators(years, set_based, year):
    empty = record(years[year], npi="1234567893")
    no_medicare = record(years[year], npi="1245319599", **other("payment", 90, 100), **other("patient", 9, 10))
    results = determine(years[year], set_based, empty, no_medicare)
    for result in results.values():
        assert result.status == "none"
        assert result.medicare_payment_score == 0
        assert result.all_payer_status is None
        expected = "all_payer_not_available" if QP_TABLE[year]["all_payer"] is None else "below_medicare_minimum"
        assert result.basis == expected


# --- domain.md section 5 ---------------------------------------------------------------------------

D1 = medicare("payment", 300_000, 1_000_000) | other("payment", 900_000, 1_200_000)


@pytest.mark.parametrize(("year", "status"), [(2024, "qp"), (2025, "partial_qp")])
def test_d1_all_payer_payment_amount(years, set_based, year, status):
    result = determine(years[year], set_based, record(years[year], **D1))["1234567893"]
    assert result.medicare_payment_score == D("30")
    assert result.all_payer_payment_score.quantize(D("0.001")) == D("54.545")
    assert (result.medicare_option_status, result.all_payer_status, result.status) == ("none", status, status)


def test_d2_medicaid_included_gives_partial_qp(years, set_based):
    # TRICARE, VA and a Medicaid program where none is available are left out of the figures
    # entirely (D1's result); Medicaid that counts adds $400,000 to the other payers' total.
    figures = medicare("payment", 300_000, 1_000_000) | other("payment", 900_000, 1_600_000)
    result = determine(years[2024], set_based, record(years[2024], **figures))["1234567893"]
    assert result.all_payer_payment_score.quantize(D("0.001")) == D("46.154")
    assert result.status == "partial_qp"


def test_d3_mixed_methods(years, set_based):
    figures = (
        medicare("payment", 22, 100) | medicare("patient", 26, 100)
        | other("payment", 218, 400) | other("patient", 82, 200)
    )  # fmt: skip
    result = determine(years[2024], set_based, record(years[2024], **figures))["1234567893"]
    assert (result.all_payer_payment_score, result.all_payer_patient_score) == (D(48), D(36))
    assert result.status == "qp"
    assert result.basis == "all_payer"


# --- Levels, the weighted score, several entities, snapshots and re-runs ----------------------------


def test_individual_level_from_2026(years, set_based):
    for year, expected in ((2025, ("none", "none")), (2026, ("qp", "none"))):
        strong = record(years[year], npi="1234567893", **medicare("payment", 80, 100))
        weak = record(years[year], npi="1245319599", **medicare("payment", 10, 100))
        results = determine(years[year], set_based, strong, weak)
        assert (results["1234567893"].status, results["1245319599"].status) == expected
        assert results["1245319599"].medicare_payment_score == 45


def test_weighted_medicare_score_at_clinician_level_is_provisional(years, set_based):
    colleague = record(years[2024], npi="1245319599", **medicare("payment", 50, 100))
    clinician = record(years[2024], all_payer_level="clinician", **medicare("payment", 10, 100),
                       **other("payment", 70, 100))  # fmt: skip
    result = determine(years[2024], set_based, colleague, clinician)["1234567893"]
    assert result.all_payer_medicare_payment_score == 30  # the group's score, higher than the clinician's 10 %
    assert result.all_payer_payment_score == 50  # (30 % x 100 + 70) / (100 + 100)
    assert (result.status, result.weighted, result.provisional) == ("qp", True, True)


def test_affiliated_practitioner_is_assessed_alone(years, set_based):
    member = record(years[2024], npi="1245319599", **medicare("payment", 60, 100))
    affiliated = record(years[2024], affiliated_practitioner=True, **medicare("payment", 10, 100))
    results = determine(years[2024], set_based, member, affiliated)
    assert results["1245319599"].medicare_payment_score == 60
    assert results["1234567893"].medicare_payment_score == 10
    assert results["1234567893"].level == "clinician"


def test_best_record_of_a_clinician_in_two_entities(years, set_based):
    first = record(years[2024], entity="A1", **medicare("payment", 10, 100))
    second = record(years[2024], entity="B2", tin="987654321", **medicare("payment", 45, 100))
    result = determine(years[2024], set_based, first, second)["1234567893"]
    assert (result.status, result.apm_entity_id, result.participations) == ("partial_qp", "B2", 2)


def test_best_status_over_snapshots_and_reruns_keep_history(years, set_based):
    year = years[2024]
    first = determine(year, set_based, record(year, snapshot=1, **medicare("payment", 60, 100)), snapshot=1)
    assert first["1234567893"].best_status == "qp"
    second = determine(year, set_based, record(year, snapshot=2, **medicare("payment", 10, 100)), snapshot=2)
    assert (second["1234567893"].status, second["1234567893"].best_status) == ("none", "qp")
    again = run_batch(year, 2, set_based=set_based)
    runs = list(year.qp_runs.filter(snapshot=2).order_by("id"))
    assert [r.is_current for r in runs] == [False, True] and runs[-1] == again
    assert QPDetermination.objects.filter(run__in=runs).count() == 2


# --- Zero denominators where the batch reads a fraction as 0/1 once (decision 0037) ------------------


@pytest.mark.parametrize("level", ["tin", "clinician"])
def test_weighted_all_payer_score_with_zero_denominators_at_tin_or_clinician_level(years, set_based, level):
    """The group's Medicare score (50 %) is weighted in over a level whose Medicare and other-payer
    denominators are all zero: the All-Payer fraction is 0/0, a score of zero, not a match."""
    year = years[2025]  # 50 % is a Partial QP under the Medicare Option, so the All-Payer option is tried
    colleague = record(year, npi="1245319599", tin="999999999", **medicare("payment", 50, 100))
    clinician = record(year, all_payer_level=level, **other("payment", 0, 0), **other("patient", 0, 0))
    result = determine(year, set_based, colleague, clinician)["1234567893"]
    assert (result.all_payer_medicare_payment_score, result.all_payer_payment_score) == (50, 0)
    assert (result.all_payer_payment_denominator, result.all_payer_patient_denominator) == (0, 0)
    assert (result.status, result.medicare_option_status, result.all_payer_status) == ("partial_qp",) * 2 + ("none",)
    assert (result.weighted, result.basis) == (True, "medicare_option")


def test_an_apm_entity_of_affiliated_practitioners_only_has_zero_group_totals(years, set_based):
    """Affiliated Practitioners are not a group: their APM Entity's totals are zero, and each is
    assessed on their own figures (the entity-level statuses computed once per group are not used)."""
    year = years[2026]
    first = record(year, entity="AP", affiliated_practitioner=True, **medicare("payment", 80, 100),
                   **other("payment", 10, 10))  # fmt: skip
    second = record(year, npi="1245319599", entity="AP", affiliated_practitioner=True, **medicare("patient", 0, 0))
    results = determine(year, set_based, first, second)
    assert (results["1234567893"].status, results["1234567893"].medicare_payment_score) == ("qp", 80)
    assert (results["1245319599"].status, results["1245319599"].medicare_payment_denominator) == ("none", 0)
    assert results["1245319599"].basis == "below_medicare_minimum"


def test_an_entity_with_zero_denominators_and_other_payers(years, set_based):
    """Entity level, the group's Medicare denominators zero: the Medicare score is zero (below every
    minimum, so no All-Payer determination) while the group's All-Payer fraction is other payers' alone."""
    year = years[2024]
    members = [
        record(year, npi=npi, entity="Z", **other("payment", 90, 100), **other("patient", 9, 10))
        for npi in ("1234567893", "1245319599")
    ]
    results = determine(year, set_based, *members)
    for result in results.values():
        assert (result.medicare_payment_score, result.medicare_payment_denominator) == (0, 0)
        assert (result.all_payer_status, result.basis) == (None, "below_medicare_minimum")
        assert (result.all_payer_payment_score, result.all_payer_payment_denominator) == (90, 200)
