"""Criterion B: measure bases and the outcome measure rule as its wording changed by year."""

import pytest

from determinations.rules.quality import evaluate_quality
from determinations.rules.results import Outcome

from .support import arrangement, params_for

OUTCOME = {"title": "Risk-standardized readmissions", "basis": "mips_list", "is_outcome": True}
PROCESS = {"title": "Breast Cancer Screening", "basis": "mips_list"}


def quality(year, *measures, **answers):
    facts = arrangement(year, quality={"measures": list(measures), **answers}).quality
    return evaluate_quality(params_for(year), facts)


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_a_single_outcome_measure_is_not_enough_from_2020_to_2022(year):
    result = quality(year, OUTCOME)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert "at least one additional measure that is an outcome measure" in result.reasons[-1].text
    assert quality(year, OUTCOME, PROCESS).outcome is Outcome.MEETS


@pytest.mark.parametrize("year", [2019, 2023, 2024, 2026])
def test_a_single_outcome_measure_may_satisfy_both(year):
    assert quality(year, OUTCOME).outcome is Outcome.MEETS


@pytest.mark.parametrize("year", [2019, 2021, 2024])
def test_no_outcome_measure_needs_the_certification(year):
    assert quality(year, PROCESS).outcome is Outcome.NEEDS_REVIEW
    assert quality(year, PROCESS).missing_inputs == ("quality.no_outcome_measure_certified",)
    assert quality(year, PROCESS, no_outcome_measure_certified=False).outcome is Outcome.DOES_NOT_MEET
    certified = quality(year, PROCESS, no_outcome_measure_certified=True)
    assert certified.outcome is Outcome.MEETS
    assert any(r.citation == "42 CFR 414.1445(c)(3)" for r in certified.reasons)


def test_no_measures_is_a_missing_input():
    result = quality(2024)
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert result.missing_inputs == ("quality.measures",)


def test_an_evidence_based_measure_needs_cms_to_determine_it():
    evidence = {**OUTCOME, "basis": "evidence_based"}
    result = quality(2024, evidence)
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert "CMS must determine" in result.reasons[0].text
    # With a settled measure beside it, only the outcome part waits for the reviewer.
    assert quality(2024, evidence, PROCESS).outcome is Outcome.NEEDS_REVIEW
    assert quality(2024, evidence, {**OUTCOME, "basis": "cbe_endorsed"}).outcome is Outcome.MEETS


def test_2019_only_bases_do_not_count_from_2020():
    legacy = {**OUTCOME, "basis": "developed_under_1848s"}
    assert quality(2019, legacy).outcome is Outcome.NEEDS_REVIEW
    result = quality(2021, legacy, PROCESS)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert "no outcome measure used" in result.reasons[-1].text


def test_2020_applies_the_2019_rule_to_arrangements_determined_by_january_2020():
    assert quality(2020, OUTCOME).outcome is Outcome.DOES_NOT_MEET
    result = quality(2020, OUTCOME, determined_on_or_before_2020_01_01=True)
    assert result.outcome is Outcome.MEETS
    assert "414.1420(c)(3)(i)" in result.reasons[0].text
    # Only for the 2020 determination: a multi-year determination is re-tested from 2021.
    assert quality(2021, OUTCOME, determined_on_or_before_2020_01_01=True).outcome is Outcome.DOES_NOT_MEET


def test_2023_result_is_provisional_because_the_switch_year_is_inferred():
    assert quality(2023, OUTCOME).provisional
    assert not quality(2022, OUTCOME, PROCESS).provisional
