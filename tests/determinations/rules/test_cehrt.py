"""Criterion A: the CEHRT presumption and the share of participants in each APM Entity or hospital."""

from determinations.rules.cehrt import evaluate_cehrt
from determinations.rules.results import Outcome

from .support import arrangement, params_for


def cehrt(year, **answers):
    return evaluate_cehrt(params_for(year), arrangement(year, cehrt={"requires_cehrt": None, **answers}).cehrt)


def test_a_contract_requirement_is_presumed_to_meet_it():
    result = cehrt(2024, requires_cehrt=True)
    assert result.outcome is Outcome.MEETS
    assert result.reasons[0].citation == "42 CFR 414.1445(c)(2)"
    assert not result.provisional


def test_without_a_requirement_each_entity_must_reach_the_share():
    entities = [
        {"name": "North Clinic", "participants": 20, "participants_using_cehrt": 16},
        {"name": "South Clinic", "participants": 10, "participants_using_cehrt": 7},
    ]
    result = cehrt(2021, requires_cehrt=False, apm_entities=entities)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert result.reasons[0].text.startswith("70% of participants in South Clinic use CEHRT, below the 75%")
    assert cehrt(2019, requires_cehrt=False, apm_entities=entities).outcome is Outcome.MEETS


def test_hospitals_are_named_as_hospitals():
    result = cehrt(2021, requires_cehrt=False, hospitals_are_apm_entities=True, lowest_entity_cehrt_percent=90)
    assert result.outcome is Outcome.MEETS
    assert "every hospital" in result.reasons[0].text


def test_missing_facts_are_listed():
    result = cehrt(2024)
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert result.missing_inputs == ("cehrt.requires_cehrt", "cehrt.lowest_entity_cehrt_percent")
    assert cehrt(2024, requires_cehrt=False).missing_inputs == ("cehrt.lowest_entity_cehrt_percent",)


def test_the_2024_threshold_is_provisional():
    assert cehrt(2024, requires_cehrt=False, lowest_entity_cehrt_percent=80).provisional
    assert not cehrt(2023, requires_cehrt=False, lowest_entity_cehrt_percent=80).provisional


def test_hospitals_answer_yes_or_no_each():
    hospitals = [{"name": "General", "uses_cehrt": True}, {"name": "City", "uses_cehrt": False}]
    result = cehrt(2021, requires_cehrt=False, hospitals_are_apm_entities=True, hospitals=hospitals)
    assert result.outcome is Outcome.DOES_NOT_MEET
    assert result.reasons[0].text.startswith("City does not use CEHRT")
    hospitals[1]["uses_cehrt"] = True
    assert cehrt(2021, requires_cehrt=False, hospitals_are_apm_entities=True, hospitals=hospitals).outcome is (
        Outcome.MEETS
    )
    hospitals[1]["uses_cehrt"] = None
    result = cehrt(2021, requires_cehrt=False, hospitals_are_apm_entities=True, hospitals=hospitals)
    assert result.missing_inputs == ("cehrt.hospitals",)
