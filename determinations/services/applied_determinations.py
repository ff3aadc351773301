"""What must hold, and what is written, when a Payer Initiated determination is applied to a linked
Eligible Clinician Initiated request (the ``apply_payer_approval`` and ``apply_payer_rejection``
transitions of ``determinations/workflow.py``).

The linked request gets a ``Determination`` of its own: the payer's outcome and reasons, for the
years both cover, decided by the lead who decided the payer's request, and naming the determination
it applies (``applied_from``). Its letter and decision e-mail follow as for any decision.
"""

from determinations.models import Determination, DeterminationOutcome, Submission
from determinations.states import OPEN
from jobs.services import job_start

OUTCOMES = {
    "apply_payer_approval": DeterminationOutcome.APPROVED,
    "apply_payer_rejection": DeterminationOutcome.REJECTED,
}


def payer_determination_for(payload) -> Determination | None:
    pk = payload.get("payer_determination")
    return Determination.objects.select_related("submission").filter(pk=pk).first() if isinstance(pk, int) else None


def years_in_common(submission, determination: Determination) -> list[int]:
    return [year for year in submission.years if determination.first_year <= year <= determination.last_year]


def _guard(transition_name: str):
    def guard(submission, *, payload, **context) -> list[str]:
        determination = payer_determination_for(payload)
        if determination is None:
            return ["Name the payer's determination to apply."]
        if submission.payer_request_id != determination.submission_id:
            return [f"This request is not linked to {determination.submission}, so its determination does not apply."]
        if determination.superseded_at is not None:
            return [f"The determination on {determination.submission} was reopened; it no longer applies."]
        if determination.outcome != OUTCOMES[transition_name]:
            return [f"The determination on {determination.submission} is {determination.get_outcome_display()}."]
        if not years_in_common(submission, determination):
            return [
                f"The payer's determination covers {determination.first_year}–{determination.last_year}, "
                f"none of the years asked for here ({', '.join(map(str, submission.years))})."
            ]
        return []

    return guard


approval_guard = _guard("apply_payer_approval")
rejection_guard = _guard("apply_payer_rejection")


def apply_effect(submission, *, now, actor, payload, **context) -> list[str]:
    """The request's own determination, copied from the payer's; its findings lock as after a decision."""
    source = payer_determination_for(payload)
    years = years_in_common(submission, source)
    determination = Determination.objects.create(
        submission=submission,
        arrangement_id=source.arrangement_id,
        outcome=source.outcome,
        first_year=years[0],
        last_year=years[-1],
        years_reason=(
            f"CMS's determination on the Payer Initiated request {source.submission} covers "
            f"{source.first_year}–{source.last_year}."
            if len(years) < len(submission.years)
            else ""
        ),
        reasons=source.reasons,
        decided_by=actor,
        decided_at=now,
        applied_from=source,
    )
    submission.criterion_results.update(locked=True)
    payload["determination"] = determination.pk
    return []


APPLY_JOB = "apply_payer_determination"


def linked_open_requests(payer_request_id: int):
    """The linked Eligible Clinician Initiated requests still waiting for a decision."""
    return Submission.objects.filter(payer_request_id=payer_request_id, status__in=OPEN).order_by("pk")


def linked_requests_apply_start(submission, event=None, *, actor=None, requests=None):
    """After the payer's request is decided: a job that applies its determination to each linked
    pending request, or to ``requests`` only (those just linked to a decided request); none when
    nothing is pending. Written in the caller's transaction."""
    determination = (
        Determination.objects.filter(submission=submission, superseded_at__isnull=True).select_related("decided_by")
    ).first()
    pending = linked_open_requests(submission.pk)
    if requests is not None:
        pending = pending.filter(pk__in=requests)
    if determination is None or not pending.exists():
        return None
    parameters = {"determination": determination.pk}
    if requests is not None:
        parameters["requests"] = sorted(requests)
    return job_start(kind=APPLY_JOB, parameters=parameters, actor=actor or determination.decided_by)
