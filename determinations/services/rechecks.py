"""Batch work (the batch jobs of ``determinations/jobs.py`` call these): re-running the rules over
requests and multi-year determinations, and reissuing letters.

Each function locks its objects, does its work and writes a staff-visible event naming the job, in
the caller's transaction: run again after a crash, it is either all there or not at all. The
re-check also has a form for many requests at once (``submissions_criteria_recheck``), which reads
what the rules need in a few queries and writes the results, requests and events in bulk (``rows_update``); it
stores what the one-request form stores.
"""

from django.db.models import Prefetch
from django.utils import timezone

from determinations.events import EventType
from determinations.models import ApmEntityParticipant, CriterionResult, Determination, PerformanceYear, Submission
from determinations.rules.arrangement import RuleInputError, arrangement_from_mapping
from determinations.rules.evaluate import evaluate_arrangement
from determinations.selectors.participants import participants_of
from determinations.services.events import event_record, events_record_many
from determinations.services.letters import determination_letter_regenerate
from determinations.services.notifications import determination_letter_reissued_queue
from determinations.services.precheck import (
    criterion_results_compute,
    criterion_results_record,
    submission_rule_input,
    year_parameters,
)
from qppportal.bulk import rows_update

AUTOMATIC_FIELDS = ["automatic_outcome", "automatic_result", "provisional"]


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
    return _recheck_row(submission, before, after, changed)


def _recheck_row(submission, before: dict, after: dict, changed: list[str]) -> dict:
    return {
        "tracking_number": submission.tracking_number or "",
        "arrangement": submission.arrangement_name,
        "changed": ", ".join(changed),
        "before": _as_text(before),
        "after": _as_text(after),
    }


def submissions_criteria_recheck(*, submission_ids: list[int], job_id: int | None = None) -> dict[int, dict]:
    """``submission_criteria_recheck`` for many requests in one transaction; returns each request's row.

    The requests are locked in id order, then their measures, results and participants and the
    years' parameters are read in a few queries and the rules run over those values in Python.
    A request that no longer exists has no row (the caller handles it alone, and reports it).
    """
    submissions = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("performance_year", "arrangement")
        .filter(pk__in=submission_ids)
        .order_by("pk")
        .prefetch_related(
            "measures",
            "criterion_results",
            Prefetch("apm_entities", queryset=ApmEntityParticipant.objects.prefetch_related("clinicians")),
        )
    )
    parameters = year_parameters(year for submission in submissions for year in submission.years)
    now = timezone.now()
    rows, results_changed, results_new, events = {}, [], [], []
    for submission in submissions:
        stored = {result.criterion: result for result in submission.criterion_results.all()}
        before = {key: stored[key].automatic_outcome for key in sorted(stored)}
        computed = criterion_results_compute(
            submission, parameters=parameters, participants=participants_of(submission.apm_entities.all())
        )
        for key, fields in computed.by_criterion.items():
            if key in stored:
                for name, value in fields.items():
                    setattr(stored[key], name, value)
                results_changed.append(stored[key])
            else:
                results_new.append(CriterionResult(submission=submission, criterion=key, **fields))
        after = dict(
            sorted({**before, **{k: f["automatic_outcome"] for k, f in computed.by_criterion.items()}}.items())
        )
        changed = sorted(key for key in after if before.get(key) != after[key])
        submission.precheck_outcome, submission.updated_at = computed.overall_outcome, now
        payload = {"job": job_id, "before": before, "after": after, "changed": changed}
        events.append((submission, EventType.CRITERIA_RECHECKED, {"payload": payload, "at": now}))
        rows[submission.pk] = _recheck_row(submission, before, after, changed)
    rows_update(CriterionResult, results_changed, AUTOMATIC_FIELDS)
    CriterionResult.objects.bulk_create(results_new)
    rows_update(Submission, submissions, ["precheck_outcome", "updated_at"])
    events_record_many(events)
    return rows


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
