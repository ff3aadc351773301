"""Criterion A, use of certified EHR technology: 42 CFR 414.1420(b) with the presumption of 414.1445(c)(2)."""

from __future__ import annotations

from .arrangement import CehrtFacts
from .parameters import YearParameters
from .results import CriterionResult, Outcome, Reason, missing, percent, result

NAME = "cehrt"
RULE = "42 CFR 414.1420(b)"
PRESUMPTION = "42 CFR 414.1445(c)(2)"


def evaluate_cehrt(params: YearParameters, facts: CehrtFacts) -> CriterionResult:
    if facts.requires_cehrt:
        return result(
            NAME,
            Outcome.MEETS,
            Reason(
                "the arrangement requires participants to use CEHRT to document and communicate clinical care, "
                f"so the CEHRT criterion is presumed met under {PRESUMPTION}",
                PRESUMPTION,
            ),
        )
    if facts.hospitals_are_apm_entities and facts.hospitals:
        return _each_hospital(facts)
    unit = "hospital" if facts.hospitals_are_apm_entities else "APM Entity"
    shares = [(f"the {unit} with the lowest share", facts.lowest_entity_cehrt_percent)]
    shares += [(entity.name, entity.percent) for entity in facts.entities]
    shares = [(who, share) for who, share in shares if share is not None]
    required = params.cehrt_participant_percent
    provisional = params.is_provisional("cehrt_participant_percent", "cehrt_definition")
    if not shares:
        fields = ["cehrt.lowest_entity_cehrt_percent"]
        if facts.requires_cehrt is None:
            fields.insert(0, "cehrt.requires_cehrt")
        return missing(
            NAME,
            fields,
            f"{'whether the arrangement requires CEHRT' if facts.requires_cehrt is None else 'no CEHRT requirement'}"
            f" and the share of participants using CEHRT in each {unit} was not given; {RULE} needs "
            f"{percent(required)} in each {unit}",
            RULE,
            provisional,
        )
    short = [(who, share) for who, share in shares if share < required]
    if short:
        reasons = [
            Reason(
                f"{percent(share)} of participants in {who} use CEHRT, below the {percent(required)} "
                f"required in each {unit} by {RULE}",
                RULE,
            )
            for who, share in short
        ]
        return result(NAME, Outcome.DOES_NOT_MEET, *reasons, provisional=provisional)
    lowest = min(share for _, share in shares)
    return result(
        NAME,
        Outcome.MEETS,
        Reason(
            f"at least {percent(lowest)} of participants in every {unit} use CEHRT, meeting the "
            f"{percent(required)} required by {RULE}",
            RULE,
        ),
        provisional=provisional,
    )


def _each_hospital(facts: CehrtFacts) -> CriterionResult:
    """When hospitals are the APM Entities, the rule is that each hospital uses CEHRT: a yes or no each."""
    unknown = [h.name for h in facts.hospitals if h.uses_cehrt is None]
    if unknown:
        return missing(
            NAME,
            ["cehrt.hospitals"],
            f"whether {', '.join(unknown)} use{'s' if len(unknown) == 1 else ''} CEHRT was not given; {RULE} "
            "needs each hospital to use it",
            RULE,
        )
    without = [h.name for h in facts.hospitals if not h.uses_cehrt]
    if without:
        return result(
            NAME,
            Outcome.DOES_NOT_MEET,
            Reason(f"{', '.join(without)} do{'es' if len(without) == 1 else ''} not use CEHRT; {RULE} requires "
                   "each hospital that is an APM Entity to use it", RULE),
        )  # fmt: skip
    return result(
        NAME,
        Outcome.MEETS,
        Reason(f"each of the {len(facts.hospitals)} hospitals that are APM Entities uses CEHRT ({RULE})", RULE),
    )
