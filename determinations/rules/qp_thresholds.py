"""QP determinations: Threshold Scores, the Medicare and All-Payer Combination Options, and the reward.

Threshold Scores come from payment amounts and patient counts (42 CFR 414.1435, 414.1440) with
the excluded payers removed from both numerator and denominator: DoD, VA, and Medicaid unless a
Medicaid Other Payer Advanced APM is available in the clinician's county and specialty. The status
follows 414.1430 and the order of 414.1425(f): a QP under the Medicare Option needs no All-Payer
score; below the lowest Medicare minimum no All-Payer determination is made; otherwise any pair of
methods (Medicare, All-Payer) meeting both the Medicare minimum and the All-Payer threshold of a
status attains it. QP ranks above Partial QP, which ranks above none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from . import inputs
from .inputs import RuleInputError
from .parameters import YearParameters
from .results import Reason, listing, money, percent, share

METHODS = ("payment", "patient")
METHOD_LABEL = {"payment": "payment amount", "patient": "patient count"}
OTHER_PAYER_CATEGORIES = frozenset({"other", "medicaid", "dod", "va"})
EXCLUSIONS = "42 CFR 414.1440(a)"
GATING = "42 CFR 414.1425(f)"
METHOD_CHOICE = "42 CFR 414.1440(d)(1)-(2)"
INCENTIVE = "42 CFR 414.1450(b)"
CONVERSION_FACTOR = "SSA 1848(d)(20)"


class QPStatus(StrEnum):
    NONE = "none"
    PARTIAL_QP = "partial_qp"
    QP = "qp"

    @property
    def rank(self) -> int:
        return ["none", "partial_qp", "qp"].index(self.value)

    @property
    def label(self) -> str:
        return {"none": "not a QP", "partial_qp": "Partial QP", "qp": "QP"}[self.value]


RANKED = (QPStatus.QP, QPStatus.PARTIAL_QP)


@dataclass(frozen=True)
class Portion:
    """A numerator and its denominator: payments (dollars) or unique patients."""

    numerator: Decimal
    denominator: Decimal

    @property
    def score(self) -> Decimal:
        return share(self.numerator, self.denominator) if self.denominator else Decimal(0)


@dataclass(frozen=True)
class PayerFigures:
    """One other payer's payments and patients through Advanced APMs (numerator) and in total (denominator)."""

    name: str
    category: str
    payment: Portion | None = None
    patient: Portion | None = None


@dataclass(frozen=True)
class ThresholdScores:
    medicare_payment: Decimal | None = None
    medicare_patient: Decimal | None = None
    all_payer_payment: Decimal | None = None
    all_payer_patient: Decimal | None = None

    def medicare(self, method: str) -> Decimal | None:
        return getattr(self, f"medicare_{method}")

    def all_payer(self, method: str) -> Decimal | None:
        return getattr(self, f"all_payer_{method}")


@dataclass(frozen=True)
class QPInputs:
    medicare_payment: Portion | None = None
    medicare_patient: Portion | None = None
    other_payers: tuple[PayerFigures, ...] = ()
    medicaid_apm_available_in_county: bool | None = None
    specialty_eligible_for_medicaid_apm: bool | None = None
    scores: ThresholdScores | None = None
    part_b_base_amount: Decimal | None = None


@dataclass(frozen=True)
class Reward:
    """What a QP receives in the payment year: the APM Incentive Payment, the QP conversion factor, or both."""

    payment_year: int
    incentive_percent: Decimal | None
    incentive_amount: Decimal | None
    qp_conversion_factor_update_percent: Decimal | None
    qp_conversion_factor: Decimal | None
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict:
        plain = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items() if k != "reasons"}
        return plain | {"reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class QPResult:
    year: int
    status: QPStatus
    medicare_option_status: QPStatus
    all_payer_status: QPStatus | None
    scores: ThresholdScores
    reasons: tuple[Reason, ...]
    missing_inputs: tuple[str, ...] = ()
    provisional: bool = False
    reward: Reward | None = None

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "status": self.status.value,
            "medicare_option_status": self.medicare_option_status.value,
            "all_payer_status": self.all_payer_status.value if self.all_payer_status else None,
            "scores": {k: (None if v is None else _rounded(v)) for k, v in self.scores.__dict__.items()},
            "reasons": [r.to_dict() for r in self.reasons],
            "missing_inputs": list(self.missing_inputs),
            "provisional": self.provisional,
            "reward": self.reward.to_dict() if self.reward else None,
        }


