"""Messages about requests: receipts, CMS questions and decisions to submitters; overdue answers to reviewers.

Each ``*_queue`` function is called inside the transaction of the change that owes the message and
writes outbox rows (``messaging``), one per recipient, keyed so that queuing again is a no-op. The
``*_compose`` functions write the e-mail when the dispatcher sends it, from the request as it is
then: a question already answered or a decision since reopened is not sent.
"""

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from determinations.events import EventType
from determinations.models import Determination, InformationRequest, Submission
from determinations.services.events import event_record
from determinations.services.letters import determination_letter_render
from determinations.states import SubmissionStatus
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue


def members_emails(submission) -> list[str]:
    """Everyone active in the submitting organization: the people who owe and are owed messages."""
    return sorted(
        submission.organization.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


# Receipts ---------------------------------------------------------------------------------------


def submission_receipt_queue(submission, event=None) -> int:
    return messages_queue(kind="submission_receipt", about=submission, recipients=members_emails(submission))


@message_kind("submission_receipt", label="Receipt of a request")
def submission_receipt_compose(message) -> Email:
    submission = Submission.objects.select_related("arrangement").get(pk=message.object_id)
    submitted = submission.events.filter(event_type="submit").select_related("actor").order_by("-at").first()
    if submitted is None:
        raise NotDue("The request has not been submitted.")
    context = {
        "submission": submission,
        "event": submitted,
        "url": _link("determinations:submission_detail", submission.pk),
    }
    return Email(
        subject=f"Received: {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/submission_receipt.txt", context),
    )


# CMS questions ----------------------------------------------------------------------------------


def information_request_queue(request: InformationRequest) -> int:
    """The question (or its new due date) to every member; once per question and due date."""
    return messages_queue(
        kind="information_request",
        about=request,
        recipients=members_emails(request.submission),
        occasion=request.due_at.isoformat(),
    )


@message_kind("information_request", label="Question from CMS")
def information_request_compose(message) -> Email:
    request = InformationRequest.objects.select_related("submission__arrangement").get(pk=message.object_id)
    if not request.is_open:
        raise NotDue("The question was answered or closed before this was sent.")
    if request.due_at.isoformat() != message.occasion:
        raise NotDue("The due date changed; the new date is sent in its own message.")
    submission = request.submission
    context = {
        "submission": submission,
        "request": request,
        "url": _link("determinations:information_request_answer", submission.pk),
    }
    return Email(
        subject=f"CMS needs more information: {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/information_request.txt", context),
    )


# Decisions --------------------------------------------------------------------------------------


def determination_decision_queue(determination: Determination) -> int:
    return messages_queue(
        kind="determination_decision", about=determination, recipients=members_emails(determination.submission)
    )


@message_kind("determination_decision", label="Decision")
def determination_decision_compose(message) -> Email:
    determination = Determination.objects.select_related("submission__arrangement", "decided_by").get(
        pk=message.object_id
    )
    if determination.superseded_at is not None:
        raise NotDue("The decision was reopened before this was sent.")
    # The e-mail links to the letter: make sure it exists first (a failure here retries the message).
    determination_letter_render(determination_id=determination.pk)
    submission = determination.submission
    context = {
        "submission": submission,
        "determination": determination,
        "url": _link("determinations:submission_detail", submission.pk),
        "letter_url": _link("determinations:determination_letter", submission.pk, determination.pk),
    }
    return Email(
        subject=f"Decision: {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/determination_decision.txt", context),
    )


def determination_letter_reissued_queue(determination: Determination, *, job_id: int) -> int:
    """The regenerated letter to every member, once per batch job that regenerated it."""
    return messages_queue(
        kind="determination_letter_reissued",
        about=determination,
        recipients=members_emails(determination.submission),
        occasion=f"job-{job_id}",
    )


@message_kind("determination_letter_reissued", label="Determination letter reissued")
def determination_letter_reissued_compose(message) -> Email:
    determination = Determination.objects.select_related("submission__arrangement").get(pk=message.object_id)
    if determination.superseded_at is not None:
        raise NotDue("The decision was reopened before the reissued letter was sent.")
    submission = determination.submission
    context = {
        "submission": submission,
        "determination": determination,
        "letter_url": _link("determinations:determination_letter", submission.pk, determination.pk),
    }
    return Email(
        subject=f"Determination letter reissued: {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/determination_letter_reissued.txt", context),
    )


# Overdue answers --------------------------------------------------------------------------------


def information_requests_flag_overdue(*, now=None, limit: int = 500) -> int:
    """Flag each unanswered question past its due date once, and tell the assigned reviewer.

    One row per transaction, taken with ``SKIP LOCKED`` where the database has it: two sweepers at
    once never take the same row, and a sweeper that dies mid-row leaves it for the next run.
    """
    now = now or timezone.now()
    due = InformationRequest.objects.filter(
        responded_at__isnull=True,
        closed_at__isnull=True,
        overdue_flagged_at__isnull=True,
        due_at__lt=now,
        submission__status=SubmissionStatus.INFORMATION_REQUESTED,
    ).order_by("due_at", "pk")
    skip_locked = connection.features.has_select_for_update_skip_locked
    flagged = 0
    while flagged < limit:
        with transaction.atomic():
            request = (
                due.select_for_update(skip_locked=skip_locked, of=("self",))
                .select_related("submission__assignee", "asked_by")
                .first()
            )
            if request is None:
                break
            _overdue_flag(request, now=now)
            flagged += 1
    return flagged


def _overdue_flag(request, *, now) -> None:
    reviewer = request.submission.assignee or request.asked_by
    request.overdue_flagged_at = now
    request.save(update_fields=["overdue_flagged_at"])
    event_record(
        request.submission,
        EventType.INFORMATION_REQUEST_OVERDUE,
        at=now,
        payload={"information_request": request.pk, "notified": reviewer.email},
    )
    messages_queue(
        kind="information_request_overdue",
        about=request,
        recipients=[reviewer.email],
        occasion=request.due_at.isoformat(),
    )


@message_kind("information_request_overdue", label="Question overdue (to the reviewer)")
def information_request_overdue_compose(message) -> Email:
    request = InformationRequest.objects.select_related("submission__arrangement").get(pk=message.object_id)
    if not request.is_open:
        raise NotDue("The question was answered or closed before this was sent.")
    submission = request.submission
    context = {
        "submission": submission,
        "request": request,
        "url": _link("determinations:review_detail", submission.pk),
    }
    return Email(
        subject=f"Unanswered past its due date: {submission.arrangement_name} ({submission.tracking_number})",
        body=render_to_string("emails/information_request_overdue.txt", context),
    )
