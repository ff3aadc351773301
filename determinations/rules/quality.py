"""Criterion B, quality measures comparable to MIPS: 42 CFR 414.1420(c) as its wording changed by year.

A measure's basis decides whether it counts: from 2020 a measure on that year's MIPS final list or
endorsed by a consensus-based entity counts; one CMS must still find evidence-based, reliable and
valid is left to the reviewer. In 2019 every listed basis counted once the measure had an
evidence-based focus and was reliable and valid, which CMS had already found for MIPS-list and
endorsed measures. A combination that works only if the reviewer accepts such measures needs review.
"""

from __future__ import annotations

from dataclasses import replace

from .arrangement import Measure, QualityFacts
from .parameters import QualityVariant, YearParameters
from .results import CriterionResult, Outcome, Reason, all_of, listing, missing, result

NAME = "quality"
CERTIFICATION = "42 CFR 414.1445(c)(3)"
SETTLED_BASES = {"mips_list", "cbe_endorsed"}
REVIEW_BASES = {
    QualityVariant.LEGACY_2019: {"evidence_based", "developed_under_1848s", "mips_call_for_measures"},
    QualityVariant.ADDITIONAL_OUTCOME_MEASURE: {"evidence_based"},
    QualityVariant.SINGLE_MEASURE_MAY_SATISFY_BOTH: {"evidence_based"},
}
BASIS_RULE = {
    QualityVariant.LEGACY_2019: "42 CFR 414.1420(c)(2)(i)",
    QualityVariant.ADDITIONAL_OUTCOME_MEASURE: "42 CFR 414.1420(c)(2)(ii)",
    QualityVariant.SINGLE_MEASURE_MAY_SATISFY_BOTH: "42 CFR 414.1420(c)(2)(ii)",
}
OUTCOME_RULE = {
    QualityVariant.LEGACY_2019: "42 CFR 414.1420(c)(3)(i)",
    QualityVariant.ADDITIONAL_OUTCOME_MEASURE: "42 CFR 414.1420(c)(3)",
    QualityVariant.SINGLE_MEASURE_MAY_SATISFY_BOTH: "42 CFR 414.1420(c)(3) and (c)(4)",
}


def evaluate_quality(params: YearParameters, facts: QualityFacts) -> CriterionResult:
    variant = params.quality_variant
    reasons = []
    if params.quality_legacy_for_prior_determinations and facts.determined_on_or_before_2020_01_01:
        variant = QualityVariant.LEGACY_2019
        reasons.append(
            Reason(
                f"the arrangement was determined an Other Payer Advanced APM on or before January 1, 2020, so the "
                f"2019 outcome measure rule applies to its {params.year} determination (42 CFR 414.1420(c)(3)(i))",
                "42 CFR 414.1420(c)(3)(i)",
            )
        )
    provisional = params.is_provisional("quality_variant", "quality_legacy_for_prior_determinations")
    if not facts.measures:
        return missing(
            NAME,
            ["quality.measures"],
            f"no quality measures were listed; {BASIS_RULE[variant]} needs at least one",
            BASIS_RULE[variant],
            provisional,
        )
    settled = [m for m in facts.measures if m.basis in SETTLED_BASES]
    possible = settled + [m for m in facts.measures if m.basis in REVIEW_BASES[variant]]
    parts = [
        _comparable(params.year, variant, settled, possible),
        _outcome(params.year, variant, facts, settled, possible),
    ]
    return replace(all_of(NAME, parts, reasons), provisional=provisional)


def _names(measures: list[Measure]) -> str:
    return listing([m.label for m in measures])


def _are(measures: list[Measure]) -> str:
    """The measures' names as a subject: "A is" or "A and B are"."""
    return f"{_names(measures)} {'is' if len(measures) == 1 else 'are'}"