def _rounded(score: Decimal) -> str:
    return percent(score).removesuffix("%")


def threshold_scores(qp: QPInputs) -> tuple[ThresholdScores, list[Reason], list[str]]:
    """Medicare and All-Payer scores from the figures, after the exclusions of 414.1440(a)."""
    if qp.scores is not None:
        return qp.scores, [], []
    reasons, gaps = [], []
    medicaid = [p for p in qp.other_payers if p.category == "medicaid"]
    include_medicaid = bool(qp.medicaid_apm_available_in_county and qp.specialty_eligible_for_medicaid_apm)
    if medicaid and qp.medicaid_apm_available_in_county is None:
        gaps.append("medicaid_apm_available_in_county")
    if medicaid and qp.medicaid_apm_available_in_county and qp.specialty_eligible_for_medicaid_apm is None:
        gaps.append("specialty_eligible_for_medicaid_apm")
    excluded = [
        p for p in qp.other_payers if p.category in ("dod", "va") or (p.category == "medicaid" and not include_medicaid)
    ]
    if excluded:
        reasons.append(
            Reason(
                f"payments and patients of {listing([p.name for p in excluded])} are excluded from both numerator and "
                f"denominator ({EXCLUSIONS})",
                EXCLUSIONS,
            )
        )
    if medicaid and include_medicaid:
        reasons.append(
            Reason(
                "Medicaid payments and patients are included: a Medicaid Other Payer Advanced APM is available in the "
                f"county where the clinician sees the most patients and to their specialty ({EXCLUSIONS}(2))",
                f"{EXCLUSIONS}(2)",
            )
        )
    included = [p for p in qp.other_payers if p not in excluded]
    values = {}
    for method in METHODS:
        medicare = getattr(qp, f"medicare_{method}")
        values[f"medicare_{method}"] = medicare.score if medicare else None
        portions = [getattr(p, method) for p in included]
        if medicare is None:
            values[f"all_payer_{method}"] = None
            continue
        portions = [medicare, *(p for p in portions if p is not None)]
        total = Portion(sum(p.numerator for p in portions), sum(p.denominator for p in portions))
        values[f"all_payer_{method}"] = total.score
    if all(v is None for v in values.values()):
        gaps.append("medicare")
    return ThresholdScores(**values), reasons, gaps


def _medicare_threshold(params: YearParameters, status: QPStatus, method: str) -> Decimal:
    middle = "qp" if status is QPStatus.QP else "partial_qp"
    return getattr(params, f"medicare_{middle}_{method}_percent")


def _all_payer_threshold(params: YearParameters, status: QPStatus, method: str) -> Decimal:
    middle = "qp" if status is QPStatus.QP else "partial_qp"
    return getattr(params, f"all_payer_{middle}_{method}_percent")


def _medicare_minimum(params: YearParameters, status: QPStatus, method: str) -> Decimal:
    middle = "qp" if status is QPStatus.QP else "partial_qp"
    return getattr(params, f"all_payer_{middle}_medicare_minimum_{method}_percent")


def _paragraph(option: str, status: QPStatus, method: str) -> str:
    number = {
        ("payment", QPStatus.QP): 1,
        ("payment", QPStatus.PARTIAL_QP): 2,
        ("patient", QPStatus.QP): 3,
        ("patient", QPStatus.PARTIAL_QP): 4,
    }[(method, status)]
    return f"42 CFR 414.1430({option})({number})"


def medicare_option_status(params: YearParameters, scores: ThresholdScores) -> tuple[QPStatus, list[Reason]]:
    for status in RANKED:
        for method in METHODS:
            score, required = scores.medicare(method), _medicare_threshold(params, status, method)
            if score is not None and score >= required:
                rule = _paragraph("a", status, method)
                text = (
                    f"Medicare {METHOD_LABEL[method]} Threshold Score {percent(score)} meets the {percent(required)} "
                    f"{status.label} threshold of the Medicare Option for {params.year} ({rule})"
                )
                return status, [Reason(text, rule)]
    given = [(m, scores.medicare(m)) for m in METHODS if scores.medicare(m) is not None]
    reasons = [
        Reason(
            f"Medicare {METHOD_LABEL[m]} Threshold Score {percent(s)} is below the "
            f"{percent(_medicare_threshold(params, QPStatus.PARTIAL_QP, m))} Partial QP threshold of the Medicare "
            f"Option for {params.year} (42 CFR 414.1430(a))",
            "42 CFR 414.1430(a)",
        )
        for m, s in given
    ]
    return QPStatus.NONE, reasons


