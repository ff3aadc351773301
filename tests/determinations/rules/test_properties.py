"""Properties: more Advanced APM activity never lowers QP status; any valid input gives a result."""

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from determinations.rules.arrangement import (
    MEASURE_BASES,
    MEDICAL_HOME_ELEMENTS,
    RISK_MECHANISMS,
    RISK_TYPES,
    arrangement_from_mapping,
)
from determinations.rules.evaluate import evaluate_arrangement
from determinations.rules.parameters import PAYER_TYPES
from determinations.rules.qp_thresholds import OTHER_PAYER_CATEGORIES, evaluate_qp, qp_inputs_from_mapping
from determinations.rules.results import Outcome

from .support import params_for

amounts = st.decimals(min_value=0, max_value=10**9, places=2)
shares = st.decimals(min_value=0, max_value=100, places=3)
maybe = st.none() | st.booleans()


@st.composite
def portions(draw, method):
    denominator = draw(amounts)
    numerator = draw(st.decimals(min_value=0, max_value=denominator, places=2))
    return {f"{method}_numerator": str(numerator), f"{method}_denominator": str(denominator)}


@st.composite
def qp_figures(draw):
    medicare = {}
    for method in ("payment", "patient"):
        if draw(st.booleans()):
            medicare |= draw(portions(method))
    payers = []
    for index in range(draw(st.integers(0, 4))):
        payer = {"name": f"payer {index}", "category": draw(st.sampled_from(sorted(OTHER_PAYER_CATEGORIES)))}
        for method in ("payment", "patient"):
            if draw(st.booleans()):
                payer |= draw(portions(method))
        payers.append(payer)
    return {
        "medicare": medicare,
        "other_payers": payers,
        "medicaid_apm_available_in_county": draw(maybe),
        "specialty_eligible_for_medicaid_apm": draw(maybe),
        "part_b_base_amount": draw(st.none() | amounts.map(str)),
    }


def raise_a_numerator(data, choice, fraction):
    """``data`` with one numerator moved ``fraction`` of the way up to its denominator."""
    places = [data["medicare"], *data["other_payers"]]
    keys = [(p, f"{m}_numerator") for p in places for m in ("payment", "patient") if f"{m}_numerator" in p]
    if not keys:
        return data
    place, key = keys[choice % len(keys)]
    numerator, denominator = Decimal(place[key]), Decimal(place[key.replace("numerator", "denominator")])
    place[key] = str(numerator + (denominator - numerator) * fraction)
    return data


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(2017, 2027),
    figures=qp_figures(),
    choice=st.integers(0, 20),
    fraction=st.decimals(min_value=0, max_value=1, places=3),
)
def test_raising_an_advanced_apm_numerator_never_lowers_qp_status(year, figures, choice, fraction):
    params = params_for(year)
    before = evaluate_qp(params, qp_inputs_from_mapping(figures))
    after = evaluate_qp(
        params, qp_inputs_from_mapping(raise_a_numerator(json.loads(json.dumps(figures)), choice, fraction))
    )
    assert after.status.rank >= before.status.rank
    assert after.medicare_option_status.rank >= before.medicare_option_status.rank


@settings(max_examples=300, deadline=None)
@given(year=st.integers(2017, 2027), figures=qp_figures())
def test_any_valid_qp_figures_give_a_result(year, figures):
    result = evaluate_qp(params_for(year), qp_inputs_from_mapping(figures))
    json.dumps(result.to_dict())


def optional(strategy):
    return st.none() | strategy


@st.composite
def arrangements(draw):
    bands, start = [], Decimal(0)
    for _ in range(draw(st.integers(0, 3))):
        start += draw(st.decimals(min_value=0, max_value=10, places=2))
        end = draw(st.none() | st.decimals(min_value=start + Decimal("0.01"), max_value=start + 20, places=2))
        bands.append({"from_percent": str(start), "to_percent": None if end is None else str(end),
                      "rate_percent": str(draw(shares))})  # fmt: skip
        if end is None or end > 100:
            bands[-1]["to_percent"] = None
            break
        start = end
    measures = draw(st.lists(st.fixed_dictionaries({"title": st.text(max_size=5),
                                                    "basis": st.sampled_from(sorted(MEASURE_BASES)),
                                                    "is_outcome": st.booleans()}), max_size=3))  # fmt: skip
    return {
        "year": draw(st.integers(2019, 2027)),
        "payer_type": draw(st.sampled_from(PAYER_TYPES)),
        "arrangement": {
            "primary_care_focus": draw(maybe),
            "empanelment": draw(maybe),
            "medical_home_elements": draw(st.lists(st.sampled_from(sorted(MEDICAL_HOME_ELEMENTS)), unique=True)),
            "aligned_with_multi_payer_model": draw(maybe),
            "eligible_clinician_count": draw(optional(st.integers(0, 500))),
            "parent_organization_clinician_count": draw(optional(st.integers(0, 500))),
        },
        "cehrt": {
            "requires_cehrt": draw(maybe),
            "lowest_entity_cehrt_percent": draw(optional(shares.map(str))),
        },
        "quality": {
            "measures": measures,
            "no_outcome_measure_certified": draw(maybe),
            "determined_on_or_before_2020_01_01": draw(maybe),
        },
        "financial_risk": {
            "risk_type": draw(optional(st.sampled_from(sorted(RISK_TYPES)))),
            "risk_mechanisms": draw(st.lists(st.sampled_from(sorted(RISK_MECHANISMS)), unique=True)),
            "capitation_without_settlement": draw(maybe),
            "is_cms_medicare_advantage_capitation": draw(maybe),
            "expected_expenditures": draw(optional(amounts.map(str))),
            "expenditures_without_arrangement": draw(optional(amounts.map(str))),
            "risk_defined_in_revenue": draw(maybe),
            "total_revenue": draw(optional(amounts.map(str))),
            "maximum_loss_amount": draw(optional(amounts.map(str))),
            "marginal_risk_rate": draw(optional(shares.map(str))),
            "minimum_loss_rate": draw(optional(shares.map(str))),
            "marginal_risk_bands": bands,
            "medical_home_average_revenue": draw(optional(amounts.map(str))),
        },
    }


@settings(max_examples=500, deadline=None)
@given(data=arrangements())
def test_any_valid_arrangement_gives_a_result(data):
    result = evaluate_arrangement(params_for(data["year"]), arrangement_from_mapping(data))
    assert result.outcome in set(Outcome)
    payload = json.dumps(result.to_dict())
    assert "Traceback" not in payload
    if result.outcome is Outcome.NEEDS_REVIEW and not result.overall.provisional_notes:
        assert result.overall.missing_inputs or any("CMS must determine" in r.text or "only if CMS" in r.text
                                                    for r in result.overall.reasons)  # fmt: skip
