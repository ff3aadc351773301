"""Reads for the review page's panels on linked requests and yearly confirmations: what is linked to a
Payer Initiated request, the candidates a reviewer may link, the jobs applying its determination,
and the confirmations of a multi-year determination waiting for CMS."""

from django.db.models import Q

from determinations.choices import Process
from determinations.models import Submission
from determinations.services.applied_determinations import APPLY_JOB
from determinations.services.linked_requests import can_link_requests, link_problem
from determinations.states import OPEN, SubmissionStatus
from jobs.models import Job
from jobs.selectors import job_progress


def link_candidates(payer_request: Submission, query: str = "", *, limit: int = 25) -> list[tuple[Submission, str]]:
    """Eligible Clinician Initiated requests matching ``query`` (tracking number, arrangement, payer or
    organization), each with why it cannot be linked (empty when it can). Without a query: the
    pending, unlinked requests of the same payer type."""
    candidates = (
        Submission.objects.filter(process=Process.CLINICIAN_INITIATED)
        .exclude(status=SubmissionStatus.DRAFT)
        .select_related("organization", "arrangement", "performance_year", "payer_request")
    )
    query = query.strip()
    if query:
        candidates = candidates.filter(
            Q(tracking_number__icontains=query)
            | Q(arrangement_name__icontains=query)
            | Q(arrangement__payer_name__icontains=query)
            | Q(organization__name__icontains=query)
        )
    else:
        candidates = candidates.filter(status__in=OPEN, payer_request__isnull=True, payer_type=payer_request.payer_type)
    return [(candidate, link_problem(payer_request, candidate)) for candidate in candidates.order_by("-pk")[:limit]]


def linked_requests_panel(submission: Submission, user, *, has_linked: bool, determination_ids) -> dict | None:
    """The review page's panel: for a payer's request, the linked requests (read only when it
    ``has_linked`` any) and the jobs applying its determinations (``determination_ids``, every one it
    has had); for a clinician's request, the payer's request it is linked to."""
    if submission.process == Process.CLINICIAN_INITIATED:
        return {"payer_request": submission.payer_request} if submission.payer_request_id else None
    if submission.process != Process.PAYER_INITIATED:
        return None
    linked = []
    if has_linked:
        linked = list(
            submission.linked_requests.select_related("organization", "arrangement").prefetch_related("determinations")
        )
    for request in linked:
        request.applied = next(
            (d for d in request.determinations.all() if d.superseded_at is None and d.applied_from_id), None
        )
        request.pending = request.status in OPEN
    # An undecided request (most of those under review) has no job applying its determination: no query.
    jobs = []
    if determination_ids:
        jobs = Job.objects.filter(kind=APPLY_JOB, parameters__determination__in=list(determination_ids))
        jobs = jobs.order_by("-pk")[:5]
    return {
        "linked": linked,
        "may_link": can_link_requests(user, submission).allowed,
        "jobs": [job_progress(job) for job in jobs],
    }
