"""Linking Eligible Clinician Initiated requests to the Payer Initiated request for the same
arrangement, and applying the payer's determination to each of them (one item of a batch job).

A reviewer links pending clinician requests to the payer's request from its review page; each link
is an event on both requests. When the payer's request is decided, the workflow table starts the
``apply_payer_determination`` job (``determinations/jobs.py``), whose items call
``payer_determination_apply``: the ``apply_payer_*`` transition gives the linked request its own
determination, letter and decision e-mail. A request linked after the decision is applied at once
by a job of its own.
"""

from dataclasses import dataclass, field

from django.db import transaction

from determinations.choices import Process
from determinations.events import EventType
from determinations.models import Determination, Submission
from determinations.permissions import Code, Decision, is_reviewer
from determinations.services.applied_determinations import linked_requests_apply_start, years_in_common
from determinations.services.events import event_record
from determinations.states import DECIDED, OPEN, SubmissionStatus
from determinations.workflow import TransitionRefused, transition_apply


class LinkRefused(Exception):
    """The link cannot be made; the text says why."""


@dataclass
class LinkResult:
    linked: list[Submission] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why each refused request was not linked
    job: object = None


def can_link_requests(user, payer_request: Submission) -> Decision:
    reviewer = is_reviewer(user, payer_request)
    if not reviewer:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers and review leads link requests.")
    if payer_request.process != Process.PAYER_INITIATED:
        return Decision(Code.NOT_NOW, "Clinicians' requests are linked to a Payer Initiated request, not to this one.")
    if payer_request.status not in (*OPEN, *DECIDED):
        return Decision(Code.NOT_NOW, f"This request is {payer_request.get_status_display().lower()}.")
    return Decision()


def link_problem(payer_request: Submission, candidate: Submission) -> str:
    """Why ``candidate`` cannot be linked to ``payer_request`` (empty when it can)."""
    name = candidate.tracking_number or f"Request {candidate.pk}"
    if candidate.process != Process.CLINICIAN_INITIATED:
        return f"{name} is a Payer Initiated request; only Eligible Clinician Initiated requests are linked."
    if candidate.status not in OPEN:
        return f"{name} is {candidate.get_status_display().lower()}, so there is no pending request to decide."
    if candidate.payer_request_id == payer_request.pk:
        return f"{name} is already linked to this request."
    if candidate.payer_request_id is not None:
        return f"{name} is already linked to {candidate.payer_request}; remove that link first."
    if candidate.payer_type != payer_request.payer_type:
        return (
            f"{name} is about a {candidate.get_payer_type_display().lower()} arrangement, this request a "
            f"{payer_request.get_payer_type_display().lower()} one: they cannot be the same arrangement."
        )
    asked, covered = set(candidate.years), set(payer_request.years)
    current = payer_request.determinations.filter(superseded_at__isnull=True).first()
    if current is not None:
        covered = set(years_in_common(candidate, current))
    if not asked & covered:
        span = ", ".join(map(str, sorted(covered or payer_request.years)))
        return f"{name} asks for {', '.join(map(str, candidate.years))}; this request covers {span}, none of those."
    return ""


def requests_link(*, payer_request_id: int, request_ids: list[int], actor, now=None) -> LinkResult:
    """Link each request that can be linked; the others are refused with why. If the payer's request
    is already decided, a job applies its determination to the newly linked ones."""
    result = LinkResult()
    with transaction.atomic():
        payer_request = Submission.objects.select_for_update(of=("self",)).get(pk=payer_request_id)
        allowed = can_link_requests(actor, payer_request)
        if not allowed:
            raise LinkRefused(allowed.message)
        candidates = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("performance_year", "payer_request")
            .filter(pk__in=request_ids)
            .order_by("pk")
        )
        found = {candidate.pk: candidate for candidate in candidates}
        for pk in request_ids:
            candidate = found.get(pk)
            if candidate is None or candidate.status == SubmissionStatus.DRAFT:
                result.refused.append(f"There is no submitted request with the number {pk}.")
                continue
            problem = link_problem(payer_request, candidate)
            if problem:
                result.refused.append(problem)
                continue
            candidate.payer_request = payer_request
            _link_saved(
                candidate,
                payer_request,
                request_event=EventType.LINKED_TO_PAYER_REQUEST,
                payer_event=EventType.CLINICIAN_REQUEST_LINKED,
                actor=actor,
                now=now,
            )
            result.linked.append(candidate)
        if result.linked and payer_request.status in DECIDED:
            result.job = linked_requests_apply_start(
                payer_request, actor=actor, requests=[request.pk for request in result.linked]
            )
    return result


def request_unlink(*, payer_request_id: int, request_id: int, actor, now=None) -> Submission:
    """Remove a link made by mistake, while the linked request is still pending."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",)).select_related("payer_request").get(pk=request_id)
        )
        if submission.payer_request_id != payer_request_id:
            raise LinkRefused(f"{submission} is not linked to this request.")
        allowed = can_link_requests(actor, submission.payer_request)
        if not allowed:
            raise LinkRefused(allowed.message)
        if submission.status not in OPEN:
            raise LinkRefused(
                f"{submission} is {submission.get_status_display().lower()}; a decided request keeps its link."
            )
        payer_request = submission.payer_request
        submission.payer_request = None
        unlinked = EventType.UNLINKED_FROM_PAYER_REQUEST
        _link_saved(submission, payer_request, request_event=unlinked, payer_event=unlinked, actor=actor, now=now)
    return submission


def _link_saved(
    request: Submission, payer_request: Submission, *, request_event: EventType, payer_event: EventType, actor, now
) -> None:
    """Save ``request``'s link to ``payer_request`` (or its removal) and record it in both histories."""
    request.save(update_fields=["payer_request", "updated_at"])
    payload = {"payer_request": payer_request.pk, "name": str(payer_request)}
    event_record(request, request_event, actor=actor, at=now, payload=payload)
    payload = {"linked_request": request.pk, "name": str(request)}
    event_record(payer_request, payer_event, actor=actor, at=now, payload=payload)


def payer_determination_apply(*, determination_id: int, submission_id: int, job_id: int | None = None) -> dict:
    """One item of the job: the linked request gets its own determination through the workflow
    table. Idempotent: a request that already carries this determination is reported as it is."""
    source = Determination.objects.select_related("submission", "decided_by").get(pk=determination_id)
    submission = Submission.objects.select_related("performance_year").get(pk=submission_id)
    existing = submission.determinations.filter(superseded_at__isnull=True, applied_from=source).first()
    if existing is None:
        name = "apply_payer_approval" if source.outcome == "approved" else "apply_payer_rejection"
        try:
            transition_apply(
                submission_id=submission.pk,
                name=name,
                actor=source.decided_by,
                payload={"payer_determination": source.pk, "job": job_id},
            )
        except TransitionRefused as refused:
            raise LinkRefused(str(refused)) from None
        existing = submission.determinations.get(superseded_at__isnull=True, applied_from=source)
    return {
        "tracking_number": submission.tracking_number or "",
        "payer_request": str(source.submission),
        "outcome": existing.get_outcome_display(),
        "years": f"{existing.first_year}-{existing.last_year}",
        "determination": existing.pk,
    }
