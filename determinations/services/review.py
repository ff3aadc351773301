"""Writes of the review: findings drafts, internal notes, information requests, recommendations, decisions.

State changes go through ``determinations.workflow.transition_apply``; what must hold for each is in
``review_transitions``. Everything else here locks the submission row, checks the permission and
writes an event, so the audit history has every step.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from determinations import permissions
from determinations.events import EventType
from determinations.models import (
    CriterionResult,
    Finding,
    InternalNote,
    Submission,
)
from determinations.services.events import event_record
from determinations.services.notifications import information_request_queue
from determinations.services.review_transitions import open_information_request
from determinations.workflow import TransitionRefused, transition_apply


class ReviewError(TransitionRefused):
    """A review step that cannot be taken now; the message says why."""


@dataclass(frozen=True)
class FindingInput:
    finding: str
    rationale: str


def _locked(submission_id: int) -> Submission:
    return Submission.objects.select_for_update().get(pk=submission_id)


def _check(decision: permissions.Decision) -> None:
    if not decision:
        raise ReviewError(decision.message, decision.code)


def findings_save(*, submission_id: int, actor, findings: dict[str, FindingInput], now=None) -> list[CriterionResult]:
    """Save the reviewer's findings as a draft; they lock when the reviewer recommends a decision."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission_id)
        results = list(submission.criterion_results.all())
        _check(permissions.can_record_findings(actor, submission, locked=any(r.locked for r in results)))
        changed = {}
        for result in results:
            given = findings.get(result.criterion)
            if given is None or (given.finding, given.rationale.strip()) == (result.finding, result.rationale):
                continue
            if given.finding and given.finding not in Finding.values:
                raise ReviewError(f"“{given.finding}” is not a finding.")
            result.finding, result.rationale = given.finding, given.rationale.strip()
            result.finding_by, result.finding_at = actor, now
            result.save(update_fields=["finding", "rationale", "finding_by", "finding_at"])
            changed[result.criterion] = result.finding
        if changed:
            event_record(submission, EventType.FINDINGS_SAVED, actor=actor, at=now, payload={"findings": changed})
    return results


def internal_note_add(*, submission_id: int, actor, text: str) -> InternalNote:
    if not text.strip():
        raise ReviewError("Write the note.")
    with transaction.atomic():
        submission = _locked(submission_id)
        _check(permissions.can_add_internal_note(actor, submission))
        note = InternalNote.objects.create(submission=submission, author=actor, text=text.strip())
        event_record(submission, EventType.NOTE_ADDED, actor=actor, payload={"note": note.pk})
    return note


def information_request_ask(*, submission_id: int, actor, question: str, due_at: datetime, now=None):
    """The assigned reviewer asks the submitter a question; the submitter is e-mailed after commit."""
    payload = {"question": question, "due_at": due_at.isoformat()}
    submission = transition_apply(
        submission_id=submission_id, name="request_information", actor=actor, payload=payload, now=now
    )
    return submission.information_requests.order_by("-asked_at", "-pk").first()


def information_request_answer(
    *, submission_id: int, actor, information_request_id: int, response: str, now=None
) -> Submission:
    """A member answers the question ``information_request_id``; the submission goes back to the
    reviewer with what changed since the question."""
    payload = {"response": response, "information_request": information_request_id}
    return transition_apply(submission_id=submission_id, name="respond", actor=actor, payload=payload, now=now)


def information_request_extend(*, submission_id: int, actor, due_at: datetime, reason: str, now=None):
    """The assigned reviewer gives the submitter more time; the submitter is e-mailed the new date."""
    now = now or timezone.now()
    if not reason.strip():
        raise ReviewError("Say why the due date changes.")
    if due_at <= now:
        raise ReviewError("The new due date must be in the future.")
    with transaction.atomic():
        submission = _locked(submission_id)
        _check(permissions.can_manage_information_request(actor, submission))
        request = open_information_request(submission)
        if request is None:
            raise ReviewError("There is no open question to extend.")
        before = request.due_at
        request.due_at, request.overdue_flagged_at = due_at, None
        request.save(update_fields=["due_at", "overdue_flagged_at"])
        event_record(
            submission,
            EventType.INFORMATION_REQUEST_EXTENDED,
            actor=actor,
            at=now,
            reason=reason.strip(),
            payload={"information_request": request.pk, "from": before.isoformat(), "due_at": due_at.isoformat()},
        )
        information_request_queue(request)
    return request


def information_request_close(*, submission_id: int, actor, reason: str, now=None) -> Submission:
    return transition_apply(
        submission_id=submission_id, name="close_information_request", actor=actor, reason=reason, now=now
    )


def recommendation_make(*, submission_id: int, actor, recommendation: str, note: str = "", now=None) -> Submission:
    """The assigned reviewer recommends approval or rejection; the findings lock with it."""
    return transition_apply(
        submission_id=submission_id,
        name="recommend",
        actor=actor,
        reason=note,
        payload={"recommendation": recommendation},
        now=now,
    )


def decision_make(
    *,
    submission_id: int,
    actor,
    decision: str,
    reason: str = "",
    unmet: list[dict] | None = None,
    years: list[int] | None = None,
    years_reason: str = "",
    now=None,
) -> Submission:
    """A review lead (not the recommending reviewer) approves, rejects or sends back.

    An approval covers every requested year unless ``years`` names fewer (consecutive ones), with
    ``years_reason`` saying why; the guard checks both.
    """
    if decision not in {"approve", "reject", "send_back"}:
        raise ReviewError("Choose approve, reject or send back.")
    payload = {"unmet": unmet or []} if decision == "reject" else {}
    if decision == "approve" and years is not None:
        payload = {"years": sorted(years), "years_reason": years_reason.strip()}
    return transition_apply(
        submission_id=submission_id, name=decision, actor=actor, reason=reason, payload=payload, now=now
    )


def decision_reopen(*, submission_id: int, actor, reason: str, now=None) -> Submission:
    """A review lead reopens a decision, with the reason in writing; the determination is superseded."""
    return transition_apply(submission_id=submission_id, name="reopen", actor=actor, reason=reason, now=now)
