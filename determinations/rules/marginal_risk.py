"""The marginal risk rate of 42 CFR 414.1420(d)(3)(ii) and (d)(5), with its two allowances.

Losses are measured in percent of expected expenditures. The rate schedule comes from the loss
bands, or from one rate above the minimum loss rate; gaps between bands and everything after the
loss cap carry 0%. Rates are disregarded below the minimum loss rate allowance (4%) and from the
large-loss point on, where the APM Entity's payments first reach the total-risk requirement (3% of
expected expenditures); if they never do, from where they stop growing. The year compares the
lowest rate (2019) or the loss-weighted average rate (from 2020) on what is left with the minimum.

The regulation does not define the averaging domain numerically (``domain.md`` D5, [U]). The
average is taken over every loss level left, 0% stretches included; when leaving the 0% stretches
out would change the outcome, a reviewer decides, and the result says so.
"""

from __future__ import annotations

from decimal import Decimal

from .arrangement import FinancialRiskFacts, LossBand
from .parameters import MarginalRiskVariant, YearParameters
from .results import CriterionResult, Outcome, Reason, missing, percent, result, share

NAME = "marginal_risk_rate"
RULE = "42 CFR 414.1420(d)(3)(ii) and (d)(5)"
AVERAGING_NOTE = (
    "The averaging domain of the marginal risk rate is not defined numerically in the regulation "
    "(domain.md D5, unconfirmed): the average here includes the 0% loss levels above the minimum loss rate allowance."
)

Segment = tuple[Decimal, Decimal | None, Decimal]  # from, to (None: no end), rate, all in percent


def rate_schedule(facts: FinancialRiskFacts) -> tuple[LossBand, ...] | None:
    """The loss bands, or the one rate above the minimum loss rate; ``None`` when neither was given."""
    if facts.marginal_risk_bands:
        return facts.marginal_risk_bands
    if facts.marginal_risk_rate is None or facts.minimum_loss_rate is None:
        return None
    corridor = facts.minimum_loss_rate
    bands = (LossBand(Decimal(0), corridor, Decimal(0)),) if corridor else ()
    return (*bands, LossBand(corridor, None, facts.marginal_risk_rate))


def segments(bands: tuple[LossBand, ...], cap: Decimal | None) -> list[Segment]:
    """The whole loss axis from 0 as segments, with gaps and the tail at 0% and the rate ended at the cap."""
    covered: list[Segment] = []
    position = Decimal(0)
    for band in bands:
        if band.from_percent > position:
            covered.append((position, band.from_percent, Decimal(0)))
        covered.append((band.from_percent, band.to_percent, band.rate_percent))
        position = band.to_percent
        if position is None:
            break
    if position is not None:
        covered.append((position, None, Decimal(0)))
    if cap is None:
        return covered
    capped: list[Segment] = []
    paid = Decimal(0)
    for start, end, rate in covered:
        if rate and paid >= cap:
            rate = Decimal(0)
        elif rate:
            reach = start + (cap - paid) * 100 / rate
            if end is None or reach < end:
                return [*capped, (start, reach, rate), (reach, None, Decimal(0))]
            paid += rate * (end - start) / 100
        capped.append((start, end, rate))
    return capped


def large_loss_point(schedule: list[Segment], requirement: Decimal) -> Decimal:
    """Where payments first reach ``requirement``, or where they stop growing if they never do."""
    paid = Decimal(0)
    last_growth = Decimal(0)
    for start, end, rate in schedule:
        if not rate:
            continue
        if end is None or paid + rate * (end - start) / 100 >= requirement:
            return start + (requirement - paid) * 100 / rate
        paid += rate * (end - start) / 100
        last_growth = end
    return last_growth


def evaluated(schedule: list[Segment], start: Decimal, end: Decimal) -> list[tuple[Decimal, Decimal]]:
    """(length, rate) of each piece of the schedule between ``start`` and ``end``."""
    pieces = []
    for seg_start, seg_end, rate in schedule:
        low, high = max(seg_start, start), end if seg_end is None else min(seg_end, end)
        if high > low:
            pieces.append((high - low, rate))
    return pieces


def evaluate(params: YearParameters, facts: FinancialRiskFacts, expected: Decimal | None) -> CriterionResult:
    bands = rate_schedule(facts)
    minimum = params.marginal_risk_rate_minimum_percent
    provisional = params.is_provisional("marginal_risk_variant", "marginal_risk_rate_minimum_percent")
    if bands is None:
        gaps = ["financial_risk.marginal_risk_rate", "financial_risk.minimum_loss_rate"]
        gaps = [g for g in gaps if getattr(facts, g.split(".")[1]) is None]
        return missing(NAME, gaps, f"the marginal risk rate test of {RULE} cannot be applied", RULE, provisional)
    cap = None
    if facts.maximum_loss_amount is not None and expected:
        cap = share(facts.maximum_loss_amount, expected)
    schedule = segments(bands, cap)
    end = large_loss_point(schedule, params.nominal_expenditure_percent)
    start = params.minimum_loss_rate_allowance_percent
    if end <= start:
        start = Decimal(0)  # the requirement is reached inside the allowance: no rate would be left to compare
    pieces = evaluated(schedule, start, end)
    if not pieces:
        return result(
            NAME,
            Outcome.DOES_NOT_MEET,
            Reason(
                f"the arrangement requires no payment at any level of losses; {RULE} requires a marginal risk "
                f"rate of at least {percent(minimum)}",
                RULE,
            ),
            provisional=provisional,
        )
    span = f"on losses from {percent(start)} to {percent(end)} of expected expenditures"
    allowances = (
        f"losses under the {percent(params.minimum_loss_rate_allowance_percent)} minimum loss rate allowance and "
        f"beyond the point where payments reach {percent(params.nominal_expenditure_percent)} of expected "
        "expenditures are disregarded"
    )
    if params.marginal_risk_variant is MarginalRiskVariant.LOWEST:
        rate, measure = min(rate for _, rate in pieces), "lowest"
    else:
        rate, measure = _average(pieces), "average"
    met = rate >= minimum
    verdict = "meets" if met else "is below"
    reason = Reason(
        f"the {measure} marginal risk rate {span} is {percent(rate)}, which {verdict} the {percent(minimum)} "
        f"required by {RULE} ({allowances})",
        RULE,
    )
    zero_inside = any(not r for _, r in pieces)
    if measure == "average" and zero_inside:
        shared = [(length, r) for length, r in pieces if r]
        alternative = _average(shared) if shared else Decimal(0)
        if (alternative >= minimum) != met:
            doubt = Reason(
                f"leaving out the loss levels where the rate is 0% the average is {percent(alternative)}, which "
                f"{'meets' if alternative >= minimum else 'is below'} the {percent(minimum)} minimum: the outcome "
                "depends on how the average is taken, so a reviewer decides",
                RULE,
            )
            return result(NAME, Outcome.NEEDS_REVIEW, reason, doubt, provisional=True, notes=[AVERAGING_NOTE])
        return result(
            NAME, Outcome.MEETS if met else Outcome.DOES_NOT_MEET, reason, provisional=True, notes=[AVERAGING_NOTE]
        )
    return result(NAME, Outcome.MEETS if met else Outcome.DOES_NOT_MEET, reason, provisional=provisional)


def _average(pieces: list[tuple[Decimal, Decimal]]) -> Decimal:
    return sum(length * rate for length, rate in pieces) / sum(length for length, _ in pieces)
