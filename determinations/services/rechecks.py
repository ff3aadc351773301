"""Batch work on one object at a time (the batch jobs of ``determinations/jobs.py`` call these):
re-running the rules over requests and multi-year determinations, and reissuing letters.

Each function locks its object, does its work and writes a staff-visible event naming the job, in
the caller's transaction: run again after a crash, it is either all there or not at all.
"""

from determinations.events import EventType
from determinations.models import Determination, PerformanceYear, Submission
from determinations.rules.arrangement import RuleInputError, arrangement_from_mapping
from determinations.rules.evaluate import evaluate_arrangement
from determinations.services.events import event_record
from determinations.services.letters import determination_letter_regenerate
from determinations.services.notifications import determination_letter_reissued_queue
from determinations.services.precheck import criterion_results_record, submission_rule_input


def _outcomes(submission) -> dict[str, str]:
    return dict(submission.criterion_results.order_by("criterion").values_list("criterion", "automatic_outcome"))


def _as_text(outcomes: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(outcomes.items()))


def submission_criteria_recheck(*, submission_id: int, job_id: int | None = None) -> dict:
    """Run the automatic criterion checks again with each requested year's current figures and measure list."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("performance_year", "arrangement")
        .get(pk=submission_id)
    )
    before = _outcomes(submission)
    submission.precheck_outcome = criterion_results_record(submission)
    submission.save(update_fields=["precheck_outcome", "updated_at"])
    after = _outcomes(submission)
    changed = sorted(key for key in after if before.get(key) != after[key])
    event_record(
        submission,
        EventType.CRITERIA_RECHECKED,
        payload={"job": job_id, "before": before, "after": after, "changed": changed},
    )
    return {
        "tracking_number": submission.tracking_number or "",
        "arrangement": submission.arrangement_name,
        "changed": ", ".join(changed),
        "before": _as_text(before),
        "after": _as_text(after),
    }


def determination_retest(*, determination_id: int, year: int, job_id: int | None = None) -> dict:
    """Test a multi-year determination's arrangement against ``year``'s rules (domain.md 3.4).

    The determination is not changed: the result tells CMS which ones to look at again.
    """
    determination = (
        Determination.objects.select_for_update(of=("self",))
        .select_related("submission__performance_year", "arrangement")
        .get(pk=determination_id)
    )
    submission = determination.submission
    performance_year = PerformanceYear.objects.get(year=year)
    try:
        result = evaluate_arrangement(
            performance_year.to_rule_parameters(),
            arrangement_from_mapping({**submission_rule_input(submission), "year": year}),
        )
        outcomes = {key: criterion.outcome.value for key, criterion in result.criteria.items()}
    except RuleInputError as error:
        outcomes = {"error": str(error)}
    still_meets = all(value == "meets" for value in outcomes.values())
    event_record(
        submission,
        EventType.MULTI_YEAR_RETESTED,
        payload={"job": job_id, "determination": determination.pk, "year": year, "outcomes": outcomes},
    )
    return {
        "tracking_number": submission.tracking_number or "",
        "arrangement": determination.submission.arrangement_name,
        "years": f"{determination.first_year}-{determination.last_year}",
        "retested_for": year,
        "outcomes": _as_text(outcomes),
        "still_meets": "yes" if still_meets else "no",
    }


def determination_letter_reissue(*, determination_id: int, job_id: int) -> dict:
    """Render the letter again and queue it to the organization's members, once per job."""
    determination = determination_letter_regenerate(determination_id=determination_id, job=job_id)
    queued = determination_letter_reissued_queue(determination, job_id=job_id)
    return {
        "tracking_number": determination.submission.tracking_number or "",
        "arrangement": determination.submission.arrangement_name,
        "letter": determination.letter.name,
        "recipients": queued,
    }