def _comparable(year: int, variant: QualityVariant, settled: list[Measure], possible: list[Measure]) -> CriterionResult:
    rule = BASIS_RULE[variant]
    name = "comparable_measure"
    if settled:
        on_list = [m for m in settled if m.basis == "mips_list"]
        endorsed = [m for m in settled if m.basis == "cbe_endorsed"]
        facts = [f"{_are(on_list)} on the {year} MIPS final list"] if on_list else []
        facts += [f"{_are(endorsed)} endorsed by a consensus-based entity"] if endorsed else []
        return result(name, Outcome.MEETS, Reason(f"{'; '.join(facts)} ({rule})", rule))
    if possible:
        return result(
            name,
            Outcome.NEEDS_REVIEW,
            Reason(
                f"CMS must determine that {_are(possible)} evidence-based, reliable and valid before counting "
                f"as comparable to MIPS ({rule})",
                rule,
            ),
        )
    return result(
        name,
        Outcome.DOES_NOT_MEET,
        Reason(
            "no measure is on the MIPS final list, endorsed by a consensus-based entity or offered as "
            f"evidence-based, reliable and valid, as {rule} requires",
            rule,
        ),
    )


def _structure_met(variant: QualityVariant, measures: list[Measure]) -> bool:
    """Whether ``measures`` (all counting under (c)(2)) include the outcome measure the year requires."""
    outcomes = [m for m in measures if m.is_outcome]
    if variant is QualityVariant.ADDITIONAL_OUTCOME_MEASURE:
        return bool(outcomes) and len(measures) >= 2
    return bool(outcomes)


def _outcome(year: int, variant: QualityVariant, facts: QualityFacts, settled: list[Measure], possible: list[Measure]):
    rule = OUTCOME_RULE[variant]
    name = "outcome_measure"
    # The 2019 text asks only that an outcome measure be used, whatever its basis.
    if variant is QualityVariant.LEGACY_2019:
        settled = possible = list(facts.measures)
    if _structure_met(variant, settled):
        outcome = next(m for m in settled if m.is_outcome)
        if variant is QualityVariant.ADDITIONAL_OUTCOME_MEASURE:
            text = f"{outcome.label} is an outcome measure used in addition to another measure, as {rule} requires"
        else:
            text = f"{outcome.label} is an outcome measure that meets {rule}"
        return result(name, Outcome.MEETS, Reason(text, rule))
    if facts.no_outcome_measure_certified:
        return result(
            name,
            Outcome.MEETS,
            Reason(
                "the requester certified that no applicable outcome measure is available on the MIPS quality measure "
                f"list, so no outcome measure is needed ({rule}; certification under {CERTIFICATION})",
                CERTIFICATION,
            ),
        )
    if _structure_met(variant, possible):
        pending = [m for m in possible if m not in settled]
        return result(
            name,
            Outcome.NEEDS_REVIEW,
            Reason(
                f"the outcome measure requirement of {rule} is met only if CMS determines that "
                f"{_are(pending)} evidence-based, reliable and valid",
                rule,
            ),
        )
    outcomes = [m for m in facts.measures if m.is_outcome]
    if not outcomes and facts.no_outcome_measure_certified is None:
        return missing(
            name,
            ["quality.no_outcome_measure_certified"],
            f"no outcome measure is used and there is no certification that none applies ({rule}, {CERTIFICATION})",
            rule,
        )
    counted_outcomes = [m for m in possible if m.is_outcome]
    if variant is QualityVariant.ADDITIONAL_OUTCOME_MEASURE and counted_outcomes and len(possible) < 2:
        text = (
            f"{_names(counted_outcomes)} is the only measure that counts; for {year}, {rule} requires at least one "
            "additional measure that is an outcome measure, in addition to the measure comparable to MIPS"
        )
    elif outcomes:
        text = f"no outcome measure used ({_names(outcomes)}) meets the measure criteria of {BASIS_RULE[variant]}"
    else:
        text = (
            f"no outcome measure is used and the requester did not certify that none is available on the MIPS list "
            f"({rule}, {CERTIFICATION})"
        )
    return result(name, Outcome.DOES_NOT_MEET, Reason(text, rule))
