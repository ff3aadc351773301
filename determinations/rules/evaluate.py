"""All three Other Payer Advanced APM criteria (42 CFR 414.1420(a)) for one arrangement and year."""

from __future__ import annotations

from dataclasses import dataclass

from .arrangement import Arrangement, RuleInputError
from .cehrt import evaluate_cehrt
from .financial_risk import evaluate_financial_risk
from .parameters import YearParameters
from .quality import evaluate_quality
from .results import CriterionResult, Outcome, all_of


@dataclass(frozen=True)
class ArrangementResult:
    year: int
    payer_type: str
    name: str
    overall: CriterionResult

    @property
    def outcome(self) -> Outcome:
        return self.overall.outcome

    @property
    def criteria(self) -> dict[str, CriterionResult]:
        return {criterion.name: criterion for criterion in self.overall.checks}

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "payment_year": self.year + 2,
            "payer_type": self.payer_type,
            "arrangement": self.name,
            "outcome": self.outcome.value,
            "provisional": self.overall.provisional,
            "missing_inputs": list(self.overall.missing_inputs),
            "provisional_notes": list(self.overall.provisional_notes),
            "criteria": {name: criterion.to_dict() for name, criterion in self.criteria.items()},
        }


def evaluate_arrangement(params: YearParameters, arrangement: Arrangement) -> ArrangementResult:
    if params.year != arrangement.year:
        raise RuleInputError(
            "year", f"the arrangement is for {arrangement.year} but the parameters are for {params.year}"
        )
    if not params.all_payer_option_available:
        raise RuleInputError(
            "year",
            f"there are no Other Payer Advanced APM determinations for {params.year}; "
            "they start with the All-Payer Combination Option",
        )
    criteria = [
        evaluate_cehrt(params, arrangement.cehrt),
        evaluate_quality(params, arrangement.quality),
        evaluate_financial_risk(params, arrangement),
    ]
    return ArrangementResult(arrangement.year, arrangement.payer_type, arrangement.name, all_of("overall", criteria))