def all_payer_status(params: YearParameters, scores: ThresholdScores) -> tuple[QPStatus | None, list[Reason]]:
    """The All-Payer Combination Option status, or ``None`` when no All-Payer determination is made."""
    if not params.all_payer_option_available:
        text = f"the All-Payer Combination Option is not available for {params.year}: Medicare Option only"
        return None, [Reason(text, "42 CFR 414.1430(b)")]
    gate = [m for m in METHODS if scores.medicare(m) is not None and scores.medicare(m) >= _lowest_minimum(params, m)]
    if not gate:
        minimums = " or ".join(f"{percent(_lowest_minimum(params, m))} by {METHOD_LABEL[m]}" for m in METHODS)
        text = (
            f"the Medicare Threshold Scores are below the lowest Medicare minimum ({minimums}), "
            f"so no All-Payer determination is made ({GATING})"
        )
        return None, [Reason(text, GATING)]
    for status in RANKED:
        for medicare_method in METHODS:
            medicare, minimum = scores.medicare(medicare_method), _medicare_minimum(params, status, medicare_method)
            if medicare is None or medicare < minimum:
                continue
            for method in METHODS:
                score, required = scores.all_payer(method), _all_payer_threshold(params, status, method)
                if score is not None and score >= required:
                    rule = _paragraph("b", status, method)
                    text = (
                        f"All-Payer {METHOD_LABEL[method]} Threshold Score {percent(score)} meets the "
                        f"{percent(required)} {status.label} threshold for {params.year}, and the Medicare "
                        f"{METHOD_LABEL[medicare_method]} score {percent(medicare)} meets its {percent(minimum)} "
                        f"Medicare minimum ({rule}; methods combined under {METHOD_CHOICE})"
                    )
                    return status, [Reason(text, rule)]
    text = (
        f"no pair of methods reaches the All-Payer Partial QP thresholds for {params.year} "
        f"({', '.join(_all_payer_figures(params, scores))}) with its Medicare minimum (42 CFR 414.1430(b))"
    )
    return QPStatus.NONE, [Reason(text, "42 CFR 414.1430(b)")]


def _lowest_minimum(params: YearParameters, method: str) -> Decimal:
    return min(_medicare_minimum(params, status, method) for status in RANKED)


def _all_payer_figures(params: YearParameters, scores: ThresholdScores) -> list[str]:
    return [
        f"{METHOD_LABEL[m]} {percent(scores.all_payer(m))} against "
        f"{percent(_all_payer_threshold(params, QPStatus.PARTIAL_QP, m))}"
        for m in METHODS
        if scores.all_payer(m) is not None
    ] or ["no All-Payer scores"]


def qp_status(
    params: YearParameters, scores: ThresholdScores, all_payer_scores: ThresholdScores | None = None
) -> QPResult:
    """The status from ``scores``; ``all_payer_scores`` (when the All-Payer level differs) feed that option."""
    medicare, reasons = medicare_option_status(params, scores)
    all_payer = None
    if medicare is QPStatus.QP:
        reasons.append(Reason(f"a QP under the Medicare Option needs no All-Payer score ({GATING})", GATING))
    else:
        all_payer, more = all_payer_status(params, all_payer_scores or scores)
        reasons += more
    status = max(medicare, all_payer or QPStatus.NONE, key=lambda s: s.rank)
    names = [f"medicare_{'qp' if s is QPStatus.QP else 'partial_qp'}_{m}_percent" for s in RANKED for m in METHODS]
    if all_payer is not None:
        names += ["all_payer_option_available", *(f for f in params.provisional_fields if f.startswith("all_payer_"))]
    return QPResult(
        year=params.year,
        status=status,
        medicare_option_status=medicare,
        all_payer_status=all_payer,
        scores=scores,
        reasons=tuple(reasons),
        provisional=params.is_provisional(*names),
    )


