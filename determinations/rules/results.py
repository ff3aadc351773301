"""Outcomes, reasons and results shared by every rule, with the number formats reasons use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Outcome(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return {"meets": "Meets", "does_not_meet": "Does not meet", "needs_review": "Needs a reviewer's judgment"}[
            self.value
        ]


@dataclass(frozen=True)
class Reason:
    """One plain sentence with the figures compared, and the regulation paragraph it applies."""

    text: str
    citation: str = ""

    def to_dict(self) -> dict:
        return {"text": self.text, "citation": self.citation}


@dataclass(frozen=True)
class CriterionResult:
    """The result of a criterion or of one check inside it; ``checks`` holds the parts it combines."""

    name: str
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    missing_inputs: tuple[str, ...] = ()
    provisional: bool = False
    provisional_notes: tuple[str, ...] = ()
    checks: tuple[CriterionResult, ...] = field(default=())

    def leaves(self, prefix: str = "") -> list[tuple[str, CriterionResult]]:
        """The checks that decided this result, with dotted paths, leaving out the combinations between them."""
        if not self.checks:
            return [(prefix + self.name, self)]
        path = f"{prefix}{self.name}."
        return [leaf for check in self.checks for leaf in check.leaves(path)]

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "missing_inputs": list(self.missing_inputs),
            "provisional": self.provisional,
            "provisional_notes": list(self.provisional_notes),
            "checks": [
                {
                    "check": path.removeprefix(f"{self.name}."),
                    "outcome": leaf.outcome.value,
                    "reasons": [reason.to_dict() for reason in leaf.reasons],
                    "missing_inputs": list(leaf.missing_inputs),
                }
                for path, leaf in (self.leaves() if self.checks else [])
            ],
        }


def result(
    name: str,
    outcome: Outcome,
    *reasons: Reason,
    missing: Iterable[str] = (),
    provisional: bool = False,
    notes: Iterable[str] = (),
) -> CriterionResult:
    return CriterionResult(name, outcome, tuple(reasons), tuple(missing), provisional, tuple(notes))


def missing(name: str, fields: Iterable[str], text: str, citation: str, provisional: bool = False) -> CriterionResult:
    """A check that cannot be decided because the named inputs were not given; the text names them."""
    fields = tuple(fields)
    reason = Reason(f"{text} (missing: {', '.join(fields)})", citation)
    return result(name, Outcome.NEEDS_REVIEW, reason, missing=fields, provisional=provisional)


def _merge(
    name: str, outcome: Outcome, parts: list[CriterionResult], reasons: Iterable[Reason] = ()
) -> CriterionResult:
    return CriterionResult(
        name=name,
        outcome=outcome,
        reasons=tuple(reasons) + tuple(r for part in parts for r in part.reasons),
        missing_inputs=tuple(dict.fromkeys(f for part in parts for f in part.missing_inputs)),
        provisional=any(part.provisional for part in parts),
        provisional_notes=tuple(dict.fromkeys(n for part in parts for n in part.provisional_notes)),
        checks=tuple(parts),
    )


def all_of(name: str, parts: Iterable[CriterionResult], reasons: Iterable[Reason] = ()) -> CriterionResult:
    """Met when every part is met; not met when any part is not met; otherwise a reviewer decides."""
    parts = list(parts)
    outcomes = {part.outcome for part in parts}
    if Outcome.DOES_NOT_MEET in outcomes:
        outcome = Outcome.DOES_NOT_MEET
    elif Outcome.NEEDS_REVIEW in outcomes:
        outcome = Outcome.NEEDS_REVIEW
    else:
        outcome = Outcome.MEETS
    return _merge(name, outcome, parts, reasons)


def any_of(name: str, parts: Iterable[CriterionResult], reasons: Iterable[Reason] = ()) -> CriterionResult:
    """Met when one part is met (only the met parts are reported); otherwise the weakest verdict wins."""
    parts = list(parts)
    met = [part for part in parts if part.outcome is Outcome.MEETS]
    if met:
        return _merge(name, Outcome.MEETS, met, reasons)
    outcome = Outcome.NEEDS_REVIEW if any(p.outcome is Outcome.NEEDS_REVIEW for p in parts) else Outcome.DOES_NOT_MEET
    return _merge(name, outcome, parts, reasons)


def percent(value: Decimal) -> str:
    """A percentage with at most three decimals and no trailing zeros: ``54.545%``, ``3%``, ``2.5%``."""
    rounded = value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".") if "." in f"{rounded:f}" else f"{rounded:f}"
    return f"{text}%"


def money(value: Decimal) -> str:
    """Dollars with thousands separators, cents only when there are some: ``$400,000``, ``$7,520.50``."""
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents == cents.to_integral_value():
        return f"${cents:,.0f}"
    return f"${cents:,.2f}"


def listing(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def share(numerator: Decimal, denominator: Decimal) -> Decimal:
    """``numerator`` as a percentage of ``denominator`` (the caller makes sure it is not zero)."""
    return numerator * 100 / denominator
