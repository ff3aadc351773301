"""What a QP result means for the clinician, and what it would take to reach the next status.

``status_meaning`` says what a status brings in the payment year (42 CFR 414.1430, 414.1450,
SSA 1848(d)(20)); ``next_status_gaps`` lists, for the status just above the clinician's, how many
more dollars or patients through Advanced APMs each route needs (moving them from outside to
inside an APM keeps the denominator and raises the numerator), closest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .parameters import YearParameters
from .qp_thresholds import METHOD_LABEL, METHODS, QPStatus, qp_reward
from .results import money, percent

NEXT = {QPStatus.NONE: QPStatus.PARTIAL_QP, QPStatus.PARTIAL_QP: QPStatus.QP}
MIDDLE = {QPStatus.QP: "qp", QPStatus.PARTIAL_QP: "partial_qp"}


def status_meaning(params: YearParameters, status: QPStatus) -> list[str]:
    if status is QPStatus.QP:
        sentences = [f"A QP for {params.year} is excluded from MIPS reporting and payment adjustments for that year."]
        return sentences + [reason.text[0].upper() + reason.text[1:] + "." for reason in
                            qp_reward(params, status, None).reasons]  # fmt: skip
    if status is QPStatus.PARTIAL_QP:
        return [
            f"A Partial QP for {params.year} receives no APM Incentive Payment and no qualifying APM conversion "
            "factor.",
            "A Partial QP elects whether to take part in MIPS (the Partial QP election): reporting means a MIPS "
            "payment adjustment applies; not reporting means being excluded from MIPS (42 CFR 414.1430(a)(2)).",
        ]
    return [f"Not a QP for {params.year}: MIPS applies unless another exclusion does."]


@dataclass(frozen=True)
class Gap:
    """One way to the target status: the score, the threshold, and what more it needs."""

    option: str
    method: str
    score: Decimal
    threshold: Decimal
    additional: Decimal
    medicare_minimum_gap: Decimal | None = None

    @property
    def points(self) -> Decimal:
        return self.threshold - self.score

    def describe(self) -> str:
        unit = money(self.additional) if self.method == "payment" else f"{self.additional:,} patients"
        what = "Medicare Part B payments" if self.option == "Medicare Option" else "payments"
        if self.method == "patient":
            what = "Medicare patients" if self.option == "Medicare Option" else "patients"
        text = (
            f"{self.option}, {METHOD_LABEL[self.method]}: {percent(self.score)} against {percent(self.threshold)}; "
            f"about {unit} more {what} through Advanced APMs"
        )
        if self.medicare_minimum_gap:
            text += f", and a Medicare score {percent(self.medicare_minimum_gap)} points higher to meet its minimum"
        return text


def _additional(points: Decimal, denominator: Decimal | None, method: str) -> Decimal:
    if not denominator or points <= 0:
        return Decimal(0)
    amount = points * denominator / 100
    if method == "patient":
        return Decimal(math.ceil(amount))
    return amount.quantize(Decimal("0.01"))


def next_status_gaps(
    params: YearParameters,
    status: QPStatus,
    medicare_scores: dict[str, Decimal],
    medicare_denominators: dict[str, Decimal],
    all_payer_medicare_scores: dict[str, Decimal],
    all_payer_scores: dict[str, Decimal | None],
    all_payer_denominators: dict[str, Decimal | None],
) -> tuple[QPStatus | None, list[Gap]]:
    """The next status up and each route to it, closest (fewest percentage points) first."""
    target = NEXT.get(status)
    if target is None:
        return None, []
    middle, gaps = MIDDLE[target], []
    for method in METHODS:
        threshold = getattr(params, f"medicare_{middle}_{method}_percent")
        score = medicare_scores[method]
        gaps.append(Gap("Medicare Option", method, score, threshold,
                        _additional(threshold - score, medicare_denominators[method], method)))  # fmt: skip
    if params.all_payer_option_available:
        minimum_gap = min(
            getattr(params, f"all_payer_{middle}_medicare_minimum_{m}_percent") - all_payer_medicare_scores[m]
            for m in METHODS
        )
        for method in METHODS:
            score = all_payer_scores[method]
            if score is None:
                continue
            threshold = getattr(params, f"all_payer_{middle}_{method}_percent")
            gaps.append(Gap("All-Payer Combination Option", method, score, threshold,
                            _additional(threshold - score, all_payer_denominators[method], method),
                            minimum_gap if minimum_gap > 0 else None))  # fmt: skip
    return target, sorted(gaps, key=lambda gap: gap.points + max(gap.medicare_minimum_gap or 0, 0))