def qp_reward(params: YearParameters, status: QPStatus, base: Decimal | None) -> Reward | None:
    """The APM Incentive Payment and the qualifying APM conversion factor that follow from QP status."""
    if status is not QPStatus.QP:
        return None
    reasons = []
    amount = None
    pay_year = params.payment_year
    if params.incentive_percent is not None:
        if base is not None:
            amount = (base * params.incentive_percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            text = (
                f"APM Incentive Payment in {pay_year}: {percent(params.incentive_percent)} of {money(base)} Part B "
                f"covered professional services paid for {pay_year - 1} is {money(amount)} ({INCENTIVE})"
            )
        else:
            text = (
                f"APM Incentive Payment in {pay_year}: {percent(params.incentive_percent)} of the Part B covered "
                f"professional services paid for {pay_year - 1} ({INCENTIVE})"
            )
        reasons.append(Reason(text, INCENTIVE))
    else:
        reasons.append(
            Reason(f"no lump-sum APM Incentive Payment for QPs of performance year {params.year}", INCENTIVE)
        )
    if params.qp_conversion_factor_update_percent is not None:
        factor = f" ({money(params.qp_conversion_factor)})" if params.qp_conversion_factor is not None else ""
        text = (
            f"the qualifying APM conversion factor{factor} applies to the clinician's {pay_year} physician fee "
            f"schedule payments, updated {percent(params.qp_conversion_factor_update_percent)} a year against "
            f"{percent(params.non_qp_conversion_factor_update_percent or Decimal(0))} for others ({CONVERSION_FACTOR})"
        )
        reasons.append(Reason(text, CONVERSION_FACTOR))
    return Reward(
        payment_year=pay_year,
        incentive_percent=params.incentive_percent,
        incentive_amount=amount,
        qp_conversion_factor_update_percent=params.qp_conversion_factor_update_percent,
        qp_conversion_factor=params.qp_conversion_factor,
        reasons=tuple(reasons),
    )


def evaluate_qp(params: YearParameters, qp: QPInputs) -> QPResult:
    scores, score_reasons, gaps = threshold_scores(qp)
    status = qp_status(params, scores)
    reward = qp_reward(params, status.status, qp.part_b_base_amount)
    provisional = status.provisional or (
        reward is not None and params.is_provisional("incentive_percent", "qp_conversion_factor")
    )
    return QPResult(
        year=status.year,
        status=status.status,
        medicare_option_status=status.medicare_option_status,
        all_payer_status=status.all_payer_status,
        scores=scores,
        reasons=tuple(score_reasons) + status.reasons,
        missing_inputs=tuple(gaps),
        provisional=provisional,
        reward=reward,
    )


def qp_inputs_from_mapping(data: Mapping) -> QPInputs:
    """Validate QP figures: numerators not above denominators, no negative amounts, known categories."""
    medicare = inputs.section(data, "medicare")
    payers = []
    for index, payer, where in inputs.objects(data, "other_payers"):
        payers.append(
            PayerFigures(
                name=inputs.text(payer, "name", where) or f"payer {index + 1}",
                category=inputs.choice(payer, "category", set(OTHER_PAYER_CATEGORIES), where, required=True),
                payment=_portion(payer, "payment", where),
                patient=_portion(payer, "patient", where),
            )
        )
    scores = inputs.section(data, "scores")
    return QPInputs(
        medicare_payment=_portion(medicare, "payment", "medicare."),
        medicare_patient=_portion(medicare, "patient", "medicare."),
        other_payers=tuple(payers),
        medicaid_apm_available_in_county=inputs.boolean(data, "medicaid_apm_available_in_county"),
        specialty_eligible_for_medicaid_apm=inputs.boolean(data, "specialty_eligible_for_medicaid_apm"),
        scores=ThresholdScores(
            **{k: inputs.percentage(scores, k, "scores.") for k in ThresholdScores.__dataclass_fields__}
        )
        if scores
        else None,
        part_b_base_amount=inputs.decimal(data, "part_b_base_amount"),
    )


def _portion(data: Mapping, method: str, prefix: str) -> Portion | None:
    numerator = inputs.decimal(data, f"{method}_numerator", prefix)
    denominator = inputs.decimal(data, f"{method}_denominator", prefix)
    if numerator is None and denominator is None:
        return None
    if numerator is None:
        raise RuleInputError(f"{prefix}{method}_numerator", f"is required when {method}_denominator is given")
    if denominator is None:
        raise RuleInputError(f"{prefix}{method}_denominator", f"is required when {method}_numerator is given")
    if numerator > denominator:
        raise RuleInputError(f"{prefix}{method}_numerator", f"must not exceed {method}_denominator ({denominator})")
    return Portion(numerator, denominator)
