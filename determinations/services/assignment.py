"""Who reviews what: leads assign and reassign, reviewers claim, staff declare conflicts of interest.

- ``submission_assign``: a review lead assigns one or many requests to a reviewer. A batch is all
  or nothing: if the reviewer declared a conflict with any of the organizations, or a request is
  no longer open, nothing is assigned and the message names the requests to leave out. A lead
  who ticked fifty rows then knows exactly what happened to each.
- ``submission_claim``: a reviewer takes an unassigned open request. The row is locked, so when
  two reviewers claim at once exactly one gets it and the other is told who did.
- ``conflict_declare``: a reviewer (or lead) records a conflict with the request's organization;
  they are unassigned from that organization's open requests and cannot be given any of them.

A request still in ``submitted`` moves to ``in_review`` through ``transition_apply("start_review")``
in the same transaction as its assignment. Every change writes a staff-only ``SubmissionEvent``.
Each function first locks the reviewer's user row, so a claim or an assignment and a conflict
declaration for the same reviewer never interleave.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from determinations.events import EventType
from determinations.models import ConflictOfInterest, Submission
from determinations.permissions import Code, can_assign, can_be_assigned, can_claim, can_declare_conflict, recusal
from determinations.services.events import event_record
from determinations.states import OPEN, STAFF_VISIBLE, SUBMITTER_LABELS, SubmissionStatus
from determinations.workflow import TransitionRefused, transition_apply
from qppportal.dates import date_text


class AssignmentRefused(Exception):
    """The assignment, claim or declaration cannot be made; the message says why."""


@dataclass
class ConflictDeclared:
    conflict: ConflictOfInterest
    created: bool
    unassigned: list[Submission] = field(default_factory=list)


def _lock_user(user: User) -> None:
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _lock_submissions(**lookups) -> list[Submission]:
    return list(Submission.objects.select_for_update(of=("self",)).filter(**lookups).order_by("pk"))


def _start_review_if_submitted(submission: Submission, actor: User, now) -> None:
    if submission.status != SubmissionStatus.SUBMITTED:
        return
    try:
        transition_apply(submission_id=submission.pk, name="start_review", actor=actor, now=now)
    except TransitionRefused as refused:
        raise AssignmentRefused(str(refused)) from refused


def _give(submission: Submission, reviewer: User | None, now) -> None:
    submission.assignee = reviewer
    submission.assigned_at = now if reviewer else None
    submission.save(update_fields=["assignee", "assigned_at", "updated_at"])


def _conflicted_organization_ids(reviewer: User, organization_ids) -> set[int]:
    return set(
        ConflictOfInterest.objects.filter(reviewer=reviewer, organization_id__in=organization_ids).values_list(
            "organization_id", flat=True
        )
    )


def _listing(submissions) -> str:
    return ", ".join(str(s) for s in submissions)


def submission_assign(*, submission_ids, assignee: User, actor: User, now=None) -> list[Submission]:
    """Assign the requests ``submission_ids`` to ``assignee``; returns those whose assignee changed."""
    for decision in (can_assign(actor), can_be_assigned(assignee)):
        if not decision:
            raise AssignmentRefused(decision.message)
    ids = sorted({int(pk) for pk in submission_ids})
    if not ids:
        raise AssignmentRefused("Choose at least one request to assign.")
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(assignee)
        submissions = [s for s in _lock_submissions(pk__in=ids) if s.status in STAFF_VISIBLE]
        if len(submissions) != len(ids):
            raise AssignmentRefused("Some of the chosen requests no longer exist. Nothing was assigned.")
        closed = [s for s in submissions if s.status not in OPEN]
        if closed:
            raise AssignmentRefused(
                f"These requests are decided or withdrawn, so they cannot be assigned: {_listing(closed)}. "
                "Nothing was assigned."
            )
        conflicted = _conflicted_organization_ids(assignee, {s.organization_id for s in submissions})
        if conflicted:
            refused = [s for s in submissions if s.organization_id in conflicted]
            organizations = ", ".join(
                sorted({s.organization.name for s in Submission.objects.filter(pk__in=[s.pk for s in refused])})
            )
            raise AssignmentRefused(
                f"{assignee} declared a conflict of interest with {organizations}, so they cannot review "
                f"{_listing(refused)}. Nothing was assigned: leave those out and assign again."
            )
        changed = []
        for submission in submissions:
            previous = submission.assignee_id
            if previous == assignee.pk:
                continue
            _give(submission, assignee, now)
            event_record(
                submission,
                EventType.REASSIGNED if previous else EventType.ASSIGNED,
                actor=actor,
                at=now,
                payload={"name": str(assignee), "assignee_id": assignee.pk, "previous_assignee_id": previous},
            )
            _start_review_if_submitted(submission, actor, now)
            changed.append(submission)
    return changed


def submission_claim(*, submission_id: int, actor: User, now=None) -> Submission:
    """The reviewer ``actor`` takes an unassigned open request; claiming one's own is a no-op."""
    claiming = can_claim(actor)
    if not claiming:
        raise AssignmentRefused(claiming.message)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(actor)
        locked = _lock_submissions(pk=submission_id)
        if not locked or locked[0].status not in STAFF_VISIBLE:
            raise AssignmentRefused("That request does not exist.")
        submission = locked[0]
        recused = recusal(actor, submission)
        if not recused:
            # Not naming the request: the recused do not read its tracking number anywhere.
            raise AssignmentRefused(recused.message)
        if submission.assignee_id == actor.pk:
            return submission
        if submission.assignee_id is not None:
            holder = User.objects.get(pk=submission.assignee_id)
            when = date_text(submission.assigned_at, time=True)
            raise AssignmentRefused(f"{holder} already has {submission} (since {when}). Choose another request.")
        if submission.status not in OPEN:
            raise AssignmentRefused(
                f"{submission} is {SUBMITTER_LABELS[submission.status].lower()}, so it cannot be claimed."
            )
        _give(submission, actor, now)
        event_record(
            submission, EventType.CLAIMED, actor=actor, at=now, payload={"name": str(actor), "assignee_id": actor.pk}
        )
        _start_review_if_submitted(submission, actor, now)
    return submission


def conflict_declare(*, reviewer: User, submission: Submission, reason: str, now=None) -> ConflictDeclared:
    """Record ``reviewer``'s conflict with ``submission``'s organization and recuse them from its requests."""
    declaring = can_declare_conflict(reviewer, submission)
    # Already recused: declaring again keeps the one declaration (below, under the lock).
    if not declaring and declaring.code is not Code.RECUSED:
        raise AssignmentRefused(declaring.message)
    reason = reason.strip()
    if not reason:
        raise AssignmentRefused("Give the reason for the conflict of interest.")
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(reviewer)
        conflict, created = ConflictOfInterest.objects.get_or_create(
            reviewer=reviewer,
            organization_id=submission.organization_id,
            defaults={"submission": submission, "reason": reason},
        )
        if not created:
            return ConflictDeclared(conflict=conflict, created=False)
        event_record(
            submission,
            EventType.CONFLICT_DECLARED,
            actor=reviewer,
            at=now,
            reason=reason,
            payload={"name": str(reviewer)},
        )
        unassigned = _lock_submissions(organization_id=submission.organization_id, assignee=reviewer, status__in=OPEN)
        for recused in unassigned:
            _give(recused, None, now)
            event_record(
                recused,
                EventType.UNASSIGNED,
                actor=reviewer,
                at=now,
                reason="Conflict of interest declared.",
                payload={"name": str(reviewer), "previous_assignee_id": reviewer.pk},
            )
    return ConflictDeclared(conflict=conflict, created=True, unassigned=unassigned)
