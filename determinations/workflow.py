"""The submission state machine: every state, every transition, who may make it and what must hold.

The status of a ``Submission`` changes only through ``transition_apply``: it locks the row,
re-checks the state, permission and guards, writes the new state and a ``SubmissionEvent`` in one
transaction, and queues the e-mail it owes in the outbox in that same transaction; background work
(a letter to render) is queued after commit. A repeat of the same transition by the same person
(a double click, a second tab) changes nothing and raises ``TransitionRepeated``, which says when it
was done; anyone else is told who got there first. A repeat that carries different content (another
question, another answer) is refused with what happened, so nothing a person sent is dropped unseen.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from determinations.events import EventType
from determinations.models import Submission
from determinations.permissions import Code, Decision, is_assignee, is_deciding_lead, is_lead, is_member, is_reviewer
from determinations.rules import tracking_numbers
from determinations.services import applied_determinations as applied
from determinations.services import review_transitions as review
from determinations.services.events import event_record
from determinations.services.notifications import submission_receipt_queue
from determinations.services.precheck import criterion_results_record
from determinations.services.submission_completeness import submission_blocking_problems
from determinations.services.tracking import TrackingNumberUnavailable, tracking_number_unused
from determinations.states import BEFORE_DECISION, DECIDED, OPEN, SUBMITTER_LABELS, SubmissionStatus
from qppportal.dates import date_text


class TransitionRefused(Exception):
    """The transition cannot be made now; the message says why, for the person who tried."""

    def __init__(self, message: str, code: Code = Code.NOT_NOW):
        super().__init__(message)
        self.code = code


class TransitionRepeated(TransitionRefused):
    """The same person already made this transition with the same content: nothing changed. The
    message says when it was done, for pages to show (a double click is not an error)."""


def _reason_required(submission, *, reason="", **context) -> list[str]:
    return [] if reason.strip() else ["Give the reason in writing."]


def no_guard(submission, **context) -> list[str]:
    return []


def no_effect(submission, *, now, **context) -> list[str]:
    return []


def same_content(submission, event, **context) -> list[str]:
    return []


@dataclass(frozen=True)
class Transition:
    name: EventType
    sources: frozenset
    target: str
    permission: Callable[..., Decision]
    guard: Callable[..., list[str]] = no_guard
    effect: Callable[..., list[str]] = no_effect
    # Outbox rows the transition owes (receipt, question, decision), written in its transaction.
    messages: tuple[Callable, ...] = field(default=())
    # Background work queued after commit (never failing the request if the broker is down).
    after_commit: tuple[Callable, ...] = field(default=())
    # Batch jobs the transition starts (applying a payer's decision to linked requests), created in
    # its transaction; their chunks are queued after commit.
    jobs: tuple[Callable, ...] = field(default=())
    # False for transitions only a batch job makes (applying a payer's decision): no page offers them.
    offered: bool = True
    # How refusals name the action ("you cannot approve it now"); by default, from the label.
    action: str = ""
    # Whether a second try repeats ``event`` (the last one of this transition): the problems when
    # its content differs (another question is not a repeat of the first), else none.
    repeats: Callable[..., list[str]] = same_content

    @property
    def label(self) -> str:
        return self.name.label

    @property
    def action_phrase(self) -> str:
        return self.action or f"be {self.label.lower()}"


def _submit_guard(submission, *, now, **context) -> list[str]:
    return [problem.message for problem in submission_blocking_problems(submission, now=now)]


def _stamp_submission(submission, *, now, **context) -> list[str]:
    """Give the request its tracking number and record the automatic criterion results CMS will see."""
    submission.submitted_at = now
    submission.tracking_number = tracking_number_for(submission)
    submission.precheck_outcome = criterion_results_record(submission)
    submission.review_due_at = submission.window.closes_at + timedelta(days=settings.REVIEW_TARGET_DAYS)
    return ["submitted_at", "tracking_number", "precheck_outcome", "review_due_at"]


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            EventType.SUBMIT,
            frozenset({SubmissionStatus.DRAFT}),
            SubmissionStatus.SUBMITTED,
            is_member,
            guard=_submit_guard,
            effect=_stamp_submission,
            messages=(submission_receipt_queue,),
        ),
        Transition(EventType.WITHDRAW, BEFORE_DECISION, SubmissionStatus.WITHDRAWN, is_member),
        Transition(
            EventType.START_REVIEW,
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.IN_REVIEW,
            is_reviewer,
            action="start its review",
        ),
        Transition(
            EventType.REQUEST_INFORMATION,
            frozenset({SubmissionStatus.IN_REVIEW}),
            SubmissionStatus.INFORMATION_REQUESTED,
            is_assignee,
            guard=review.request_information_guard,
            effect=review.request_information_effect,
            repeats=review.request_information_repeats,
            messages=(review.request_information_notify,),
            action="ask for more information",
        ),
        Transition(
            EventType.RESPOND,
            frozenset({SubmissionStatus.INFORMATION_REQUESTED}),
            SubmissionStatus.IN_REVIEW,
            is_member,
            guard=review.respond_guard,
            effect=review.respond_effect,
            repeats=review.respond_repeats,
            action="send an answer",
        ),
        Transition(
            EventType.CLOSE_INFORMATION_REQUEST,
            frozenset({SubmissionStatus.INFORMATION_REQUESTED}),
            SubmissionStatus.IN_REVIEW,
            is_assignee,
            guard=review.close_information_request_guard,
            effect=review.close_information_request_effect,
            action="continue the review without an answer",
        ),
        Transition(
            EventType.RECOMMEND,
            frozenset({SubmissionStatus.IN_REVIEW}),
            SubmissionStatus.RECOMMENDED,
            is_assignee,
            guard=review.recommend_guard,
            effect=review.recommend_effect,
            action="recommend a decision",
        ),
        Transition(
            EventType.SEND_BACK,
            frozenset({SubmissionStatus.RECOMMENDED}),
            SubmissionStatus.IN_REVIEW,
            is_deciding_lead,
            guard=_reason_required,
            effect=review.findings_unlock,
            action="send it back",
        ),
        Transition(
            EventType.APPROVE,
            frozenset({SubmissionStatus.RECOMMENDED}),
            SubmissionStatus.APPROVED,
            is_deciding_lead,
            guard=review.approve_guard,
            effect=review.approve_effect,
            messages=(review.decision_notify,),
            after_commit=(review.letter_render_enqueue,),
            jobs=(applied.linked_requests_apply_start,),
            action="approve it",
        ),
        Transition(
            EventType.REJECT,
            frozenset({SubmissionStatus.RECOMMENDED}),
            SubmissionStatus.REJECTED,
            is_deciding_lead,
            guard=review.reject_guard,
            effect=review.reject_effect,
            messages=(review.decision_notify,),
            after_commit=(review.letter_render_enqueue,),
            jobs=(applied.linked_requests_apply_start,),
            action="reject it",
        ),
        Transition(
            EventType.APPLY_PAYER_APPROVAL,
            frozenset(OPEN),
            SubmissionStatus.APPROVED,
            is_lead,
            guard=applied.approval_guard,
            effect=applied.apply_effect,
            messages=(review.decision_notify,),
            after_commit=(review.letter_render_enqueue,),
            action="apply the payer's approval",
            offered=False,
        ),
        Transition(
            EventType.APPLY_PAYER_REJECTION,
            frozenset(OPEN),
            SubmissionStatus.REJECTED,
            is_lead,
            guard=applied.rejection_guard,
            effect=applied.apply_effect,
            messages=(review.decision_notify,),
            after_commit=(review.letter_render_enqueue,),
            action="apply the payer's determination",
            offered=False,
        ),
        Transition(
            EventType.REOPEN,
            DECIDED,
            SubmissionStatus.IN_REVIEW,
            is_lead,
            guard=_reason_required,
            effect=review.reopen_effect,
            action="reopen the decision",
        ),
    ]
}


def transition_apply(*, submission_id: int, name: str, actor, reason: str = "", payload: dict | None = None, now=None):
    """Make transition ``name`` on a submission for ``actor``; raises ``TransitionRefused``."""
    transition = TRANSITIONS[name]
    now = now or timezone.now()
    payload = dict(payload or {})
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("window", "performance_year")
            .get(pk=submission_id)
        )
        last = (
            submission.events.filter(event_type__in=list(TRANSITIONS))
            .select_related("actor")
            .order_by("-at", "-pk")
            .first()
        )
        if last is not None and last.event_type == name and submission.status == transition.target:
            differs = transition.repeats(submission, last, now=now, actor=actor, reason=reason, payload=payload)
            if differs:
                raise TransitionRefused(" ".join(differs))
            if last.actor_id == actor.pk:
                raise TransitionRepeated(_repeated_message(submission, last))
            raise TransitionRefused(f"This request was already {transition.label.lower()}{_by_whom(last)}.")
        if submission.status not in transition.sources:
            state = SUBMITTER_LABELS[submission.status] if not actor.staff_role else submission.get_status_display()
            since = f" ({last.label.lower()}{_by_whom(last)})" if last is not None and actor.staff_role else ""
            who = "you" if transition.action else "it"
            raise TransitionRefused(
                f"This request is {state.lower()}{since}, so {who} cannot {transition.action_phrase} now."
            )
        decision = transition.permission(actor, submission)
        if not decision:
            raise TransitionRefused(decision.message, decision.code)
        problems = transition.guard(submission, now=now, actor=actor, reason=reason, payload=payload)
        if problems:
            raise TransitionRefused(" ".join(problems))
        from_state = submission.status
        submission.status = transition.target
        submission.status_changed_at = now
        effect_fields = transition.effect(submission, now=now, actor=actor, reason=reason, payload=payload)
        submission.save(update_fields=["status", "status_changed_at", "updated_at", *effect_fields])
        event = event_record(
            submission,
            transition.name,
            actor=actor,
            at=now,
            from_state=from_state,
            to_state=transition.target,
            reason=reason,
            payload=payload,
        )
        for queue_messages in transition.messages:
            queue_messages(submission, event)
        for start_job in transition.jobs:
            start_job(submission, event)
        for follow_up in transition.after_commit:
            transaction.on_commit(lambda follow_up=follow_up: follow_up(submission, event))
    return submission


def _by_whom(event) -> str:
    who = f" by {event.actor}" if event.actor else ""
    return f"{who} on {date_text(event.at, time=True)}"


def _repeated_message(submission, event) -> str:
    tracking = f" (tracking number {submission.tracking_number})" if submission.tracking_number else ""
    return (
        f"Already done by you on {date_text(event.at, time=True)}: {event.label}{tracking}. "
        "Nothing was changed or sent again."
    )


def tracking_number_for(submission, *, symbols: Callable[[], str] = tracking_numbers.random_symbols) -> str:
    """A random tracking number not yet given (decision 0028); numbers given before keep their form."""
    process_code = "PI" if submission.process == "payer_initiated" else "EC"
    try:
        return tracking_number_unused(
            year=submission.performance_year.year, process_code=process_code, model=Submission, symbols=symbols
        )
    except TrackingNumberUnavailable as error:
        raise TransitionRefused(str(error)) from None


def transitions_available(submission, user) -> dict[str, Decision]:
    """What this person may do with the request now: each transition leading from its present state,
    with the permission's decision (the guards are checked when they try). Pages show an action when
    its decision allows it, and may show a refusal's message beside it."""
    return {
        name: transition.permission(user, submission)
        for name, transition in TRANSITIONS.items()
        if transition.offered and submission.status in transition.sources
    }
