"""The automatic check of the three criteria on a request's answers, shown before submitting.

It reads the performance year's parameters from the database and hands plain values to
``determinations.rules``; the rules never touch the database.
"""

from dataclasses import dataclass

from determinations.models import CriterionResult, Submission
from determinations.rules.arrangement import RuleInputError, arrangement_from_mapping
from determinations.rules.evaluate import evaluate_arrangement
from determinations.rules.results import Outcome

CRITERIA = [
    ("cehrt", "Use of CEHRT"),
    ("quality", "Quality measures comparable to MIPS"),
    ("financial_risk", "More than nominal financial risk"),
]
SUBMITTER_LABELS = {
    Outcome.MEETS: "Likely meets",
    Outcome.DOES_NOT_MEET: "Likely does not meet",
    Outcome.NEEDS_REVIEW: "Needs a CMS reviewer's judgment",
}


@dataclass(frozen=True)
class CriterionCheck:
    key: str
    title: str
    outcome: str
    label: str
    reasons: list[str]
    missing: list[str]
    provisional: bool


@dataclass(frozen=True)
class Precheck:
    criteria: list[CriterionCheck]
    result: dict

    @property
    def has_warnings(self) -> bool:
        """A criterion that likely fails: allowed to submit, but only after the submitter confirms."""
        return any(c.outcome == Outcome.DOES_NOT_MEET for c in self.criteria)

    @property
    def overall_outcome(self) -> str:
        outcomes = {c.outcome for c in self.criteria}
        for outcome in (Outcome.DOES_NOT_MEET, Outcome.NEEDS_REVIEW):
            if outcome in outcomes:
                return outcome.value
        return Outcome.MEETS.value

    def summary(self) -> dict:
        return {"precheck": {c.key: c.outcome for c in self.criteria}}


def submission_rule_input(submission: Submission) -> dict:
    """The request's answers in the shape the rules read (``docs/rules.md``)."""
    answers = submission.answers
    measures = [
        {"title": m.title, "measure_identifier": m.measure_identifier, "basis": m.basis, "is_outcome": m.is_outcome}
        for m in submission.measures.all()
    ]
    return {
        "year": submission.performance_year.year,
        "payer_type": submission.payer_type,
        "arrangement": answers.get("arrangement", {}),
        "cehrt": answers.get("cehrt", {}),
        "quality": {**answers.get("quality", {}), "measures": measures},
        "financial_risk": answers.get("financial_risk", {}),
    }


def submission_precheck(submission: Submission, *, parameters=None) -> Precheck:
    """The rules' answer for a request; ``parameters`` (the year's, as values) saves reading them
    again when many requests of one year are checked in a row."""
    params = parameters or submission.performance_year.to_rule_parameters()
    try:
        result = evaluate_arrangement(params, arrangement_from_mapping(submission_rule_input(submission)))
    except RuleInputError as error:
        reason = f"The check could not run: {error}."
        checks = [
            CriterionCheck(
                key, title, Outcome.NEEDS_REVIEW, SUBMITTER_LABELS[Outcome.NEEDS_REVIEW], [reason], [], False
            )
            for key, title in CRITERIA
        ]
        return Precheck(checks, {"error": str(error)})
    checks = []
    for key, title in CRITERIA:
        criterion = result.criteria[key]
        checks.append(
            CriterionCheck(
                key=key,
                title=title,
                outcome=criterion.outcome.value,
                label=SUBMITTER_LABELS[criterion.outcome],
                reasons=[leaf.text for _, check in criterion.leaves() for leaf in check.reasons]
                or [r.text for r in criterion.reasons],
                missing=list(criterion.missing_inputs),
                provisional=criterion.provisional,
            )
        )
    return Precheck(checks, result.to_dict())


def criterion_results_record(submission: Submission, *, parameters=None) -> str:
    """Store the automatic result of each criterion on a submission; returns the overall outcome.

    The reviewer's findings on the same rows are left as they are; only results that changed are
    written (one query for all of them).
    """
    check = submission_precheck(submission, parameters=parameters)
    existing = {result.criterion: result for result in submission.criterion_results.all()}
    changed, created = [], []
    for criterion in check.criteria:
        values = {
            "automatic_outcome": criterion.outcome,
            "automatic_result": check.result.get("criteria", {}).get(criterion.key, {"reasons": criterion.reasons}),
            "provisional": criterion.provisional,
        }
        result = existing.get(criterion.key)
        if result is None:
            created.append(CriterionResult(submission=submission, criterion=criterion.key, **values))
        elif any(getattr(result, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(result, name, value)
            changed.append(result)
    CriterionResult.objects.bulk_create(created)
    CriterionResult.objects.bulk_update(changed, ["automatic_outcome", "automatic_result", "provisional"])
    return check.overall_outcome
