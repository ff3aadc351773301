"""The automatic check of the three criteria on a request's answers, shown before submitting.

It reads each requested year's parameters from the database and hands plain values to
``determinations.rules``; the rules never touch the database. A multi-year request is checked
once per year under that year's parameters (``submission_prechecks_by_year``); the first year's
check is the one the request's status and the reviewer's findings start from.
"""

from dataclasses import dataclass

from determinations.models import CriterionResult, PerformanceYear, Submission
from determinations.rules.arrangement import RuleInputError, arrangement_from_mapping
from determinations.rules.evaluate import evaluate_arrangement
from determinations.rules.parameters import YearParameters
from determinations.rules.participants import EntityParticipants, participant_counts
from determinations.rules.results import Outcome
from determinations.selectors.participants import submission_participants

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


def submission_rule_input(
    submission: Submission, *, year: int | None = None, participants: list[EntityParticipants] | None = None
) -> dict:
    """The request's answers in the shape the rules read (``docs/rules.md``), for ``year`` (the first by default).

    The APM Entity and clinician counts come from the participant list, never from typed figures
    (drafts saved before the list existed may still hold typed ones: they are replaced, and a
    draft without a list has no count, which the rules report as missing). A batch passes the
    ``participants`` it read for many requests at once; otherwise they are read here.
    """
    answers = submission.answers
    measures = [
        {"title": m.title, "measure_identifier": m.measure_identifier, "basis": m.basis, "is_outcome": m.is_outcome}
        for m in submission.measures.all()
    ]
    if participants is None:
        participants = submission_participants(submission)
    arrangement = {
        key: value
        for key, value in answers.get("arrangement", {}).items()
        if key not in ("apm_entity_count", "eligible_clinician_count")
    }
    cehrt = answers.get("cehrt", {})
    if participants:
        counts = participant_counts(participants)
        arrangement |= {
            "apm_entity_count": counts.apm_entities,
            "eligible_clinician_count": counts.largest_entity_clinicians,
        }
        if cehrt.get("hospitals_are_apm_entities") is True:
            cehrt = {**cehrt, "hospitals": [{"name": e.name, "uses_cehrt": e.uses_cehrt} for e in participants]}
    return {
        "year": year or submission.performance_year.year,
        "payer_type": submission.payer_type,
        "arrangement": arrangement,
        "cehrt": cehrt,
        "quality": {**answers.get("quality", {}), "measures": measures},
        "financial_risk": answers.get("financial_risk", {}),
    }


@dataclass(frozen=True)
class YearCheck:
    """One requested year's check; ``precheck`` is ``None`` when CMS has not set the year's parameters."""

    year: int
    precheck: Precheck | None
    differs: frozenset[str]  # the criteria whose outcome differs from the first year's

    def outcome(self, key: str) -> str | None:
        if self.precheck is None:
            return None
        return next(c.outcome for c in self.precheck.criteria if c.key == key)


def submission_precheck(
    submission: Submission,
    *,
    performance_year: PerformanceYear | None = None,
    params: YearParameters | None = None,
    participants: list[EntityParticipants] | None = None,
) -> Precheck:
    """The check under one year's parameters (the request's first year by default); a batch passes
    the year's ``params`` and the request's ``participants`` it has already read."""
    if params is None:
        params = (performance_year or submission.performance_year).to_rule_parameters()
    try:
        data = submission_rule_input(submission, year=params.year, participants=participants)
        result = evaluate_arrangement(params, arrangement_from_mapping(data))
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


def year_parameters(years) -> dict[int, YearParameters]:
    """The rule parameters of each of ``years`` that CMS has set (two queries for any number of years)."""
    rows = PerformanceYear.objects.filter(year__in=set(years)).prefetch_related("windows")
    return {row.year: row.to_rule_parameters() for row in rows}


def submission_prechecks_by_year(
    submission: Submission,
    *,
    parameters: dict[int, YearParameters] | None = None,
    participants: list[EntityParticipants] | None = None,
) -> list[YearCheck]:
    """The check for each requested year under that year's parameters, marking where it differs from the first.

    A batch passes the ``parameters`` of the years (``year_parameters``) and the request's
    ``participants`` it has already read; otherwise they are read here.
    """
    if parameters is None:
        parameters = year_parameters(submission.years)
    if participants is None:
        participants = submission_participants(submission)
    checks = [
        (
            year,
            submission_precheck(submission, params=parameters[year], participants=participants)
            if year in parameters
            else None,
        )
        for year in submission.years
    ]
    first = {c.key: c.outcome for c in checks[0][1].criteria} if checks[0][1] else {}
    return [
        YearCheck(
            year,
            check,
            frozenset(c.key for c in check.criteria if c.outcome != first.get(c.key)) if check else frozenset(),
        )
        for year, check in checks
    ]


def year_rows(by_year: list[YearCheck]) -> list[dict]:
    """Each criterion with its label in every requested year, for a table of the years side by side."""
    rows = []
    for key, title in CRITERIA:
        cells = []
        for year_check in by_year:
            outcome = year_check.outcome(key)
            label = SUBMITTER_LABELS[Outcome(outcome)] if outcome else "Not checked yet: no parameters for the year"
            cells.append({"year": year_check.year, "label": label, "differs": key in year_check.differs})
        rows.append({"title": title, "cells": cells})
    return rows


@dataclass(frozen=True)
class AutomaticResults:
    """What ``criterion_results_record`` stores: each criterion's automatic fields, and the overall outcome."""

    overall_outcome: str
    by_criterion: dict[str, dict]  # criterion -> automatic_outcome, automatic_result, provisional


def criterion_results_compute(
    submission: Submission,
    *,
    parameters: dict[int, YearParameters] | None = None,
    participants: list[EntityParticipants] | None = None,
) -> AutomaticResults:
    """The automatic result of each criterion, computed without writing (a batch writes many at once).

    Each criterion's stored result is the first year's, with ``by_year`` holding every requested
    year's outcome and reasons (``None`` for a year whose parameters CMS has not set).
    """
    if participants is None:
        participants = submission_participants(submission)
    by_year = submission_prechecks_by_year(submission, parameters=parameters, participants=participants)
    check = by_year[0].precheck or submission_precheck(submission, participants=participants)
    by_criterion = {}
    for criterion in check.criteria:
        stored = check.result.get("criteria", {}).get(criterion.key, {"reasons": criterion.reasons})
        stored = {**stored, "by_year": {str(y.year): _year_summary(y, criterion.key) for y in by_year}}
        by_criterion[criterion.key] = {
            "automatic_outcome": criterion.outcome,
            "automatic_result": stored,
            "provisional": criterion.provisional,
        }
    return AutomaticResults(check.overall_outcome, by_criterion)


def criterion_results_record(submission: Submission) -> str:
    """Store the automatic result of each criterion on a submission; returns the first year's overall outcome."""
    results = criterion_results_compute(submission)
    for key, fields in results.by_criterion.items():
        CriterionResult.objects.update_or_create(submission=submission, criterion=key, defaults=fields)
    return results.overall_outcome


def _year_summary(year_check: YearCheck, key: str) -> dict | None:
    if year_check.precheck is None:
        return None
    criterion = next(c for c in year_check.precheck.criteria if c.key == key)
    return {"outcome": criterion.outcome, "reasons": criterion.reasons, "differs": key in year_check.differs}
