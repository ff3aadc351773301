"""E-mail about requests: receipts, CMS questions and decisions to submitters; overdue answers to reviewers."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from determinations.events import EventType
from determinations.models import (
    Determination,
    InformationRequest,
    Submission,
)
from determinations.services.events import event_record
from determinations.states import SubmissionStatus


def submission_receipt_send(*, submission_id: int) -> int:
    """E-mail the receipt to every member of the submitting organization; returns how many were sent.

    The submission row is locked and the sending is logged as an event, so a retried or duplicated
    task sends nothing the second time.
    """
    with transaction.atomic():
        submission = _locked_submission(submission_id)
        events = submission.events.select_related("actor")
        submitted = events.filter(event_type="submit").order_by("-at").first()
        if submitted is None or events.filter(event_type="receipt_sent").exists():
            return 0
        recipients = _members_emails(submission)
        context = {
            "submission": submission,
            "event": submitted,
            "url": settings.SITE_URL + reverse("determinations:submission_detail", args=[submission.pk]),
        }
        send_mail(
            subject=f"Received: {submission.arrangement.name} ({submission.tracking_number})",
            message=render_to_string("emails/submission_receipt.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
        _sent_event(submission, EventType.RECEIPT_SENT, recipients=recipients)
    return len(recipients)


# --- Information requests and decisions (determinations/services/review.py) -------------------


def _members_emails(submission) -> list[str]:
    return sorted(
        submission.organization.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def _locked_submission(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("organization", "arrangement", "performance_year")
        .get(pk=submission_id)
    )


def _sent_event(submission, event_type: EventType, **payload) -> None:
    event_record(submission, event_type, payload=payload)


def information_request_send(*, information_request_id: int) -> int:
    """E-mail CMS's question (or its new due date) to the submitting organization's members, once."""
    submission_id = InformationRequest.objects.values_list("submission_id", flat=True).get(pk=information_request_id)
    with transaction.atomic():
        submission = _locked_submission(submission_id)
        request = InformationRequest.objects.get(pk=information_request_id)
        due = request.due_at.isoformat()
        already = submission.events.filter(
            event_type="information_request_sent", payload__information_request=request.pk, payload__due_at=due
        ).exists()
        if not request.is_open or already:
            return 0
        recipients = _members_emails(submission)
        context = {
            "submission": submission,
            "request": request,
            "url": settings.SITE_URL + reverse("determinations:information_request_answer", args=[submission.pk]),
        }
        send_mail(
            subject=f"CMS needs more information: {submission.arrangement.name} ({submission.tracking_number})",
            message=render_to_string("emails/information_request.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
        _sent_event(
            submission,
            EventType.INFORMATION_REQUEST_SENT,
            information_request=request.pk,
            due_at=due,
            recipients=recipients,
        )
    return len(recipients)


def determination_decision_send(*, determination_id: int) -> int:
    """E-mail CMS's decision to the submitting organization's members, once per determination."""
    submission_id = Determination.objects.values_list("submission_id", flat=True).get(pk=determination_id)
    with transaction.atomic():
        submission = _locked_submission(submission_id)
        determination = Determination.objects.select_related("decided_by").get(pk=determination_id)
        already = submission.events.filter(event_type="decision_sent", payload__determination=determination.pk)
        if determination.superseded_at is not None or already.exists():
            return 0
        recipients = _members_emails(submission)
        context = {
            "submission": submission,
            "determination": determination,
            "url": settings.SITE_URL + reverse("determinations:submission_detail", args=[submission.pk]),
            "letter_url": settings.SITE_URL
            + reverse("determinations:determination_letter", args=[submission.pk, determination.pk]),
        }
        send_mail(
            subject=f"Decision: {submission.arrangement.name} ({submission.tracking_number})",
            message=render_to_string("emails/determination_decision.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
        _sent_event(submission, EventType.DECISION_SENT, determination=determination.pk, recipients=recipients)
    return len(recipients)


def information_requests_flag_overdue(*, now=None, limit: int = 500) -> int:
    """Flag each unanswered question past its due date once, and e-mail the assigned reviewer.

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
                .select_related("submission__arrangement", "submission__assignee", "asked_by")
                .first()
            )
            if request is None:
                break
            _overdue_flag(request, now=now)
            flagged += 1
    return flagged


def _overdue_flag(request, *, now) -> None:
    submission = request.submission
    reviewer = submission.assignee or request.asked_by
    context = {
        "submission": submission,
        "request": request,
        "url": settings.SITE_URL + reverse("determinations:review_detail", args=[submission.pk]),
    }
    send_mail(
        subject=f"Unanswered past its due date: {submission.arrangement.name} ({submission.tracking_number})",
        message=render_to_string("emails/information_request_overdue.txt", context),
        from_email=None,
        recipient_list=[reviewer.email],
    )
    request.overdue_flagged_at = now
    request.save(update_fields=["overdue_flagged_at"])
    event_record(
        submission,
        EventType.INFORMATION_REQUEST_OVERDUE,
        at=now,
        payload={"information_request": request.pk, "notified": reviewer.email},
    )
