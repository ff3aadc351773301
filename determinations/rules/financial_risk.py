"""Criterion C, financial risk: 42 CFR 414.1420(d) with each figure and variant taken from the year.

An arrangement meets it by full capitation (d)(7), by the general standards (the risk standard
(d)(1) and the nominal amount (d)(3) with its marginal risk rate (d)(5)), or, for a Medicaid Medical
Home Model or an Aligned Other Payer Medical Home Model the size limit (d)(8) does not exclude, by
the medical home standards (d)(2) and (d)(4). A medical home that also gives the general figures
may meet either set.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from . import marginal_risk
from .arrangement import Arrangement, FinancialRiskFacts, Profile
from .parameters import MEDICAID, MedicalHomeSizeVariant, YearParameters
from .results import (
    CriterionResult,
    Outcome,
    Reason,
    all_of,
    any_of,
    missing,
    money,
    percent,
    result,
    share,
)

NAME = "financial_risk"
RISK_STANDARD = "42 CFR 414.1420(d)(1)"
MEDICAL_HOME_RISK = "42 CFR 414.1420(d)(2)"
NOMINAL = "42 CFR 414.1420(d)(3)(i)"
TOTAL_RISK_2019 = "42 CFR 414.1420(d)(3)(ii)(B) (2019 text)"
MEDICAL_HOME_NOMINAL = "42 CFR 414.1420(d)(4)"
EXPECTED = "42 CFR 414.1420(d)(6)"
CAPITATION = "42 CFR 414.1420(d)(7)"
SIZE_LIMIT = "42 CFR 414.1420(d)(8)"
DEFINITION = "42 CFR 414.1305"
GENERAL_MECHANISMS = {
    "withhold": "withholds payment",
    "rate_reduction": "reduces payment rates",
    "direct_payment": "requires direct payment to the payer",
}
MEDICAL_HOME_MECHANISMS = GENERAL_MECHANISMS | {"forgo_guaranteed_payment": "forfeits an otherwise guaranteed payment"}
MEDICAL_HOME_TYPES = {
    "medicaid_medical_home": "Medicaid Medical Home Model",
    "aligned_medical_home": "Aligned Other Payer Medical Home Model",
}


def evaluate_financial_risk(params: YearParameters, arrangement: Arrangement) -> CriterionResult:
    facts = arrangement.financial_risk
    general = general_standards(params, facts)
    if facts.risk_type == "full_capitation":
        return any_of(NAME, [full_capitation(facts), general])
    if facts.risk_type in MEDICAL_HOME_TYPES:
        eligibility = medical_home_eligibility(params, arrangement)
        if eligibility.outcome is Outcome.DOES_NOT_MEET:
            fallback = all_of(NAME, [general], eligibility.reasons)
            return replace(fallback, provisional=fallback.provisional or eligibility.provisional)
        medical_home = all_of(
            "medical_home_standards", [eligibility, medical_home_risk(facts), medical_home_nominal(params, facts)]
        )
        has_general_figures = facts.expected_expenditures is not None or facts.total_revenue is not None
        return any_of(NAME, [medical_home, general] if has_general_figures else [medical_home])
    return all_of(NAME, [general])


def _unknown(facts: FinancialRiskFacts, *names: str) -> list[str]:
    """The fields among ``names`` the arrangement leaves unanswered, as the missing answers name them."""
    return [f"financial_risk.{name}" for name in names if getattr(facts, name) is None]


def full_capitation(facts: FinancialRiskFacts) -> CriterionResult:
    name = "full_capitation"
    if facts.is_cms_medicare_advantage_capitation:
        return result(
            name,
            Outcome.DOES_NOT_MEET,
            Reason(
                "CMS's own capitation payments to a Medicare Advantage Organization are not capitation arrangements "
                f"under {CAPITATION}",
                CAPITATION,
            ),
        )
    if facts.capitation_without_settlement is False:
        return result(
            name,
            Outcome.DOES_NOT_MEET,
            Reason(
                "capitation with a settlement that reconciles or shares losses or savings is not full capitation "
                f"under {CAPITATION}; the general standards apply",
                CAPITATION,
            ),
        )
    unknown = _unknown(facts, "capitation_without_settlement", "is_cms_medicare_advantage_capitation")
    if unknown:
        return missing(
            name, unknown, f"whether the capitation is full capitation under {CAPITATION} is not known", CAPITATION
        )
    return result(
        name,
        Outcome.MEETS,
        Reason(
            "a predetermined payment covers all items and services for a population with no settlement of losses "
            f"or savings: full capitation meets the financial risk criterion under {CAPITATION}",
            CAPITATION,
        ),
    )


def _mechanisms(name: str, facts: FinancialRiskFacts, allowed: dict[str, str], rule: str, when: str):
    if facts.risk_mechanisms is None:
        return missing(
            name, ["financial_risk.risk_mechanisms"], f"what the arrangement does {when} was not given", rule
        )
    used = [text for key, text in allowed.items() if key in facts.risk_mechanisms]
    if used:
        return result(name, Outcome.MEETS, Reason(f"{when}, the arrangement {' and '.join(used)} ({rule})", rule))
    return result(
        name,
        Outcome.DOES_NOT_MEET,
        Reason(
            f"{when}, the arrangement neither {', nor '.join(allowed.values())}, as {rule} requires",
            rule,
        ),
    )


def general_risk(facts: FinancialRiskFacts) -> CriterionResult:
    when = "when actual expenditures exceed expected expenditures"
    return _mechanisms("risk_standard", facts, GENERAL_MECHANISMS, RISK_STANDARD, when)


def medical_home_risk(facts: FinancialRiskFacts) -> CriterionResult:
    when = "when the APM Entity fails a specified performance standard"
    return _mechanisms("medical_home_risk_standard", facts, MEDICAL_HOME_MECHANISMS, MEDICAL_HOME_RISK, when)


def general_standards(params: YearParameters, facts: FinancialRiskFacts) -> CriterionResult:
    expected, expected_reasons = expected_expenditures(facts)
    nominal_parts = [
        any_of(
            "total_risk", [c for c in (revenue_test(params, facts), expenditure_test(params, facts, expected)) if c]
        ),
        marginal_risk.evaluate(params, facts, expected),
    ]
    if params.total_risk_minimum_percent_of_expenditures is not None:
        nominal_parts.append(total_risk_minimum(params, facts, expected))
    nominal = all_of("nominal_amount", nominal_parts, expected_reasons)
    return all_of("general_standards", [general_risk(facts), nominal])


def expected_expenditures(facts: FinancialRiskFacts) -> tuple[Decimal | None, list[Reason]]:
    """The benchmark, capped at the spending expected without the arrangement (d)(6)."""
    benchmark, without = facts.expected_expenditures, facts.expenditures_without_arrangement
    if benchmark is not None and without is not None and without < benchmark:
        text = (
            f"the benchmark {money(benchmark)} exceeds the {money(without)} expected without the arrangement; "
            f"risk is assessed against {money(without)} ({EXPECTED})"
        )
        return without, [Reason(text, EXPECTED)]
    return benchmark, []


def revenue_test(params: YearParameters, facts: FinancialRiskFacts) -> CriterionResult | None:
    """8% of revenue, only when the risk is expressly defined in terms of revenue; ``None`` when it does not apply."""
    required = params.nominal_revenue_percent
    if required is None or facts.risk_defined_in_revenue is False:
        return None
    name = "revenue_based_nominal_amount"
    if facts.risk_defined_in_revenue is None:
        if facts.total_revenue is None:
            return None
        return missing(
            name,
            ["financial_risk.risk_defined_in_revenue"],
            f"whether the risk is expressly defined in terms of revenue, which {NOMINAL} requires for the "
            "revenue-based test, was not given",
            NOMINAL,
        )
    gaps = _unknown(facts, "maximum_loss_amount", "total_revenue")
    if gaps:
        return missing(name, gaps, f"the revenue-based test of {NOMINAL} cannot be applied", NOMINAL)
    owed, revenue = facts.maximum_loss_amount, facts.total_revenue
    if revenue == 0:
        return missing(name, ["financial_risk.total_revenue"], "the total revenue is $0", NOMINAL)
    figures = (
        f"total potential risk {money(owed)} is {percent(share(owed, revenue))} of the {money(revenue)} total revenue "
        f"under the arrangement"
    )
    target = f"the {percent(required)} ({money(revenue * required / 100)}) required by {NOMINAL}"
    if share(owed, revenue) >= required:
        return result(name, Outcome.MEETS, Reason(f"{figures}, meeting {target}", NOMINAL))
    return result(name, Outcome.DOES_NOT_MEET, Reason(f"{figures}, below {target}", NOMINAL))


def expenditure_test(params: YearParameters, facts: FinancialRiskFacts, expected: Decimal | None) -> CriterionResult:
    return _share_of_expected(
        "expenditure_based_nominal_amount", params.nominal_expenditure_percent, facts, expected, NOMINAL
    )


def total_risk_minimum(params: YearParameters, facts: FinancialRiskFacts, expected: Decimal | None) -> CriterionResult:
    required = params.total_risk_minimum_percent_of_expenditures
    return _share_of_expected("total_risk_minimum", required, facts, expected, TOTAL_RISK_2019, params.year)


def _share_of_expected(name, required, facts, expected, rule, year=None) -> CriterionResult:
    gaps = [
        f"financial_risk.{k}"
        for k, v in (("maximum_loss_amount", facts.maximum_loss_amount), ("expected_expenditures", expected))
        if v is None
    ]
    if gaps:
        return missing(name, gaps, f"the expenditure-based test of {rule} cannot be applied", rule)
    if expected == 0:
        return missing(name, ["financial_risk.expected_expenditures"], "expected expenditures are $0", rule)
    owed = facts.maximum_loss_amount
    actual = share(owed, expected)
    figures = f"total potential risk {percent(actual)} of expected expenditures ({money(owed)} of {money(expected)})"
    target = f"the {percent(required)} required{f' for {year}' if year else ''} by {rule}"
    if actual >= required:
        return result(name, Outcome.MEETS, Reason(f"{figures} meets {target}", rule))
    return result(name, Outcome.DOES_NOT_MEET, Reason(f"{figures} is below {target}", rule))


def medical_home_nominal(params: YearParameters, facts: FinancialRiskFacts) -> CriterionResult:
    name = "medical_home_nominal_amount"
    required = params.medical_home_nominal_percent
    provisional = params.is_provisional("medical_home_nominal_percent")
    gaps = _unknown(facts, "maximum_loss_amount", "medical_home_average_revenue")
    if gaps:
        return missing(
            name,
            gaps,
            f"the medical home nominal amount test of {MEDICAL_HOME_NOMINAL} cannot be applied",
            MEDICAL_HOME_NOMINAL,
            provisional,
        )
    owed, revenue = facts.maximum_loss_amount, facts.medical_home_average_revenue
    if revenue == 0:
        return missing(
            name,
            ["financial_risk.medical_home_average_revenue"],
            "the average revenue is $0",
            MEDICAL_HOME_NOMINAL,
            provisional,
        )
    figures = (
        f"the APM Entity could owe or forgo {money(owed)} a year, {percent(share(owed, revenue))} of the "
        f"{money(revenue)} average estimated total revenue of participating providers"
    )
    target = (
        f"the {percent(required)} ({money(revenue * required / 100)}) required for {params.year} "
        f"by {MEDICAL_HOME_NOMINAL}"
    )
    if share(owed, revenue) >= required:
        return result(
            name, Outcome.MEETS, Reason(f"{figures}, meeting {target}", MEDICAL_HOME_NOMINAL), provisional=provisional
        )
    return result(
        name, Outcome.DOES_NOT_MEET, Reason(f"{figures}, below {target}", MEDICAL_HOME_NOMINAL), provisional=provisional
    )


def medical_home_eligibility(params: YearParameters, arrangement: Arrangement) -> CriterionResult:
    """Whether the medical home standards are open to the arrangement: model, year, definition and size limit."""
    name = "medical_home_eligibility"
    kind = arrangement.financial_risk.risk_type
    model = MEDICAL_HOME_TYPES[kind]
    profile = arrangement.profile
    if kind == "medicaid_medical_home":
        available, allowed_payer = params.medicaid_medical_home_available, arrangement.payer_type == MEDICAID
        payer_rule = "only a Title XIX (Medicaid) arrangement can be a Medicaid Medical Home Model"
    else:
        available, allowed_payer = params.aligned_medical_home_available, arrangement.payer_type != MEDICAID
        payer_rule = "a Medicaid arrangement cannot be an Aligned Other Payer Medical Home Model"
    if not available:
        return _not_medical_home(name, f"the {model} standard is not available for {params.year}", DEFINITION)
    if not allowed_payer:
        return _not_medical_home(name, payer_rule, DEFINITION)
    if kind == "aligned_medical_home" and profile.aligned_with_multi_payer_model is False:
        return _not_medical_home(
            name, "the arrangement is not aligned with a CMS Multi-Payer Model that is a Medical Home Model", DEFINITION
        )
    checks = [_definition(params, profile, model, kind), _size_limit(params, profile, model)]
    return all_of(name, checks)


def _not_medical_home(name: str, why: str, rule: str) -> CriterionResult:
    text = f"{why} ({rule}), so the general financial risk and nominal amount standards apply"
    return result(name, Outcome.DOES_NOT_MEET, Reason(text, rule))


def _definition(params: YearParameters, profile: Profile, model: str, kind: str) -> CriterionResult:
    name = "medical_home_definition"
    needed = {
        "primary_care_focus": profile.primary_care_focus,
        "empanelment": profile.empanelment,
        "medical_home_elements": profile.medical_home_elements,
    }
    if kind == "aligned_medical_home":
        needed["aligned_with_multi_payer_model"] = profile.aligned_with_multi_payer_model
    gaps = [f"arrangement.{key}" for key, value in needed.items() if value is None]
    if gaps:
        return missing(name, gaps, f"whether the arrangement is a {model} under {DEFINITION} is not known", DEFINITION)
    elements, minimum = len(profile.medical_home_elements), params.medical_home_min_elements
    failures = []
    if not profile.primary_care_focus:
        failures.append("it has no primary care focus")
    if not profile.empanelment:
        failures.append("patients are not empaneled to a primary clinician")
    if elements < minimum:
        failures.append(f"it has {elements} of the seven medical home elements, fewer than the {minimum} required")
    if failures:
        return _not_medical_home(name, f"it is not a {model}: {'; '.join(failures)}", DEFINITION)
    text = f"it is a {model}: primary care focus, empanelment and {elements} of the seven elements ({DEFINITION})"
    return result(name, Outcome.MEETS, Reason(text, DEFINITION))


def _size_limit(params: YearParameters, profile: Profile, model: str) -> CriterionResult:
    name = "medical_home_size_limit"
    limit = params.medical_home_size_limit
    provisional = params.is_provisional("medical_home_size_limit", "medical_home_size_limit_variant")
    if params.medical_home_size_limit_variant is MedicalHomeSizeVariant.PARENT_ORG_50_OR_MORE:
        count, field = profile.parent_organization_clinician_count, "arrangement.parent_organization_clinician_count"
        over = count is not None and count >= limit
        described = f"the organization that owns and operates the APM Entity has {count} eligible clinicians"
        rule = f"{limit} or more in the parent organization"
    else:
        count, field = profile.eligible_clinician_count, "arrangement.eligible_clinician_count"
        over = count is not None and count > limit
        described = f"the largest APM Entity has {count} eligible clinicians on a QP determination date"
        rule = f"more than {limit} in the APM Entity"
    if count is None:
        return missing(
            name, [field], f"the size limit of {SIZE_LIMIT} ({rule}) cannot be checked", SIZE_LIMIT, provisional
        )
    if over:
        return result(
            name,
            Outcome.DOES_NOT_MEET,
            Reason(
                f"{described}, over the {model} size limit of {SIZE_LIMIT} ({rule}), so the general financial "
                "risk and nominal amount standards apply",
                SIZE_LIMIT,
            ),
            provisional=provisional,
        )
    return result(
        name,
        Outcome.MEETS,
        Reason(f"{described}, within the size limit of {SIZE_LIMIT} ({rule})", SIZE_LIMIT),
        provisional=provisional,
    )
